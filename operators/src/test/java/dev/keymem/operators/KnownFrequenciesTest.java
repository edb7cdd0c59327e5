package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The store's copy of a key's term frequencies against a plain map (the reference). */
class KnownFrequenciesTest {

    @Test
    void holdsWhatAMapHoldsAcrossGrowthAndAnyTerm() {
        MapStateEventStore.KnownFrequencies t = new MapStateEventStore.KnownFrequencies();
        Map<Integer, Long> ref = new HashMap<>();
        SplittableRandom r = new SplittableRandom(3);
        int[] special = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        for (int n = 0; n < 200_000; n++) {
            int term = n < special.length ? special[n] : r.nextInt(50_000) * (r.nextBoolean() ? 1 : -1) * 7919;
            if (r.nextInt(4) == 0) {
                assertEquals(ref.getOrDefault(term, -1L).longValue(), t.get(term), "term " + term);
            } else {
                long v = r.nextInt(3) == 0 ? 0 : r.nextLong(MapStateEventStore.KnownFrequencies.FITS + 1);
                t.put(term, v);
                ref.put(term, v);
            }
        }
        assertEquals(ref.size(), t.size());
        for (Map.Entry<Integer, Long> e : ref.entrySet()) {
            assertEquals(e.getValue().longValue(), t.get(e.getKey()));
        }
        assertEquals(-1, t.get(123_456_789));
    }

    /**
     * The postings lists hold only what a map of (term, ordinal) to position holds: appends at the next
     * ordinal, puts again, jumps, drops, terms the table does not hold, growth of the table and a cap on what
     * the lists hold.
     */
    @Test
    void postingsListsHoldOnlyWhatAMapHolds() {
        int saved = MapStateEventStore.KnownFrequencies.listedMax;
        MapStateEventStore.KnownFrequencies.listedMax = 20_000;
        try {
            MapStateEventStore.KnownFrequencies t = new MapStateEventStore.KnownFrequencies();
            Map<Long, Long> ref = new HashMap<>();
            Map<Integer, Long> next = new HashMap<>();
            SplittableRandom r = new SplittableRandom(5);
            int held = 0;
            int reads = 0;
            for (int n = 0; n < 300_000; n++) {
                int term = r.nextInt(3_000) * 7919 - 5_000_000;
                long o = next.getOrDefault(term, 0L);
                int op = r.nextInt(100);
                if (op < 40) {
                    t.put(term, o); // the frequency is read or written before postings are
                    long p = r.nextInt(50) == 0 ? (1L << 31) + r.nextInt(9) : r.nextInt(1 << 30);
                    long ordinal = r.nextInt(30) == 0 && o > 0 ? r.nextLong(o) : r.nextInt(200) == 0 ? o + 3 : o;
                    t.addPosting(term, ordinal, p);
                    ref.put(MapStateEventStore.postingKey(term, ordinal), p);
                    next.put(term, Math.max(o, ordinal + 1));
                } else if (op < 42 && o > 0) {
                    long ordinal = r.nextLong(o);
                    t.dropPostings(term);
                    ref.remove(MapStateEventStore.postingKey(term, ordinal));
                } else if (op < 43) {
                    int other = term + 1; // a term the table may not hold: not listed
                    t.addPosting(other, 0, 1);
                    ref.put(MapStateEventStore.postingKey(other, 0), 1L);
                } else {
                    long ordinal = o == 0 ? 0 : r.nextLong(o + 1);
                    long p = t.posting(term, ordinal);
                    reads++;
                    assertEquals(-1, t.posting(term + 1, 0), "a term the table does not hold");
                    if (p >= 0) {
                        held++;
                        assertEquals(ref.get(MapStateEventStore.postingKey(term, ordinal)), Long.valueOf(p),
                                "term " + term + " ordinal " + ordinal);
                    }
                }
            }
            assertTrue(held > reads / 4 && held < reads, held + " of " + reads + " reads held");
        } finally {
            MapStateEventStore.KnownFrequencies.listedMax = saved;
        }
    }

    @Test
    void aFrequencyThatDoesNotFitEmptiesTheTable() {
        MapStateEventStore.KnownFrequencies t = new MapStateEventStore.KnownFrequencies();
        t.put(5, 7);
        t.put(6, MapStateEventStore.KnownFrequencies.FITS);
        assertEquals(MapStateEventStore.KnownFrequencies.FITS, t.get(6));
        t.put(5, MapStateEventStore.KnownFrequencies.FITS + 1);
        assertEquals(-1, t.get(5)); // not the older 7: read from keyed state instead
        assertEquals(-1, t.get(6));
        assertEquals(0, t.size());
        t.put(5, 1L << 40);
        assertEquals(-1, t.get(5));
    }
}
