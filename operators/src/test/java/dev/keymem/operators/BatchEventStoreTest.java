package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.state.MapState;
import org.junit.jupiter.api.Test;

/**
 * The batch rows ({@link BatchEventStore}) against the rows in keyed state ({@link MapStateEventStore}, the
 * reference form) on a backend that keeps one key at a time: the same values (the same objects) and the same
 * byte counts, op for op, over keys in turn, with drops, puts again, gaps, out-of-order postings and rows
 * that make a key spill to keyed state.
 */
class BatchEventStoreTest {

    /** A MapState over a HashMap (the batch backend's form: values kept as given). */
    static final class HeapMapState<K, V> implements MapState<K, V> {
        final Map<K, V> map = new HashMap<>();

        @Override
        public V get(K key) {
            return map.get(key);
        }

        @Override
        public void put(K key, V value) {
            map.put(key, value);
        }

        @Override
        public void putAll(Map<K, V> m) {
            map.putAll(m);
        }

        @Override
        public void remove(K key) {
            map.remove(key);
        }

        @Override
        public boolean contains(K key) {
            return map.containsKey(key);
        }

        @Override
        public Iterable<Map.Entry<K, V>> entries() {
            return map.entrySet();
        }

        @Override
        public Iterable<K> keys() {
            return map.keySet();
        }

        @Override
        public Iterable<V> values() {
            return map.values();
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return map.entrySet().iterator();
        }

        @Override
        public boolean isEmpty() {
            return map.isEmpty();
        }

        @Override
        public void clear() {
            map.clear();
        }
    }

    /** A keyed-state store over heap maps, and the maps (cleared together at a key change, as the backend does). */
    static final class Keyed {
        final List<HeapMapState<?, ?>> maps = new ArrayList<>();
        final MapStateEventStore store;

        Keyed() {
            HeapMapState<Long, EventEntry> a = new HeapMapState<>();
            HeapMapState<Integer, Long> f = new HeapMapState<>();
            HeapMapState<Long, Long> p = new HeapMapState<>();
            HeapMapState<Long, float[]> s = new HeapMapState<>();
            HeapMapState<Integer, EventEntry> e = new HeapMapState<>();
            maps.addAll(List.of(a, f, p, s, e));
            store = new MapStateEventStore(a, f, p, s, e);
            store.mirrorFrequencies(true);
            store.rowsKept(true);
        }

        void switchKey() {
            maps.forEach(HeapMapState::clear);
        }
    }

