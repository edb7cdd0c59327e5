package dev.keymem.operators;

import dev.keymem.models.events.EventState;
import dev.keymem.operators.model.MemoryModelFactory;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

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
 * {@code keymemStateBytesWritten} (hot state frame plus rows each record writes; with the write-back cache of
 * {@link EventMemoryOperator} they reach keyed state at the next write-back), {@code keymemStateBytesRead}
 * (hot state frame plus rows read from keyed state: with the cache only what it does not hold, so a record it
 * serves whole reads 0), {@code keymemEideticAdmitted}, {@code keymemArchiveDropped}, histograms
 * {@code keymemEventStateBytes} (bytes of state an event touches, read plus written, cached or not) and
 * {@code keymemQueryCandidates}.
 */
@PublicEvolving
public class EventMemoryFunction extends KeyedProcessFunction<String, MemoryRecord, MemoryAnswer>
        implements KeyedEventMemory.Owner {
    private static final long serialVersionUID = 1L;

    public static final String STATE = "keymem-events";
    public static final String ARCHIVE = "keymem-events-archive";
    public static final String FREQUENCIES = "keymem-events-df";
    public static final String POSTINGS = "keymem-events-postings";
    public static final String SEGMENTS = "keymem-events-segments";
    public static final String EIDETIC = "keymem-events-eidetic";

    private final MemoryModelFactory modelFactory;
    private final KeyedEventMemory.Settings settings;
    private transient KeyedEventMemory memory;

    public EventMemoryFunction(MemoryModelFactory modelFactory, ReadableConfig options) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.settings = KeyedEventMemory.Settings.of(options);
    }

    /** A function over the event memory the options describe (memory type EVENTS is implied). */
    public static EventMemoryFunction fromOptions(ReadableConfig options) {
        Configuration c = KeyedEventMemory.eventOptions(options);
        return new EventMemoryFunction(MemoryModelFactory.fromOptions(c), c);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        memory = KeyedEventMemory.open(getRuntimeContext(), modelFactory, settings);
    }

    @Override
    public KeyedEventMemory eventMemory() {
        return memory;
    }

    /**
     * This function in an {@link EventMemoryOperator}, which on RocksDB gives the memory its write-back cache
     * ({@code keymem.events.cache-bytes}): {@code keyBy(r -> r.key).transform("events", answerType(),
     * function.operator())}. Same state and answers as {@code process(function)}.
     */
    public EventMemoryOperator<MemoryRecord, MemoryAnswer> operator() {
        return new EventMemoryOperator<>(this, this);
    }

    @Override
    public void processElement(MemoryRecord r, Context ctx, Collector<MemoryAnswer> out) throws Exception {
        String key = ctx.getCurrentKey();
        String problem = memory.problem(r);
        if (problem != null) {
            ctx.output(KeyedMemoryFunction.DEAD_LETTERS, memory.deadLetter(key, r, problem));
            return;
        }
        MemoryAnswer a = memory.apply(key, r, ctx.timerService().currentProcessingTime(),
                ctx.timerService()::registerProcessingTimeTimer, e -> ctx.output(KeyedMemoryFunction.MEMORY_EVENTS, e));
        if (a != null) {
            out.collect(a);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MemoryAnswer> out) throws Exception {
        memory.onTimer(timestamp, ctx.timerService()::registerProcessingTimeTimer);
    }

    /** The type of the answers, for {@code process(function, type)}. */
    public static TypeInformation<MemoryAnswer> answerType() {
        return TypeInformation.of(MemoryAnswer.class);
    }
}
