package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
