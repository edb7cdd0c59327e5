package dev.keymem.jobs.context;

import dev.keymem.operators.DeadLetter;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import dev.keymem.operators.KeyedEventMemory;
import dev.keymem.operators.MemoryAnswer;
import dev.keymem.operators.MemoryRecord;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.CachingStateSerializer;
import dev.keymem.state.CellStateSerializer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The keyed step of the user context job: front end, the shared event memory, answer. Per event:
 * {@link ContextFrontEnd} makes the {@link MemoryRecord} (terms, vector, the event's fields as payload), the
 * operators' {@link KeyedEventMemory} (the state of {@code EventMemoryFunction}, docs/design/mechanisms.md
 * section 6) absorbs it or answers the query, and {@link ContextAnswers} writes the JSON answer. A record the
 * memory refuses becomes a dead letter with its coordinates.
 *
 * <p>State of release 0.1.0 (Memory Caching over a cell, and the user's last 1,000 events in the MapState
 * {@code events}) is migrated when a restored user's first record arrives: its stored events go through the
 * front end into the event memory in stream order (the memory then holds what an uninterrupted run of this
 * release holds), and the old state is cleared.
 */
public class UserContextFunction extends KeyedProcessFunction<String, ContextEvent, JobOutput>
        implements KeyedEventMemory.Owner {
    private static final long serialVersionUID = 1L;

    /** State names of release 0.1.0, read once per user for the migration. */
    static final String LEGACY_CACHING = "caching";
    static final String LEGACY_CACHES = "caches";
    static final String LEGACY_EVENTS = "events";
    static final String LEGACY_BOOK = "event-book";

    private final MemoryModelFactory modelFactory;
    private final KeyedEventMemory.Settings settings;
    private final ContextFrontEnd frontEnd;
    private final int deadLetterValueBytes;
    private transient KeyedEventMemory memory;
    private transient ContextAnswers format;
    private transient ValueState<CachingState> legacyCaching;
    private transient MapState<Long, CellState> legacyCaches;
    private transient MapState<Long, StoredEvent> legacyEvents;
    private transient ValueState<long[]> legacyBook;

    /** The step over the options (resolved by {@link ContextOptions#resolved}). */
    public UserContextFunction(ReadableConfig options, int deadLetterValueBytes) {
        Configuration c = ContextOptions.resolved(options);
        Configuration events = KeyedEventMemory.eventOptions(c);
        this.modelFactory = MemoryModelFactory.fromOptions(events);
        this.settings = KeyedEventMemory.Settings.of(events);
        this.frontEnd = UserContextJob.frontEnd(c);
        this.deadLetterValueBytes = deadLetterValueBytes;
    }

    @Override
    public void open(OpenContext ctx) {
        var rc = getRuntimeContext();
        memory = KeyedEventMemory.open(rc, modelFactory, settings);
        format = new ContextAnswers();
        legacyCaching = rc.getState(new ValueStateDescriptor<>(LEGACY_CACHING, new CachingStateSerializer()));
        legacyCaches = rc.getMapState(new MapStateDescriptor<>(LEGACY_CACHES, LongSerializer.INSTANCE,
                new CellStateSerializer()));
        legacyEvents = rc.getMapState(new MapStateDescriptor<>(LEGACY_EVENTS, LongSerializer.INSTANCE,
                new ContextStatePieces.StoredEventSerializer()));
        legacyBook = rc.getState(new ValueStateDescriptor<>(LEGACY_BOOK, new ContextStatePieces.EventBookSerializer()));
    }

    @Override
    public KeyedEventMemory eventMemory() {
        return memory;
    }

    @Override
    public void processElement(ContextEvent e, Context ctx, Collector<JobOutput> out) throws Exception {
        String key = ctx.getCurrentKey();
        // the record is done with before the next event (the memory copies what it keeps of its vector)
        MemoryRecord r = frontEnd.mapForOneUse(e);
        String problem = memory.problem(r);
        if (problem != null) {
            memory.deadLetter(key, r, problem);
            DeadLetter d = new DeadLetter();
            d.reason = "event memory refused the event: " + problem;
            d.topic = e.topic;
            d.partition = e.partition;
            d.offset = e.offset;
            d.key = key;
            d.timestamp = -1;
            d.value = e.text.getBytes(StandardCharsets.UTF_8);
            out.collect(new JobOutput(JobOutput.DEAD_LETTER, key, d.toJson(deadLetterValueBytes)));
            return;
        }
        MemoryAnswer a = memory.apply(key, r, ctx.timerService().currentProcessingTime(),
                ctx.timerService()::registerProcessingTimeTimer, ev -> { }, () -> migrate(key, ctx));
        if (!r.query) {
            format.remember(r.payload, e); // answers that return this event write it from e
        }
        if (a != null) {
            // the answer's query fields from the event itself when the answer carries its payload
            out.collect(format.map(a, a.queryPayload == r.payload ? e : null));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
        memory.onTimer(timestamp, ctx.timerService()::registerProcessingTimeTimer);
    }

    /** Moves a user's release-0.1.0 state into the event memory (once; nothing to do for a new user). */
    private void migrate(String key, Context ctx) throws Exception {
        if (legacyEvents.isEmpty()) {
            if (legacyCaching.value() != null) {
                clearLegacy();
            }
            return;
        }
        List<StoredEvent> old = new ArrayList<>();
        for (Map.Entry<Long, StoredEvent> en : legacyEvents.entries()) {
            old.add(en.getValue());
        }
        old.sort(Comparator.comparingLong(s -> s.position));
        for (StoredEvent s : old) {
            ContextEvent e = new ContextEvent();
            e.user = key;
            e.text = s.text;
            e.type = s.type;
            e.ts = s.ts;
            e.offset = s.offset;
            MemoryRecord r = frontEnd.map(e);
            if (memory.problem(r) == null) {
                memory.apply(key, r, ctx.timerService().currentProcessingTime(),
                        ctx.timerService()::registerProcessingTimeTimer, ev -> { });
            }
        }
        clearLegacy();
    }

    private void clearLegacy() {
        legacyCaching.clear();
        legacyCaches.clear();
        legacyEvents.clear();
        legacyBook.clear();
    }
}
