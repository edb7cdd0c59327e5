package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.mining.LineTokensScanTestLines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LogLineParser#parse(String, KafkaRecord, int)} (ASCII values from their bytes, flat JSON objects token by
 * token) against the reference, {@code parse(key, RecordParsers.decode(record, max), offset, timestamp)}: the same
 * line, field for field, or the same refusal, word for word.
 */
class LogLineParserBytesTest {
    private static final int MAX = 300;
    private static final ObjectMapper TREE = new ObjectMapper();

    private static String outcome(LogLine l) {
        return l.source + "|" + l.text + "|" + l.offset + "|" + l.timestamp + "|" + l.bare + "|" + l.cri;
    }

    private static String reference(LogLineParser p, String key, KafkaRecord r) {
        try {
            return outcome(p.parse(key, RecordParsers.decode(r, MAX), r.offset, r.timestamp));
        } catch (InvalidRecordException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static String fast(LogLineParser p, String key, KafkaRecord r) {
        try {
            LogLine l = p.parse(key, r, MAX);
            if (l.textIsAscii()) { // the mark is a promise the serializers rely on
                for (int i = 0; i < l.text.length(); i++) {
                    assertTrue(l.text.charAt(i) < 128, "marked ASCII: " + l.text);
                }
            }
            return outcome(l);
        } catch (InvalidRecordException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static void check(byte[] value, String key) {
        KafkaRecord r = new KafkaRecord("t", 0, 17, 1234, null, value);
        for (LogLineParser p : new LogLineParser[] {new LogLineParser(null), new LogLineParser("fixed")}) {
            String what = value == null ? "null" : new String(value, StandardCharsets.ISO_8859_1);
            assertEquals(reference(p, key, r), fast(p, key, r), "value " + what + ", key " + key);
        }
    }

    private static void check(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        check(b, null);
        check(b, "k");
    }

    @Test
    void sameLinesAndRefusalsOnChosenValues() {
        String[] values = {
            "{\"source\":\"a\",\"message\":\"hello\"}", "  {\"source\":\"a\",\"message\":\"hello\"}  ",
            "\u000B{\"source\":\"a\",\"message\":\"x\"}", "\u001C{\"source\":\"a\",\"message\":\"x\"}",
            "{\"source\":\"a\",\"message\":\"x\"} trailing", "{\"source\":\"a\",\"message\":\"x\"",
            "{\"message\":\"no source\"}", "{\"source\":\"a\"}", "{\"source\":\"a\",\"message\":\"  \"}",
            "{\"source\":\"a\",\"message\":7,\"text\":\"t\"}", "{\"source\":\"a\",\"message\":\"m\",\"message\":8}",
            "{\"source\":\"a\",\"message\":8,\"message\":\"m2\"}", "{\"source\":\"a\",\"line\":\"l\",\"text\":null}",
            "{\"source\":\"a\",\"message\":\"m\",\"timestamp\":1700000000123}",
            "{\"source\":\"a\",\"message\":\"m\",\"timestamp\":17}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":1.9}",
            "{\"source\":\"a\",\"message\":\"m\",\"ts\":123456789012345678901234}",
            "{\"source\":\"a\",\"message\":\"m\",\"timestamp\":null,\"ts\":5}",
            "{\"source\":\"a\",\"message\":\"m\",\"ts\":\"2026-01-15T08:00:00.875Z\"}",
            "{\"source\":\"a\",\"message\":\"m\",\"ts\":\"yesterday\"}", "{\"source\":\"a\",\"message\":\"m\",\"x\":{\"y\":[1,2]}}",
            "{\"source\":\"a\",\"message\":\"m\",\"x\":[]}", "{\"source\":\"a\",\"message\":\"m\",\"b\":true,\"c\":false}",
            "{\"source\":\"a\",\"message\":\"\\ud800 lone\"}", "{\"source\":\"\\ud83d\\ude00\",\"message\":\"pair \\u00e9\"}",
            "{\"source\":\"a\",\"message\":\"tab\\tnew\\nline\\\"q\\\\\"}", "{\"source\":\"a\",\"message\":\"ctl\u0001\"}",
            "{\"source\":\"a\" \"message\":\"m\"}", "{'source':'a','message':'m'}", "{}", "{\"a\":}", "{", "[1,2]",
            "{\"source\":\"a\",\"message\":\"m\",\"n\":-0,\"f\":1e5,\"g\":01}", "{\"source\":\"a\",\"message\":\"é\"}",
            "\uFEFF{\"source\":\"a\",\"message\":\"bom\"}", "\uFEFFraw line after a byte order mark", "",
            "   ", "\t", "plain raw line", "2026-01-15T08:00:00.875Z INFO cache[4120]: stats hit_ratio=0.93",
            "2026-01-15T08:00:00.875Z INFO cache[4120]: " + "x".repeat(400), "{\"source\":\"a\",\"message\":\""
                    + "y".repeat(400) + "\"}", "{\"source\":\"a\",\"message\":\"m\",\"message\":\"m2\",\"source\":\"b\"}",
            "{\"source\":\"a\",\"message\":\"m\",\"ts\":-5,\"timestamp\":\"2024-02-29T00:00:00Z\"}",
        };
        for (String v : values) {
            check(v);
        }
        check(null, null);
        check(new byte[] {'{', '"', 's', '"', ':', (byte) 0xC3, '"', '}'}, null); // not UTF-8
        check(new byte[] {'r', 'a', 'w', ' ', (byte) 0xFF}, "k");
    }

    @Test
    void sameCriLinesAndNearMisses() {
        String[] stamps = {"2026-01-15T08:00:00.875Z", "2026-01-15T08:00:00.875123456+01:00", "2026-01-15T", "2026-01-15Tx"};
        String[] middles = {" stdout F ", " stderr P ", " stdout F", " stdout X ", " stdoutF ", " stdin F ", "\tstdout F ",
            "  stdout F ", " sTdout F ", " s", " ", "\u001Cstdout F ", "\u001C stdout F ", " stderr  P "};
        String[] messages = {"hello world", "", " ", "GET /a?b=1 200", "x".repeat(50), "tail\n", "INFO cache[4120]: x"};
        LogLineParser p = new LogLineParser(null);
        for (String st : stamps) {
            for (String m : middles) {
                for (String msg : messages) {
                    for (String v : new String[] {st + m + msg, "  " + st + m + msg + "  ", st + m + msg + " \u00e9",
                        "\u3000" + st + m + "\u4e2d " + msg}) {
                        check(v);
                        // the String path (non-ASCII values take it) marks a CRI line exactly where the prefix's
                        // own reading finds one (no shortcut)
                        int lead = 0;
                        while (lead < v.length() && Character.isWhitespace(v.charAt(lead))) {
                            lead++;
                        }
                        try {
                            LogLine l = p.parse(null, v, 0, -1);
                            assertEquals(CriLogPrefix.messageStart(v, lead, v.length()) >= 0, l.cri != 0, v);
                        } catch (InvalidRecordException e) {
                            assertTrue(v.isBlank(), v);
                        }
                    }
                }
            }
        }
    }

    @Test
    void sameLinesOnRealLinesRawAndAsJson() throws Exception {
        List<String> lines = LineTokensScanTestLines.realLines();
        for (String l : lines) {
            check(l);
            check("{\"source\":\"s\",\"message\":" + LogLineParserBytesTest.json(l) + ",\"level\":\"INFO\"}");
        }
    }

    @Test
    void sameLinesAndRefusalsOnRandomJson() {
        SplittableRandom r = new SplittableRandom(41);
        String[] parts = {"{", "}", "\"source\"", "\"message\"", "\"text\"", "\"line\"", "\"ts\"", "\"timestamp\"",
            "\"other\"", ":", ",", "\"a b\"", "\"\"", "\" \"", "12", "-3", "1.5", "9999999999999", "true", "null", "[",
            "]", "\"\\u00e9\"", "\"\\ud800\"", "\"2026-01-15T08:00:00Z\"", " ", "\\", "\"x\\\"y\"", "é"};
        for (int i = 0; i < 15_000; i++) {
            StringBuilder sb = new StringBuilder(r.nextInt(4) == 0 ? "" : "{");
            int n = r.nextInt(14);
            for (int j = 0; j < n; j++) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            check(sb.toString());
        }
        // well-formed objects of the common shape, with random fields in random order
        String[] names = {"source", "message", "text", "line", "ts", "timestamp", "level", "pid", "msg", "MESSAGE",
            "_TRANSPORT", "short_message", "_container_id", "log.level", "severity", "log"};
        String[] vals = {"\"v\"", "\"\"", "\"  \"", "3", "12345678901", "true", "null", "\"2026-01-15T08:00:00.5Z\"",
            "\"a\\\\b\"", "{}", "[\"x\"]", "0.25", "\"stdout\"", "\"syslog\""};
        for (int i = 0; i < 8_000; i++) {
            StringBuilder sb = new StringBuilder("{");
            int n = 1 + r.nextInt(5);
            for (int j = 0; j < n; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                sb.append('"').append(names[r.nextInt(names.length)]).append("\":").append(vals[r.nextInt(vals.length)]);
            }
            check(sb.append('}').toString());
        }
    }

    /** Values chosen for {@link LogLineParser#flat}: escapes, literals, numbers, whitespace, names, tails. */
    private static final String[] FLAT_VALUES = {
        "{\"source\":\"a\",\"message\":\"q\\\"q \\\\ s\\/ b\\b f\\f n\\n r\\r t\\t\"}",
        "{\"source\":\"a\",\"message\":\"\\u0041 code point\"}", "{\"source\":\"a\",\"message\":\"\\x bad\"}",
        "{\"source\":\"a\",\"message\":\"\\\"}", "{\"source\":\"a\",\"message\":\"end\\",
        "{\"source\":\"a\",\"message\":\"\\\\\"}", "{\"source\":\"a\",\"message\":\"\\'\"}",
        "{\"sou\\rce\":\"a\",\"message\":\"m\"}", "{\"source\":\"a\",\"mess\\u0061ge\":\"m\"}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":2147483647}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":2147483648}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":-2147483648}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":-2147483649}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":999999999999999999}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":9223372036854775807}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":9223372036854775808}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":-0}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":0}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":\"1700000000000\"}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":1e3}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":1.0}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":01}",
        "{\"source\":\"a\",\"message\":\"m\",\"ts\":-}", "{\"source\":\"a\",\"message\":\"m\",\"ts\":+1}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":222.59}", "{\"source\":\"a\",\"message\":\"m\",\"d\":-1.5E-7}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":1e+999}", "{\"source\":\"a\",\"message\":\"m\",\"d\":1e99999}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":1.}", "{\"source\":\"a\",\"message\":\"m\",\"d\":.5}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":1e}", "{\"source\":\"a\",\"message\":\"m\",\"d\":00.5}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":" + "7".repeat(150) + "}",
        "{\"source\":\"a\",\"message\":\"m\",\"d\":NaN}", "{\"source\":\"a\",\"message\":\"m\",\"d\":-Infinity}",
        "{\"source\":\"a\",\"message\":\"m\",\"b\":truex}", "{\"source\":\"a\",\"message\":\"m\",\"b\":tru}",
        "{\"source\":\"a\",\"message\":\"m\",\"b\":nul}", "{\"source\":\"a\",\"message\":\"m\",\"b\":false }",
        "{\"source\":\"a\",\"message\":true}", "{\"source\":null,\"message\":\"m\"}", "{\"source\":5,\"message\":\"m\"}",
        "{\"source\":\"a\",\"message\":\"m\",}", "{\"source\":\"a\",,\"message\":\"m\"}", "{,}",
        "{\"source\":\"a\",\"message\":\"m\"}}", "{\"source\":\"a\",\"message\":\"m\"} {\"x\":1}",
        "{\"source\":\"a\",\"message\":\"m\"}\u0000", "{\"source\":\"a\",\"message\":\"m\"}\u00e9",
        "{\"source\":\"a\",\"message\":\"m\u0000\"}", "{\"source\":\"a\",\"message\u0000\":\"m\"}", "{\u0000}",
        "{ \t\r\n\"source\" \t:\n\"a\"\r,\"message\"  :  \"m\"\n}", "{\"source\":\"a\",\f\"message\":\"m\"}",
        "{\"source\":\"a\",\u000B\"message\":\"m\"}", "{\"source\":\"a\",/*c*/\"message\":\"m\"}",
        "{\"source\":\"a\",\"message\":\"m\",\"" + "n".repeat(1_200) + "\":1}",
        "{\"\":\"empty name\",\"source\":\"a\",\"message\":\"m\"}", "{\"source\":\"a\",\"message\":\"\"}",
        "{\"Source\":\"a\",\"MESSAGE\":\"m\"}", "{\"source \":\"a\",\"message\":\"m\"}",
        "{\"source\":\"a\",\"message\":\"m\",\"message\":null}", "{\"source\":\"a\",\"text\":\"t\",\"message\":5}",
        "{\"source\":\"a\",\"message\":\"m\",\"x\":{}}", "{\"source\":\"a\",\"x\":[],\"message\":\"m\"}",
        "{\"source\":\"a\",\"message\":\"m\"", "{\"source\":\"a\",\"message\":", "{\"source\":\"a\",\"message\"",
        "{\"source\":\"a\",\"message", "{\"source\":\"a\",\"message\":\"m\" \"x\":1}", "{\"source\"\"a\"}",
        "{\"message\":\"m\",\"source\":\"\\t\"}", "{\"message\":\"m\",\"source\":\"  \"}",
        "{\"message\":\"2026-01-15T08:00:00.875Z INFO cache[4120]: stats\",\"timestamp\":\"2026-01-15T08:00:00.875Z\"}",
        "{\"source\":\"a\",\"message\":\"m\",\"timestamp\":\"2026-02-30T08:00:00Z\",\"ts\":4}",
        // NULs after the brace: Jackson's byte reader would take them for UTF-16 / UTF-32
        "{\u0000\"\u0000s\u0000\"\u0000:\u0000\"\u0000a\u0000\"\u0000}\u0000", "{\u0000}\u0000",
        "{\u0000\u0000\u0000}\u0000\u0000\u0000", "raw \u0000 line", "{\"source\":\"a\",\"message\":\"m\"}\u0000\u0000",
    };

    @Test
    void slotReadingAgreesWithTheTreeOnEveryKindOfField() throws Exception {
        // records of random wanted fields (text, source, time, level, severity, transport, container) with values of
        // every kind, in random order, some repeated, read by hand (flat), token by token (a code point escape keeps
        // flat out) and as a tree (the reference): the same line, bare or not, or the same refusal
        List<String> names = new java.util.ArrayList<>(dev.keymem.jobs.logs.mining.JsonLogFields.READ);
        names.addAll(List.of("x", "service", "log", "body", "resource"));
        String[] values = {"\"m\"", "\"stdout\"", "\"journal\"", "\"  \"", "\"\"", "\"INFO\"", "0", "3", "-2",
            "17000000001234", "true", "false", "null", "\"2026-01-15T08:00:00.875Z\"", "\"1700000000\"",
            "\"a\\u00e9\"", "\"line\\n\"", "\"\\ud800x\""};
        SplittableRandom r = new SplittableRandom(29);
        int flat = 0;
        for (int i = 0; i < 6_000; i++) {
            StringBuilder b = new StringBuilder("{");
            int fields = 1 + r.nextInt(6);
            for (int f = 0; f < fields; f++) {
                if (f > 0) {
                    b.append(',');
                }
                b.append('"').append(names.get(r.nextInt(names.size()))).append("\":")
                        .append(values[r.nextInt(values.length)]);
            }
            if (r.nextInt(4) == 0) {
                b.append(",\"e\":\"\\u0041\""); // flat refuses a code point escape: token by token
            }
            String v = b.append('}').toString();
            check(v);
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            flat += flatAgrees(bytes) ? 1 : 0;
        }
        assertTrue(flat > 2_000, "records read by hand: " + flat);
    }

    @Test
    void flatReadingAgreesWithTheTreeOnChosenValues() throws Exception {
        for (String v : FLAT_VALUES) {
            check(v);
            flatAgrees(v.getBytes(StandardCharsets.UTF_8));
        }
        // the plain shapes are read by hand, not left to Jackson (else the comparisons above prove little)
        for (String v : new String[] {"{\"source\":\"a\",\"message\":\"q\\\"q\\n\",\"d\":1.5e3,\"b\":true}",
            "{}", "{\"ts\":-2147483649,\"x\":null}", " {\"message\":\"m\"} \t\r\n"}) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            assertTrue(LogLineParser.flat(b, v.indexOf('{')) != null, v);
        }
        for (String v : new String[] {"{\"message\":\"\\u0041\"}", "{\"x\":{}}", "{\"message\":\"m\"}\u00e9",
            "{\"ts\":1.5}", "{\"message\":\"m\",}",
            " {\"message\":\"m\"} tail", "{\"message\":\"m\"}{\"message\":\"n\"}"}) { // more after it: the reference
            assertNull(LogLineParser.flat(v.getBytes(StandardCharsets.UTF_8), 0), v);
        }
    }

    @Test
    void flatReadingAgreesWithTheTreeOnMutatedRecords() throws Exception {
        // realistic records (a JSON log line as the message, numbers, literals), each cut, and with one byte
        // replaced, inserted or deleted, against the tree reading
        String[] bases = {
            "{\"source\": \"inventory\", \"message\": \"{\\\"@timestamp\\\": \\\"2026-01-23T08:00:00.000Z\\\", "
                + "\\\"level\\\": \\\"WARN\\\", \\\"http\\\": {\\\"status\\\": 201, \\\"d\\\": 222.59}}\"}",
            "{\"ts\":1700000000123,\"source\":\"api\",\"level\":\"info\",\"message\":\"GET /a?b=1\\tok\",\"ms\":1.25,"
                + "\"ok\":true,\"err\":null}",
            "{\"source\": \"HPC-0\", \"message\": \"Component \\\\042SCSI\\\\042 is in the unavailable state\"}",
        };
        byte[] alphabet = "{}[]\":,\\/ntu0159.-eE+ \t\nabfrxs".getBytes(StandardCharsets.US_ASCII);
        SplittableRandom r = new SplittableRandom(43);
        int read = 0;
        for (String base : bases) {
            byte[] b = base.getBytes(StandardCharsets.UTF_8);
            read += flatAgrees(b) ? 1 : 0;
            for (int cut = 1; cut < b.length; cut++) {
                flatAgrees(java.util.Arrays.copyOf(b, cut));
            }
            for (int i = 0; i < 3_000; i++) {
                int at = r.nextInt(b.length);
                byte x = alphabet[r.nextInt(alphabet.length)];
                byte[] m = switch (r.nextInt(3)) {
                    case 0 -> { byte[] c = b.clone(); c[at] = x; yield c; }
                    case 1 -> { byte[] c = new byte[b.length + 1]; System.arraycopy(b, 0, c, 0, at); c[at] = x;
                        System.arraycopy(b, at, c, at + 1, b.length - at); yield c; }
                    default -> { byte[] c = new byte[b.length - 1]; System.arraycopy(b, 0, c, 0, at);
                        System.arraycopy(b, at + 1, c, at, b.length - at - 1); yield c; }
                };
                read += flatAgrees(m) ? 1 : 0;
                check(m, null);
            }
        }
        assertTrue(read > 1_000, "records read by hand: " + read);
    }

    /**
     * Where {@link LogLineParser#flat} reads {@code value} (from its first byte that is not whitespace), it gives
     * the tree's nodes of the wanted fields, node for node (an {@code IntNode} is not a {@code LongNode}), and the
     * tree reading succeeds; returns whether it read it.
     */
    private static boolean flatAgrees(byte[] value) throws Exception {
        int first = 0;
        while (first < value.length && Character.isWhitespace(value[first])) {
            first++;
        }
        if (first >= value.length || value[first] != '{') {
            return false;
        }
        ObjectNode flat = LogLineParser.flat(value, first);
        if (flat == null) {
            return false;
        }
        String text = new String(value, StandardCharsets.UTF_8);
        JsonNode tree = TREE.readTree(text.strip());
        ObjectNode wanted = TREE.createObjectNode();
        for (String f : LogLineParser.fields()) {
            if (tree.has(f)) {
                wanted.set(f, tree.get(f));
            }
        }
        assertEquals(wanted, flat, text);
        for (java.util.Iterator<String> it = flat.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            assertEquals(wanted.get(f).getClass(), flat.get(f).getClass(), f + " in " + text);
        }
        return true;
    }

    /** {@code s} as a JSON string literal. */
    /**
     * {@link LogLineParser#readString} and {@link LogLineParser#skipString} (one pass) against their reference,
     * {@link LogLineParser#stringEnd} then {@link LogLineParser#unescape} with the length bound: the same string
     * and closing quote, or the same refusal, on every value of {@code body} read from each of its quotes; and
     * {@link LogLineParser#asciiScan} against its plain loop on {@code body}.
     */
    private static int stringAgrees(byte[] body) {
        int read = 0;
        int[] end = new int[1];
        assertEquals(LogLineParser.asciiScanReference(body), LogLineParser.asciiScan(body));
        for (int q = 0; q < body.length; q++) {
            if (body[q] != '"') {
                continue;
            }
            int s = q + 1;
            int e = LogLineParser.stringEnd(body, s);
            boolean refused = e < 0 || e - s > LogLineParser.FLAT_STRING_MAX;
            java.util.function.Supplier<String> ctx = () -> new String(body, StandardCharsets.ISO_8859_1);
            assertEquals(refused ? -1 : e, LogLineParser.skipString(body, s), ctx);
            end[0] = -7;
            String t = LogLineParser.readString(body, s, end);
            if (refused) {
                assertNull(t, ctx);
            } else {
                assertEquals(LogLineParser.unescape(body, s, e), t, ctx);
                assertEquals(e, end[0], ctx);
                read++;
            }
        }
        return read;
    }

    @Test
    void oneReadingOfAStringIsTheTwoPassReading() throws Exception {
        int read = 0;
        // real lines as JSON strings (escapes, non-ASCII, tabs), and cut anywhere
        for (String l : LineTokensScanTestLines.realLines()) {
            byte[] b = ("\"" + l + "\",\"message\":" + TREE.writeValueAsString(l) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            read += stringAgrees(b);
            read += stringAgrees(java.util.Arrays.copyOf(b, b.length / 2));
        }
        // random strings: escapes valid and not, quotes, controls, invalid UTF-8 and non-ASCII bytes, empty strings
        String[] parts = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
            "\\x", "\\", "\"", "\"\"", "\t", "\n", "\u0001", "\u007f", "~", "]", "^", "{", "\u00e9", "\u6f22"};
        SplittableRandom r = new SplittableRandom(19);
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder("\"");
            for (int j = r.nextInt(0, 12); j > 0; j--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
            if (r.nextInt(4) == 0 && b.length > 1) { // an invalid UTF-8 byte, or a cut sequence
                b[r.nextInt(1, b.length)] = (byte) (0x80 | r.nextInt(0x80));
            }
            read += stringAgrees(b);
        }
        // long strings with escapes anywhere (the buffer grows past its first size, a run or an escape at a time),
        // followed by more of the record than the string holds
        for (int k = 0; k < 300; k++) {
            StringBuilder sb = new StringBuilder("\"");
            for (int j = r.nextInt(0, 900); j > 0; j--) {
                int p = r.nextInt(20);
                sb.append(p < 12 ? parts[p] : p < 16 ? "x".repeat(r.nextInt(1, 200)) : "ab");
            }
            sb.append("\",\"rest\":\"").append("y".repeat(r.nextInt(0, 5000))).append("\"}");
            read += stringAgrees(sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        // a JSON text inside a JSON string (as json-fixed's records hold their message): escaped quotes every few
        // bytes, nested quotes (an escaped backslash then an escaped quote), control chars, backslash-u escapes and
        // surrogates (refused by both forms), at every size around the buffer's first sizes, then the record's rest
        for (int size = 0; size < 2 * LogLineParser.STRING_BUFFER_REST + 64; size += r.nextInt(1, 160)) {
            StringBuilder inner = new StringBuilder("{");
            while (inner.length() < size) {
                int p = r.nextInt(10);
                String v = switch (p) { // a value's JSON: escapes of every kind, raw non-ASCII and surrogates
                    case 0 -> "say \\\"hi\\\" to \\\"\\\\\\\"x\\\\\\\"\\\""; // nested quotes, escaped again
                    case 1 -> "tab\\there\\r\\n\\b\\f\\/";
                    case 2 -> "\\u00e9t\\u00e9 \\ud83d\\ude00"; // \\u escapes, a surrogate pair
                    case 3 -> "C:\\\\dir\\\\";
                    case 4 -> "\u00e9t\u00e9 \ud83d\ude00"; // raw: UTF-8 bytes in the outer string (refused)
                    case 5 -> "";
                    default -> "v" + "x".repeat(r.nextInt(0, 30));
                };
                inner.append("\"k").append(r.nextInt(100)).append("\": \"").append(v).append("\", ");
            }
            inner.append("\"n\": 1}");
            String text = inner.toString();
            if (r.nextInt(8) == 0) { // a raw control char: a \\u0001 escape in the outer string (refused)
                text = text.substring(0, text.length() / 2) + "\u0001" + text.substring(text.length() / 2);
            }
            String record = TREE.writeValueAsString(text) + ",\"rest\":\"" + "z".repeat(r.nextInt(0, 300)) + "\"}";
            byte[] b = record.getBytes(StandardCharsets.UTF_8);
            read += stringAgrees(b);
            read += stringAgrees(java.util.Arrays.copyOf(b, r.nextInt(1, b.length))); // a broken record: cut
        }
        // the length bound: a string of FLAT_STRING_MAX chars is read, one of one more is not, with and without escapes
        for (int len : new int[] {LogLineParser.FLAT_STRING_MAX - 1, LogLineParser.FLAT_STRING_MAX,
            LogLineParser.FLAT_STRING_MAX + 1}) {
            byte[] b = new byte[len + 2];
            java.util.Arrays.fill(b, (byte) 'x');
            b[0] = '"';
            b[len + 1] = '"';
            read += stringAgrees(b);
            b[1] = '\\';
            b[2] = 'n';
            read += stringAgrees(b);
            b[len - 1] = '\\';
            b[len] = 't';
            read += stringAgrees(b);
        }
        assertTrue(read > 10_000, "strings read: " + read);
    }

    static String json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
