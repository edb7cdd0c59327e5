package dev.keymem.jobs.serde;

import java.util.Objects;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;

/**
 * A keyed function that wraps another ({@link #inner}) and hands it its runtime context, {@code open} and
 * {@code close}: what {@link RecordRuns.Unpack} and the jobs' guard share. A subclass forwards
 * {@code processElement} and {@code onTimer} as it needs. Nothing else reaches the inner function (checkpoint
 * hooks included).
 *
 * @param <I> the input type
 * @param <J> the inner function's input type
 * @param <O> the output type
 */
@Internal
public abstract class ForwardingKeyedFunction<I, J, O> extends KeyedProcessFunction<String, I, O> {
    private static final long serialVersionUID = 1L;

    /** The wrapped function. */
    protected final KeyedProcessFunction<String, J, O> inner;

    protected ForwardingKeyedFunction(KeyedProcessFunction<String, J, O> inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public void setRuntimeContext(RuntimeContext t) {
        super.setRuntimeContext(t);
        inner.setRuntimeContext(t);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        inner.open(openContext);
    }

    @Override
    public void close() throws Exception {
        inner.close();
    }
}
