package dev.keymem.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.TextFrontEnd;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code memctl demo}: the log summarization job on the bundled sample. By default it runs in a local
 * MiniCluster (127.0.0.1, RocksDB state, checkpoints), shows progress, prints each source's summaries
 * and finally checks which injected incidents (samples/logs/incidents.json) appear in them. With
 * {@code --kafka BOOTSTRAP} it writes the sample to the input topic, runs the job Kafka to Kafka
 * (exactly-once sink, bounded at the topic's end) and reads the summaries back read_committed.
 * Exit code 1 when an injected incident is missing from the summaries.
 */
final class DemoCommand implements Subcommand {
    static final String SAMPLE = "samples/logs/services.log";
    static final String INCIDENTS = "samples/logs/incidents.json";

    private final CliOptions options = new CliOptions()
            .option("sample", "FILE", "log lines (default " + SAMPLE + ")")
            .option("incidents", "FILE", "the injected incidents to look for (default " + INCIDENTS + ")")
            .option("summaries", "FILE", "also write the summaries as JSON lines")
            .option("every-lines", "N", "a source's summary after N lines (default 500)")
            .option("memory", "KIND", "bmojo+retention (default) | bmojo")
            .option("parallelism", "N", "parallelism of the embedded run (default 2)")
            .option("checkpoint-ms", "MS", "checkpoint interval, ms (default 1000)")
            .option("kafka", "BOOTSTRAP", "run Kafka to Kafka at BOOTSTRAP (topics logs, log-summaries, dead-letters)")
            .option("kafka-config", "FILE", "Kafka client properties, passed unchanged");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the embedded example: log summarization on the bundled sample, with its incidents checked";
    }

    @Override
    public String usage() {
        return "usage: memctl demo [--sample FILE] [--incidents FILE] [--summaries FILE] [--kafka BOOTSTRAP]\n\n"
                + options.describe();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliOptions.Parsed p = options.parse(args);
        Path sample = Path.of(p.string("sample", SAMPLE));
        Path incidentsFile = Path.of(p.string("incidents", INCIDENTS));
        if (!Files.isRegularFile(sample)) {
            throw new UsageException("sample file " + sample + " not found (run from the repository root)");
        }
        JsonNode incidents = Files.isRegularFile(incidentsFile)
                ? LogsCommand.json().readTree(incidentsFile.toFile()).get("incidents") : null;
        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(p.positiveInt("every-lines", 500), 0)
                .withMemory(LogSummarySettings.Memory.parse(p.choice("memory", List.of("bmojo+retention", "bmojo"),
                        "bmojo+retention")));
        KafkaConnection conn = JobCli.kafka(p);
        if (conn != null) {
            JobCli.checkOutputTopics(conn, "log-summaries", "dead-letters");
        }
        List<KafkaRecord> records = sampleRecords(sample, Runtime.getRuntime().maxMemory());
        out.printf(Locale.ROOT, "keymem demo: log summarization of %s (%d lines%s)%n", sample, records.size(),
                incidents == null ? "" : ", " + incidents.size() + " injected incidents listed in " + incidentsFile);
        out.printf(Locale.ROOT, "memory per source: the operators' novelty memory (innovation over a gated_delta "
                        + "fading cell, d=%d, eidetic %d, threshold %.2f)%s; a summary every %d lines and at the end%n",
                settings.dimension(), settings.options().get(MemoryOperatorOptions.NOVELTY_EIDETIC_CAPACITY),
                settings.threshold(), settings.retention() ? " + STR/CMP retention tier" : "", settings.everyLines());
        int checkpointMs = p.positiveInt("checkpoint-ms", 1000);
        int parallelism = p.positiveInt("parallelism", 2);
        try (RunDir dir = RunDir.create("demo")) {
            Path chk = dir.checkpoints();
            Configuration c = EmbeddedJobs.config(chk, checkpointMs, parallelism, EmbeddedJobs.DEFAULT_RESTART_ATTEMPTS,
                    dir.io());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                    conn == null ? JobCli.inJvmRpc(c) : c); // with --kafka, Pekko as memctl's other Kafka runs
            return run(p, conn, records, incidents, settings, env, chk, out, err);
        }
    }

    /** Most bytes of lines the demo holds of its sample: an eighth of the heap ({@code maxHeap}), at least 16 MiB. */
    static long sampleBound(long maxHeap) {
        return Math.max(16L << 20, maxHeap / 8);
    }

    /**
     * Heap bytes the demo holds per line of its sample besides the line's bytes, an estimate: the record (with its
     * fields, ~56 bytes), its value array's header and the list's slot, and the record serialized into the job
     * graph (~30 bytes and the topic), which the cluster copies once more on submission.
     */
    static final long SAMPLE_BYTES_PER_LINE = 192;

    /** Most lines the demo holds of its sample: {@link #sampleBound} over {@link #SAMPLE_BYTES_PER_LINE}. */
    static long sampleLines(long maxHeap) {
        return sampleBound(maxHeap) / SAMPLE_BYTES_PER_LINE;
    }

    /**
     * The lines of {@code sample} as records, decompressed and decoded as a file run's ({@code FileLines}), held in
     * memory (the demo's collection source and its Kafka writer take a list): streamed, and refused as soon as they
     * come to more than {@link #sampleBound} bytes or {@link #sampleLines} lines, naming the command that streams a
     * file of any size (the sample was read whole first, whatever its size: a 2 GB sample ran out of heap; a sample of
     * short lines under the byte bound held ~100-200 bytes of heap a line).
     */
    static List<KafkaRecord> sampleRecords(Path sample, long maxHeap) throws java.io.IOException, UsageException {
        long bound = sampleBound(maxHeap);
        long lines = sampleLines(maxHeap);
        try {
            return dev.keymem.jobs.kafka.FileLines.read(sample, bound, lines);
        } catch (dev.keymem.jobs.kafka.FileLines.OverBoundException e) { // a damaged file's message goes on as is
            throw new UsageException("sample " + sample + ": " + e.getMessage() + " (the demo holds its sample in "
                    + "memory, up to " + (bound >> 20) + " MiB and " + lines + " lines at this heap); `memctl logs "
                    + "--input " + sample + " --output FILE` streams a file of any size");
        }
    }

    private int run(CliOptions.Parsed p, KafkaConnection conn, List<KafkaRecord> records, JsonNode incidents,
                    LogSummarySettings settings, StreamExecutionEnvironment env, Path chk, PrintStream out,
                    PrintStream err) throws Exception {
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        List<JsonNode> summaries = new ArrayList<>();
        long t0 = System.nanoTime();
        if (conn == null) {
            out.println("running on an embedded Flink MiniCluster (127.0.0.1), RocksDB state, checkpoints every "
                    + p.positiveInt("checkpoint-ms", 1000) + " ms; no Kafka needed");
            out.flush();
            long[] lines = new long[1];
            JobCli.progress(err, "[progress] starting the MiniCluster and submitting the job");
            JobCli.collect(LogSummaryJob.build(EmbeddedJobs.fromRecords(env, records), null, settings, fe),
                    "memctl demo", chk, o -> {
                        if (o.isResult()) {
                            JsonNode s = LogsCommand.json(o.json);
                            summaries.add(s);
                            lines[0] += s.get("lines_since_last").asLong();
                            JobCli.progress(err, String.format(Locale.ROOT,
                                    "[progress] %d/%d lines summarized, %d summaries (%.1f s)", lines[0],
                                    records.size(), summaries.size(), (System.nanoTime() - t0) / 1e9));
                        } else {
                            err.println("dead letter: " + o.json);
                        }
                    }, err, () -> String.format(Locale.ROOT, "[progress] running: %d/%d lines summarized, %d summaries "
                            + "(%.1f s)", lines[0], records.size(), summaries.size(), (System.nanoTime() - t0) / 1e9));
        } else {
            runOnKafka(conn, env, records, settings, fe, chk, summaries, out, err);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (p.string("summaries", null) != null) {
            try (LogsCommand.Sink s = LogsCommand.Sink.of(p.string("summaries", null), null)) {
                for (JsonNode j : summaries) {
                    s.line(j.toString());
                }
            }
        }
        printSummaries(summaries, out, conn != null);
        if (conn != null) {
            out.println("\n(on Kafka, offsets are Kafka offsets within a partition, not line numbers: the check "
                    + "below matches incidents by text and template)");
        }
        return checkIncidents(incidents, summaries, secs, out, conn != null);
    }

    private static void runOnKafka(KafkaConnection conn, StreamExecutionEnvironment env, List<KafkaRecord> records,
                                   LogSummarySettings settings, TextFrontEnd fe, Path chk, List<JsonNode> summaries,
                                   PrintStream out, PrintStream err) throws Exception {
        String run = "demo-" + System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> send = new ArrayList<>();
        // Keyed by source (as kafka-setup/produce-samples.sh does): a source's lines stay in one partition, in order.
        LogLineParser parser = new LogLineParser(null);
        for (KafkaRecord r : records) {
            String source = parser.parse(null, new String(r.value, StandardCharsets.UTF_8), r.offset, -1).source;
            send.add(new ProducerRecord<>("logs", source.getBytes(StandardCharsets.UTF_8), r.value));
        }
        out.println("Kafka at " + conn.bootstrapServers() + ": writing the sample to topic logs, running logs -> "
                + "log-summaries (exactly once, bounded at the topic's end)");
        Map<TopicPartition, Long> before = endOffsets(conn, "log-summaries"); // summaries of earlier runs
        Map<TopicPartition, Long> start = endOffsets(conn, "logs"); // this run reads only what it writes
        KafkaTopics.produce(conn, send);
        DataStream<KafkaRecord> in = env.fromSource(KafkaIO.boundedSource(conn, List.of("logs"), run,
                OffsetsInitializer.offsets(start), OffsetsInitializer.latest()), WatermarkStrategy.noWatermarks(),
                "kafka:logs");
        EmbeddedJobs.toKafka(LogSummaryJob.build(in, null, settings, fe), conn, "log-summaries", "dead-letters", run);
        try {
            env.execute("memctl demo (kafka)");
        } finally {
            JobCli.deleteTree(chk);
        }
        List<ConsumerRecord<byte[], byte[]>> got = KafkaTopics.readToEnd(conn, "log-summaries", true,
                Duration.ofSeconds(60));
        for (ConsumerRecord<byte[], byte[]> r : got) {
            if (r.offset() >= before.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                summaries.add(LogsCommand.json(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        err.println("[progress] read " + summaries.size() + " summaries back from log-summaries (read_committed)");
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaConnection conn, String topic) throws UsageException {
        Properties props = conn.allProperties();
        props.setProperty("key.deserializer", ByteArrayDeserializer.class.getName());
        props.setProperty("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<PartitionInfo> parts = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (parts == null || parts.isEmpty()) {
                throw new UsageException("topic " + topic + " does not exist at " + conn.bootstrapServers()
                        + " (run kafka-setup/create-topics.sh)");
            }
            List<TopicPartition> tps = new ArrayList<>();
            parts.forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            return c.endOffsets(tps, Duration.ofSeconds(30));
        }
    }

    private static void printSummaries(List<JsonNode> summaries, PrintStream out, boolean kafka) {
        for (JsonNode s : summaries) {
            out.printf(Locale.ROOT, "%n== %s, summary %d: %d lines since the last (offsets %d..%d), %d templates, %d shown"
                            + " verbatim%s%n", s.get("source").asText(), s.get("summary").asLong(),
                    s.get("lines_since_last").asLong(), s.get("from_offset").asLong(), s.get("to_offset").asLong(),
                    s.get("templates").size(), s.get("verbatim").asLong(), s.get("final").asBoolean() ? " (end of input)" : "");
            for (JsonNode t : s.get("templates")) {
                if (t.has("text")) {
                    out.printf(Locale.ROOT, "  %s %5d  %-8s x%-5d sig %.2f  %s%n", kafka ? "offset" : "line",
                            t.get("offset").asLong() + (kafka ? 0 : 1), t.get("flag").asText(), t.get("count").asLong(),
                            t.get("significance").asDouble(), t.get("text").asText());
                } else {
                    out.printf(Locale.ROOT, "  template #%-4d %-8s x%-5d sig %.2f  %s%n", t.get("id").asInt(), "",
                            t.get("count").asLong(), t.get("significance").asDouble(), t.get("template").asText());
                }
            }
        }
    }

    /**
     * Prints which incidents appear: a line shown verbatim that carries the incident's signature or whose
     * masked form is one of the incident's templates.
     */
    static int checkIncidents(JsonNode incidents, List<JsonNode> summaries, double secs, PrintStream out,
                              boolean kafka) {
        out.println();
        if (incidents == null) {
            out.printf(Locale.ROOT, "%d summaries in %.1f s (no incidents file to check)%n", summaries.size(), secs);
            return Memctl.EXIT_OK;
        }
        LineMasker masker = new LineMasker();
        int found = 0;
        out.println("injected incidents:");
        for (JsonNode inc : incidents) {
            Set<String> templates = new HashSet<>();
            inc.get("templates").forEach(t -> templates.add(t.asText()));
            String sig = inc.get("signature").asText();
            String where = null;
            for (JsonNode s : summaries) {
                for (JsonNode r : s.get("templates")) {
                    if (where == null && r.has("text") && (r.get("text").asText().contains(sig)
                            || templates.contains(masker.mask(r.get("text").asText())))) {
                        where = String.format(Locale.ROOT, "%s %d in %s summary %d (%s, %d lines of its template)",
                                kafka ? "offset" : "line", r.get("offset").asLong() + (kafka ? 0 : 1),
                                s.get("source").asText(), s.get("summary").asLong(), r.get("flag").asText(),
                                r.get("count").asLong());
                    }
                }
            }
            found += where == null ? 0 : 1;
            out.printf(Locale.ROOT, "  %-24s lines %d-%d  %s%n", inc.get("id").asText(), inc.get("startLine").asLong(),
                    inc.get("endLine").asLong(), where == null ? "MISSING from the summaries" : "found: " + where);
        }
        out.printf(Locale.ROOT, "%d of %d injected incidents appear in the summaries (%d summaries, job %.1f s)%n",
                found, incidents.size(), summaries.size(), secs);
        return found == incidents.size() ? Memctl.EXIT_OK : Memctl.EXIT_FAILURE;
    }
}
