package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.GuardedKeyedFunction;
import java.util.Map;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.text.TextFrontEnd;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The user context job: user events (JSON) parsed into {@link ContextEvent}s (bad ones become dead
 * letters), keyed by user, run through {@link UserContextFunction}. Output: answers keyed by user, and
 * dead letters.
 */
public final class UserContextJob {
    /** Largest accepted event, bytes. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;

    private UserContextJob() {
    }

    /** The uid of the keyed step (its state in checkpoints and savepoints). */
    public static final String KEYED_UID = "user-context";

    public static RecordParser<ContextEvent> parser() {
        return parser(RecordLimits.defaults());
    }

    /** The parser of one record: the event's text is kept up to {@link RecordLimits#maxTextBytes()}. */
    public static RecordParser<ContextEvent> parser(RecordLimits limits) {
        ContextEventParser p = new ContextEventParser();
        return (KafkaRecord r) -> {
            ContextEvent e = p.parse(r.keyString(), RecordParsers.decode(r, limits.maxRecordBytes()), r.offset);
            e.text = limits.capText(e.text);
            e.topic = r.topic;
            e.partition = r.partition;
            return e;
        };
    }

    /** A front end for event text: unmasked (names and places matter), d from the settings. */
    public static TextFrontEnd frontEnd(ContextSettings s) {
        return TextFrontEnd.builder().masking(false).dimension(s.dimension()).build();
    }

    /** The keyed step of the job, guarded (see {@link GuardedKeyedFunction}), with the default limits. */
    public static org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, ContextEvent, JobOutput> keyedFunction(
            ContextSettings settings) {
        return keyedFunction(settings, RecordLimits.defaults());
    }

    static org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, ContextEvent, JobOutput> keyedFunction(
            ContextSettings settings, RecordLimits limits) {
        return new GuardedKeyedFunction<>(new UserContextFunction(settings, frontEnd(settings)),
                e -> e.topic + "-" + e.partition + "@" + e.offset,
                Map.of(ContextStatePieces.StoredEventPiece.INSTANCE.name(), "events",
                        ContextStatePieces.EventBookPiece.INSTANCE.name(), "event-book",
                        "CachingState", "caching", "CellState", "caches"), limits.maxOutputBytes());
    }

    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ContextSettings settings) {
        return build(records, settings, RecordLimits.defaults());
    }

    /** Answers and dead letters of {@code records}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ContextSettings settings,
                                              RecordLimits limits) {
        EmbeddedJobs.ParsedStream<ContextEvent> parsed = EmbeddedJobs.parse(records, parser(limits),
                TypeInformation.of(ContextEvent.class), limits);
        DataStream<JobOutput> answers = parsed.valid()
                .keyBy(e -> e.user, Types.STRING)
                .process(keyedFunction(settings, limits), EmbeddedJobs.OUTPUT)
                .uid(KEYED_UID)
                .name("user-context");
        return answers.union(parsed.deadLetters());
    }
}
