package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The payload of an event flagged ASCII (its strings copied as bytes, escaped from the first char that needs an
 * escape on) is Jackson's, byte for byte: every ASCII char at every place, and random ASCII strings with escapes
 * anywhere, short and long (the buffer grows).
 */
class ContextPayloadTest {

    @Test
    void asciiPayloadsEqualJacksonsWithEscapesAnywhere() {
        for (int c = 0; c < 0x80; c++) {
            for (String text : new String[] {"" + (char) c, "a" + (char) c, (char) c + "b", "a" + (char) c + "b\n"}) {
                ContextEvent e = new ContextEvent();
                e.text = text;
                e.type = c % 2 == 0 ? null : String.valueOf((char) c);
                e.ts = "t" + (char) c;
                e.query = c % 3 == 0;
                e.expect = "" + (char) c + "x";
                e.offset = c;
                e.ascii = true;
                assertArrayEquals(ContextPayload.encodeStreaming(e), ContextPayload.encode(e), "char " + c);
            }
        }
        SplittableRandom r = new SplittableRandom(61);
        String[] pieces = {"word ", "## Title", "\n", "\r\n", "\t", "\"", "\\", "\u0000", "\u001f", "\u007f", "`x`",
            "```java\n", "\\\"\n\n"};
        for (int i = 0; i < 3000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(r.nextInt(10) == 0 ? 3000 : 40); k > 0; k--) {
                b.append(r.nextInt(4) == 0 ? pieces[r.nextInt(pieces.length)] : "plain text ");
            }
            ContextEvent e = new ContextEvent();
            e.text = b.toString();
            e.type = r.nextBoolean() ? "assistant" : "a\nb";
            e.ts = r.nextBoolean() ? null : "2026-11-01T08:00:00.000Z";
            e.query = r.nextBoolean();
            e.expect = r.nextBoolean() ? null : "say \"x\"";
            e.offset = r.nextLong();
            e.ascii = true;
            assertArrayEquals(ContextPayload.encodeStreaming(e), ContextPayload.encode(e), e.text);
        }
    }
}
