package dev.keymem.jobs.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** {@link ExactStrings}: every string back char for char, whatever came before it through the thread's buffer. */
class ExactStringsTest {
    private static String ascii(SplittableRandom r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) r.nextInt(128);
        }
        return new String(c);
    }

    @Test
    void asciiStringsOfEveryLengthComeBack() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        // around the buffer's first size and its cap, longer ones, and short ones after them (a reused buffer
        // holds the longer string's bytes past the short one's end)
        int[] lengths = {0, 1, 1023, 1024, 1025, 5, 4096, 65_535, 65_536, 65_537, 3, 200_000, 2, 70_000, 0, 17};
        DataOutputSerializer out = new DataOutputSerializer(16);
        String[] sent = new String[lengths.length];
        for (int i = 0; i < lengths.length; i++) {
            sent[i] = ascii(r, lengths[i]);
            ExactStrings.writeAscii(sent[i], out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String s : sent) {
            assertEquals(s, ExactStrings.readAscii(in));
        }
        assertEquals(0, in.available());
    }

    @Test
    void stringsComeBackWithTheirSurrogates() throws Exception {
        SplittableRandom r = new SplittableRandom(4);
        DataOutputSerializer out = new DataOutputSerializer(16);
        String[] sent = new String[2_000];
        for (int i = 0; i < sent.length; i++) {
            String s = HardStrings.random(r, 8, 60, 26);
            sent[i] = s == null ? "" : s; // null is the caller's flag, not written
            ExactStrings.write(sent[i], out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (String s : sent) {
            assertEquals(s, ExactStrings.read(in));
        }
    }
}
