package dev.keymem.operators;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * The deserialized values of a keyed operator's {@link ValueState}s for its most recently used keys, so
 * that a key's next record neither reads nor writes its state through the state backend: the layer of
 * {@link WriteBackCache} bounded by keys ({@code capacity} keys; each entry holds one value per wrapped
 * state). A key's values are read from keyed state on first use and written back (changed ones only; a
 * cleared one as a clear) when the key is evicted and by {@link #flush()}, which the owning operator
 * ({@link HotStateOperator}, {@link BatchedMemoryOperator}) calls in {@code snapshotState} before the keyed
 * state backend is snapshotted, so every checkpoint and savepoint holds exactly what an uncached operator
 * would have written. After a failure the cache is gone and the restored state is the checkpoint's.
 *
 * <p>Contract with the owner ({@link WriteBackCache}'s): every access to a wrapped state happens with the
 * key context set to the key whose value it is (processElement, onTimer); the cache switches to an
 * evicted or flushed key and back. Wrapped values are live objects: callers mutate them in place and then
 * call {@code update}, as with the heap backend. Use it only over backends that copy values into their own
 * storage on {@code update} (RocksDB): the heap backend keeps the caller's object, which a later in-place
 * mutation would change under a running asynchronous snapshot (and it has nothing to save anyway). State
 * in the cache is subject to no Flink state TTL: wrap only states without one.
 *
 * <p>Not thread safe: the task thread only. Reusable by any keyed operator (hence {@link Internal}
 * rather than tied to {@link KeyedMemoryFunction}); it is the {@link HotStateOperator.Cache} that
 * operator gives its function.
 */
@Internal
final class HotStateCache extends WriteBackCache<HotStateCache.Entry, IOException> implements HotStateOperator.Cache {

    private static final byte LOADED = 1;
    private static final byte DIRTY = 2;

    private int capacity;
    private final List<ValueState<Object>> backing = new ArrayList<>();
    private boolean sealed;
    private long writes;

    HotStateCache(int capacity, WriteBackCache.KeyContext keys) {
        super(keys, Math.min(Math.max(capacity, 1), 1 << 16) * 4 / 3 + 1);
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * A cache of {@code capacity} keys for {@code operator}'s keyed state (its key context), or null when
     * {@code capacity} is 0 or the operator's backend does not copy values on update (only RocksDB does).
     */
    static HotStateCache forOperator(int capacity, AbstractStreamOperator<?> operator) {
        if (capacity <= 0 || !WriteBackCache.serializesOnUpdate(operator.getKeyedStateBackend())) {
            return null;
        }
        return new HotStateCache(capacity, WriteBackCache.KeyContext.of(operator));
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
    @Override
    @SuppressWarnings("unchecked")
    public <T> ValueState<T> wrap(ValueState<T> state) {
        if (sealed) {
            throw new IllegalStateException("wrap after the cache was used");
        }
        backing.add((ValueState<Object>) state);
        return new View<>(backing.size() - 1);
    }

    int capacity() {
        return capacity;
    }

    /** Values written back to keyed state (updates and clears), at evictions and flushes. */
    long writes() {
        return writes;
    }

    private Entry entry() throws IOException {
        sealed = true;
        Object key = currentKey();
        Entry e = get(key);
        if (e == null) {
            if (size() >= capacity) {
                evictEldest();
            }
            e = new Entry(backing.size());
            put(key, e);
        }
        return e;
    }

    @Override
    boolean dirty(Entry e) {
        return e.dirty();
    }

    /** Writes {@code e}'s changed values under the current key context (the entry's key). */
    @Override
    void write(Entry e) throws IOException {
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

    static final class Entry {
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
                miss();
            } else {
                hit();
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
            Entry e = get(currentKey());
            if (e != null) {
                e.values[slot] = null;
                e.flags[slot] = LOADED | DIRTY; // cleared in keyed state at the next write-back
            } else {
                backing.get(slot).clear();
            }
        }
    }
}
