package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log job over Kubernetes CRI records in which long lines (JSON with a stack trace, plain with a long SQL
 * statement, 20 to 50 KiB) are split into 16 KiB {@code P} pieces and an {@code F} piece, stdout and stderr
 * interleaved, two pods (keys): the same summaries as the keyed step gives (in the operator harness) for the same
 * lines unsplit (one {@code F} record each, where its {@code F} piece was, at the offset of its first piece), in a
 * streaming run (RocksDB, checkpoints every 50 ms, parallelism 2) and in a batch run with the lines in runs (as
 * memctl's file runs), so the pieces are joined whatever the cut.
 */
class CriLineJoinJobTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void splitLinesGiveTheSummariesOfTheUnsplitLines(@TempDir Path dir) throws Exception {
        List<String> lines = CriSample.withLongLines(LogSummarizerTest.sample().subList(0, 400), 16, 3);
        CriSample.Records r = CriSample.records(lines, "pods.log", new String[] {"pod-a", "pod-b"}, 16 * 1024, 7);
        assertTrue(r.split().size() > r.unsplit().size() + 20, "long lines were split: " + r.split().size());
        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(100, 0);

        Map<String, String> unsplit = summaries(direct(r.unsplit(), settings));
        Map<String, String> split = summaries(run(dir.resolve("b"), r.split(), settings, false));
        Map<String, String> splitRuns = summaries(run(dir.resolve("c"), r.split(), settings, true));
        assertTrue(unsplit.size() >= 4, "summaries: " + unsplit.keySet());
        assertEquals(unsplit, split, "streaming run: summaries of the split lines");
        assertEquals(unsplit, splitRuns, "batch run in runs: summaries of the split lines");
    }

    /** The keyed step in Flink's operator harness over the records parsed as the job parses them. */
    static List<JobOutput> direct(List<KafkaRecord> records, LogSummarySettings settings) throws Exception {
        var parser = LogSummaryJob.parser(null);
        List<JobOutput> outs = new ArrayList<>();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(LogSummaryJob.operator(settings,
                TextFrontEnd.builder().build(), RecordLimits.defaults()), (LogLine l) -> l.source, Types.STRING)) {
            h.open();
            for (KafkaRecord k : records) {
                h.processElement(new StreamRecord<>(parser.parse(k)));
            }
            h.processWatermark(Long.MAX_VALUE);
            for (Object o : h.getOutput()) {
                if (o instanceof StreamRecord<?> rec && rec.getValue() instanceof JobOutput j) {
                    outs.add(j);
                }
            }
        }
        return outs;
    }

    static List<JobOutput> run(Path dir, List<KafkaRecord> records, LogSummarySettings settings, boolean batchRuns)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 50, 2));
        var input = EmbeddedJobs.fromRecords(env, records);
        if (batchRuns) {
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            input = input.assignTimestampsAndWatermarks(WatermarkStrategy.<KafkaRecord>forMonotonousTimestamps()
                    .withTimestampAssigner((k, t) -> k.offset)).setParallelism(1);
        }
        LogSummaryJob.Outputs o = LogSummaryJob.buildParts(input, null, settings, TextFrontEnd.builder().build(),
                RecordLimits.defaults(), batchRuns);
        List<JobOutput> outs = new ArrayList<>();
        EmbeddedJobs.collect(o.summaries().union(o.parseDeadLetters()), "cri-join-test", outs::add);
        return outs;
    }

    /** Summaries by source and number; a dead letter fails. */
    static Map<String, String> summaries(List<JobOutput> outs) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (JobOutput o : outs) {
            assertTrue(o.isResult(), "no dead letter: " + o.json);
            JsonNode s = JSON.readTree(o.json);
            m.put(s.get("source").asText() + "#" + s.get("summary").asLong(), o.json);
        }
        return m;
    }
}
