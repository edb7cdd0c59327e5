package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FollowedIds} against the reference, the removal record of session 27's {@code MinerState.Clusters} (kept
 * here as it was: the ids, the array's length and whether a period is held after every step, over random periods
 * and bounds), and its bounds, drop and shrink spelled out.
 */
class FollowedIdsTest {
    /** Session 27's removal record ({@code MinerState.Clusters.record} and {@code note}), the reference. */
    private static final class Reference {
        int[] removed;
        int recorded;
        int maxRecorded;
        long tag;

        void record(long tag, int maxRecorded) {
            if (removed == null || removed.length > 4 * 16 && recorded < removed.length / 4
                    || removed.length > Math.max(maxRecorded, 16)) {
                removed = new int[16];
            }
            this.maxRecorded = maxRecorded;
            recorded = 0;
            this.tag = tag;
        }

        void note(int id) {
            if (removed == null) {
                return;
            }
            if (recorded >= maxRecorded) {
                removed = null;
                return;
            }
            if (recorded == removed.length) {
                removed = Arrays.copyOf(removed, Math.min(recorded * 2, maxRecorded));
            }
            removed[recorded++] = id;
        }

        int[] since(long tag) {
            return removed == null || this.tag != tag ? null : Arrays.copyOf(removed, recorded);
        }
    }

    /** The same held flag, array length and size; with {@code ids}, the same ids too. */
    private static void same(Reference r, FollowedIds f, long tag, boolean ids, String where) {
        assertEquals(r.removed != null && r.tag == tag, f.holds(tag), where + ": held");
        assertEquals(r.removed == null ? -1 : r.removed.length, f.capacity(), where + ": array length");
        if (r.removed != null) {
            assertEquals(r.recorded, f.size(), where + ": size");
        }
        int[] want = r.since(tag);
        if (ids && want != null) {
            assertArrayEquals(want, f.toArray(), where + ": ids");
            assertEquals(want.length, f.size(), where + ": size");
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], f.get(i), where + ": id " + i);
            }
        }
    }

    @Test
    void equalsTheRemovalRecordOfSession27() {
        SplittableRandom r = new SplittableRandom(28);
        int[] maxes = {1, 5, 16, 17, 40, 64, 65, 100, 129, 300, 1000};
        long checked = 0;
        long drops = 0;
        for (int run = 0; run < 200; run++) {
            Reference ref = new Reference();
            FollowedIds f = new FollowedIds();
            assertFalse(f.holds(0), "a fresh object follows nothing");
            f.add(3); // ignored before the first restart, as the reference notes nothing without a record
            int max = maxes[r.nextInt(maxes.length)];
            for (long period = 0; period < 40; period++) {
                if (r.nextInt(5) == 0) {
                    max = maxes[r.nextInt(maxes.length)]; // the bound may change between periods
                }
                ref.record(period, max);
                f.restart(period, max);
                same(ref, f, period, true, "run " + run + " restart " + period);
                int k = r.nextInt(4);
                int n = k == 0 ? r.nextInt(4) : k == 1 ? max - 2 + r.nextInt(5) : k == 2 ? r.nextInt(2 * max + 2)
                        : r.nextInt(20);
                for (int i = 0; i < n; i++) {
                    int id = r.nextInt(1_000_000);
                    ref.note(id);
                    f.add(id);
                    // the ids compared at some adds and at the last (each compare reads them all)
                    same(ref, f, period, i % 37 == 0 || i >= n - 2, "run " + run + " period " + period + " add " + i);
                    assertFalse(f.holds(period - 1), "an older tag");
                    assertFalse(f.holds(period + 1), "a newer tag");
                    checked++;
                }
                if (n > max) {
                    drops++;
                    assertTrue(f.dropped(), "past the bound");
                }
            }
        }
        assertTrue(checked > 100_000 && drops > 500, checked + " adds, " + drops + " drops");
    }

    @Test
    void holdsAtMostMaxAndDropsTheNext() {
        for (int max : new int[] {1, 15, 16, 17, 64, 100, 1000}) {
            FollowedIds f = new FollowedIds();
            f.restart(9, max);
            for (int i = 0; i < max; i++) {
                f.add(i);
                assertTrue(f.capacity() <= Math.max(max, FollowedIds.FIRST_LENGTH), "max " + max);
            }
            assertTrue(f.holds(9), "max " + max + ": " + max + " ids held");
            assertEquals(max, f.size());
            f.add(max);
            assertFalse(f.holds(9), "max " + max + ": the id past the bound drops the period");
            assertTrue(f.dropped());
            assertEquals(-1, f.capacity(), "a dropped period holds no array");
            assertEquals(0, f.toArray().length);
            f.add(1);
            assertTrue(f.dropped(), "stays dropped until the restart");
            f.restart(10, max);
            assertTrue(f.holds(10));
            assertEquals(FollowedIds.FIRST_LENGTH, f.capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> f.get(0));
        }
    }

    @Test
    void growsByDoublingAndShrinksBackAfterAQuietPeriod() {
        FollowedIds f = new FollowedIds();
        f.restart(0, 1000);
        for (int i = 0; i < 128; i++) {
            f.add(i);
        }
        assertEquals(128, f.capacity(), "16, 32, 64, 128");
        f.restart(1, 1000);
        assertEquals(128, f.capacity(), "used whole: kept");
        for (int i = 0; i < 32; i++) {
            f.add(i);
        }
        f.restart(2, 1000);
        assertEquals(128, f.capacity(), "a quarter used: kept");
        for (int i = 0; i < 31; i++) {
            f.add(i);
        }
        f.restart(3, 1000);
        assertEquals(16, f.capacity(), "under a quarter used: renewed");
        for (int i = 0; i < 64; i++) {
            f.add(i);
        }
        f.restart(4, 1000);
        f.restart(5, 1000);
        assertEquals(64, f.capacity(), "64 ints are not long: kept however little used");
        f.restart(6, 40);
        assertEquals(16, f.capacity(), "longer than a smaller bound: renewed");
        for (int i = 0; i < 40; i++) {
            f.add(i);
        }
        assertEquals(40, f.capacity(), "doubling stops at the bound");
        assertArrayEquals(java.util.stream.IntStream.range(0, 40).toArray(), f.toArray());
    }
}
