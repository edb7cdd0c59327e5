package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.OutputBounds;
import dev.keymem.jobs.serde.ForwardingKeyedFunction;
import dev.keymem.state.CorruptStateException;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Wraps a job's keyed function with what every job owes its user, so the job functions need not repeat it:
 *
 * <ul>
 *   <li><b>Loud failures with coordinates.</b> An exception while processing a record is rethrown as a
 *       {@link KeyedFailure} whose message names the record's coordinates ({@code topic-partition@offset})
 *       and key, or the timer and key; the restart strategy then bounds the retries and the command prints
 *       it.</li>
 *   <li><b>Corrupt state named.</b> When the cause is a {@link CorruptStateException} (a checksum or
 *       frame mismatch in a framed state entry), the message names the state (from the piece name), the
 *       key and the piece.</li>
 *   <li><b>Bounded results.</b> Every result passes through {@link OutputBounds#bound} with
 *       {@code maxOutputBytes}.</li>
 * </ul>
 * It forwards the runtime context, open, close ({@link ForwardingKeyedFunction}), processElement and onTimer;
 * an inner function that also implements {@code CheckpointedFunction} or {@code CheckpointListener} is refused
 * (those would not be forwarded). Errors other than a stack overflow (e.g. out of memory) pass through unwrapped.
 */
public final class GuardedKeyedFunction<I> extends ForwardingKeyedFunction<I, I, JobOutput> {
    private static final long serialVersionUID = 1L;

    private final SerializableFunction<I, String> coordinates;
    private final Map<String, String> stateOfPiece;
    private final int maxOutputBytes;
    private transient BoundingCollector bounding;

    /**
     * @param coordinates  the coordinates of a record, for messages
     * @param stateOfPiece the state name of each framed piece the function keeps (piece name to state name)
     */
    public GuardedKeyedFunction(KeyedProcessFunction<String, I, JobOutput> inner,
                                SerializableFunction<I, String> coordinates, Map<String, String> stateOfPiece,
                                int maxOutputBytes) {
        super(inner);
        if (inner instanceof org.apache.flink.streaming.api.checkpoint.CheckpointedFunction
                || inner instanceof org.apache.flink.api.common.state.CheckpointListener) {
            // those hooks would not reach it through this wrapper: fail when the job is built, not silently
            throw new IllegalArgumentException(inner.getClass().getName() + " implements CheckpointedFunction or "
                    + "CheckpointListener, which GuardedKeyedFunction does not forward");
        }
        this.coordinates = Objects.requireNonNull(coordinates, "coordinates");
        this.stateOfPiece = Map.copyOf(stateOfPiece);
        this.maxOutputBytes = maxOutputBytes;
    }

    /** A keyed step failed: the message names where (record or timer, key) and why. */
    public static final class KeyedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KeyedFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Collector<JobOutput> bounded(Collector<JobOutput> out) {
        if (bounding == null || bounding.out != out) {
            bounding = new BoundingCollector(out, maxOutputBytes);
        }
        return bounding;
    }

    @Override
    public void processElement(I value, Context ctx, Collector<JobOutput> out) throws Exception {
        try {
            inner.processElement(value, ctx, bounded(out));
        } catch (Exception | StackOverflowError e) {
            throw failure(e, "record " + coordinates.apply(value), ctx.getCurrentKey());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
        try {
            inner.onTimer(timestamp, ctx, bounded(out));
        } catch (Exception | StackOverflowError e) {
            throw failure(e, ctx.timeDomain().toString().toLowerCase(java.util.Locale.ROOT) + " timer " + timestamp,
                    ctx.getCurrentKey());
        }
    }

    private RuntimeException failure(Throwable e, String where, String key) {
        if (e instanceof KeyedFailure k) {
            return k;
        }
        var corrupt = ExceptionUtils.findThrowable(e, CorruptStateException.class);
        if (corrupt.isPresent()) {
            String piece = corrupt.get().piece();
            String state = stateOfPiece.getOrDefault(piece, "?");
            return new KeyedFailure("corrupt keyed state '" + state + "' of key '" + key + "' (piece " + piece
                    + "), read while processing " + where + ": " + corrupt.get().getMessage(), e);
        }
        return new KeyedFailure("failed while processing " + where + " of key '" + key + "': " + e, e);
    }

    /** Bounds each result's JSON. */
    private static final class BoundingCollector implements Collector<JobOutput> {
        final Collector<JobOutput> out;
        final int max;

        BoundingCollector(Collector<JobOutput> out, int max) {
            this.out = out;
            this.max = max;
        }

        @Override
        public void collect(JobOutput o) {
            String b = OutputBounds.bound(o.json, max, o.utf8Bytes());
            out.collect(b == o.json ? o : new JobOutput(o.kind, o.key, b));
        }

        @Override
        public void close() {
            out.close();
        }
    }
}
