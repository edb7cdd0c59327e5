package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.GuardedKeyedFunction;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.operators.EventMemoryOperator;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.state.EventEntryPiece;
import dev.keymem.state.EventStatePiece;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The user context job, a thin pipeline over the shared event memory: user events (JSON) parsed into
 * {@link ContextEvent}s (bad ones become dead letters), keyed by user, one keyed step
 * ({@link UserContextFunction}: front end -> the operators' event memory -> JSON answer), guarded
 * ({@link GuardedKeyedFunction}: failures name the record and the state, results bounded). Output: answers
 * keyed by user, and dead letters. Settings: {@link ContextOptions} (the operator's {@code keymem.events.*}).
 */
public final class UserContextJob {
    /** Largest accepted event, bytes. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;

    /** The uid of the keyed step (its state in checkpoints and savepoints). */
    public static final String KEYED_UID = "user-context";

    private UserContextJob() {
    }

    public static RecordParser<ContextEvent> parser() {
        return parser(RecordLimits.defaults());
    }

    /** The parser of one record: the event's text is kept up to {@link RecordLimits#maxTextBytes()}. */
    public static RecordParser<ContextEvent> parser(RecordLimits limits) {
        return new Parser(new ContextEventParser(), limits);
    }

    /**
     * Runs the context job's Jackson forms once, for the class archive's training run (whose sample events all take
     * the plain path, which never makes Jackson's mapper since session 28), so that the archive still holds the
     * classes an input that needs the mapper loads: one malformed record through the job's {@link #parser()} (the
     * tree's refusal) and its dead letter's JSON, an event with escapes read through the tree, its payload written
     * and read back both ways. Never throws: a failure is reported on stderr and null returned (the archive then
     * lacks those classes, and runs load them from the jar), as the archive's other training steps go on after a
     * failure. Returns the event read back (the one read through the tree). Internal: a build-time hook, not the
     * job's API.
     */
    @Internal
    public static ContextEvent trainJsonForms() {
        try {
            KafkaRecord malformed = new KafkaRecord("train", 0, 0, 0, null,
                    "{\"user\": \"u1\", \"text\": \"broken".getBytes(StandardCharsets.UTF_8));
            try {
                parser().parse(malformed);
                throw new IllegalStateException("a malformed record was read");
            } catch (InvalidRecordException expected) {
                // the dead letter's way: the tree's parse error, then the dead letter's JSON (its tree written)
                malformed.deadLetter(expected.getMessage()).toJson();
            }
            ContextEvent e = new ContextEventParser().parseTree(null,
                    "{\"user\": \"u\\u0031\", \"text\": \"a \\\"quoted\\\" word\", \"type\": \"chat\","
                            + " \"ts\": \"t\"}", 0);
            ContextPayload.decode(ContextPayload.encodeStreaming(e));
            return ContextPayload.decodeTree(ContextPayload.encodeTree(e));
        } catch (InvalidRecordException | RuntimeException x) {
            System.err.println("memctl: could not train the context job's Jackson forms (runs load them from the"
                    + " jar): " + x);
            return null;
        }
    }

    // The functions below are classes (enums where they hold nothing) rather than lambdas, as the log job's
    // (LogSummaryJob): Flink serializes them with the job, and the JVM (17) spins a serializable lambda's class at
    // every start and again when the lambda is deserialized, where a class comes from the class data archive.

    /** {@link #parser(RecordLimits)}. */
    private static final class Parser implements RecordParser<ContextEvent> {
        private static final long serialVersionUID = 1L;
        private final ContextEventParser p;
        private final RecordLimits limits;

        Parser(ContextEventParser p, RecordLimits limits) {
            this.p = p;
            this.limits = limits;
        }

        @Override
        public ContextEvent parse(KafkaRecord r) throws InvalidRecordException {
            ContextEvent e = p.parse(r.keyString(), r, limits.maxRecordBytes());
            String text = limits.capText(e.text);
            if (text != e.text) {
                e.text = text;
                e.ascii = false; // the mark of a cut text is not ASCII
            }
            e.topic = r.topic;
            e.partition = r.partition;
            return e;
        }
    }

    /** An event's coordinates (topic-partition@offset), for the guard's dead letters. */
    private enum Coordinates implements SerializableFunction<ContextEvent, String> {
        INSTANCE;

        @Override
        public String apply(ContextEvent e) {
            return e.topic + "-" + e.partition + "@" + e.offset;
        }
    }

    /** A run's user, the key of the keyed step over runs. */
    private enum RunUser implements KeySelector<ContextEventRun, String> {
        INSTANCE;

        @Override
        public String getKey(ContextEventRun r) {
            return r.user();
        }
    }

    /** An event's user, the key of the keyed step over events. */
    private enum EventUser implements KeySelector<ContextEvent, String> {
        INSTANCE;

        @Override
        public String getKey(ContextEvent e) {
            return e.user;
        }
    }

    /** The front end the options describe. */
    public static ContextFrontEnd frontEnd(ReadableConfig options) {
        Configuration c = ContextOptions.resolved(options);
        return new ContextFrontEnd(c.get(ContextOptions.EMBEDDER), c.get(MemoryOperatorOptions.EVENTS_DIMENSION));
    }

    /** The keyed step of the job at the given options, guarded, with the default limits. */
    public static KeyedProcessFunction<String, ContextEvent, JobOutput> keyedFunction(ReadableConfig options) {
        return keyedFunction(options, RecordLimits.defaults());
    }

    static KeyedProcessFunction<String, ContextEvent, JobOutput> keyedFunction(ReadableConfig options,
                                                                            RecordLimits limits) {
        return guarded(new UserContextFunction(options, limits.deadLetterValueBytes()), limits);
    }

    /**
     * The keyed step as the job runs it: the guarded function in an {@link EventMemoryOperator}, which gives
     * the event memory its write-back cache ({@code keymem.events.cache-bytes}) and writes it back before every
     * checkpoint. Same state and outputs as {@code new KeyedProcessOperator<>(keyedFunction(options))}.
     */
    public static EventMemoryOperator<ContextEvent, JobOutput> operator(ReadableConfig options) {
        return operator(options, RecordLimits.defaults());
    }

    static EventMemoryOperator<ContextEvent, JobOutput> operator(ReadableConfig options, RecordLimits limits) {
        return operator(options, limits, f -> f);
    }

    /**
     * {@link #operator(ReadableConfig)} with the guarded keyed function wrapped by {@code wrap} (e.g. a fault
     * injector in a test); the wrapper must forward the runtime context, open, close, processElement and onTimer.
     */
    public static EventMemoryOperator<ContextEvent, JobOutput> operator(ReadableConfig options, RecordLimits limits,
            java.util.function.UnaryOperator<KeyedProcessFunction<String, ContextEvent, JobOutput>> wrap) {
        UserContextFunction f = new UserContextFunction(options, limits.deadLetterValueBytes());
        return new EventMemoryOperator<>(wrap.apply(guarded(f, limits)), f);
    }

    /**
     * The keyed step over {@link ContextEventRun}s: {@link #operator(ReadableConfig, RecordLimits)}'s guarded
     * function on each event of a run ({@link ContextEventRuns.Unpack}), the same state, answers and dead letters.
     */
    static EventMemoryOperator<ContextEventRun, JobOutput> runsOperator(ReadableConfig options, RecordLimits limits) {
        UserContextFunction f = new UserContextFunction(options, limits.deadLetterValueBytes());
        return new EventMemoryOperator<>(new ContextEventRuns.Unpack(guarded(f, limits)), f);
    }

    private static KeyedProcessFunction<String, ContextEvent, JobOutput> guarded(UserContextFunction f,
                                                                               RecordLimits limits) {
        return new GuardedKeyedFunction<>(f, Coordinates.INSTANCE,
                Map.of(EventStatePiece.INSTANCE.name(), EventMemoryFunction.STATE,
                        EventEntryPiece.INSTANCE.name(), EventMemoryFunction.ARCHIVE,
                        ContextStatePieces.StoredEventPiece.INSTANCE.name(), UserContextFunction.LEGACY_EVENTS,
                        ContextStatePieces.EventBookPiece.INSTANCE.name(), UserContextFunction.LEGACY_BOOK,
                        "CachingState", UserContextFunction.LEGACY_CACHING, "CellState", UserContextFunction.LEGACY_CACHES),
                limits.maxOutputBytes());
    }

    /** The job at {@link ContextOptions#defaults()}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records) {
        return build(records, ContextOptions.defaults());
    }

    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ReadableConfig options) {
        return build(records, options, RecordLimits.defaults());
    }

    /** Answers and dead letters of {@code records}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ReadableConfig options,
                                              RecordLimits limits) {
        Outputs o = buildParts(records, options, limits);
        return o.keyed().union(o.parseDeadLetters());
    }

    /**
     * The job's two output streams: the keyed step's (answers, and dead letters of events the memory refused)
     * and the parse step's dead letters, for sinks chained to each (no exchange of the outputs).
     */
    public record Outputs(DataStream<JobOutput> keyed, DataStream<JobOutput> parseDeadLetters) {
    }

    /** {@link #build(DataStream, ReadableConfig, RecordLimits)} as its two output streams. */
    public static Outputs buildParts(DataStream<KafkaRecord> records, ReadableConfig options, RecordLimits limits) {
        return buildParts(records, options, limits, false);
    }

    /**
     * {@link #buildParts(DataStream, ReadableConfig, RecordLimits)}; with {@code runs}, a user's consecutive
     * events cross from the parse step to the keyed step as one record ({@link ContextEventRuns}: fewer records
     * to serialize, exchange and, in a batch run, sort; the same events in the same order per user, so the same
     * answers and dead letters). For bounded runs (a batch file run); a streaming run keeps an event a record
     * (gathering would hold events back until a run fills or a watermark or barrier passes).
     */
    public static Outputs buildParts(DataStream<KafkaRecord> records, ReadableConfig options, RecordLimits limits,
                                     boolean runs) {
        if (runs) {
            // the parse step and the gathering in one operator (ContextEventRuns.ParseGather: the same runs and
            // dead letters as EmbeddedJobs.parse followed by ContextEventRuns.Gather), chained to the input
            SingleOutputStreamOperator<ContextEventRun> gathered = records
                    .transform("parse", ContextEventRun.TYPE, new ContextEventRuns.ParseGather(limits)).uid("parse")
                    .setParallelism(records.getParallelism());
            int maxValue = limits.deadLetterValueBytes();
            DataStream<JobOutput> dead = gathered.getSideOutput(KafkaIO.DEAD_LETTERS)
                    .map(EmbeddedJobs.deadLetterOutput(maxValue), EmbeddedJobs.OUTPUT)
                    .name("dead-letters").uid("dead-letters").setParallelism(records.getParallelism());
            DataStream<JobOutput> answers = gathered
                    .keyBy(RunUser.INSTANCE, Types.STRING)
                    .transform("user-context", EmbeddedJobs.OUTPUT, runsOperator(options, limits))
                    .uid(KEYED_UID)
                    .name("user-context");
            return new Outputs(answers, dead);
        }
        EmbeddedJobs.ParsedStream<ContextEvent> parsed = EmbeddedJobs.parse(records, parser(limits),
                ContextEventSerializer.TYPE, limits);
        DataStream<JobOutput> answers = parsed.valid()
                .keyBy(EventUser.INSTANCE, Types.STRING)
                .transform("user-context", EmbeddedJobs.OUTPUT, operator(options, limits))
                .uid(KEYED_UID)
                .name("user-context");
        return new Outputs(answers, parsed.deadLetters());
    }
}
