package dev.keymem.operators;

import org.apache.flink.annotation.Internal;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The operator that runs a {@link KeyedMemoryFunction} with its hot-state cache ({@link HotStateCache},
 * {@link MemoryOperatorOptions#STATE_CACHE_KEYS}): a {@link KeyedProcessOperator} (same timers, same
 * state, same outputs: a savepoint of either restores into the other) that gives the function a key
 * context for the cache and writes the cache back to keyed state in {@link #snapshotState}, which runs
 * on the task thread after the barrier's records and before the keyed state backend is snapshotted
 * (Flink's mini-batch operators flush their bundles the same way). The cache is used on the RocksDB
 * backend only; elsewhere this is a plain {@code KeyedProcessOperator}.
 */
@Internal
final class KeyedMemoryOperator extends KeyedProcessOperator<String, TokenRecord, MemoryReadout> {

    private static final long serialVersionUID = 1L;

    private transient HotStateCache cache;

    KeyedMemoryOperator(KeyedMemoryFunction function) {
        super(function);
    }

    @Override
    public void open() throws Exception {
        KeyedMemoryFunction fn = (KeyedMemoryFunction) userFunction;
        cache = HotStateCache.forOperator(fn.cacheKeys(), this);
        if (cache != null) {
            fn.useCache(cache);
        }
        super.open(); // opens the function, which wraps its value states through the cache
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        if (cache != null) {
            ((KeyedMemoryFunction) userFunction).flushed(cache.flush());
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

    /** The cache, for tests that read keyed state directly (null when unused). */
    HotStateCache cache() {
        return cache;
    }

}
