package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;

import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import dev.keymem.state.CachingStatePiece;
import dev.keymem.state.CellStatePiece;
import dev.keymem.state.StateFrame;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The current key's memory in Flink keyed state (the keyed context selects the key): load, advance
 * with the model, write back. Holds only state handles and the model; nothing of a key survives a
 * call. Package-private: the operator's implementation detail.
 */
abstract class KeyMemory {

    /** What one advance did, for metrics and the output record. */
    record Advanced(long startPosition, long bytesWritten, int cachedStates, int cacheReads) {
    }

    /** Tokens the current key's memory has absorbed (0 when it has none). */
    abstract long position() throws Exception;

    /** Loads the key's memory (or a fresh one), advances it over the tokens, writes it back. */
    abstract Advanced advance(String key, int[] tokenIds, float[] out) throws Exception;

    /** Removes all of the current key's memory. */
    abstract void clear() throws Exception;

    /** What the last {@link #advance} did to tokens' entries, to emit (once; empty for memories without events). */
    List<MemoryEvent> lastEvents() {
        return List.of();
    }

    static IllegalStateException shapeChanged(String key, int stored, int expected) {
        return new IllegalStateException("stored memory of key '" + key + "' has " + stored
                + " floats but the model's state has " + expected
                + ": the model changed shape since the state was written");
    }

    /** One cell state per key in a ValueState. */
    static final class Plain extends KeyMemory {
        private final ValueState<CellState> state;
        private final MemoryModel.Plain model;

        Plain(ValueState<CellState> state, MemoryModel.Plain model) {
            this.state = state;
            this.model = model;
        }

        @Override
        long position() throws Exception {
            CellState s = state.value();
            return s == null ? 0L : s.position();
        }

        @Override
        Advanced advance(String key, int[] tokenIds, float[] out) throws Exception {
            CellState s = state.value();
            if (s == null) {
                s = model.newState();
            } else if (s.data().length != model.stateSize()) {
                throw shapeChanged(key, s.data().length, model.stateSize());
            }
            long start = s.position();
            model.advance(s, tokenIds, out);
            state.update(s);
            return new Advanced(start, StateFrame.OVERHEAD_BYTES + CellStatePiece.payloadBytes(s), 0, 0);
        }

        @Override
        void clear() {
            state.clear();
        }
    }

    /** Memory Caching: the caching state in a ValueState, each cached checkpoint its own MapState entry. */
    static final class Caching extends RowsKeyMemory<CachingState, CellState> {
        private final MemoryModel.Caching model;

        Caching(ValueState<CachingState> state, MapState<Long, CellState> caches, MemoryModel.Caching model) {
            super(state, caches, model, CachingState::online, CachingState::position);
            this.model = model;
        }

        @Override
        CachingState newState(String key) {
            return model.newState();
        }

        @Override
        Advanced advance(String key, int[] tokenIds, float[] out) throws Exception {
            CachingState s = load(key);
            long start = s.position();
            MapStateCacheStore store = new MapStateCacheStore(rows, key, null);
            model.advance(s, store, tokenIds, out);
            save(s);
            long bytes = StateFrame.OVERHEAD_BYTES + CachingStatePiece.payloadBytes(s) + store.bytesStored;
            return new Advanced(start, bytes, s.caches().size(), store.loads);
        }
    }
}
