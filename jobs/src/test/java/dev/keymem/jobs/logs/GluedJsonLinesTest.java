package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Two JSON objects glued on one line (a shipper that lost a line end) used to lose the second object silently:
 * the line is now a dead letter with {@link RecordParsers#MORE_AFTER_JSON}, from the reference (the tree reading of
 * the decoded text) and from the reading of the bytes alike, whichever of the byte readers ({@code flat}, the token
 * reading, the reference) the line's first object would take; white space after the object is still fine.
 */
class GluedJsonLinesTest {
    private static final String[] FIRSTS = {
        "{\"source\":\"a\",\"message\":\"one\"}", // flat
        "{\"source\":\"a\",\"message\":\"tab\\tone\"}", // flat (escape)
        "{\"source\":\"a\",\"message\":\"one\",\"ts\":1.5}", // token reading
        "{\"source\":\"a\",\"message\":\"one \\u00e9\"}", // token reading (code point escape)
        "{\"source\":\"a\",\"message\":\"one\",\"x\":{\"y\":[1]}}", // reference (nested)
        "{\"source\":\"a\",\"message\":\"caf\u00e9\"}", // reference (not ASCII)
    };
    private static final String[] GLUE = {"", " ", "\t", "  \t "};
    private static final String[] SECONDS = {
        "{\"source\":\"a\",\"message\":\"two\"}", "{\"message\":\"two\"}", "{}", "[1]", "trailing text", "}", "x",
        "{\"source\":\"b\",\"message\":\"tw\u00f6\"}", "\0", "\0\0", "\u0007",
    };

    private static String outcome(LogLineParser p, String value, boolean bytes) {
        try {
            LogLine l = bytes
                    ? p.parse(null, new KafkaRecord("t", 0, 3, 99, null, value.getBytes(StandardCharsets.UTF_8)), 1 << 16)
                    : p.parse(null, value, 3, 99);
            return l.source + "|" + l.text;
        } catch (InvalidRecordException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Test
    void gluedObjectsAndTextAfterAnObjectAreRefusedByEveryReading() {
        LogLineParser p = new LogLineParser(null);
        int n = 0;
        for (String first : FIRSTS) {
            for (String glue : GLUE) {
                for (String second : SECONDS) {
                    String v = first + glue + second;
                    String why = RecordParsers.moreAfterJson(second.codePointAt(0));
                    assertEquals("refused: " + why, outcome(p, v, false), v);
                    assertEquals("refused: " + why, outcome(p, v, true), v);
                    n++;
                }
            }
        }
        assertEquals(FIRSTS.length * GLUE.length * SECONDS.length, n);
    }

    @Test
    void aNulByteAfterTheObjectIsRefusedByName() {
        LogLineParser p = new LogLineParser(null);
        String v = "{\"message\":\"x\"}\0";
        String want = "refused: value has a NUL byte after its JSON object (one JSON object a line)";
        assertEquals(want, outcome(p, v, false));
        assertEquals(want, outcome(p, v, true));
        assertEquals(RecordParsers.MORE_AFTER_JSON, RecordParsers.moreAfterJson('{'));
    }

    @Test
    void whiteSpaceAfterTheObjectIsNoSecondValue() {
        LogLineParser p = new LogLineParser(null);
        for (String first : FIRSTS) {
            for (String tail : new String[] {"", " ", "\t\r", " \u000B", "\u001F", "\u2003"}) {
                String v = first + tail;
                String want = outcome(p, first, false);
                assertEquals(false, want.startsWith("refused"), want);
                assertEquals(want, outcome(p, v, false), v);
                assertEquals(want, outcome(p, v, true), v);
            }
        }
    }
}
