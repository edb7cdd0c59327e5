package dev.keymem.operators;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The lifecycle the hot-state operators ({@link HotStateOperator}, {@link KeyedMemoryOperator},
 * {@link EventMemoryOperator}) share with their {@link WriteBackCache}: a {@link KeyedProcessOperator} (same
 * function, timers, state and outputs: a savepoint of either restores into the other) that writes its cache
 * back to keyed state in {@link #snapshotState}, which runs on the task thread after the records before the
 * barrier and before the keyed state backend is snapshotted (Flink's mini-batch operators flush their bundles
 * the same way), so every checkpoint and savepoint, the final one after the end of input included, holds what
 * the uncached function wrote; and drops it unwritten in {@link #close} (a failing or finished task: keyed
 * state is restored from the last checkpoint or discarded). A subclass sets the cache in {@code open}
 * ({@link #writeBack}); without one (HashMap backend, cache off) this is a plain {@code KeyedProcessOperator}.
 *
 * @param <I> input type
 * @param <O> output type
 */
@Internal
abstract class WriteBackOperator<I, O> extends KeyedProcessOperator<String, I, O> {
    private static final long serialVersionUID = 1L;

    private transient WriteBackCache<?, ?> cache;

    WriteBackOperator(KeyedProcessFunction<String, I, O> function) {
        super(function);
    }

    /** The cache to write back before each snapshot and to drop on close; set in {@code open}. */
    final void writeBack(WriteBackCache<?, ?> cache) {
        this.cache = cache;
    }

    /** The write-back before a snapshot wrote {@code keys} keys (a hook for metrics). */
    void flushed(int keys) {
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        if (cache != null) {
            flushed(cache.flush());
        }
        super.snapshotState(context);
    }

    @Override
    public void close() throws Exception {
        if (cache != null) {
            cache.discard();
        }
        super.close();
    }
}
