package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonLogFields#message} (read by hand, {@link JsonLogFields#scanMessage}, else by Jackson's tokens,
 * {@link JsonLogFields#messageTokens}) against its reference (Jackson's tree), each form on its own, and the message
 * it finds in the JSON lines of the common formats; the miner mines such a line by it.
 */
class JsonLogFieldsTest {

    /** The slot of {@code name}'s bytes, set inside other bytes, by the table look-up and by the reference. */
    private static void checkSlot(byte[] name, SplittableRandom r) {
        int before = r.nextInt(4);
        byte[] b = new byte[before + name.length + r.nextInt(4)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        System.arraycopy(name, 0, b, before, name.length);
        int want = JsonLogFields.slotReference(b, before, before + name.length);
        assertEquals(want, JsonLogFields.slot(b, before, before + name.length),
                new String(name, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void aNamesSlotIsTheReferencesForEveryNameAndNearMisses() {
        SplittableRandom r = new SplittableRandom(3);
        int found = 0;
        for (int f = 0; f < JsonLogFields.READ.size(); f++) {
            byte[] w = JsonLogFields.READ.get(f).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] b = new byte[w.length + 2];
            System.arraycopy(w, 0, b, 1, w.length);
            assertEquals(f, JsonLogFields.slot(b, 1, 1 + w.length), JsonLogFields.READ.get(f));
            found++;
            checkSlot(w, r);
            for (int k = 0; k < w.length; k++) { // each byte changed, each cut, each name one byte longer
                byte[] m = w.clone();
                m[k] = (byte) (r.nextBoolean() ? m[k] ^ 0x20 : r.nextInt(256));
                checkSlot(m, r);
                checkSlot(java.util.Arrays.copyOf(w, k), r);
                byte[] longer = java.util.Arrays.copyOf(w, w.length + 1);
                longer[w.length] = (byte) r.nextInt(128);
                checkSlot(longer, r);
            }
        }
        for (int t = 0; t < 20_000; t++) { // random names: letters of the read names, other bytes, any length
            byte[] m = new byte[r.nextInt(40)];
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : "mesagtxlinobdcuSERVIC_@.".charAt(r.nextInt(24)));
            }
            checkSlot(m, r);
        }
        assertEquals(JsonLogFields.READ.size(), found);
    }

    /**
     * {@link JsonLogFields#scanKey} against its reference for every scanned key, each with a byte changed (to a
     * letter's other case, any byte, one over 127), cut, one byte longer, and for random keys of the keys' letters
     * and other bytes, at an offset in a longer array.
     */
    @Test
    void aScannedKeyIsTheReferencesForEveryKeyAndNearMisses() {
        SplittableRandom r = new SplittableRandom(5);
        java.util.List<byte[]> keys = new java.util.ArrayList<>();
        int found = 0;
        for (String k : JsonLogFields.scanKeys()) {
            byte[] w = k.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            keys.add(w);
            for (int i = 0; i < w.length; i++) {
                byte[] m = w.clone();
                m[i] = (byte) (r.nextBoolean() ? m[i] ^ 0x20 : r.nextInt(256));
                keys.add(m);
                keys.add(java.util.Arrays.copyOf(w, i));
                byte[] longer = java.util.Arrays.copyOf(w, w.length + 1);
                longer[w.length] = (byte) r.nextInt(256);
                keys.add(longer);
            }
        }
        for (int t = 0; t < 20_000; t++) {
            byte[] m = new byte[r.nextInt(24)];
            for (int i = 0; i < m.length; i++) {
                m[i] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : "mesagtxlinobdcuSERVIC_@.jP".charAt(r.nextInt(26)));
            }
            keys.add(m);
        }
        for (byte[] w : keys) {
            int before = r.nextInt(4);
            byte[] b = new byte[before + w.length + r.nextInt(4)];
            System.arraycopy(w, 0, b, before, w.length);
            int want = JsonLogFields.scanKeyReference(b, before, before + w.length);
            assertEquals(want, JsonLogFields.scanKey(b, before, before + w.length),
                    new String(w, java.nio.charset.StandardCharsets.ISO_8859_1));
            found += want >= 0 ? 1 : 0;
        }
        assertTrue(found >= JsonLogFields.scanKeys().size(), found + " keys found");
    }

    /** The lines {@link #same} saw that the hand scan read (not {@link JsonLogFields#UNSURE}), and all it saw. */
    private int scanned;
    private int seen;

    /** {@code message(line)} and each of its forms give the reference's message. */
    private void same(String line) {
        String reference = JsonLogFields.messageReference(line);
        assertEquals(reference, JsonLogFields.message(line), line);
        seen++;
        String t = line.strip();
        if (t.length() >= 2 && t.startsWith("{") && t.endsWith("}")) {
            int from = line.indexOf('{');
            int to = line.lastIndexOf('}') + 1;
            assertEquals(reference, JsonLogFields.messageTokens(line, from, to), line);
            String scan = JsonLogFields.scanMessage(line, from, to);
            if (scan != JsonLogFields.UNSURE) {
                assertEquals(reference, scan, line);
                scanned++;
            }
        }
    }

    @Test
    void findsTheMessageOfTheCommonFormats() {
        String[][] cases = {
            {"{\"level\":30,\"time\":1768464000123,\"pid\":7,\"hostname\":\"h\",\"name\":\"api\",\"msg\":\"order paid\"}",
                "order paid"},
            {"{\"level\":\"info\",\"ts\":1768464000.123,\"caller\":\"a.go:1\",\"msg\":\"served\",\"status\":200}", "served"},
            {"{\"@timestamp\":\"2026-01-15T08:00:00Z\",\"log.level\":\"INFO\",\"message\":\"Completed 200 OK\","
                + "\"service.name\":\"billing\"}", "Completed 200 OK"},
            {"{\"@t\":\"2026-01-15T08:00:00Z\",\"@mt\":\"User {Id} logged in\",\"@m\":\"User 7 logged in\",\"Id\":7}",
                "User 7 logged in"},
            {"{\"@t\":\"2026-01-15T08:00:00Z\",\"@mt\":\"Cache warmed\"}", "Cache warmed"},
            {"{\"severity\":\"ERROR\",\"jsonPayload\":{\"message\":\"upstream failed\",\"code\":7}}", "upstream failed"},
            {"{\"jsonPayload.message\":\"flat\",\"jsonPayload\":{\"message\":\"nested\"}}", "flat"},
            {"{\"event\":\"user logged in\",\"level\":\"info\",\"timestamp\":\"2026-01-15T08:00:00Z\"}", "user logged in"},
            {"{\"MESSAGE\":\"Started Session 4 of User root.\",\"SYSLOG_IDENTIFIER\":\"systemd\"}",
                "Started Session 4 of User root."},
            {"  {\"msg\":\"padded\"}\n", "padded"},
            {"{\"message\":\"  \",\"msg\":\"blank message skipped\"}", "blank message skipped"},
            {"{\"message\":\"first\",\"message\":\"last wins\"}", "last wins"},
            {"{\"message\":\"a string\",\"message\":7,\"msg\":\"then msg\"}", "then msg"},
            {"{\"jsonPayload\":{\"message\":\"old\"},\"jsonPayload\":\"replaced\"}", null},
            {"{\"log\":{\"level\":\"info\"},\"message\":{\"nested\":true}}", null},
            {"{\"level\":\"info\",\"error\":\"no message field\"}", null},
            {"{\"msg\":\"one\"} {\"msg\":\"two\"}", null},
            {"{\"msg\":\"unterminated}", null},
            {"[{\"msg\":\"an array\"}]", null},
            {"plain {\"msg\":\"inside\"}", null},
            {"{}", null},
        };
        for (String[] c : cases) {
            assertEquals(c[1], JsonLogFields.message(c[0]), c[0]);
            same(c[0]);
        }
    }

    @Test
    void sameMessageAsTheReferenceOnGeneratedObjects() {
        String[] names = {"message", "msg", "text", "log", "MESSAGE", "@m", "@mt", "body", "jsonPayload", "level",
            "jsonPayload.message", "event", "x", "Message", "line"};
        String[] values = {"\"a b\"", "\"\"", "\" \"", "7", "1.5", "null", "true", "[1,\"x\"]", "{\"message\":\"in\"}",
            "{\"message\":5}", "{\"a\":{\"message\":\"deep\"}}", "\"esc \\\" \\\\ \\u00e9 \\ud800\"", "{}"};
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder("{");
            for (int k = 0, n = r.nextInt(5); k < n; k++) {
                sb.append(k == 0 ? "" : ",").append('"').append(names[r.nextInt(names.length)]).append("\":")
                        .append(values[r.nextInt(values.length)]);
            }
            String line = sb.append('}').toString();
            if (r.nextInt(8) == 0) {
                line = line.substring(0, r.nextInt(line.length() + 1)) + (r.nextBoolean() ? "}" : "");
            }
            if (r.nextInt(8) == 0) {
                line = (r.nextBoolean() ? " \u000B" : "\t") + line + (r.nextBoolean() ? "\n" : " x}");
            }
            same(line);
        }
    }

    @Test
    void theMinerMinesAJsonLineByItsMessage() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        List<String> lines = List.of(
                "{\"time\":\"2026-01-15T08:00:00Z\",\"level\":\"INFO\",\"msg\":\"order 17 paid in 40 ms\",\"trace\":\"ab12\"}",
                "{\"time\":\"2026-01-15T08:00:01Z\",\"level\":\"ERROR\",\"msg\":\"order 18 paid in 41 ms\",\"trace\":\"cd34\","
                        + "\"error\":{\"stack\":\"at a.b(C.java:1)\\nat d.e(F.java:2)\"}}");
        TemplateMiner.Match a = miner.accept(s, lines.get(0));
        TemplateMiner.Match b = miner.accept(s, lines.get(1));
        assertEquals(a.id(), b.id());
        assertEquals("order <*> paid in <*>", b.template());
        assertEquals("order 18 paid in 41 ms", b.message());
        assertNull(miner.accept(s, "order 19 paid in 42 ms").message());
        // without header stripping (the evaluation over loghub's content column) the line is mined as it is
        TemplateMiner plain = new TemplateMiner(MinerSettings.defaults().withHeaders(false));
        assertNull(plain.accept(new MinerState(), lines.get(0)).message());
    }

    @Test
    void aJsonObjectWithoutMessageIsMinedByItsFields() {
        assertEquals("type=login user=alice src.ip=10.0.0.1 src.port=5 ok=true tags=[\"a\",1] note=\"two words\" "
                + "empty=\"\" none=null obj={}", JsonLogFields.fields("{\"type\":\"login\",\"user\":\"alice\","
                + "\"src\":{\"ip\":\"10.0.0.1\",\"port\":5},\"ok\":true,\"tags\":[\"a\",1],\"note\":\"two words\","
                + "\"empty\":\"\",\"none\":null,\"obj\":{}}"));
        assertEquals("a=2 b=1", JsonLogFields.fields(" {\"a\":1,\"b\":1,\"a\":2} "));
        assertNull(JsonLogFields.fields("{}"));
        assertNull(JsonLogFields.fields("{\"a\":1} {\"b\":2}"));
        assertNull(JsonLogFields.fields("not json"));
        assertEquals("m", JsonLogFields.mined("{\"a\":1,\"msg\":\"m\"}"));
        assertEquals("a=1", JsonLogFields.mined("{\"a\":1}"));
        // compact JSON (no spaces: all its pairs one token) of one event type with other values: mining the line
        // as it is makes a template per combination of values; by its fields, at most one per value of user (the
        // second token, a word: the prefix tree splits by it, as it does logfmt lines) with key=<*> elsewhere
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        MinerState raw = new MinerState();
        TemplateMiner plain = new TemplateMiner(MinerSettings.defaults().withHeaders(false));
        String[] users = {"alice", "bob", "carol", "dave"};
        String[] actions = {"read", "write", "delete"};
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        java.util.Set<Integer> rawIds = new java.util.HashSet<>();
        for (int i = 0; i < 60; i++) {
            String line = "{\"kind\":\"audit\",\"user\":\"" + users[i % 4] + "\",\"action\":\"" + actions[i % 3]
                    + "\",\"bucket\":\"b" + (i % 7) + "\",\"bytes\":" + (i * 37) + ",\"ok\":true}";
            ids.add(miner.accept(s, line).id());
            rawIds.add(plain.accept(raw, line).id());
        }
        assertTrue(ids.size() <= users.length, s.clusters().toString());
        // bucket=b0 / bucket=b1: numbered instances, a plain <*>
        assertEquals("kind=audit user=bob action=<*> <*> bytes=<*> ok=true", s.clusters().get(1).template());
        assertTrue(rawIds.size() > 10, raw.clusters().toString());
        // a flag's other state is another event
        assertTrue(!ids.contains(miner.accept(s, "{\"kind\":\"audit\",\"user\":\"bob\",\"action\":\"read\","
                + "\"bucket\":\"b1\",\"bytes\":3,\"ok\":false}").id()));
    }

    /** The record {@code json}'s text field and whether it is a bare message, as {@code "field bare|whole"}. */
    private static String bareness(String json) throws Exception {
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        String f = JsonLogFields.findName(n, JsonLogFields.TEXT);
        return f + " " + (JsonLogFields.bare(n, f) ? "bare" : "whole");
    }

    @Test
    void aMessageFieldIsBareWhereTheFormatKeepsTheHeaderInOtherFields() throws Exception {
        String[][] cases = {
            // pino, zap, slog: msg
            {"{\"level\":30,\"time\":1768464000123,\"name\":\"api\",\"msg\":\"order paid\"}", "msg bare"},
            {"{\"level\":\"info\",\"ts\":1768464000.1,\"caller\":\"a.go:1\",\"msg\":\"served\"}", "msg bare"},
            // structlog, Serilog compact (rendered, else the template), GCP structured payload, OpenTelemetry
            {"{\"event\":\"user logged in\",\"level\":\"info\"}", "event bare"},
            {"{\"@t\":\"2026-01-15T08:00:00Z\",\"@mt\":\"User {Id} in\",\"@m\":\"User 7 in\"}", "@m bare"},
            {"{\"@t\":\"2026-01-15T08:00:00Z\",\"@mt\":\"Cache warmed\"}", "@mt bare"},
            {"{\"severity\":\"ERROR\",\"jsonPayload\":{\"message\":\"upstream failed\"}}", "jsonPayload.message bare"},
            {"{\"severity_text\":\"INFO\",\"body\":\"request served\"}", "body bare"},
            // journald: bare, unless received from a service's standard output
            {"{\"MESSAGE\":\"Accepted publickey for root\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"_TRANSPORT\":\"syslog\"}",
                "MESSAGE bare"},
            {"{\"MESSAGE\":\"Started Session 4.\",\"SYSLOG_IDENTIFIER\":\"systemd\"}", "MESSAGE bare"},
            {"{\"MESSAGE\":\"2026/01/15 08:00:00 INFO started\",\"_TRANSPORT\":\"stdout\"}", "MESSAGE whole"},
            // GELF: bare, unless from Docker's GELF driver
            {"{\"version\":\"1.1\",\"host\":\"h\",\"short_message\":\"disk full\",\"level\":3}", "short_message bare"},
            {"{\"version\":\"1.1\",\"short_message\":\"10.0.0.1 - - GET /\",\"_container_id\":\"ab12\"}",
                "short_message whole"},
            // ECS (ecs-logging: log.level dotted or nested), logstash-logback, winston, python-json-logger, .NET
            {"{\"@timestamp\":\"2026-01-15T08:00:00Z\",\"log.level\":\"INFO\",\"message\":\"Completed\"}", "message bare"},
            {"{\"@timestamp\":\"2026-01-15T08:00:00Z\",\"log\":{\"level\":\"info\"},\"message\":\"Completed\"}",
                "message bare"},
            {"{\"@version\":\"1\",\"level\":\"WARN\",\"logger_name\":\"a.B\",\"message\":\"slow query\"}", "message bare"},
            {"{\"levelname\":\"ERROR\",\"message\":\"failed\"}", "message bare"},
            {"{\"LogLevel\":\"Information\",\"Category\":\"App\",\"Message\":\"Now listening\"}", "Message bare"},
            // keymem's own records and a shipper's raw line: whole lines (no level field)
            {"{\"source\":\"api\",\"message\":\"2026-01-15T08:00:00Z INFO api[7]: started\"}", "message whole"},
            {"{\"source\":\"api\",\"text\":\"started\",\"level\":\" \"}", "text whole"},
            {"{\"source\":\"api\",\"line\":\"INFO started\",\"level\":\"info\"}", "line whole"},
            {"{\"@timestamp\":\"2026-01-15T08:00:00Z\",\"message\":\"Jan 15 08:00:00 h sshd[7]: x\",\"log\":"
                + "{\"file\":{\"path\":\"/var/log/auth.log\"}}}", "message whole"},
            // Docker json-file and Kubernetes node logs, Google Cloud Logging's text payload: a container's line
            {"{\"log\":\"2026-01-15 08:00:00 INFO started\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-15T08:00:00Z\"}",
                "log whole"},
            {"{\"textPayload\":\"I0115 08:00:00 main.go:1] started\",\"severity\":\"INFO\"}", "textPayload whole"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], bareness(c[0]), c[0]);
        }
        assertTrue(!JsonLogFields.bare(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{}"), null));
    }

    @Test
    void anOpenTelemetryBodyIsBareWhereTheRecordHoldsASeverity() throws Exception {
        String[][] cases = {
            // an SDK's record (OTLP JSON's names, the collector's snake case, ClickHouse's columns)
            {"{\"timeUnixNano\":\"1768464000123000000\",\"severityNumber\":9,\"severityText\":\"INFO\","
                + "\"body\":\"order paid\"}", "body bare"},
            {"{\"severity_number\":17,\"body\":\"upstream failed\"}", "body bare"},
            {"{\"severityNumber\":9,\"body\":{\"stringValue\":\"order paid\"}}", "body.stringValue bare"},
            {"{\"Timestamp\":\"2026-01-15 08:00:00\",\"SeverityText\":\"WARN\",\"Body\":\"slow query\"}",
                "Body bare"},
            // the filelog receiver's record of a file's line, no severity parsed: the whole line
            {"{\"observed_timestamp\":\"2026-01-15T08:00:00Z\",\"body\":\"2026-01-15 08:00:00 INFO api started\","
                + "\"attributes\":{\"log.file.name\":\"api.log\"}}", "body whole"},
            {"{\"severityNumber\":0,\"body\":{\"stringValue\":\"Jan 15 08:00:00 h sshd[7]: x\"}}",
                "body.stringValue whole"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], bareness(c[0]), c[0]);
        }
    }

    /** A JSON value of at most {@code depth} more levels, of the kinds log lines hold and some they should not. */
    private static void value(StringBuilder sb, SplittableRandom r, int depth, boolean valid) {
        String[] names = {"message", "msg", "text", "log", "MESSAGE", "body", "jsonPayload", "level", "stringValue",
            "jsonPayload.message", "body.stringValue", "event", "x", "line", "@m", "Body", "", "m\\u0073g", "h\u00e9"};
        int kind = r.nextInt(depth > 0 ? 9 : 6);
        switch (kind) {
            case 0, 1 -> { // a string: plain, escapes, unicode escapes (surrogates, lone ones), raw non-ASCII
                sb.append('"');
                for (int k = 0, n = r.nextInt(12); k < n; k++) {
                    switch (r.nextInt(valid ? 10 : 13)) {
                        case 0 -> sb.append("\\\"");
                        case 1 -> sb.append(new String[] {"\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"}[r.nextInt(7)]);
                        case 2 -> sb.append(String.format("\\u%04x", r.nextInt(0x10000)));
                        case 3 -> sb.append(new String[] {"\\ud83d\\ude00", "\\uD800", "\\u0020", "\\u00E9"}[r.nextInt(4)]);
                        case 4 -> sb.append(new String[] {"\u00e9", "\u4e2d", "\ud83d\ude00", "\u007f", " ", "\ud800", "?",
                            "\u00ff"}[r.nextInt(8)]);
                        case 10 -> sb.append(new String[] {"\\x", "\\u12G4", "\\u\uff10\uff10\uff10\uff10", "\\"}[r.nextInt(4)]);
                        case 11 -> sb.append((char) r.nextInt(0x20)); // a control char: refused
                        case 12 -> sb.append('"');
                        default -> sb.append(new String[] {"order", " ", "paid", "in", "40", "ms", "{", "}", ":", ","}[r.nextInt(10)]);
                    }
                }
                sb.append('"');
            }
            case 2 -> { // a number
                String[] good = {"0", "-0", "7", "-12", "3.25", "1e5", "1E+5", "-2.5e-3", "0.0", "123456789012345678901234"};
                String[] bad = {"01", "-", "1.", ".5", "1e", "+1", "0x1F", "NaN", "-Infinity", "1.5.2", "00", "-01",
                    "1" + "0".repeat(120)};
                sb.append(valid || r.nextInt(3) > 0 ? good[r.nextInt(good.length)] : bad[r.nextInt(bad.length)]);
            }
            case 3 -> sb.append(valid || r.nextBoolean() ? new String[] {"true", "false", "null"}[r.nextInt(3)]
                    : new String[] {"tru", "nul", "True", "falsey", "undefined"}[r.nextInt(5)]);
            case 4, 5 -> sb.append('"').append(new String[] {"a b", "", " ", "\\t", "served 200"}[r.nextInt(5)]).append('"');
            default -> { // an object or an array, nested
                boolean object = kind != 8;
                sb.append(object ? '{' : '[').append(space(r, valid));
                for (int k = 0, n = r.nextInt(5); k < n; k++) {
                    sb.append(k == 0 ? "" : "," + space(r, valid));
                    if (object) {
                        sb.append('"').append(names[r.nextInt(names.length)]).append('"').append(space(r, valid))
                                .append(':').append(space(r, valid));
                    }
                    value(sb, r, depth - 1, valid);
                    sb.append(space(r, valid));
                }
                if (!valid && r.nextInt(20) == 0) {
                    sb.append(',');
                }
                sb.append(object ? '}' : ']');
            }
        }
    }

    private static String space(SplittableRandom r, boolean valid) {
        int k = r.nextInt(valid ? 12 : 14);
        return k < 8 ? "" : new String[] {" ", "\n", "\t", "\r\n ", "\u000B", "\u00a0"}[k - 8];
    }

    @Test
    void theScanAndJacksonsTokensGiveTheReferenceMessageOnRandomJson() {
        SplittableRandom r = new SplittableRandom(29);
        int validScanned = 0;
        int valid = 0;
        for (int i = 0; i < 12_000; i++) {
            boolean ok = r.nextInt(3) > 0;
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(10) == 0) {
                sb.append(" \t");
            }
            sb.append('{');
            String[] names = {"message", "msg", "text", "jsonPayload", "body", "Body", "level", "MESSAGE", "@m",
                "jsonPayload.message", "body.stringValue", "short_message", "x", "source"};
            for (int k = 0, n = r.nextInt(7); k < n; k++) { // duplicate keys as often as not
                sb.append(k == 0 ? "" : ",").append(space(r, ok)).append('"').append(names[r.nextInt(names.length)])
                        .append('"').append(space(r, ok)).append(':').append(space(r, ok));
                value(sb, r, r.nextInt(4), ok);
            }
            sb.append(space(r, ok)).append('}');
            if (!ok && r.nextInt(6) == 0) {
                sb.append(new String[] {" {\"msg\":\"two\"}", "}", " x}", "\n"}[r.nextInt(4)]);
            }
            String line = sb.toString();
            if (!ok && r.nextInt(6) == 0) {
                line = line.substring(0, r.nextInt(line.length() + 1)) + "}";
            }
            int before = scanned;
            same(line);
            if (ok) {
                valid++;
                validScanned += scanned - before;
            }
        }
        // the hand scan reads nearly every valid line (not: escaped keys, an invalid value's branch)
        assertTrue(validScanned > valid * 0.6, validScanned + " of " + valid);
        assertTrue(scanned < seen, "some lines went to Jackson");
    }

    @Test
    void deepNestingLongNumbersAndEdgesGoToJacksonOrMatchIt() {
        String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + ",\"msg\":\"deep\"}";
        String deeper = "{\"a\":" + "[".repeat(1200) + "]".repeat(1200) + ",\"msg\":\"too deep\"}";
        String[] lines = {deep, deeper, "{\"n\":" + "9".repeat(150) + ",\"msg\":\"long number\"}",
            "{\"n\":1" + "0".repeat(1200) + ",\"msg\":\"over Jackson's number length\"}",
            "{\"m\\u0073g\":\"escaped key\"}", "{\"msg\":\"\\u00e9t\\u00E9 \\ud83d\\ude00\"}",
            "{\"msg\":\"a\"}}", "{\"msg\":\"a\"} {\"msg\":\"b\"}", "{ }", "{\"msg\":\"\\u000a\"}",
            "{\"body\":{\"stringValue\":\"otel\",\"stringValue\":\"  \"},\"msg\":\"after\"}",
            "{\"body\":{\"stringValue\":\"nested\"},\"body\":{}}", "{\"body\":{\"x\":{\"stringValue\":\"deeper\"}}}",
            "{\"msg\":\"x\"\u000B}", "{\"msg\" : \"spaced\" , \"a\" : [ 1 , 2 ] }", "{\"msg\":\"tab\tin\"}"};
        for (String line : lines) {
            same(line);
        }
        assertEquals("deep", JsonLogFields.scanMessage(deep, 0, deep.length()));
        assertTrue(JsonLogFields.scanMessage(deeper, 0, deeper.length()) == JsonLogFields.UNSURE);
    }

    @Test
    void shapesAndLoghubTextsGiveTheReferenceMessage() throws java.io.IOException {
        // the shapes' JSON texts (benchmarks/jobs/shapes.py: fixed-schema and free-text JSON inside a record's text)
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 2000; i++) {
            String words = String.join(" ", java.util.stream.IntStream.range(0, 5 + r.nextInt(200))
                    .mapToObj(k -> TemplateMinerShapesTest.WORDS[r.nextInt(TemplateMinerShapesTest.WORDS.length)]).toList());
            same("{\"@timestamp\": \"2026-01-23T08:00:00." + (100 + r.nextInt(900)) + "Z\", \"level\": \"INFO\", "
                    + "\"logger\": \"com.acme.billing.InvoiceRepository\", \"trace_id\": \"" + Long.toHexString(r.nextLong())
                    + "\", \"message\": \"" + words + " " + r.nextInt(5000) + " in " + r.nextInt(999) + " ms\", \"http\": "
                    + "{\"method\": \"POST\", \"status\": 200, \"duration_ms\": 285.911}, \"labels\": {\"k0\": \"payment\"}}");
        }
        assertEquals(seen, scanned);
        for (String line : dev.keymem.jobs.testdata.Loghub.lines("JsonLogFieldsTest")) {
            same(line);
        }
        // with -Dkeymem.jsonlog.files=F1,F2 (JSON lines files: shapes/logs/*.jsonl, loghub-mix.jsonl), every
        // record's text as the source reads it
        String files = System.getProperty("keymem.jsonlog.files");
        if (files != null) {
            dev.keymem.jobs.logs.LogLineParser parser = new dev.keymem.jobs.logs.LogLineParser(null);
            for (String f : files.split(",")) {
                for (String v : java.nio.file.Files.readAllLines(java.nio.file.Path.of(f))) {
                    try {
                        same(parser.parse(null, v, 0, -1).text);
                    } catch (dev.keymem.jobs.kafka.InvalidRecordException e) {
                        // a dead letter at the source
                    }
                }
            }
            System.out.println("JsonLogFieldsTest: " + seen + " texts, " + scanned + " read by the scan");
        }
    }

    /**
     * {@link JsonLogFields#string} (plain runs eight bytes a step) against {@link JsonLogFields#stringReference}
     * (a char at a time) from every quote of random Latin-1 lines (escapes valid and not, {@code \\u} escapes cut
     * and with bad digits, controls, chars 0x80-0xFF, quotes) and of loghub_2k's lines as JSON strings.
     */
    @Test
    void theStringScanIsTheCharByCharScan() throws Exception {
        String[] parts = {"a", "Z", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u0041", "\\u00e9", "\\uD83D",
            "\\u12", "\\u12G4", "\\x", "\\", "\"", "\t", "\u0001", "\u00e9", "\u00ff", "?", "{", "}", "]", "^",
            "plain text of some length "};
        SplittableRandom r = new SplittableRandom(31);
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder("\"");
            for (int j = r.nextInt(0, 14); j > 0; j--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            lines.add(sb.toString());
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> real = new java.util.ArrayList<>();
        for (String l : dev.keymem.jobs.testdata.Loghub.lines("JsonLogFieldsTest")) {
            real.add(json.writeValueAsString(l) + "}");
        }
        // the random lines are checked on every machine; the real ones only where ../shared has them (Loghub.lines
        // prints that it skips them otherwise)
        int randomRead = stringsReadBothWays(lines);
        assertTrue(randomRead > 4_000, "strings read from the random lines: " + randomRead);
        if (!real.isEmpty()) {
            int realRead = stringsReadBothWays(real);
            assertTrue(realRead > 1_000, "strings read from the loghub lines: " + realRead);
        }
    }

    /** Compares {@code string} with its reference at every quote of every line, to the end and to the middle. */
    private static int stringsReadBothWays(java.util.List<String> lines) {
        int read = 0;
        for (String l : lines) {
            byte[] c = l.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int q = 0; q < c.length; q++) {
                if (c[q] == '"') {
                    for (int to : new int[] {c.length, (q + c.length) / 2}) {
                        int want = JsonLogFields.stringReference(c, q, to);
                        assertEquals(want, JsonLogFields.string(c, q, to), l);
                        read += want >= 0 ? 1 : 0;
                    }
                }
            }
        }
        return read;
    }

    /** The whitespace skip's one-compare fast path against its loop: every byte value, then each after spaces. */
    @Test
    void theSpaceSkipIsItsLoop() {
        byte[] ws = {' ', '\n', '\r', '\t'};
        for (int x = 0; x < 256; x++) {
            for (int lead = 0; lead < 4; lead++) {
                byte[] c = new byte[lead + 2];
                for (int k = 0; k < lead; k++) {
                    c[k] = ws[(k + x) & 3];
                }
                c[lead] = (byte) x;
                c[lead + 1] = 'a';
                for (int from = 0; from <= c.length; from++) {
                    for (int to = from; to <= c.length; to++) {
                        assertEquals(JsonLogFields.spaceReference(c, from, to), JsonLogFields.space(c, from, to));
                    }
                }
            }
        }
        assertEquals(3, JsonLogFields.space(new byte[] {' ', '\t', '\n', '"'}, 0, 4));
    }
}
