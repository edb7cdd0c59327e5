package dev.keymem.operators;

import dev.keymem.models.events.EventHit;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventWrite;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.EventEntrySerializer;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.EventStateSerializer;
import dev.keymem.state.StateFrame;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.FloatPrimitiveArraySerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed event memory operator (memory type EVENTS, docs/design/mechanisms.md section 6): every key's
 * events (terms, a dense vector, a payload) are remembered in tiers, and a query record gets the key's best
 * events from all of them as a {@link MemoryAnswer}. An event emits nothing on the main output; a query
 * writes nothing. Bad records (no terms and no vector, too many terms, a payload over the cap, a vector of
 * the wrong length or with a non-finite value) go to {@link KeyedMemoryFunction#DEAD_LETTERS} with their
 * coordinates; what the eidetic tier and the archive cap did goes to {@link KeyedMemoryFunction#MEMORY_EVENTS}
 * (ADMITTED: WINDOW to EIDETIC with the innovation; EVICTED: EIDETIC to ARCHIVE; ARCHIVE_DROPPED: ARCHIVE to
 * DROPPED).
 *
 * <pre>{@code
 * Configuration options = new Configuration();
 * options.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.EVENTS);
 * SingleOutputStreamOperator<MemoryAnswer> answers = records      // DataStream<MemoryRecord>
 *         .keyBy(r -> r.key)
 *         .process(EventMemoryFunction.fromOptions(options))
 *         .uid("keymem-events");
 * }</pre>
 *
 * <p>State of a key: the hot {@link EventState} in ValueState {@value #STATE} (bounded: counters, the fading
 * cell, the open segment's sum, the eidetic index), and MapState rows written by point accesses only:
 * {@value #ARCHIVE} (one per event, written once), {@value #FREQUENCIES}, {@value #POSTINGS} (written once),
 * {@value #SEGMENTS} (one per closed segment, written once), {@value #EIDETIC} (one per slot). An event reads
 * and writes the hot state, one archive row and two rows per distinct term; nothing that grows with the
 * key's history. {@code keymem.events.archive-ttl} puts Flink state TTL on the rows; {@code keymem.state.ttl}
 * clears an idle key whole (one timer per key).
 *
 * <p>Deterministic: the same records give the same answers bit for bit, also after a restore.
 *
 * <p>Metrics: {@code keymemEvents}, {@code keymemQueries}, {@code keymemDeadLetters},
 * {@code keymemStateBytesWritten} and {@code keymemStateBytesRead} (hot state frame plus rows),
 * {@code keymemEideticAdmitted}, {@code keymemArchiveDropped}, histograms {@code keymemEventStateBytes}
 * (bytes read plus written per event) and {@code keymemQueryCandidates}.
 */
@PublicEvolving
public class EventMemoryFunction extends KeyedProcessFunction<String, MemoryRecord, MemoryAnswer> {
    private static final long serialVersionUID = 1L;

    public static final String STATE = "keymem-events";
    public static final String ARCHIVE = "keymem-events-archive";
    public static final String FREQUENCIES = "keymem-events-df";
    public static final String POSTINGS = "keymem-events-postings";
    public static final String SEGMENTS = "keymem-events-segments";
    public static final String EIDETIC = "keymem-events-eidetic";

    private final MemoryModelFactory modelFactory;
    private final Duration keyTtlAfter;
    private final Duration rowTtl;
    private final boolean emitEvents;
    private final int top;
    private final int maxTerms;
    private final int maxPayload;

    private transient MemoryModel.Events model;
    private transient ValueState<EventState> state;
    private transient MapStateEventStore store;
    private transient KeyTtl keyTtl;
    private transient Metrics metrics;

    public EventMemoryFunction(MemoryModelFactory modelFactory, ReadableConfig options) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.keyTtlAfter = options.get(MemoryOperatorOptions.STATE_TTL);
        this.rowTtl = options.get(MemoryOperatorOptions.EVENTS_ARCHIVE_TTL);
        this.emitEvents = options.get(MemoryOperatorOptions.MEMORY_EVENTS_ENABLED);
        this.top = options.get(MemoryOperatorOptions.EVENTS_TOP);
        this.maxTerms = options.get(MemoryOperatorOptions.EVENTS_MAX_TERMS);
        this.maxPayload = options.get(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD);
        require(!keyTtlAfter.isNegative(), MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: " + keyTtlAfter);
        require(!rowTtl.isNegative(), MemoryOperatorOptions.EVENTS_ARCHIVE_TTL.key() + " must not be negative: " + rowTtl);
        require(top >= 1, MemoryOperatorOptions.EVENTS_TOP.key() + " must be >= 1: " + top);
        require(maxTerms >= 1, MemoryOperatorOptions.EVENTS_MAX_TERMS.key() + " must be >= 1: " + maxTerms);
        require(maxPayload >= 0, MemoryOperatorOptions.EVENTS_MAX_PAYLOAD.key() + " must be >= 0: " + maxPayload);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A function over the event memory the options describe (memory type EVENTS is implied). */
    public static EventMemoryFunction fromOptions(ReadableConfig options) {
        Configuration c = new Configuration();
        for (var o : MemoryOperatorOptions.EVENTS_OPTIONS) {
            copy(options, c, o);
        }
        copy(options, c, MemoryOperatorOptions.STATE_TTL);
        copy(options, c, MemoryOperatorOptions.MEMORY_EVENTS_ENABLED);
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.EVENTS);
        return new EventMemoryFunction(MemoryModelFactory.fromOptions(c), c);
    }

    private static <T> void copy(ReadableConfig from, Configuration to, org.apache.flink.configuration.ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    static ValueStateDescriptor<EventState> stateDescriptor() {
        return new ValueStateDescriptor<>(STATE, new EventStateSerializer());
    }

    private <K, V> MapStateDescriptor<K, V> rows(MapStateDescriptor<K, V> d) {
        if (!rowTtl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(rowTtl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        MemoryModel m = modelFactory.create();
        model = m.accept(new MemoryModel.Visitor<MemoryModel.Events>() {
            @Override
            public MemoryModel.Events plain(MemoryModel.Plain p) {
                return refuse(p);
            }

            @Override
            public MemoryModel.Events caching(MemoryModel.Caching c) {
                return refuse(c);
            }

            @Override
            public MemoryModel.Events bmojo(MemoryModel.Bmojo b) {
                return refuse(b);
            }

            @Override
            public MemoryModel.Events retention(MemoryModel.Retention r) {
                return refuse(r);
            }

            @Override
            public MemoryModel.Events events(MemoryModel.Events e) {
                return e;
            }

            private MemoryModel.Events refuse(MemoryModel other) {
                throw new IllegalArgumentException("EventMemoryFunction needs an event memory (memory type EVENTS), "
                        + "got " + other.getClass().getName() + ": use KeyedMemoryFunction for token streams");
            }
        });
        var rc = getRuntimeContext();
        state = rc.getState(stateDescriptor());
        store = new MapStateEventStore(
                rc.getMapState(rows(new MapStateDescriptor<>(ARCHIVE, LongSerializer.INSTANCE, new EventEntrySerializer()))),
                rc.getMapState(rows(new MapStateDescriptor<>(FREQUENCIES, IntSerializer.INSTANCE, LongSerializer.INSTANCE))),
                rc.getMapState(rows(new MapStateDescriptor<>(POSTINGS, LongSerializer.INSTANCE, LongSerializer.INSTANCE))),
                rc.getMapState(rows(new MapStateDescriptor<>(SEGMENTS, LongSerializer.INSTANCE,
                        FloatPrimitiveArraySerializer.INSTANCE))),
                rc.getMapState(new MapStateDescriptor<>(EIDETIC, IntSerializer.INSTANCE, new EventEntrySerializer())));
        if (!keyTtlAfter.isZero()) {
            keyTtl = new KeyTtl(rc.getState(KeyTtl.descriptor()), keyTtlAfter);
        }
        metrics = new Metrics(rc.getMetricGroup());
    }

    /** The reason a record is refused, or null. */
    String problem(MemoryRecord r) {
        if (r == null) {
            return "null record";
        }
        int terms = r.tokenIds == null ? 0 : r.tokenIds.length;
        float[] v = vector(r);
        if (terms == 0 && v == null) {
            return "neither terms (tokenIds) nor a vector";
        }
        if (terms > maxTerms) {
            return terms + " terms exceed " + MemoryOperatorOptions.EVENTS_MAX_TERMS.key() + "=" + maxTerms;
        }
        if (r.payload != null && r.payload.length > maxPayload) {
            return "payload of " + r.payload.length + " bytes exceeds " + MemoryOperatorOptions.EVENTS_MAX_PAYLOAD.key()
                    + "=" + maxPayload;
        }
        if (v != null) {
            if (v.length != model.dimension()) {
                return "vector has " + v.length + " values, expected " + MemoryOperatorOptions.EVENTS_DIMENSION.key()
                        + "=" + model.dimension();
            }
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    return "vector value " + v[i] + " at index " + i + " is not finite";
                }
            }
        }
        if (r.top < 0) {
            return "negative top " + r.top;
        }
        return null;
    }

    private static float[] vector(MemoryRecord r) {
        float[] own = r.query ? r.q : r.k;
        return own != null ? own : r.vector;
    }

    @Override
    public void processElement(MemoryRecord r, Context ctx, Collector<MemoryAnswer> out) throws Exception {
        String key = ctx.getCurrentKey();
        EventState st = state.value();
        String problem = problem(r);
        if (problem != null) {
            ctx.output(KeyedMemoryFunction.DEAD_LETTERS, new DeadLetter(key, st == null ? 0 : st.events(),
                    r == null || r.tokenIds == null ? -1 : r.tokenIds.length, problem));
            metrics.deadLetters.inc();
            return;
        }
        int[] terms = r.tokenIds == null ? new int[0] : r.tokenIds;
        long hotBytes = st == null ? 0 : StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st);
        store.on(key);
        if (r.query) {
            MemoryAnswer a = new MemoryAnswer();
            a.key = key;
            a.queryPayload = r.payload;
            if (st == null) {
                a.position = 0;
                a.hits = new MemoryAnswer.Hit[0];
                a.read = new float[model.valueDim()];
            } else {
                EventMemory.Answer ans = model.query(st, store, terms, vector(r), r.top > 0 ? r.top : top);
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
            metrics.bytesRead.inc(hotBytes + store.bytesRead);
            out.collect(a);
            return;
        }
        if (keyTtl != null && keyTtl.touch(ctx.timerService().currentProcessingTime(),
                ctx.timerService()::registerProcessingTimeTimer)) {
            clear(); // expired; its timer has not fired yet and will re-arm itself
            st = null;
        }
        if (st == null) {
            st = model.newState();
        }
        EventWrite w = model.write(st, store, terms, vector(r), r.payload);
        state.update(st);
        long written = StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st) + store.bytesWritten;
        metrics.events.inc();
        metrics.bytesRead.inc(hotBytes + store.bytesRead);
        metrics.bytesWritten.inc(written);
        metrics.eventStateBytes.update(hotBytes + store.bytesRead + written);
        if (w.admitted()) {
            metrics.admitted.inc();
        }
        if (w.archiveDropped() >= 0) {
            metrics.archiveDropped.inc();
        }
        if (emitEvents) {
            if (w.evicted() >= 0) {
                ctx.output(KeyedMemoryFunction.MEMORY_EVENTS, new MemoryEvent(key, MemoryEvent.Kind.EVICTED,
                        w.position(), 0, w.evicted(), Float.NaN, "EIDETIC", "ARCHIVE", Double.NaN));
            }
            if (w.admitted()) {
                ctx.output(KeyedMemoryFunction.MEMORY_EVENTS, new MemoryEvent(key, MemoryEvent.Kind.ADMITTED,
                        w.position(), 0, w.position(), w.innovation(), "WINDOW", "EIDETIC", Double.NaN));
            }
            if (w.archiveDropped() >= 0) {
                ctx.output(KeyedMemoryFunction.MEMORY_EVENTS, new MemoryEvent(key, MemoryEvent.Kind.ARCHIVE_DROPPED,
                        w.position(), 0, w.archiveDropped(), Float.NaN, "ARCHIVE", "DROPPED", Double.NaN));
            }
        }
    }

    private void clear() {
        state.clear();
        store.clear();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MemoryAnswer> out) throws Exception {
        if (keyTtl != null && keyTtl.fired(timestamp, ctx.timerService()::registerProcessingTimeTimer)) {
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

    /** The type of the answers, for {@code process(function, type)}. */
    public static TypeInformation<MemoryAnswer> answerType() {
        return TypeInformation.of(MemoryAnswer.class);
    }
}
