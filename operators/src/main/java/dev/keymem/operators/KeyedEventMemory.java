package dev.keymem.operators;

import dev.keymem.models.events.EventHit;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventStore;
import dev.keymem.models.events.EventWrite;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.EventEntrySerializer;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.EventStateSerializer;
import dev.keymem.state.StateFrame;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The per-key work of {@link EventMemoryFunction}, for keyed functions that embed the event memory in a
 * larger step (a job's keyed function that also parses, migrates or formats): opened on a keyed runtime
 * context, it declares the event memory's state, and {@link #apply} runs one record of the current key. The
 * caller supplies the processing time, the timer registration (for {@code keymem.state.ttl}) and where memory
 * events go; it emits dead letters itself ({@link #problem} first). See {@link EventMemoryFunction} for the
 * state, the metrics and the guarantees.
 */
@PublicEvolving
public final class KeyedEventMemory {

    /** The operator-level settings (validated). */
    public record Settings(Duration keyTtl, Duration rowTtl, boolean emitEvents, int top, int maxTerms,
                           int maxPayload, long cacheBytes) implements Serializable {
        public Settings {
            // messages built only on failure: each string concatenation here is linked (invokedynamic) on first
            // use, which every file run's start paid for six messages it never shows
            if (keyTtl.isNegative()) {
                throw invalid(MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: " + keyTtl);
            }
            if (rowTtl.isNegative()) {
                throw invalid(MemoryOperatorOptions.EVENTS_ARCHIVE_TTL.key() + " must not be negative: " + rowTtl);
            }
            if (top < 1) {
                throw invalid(MemoryOperatorOptions.EVENTS_TOP.key() + " must be >= 1: " + top);
            }
            if (maxTerms < 1) {
                throw invalid(MemoryOperatorOptions.EVENTS_MAX_TERMS.key() + " must be >= 1: " + maxTerms);
            }
            if (maxPayload < 0) {
                throw invalid(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD.key() + " must be >= 0: " + maxPayload);
            }
            if (cacheBytes < 0) {
                throw invalid(MemoryOperatorOptions.EVENTS_CACHE_BYTES.key() + " must be >= 0: " + cacheBytes);
            }
        }

        public static Settings of(ReadableConfig o) {
            return new Settings(o.get(MemoryOperatorOptions.STATE_TTL), o.get(MemoryOperatorOptions.EVENTS_ARCHIVE_TTL),
                    o.get(MemoryOperatorOptions.MEMORY_EVENTS_ENABLED), o.get(MemoryOperatorOptions.EVENTS_TOP),
                    o.get(MemoryOperatorOptions.EVENTS_MAX_TERMS), o.get(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD),
                    o.get(MemoryOperatorOptions.EVENTS_CACHE_BYTES).getBytes());
        }

        private static IllegalArgumentException invalid(String message) {
            return new IllegalArgumentException(message);
        }

        /**
         * Java serialization writes a {@link Form} in its place (the settings travel in the job graph's functions).
         * A record is read back through {@code ObjectInputStream}'s record path, whose first use in a JVM builds
         * method handles for the canonical constructor and the stream fields (a few ms of a file run's start-up,
         * docs/benchmarks.md, "Start-up, round 24"); a plain class takes the ordinary path. Read back, the form gives
         * the record through the canonical constructor, so the same checks apply. A client writing this form needs a
         * cluster with this operators version: an older jar has no {@code Form} and cannot read it (a stream of the
         * record written before the form is read: {@code KeyedEventMemorySettingsOldStreamTest}).
         */
        @Serial
        private Object writeReplace() {
            return new Form(keyTtl, rowTtl, emitEvents, top, maxTerms, maxPayload, cacheBytes);
        }

        /** The serial form of {@link Settings}: its seven components. */
        static final class Form implements Serializable {
            @Serial
            private static final long serialVersionUID = 1L;

            private final Duration keyTtl;
            private final Duration rowTtl;
            private final boolean emitEvents;
            private final int top;
            private final int maxTerms;
            private final int maxPayload;
            private final long cacheBytes;

            Form(Duration keyTtl, Duration rowTtl, boolean emitEvents, int top, int maxTerms, int maxPayload,
                 long cacheBytes) {
                this.keyTtl = keyTtl;
                this.rowTtl = rowTtl;
                this.emitEvents = emitEvents;
                this.top = top;
                this.maxTerms = maxTerms;
                this.maxPayload = maxPayload;
                this.cacheBytes = cacheBytes;
            }

            /** The record, or an {@link InvalidObjectException} (as the record path throws) where its checks fail. */
            @Serial
            private Object readResolve() throws ObjectStreamException {
                try {
                    return new Settings(keyTtl, rowTtl, emitEvents, top, maxTerms, maxPayload, cacheBytes);
                } catch (RuntimeException e) {
                    InvalidObjectException invalid = new InvalidObjectException(e.getMessage());
                    invalid.initCause(e);
                    throw invalid;
                }
            }
        }
    }

    /** The options of the event memory in {@code options} (keymem.events.*, state TTL, events flag), type EVENTS. */
    public static Configuration eventOptions(ReadableConfig options) {
        Configuration c = new Configuration();
        for (var o : MemoryOperatorOptions.EVENTS_OPTIONS) {
            copy(options, c, o);
        }
        copy(options, c, MemoryOperatorOptions.STATE_TTL);
        copy(options, c, MemoryOperatorOptions.MEMORY_EVENTS_ENABLED);
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.EVENTS);
        Settings.of(c); // fail at job build time
        MemoryOperatorOptions.eventSettings(c);
        return c;
    }

    private static <T> void copy(ReadableConfig from, Configuration to, org.apache.flink.configuration.ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    private final MemoryModel.Events model;
    private final Settings settings;
    private final ValueState<EventState> state;
    private final MapStateEventStore store;
    private final KeyTtl keyTtl;
    private final Metrics metrics;
    private final MetricGroup metricGroup;
    private final int window;
    /** The write-back cache, when the operator gave one ({@link #useCache}); null: every access goes to keyed state. */
    private EventStateCache cache;
    /** The rows on the heap, when the operator runs on the batch backend ({@link #useBatchRows}); else null. */
    private BatchEventStore batchRows;
    /** The state this memory made last on the batch backend (made again from for the next key), or null. */
    private EventState lastBatchState;

    /**
     * A keyed function that holds a {@link KeyedEventMemory} (created in its {@code open}), so that
     * {@link EventMemoryOperator} can give the memory its write-back cache and write it back at checkpoints.
     */
    @FunctionalInterface
    public interface Owner extends Serializable {
        /** The memory, once the function is open. */
        KeyedEventMemory eventMemory();
    }

    private KeyedEventMemory(MemoryModel.Events model, Settings settings, ValueState<EventState> state,
                             MapStateEventStore store, KeyTtl keyTtl, MetricGroup metricGroup, int window) {
        this.model = model;
        this.metricGroup = metricGroup;
        this.window = window;
        this.settings = settings;
        this.state = state;
        this.store = store;
        this.keyTtl = keyTtl;
        this.metrics = new Metrics(metricGroup);
    }

    private static <K, V> MapStateDescriptor<K, V> rows(MapStateDescriptor<K, V> d, Duration ttl) {
        if (!ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    /** Creates the model and declares the event memory's state on a keyed runtime context. */
    public static KeyedEventMemory open(RuntimeContext rc, MemoryModelFactory factory, Settings settings) {
        MemoryModel m = factory.create();
        if (!(m instanceof MemoryModel.Events model)) {
            throw new IllegalArgumentException("EventMemoryFunction needs an event memory (memory type EVENTS), "
                    + "got " + m.getClass().getName() + ": use KeyedMemoryFunction for token streams");
        }
        Duration ttl = settings.rowTtl();
        ValueState<EventState> state = rc.getState(new ValueStateDescriptor<>(EventMemoryFunction.STATE,
                new EventStateSerializer()));
        MapStateEventStore store = new MapStateEventStore(
                rc.getMapState(rows(new MapStateDescriptor<>(EventMemoryFunction.ARCHIVE, LongSerializer.INSTANCE,
                        new EventEntrySerializer()), ttl)),
                rc.getMapState(rows(new MapStateDescriptor<>(EventMemoryFunction.FREQUENCIES, IntSerializer.INSTANCE,
                        LongSerializer.INSTANCE), ttl)),
                rc.getMapState(rows(new MapStateDescriptor<>(EventMemoryFunction.POSTINGS, LongSerializer.INSTANCE,
                        LongSerializer.INSTANCE), ttl)),
                rc.getMapState(rows(new MapStateDescriptor<>(EventMemoryFunction.SEGMENTS, LongSerializer.INSTANCE,
                        FloatPrimitiveArraySerializer.INSTANCE), ttl)),
                rc.getMapState(new MapStateDescriptor<>(EventMemoryFunction.EIDETIC, IntSerializer.INSTANCE,
                        new EventEntrySerializer())));
        KeyTtl keyTtl = settings.keyTtl().isZero() ? null : new KeyTtl(rc.getState(KeyTtl.descriptor()), settings.keyTtl());
        int window = model instanceof dev.keymem.operators.model.EventsMemoryModel em ? em.settings().window() : 0;
        store.mirrorFrequencies(ttl.isZero());
        store.rowsKept(ttl.isZero());
        return new KeyedEventMemory(model, settings, state, store, keyTtl, rc.getMetricGroup(), window);
    }

    /**
     * Gives the memory a write-back cache of {@code keymem.events.cache-bytes} over the owner's key context
     * (nothing when that option is 0 or the rows have a Flink state TTL, which a cache would not honour). Only
     * for an operator that writes the cache ({@link #cache()}) back before each keyed state snapshot and runs
     * over a backend that copies values on update (RocksDB): {@link EventMemoryOperator}.
     */
    boolean useCache(WriteBackCache.KeyContext keys) {
        if (settings.cacheBytes() <= 0 || !settings.rowTtl().isZero()) {
            return false;
        }
        store.mirrorFrequencies(false); // the cache holds the frequencies and writes them back itself
        EventStateCache c = new EventStateCache(settings.cacheBytes(), window, keys, state, store);
        metricGroup.gauge("keymemStateCacheKeys", c::size);
        metricGroup.gauge("keymemStateCacheBytes", c::bytes);
        metricGroup.gauge("keymemStateCacheHits", c::hits);
        metricGroup.gauge("keymemStateCacheMisses", c::misses);
        metricGroup.gauge("keymemStateCacheEvictions", c::evictions);
        this.cache = c;
        return true;
    }

    /**
     * Keeps the current key's rows in plain arrays ({@link BatchEventStore}) instead of keyed state: only for an
     * operator on Flink's batch execution state backend, which holds one key's state at a time and drops it
     * at the next key (nothing when the rows have a Flink state TTL or a write-back cache is in use). The same
     * answers and metrics; {@link EventMemoryOperator} calls it.
     */
    boolean useBatchRows() {
        if (cache != null || !settings.rowTtl().isZero()) {
            return false;
        }
        batchRows = new BatchEventStore(store);
        return true;
    }

    /** The batch rows (null when unused), for tests. */
    BatchEventStore batchRows() {
        return batchRows;
    }

    /** The cache (null when unused). */
    EventStateCache cache() {
        return cache;
    }

    private EventState hot() throws Exception {
        return cache != null ? cache.current().st : state.value();
    }

    /** D, the dense vectors' length. */
    public int dimension() {
        return model.dimension();
    }

    /** Events the current key's memory holds. */
    public long events() throws Exception {
        EventState st = hot();
        return st == null ? 0 : st.events();
    }

    /** The reason a record is refused, or null. */
    public String problem(MemoryRecord r) {
        if (r == null) {
            return "null record";
        }
        int terms = r.tokenIds == null ? 0 : r.tokenIds.length;
        float[] v = vector(r);
        if (terms == 0 && v == null) {
            return "neither terms (tokenIds) nor a vector";
        }
        if (terms > settings.maxTerms()) {
            return terms + " terms exceed " + MemoryOperatorOptions.EVENTS_MAX_TERMS.key() + "=" + settings.maxTerms();
        }
        if (r.payload != null && r.payload.length > settings.maxPayload()) {
            return "payload of " + r.payload.length + " bytes exceeds " + MemoryOperatorOptions.EVENTS_MAX_PAYLOAD.key()
                    + "=" + settings.maxPayload();
        }
        if (v != null) {
            if (v.length != model.dimension()) {
                return "vector has " + v.length + " values, expected " + MemoryOperatorOptions.EVENTS_DIMENSION.key()
                        + "=" + model.dimension();
            }
            if (!allFinite(v)) {
                for (int i = 0; i < v.length; i++) {
                    if (!Float.isFinite(v[i])) {
                        return "vector value " + v[i] + " at index " + i + " is not finite";
                    }
                }
            }
        }
        if (r.top < 0) {
            return "negative top " + r.top;
        }
        return null;
    }

    /**
     * Whether every value of {@code v} is finite ({@link Float#isFinite} of each, the reference form, which
     * {@link #problem} runs where this says no, to name the first): a float is infinite or NaN exactly when its
     * exponent bits are all set, {@code bits & 0x7f800000 == 0x7f800000}, and adding {@code 0x00800000} to
     * those bits sets the sign bit exactly then (any other exponent sums to at most {@code 0x7f800000}); so the
     * OR of the sums is negative exactly when a value is not finite. No branch a value (a vector is read once
     * per record, 256 values by default).
     */
    static boolean allFinite(float[] v) {
        int bad = 0;
        int i = 0;
        for (; i + 4 <= v.length; i += 4) {
            bad |= (Float.floatToRawIntBits(v[i]) & 0x7f800000) + 0x00800000;
            bad |= (Float.floatToRawIntBits(v[i + 1]) & 0x7f800000) + 0x00800000;
            bad |= (Float.floatToRawIntBits(v[i + 2]) & 0x7f800000) + 0x00800000;
            bad |= (Float.floatToRawIntBits(v[i + 3]) & 0x7f800000) + 0x00800000;
        }
        for (; i < v.length; i++) {
            bad |= (Float.floatToRawIntBits(v[i]) & 0x7f800000) + 0x00800000;
        }
        return bad >= 0;
    }

    /** The dead letter of a refused record of {@code key} (counted in the metrics). */
    public DeadLetter deadLetter(String key, MemoryRecord r, String problem) throws Exception {
        metrics.deadLetters.inc();
        return new DeadLetter(key, events(), r == null || r.tokenIds == null ? -1 : r.tokenIds.length, problem);
    }

    private static float[] vector(MemoryRecord r) {
        float[] own = r.query ? r.q : r.k;
        return own != null ? own : r.vector;
    }

    /**
     * Runs one valid record ({@link #problem} is null) of the current {@code key}: an event is absorbed (null
     * returned), a query is answered. {@code now} is the processing time, {@code arm} registers a
     * processing-time timer (key TTL), {@code events} receives the memory events.
     */
    public MemoryAnswer apply(String key, MemoryRecord r, long now, LongConsumer arm, Consumer<MemoryEvent> events)
            throws Exception {
        return apply(key, r, now, arm, events, null);
    }

    /** Called when a key has no event memory yet, before its record runs (e.g. to migrate older state into it). */
    @FunctionalInterface
    public interface FreshKey {
        void prepare() throws Exception;
    }

    /** {@link #apply(String, MemoryRecord, long, LongConsumer, Consumer)}, calling {@code fresh} for a key without memory. */
    public MemoryAnswer apply(String key, MemoryRecord r, long now, LongConsumer arm, Consumer<MemoryEvent> events,
                              FreshKey fresh) throws Exception {
        EventStateCache.Rows rows = cache == null ? null : cache.current();
        EventState st = rows != null ? rows.st : state.value();
        if (st == null && fresh != null) {
            fresh.prepare();
            rows = cache == null ? null : cache.current();
            st = rows != null ? rows.st : state.value();
        }
        int[] terms = r.tokenIds == null ? new int[0] : r.tokenIds;
        long hotBytes = st == null ? 0 : StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st);
        store.on(key);
        EventStore rowStore = store;
        if (rows != null) {
            rowStore = rows.on();
        } else if (batchRows != null) {
            rowStore = batchRows.on(key);
        }
        if (r.query) {
            MemoryAnswer a = new MemoryAnswer();
            a.key = key;
            a.queryPayload = r.payload;
            if (st == null) {
                a.position = 0;
                a.hits = new MemoryAnswer.Hit[0];
                a.read = new float[model.valueDim()];
            } else {
                EventMemory.Answer ans = model.query(st, rowStore, terms, vector(r), r.top > 0 ? r.top : settings.top());
                a.position = st.events();
                a.hits = new MemoryAnswer.Hit[ans.hits().size()];
                for (int i = 0; i < a.hits.length; i++) {
                    EventHit h = ans.hits().get(i);
                    a.hits[i] = new MemoryAnswer.Hit(h.position(), h.payload(), h.score(), EventHit.tierNames(h.tiers()));
                }
                a.read = ans.read() == null ? new float[model.valueDim()] : ans.read();
                metrics.queryCandidates.update(ans.cost().candidates());
            }
            metrics.queries.inc();
            metrics.bytesRead.inc(backendRead(rows, hotBytes));
            if (rows != null) {
                cache.done(rows);
            }
            return a;
        }
        if (keyTtl != null && keyTtl.touch(now, arm)) {
            clear(); // expired; its timer has not fired yet and will re-arm itself
            st = null;
            hotBytes = 0;
            if (rows != null) {
                rows = cache.current().on();
                rowStore = rows;
            } else if (batchRows != null) {
                rowStore = batchRows.current(); // the arrays again, where the key had spilled
            }
        }
        if (st == null) {
            if (batchRows != null) {
                // the batch backend dropped every earlier key's state (and this key's, where cleared): the
                // last state made is no longer in use, and its arrays make this one
                st = model.newBatchState(lastBatchState);
                lastBatchState = st;
            } else {
                st = model.newState();
            }
        }
        EventWrite w = model.write(st, rowStore, terms, vector(r), r.payload);
        if (rows != null) {
            rows.setState(st);
        } else {
            state.update(st);
        }
        long rowsWritten = rows != null ? rows.bytesWritten
                : store.bytesWritten + (batchRows == null ? 0 : batchRows.bytesWritten);
        long rowsRead = rowsRead(rows);
        long written = StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st) + rowsWritten;
        metrics.events.inc();
        metrics.bytesRead.inc(backendRead(rows, hotBytes));
        metrics.bytesWritten.inc(written);
        metrics.eventStateBytes.update(hotBytes + rowsRead + written);
        if (rows != null) {
            cache.done(rows);
        }
        if (w.admitted()) {
            metrics.admitted.inc();
        }
        if (w.archiveDropped() >= 0) {
            metrics.archiveDropped.inc();
        }
        if (settings.emitEvents()) {
            if (w.evicted() >= 0) {
                events.accept(new MemoryEvent(key, MemoryEvent.Kind.EVICTED, w.position(), 0, w.evicted(), Float.NaN,
                        "EIDETIC", "ARCHIVE", Double.NaN));
            }
            if (w.admitted()) {
                events.accept(new MemoryEvent(key, MemoryEvent.Kind.ADMITTED, w.position(), 0, w.position(),
                        w.innovation(), "WINDOW", "EIDETIC", Double.NaN));
            }
            if (w.archiveDropped() >= 0) {
                events.accept(new MemoryEvent(key, MemoryEvent.Kind.ARCHIVE_DROPPED, w.position(), 0,
                        w.archiveDropped(), Float.NaN, "ARCHIVE", "DROPPED", Double.NaN));
            }
        }
        return null;
    }

    private long rowsRead(EventStateCache.Rows rows) {
        return rows != null ? rows.bytesRead + store.bytesRead : store.bytesRead + batchRead();
    }

    /** What the batch rows counted as read in this record (0 without them). */
    private long batchRead() {
        return batchRows == null ? 0 : batchRows.bytesRead;
    }

    /**
     * The bytes this record read from keyed state: without the cache its hot state ({@code hotBytes}) and rows;
     * with it, only what the cache did not hold (the hot state when this record loaded the key, the rows it
     * fetched).
     */
    private long backendRead(EventStateCache.Rows rows, long hotBytes) {
        return rows != null ? rows.backendRead + store.bytesRead : hotBytes + store.bytesRead + batchRead();
    }

    /** Removes all of the current key's event memory. */
    public void clear() {
        if (cache != null) {
            cache.removeCurrent();
        }
        if (batchRows != null) {
            batchRows.clear();
        }
        state.clear();
        store.clear();
    }

    /** A processing-time timer of the current key fired (key TTL). */
    public void onTimer(long timestamp, LongConsumer arm) throws Exception {
        if (keyTtl != null && keyTtl.fired(timestamp, arm)) {
            clear();
        }
    }

    private static final class Metrics {
        final Counter events;
        final Counter queries;
        final Counter deadLetters;
        final Counter bytesRead;
        final Counter bytesWritten;
        final Counter admitted;
        final Counter archiveDropped;
        final Histogram eventStateBytes;
        final Histogram queryCandidates;

        Metrics(MetricGroup g) {
            events = g.counter("keymemEvents");
            queries = g.counter("keymemQueries");
            deadLetters = g.counter("keymemDeadLetters");
            bytesRead = g.counter("keymemStateBytesRead");
            bytesWritten = g.counter("keymemStateBytesWritten");
            admitted = g.counter("keymemEideticAdmitted");
            archiveDropped = g.counter("keymemArchiveDropped");
            eventStateBytes = g.histogram("keymemEventStateBytes", new DescriptiveStatisticsHistogram(1000));
            queryCandidates = g.histogram("keymemQueryCandidates", new DescriptiveStatisticsHistogram(1000));
        }
    }
}
