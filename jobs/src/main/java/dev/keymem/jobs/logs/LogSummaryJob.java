package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.text.TextFrontEnd;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The log summarization job: records (raw lines or JSON with a source) are parsed into
 * {@link LogLine}s (bad ones become dead letters), keyed by source, and summarized by
 * {@link LogSummaryFunction}. The result is one stream of {@link JobOutput}s: summaries keyed by source
 * and dead letters; {@link EmbeddedJobs} sends it to Kafka or to the client.
 */
public final class LogSummaryJob {
    /** Largest accepted line, bytes. */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    private LogSummaryJob() {
    }

    /** The parser of one record. */
    public static RecordParser<LogLine> parser(String fixedSource) {
        LogLineParser p = new LogLineParser(fixedSource);
        return (KafkaRecord r) -> p.parse(r.keyString(), RecordParsers.decode(r, MAX_LINE_BYTES), r.offset,
                r.timestamp);
    }

    /** Summaries and dead letters of {@code records}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, String fixedSource,
                                              LogSummarySettings settings, TextFrontEnd frontEnd) {
        EmbeddedJobs.ParsedStream<LogLine> parsed = EmbeddedJobs.parse(records, parser(fixedSource),
                TypeInformation.of(LogLine.class));
        DataStream<JobOutput> summaries = parsed.valid()
                .keyBy(l -> l.source, Types.STRING)
                .process(new LogSummaryFunction(settings, frontEnd), EmbeddedJobs.OUTPUT)
                .name("summarize");
        return summaries.union(parsed.deadLetters());
    }
}
