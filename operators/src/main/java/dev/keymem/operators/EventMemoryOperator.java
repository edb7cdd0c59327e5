package dev.keymem.operators;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionKeyedStateBackend;

/**
 * A {@link KeyedProcessOperator} for a keyed function that holds a {@link KeyedEventMemory} (its
 * {@link KeyedEventMemory.Owner}), which gives the memory its write-back cache
 * ({@code keymem.events.cache-bytes}: the recently used keys' deserialized memory) and writes the cache back to keyed state in
 * {@link #snapshotState}: on the task thread, after the records before the barrier and before the keyed state
 * backend is snapshotted, so every checkpoint and savepoint holds what the uncached function would have
 * written, and drops it on close ({@link WriteBackOperator}'s lifecycle, which {@link HotStateOperator}
 * shares). Same function, timers, state and outputs as a plain {@code KeyedProcessOperator} (a savepoint of
 * either restores into the other). The cache is used on the RocksDB backend only; on the heap backend
 * (whose state is already objects) this is a plain {@code KeyedProcessOperator}; on the batch execution
 * backend (a BATCH run, one key's state at a time) the memory keeps the current key's rows in plain arrays
 * instead of keyed state ({@link KeyedEventMemory#useBatchRows}: the same answers and metrics).
 *
 * <pre>{@code
 * UserContextFunction f = ...;              // a KeyedEventMemory.Owner
 * stream.keyBy(e -> e.user).transform("user-context", type, new EventMemoryOperator<>(guarded(f), f));
 * }</pre>
 *
 * @param <I> input type
 * @param <O> output type
 */
@PublicEvolving
public class EventMemoryOperator<I, O> extends WriteBackOperator<I, O> {
    private static final long serialVersionUID = 1L;

    private final KeyedEventMemory.Owner owner;
    private transient KeyedEventMemory cached;

    /**
     * @param function the keyed function the operator runs (it may wrap {@code owner})
     * @param owner    the function that holds the event memory (opened with {@code function})
     */
    public EventMemoryOperator(KeyedProcessFunction<String, I, O> function, KeyedEventMemory.Owner owner) {
        super(function);
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    @Override
    public void open() throws Exception {
        super.open(); // opens the function, which creates its memory
        KeyedEventMemory m = owner.eventMemory();
        if (m == null) {
            throw new IllegalStateException("the owner of the event memory has none after open: "
                    + owner.getClass().getName());
        }
        if (WriteBackCache.serializesOnUpdate(getKeyedStateBackend()) && m.useCache(WriteBackCache.KeyContext.of(this))) {
            cached = m;
            writeBack(m.cache());
        } else if (keepsOneKey(getKeyedStateBackend())) {
            m.useBatchRows();
        }
    }

    /**
     * Whether {@code backend} is Flink's batch execution backend, which holds the state of one key at a time
     * and clears all of it when the key changes (a BATCH run over sorted inputs).
     */
    static boolean keepsOneKey(KeyedStateBackend<?> backend) {
        return backend instanceof BatchExecutionKeyedStateBackend;
    }

    /** Cached keys with changes not yet in keyed state (0 without a cache), for tests and checks. */
    @VisibleForTesting
    public int unwrittenKeys() {
        return cached == null ? 0 : cached.cache().dirtyKeys();
    }

    /** The memory whose cache this operator writes back (null when no cache is used), for tests. */
    KeyedEventMemory cachedMemory() {
        return cached;
    }
}
