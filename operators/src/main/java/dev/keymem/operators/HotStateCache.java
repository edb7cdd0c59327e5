package dev.keymem.operators;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * The deserialized values of a keyed operator's {@link ValueState}s for its most recently used keys, so
 * that a key's next record neither reads nor writes its state through the state backend. A bounded
 * LRU over keys ({@code capacity} keys; each entry holds one value per wrapped state): a key's values
 * are read from keyed state on first use and written back (changed ones only; a cleared one as a clear)
 * when the key is evicted and by {@link #flush()}, which the owning operator calls in
 * {@code snapshotState} before the keyed state backend is snapshotted, so every checkpoint and savepoint
 * holds exactly what an uncached operator would have written. After a failure the cache is gone and
 * the restored state is the checkpoint's.
 *
 * <p>Contract with the owner: every access to a wrapped state happens with the key context set to the
 * key whose value it is (processElement, onTimer); {@link KeyContext} lets the cache switch to an
 * evicted or flushed key and back. Wrapped values are live objects: callers mutate them in place and
 * then call {@code update}, as with the heap backend. Use it only over backends that copy values into
 * their own storage on {@code update} (RocksDB): the heap backend keeps the caller's object, which a
 * later in-place mutation would change under a running asynchronous snapshot (and it has nothing to
 * save anyway). State in the cache is subject to no Flink state TTL: wrap only states without one.
 *
 * <p>Not thread safe: the task thread only. Reusable by any keyed operator (hence {@link Internal}
 * rather than tied to {@link KeyedMemoryFunction}).
 */
@Internal
final class HotStateCache {

    /** The owner's key context (an operator's getCurrentKey / setCurrentKey). */
    interface KeyContext {
        Object currentKey();

        void setCurrentKey(Object key);
    }

    private static final byte LOADED = 1;
    private static final byte DIRTY = 2;

    private int capacity;
    private final KeyContext keys;
    private final List<ValueState<Object>> backing = new ArrayList<>();
    /** Access order: the eldest entry is the least recently used key. */
    private final LinkedHashMap<Object, Entry> entries;
    private boolean sealed;

    private long hits;
    private long misses;
    private long evictions;
    private long writes;

    HotStateCache(int capacity, KeyContext keys) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        this.keys = keys;
        this.entries = new LinkedHashMap<>(Math.min(capacity, 1 << 16) * 4 / 3 + 1, 0.75f, true);
    }

    /**
     * A cache of {@code capacity} keys for {@code operator}'s keyed state (its key context), or null when
     * {@code capacity} is 0 or the operator's backend does not copy values on update (only RocksDB does).
     */
    static HotStateCache forOperator(int capacity, AbstractStreamOperator<?> operator) {
        if (capacity <= 0 || !serializesOnUpdate(operator.getKeyedStateBackend())) {
            return null;
        }
        return new HotStateCache(capacity, new KeyContext() {
            @Override
            public Object currentKey() {
                return operator.getCurrentKey();
            }

            @Override
            public void setCurrentKey(Object key) {
                operator.setCurrentKey(key);
            }
        });
    }

    /** True for backends that copy a value into their own storage on update (RocksDB), where caching is safe. */
    static boolean serializesOnUpdate(KeyedStateBackend<?> backend) {
        try {
            return backend instanceof org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
        } catch (LinkageError e) {
            return false; // the RocksDB backend is not on the classpath: not in use
        }
    }

    /**
     * Lowers the capacity to what {@code budgetBytes} holds at {@code bytesPerKey} (at least one key);
     * before the first access only.
     */
    void limit(long budgetBytes, long bytesPerKey) {
        if (sealed) {
            throw new IllegalStateException("limit after the cache was used");
        }
        capacity = (int) Math.max(1, Math.min(capacity, budgetBytes / Math.max(1, bytesPerKey)));
    }

    /** {@code state} through {@code cache}, or {@code state} itself when there is no cache. */
    static <T> ValueState<T> wrap(HotStateCache cache, ValueState<T> state) {
        return cache == null ? state : cache.wrap(state);
    }

    /** A view of {@code state} through the cache; all wraps come before the first access. */
    @SuppressWarnings("unchecked")
    <T> ValueState<T> wrap(ValueState<T> state) {
        if (sealed) {
            throw new IllegalStateException("wrap after the cache was used");
        }
        backing.add((ValueState<Object>) state);
        return new View<>(backing.size() - 1);
    }

    /** Writes every changed value back to keyed state (each under its key) and keeps them cached, clean. */
    int flush() throws IOException {
        int flushed = 0;
        Object current = keys.currentKey();
        try {
            for (Map.Entry<Object, Entry> e : entries.entrySet()) {
                if (e.getValue().dirty()) {
                    keys.setCurrentKey(e.getKey());
                    write(e.getValue());
                    flushed++;
                }
            }
        } finally {
            if (current != null) {
                keys.setCurrentKey(current);
            }
        }
        return flushed;
    }

    /** Drops everything without writing (the task is closing or failing; keyed state is discarded or restored). */
    void discard() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    int capacity() {
        return capacity;
    }

    /** Loads served from the cache. */
    long hits() {
        return hits;
    }

    /** Loads read from keyed state. */
    long misses() {
        return misses;
    }

    long evictions() {
        return evictions;
    }

    /** Values written back to keyed state (updates and clears), at evictions and flushes. */
    long writes() {
        return writes;
    }

    private Entry entry() throws IOException {
        sealed = true;
        Object key = keys.currentKey();
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= capacity) {
                evictEldest();
            }
            e = new Entry(backing.size());
            entries.put(key, e);
        }
        return e;
    }

    private void evictEldest() throws IOException {
        Iterator<Map.Entry<Object, Entry>> it = entries.entrySet().iterator();
        Map.Entry<Object, Entry> eldest = it.next();
        it.remove();
        evictions++;
        if (eldest.getValue().dirty()) {
            Object current = keys.currentKey();
            keys.setCurrentKey(eldest.getKey());
            try {
                write(eldest.getValue());
            } finally {
                keys.setCurrentKey(current);
            }
        }
    }

    /** Writes {@code e}'s changed values under the current key context (the entry's key). */
    private void write(Entry e) throws IOException {
        for (int i = 0; i < e.values.length; i++) {
            if ((e.flags[i] & DIRTY) != 0) {
                if (e.values[i] == null) {
                    backing.get(i).clear();
                } else {
                    backing.get(i).update(e.values[i]);
                }
                e.flags[i] &= ~DIRTY;
                writes++;
            }
        }
    }

    private static final class Entry {
        final Object[] values;
        final byte[] flags;

        Entry(int slots) {
            values = new Object[slots];
            flags = new byte[slots];
        }

        boolean dirty() {
            for (byte f : flags) {
                if ((f & DIRTY) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One wrapped state: slot {@code slot} of the current key's entry. */
    private final class View<T> implements ValueState<T> {
        private final int slot;

        View(int slot) {
            this.slot = slot;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T value() throws IOException {
            Entry e = entry();
            if ((e.flags[slot] & LOADED) == 0) {
                e.values[slot] = backing.get(slot).value();
                e.flags[slot] |= LOADED;
                misses++;
            } else {
                hits++;
            }
            return (T) e.values[slot];
        }

        @Override
        public void update(T value) throws IOException {
            Entry e = entry();
            e.values[slot] = value;
            e.flags[slot] = LOADED | DIRTY;
        }

        @Override
        public void clear() {
            Entry e = entries.get(keys.currentKey());
            if (e != null) {
                e.values[slot] = null;
                e.flags[slot] = LOADED | DIRTY; // cleared in keyed state at the next write-back
            } else {
                backing.get(slot).clear();
            }
        }
    }
}
