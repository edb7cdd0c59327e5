package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ByteScan}'s word-at-a-time scans against their plain loops: random arrays of every length up to 40 (so
 * every alignment of a hit in and after the eight-byte steps) and longer ones, over byte mixes that make hits
 * rare and common (each byte value next to every other: the borrows of the word operations), every range.
 */
class ByteScanTest {
    private static final byte[] SPECIAL = {'"', '\\', '?', 0, 0x1F, 0x20, 0x21, 0x7F, (byte) 0x80, (byte) 0xFF,
        (byte) 0xC3, (byte) 0xA9, '#', '[', ']', '>', '@', 'A', 'a'};

    private static byte[] random(SplittableRandom r, int len) {
        byte[] b = new byte[len];
        int mix = r.nextInt(3); // 0: any byte, 1: letters with a special byte now and then, 2: letters
        for (int i = 0; i < len; i++) {
            b[i] = switch (mix) {
                case 0 -> (byte) r.nextInt(256);
                case 1 -> r.nextInt(12) == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : (byte) ('a' + r.nextInt(26));
                default -> (byte) ('a' + r.nextInt(26));
            };
        }
        return b;
    }

    private static int check(byte[] b) {
        int hits = 0;
        for (int from = 0; from <= Math.min(b.length, 9); from++) {
            for (int to = from; to <= b.length; to += to - from < 20 ? 1 : 7) {
                for (byte v : SPECIAL) {
                    int want = ByteScan.indexOfReference(b, from, to, v);
                    assertEquals(want, ByteScan.indexOf(b, from, to, v));
                    assertEquals(ByteScan.indexOfNegativeOrReference(b, from, to, v),
                            ByteScan.indexOfNegativeOr(b, from, to, v));
                    hits += want >= 0 ? 1 : 0;
                }
                assertEquals(ByteScan.jsonStringStopReference(b, from, to), ByteScan.jsonStringStop(b, from, to));
                assertEquals(ByteScan.asciiStopReference(b, from, to), ByteScan.asciiStop(b, from, to));
                assertEquals(ByteScan.indexOfNegativeReference(b, from, to), ByteScan.indexOfNegative(b, from, to));
                assertEquals(ByteScan.jsonCharStopReference(b, from, to), ByteScan.jsonCharStop(b, from, to));
            }
        }
        return hits;
    }

    @Test
    void theWordScansAreThePlainLoops() {
        SplittableRandom r = new SplittableRandom(13);
        int hits = 0;
        for (int len = 0; len <= 40; len++) {
            for (int k = 0; k < 60; k++) {
                hits += check(random(r, len));
            }
        }
        for (int k = 0; k < 60; k++) {
            hits += check(random(r, 100 + r.nextInt(300)));
        }
        // each byte value after each other one, at each position of a word
        for (int x = 0; x < 256; x++) {
            byte[] b = new byte[24];
            java.util.Arrays.fill(b, (byte) 'a');
            for (int y = 0; y < 256; y++) {
                for (int at = 0; at < 16; at++) {
                    b[at] = (byte) x;
                    b[at + 1] = (byte) y;
                    assertEquals(ByteScan.jsonStringStopReference(b, 0, 24), ByteScan.jsonStringStop(b, 0, 24));
                    assertEquals(ByteScan.asciiStopReference(b, 0, 24), ByteScan.asciiStop(b, 0, 24));
                    assertEquals(ByteScan.indexOfNegativeReference(b, 0, 24), ByteScan.indexOfNegative(b, 0, 24));
                    assertEquals(ByteScan.jsonCharStopReference(b, 0, 24), ByteScan.jsonCharStop(b, 0, 24));
                    assertEquals(ByteScan.indexOfReference(b, 0, 24, (byte) y), ByteScan.indexOf(b, 0, 24, (byte) y));
                    assertEquals(ByteScan.indexOfNegativeOrReference(b, 0, 24, (byte) y),
                            ByteScan.indexOfNegativeOr(b, 0, 24, (byte) y));
                    assertEquals(ByteScan.indexOfNegativeOrReference(b, 0, 24, (byte) '?'),
                            ByteScan.indexOfNegativeOr(b, 0, 24, (byte) '?'));
                    b[at] = 'a';
                    b[at + 1] = 'a';
                }
            }
        }
        assertTrue(hits > 10_000, "hits: " + hits);
    }

