package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on an embedded MiniCluster (127.0.0.1, RocksDB, checkpoints) over the sample: the same
 * summaries as the summarizer run directly, every incident in them, and a poison line as a dead letter.
 */
class LogSummaryJobTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jobMatchesTheSummarizerAndSendsPoisonToDeadLetters(@TempDir Path dir) throws Exception {
        List<String> lines = LogSummarizerTest.sample();
        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(500, 0);
        List<KafkaRecord> records = EmbeddedJobs.fileRecords(Path.of("..", "samples", "logs", "services.log"));
        records.add(1234, new KafkaRecord("services.log", 0, 99_999, -1, null, "{\"source\": broken".getBytes(
                StandardCharsets.UTF_8)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 200, 2));
        List<JobOutput> outs = new ArrayList<>();
        EmbeddedJobs.collect(LogSummaryJob.build(EmbeddedJobs.fromRecords(env, records), null, settings,
                TextFrontEnd.builder().build()), "log-summary-test", outs::add);

        Map<String, String> fromJob = new TreeMap<>();
        List<JobOutput> dead = new ArrayList<>();
        for (JobOutput o : outs) {
            if (o.isResult()) {
                JsonNode s = JSON.readTree(o.json);
                fromJob.put(s.get("source").asText() + "#" + s.get("summary").asLong(), o.json);
                assertEquals(o.key, s.get("source").asText());
            } else {
                dead.add(o);
            }
        }
        Map<String, String> direct = new TreeMap<>();
        for (JsonNode s : LogSummarizerTest.run(lines, settings)) {
            direct.put(s.get("source").asText() + "#" + s.get("summary").asLong(), s.toString());
        }
        assertEquals(direct.keySet(), fromJob.keySet(), "summaries (source#number)");
        for (String k : direct.keySet()) {
            assertEquals(direct.get(k), fromJob.get(k), "summary " + k + " of the job equals the summarizer's");
        }
        assertEquals(1, dead.size(), "dead letters: " + dead);
        JsonNode d = JSON.readTree(dead.get(0).json);
        assertTrue(d.get("reason").asText().startsWith("value is not valid JSON"), d.toString());
        assertEquals(99_999, d.get("offset").asLong());
    }

    /**
     * A batch run (as a file run: lines stamped with their line numbers, sorted by source and stamp) with the lines
     * in runs ({@link LogLineRuns}): the same summaries as the summarizer run directly, the poison line a dead letter.
     */
    @Test
    void batchRunInRunsMatchesTheSummarizer(@TempDir Path dir) throws Exception {
        List<String> lines = LogSummarizerTest.sample();
        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(300, 0);
        List<KafkaRecord> records = EmbeddedJobs.fileRecords(Path.of("..", "samples", "logs", "services.log"));
        records.add(1234, new KafkaRecord("services.log", 0, 99_999, -1, null, "{\"source\": broken".getBytes(
                StandardCharsets.UTF_8)));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 200, 2));
        env.setRuntimeMode(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
        var stamped = EmbeddedJobs.fromRecords(env, records).assignTimestampsAndWatermarks(
                org.apache.flink.api.common.eventtime.WatermarkStrategy.<KafkaRecord>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.offset)).setParallelism(1);
        LogSummaryJob.Outputs o = LogSummaryJob.buildParts(stamped, null, settings, TextFrontEnd.builder().build(),
                dev.keymem.jobs.kafka.RecordLimits.defaults(), true);
        List<JobOutput> outs = new ArrayList<>();
        EmbeddedJobs.collect(o.summaries().union(o.parseDeadLetters()), "log-summary-runs-test", outs::add);

        Map<String, String> fromJob = new TreeMap<>();
        List<JobOutput> dead = new ArrayList<>();
        for (JobOutput out : outs) {
            if (out.isResult()) {
                JsonNode sum = JSON.readTree(out.json);
                fromJob.put(sum.get("source").asText() + "#" + sum.get("summary").asLong(), out.json);
            } else {
                dead.add(out);
            }
        }
        Map<String, String> direct = new TreeMap<>();
        for (JsonNode sum : LogSummarizerTest.run(lines, settings)) {
            direct.put(sum.get("source").asText() + "#" + sum.get("summary").asLong(), sum.toString());
        }
        assertEquals(direct, fromJob, "summaries (source#number -> JSON)");
        assertEquals(1, dead.size(), "dead letters: " + dead);
        assertEquals(99_999, JSON.readTree(dead.get(0).json).get("offset").asLong());
    }

    /**
     * Every result of a batch run is within {@code maxOutputBytes} measured by {@code getBytes(UTF_8)} (the bound
     * trusts the summarizer's own byte count), at the smallest limit, on lines with 2-, 3- and 4-byte characters,
     * where some summaries are cut.
     */
    @Test
    void everyResultIsWithinTheOutputLimitInUtf8Bytes(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(Path.of("..", "samples", "logs",
                "services.log")));
        String[] words = {"caf\u00e9", "\u65e5\u672c\u8a9e", "\uD83D\uDE00", "\u00fc", "\u20ac", "\u0416"};
        for (int i = 0; i < 3000; i++) {
            lines.add(String.format("2026-01-15T09:%02d:%02d.000Z INFO shop[%d]: %s order %s%d from %s placed",
                    i / 60 % 60, i % 60, i % 3, words[i % words.length], words[i * 7 % words.length], i,
                    words[i / 5 % words.length] + i % 97));
        }
        Path in = java.nio.file.Files.write(dir.resolve("in.log"), lines, StandardCharsets.UTF_8);
        dev.keymem.jobs.kafka.RecordLimits limits = dev.keymem.jobs.kafka.RecordLimits.defaults()
                .withMaxOutputBytes(4096);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 200, 2));
        env.setRuntimeMode(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
        var stamped = EmbeddedJobs.fromRecords(env, EmbeddedJobs.fileRecords(in)).assignTimestampsAndWatermarks(
                org.apache.flink.api.common.eventtime.WatermarkStrategy.<KafkaRecord>forMonotonousTimestamps()
                        .withTimestampAssigner((r, t) -> r.offset)).setParallelism(1);
        LogSummaryJob.Outputs o = LogSummaryJob.buildParts(stamped, null,
                LogSummarySettings.defaults().withEvery(400, 0), TextFrontEnd.builder().build(), limits, true);
        List<JobOutput> outs = new ArrayList<>();
        EmbeddedJobs.collect(o.summaries(), "log-summary-bound-test", outs::add);
        int cut = 0;
        int nonAscii = 0;
        for (JobOutput out : outs) {
            assertTrue(out.isResult(), out.toString());
            int bytes = out.json.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= limits.maxOutputBytes(), bytes + " bytes: " + out.json);
            cut += out.json.contains("_cut\"") ? 1 : 0;
            nonAscii += bytes > out.json.length() ? 1 : 0;
        }
        assertTrue(cut > 0, "some summaries cut: " + outs.size());
        assertTrue(nonAscii > 0, "some summaries with non-ASCII text");
    }
}
