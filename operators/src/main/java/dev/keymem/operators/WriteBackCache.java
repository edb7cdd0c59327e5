package dev.keymem.operators;

import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * The core of the operators' hot-state caches: a write-back LRU map from a keyed operator's keys to
 * entries of deserialized state ({@code E}), which a subclass (a layer) defines ({@link #dirty}, {@link #write}:
 * what an entry holds and how it reaches keyed state) and bounds ({@link HotStateCache}: by keys;
 * {@link EventStateCache}: by estimated bytes) by calling {@link #evictEldest()}.
 *
 * <p>The contract every layer keeps, and the reason a checkpoint sees what an uncached operator writes:
 * <ul>
 *   <li>an entry is only touched with the key context set to its key (processElement, onTimer);
 *   <li>an evicted entry is written back (when dirty) under its own key, the key context switched to it
 *       and back ({@link #evictEldest()});
 *   <li>{@link #flush()} writes every dirty entry under its key and keeps the entries, clean; the owning
 *       operator calls it in {@code snapshotState} ({@link WriteBackOperator}), on the task thread after the
 *       records before the barrier and before the keyed state backend is snapshotted, so every checkpoint
 *       and savepoint (also the final one after the end of input) holds what the uncached operator wrote;
 *   <li>{@link #discard()} drops everything unwritten when the task closes or fails: keyed state is then
 *       discarded or restored from the last checkpoint, and the cache is gone with the task.
 * </ul>
 * Only over backends that copy values into their own storage on update ({@link #serializesOnUpdate}:
 * RocksDB), and for states without a Flink state TTL (a write that reaches the backend late would be
 * stamped late). Not thread safe: the task thread only.
 *
 * @param <E> a key's cached entry
 * @param <X> what writing an entry to keyed state may throw
 */
@Internal
abstract class WriteBackCache<E, X extends Exception> {

    /** The owner's key context (an operator's getCurrentKey / setCurrentKey). */
    interface KeyContext {
        Object currentKey();

        void setCurrentKey(Object key);

        /** {@code operator}'s key context. */
        static KeyContext of(AbstractStreamOperator<?> operator) {
            return new KeyContext() {
                @Override
                public Object currentKey() {
                    return operator.getCurrentKey();
                }

                @Override
                public void setCurrentKey(Object key) {
                    operator.setCurrentKey(key);
                }
            };
        }
    }

    private final KeyContext keys;
    /** Access order: the eldest entry is the least recently used key. */
    private final LinkedHashMap<Object, E> entries;

    private long hits;
    private long misses;
    private long evictions;

    WriteBackCache(KeyContext keys, int initialCapacity) {
        this.keys = keys;
        this.entries = new LinkedHashMap<>(initialCapacity, 0.75f, true);
    }

    /** True while {@code entry} holds changes that keyed state does not. */
    abstract boolean dirty(E entry);

    /** Writes {@code entry}'s changes under the current key context (the entry's key) and marks them clean. */
    abstract void write(E entry) throws X;

    /** A flush wrote {@code entry}, which stays cached. */
    void flushed(E entry) {
    }

    /** True for backends that copy a value into their own storage on update (RocksDB), where caching is safe. */
    static boolean serializesOnUpdate(KeyedStateBackend<?> backend) {
        try {
            return backend instanceof org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
        } catch (LinkageError e) {
            return false; // the RocksDB backend is not on the classpath: not in use
        }
    }

    /** The key the owner works on now. */
    final Object currentKey() {
        return keys.currentKey();
    }

    /** {@code key}'s entry, now the most recently used; null when not cached. */
    final E get(Object key) {
        return entries.get(key);
    }

    /** Caches {@code entry} as {@code key}'s, the most recently used (the layer has made room). */
    final void put(Object key, E entry) {
        entries.put(key, entry);
    }

    /** Drops {@code key}'s entry without writing it; the entry, or null. */
    final E remove(Object key) {
        return entries.remove(key);
    }

    /** Evicts the least recently used entry, written back first when dirty; the entry (the cache is not empty). */
    final E evictEldest() throws X {
        Iterator<Map.Entry<Object, E>> it = entries.entrySet().iterator();
        Map.Entry<Object, E> eldest = it.next();
        it.remove();
        evictions++;
        E e = eldest.getValue();
        if (dirty(e)) {
            Object current = keys.currentKey();
            boolean switched = switchTo(eldest.getKey(), current);
            try {
                write(e);
            } finally {
                if (switched && current != null) {
                    keys.setCurrentKey(current);
                }
            }
        }
        return e;
    }

    /**
     * Writes every dirty entry back (least recently used first, each under its key) and keeps them cached,
     * clean; the number written.
     */
    final int flush() throws X {
        int written = 0;
        Object current = keys.currentKey();
        Object at = current;
        try {
            for (Map.Entry<Object, E> e : entries.entrySet()) {
                E entry = e.getValue();
                if (dirty(entry)) {
                    if (switchTo(e.getKey(), at)) {
                        at = e.getKey();
                    }
                    write(entry);
                    flushed(entry);
                    written++;
                }
            }
        } finally {
            if (at != current && current != null) {
                keys.setCurrentKey(current);
            }
        }
        return written;
    }

    /** Drops everything without writing (the task is closing or failing; keyed state is discarded or restored). */
    void discard() {
        entries.clear();
    }

    final int size() {
        return entries.size();
    }

    /** The entries, least recently used first (iterating does not change the order). */
    Collection<E> entries() {
        return entries.values();
    }

    /** The cached keys and entries, least recently used first, for tests and sizes (iterating keeps the order). */
    Map<Object, E> view() {
        return Collections.unmodifiableMap(entries);
    }

    /** Counts a load served from the cache (what a load is, the layer says). */
    final void hit() {
        hits++;
    }

    /** Counts a load read from keyed state. */
    final void miss() {
        misses++;
    }

    final long hits() {
        return hits;
    }

    final long misses() {
        return misses;
    }

    final long evictions() {
        return evictions;
    }

    /** Sets the key context to {@code key} unless it is there ({@code at}); true when it switched. */
    private boolean switchTo(Object key, Object at) {
        if (key.equals(at)) {
            return false;
        }
        keys.setCurrentKey(key);
        return true;
    }
}
