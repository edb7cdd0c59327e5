package dev.keymem.operators;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * A {@link KeyedProcessOperator} that keeps the deserialized values of its function's {@link ValueState}s for
 * the subtask's most recently used keys ({@link Owner#cacheKeys()} keys, least recently used evicted), so that
 * a hot key's record neither reads nor writes those states through the state backend. The function (its
 * {@link Owner}) receives the cache before it is opened and routes the value states it chooses through
 * {@link Cache#wrap} in {@code open}. Changed values are written back to keyed state, each under its own key,
 * when a key is evicted and in {@link #snapshotState}: on the task thread, after the records before the
 * barrier and before the keyed state backend is snapshotted, so every checkpoint and savepoint holds exactly
 * what the uncached function would have written (the lifecycle {@link EventMemoryOperator} shares; the keyed
 * memory operator of {@link KeyedMemoryFunction#operator()} is one of these). Same function, timers, state
 * and outputs as a plain {@code KeyedProcessOperator} (a savepoint of either restores into the other). The
 * cache is used on the RocksDB backend only; elsewhere (the heap backend keeps objects already) this is a
 * plain {@code KeyedProcessOperator}.
 *
 * <p>Rules for the wrapped states, as for any write-back cache: access them only with the key context set to
 * their key (processElement, onTimer), call {@code update} after changing a value in place, and wrap no state
 * with a Flink state TTL.
 *
 * @param <I> input type
 * @param <O> output type
 */
@PublicEvolving
public class HotStateOperator<I, O> extends WriteBackOperator<I, O> {
    private static final long serialVersionUID = 1L;

    /** A view of value states through the cache. */
    public interface Cache {
        /** {@code state} through the cache; call in the function's {@code open}, before any access. */
        <T> ValueState<T> wrap(ValueState<T> state);
    }

    /** The function that holds the cached states. */
    public interface Owner {
        /** Keys to cache per subtask; 0 disables the cache. */
        int cacheKeys();

        /** Called before the function is opened when the cache is on (never called otherwise). */
        void useCache(Cache cache);
    }

    private final Owner owner;
    private transient HotStateCache cache;

    /**
     * @param function the keyed function the operator runs (it may wrap {@code owner})
     * @param owner    the function whose value states the cache holds (opened with {@code function})
     */
    public HotStateOperator(KeyedProcessFunction<String, I, O> function, Owner owner) {
        super(function);
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    @Override
    public void open() throws Exception {
        cache = HotStateCache.forOperator(owner.cacheKeys(), this);
        if (cache != null) {
            owner.useCache(cache);
            writeBack(cache);
        }
        super.open(); // opens the function, which wraps its value states through the cache
    }

    /** Cached keys (0 without a cache), for tests. */
    @VisibleForTesting
    public int cachedKeys() {
        return cache == null ? 0 : cache.size();
    }

    /** Values written back to keyed state so far (0 without a cache), for tests. */
    @VisibleForTesting
    public long writtenBack() {
        return cache == null ? 0 : cache.writes();
    }

    /** The cache, for tests that read keyed state directly (null when unused). */
    HotStateCache cache() {
        return cache;
    }
}
