package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.operators.DeadLetter;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.operators.KeyedMemoryFunction;
import dev.keymem.operators.MemoryAnswer;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The user context job, a thin pipeline over the shared event memory operator: user events (JSON) parsed
 * into {@link ContextEvent}s (bad ones become dead letters), {@link ContextFrontEnd} (terms, vector,
 * payload), keyed by user, {@link EventMemoryFunction} (every user's events remembered in tiers; a query
 * reads them all), {@link ContextAnswers} (the JSON answer). Output: answers keyed by user, and dead letters
 * (the parser's and the operator's).
 */
public final class UserContextJob {
    /** Largest accepted event, bytes. */
    public static final int MAX_EVENT_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private UserContextJob() {
    }

    public static RecordParser<ContextEvent> parser() {
        ContextEventParser p = new ContextEventParser();
        return (KafkaRecord r) -> p.parse(r.keyString(), RecordParsers.decode(r, MAX_EVENT_BYTES), r.offset);
    }

    /** The front end the options describe. */
    public static ContextFrontEnd frontEnd(ReadableConfig options) {
        Configuration c = ContextOptions.resolved(options);
        return new ContextFrontEnd(c.get(ContextOptions.EMBEDDER), c.get(MemoryOperatorOptions.EVENTS_DIMENSION));
    }

    /** The job at {@link ContextOptions#defaults()}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records) {
        return build(records, ContextOptions.defaults());
    }

    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ReadableConfig options) {
        Configuration c = ContextOptions.resolved(options);
        EventMemoryFunction memory = EventMemoryFunction.fromOptions(c);
        ContextFrontEnd frontEnd = frontEnd(c);
        EmbeddedJobs.ParsedStream<ContextEvent> parsed = EmbeddedJobs.parse(records, parser(),
                TypeInformation.of(ContextEvent.class));
        SingleOutputStreamOperator<MemoryAnswer> answers = parsed.valid()
                .map(frontEnd, TypeInformation.of(MemoryRecord.class)).name("context-front-end")
                // chained to the parse step, so a source's (partition's) order is kept up to the keyBy
                .setParallelism(parsed.valid().getParallelism())
                .keyBy(r -> r.key, Types.STRING)
                .process(memory, EventMemoryFunction.answerType())
                .name("user-context").uid("keymem-user-context");
        DataStream<JobOutput> out = answers.map(new ContextAnswers(), EmbeddedJobs.OUTPUT).name("context-answers");
        DataStream<JobOutput> refused = answers.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS)
                .map(UserContextJob::deadLetter, EmbeddedJobs.OUTPUT).name("context-dead-letters");
        return out.union(parsed.deadLetters(), refused);
    }

    /** The operator's dead letter as the job's: reason, user, the memory's position. */
    static JobOutput deadLetter(DeadLetter d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", d.reason);
        n.put("key", d.key);
        n.put("position", d.position);
        n.put("stage", "event-memory");
        return new JobOutput(JobOutput.DEAD_LETTER, d.key, n.toString());
    }
}
