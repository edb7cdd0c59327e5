package dev.keymem.jobs.logs.mining;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded memory of values computed from short strings (a pure function of the string), for the keyed thread's
 * per-line memories (the miner's messages, the summarizer's masked facts): the {@code capacity} most recently used
 * entries (LRU), and an entry is admitted only when its key is seen the second time (a doorkeeper: the hash of
 * each key that was looked up and missed, in a fixed table of {@code 2 * capacity} ints, no object kept).
 *
 * <p>Why the doorkeeper: a log file run's heap keeps only a small young generation and promotes whatever survives a
 * young collection at once (memctl: {@code -Xmn32m -XX:MaxTenuringThreshold=0}). An entry lives for {@code
 * capacity} other keys, so nearly every admitted entry is copied into the old generation, and on lines that never
 * repeat their masked form (lines made of ids whose masking leaves pieces, e.g. MAC addresses) every line's entry
 * was such garbage: 47,488 distinct masked forms in 50,000 lines, hits 2%, ~45 MB promoted a pass and the
 * collections' CPU doubled (docs/benchmarks.md, "The ids loss: the keyed thread's memories promoted"). Behind the
 * doorkeeper a key met once costs only its hash (which the lookup computes anyway) and one int store; a repeated
 * key is remembered from its second sighting on. A slot shared by two keys only admits a key early (two keys of one
 * hash), late, or, for two keys that alternate, not at all: what is remembered is always the value the caller
 * computed for that key, so a caller's results do not depend on what is remembered.
 *
 * <p>Written by hand: Caffeine (on the class path through Flink) has this admission (W-TinyLFU's doorkeeper and
 * frequency sketch), but its caches load and initialize dozens of classes per run and schedule maintenance on an
 * executor; this is 30 lines over {@link LinkedHashMap}. The reference is the caller's plain computation (each
 * caller's test compares results with and without its memory).
 *
 * <p>Not thread safe (one per keyed operator instance, as its owner).
 */
public final class RepeatMemo<V> {
    private final LinkedHashMap<String, V> map;
    /** Hashes of keys that missed, by slot ({@link #slot}); 0: none (a key of hash 0 is admitted at once). */
    private final int[] seen;
    /** 32 less the slots' bits: a slot is the top bits of the spread hash. */
    private final int shift;

    /** Remembers up to {@code capacity} (a power of two, at least 2) values. */
    public RepeatMemo(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two >= 2: " + capacity);
        }
        this.map = new LinkedHashMap<>(capacity * 4 / 3 + 1, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
        this.seen = new int[2 * capacity];
        this.shift = 32 - Integer.numberOfTrailingZeros(2 * capacity);
    }

    /** The value remembered for {@code key} (now the most recently used), or null. */
    public V get(String key) {
        return map.get(key);
    }

    /**
     * Offers {@code value}, computed for {@code key} after {@link #get} missed: remembered when the key missed before
     * (its slot holds its hash), else only the key's hash is noted. Returns whether it was remembered.
     */
    public boolean offer(String key, V value) {
        int h = key.hashCode();
        int s = slot(h);
        if (seen[s] == h) {
            map.put(key, value);
            return true;
        }
        seen[s] = h;
        return false;
    }

    /** How many values are remembered. */
    public int size() {
        return map.size();
    }

    private int slot(int h) {
        return h * 0x9E3779B1 >>> shift; // Fibonacci hashing: the product's top bits
    }
}
