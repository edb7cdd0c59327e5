package dev.keymem.jobs.serde;

import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;

/**
 * A job's records gathered into runs per key before the exchange to its keyed step, and taken apart again in the
 * keyed step, so that the exchange and, in a batch run, the keyed input's sort (by key, then by record timestamp)
 * handle a run of records as one. What the keyed function sees does not change: each key's records, one by one,
 * in the order they came. The log job's lines ({@code LogLineRuns}) and the context job's events
 * ({@code ContextEventRuns}) use it.
 *
 * <ul>
 *   <li>{@link Gather} (after the parse step, same parallelism, chained to it) keeps one open run per key and
 *       emits it, stamped with the timestamp of its first record, when it holds {@code maxRecords} records or
 *       {@code maxChars} characters of text, when a record of the same key cannot join it
 *       ({@link Run#accepts}, e.g. it comes from another topic or partition), and all open runs (in the order
 *       they were opened) when they hold {@code maxBufferedBytes} bytes ({@link Shape#bytes} and
 *       {@link Shape#openBytes}: by default their characters) or {@code maxBufferedRecords} records together,
 *       before a watermark or checkpoint barrier passes, and at the end of the input. A key's
 *       runs thus leave in the order of its records, and their stamps (a batch file run stamps a record with
 *       its line number) grow with it: the sort keeps each key's records in file order. Buffered text is
 *       bounded by those limits. Its state is nothing: what it holds leaves before every checkpoint barrier.</li>
 *   <li>{@link Unpack} is the keyed function over runs: it hands each record of a run to the per-record keyed
 *       function, with the run's context (key, timers, side outputs), and forwards everything else.</li>
 * </ul>
 */
@Internal
public final class RecordRuns {
    private RecordRuns() {
    }

    /** A run: records of one key, in their order. */
    public interface Run<T> {
        /** Records held. */
        int size();

        /** Record {@code i}, as the per-record function takes it. */
        T get(int i);

        /** Whether {@code t}, of the run's key, may join it (e.g. it comes from the run's topic and partition). */
        boolean accepts(T t);

        /** Appends {@code t} (which the run {@link #accepts}). */
        void add(T t);
    }

    /**
     * The start of a run's serialized form, the same for every run type: flags (bit 0: key present, bit 1: topic
     * present, bit 2: {@link #packed}), partition (int), records (int), then the present key and topic
     * ({@link ExactStrings#write}). {@code packed}: a flag for the run type's own use (the log job's runs: the
     * length of the encoded records follows); a form written before the flag had it clear.
     */
    public record Header(String key, String topic, int partition, int size, boolean packed) {
        private static final int KEY = 1;
        private static final int TOPIC = 2;
        private static final int PACKED = 4;

        /** Writes a run's header, {@link #packed} clear. */
        public static void write(DataOutputView out, String key, String topic, int partition, int size)
                throws IOException {
            write(out, key, topic, partition, size, false);
        }

        /** Writes a run's header. */
        public static void write(DataOutputView out, String key, String topic, int partition, int size,
                                 boolean packed) throws IOException {
            out.writeByte((key != null ? KEY : 0) | (topic != null ? TOPIC : 0) | (packed ? PACKED : 0));
            out.writeInt(partition);
            out.writeInt(size);
            ExactStrings.write(key, out);
            ExactStrings.write(topic, out);
        }

        /** What {@link #write} wrote. */
        public static Header read(DataInputView in) throws IOException {
            int flags = in.readUnsignedByte();
            int partition = in.readInt();
            int size = in.readInt();
            String key = (flags & KEY) != 0 ? ExactStrings.read(in) : null;
            String topic = (flags & TOPIC) != 0 ? ExactStrings.read(in) : null;
            return new Header(key, topic, partition, size, (flags & PACKED) != 0);
        }
    }

    /** How runs of {@code T} are made. */
    public interface Shape<T, R extends Run<T>> extends Serializable {
        /** The key of a record (the keyed step's key). */
        String key(T t);

        /** A new, empty run for {@code first}'s key (which {@link Run#accepts} it). */
        R open(T first);

        /** The characters of text {@code t} holds (what a run's size limit counts). */
        long chars(T t);

        /**
         * The heap {@code t} holds, in bytes, once in a run (what the buffered limit counts, with
         * {@link #openBytes}); by default {@link #chars}.
         */
        default long bytes(T t) {
            return chars(t);
        }

        /** The heap, in bytes, an open run holds besides its records' {@link #bytes}; by default 0. */
        default long openBytes(T first) {
            return 0;
        }
    }