    /**
     * {@link ByteScan#copyJsonPlainRun} against its reference (the scan, then the copy where it fits): the same
     * answer (the stop, or where {@code out} ran out) and the same bytes copied before it, at every start, end and
     * place in arrays of {@code out} too short, just long enough and longer, over the byte mixes of {@link #random}.
     */
    @Test
    void aPlainRunIsCopiedAsTheScanThenTheCopy() {
        SplittableRandom r = new SplittableRandom(29);
        int ranOut = 0;
        int stopped = 0;
        for (int k = 0; k < 3_000; k++) {
            byte[] b = random(r, r.nextInt(0, 120)); // runs past the words copied one by one too
            int from = r.nextInt(0, b.length + 1);
            int to = r.nextInt(from, b.length + 1);
            int at = r.nextInt(0, 12);
            int room = r.nextInt(4) == 0 ? r.nextInt(0, 12) : to - from + r.nextInt(0, 12);
            byte[] want = new byte[at + room];
            byte[] got = new byte[at + room];
            int w = ByteScan.copyJsonPlainRunReference(b, from, to, want, at);
            int g = ByteScan.copyJsonPlainRun(b, from, to, got, at);
            assertEquals(w, g, () -> java.util.Arrays.toString(b));
            int copied = (w < 0 ? -1 - w : w) - from; // the bytes meant: up to the stop, or to where out ran out
            assertEquals(ByteScan.jsonStringStopReference(b, from, to), w < 0
                    ? ByteScan.jsonStringStopReference(b, -1 - w, to) : w);
            assertTrue(java.util.Arrays.equals(want, at, at + copied, got, at, at + copied));
            ranOut += w < 0 ? 1 : 0;
            stopped += w >= 0 && w < to ? 1 : 0;
        }
        assertTrue(ranOut > 100 && stopped > 300, ranOut + " ran out, " + stopped + " stopped");
    }

    /** Two hits in one word, at every pair of its places, after a word of plain bytes: the first one is found. */
    @Test
    void theFirstOfTwoHitsInAWordIsFound() {
        int checked = 0;
        for (byte x : SPECIAL) {
            for (byte y : SPECIAL) {
                for (int at = 0; at < 8; at++) {
                    for (int later = at + 1; later < 8; later++) {
                        byte[] b = new byte[20];
                        java.util.Arrays.fill(b, (byte) 'a');
                        b[8 + at] = x;
                        b[8 + later] = y;
                        for (int from = 0; from <= 8 + at; from += 3) {
                            assertEquals(ByteScan.jsonStringStopReference(b, from, 20),
                                    ByteScan.jsonStringStop(b, from, 20));
                            assertEquals(ByteScan.jsonCharStopReference(b, from, 20),
                                    ByteScan.jsonCharStop(b, from, 20));
                            assertEquals(ByteScan.asciiStopReference(b, from, 20), ByteScan.asciiStop(b, from, 20));
                            assertEquals(ByteScan.indexOfNegativeReference(b, from, 20),
                                    ByteScan.indexOfNegative(b, from, 20));
                            assertEquals(ByteScan.indexOfReference(b, from, 20, y), ByteScan.indexOf(b, from, 20, y));
                            assertEquals(ByteScan.indexOfNegativeOrReference(b, from, 20, y),
                                    ByteScan.indexOfNegativeOr(b, from, 20, y));
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 10_000, "checked: " + checked);
    }

    /** A word's lowest flagged byte, for every set of flagged bytes: the trailing zero count's lane. */
    @Test
    void theLaneIsTheLowestFlaggedByte() {
        for (int flags = 1; flags < 256; flags++) {
            long m = 0;
            for (int k = 0; k < 8; k++) {
                if ((flags >>> k & 1) != 0) {
                    m |= 0x80L << (8 * k);
                }
            }
            assertEquals(Long.numberOfTrailingZeros(m) >>> 3, ByteScan.lane(m), "flags " + flags);
        }
    }
}