    private static EventEntry entry(SplittableRandom r, long position) {
        int n = r.nextInt(0, 6);
        int[] terms = new int[n];
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            terms[i] = i * 10 + r.nextInt(10);
            counts[i] = 1 + r.nextInt(3);
        }
        byte[] v = new byte[8];
        r.nextBytes(v);
        return new EventEntry(position, terms, counts, n, v, 0.01f, r.nextFloat(), new byte[r.nextInt(0, 40)]);
    }

    @Test
    void holdsWhatKeyedStateHoldsAndCountsTheSameBytesOverKeysInTurn() {
        SplittableRandom r = new SplittableRandom(11);
        Keyed ref = new Keyed();
        Keyed spillTo = new Keyed();
        BatchEventStore batch = new BatchEventStore(spillTo.store);
        int spilledKeys = 0;
        int keys = 60;
        for (int k = 0; k < keys; k++) {
            String key = "key-" + k;
            ref.switchKey();
            spillTo.switchKey();
            // a third of the keys get rows the arrays cannot hold now and then (they spill)
            boolean odd = k % 3 == 2;
            long next = r.nextInt(3) == 0 ? (1L << 31) - 5 : 0; // positions past 2^31 for some keys
            Map<Integer, Long> nextOrdinal = new HashMap<>();
            long nextSegment = 0;
            int records = r.nextInt(1, 40);
            for (int rec = 0; rec < records; rec++) {
                ref.store.on(key);
                spillTo.store.on(key);
                EventStore s = batch.on(key);
                for (int op = 0; op < 30; op++) {
                    int kind = r.nextInt(100);
                    int term = r.nextInt(40) * 7919 - 1000;
                    if (kind < 15) {
                        long at = odd && r.nextInt(40) == 0 ? Math.max(0, next + r.nextInt(-100, 100)) : next++;
                        EventEntry e = entry(r, at);
                        ref.store.archive(e);
                        s.archive(e);
                    } else if (kind < 20) {
                        long p = next - 1 - r.nextInt(50);
                        ref.store.dropArchived(p);
                        s.dropArchived(p);
                    } else if (kind < 30) {
                        long p = next - 1 - r.nextInt(80);
                        assertSame(ref.store.archived(p), s.archived(p), "archive row " + p);
                    } else if (kind < 40) {
                        long f = odd && r.nextInt(50) == 0
                                ? (r.nextBoolean() ? -3 : BatchEventStore.FREQ_MAX + r.nextInt(2)) : r.nextInt(100);
                        ref.store.setFrequency(term, f);
                        s.setFrequency(term, f);
                    } else if (kind < 50) {
                        assertEquals(ref.store.frequency(term), s.frequency(term), "frequency of " + term);
                    } else if (kind < 65) {
                        long o = nextOrdinal.getOrDefault(term, 0L);
                        int how = r.nextInt(20);
                        long ordinal = how == 0 && o > 0 ? r.nextLong(o) : how == 1 ? o + r.nextInt(1, 10)
                                : odd && how == 2 ? o + 500 : odd && how == 3 && o > 3 ? 0 : o;
                        long position = odd && r.nextInt(30) == 0 ? (1L << 31) + r.nextInt(5) : r.nextLong(next + 1);
                        ref.store.addPosting(term, ordinal, position);
                        s.addPosting(term, ordinal, position);
                        nextOrdinal.put(term, Math.max(o, ordinal + 1));
                    } else if (kind < 70) {
                        long o = nextOrdinal.getOrDefault(term, 0L);
                        long ordinal = o == 0 ? 0 : r.nextInt(3) == 0 ? r.nextLong(o) : Math.max(0, o - 5);
                        ref.store.dropPosting(term, ordinal);
                        s.dropPosting(term, ordinal);
                    } else if (kind < 82) {
                        long o = nextOrdinal.getOrDefault(term, 0L);
                        long ordinal = r.nextLong(o + 2);
                        assertEquals(ref.store.posting(term, ordinal), s.posting(term, ordinal),
                                "posting " + ordinal + " of " + term);
                    } else if (kind < 86) {
                        float[] v = {r.nextFloat(), r.nextFloat()};
                        long seg = odd && r.nextInt(10) == 0 ? nextSegment + (1L << 31) : nextSegment++;
                        ref.store.addSegment(seg, v);
                        s.addSegment(seg, v);
                    } else if (kind < 88) {
                        long seg = Math.max(0, nextSegment - 1 - r.nextInt(4));
                        ref.store.dropSegment(seg);
                        s.dropSegment(seg);
                    } else if (kind < 92) {
                        long seg = Math.max(0, nextSegment - r.nextInt(5));
                        assertSame(ref.store.segment(seg), s.segment(seg), "segment " + seg);
                    } else if (kind < 96) {
                        int slot = odd && r.nextInt(20) == 0 ? BatchEventStore.SLOT_MAX + 1 : r.nextInt(8);
                        EventEntry e = entry(r, next);
                        ref.store.setEidetic(slot, e);
                        s.setEidetic(slot, e);
                    } else {
                        int slot = r.nextInt(10);
                        assertSame(ref.store.eidetic(slot), s.eidetic(slot), "eidetic slot " + slot);
                    }
                    assertEquals(ref.store.bytesRead, batch.bytesRead + spillTo.store.bytesRead, "bytes read");
                    assertEquals(ref.store.bytesWritten, batch.bytesWritten + spillTo.store.bytesWritten,
                            "bytes written");
                }
            }
            if (batch.spilled()) {
                spilledKeys++;
            }
            if (!odd) {
                assertTrue(!batch.spilled() || next > Integer.MAX_VALUE, "key " + k + " spilled");
            }
        }
        assertTrue(spilledKeys > 5 && spilledKeys < keys, spilledKeys + " of " + keys + " keys spilled");
    }

    /**
     * The memory's own pattern with caps: each term's oldest posting dropped as its next is put, the oldest
     * archive row and segment dropped as the next comes; the lists and rings reuse their room (no spill).
     */
    @Test
    void cappedRowsReuseTheirRoomWithoutSpilling() {
        Keyed ref = new Keyed();
        Keyed spillTo = new Keyed();
        BatchEventStore batch = new BatchEventStore(spillTo.store);
        SplittableRandom r = new SplittableRandom(5);
        ref.store.on("k");
        spillTo.store.on("k");
        EventStore s = batch.on("k");
        int cap = 7;
        long[] df = new long[20];
        for (long p = 0; p < 20_000; p++) {
            EventEntry e = entry(r, p);
            ref.store.archive(e);
            s.archive(e);
            if (p >= 50) {
                ref.store.dropArchived(p - 50);
                s.dropArchived(p - 50);
            }
            int t = r.nextInt(20);
            ref.store.addPosting(t, df[t], p);
            s.addPosting(t, df[t], p);
            if (df[t] >= cap) {
                ref.store.dropPosting(t, df[t] - cap);
                s.dropPosting(t, df[t] - cap);
            }
            df[t]++;
            for (long o = Math.max(0, df[t] - cap - 2); o < df[t] + 1; o++) {
                assertEquals(ref.store.posting(t, o), s.posting(t, o));
            }
            assertSame(ref.store.archived(p - 50), s.archived(p - 50));
            assertSame(ref.store.archived(p - 49), s.archived(p - 49));
        }
        assertEquals(ref.store.bytesRead, batch.bytesRead);
        assertEquals(ref.store.bytesWritten, batch.bytesWritten);
        assertTrue(!batch.spilled());
    }

    /** A key change drops the rows; a clear does too; the next key starts empty (and unspilled). */
    /**
     * Keys of few and of many terms in turn (a key starts with the term table the last key's terms needed, up to
     * {@link BatchEventStore#TERMS_KEEP} slots): each key holds its own frequencies and postings, as keyed state
     * holds them, and none of the last key's; a key that spills from a carried table moves every row.
     */
    @Test
    void keysOfFewAndManyTermsInTurnHoldWhatKeyedStateHolds() {
        SplittableRandom r = new SplittableRandom(19);
        Keyed ref = new Keyed();
        Keyed spillTo = new Keyed();
        BatchEventStore batch = new BatchEventStore(spillTo.store);
        int[] sizes = {3, 700, 40, 2600, 2600, 5, 5, 120, 3000, 0, 60};
        for (int k = 0; k < sizes.length; k++) {
            String key = "key-" + k;
            ref.switchKey();
            spillTo.switchKey();
            ref.store.on(key);
            spillTo.store.on(key);
            EventStore s = batch.on(key);
            int[] terms = new int[sizes[k]];
            for (int i = 0; i < terms.length; i++) {
                terms[i] = r.nextInt(1_000_000) * 31 + k; // another key's terms are not this key's
            }
            for (int i = 0; i < terms.length; i++) {
                long f = 1 + r.nextInt(3);
                for (long o = 0; o < f; o++) {
                    ref.store.addPosting(terms[i], o, i + o);
                    s.addPosting(terms[i], o, i + o);
                }
                ref.store.setFrequency(terms[i], f);
                s.setFrequency(terms[i], f);
            }
            if (k == 4) {
                ref.store.addPosting(terms[0], 9, 1L << 33);
                s.addPosting(terms[0], 9, 1L << 33); // spills from a carried table
                assertTrue(batch.spilled());
            }
            EventStore now = batch.current();
            for (int i = 0; i < terms.length; i++) {
                assertEquals(ref.store.frequency(terms[i]), now.frequency(terms[i]), "frequency, key " + k);
                for (long o = 0; o < 4; o++) {
                    assertEquals(ref.store.posting(terms[i], o), now.posting(terms[i], o), "posting, key " + k);
                }
            }
            if (k > 0) {
                for (int i = 0; i < Math.min(50, sizes[k - 1]); i++) {
                    int old = r.nextInt(1_000_000) * 31 + k - 1;
                    assertEquals(ref.store.frequency(old), now.frequency(old), "another key's term, key " + k);
                }
            }
            assertEquals(ref.store.bytesWritten, batch.bytesWritten + spillTo.store.bytesWritten, "bytes, key " + k);
        }
        assertEquals(64, BatchEventStore.termsTableFor(0));
        assertEquals(64, BatchEventStore.termsTableFor(32));
        assertEquals(128, BatchEventStore.termsTableFor(33));
        assertEquals(BatchEventStore.TERMS_KEEP, BatchEventStore.termsTableFor(1_000_000));
    }

    @Test
    void aKeyChangeOrAClearDropsTheRows() {
        Keyed spillTo = new Keyed();
        BatchEventStore batch = new BatchEventStore(spillTo.store);
        SplittableRandom r = new SplittableRandom(3);
        EventStore s = batch.on("a");
        EventEntry e = entry(r, 0);
        s.archive(e);
        s.setFrequency(5, 3);
        s.addPosting(5, 0, 0);
        s.addSegment(0, new float[] {1f});
        s.setEidetic(1, e);
        s.addPosting(9, 0, 1L << 33); // spills
        assertTrue(batch.spilled());
        assertSame(spillTo.store, batch.current());
        assertSame(e, spillTo.store.archived(0));
        assertEquals(3, spillTo.store.frequency(5));
        assertEquals(0, spillTo.store.posting(5, 0));
        assertEquals(1L << 33, spillTo.store.posting(9, 0));
        assertSame(e, spillTo.store.eidetic(1));
        batch.clear(); // a key TTL: the key's memory goes, the arrays serve it again
        assertSame(batch, batch.current());
        assertTrue(!batch.spilled());
        s.addPosting(9, 0, 1L << 33);
        assertTrue(batch.spilled());
        spillTo.switchKey();
        s = batch.on("b");
        assertTrue(!batch.spilled());
        assertEquals(null, s.archived(0));
        assertEquals(0, s.frequency(5));
        assertEquals(-1, s.posting(5, 0));
        assertEquals(null, s.segment(0));
        assertEquals(null, s.eidetic(1));
        s.archive(e);
        s.setFrequency(5, 3);
        batch.clear();
        assertEquals(null, s.archived(0));
        assertEquals(0, s.frequency(5));
    }
}
