package dev.keymem.operators;

import java.io.IOException;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;

/**
 * A {@link ValueState} that adds the framed bytes of every value it reads to a counter (the
 * {@code keymemStateBytesRead} metric). Put it under a write-back cache, not over it: then only the
 * reads that reach keyed state (a cache miss) are counted, not the records the cache serves.
 */
final class ReadCountingState<T> implements ValueState<T> {

    private final ValueState<T> state;
    private final ToLongFunction<T> bytes;
    private final Counter read;

    ReadCountingState(ValueState<T> state, ToLongFunction<T> bytes, Counter read) {
        this.state = state;
        this.bytes = bytes;
        this.read = read;
    }

    @Override
    public T value() throws IOException {
        T v = state.value();
        if (v != null) {
            read.inc(bytes.applyAsLong(v));
        }
        return v;
    }

    @Override
    public void update(T value) throws IOException {
        state.update(value);
    }

    @Override
    public void clear() {
        state.clear();
    }
}
