package dev.keymem.operators;

import java.io.Serializable;
import org.apache.flink.annotation.Internal;

/**
 * The operator that runs a {@link KeyedMemoryFunction} with its hot-state cache ({@link HotStateCache},
 * {@link MemoryOperatorOptions#STATE_CACHE_KEYS}): a {@link HotStateOperator} whose owner is the function
 * (through {@link FunctionOwner}, which keeps the function's cache methods package-private), and which
 * counts each write-back before a checkpoint in the function's {@code keymemStateCacheFlushed}. The cache is
 * used on the RocksDB backend only; elsewhere this is a plain {@code KeyedProcessOperator}.
 */
@Internal
final class KeyedMemoryOperator extends HotStateOperator<TokenRecord, MemoryReadout> {

    private static final long serialVersionUID = 1L;

    KeyedMemoryOperator(KeyedMemoryFunction function) {
        super(function, new FunctionOwner(function));
    }

    @Override
    void flushed(int keys) {
        ((KeyedMemoryFunction) userFunction).flushed(keys);
    }

    /** The function as the owner of the cached states (the same object the operator runs). */
    private static final class FunctionOwner implements Owner, Serializable {
        private static final long serialVersionUID = 1L;

        private final KeyedMemoryFunction function;

        FunctionOwner(KeyedMemoryFunction function) {
            this.function = function;
        }

        @Override
        public int cacheKeys() {
            return function.cacheKeys();
        }

        @Override
        public void useCache(Cache cache) {
            function.useCache((HotStateCache) cache); // the operator's own cache
        }
    }
}
