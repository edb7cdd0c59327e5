package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RepeatMemo}: admission on a key's second miss, LRU bound, and only offered values handed back. */
class RepeatMemoTest {

    @Test
    void aKeyIsRememberedFromItsSecondMissOn() {
        RepeatMemo<String> m = new RepeatMemo<>(4);
        assertNull(m.get("a"));
        assertFalse(m.offer("a", "A1"));
        assertNull(m.get("a"));
        assertTrue(m.offer("a", "A2"));
        assertEquals("A2", m.get("a"));
        assertEquals(1, m.size());
    }

    @Test
    void leastRecentlyUsedGoesFirst() {
        RepeatMemo<Integer> m = new RepeatMemo<>(2);
        for (String k : new String[] {"x", "y"}) {
            m.offer(k, 0);
            m.offer(k, 1);
        }
        assertEquals(1, m.get("x")); // x now the most recent
        m.offer("z", 0);
        m.offer("z", 2);
        assertEquals(2, m.size());
        assertNull(m.get("y"));
        assertEquals(1, m.get("x"));
        assertEquals(2, m.get("z"));
    }

    /** Keys from a small and a large set: what comes back is the value last kept for that key; bounded. */
    @Test
    void handsBackOnlyWhatWasOfferedForTheKey() {
        Random r = new Random(11);
        RepeatMemo<Object> m = new RepeatMemo<>(64);
        Map<String, Object> offered = new HashMap<>();
        int hits = 0;
        for (int i = 0; i < 200_000; i++) {
            String k = r.nextInt(4) == 0 ? "k" + r.nextInt(40) : "u" + r.nextInt(1 << 20);
            Object v = m.get(k);
            if (v != null) {
                assertSame(offered.get(k), v, k);
                hits++;
            } else {
                v = new Object();
                if (m.offer(k, v)) {
                    offered.put(k, v);
                }
            }
            assertTrue(m.size() <= 64);
        }
        assertTrue(hits > 30_000, "hits " + hits); // the 40 repeated keys stay remembered among the unique ones
    }

    @Test
    void capacityIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new RepeatMemo<>(3));
        assertThrows(IllegalArgumentException.class, () -> new RepeatMemo<>(1));
    }
}
