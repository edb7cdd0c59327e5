package dev.keymem.jobs.logs;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * The log job's lines gathered into {@link LogLineRun}s before the exchange to the keyed step, and taken apart
 * again in the keyed step, so that the exchange and, in a batch run, the keyed input's sort (by key, then by
 * record timestamp) handle a run of lines as one record. What the keyed function sees does not change: each
 * source's lines, one by one, in the order they came.
 *
 * <ul>
 *   <li>{@link Gather} (after the parse step, same parallelism, chained to it) keeps one open run per source and
 *       emits it, stamped with the timestamp of its first line, when it holds {@link #MAX_LINES} lines or
 *       {@link #MAX_CHARS} characters of text, when a line of the same source comes from another topic or
 *       partition, and all open runs (in the order they were opened) when they hold {@link #MAX_BUFFERED_CHARS}
 *       characters or {@link #MAX_BUFFERED_LINES} lines together, before a watermark or checkpoint barrier
 *       passes, and at the end of the input. A source's runs thus leave in the order of their lines, and their
 *       stamps (a batch file run stamps a line with its line number) grow with it: the sort keeps each source's
 *       lines in file order. Buffered text is bounded by those limits.</li>
 *   <li>{@link Unpack} is the keyed function over runs: it hands each line of a run to the per-line keyed
 *       function, with the run's context (key, timers, side outputs), and forwards everything else.</li>
 * </ul>
 */
public final class LogLineRuns {
    /** Most lines in one run. */
    public static final int MAX_LINES = 256;
    /** A run is emitted once its text reaches this many characters. */
    public static final int MAX_CHARS = 64 * 1024;
    /** All open runs are emitted once their text reaches this many characters together. */
    public static final long MAX_BUFFERED_CHARS = 4L * 1024 * 1024;
    /** All open runs are emitted once they hold this many lines together. */
    public static final int MAX_BUFFERED_LINES = 64 * 1024;

    private LogLineRuns() {
    }

    /** Gathers lines into runs per source (see {@link LogLineRuns}). */
    public static final class Gather extends AbstractStreamOperator<LogLineRun>
            implements OneInputStreamOperator<LogLine, LogLineRun>, BoundedOneInput {
        private static final long serialVersionUID = 1L;

        private final int maxLines;
        private final long maxChars;
        private final long maxBufferedChars;
        private final int maxBufferedLines;
        private transient Map<String, Open> open;
        private transient long bufferedChars;
        private transient int bufferedLines;

        /** A run being gathered, with its first line's record timestamp and its text size. */
        private static final class Open {
            final LogLineRun run;
            final boolean stamped;
            final long stamp;
            long chars;

            Open(LogLineRun run, boolean stamped, long stamp) {
                this.run = run;
                this.stamped = stamped;
                this.stamp = stamp;
            }
        }

        /**
         * With the default limits ({@link #MAX_LINES}, {@link #MAX_CHARS}, {@link #MAX_BUFFERED_CHARS},
         * {@link #MAX_BUFFERED_LINES}).
         */
        public Gather() {
            this(MAX_LINES, MAX_CHARS, MAX_BUFFERED_CHARS, MAX_BUFFERED_LINES);
        }

        /** With the given limits (each at least 1). */
        public Gather(int maxLines, long maxChars, long maxBufferedChars, int maxBufferedLines) {
            if (maxLines < 1 || maxChars < 1 || maxBufferedChars < 1 || maxBufferedLines < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            this.maxLines = maxLines;
            this.maxChars = maxChars;
            this.maxBufferedChars = maxBufferedChars;
            this.maxBufferedLines = maxBufferedLines;
        }

        @Override
        public void open() throws Exception {
            super.open();
            open = new LinkedHashMap<>();
        }

        @Override
        public void processElement(StreamRecord<LogLine> element) throws Exception {
            LogLine l = element.getValue();
            Open o = open.get(l.source);
            if (o != null && !o.run.accepts(l)) {
                emit(open.remove(l.source));
                o = null;
            }
            if (o == null) {
                o = new Open(new LogLineRun(l.source, l.topic, l.partition, 8), element.hasTimestamp(),
                        element.getTimestamp());
                open.put(l.source, o);
            }
            o.run.add(l);
            long chars = l.text == null ? 0 : l.text.length();
            o.chars += chars;
            bufferedChars += chars;
            bufferedLines++;
            if (o.run.size >= maxLines || o.chars >= maxChars) {
                emit(open.remove(l.source));
            }
            if (bufferedChars >= maxBufferedChars || bufferedLines >= maxBufferedLines) {
                flush();
            }
        }

        private void emit(Open o) {
            bufferedChars -= o.chars;
            bufferedLines -= o.run.size;
            output.collect(o.stamped ? new StreamRecord<>(o.run, o.stamp) : new StreamRecord<>(o.run));
        }

        /** Emits every open run, in the order they were opened. */
        private void flush() {
            if (open == null) {
                return;
            }
            for (Iterator<Open> it = open.values().iterator(); it.hasNext(); ) {
                emit(it.next());
                it.remove();
            }
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            flush();
            super.processWatermark(mark);
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            flush();
            super.prepareSnapshotPreBarrier(checkpointId);
        }

        @Override
        public void endInput() {
            flush();
        }

        @Override
        public void finish() throws Exception {
            flush();
            super.finish();
        }
    }

    /** The keyed function over runs: {@code inner} on each line of a run (see {@link LogLineRuns}). */
    public static final class Unpack extends KeyedProcessFunction<String, LogLineRun, JobOutput> {
        private static final long serialVersionUID = 1L;

        private final KeyedProcessFunction<String, LogLine, JobOutput> inner;

        public Unpack(KeyedProcessFunction<String, LogLine, JobOutput> inner) {
            this.inner = inner;
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

        @Override
        public void processElement(LogLineRun run, Context ctx, Collector<JobOutput> out) throws Exception {
            KeyedProcessFunction<String, LogLine, JobOutput>.Context c = lines(ctx);
            for (int i = 0; i < run.size; i++) {
                inner.processElement(run.line(i), c, out);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
            inner.onTimer(timestamp, lines(ctx), out);
        }

        /** The same context seen by the per-line function (a context's type argument is the input type only). */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private static KeyedProcessFunction<String, LogLine, JobOutput>.Context lines(
                KeyedProcessFunction<String, LogLineRun, JobOutput>.Context ctx) {
            return (KeyedProcessFunction<String, LogLine, JobOutput>.Context) (KeyedProcessFunction.Context) ctx;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static KeyedProcessFunction<String, LogLine, JobOutput>.OnTimerContext lines(
                KeyedProcessFunction<String, LogLineRun, JobOutput>.OnTimerContext ctx) {
            return (KeyedProcessFunction<String, LogLine, JobOutput>.OnTimerContext)
                    (KeyedProcessFunction.OnTimerContext) ctx;
        }
    }
}
