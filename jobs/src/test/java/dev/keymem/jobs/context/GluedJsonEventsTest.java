package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Two JSON objects glued on one line used to lose the second event silently: the line is now a dead letter with
 * {@link RecordParsers#MORE_AFTER_JSON} (the logs job's rule too), from the tree reading (the reference), the
 * streaming reading and the readings of the bytes alike; each byte reader declines such a line (so the reference
 * words the refusal), whichever of them would read its first object; white space after the object is still fine.
 */
class GluedJsonEventsTest {
    private static final String[] FIRSTS = {
        "{\"user\":\"u1\",\"text\":\"one\"}", // spans
        "{\"user\":\"u1\",\"text\":\"caf\u00e9\"}", // spans of UTF-8
        "{\"user\":\"u1\",\"text\":\"one\\n\",\"n\":1.5,\"m\":{\"a\":[1]}}", // the field reader
        "{\"user\":\"u1\",\"text\":\"one\",\"query\":\"yes\"}", // the streaming reading, then the tree
    };
    private static final String[] GLUE = {"", " ", "\t", " \r "};
    private static final String[] SECONDS = {
        "{\"user\":\"u1\",\"text\":\"two\"}", "{\"user\":\"u2\",\"text\":\"tw\u00f6\"}", "{}", "[1]", "trailing", "}",
        "\0", "\0\0",
    };

    private static String outcome(ContextEventParser p, String value, int how) {
        try {
            ContextEvent e = switch (how) {
                case 0 -> p.parseTree(null, value, 3);
                case 1 -> p.parse(null, value, 3);
                default -> p.parse(null, new KafkaRecord("t", 0, 3, -1, null, value.getBytes(StandardCharsets.UTF_8)),
                        1 << 16);
            };
            return e.user + "|" + e.text + "|" + e.query;
        } catch (InvalidRecordException x) {
            return "refused: " + x.getMessage();
        }
    }

    @Test
    void gluedObjectsAndTextAfterAnObjectAreRefusedByEveryReading() {
        ContextEventParser p = new ContextEventParser();
        EventFieldReader reader = new EventFieldReader();
        int[] at = new int[ContextEventParser.SPANS];
        for (String first : FIRSTS) {
            for (String glue : GLUE) {
                for (String second : SECONDS) {
                    String v = first + glue + second;
                    byte[] b = v.getBytes(StandardCharsets.UTF_8);
                    String why = RecordParsers.moreAfterJson(second.codePointAt(0));
                    for (int how = 0; how < 3; how++) {
                        assertEquals("refused: " + why, outcome(p, v, how), how + ": " + v);
                    }
                    assertFalse(ContextEventParser.spans(b, at), v);
                    assertFalse(ContextEventParser.spansUtf8(b, at), v);
                    assertFalse(reader.read(b), v);
                    assertEquals(null, ContextEventParser.streamed(v, null), v);
                }
            }
        }
    }

    @Test
    void aNulByteAfterTheObjectIsRefusedByName() {
        ContextEventParser p = new ContextEventParser();
        for (int how = 0; how < 3; how++) {
            assertEquals("refused: value has a NUL byte after its JSON object (one JSON object a line)",
                    outcome(p, "{\"user\":\"u1\",\"text\":\"x\"}\0", how), "how " + how);
        }
        assertEquals(RecordParsers.MORE_AFTER_JSON, RecordParsers.moreAfterJson('{'));
    }

    @Test
    void whiteSpaceAfterTheObjectIsNoSecondValue() {
        ContextEventParser p = new ContextEventParser();
        for (String first : FIRSTS) {
            String want = outcome(p, first, 0);
            assertFalse(want.startsWith("refused"), want);
            for (String tail : new String[] {"", " ", "\t\r\n", " \u000B", "\u001F", "\u2003"}) {
                for (int how = 0; how < 3; how++) {
                    assertEquals(want, outcome(p, first + tail, how), how + ": " + first + tail);
                }
            }
        }
    }
}
