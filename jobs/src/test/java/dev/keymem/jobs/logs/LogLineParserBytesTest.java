package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.mining.LineTokensScanTestLines;
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

    private static String outcome(LogLine l) {
        return l.source + "|" + l.text + "|" + l.offset + "|" + l.timestamp;
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
            return outcome(p.parse(key, r, MAX));
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
        String[] names = {"source", "message", "text", "line", "ts", "timestamp", "level", "pid"};
        String[] vals = {"\"v\"", "\"\"", "\"  \"", "3", "12345678901", "true", "null", "\"2026-01-15T08:00:00.5Z\"",
            "\"a\\\\b\"", "{}", "[\"x\"]", "0.25"};
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

    /** {@code s} as a JSON string literal. */
    static String json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
