package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The zero-run codec: round trips of random byte strings with zero runs of every length and place, its size bound, and rejection of bad encodings. */
class ZeroRunsTest {

    /** Random bytes made of nonzero stretches and zero runs of 1..200 bytes (more often near the probe and MIN_RUN edges). */
    static byte[] sample(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        int i = r.nextBoolean() ? 0 : r.nextInt(0, 20);
        for (int j = 0; j < i && j < n; j++) {
            b[j] = (byte) r.nextInt(1, 256);
        }
        while (i < n) {
            int[] edges = {7, 8, 15, 16, 17, 38, 39, 40, 63, 64, 65, 71, 72};
            int zeros = r.nextInt(3) == 0 ? edges[r.nextInt(edges.length)] : r.nextInt(1, 200);
            i += zeros;
            int lit = r.nextInt(1, 40);
            for (int j = 0; j < lit && i < n; j++, i++) {
                b[i] = (byte) (r.nextInt(3) == 0 ? 0 : r.nextInt(1, 256));
            }
        }
        return b;
    }

    static byte[] roundTrip(byte[] src) {
        byte[] enc = new byte[ZeroRuns.maxEncodedLength(src.length)];
        int len = ZeroRuns.encode(src, src.length, enc);
        assertTrue(len <= ZeroRuns.maxEncodedLength(src.length));
        byte[] out = new byte[src.length];
        Arrays.fill(out, (byte) 0x5A); // decode must write every byte, zeros included
        ZeroRuns.decode(enc, len, out, src.length);
        return Arrays.copyOf(enc, len);
    }

    @Test
    void randomBytesRoundTrip() {
        SplittableRandom r = new SplittableRandom(11);
        for (int t = 0; t < 2000; t++) {
            byte[] src = sample(r, r.nextInt(0, 1500));
            byte[] enc = new byte[ZeroRuns.maxEncodedLength(src.length)];
            int len = ZeroRuns.encode(src, src.length, enc);
            byte[] out = new byte[src.length];
            Arrays.fill(out, (byte) 0x5A);
            ZeroRuns.decode(enc, len, out, src.length);
            assertArrayEquals(src, out, "sample " + t);
        }
    }

    @Test
    void edgeShapesRoundTripAndLongRunsShrink() {
        for (int n = 0; n < 200; n++) {
            byte[] zeros = new byte[n];
            byte[] enc = roundTrip(zeros);
            assertTrue(n < ZeroRuns.MIN_RUN || enc.length <= 4, n + " zeros take " + enc.length + " bytes");
            byte[] ones = new byte[n];
            Arrays.fill(ones, (byte) 1);
            assertEquals(n == 0 ? 0 : n + (n < 128 ? 2 : 3), roundTrip(ones).length, "no zeros: one literal pair, n = " + n);
        }
        byte[] big = new byte[1 << 20];
        big[0] = 1;
        big[big.length - 1] = 2;
        big[300_001] = 3;
        assertTrue(roundTrip(big).length < 20);
    }

    @Test
    void theWorstCaseStaysWithinTheBound() {
        // One nonzero byte after every MIN_RUN zeros: the most pairs an input can cost.
        byte[] src = new byte[50 * (ZeroRuns.MIN_RUN + 1)];
        for (int i = ZeroRuns.MIN_RUN; i < src.length; i += ZeroRuns.MIN_RUN + 1) {
            src[i] = 9;
        }
        roundTrip(src);
        byte[] longLiterals = sample(new SplittableRandom(3), 100_000);
        roundTrip(longLiterals);
    }

    @Test
    void badEncodingsAreRejected() {
        byte[] src = sample(new SplittableRandom(5), 300);
        byte[] enc = new byte[ZeroRuns.maxEncodedLength(src.length)];
        int len = ZeroRuns.encode(src, src.length, enc);
        byte[] out = new byte[src.length + 1];
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(enc, len - 1, out, src.length));
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(enc, len, out, src.length + 1));
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(enc, len, out, src.length - 1));
        byte[] longer = Arrays.copyOf(enc, len + 1);
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(longer, len + 1, out, src.length));
        // A varint of six bytes, one over int range, and an endless run of empty pairs.
        byte[] six = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(six, six.length, out, 5));
        byte[] huge = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 0x00};
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(huge, huge.length, out, 5));
        byte[] empty = {0, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> ZeroRuns.decode(empty, empty.length, out, 5));
    }
}
