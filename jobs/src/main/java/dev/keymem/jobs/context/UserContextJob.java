package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.KafkaRecord;
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

    public static RecordParser<ContextEvent> parser() {
        ContextEventParser p = new ContextEventParser();
        return (KafkaRecord r) -> p.parse(r.keyString(), RecordParsers.decode(r, MAX_EVENT_BYTES), r.offset);
    }

    /** A front end for event text: unmasked (names and places matter), d from the settings. */
    public static TextFrontEnd frontEnd(ContextSettings s) {
        return TextFrontEnd.builder().masking(false).dimension(s.dimension()).build();
    }

    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, ContextSettings settings) {
        EmbeddedJobs.ParsedStream<ContextEvent> parsed = EmbeddedJobs.parse(records, parser(),
                TypeInformation.of(ContextEvent.class));
        DataStream<JobOutput> answers = parsed.valid()
                .keyBy(e -> e.user, Types.STRING)
                .process(new UserContextFunction(settings, frontEnd(settings)), EmbeddedJobs.OUTPUT)
                .name("user-context");
        return answers.union(parsed.deadLetters());
    }
}
