package dev.keymem.operators;

import dev.keymem.operators.model.BatchMemoryModel;
import dev.keymem.operators.model.BatchCachingModel;

import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.state.CachingStatePiece;
import dev.keymem.state.CellStatePiece;
import dev.keymem.state.StateFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * What {@link BatchedMemoryOperator} needs of a memory type: load, start, check and write a key's state
 * in Flink keyed state (the same state names and serializers as {@link KeyMemory}, so savepoints are
 * alike), and advance many keys in one step. Every method that touches keyed state selects its key
 * through {@code select} (the operator's {@code setCurrentKey}). Package-private: the operator's
 * implementation detail.
 *
 * @param <S> the key's state object (held between batches for resident advancers)
 */
abstract class BatchKeyMemory<S> implements AutoCloseable {

    /** The key's state (the whole plain memory; the caching memory's small part). */
    final ValueState<S> state;
    final Consumer<Object> select;

    BatchKeyMemory(ValueState<S> state, Consumer<Object> select) {
        this.state = state;
        this.select = select;
    }

    /** The advancer of the online states (a {@link java.io.Flushable} one keeps them elsewhere). */
    abstract BatchAdvancer advancer();

    /** The key's stored state, null when it has none. */
    final S stored(Object key) throws Exception {
        select.accept(key);
        return state.value();
    }

    /** Writes the key's state; returns the framed bytes written. */
    final long write(Object key, S s) throws Exception {
        select.accept(key);
        state.update(s);
        return StateFrame.OVERHEAD_BYTES + payloadBytes(s);
    }

    /** The serialized payload of a state, without the frame. */
    abstract long payloadBytes(S state);

    /** A fresh state for a key that has none (anything left of an earlier memory of the key is dropped). */
    abstract S fresh(Object key) throws Exception;

    /** Fails when a stored state does not fit the model. */
    abstract void check(Object key, S state);

    abstract long position(S state);

    /**
     * One step: advances every key's state over its record's tokens (distinct keys) and writes the reads
     * {@code [T,H,V]} into {@code outs}; returns the framed bytes written to keyed state meanwhile.
     */
    abstract long advance(List<Object> keys, List<S> states, List<int[]> tokenIds, float[][] outs);

    /** Removes all of the key's memory. */
    abstract void clear(Object key) throws Exception;

    /** Whether the TTL needs the operator's per-key timers ({@link KeyTtl}) rather than Flink state TTL. */
    abstract boolean timerTtl();

    /** Closes the advancer (and reader) when {@link AutoCloseable}. */
    @Override
    public void close() throws Exception {
        closeIfCloseable(advancer());
    }

    static void closeIfCloseable(Object o) throws Exception {
        if (o instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** A plain memory: one {@link CellState} per key, advanced with one advancer call per step. */
    static final class Plain extends BatchKeyMemory<CellState> {
        private final BatchMemoryModel model;

        Plain(ValueState<CellState> state, BatchMemoryModel model, Consumer<Object> select) {
            super(state, select);
            this.model = model;
        }

        @Override
        BatchAdvancer advancer() {
            return model.advancer();
        }

        @Override
        CellState fresh(Object key) {
            return model.newState();
        }

        @Override
        void check(Object key, CellState s) {
            if (s.data().length != model.stateSize()) {
                throw KeyMemory.shapeChanged(String.valueOf(key), s.data().length, model.stateSize());
            }
        }

        @Override
        long position(CellState s) {
            return s.position();
        }

        @Override
        long advance(List<Object> keys, List<CellState> states, List<int[]> tokenIds, float[][] outs) {
            int n = keys.size();
            TokenChunk[] chunks = new TokenChunk[n];
            for (int i = 0; i < n; i++) {
                chunks[i] = model.project(tokenIds.get(i));
            }
            model.advancer().advance(states.toArray(new CellState[0]), chunks, outs);
            return 0L;
        }

        @Override
        long payloadBytes(CellState s) {
            return CellStatePiece.payloadBytes(s);
        }

        @Override
        void clear(Object key) {
            select.accept(key);
            state.clear();
        }

        @Override
        boolean timerTtl() {
            return false;
        }
    }

    /**
     * Memory Caching: the {@link CachingState} in a ValueState and each cached checkpoint in its own
     * MapState entry, one batched {@link MemoryCaching} forward per step over per-key stores that select
     * their key before every MapState access. Updates the histograms {@code keymemCachedStatesPerKey}
     * and {@code keymemCacheReadsPerChunk} (MapState loads) per key and step.
     */
    static final class Caching extends BatchKeyMemory<CachingState> {
        private final MapState<Long, CellState> caches;
        private final BatchCachingModel model;
        private final Histogram cachedStatesPerKey;
        private final Histogram cacheReadsPerChunk;

        Caching(ValueState<CachingState> state, MapState<Long, CellState> caches, BatchCachingModel model,
                Consumer<Object> select, MetricGroup metrics) {
            super(state, select);
            this.caches = caches;
            this.model = model;
            this.cachedStatesPerKey = metrics.histogram("keymemCachedStatesPerKey",
                    new DescriptiveStatisticsHistogram(1000));
            this.cacheReadsPerChunk = metrics.histogram("keymemCacheReadsPerChunk",
                    new DescriptiveStatisticsHistogram(1000));
        }

        @Override
        BatchAdvancer advancer() {
            return model.advancer();
        }

        @Override
        CachingState fresh(Object key) throws Exception {
            select.accept(key);
            if (!caches.isEmpty()) {
                caches.clear(); // leftovers of an expired memory never mix with a new one
            }
            model.reader().forget(key); // its cache ids start again from 0
            return model.newState();
        }

        @Override
        void check(Object key, CachingState s) {
            if (s.online().data().length != model.stateSize()) {
                throw KeyMemory.shapeChanged(String.valueOf(key), s.online().data().length, model.stateSize());
            }
        }

        @Override
        long position(CachingState s) {
            return s.position();
        }

        @Override
        long advance(List<Object> keys, List<CachingState> states, List<int[]> tokenIds, float[][] outs) {
            int n = keys.size();
            List<MemoryCaching.Item> items = new ArrayList<>(n);
            List<MapStateCacheStore> stores = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                MapStateCacheStore store = new MapStateCacheStore(caches, keys.get(i), select);
                stores.add(store);
                items.add(model.item(keys.get(i), states.get(i), store, tokenIds.get(i), outs[i]));
            }
            model.advance(items);
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                cachedStatesPerKey.update(states.get(i).caches().size());
                cacheReadsPerChunk.update(stores.get(i).loads);
                bytes += stores.get(i).bytesStored;
            }
            return bytes;
        }

        @Override
        long payloadBytes(CachingState s) {
            return CachingStatePiece.payloadBytes(s);
        }

        @Override
        void clear(Object key) throws Exception {
            select.accept(key);
            state.clear();
            caches.clear();
            model.reader().forget(key);
        }

        @Override
        boolean timerTtl() {
            return true;
        }

        @Override
        public void close() throws Exception {
            try {
                super.close();
            } finally {
                closeIfCloseable(model.reader());
            }
        }
    }
}
