package dev.keymem.operators;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.rmt.RmtState;
import dev.keymem.operators.model.MemoryModel;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ValueState;

/**
 * RMT in the batched operator: the same {@code keymem-rmt} ValueState as {@link RmtKeyMemory}; one step
 * advances all keys of the step through {@link MemoryModel.Rmt#advanceBatch}, which runs the full
 * segments of all ready keys with one product per layer. There is no cell advancer ({@link #advancer()}
 * is null: nothing is resident, states are written after every batch). TTL as the per-record operator:
 * the operator's per-key timers.
 */
final class RmtBatchKeyMemory extends BatchKeyMemory<RmtState> {

    private final MemoryModel.Rmt model;

    RmtBatchKeyMemory(ValueState<RmtState> state, MemoryModel.Rmt model, Consumer<Object> select) {
        super(state, select);
        this.model = model;
    }

    /** None: RMT runs its own batched forward. */
    @Override
    BatchAdvancer advancer() {
        return null;
    }

    @Override
    long payloadBytes(RmtState s) {
        return RmtKeyMemory.payloadBytes(s);
    }

    @Override
    RmtState fresh(Object key) {
        return model.newState();
    }

    @Override
    void check(Object key, RmtState s) {
        RmtKeyMemory.check(key, s, model);
    }

    @Override
    long position(RmtState s) {
        return s.position();
    }

    @Override
    long advance(List<Object> keys, List<RmtState> states, List<int[]> tokenIds, float[][] outs) {
        model.advanceBatch(states.toArray(new RmtState[0]), tokenIds.toArray(new int[0][]), outs);
        return 0L;
    }

    @Override
    void clear(Object key) {
        select.accept(key);
        state.clear();
    }

    @Override
    boolean timerTtl() {
        return true;
    }
}