    /**
     * An operator that gathers its input into runs and emits every open run ({@link #flush}) before a watermark, a
     * checkpoint barrier, the end of its input and its finish, so no run waits past any of them.
     */
    public abstract static class Gathering<I, R> extends AbstractStreamOperator<R>
            implements OneInputStreamOperator<I, R>, BoundedOneInput {
        private static final long serialVersionUID = 1L;

        /** Emits every open run, in the order they were opened. */
        protected abstract void flush();

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

    /**
     * Gathers records into runs per key (see {@link RecordRuns}): the open runs and the limits, for an operator over
     * inputs {@code I} that makes a record {@code T} of each (or none) and hands it to {@link #gather}.
     */
    public abstract static class Gatherer<I, T, R extends Run<T>> extends Gathering<I, R> {
        private static final long serialVersionUID = 1L;

        private final Shape<T, R> shape;
        private final int maxRecords;
        private final long maxChars;
        private final long maxBufferedBytes;
        private final int maxBufferedRecords;
        private transient Map<String, Open<R>> open;
        private transient long bufferedBytes;
        private transient int bufferedRecords;

        /** A run being gathered, with its first record's timestamp, its text size and its heap estimate. */
        private static final class Open<R> {
            final R run;
            final boolean stamped;
            final long stamp;
            long chars;
            long bytes;
            int size;

            Open(R run, boolean stamped, long stamp) {
                this.run = run;
                this.stamped = stamped;
                this.stamp = stamp;
            }
        }

        /**
         * With the given limits (each at least 1); {@code maxBufferedBytes} bounds the open runs'
         * {@link Shape#bytes} and {@link Shape#openBytes} together (their characters, for a shape that counts no
         * more).
         */
        protected Gatherer(Shape<T, R> shape, int maxRecords, long maxChars, long maxBufferedBytes,
                           int maxBufferedRecords) {
            if (maxRecords < 1 || maxChars < 1 || maxBufferedBytes < 1 || maxBufferedRecords < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            this.shape = shape;
            this.maxRecords = maxRecords;
            this.maxChars = maxChars;
            this.maxBufferedBytes = maxBufferedBytes;
            this.maxBufferedRecords = maxBufferedRecords;
        }

        @Override
        public void open() throws Exception {
            super.open();
            open = new LinkedHashMap<>();
        }

        /**
         * Adds {@code t} to its key's open run, stamped (when it opens one) with {@code element}'s timestamp, and
         * emits runs as the limits say.
         */
        protected final void gather(T t, StreamRecord<?> element) {
            String key = shape.key(t);
            Open<R> o = open.get(key);
            if (o != null && !o.run.accepts(t)) {
                emit(open.remove(key));
                o = null;
            }
            if (o == null) {
                o = new Open<>(shape.open(t), element.hasTimestamp(), element.getTimestamp());
                open.put(key, o);
                long opened = shape.openBytes(t);
                o.bytes = opened;
                bufferedBytes += opened;
            }
            o.run.add(t);
            o.chars += shape.chars(t);
            long bytes = shape.bytes(t);
            o.bytes += bytes;
            o.size++;
            bufferedBytes += bytes;
            bufferedRecords++;
            if (o.size >= maxRecords || o.chars >= maxChars) {
                emit(open.remove(key));
            }
            if (bufferedBytes >= maxBufferedBytes || bufferedRecords >= maxBufferedRecords) {
                flush();
            }
        }

        private void emit(Open<R> o) {
            bufferedBytes -= o.bytes;
            bufferedRecords -= o.size;
            output.collect(o.stamped ? new StreamRecord<>(o.run, o.stamp) : new StreamRecord<>(o.run));
        }

        @Override
        protected void flush() {
            if (open == null) {
                return;
            }
            for (Iterator<Open<R>> it = open.values().iterator(); it.hasNext(); ) {
                emit(it.next());
                it.remove();
            }
        }
    }

    /** Gathers records into runs per key (see {@link RecordRuns}). */
    public static class Gather<T, R extends Run<T>> extends Gatherer<T, T, R> {
        private static final long serialVersionUID = 1L;

        /** With the given limits (each at least 1). */
        public Gather(Shape<T, R> shape, int maxRecords, long maxChars, long maxBufferedBytes,
                      int maxBufferedRecords) {
            super(shape, maxRecords, maxChars, maxBufferedBytes, maxBufferedRecords);
        }

        @Override
        public void processElement(StreamRecord<T> element) {
            gather(element.getValue(), element);
        }
    }

    /** The keyed function over runs: {@code inner} on each record of a run (see {@link RecordRuns}). */
    public static class Unpack<T, R extends Run<T>, O> extends ForwardingKeyedFunction<R, T, O> {
        private static final long serialVersionUID = 1L;

        public Unpack(KeyedProcessFunction<String, T, O> inner) {
            super(inner);
        }

        @Override
        public void processElement(R run, Context ctx, Collector<O> out) throws Exception {
            KeyedProcessFunction<String, T, O>.Context c = records(ctx);
            int n = run.size();
            for (int i = 0; i < n; i++) {
                inner.processElement(run.get(i), c, out);
            }
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<O> out) throws Exception {
            inner.onTimer(timestamp, records(ctx), out);
        }

        /** The same context seen by the per-record function (a context's type argument is the input type only). */
        @SuppressWarnings({"unchecked", "rawtypes"})
        private KeyedProcessFunction<String, T, O>.Context records(KeyedProcessFunction<String, R, O>.Context ctx) {
            return (KeyedProcessFunction<String, T, O>.Context) (KeyedProcessFunction.Context) ctx;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private KeyedProcessFunction<String, T, O>.OnTimerContext records(
                KeyedProcessFunction<String, R, O>.OnTimerContext ctx) {
            return (KeyedProcessFunction<String, T, O>.OnTimerContext) (KeyedProcessFunction.OnTimerContext) ctx;
        }
    }
}
