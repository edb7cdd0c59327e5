package dev.keymem.operators;

import dev.keymem.models.rmt.RmtState;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.state.StateFrame;
import org.apache.flink.api.common.state.ValueState;

/**
 * RMT keyed memory: the key's {@link RmtState} (memory {@code m x d} and the open segment's tokens) in
 * one ValueState ({@link KeyedMemoryFunction#RMT_STATE}, {@link dev.keymem.state.RmtStateSerializer}).
 * A restore in the middle of a segment continues bit for bit: the buffered tokens are part of the state.
 */
final class RmtKeyMemory extends KeyMemory {

    private final ValueState<RmtState> state;
    private final MemoryModel.Rmt model;

    RmtKeyMemory(ValueState<RmtState> state, MemoryModel.Rmt model) {
        this.state = state;
        this.model = model;
    }

    /** The stored state's memory must have the model's size (a different artifact fails, naming the key). */
    static void check(Object key, RmtState s, MemoryModel.Rmt model) {
        if (s.memory().length != model.stateSize()) {
            throw shapeChanged(String.valueOf(key), s.memory().length, model.stateSize());
        }
    }

    /**
     * Payload bytes of {@code s} in {@link dev.keymem.state.RmtStatePiece} format 1: position, segments,
     * the memory (length + floats), segment size, buffered count and the buffered tokens.
     */
    static long payloadBytes(RmtState s) {
        return 8 + 8 + 4 + 4L * s.memory().length + 4 + 4 + 4L * s.buffered();
    }

    @Override
    long position() throws Exception {
        RmtState s = state.value();
        return s == null ? 0L : s.position();
    }

    @Override
    Advanced advance(String key, int[] tokenIds, float[] out) throws Exception {
        RmtState s = state.value();
        if (s == null) {
            s = model.newState();
        } else {
            check(key, s, model);
        }
        long start = s.position();
        model.advance(s, tokenIds, out);
        state.update(s);
        return new Advanced(start, StateFrame.OVERHEAD_BYTES + payloadBytes(s), 0, 0);
    }

    @Override
    void clear() {
        state.clear();
    }
}
