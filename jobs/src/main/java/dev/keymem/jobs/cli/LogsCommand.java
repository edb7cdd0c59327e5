package dev.keymem.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.LogReport;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogOptions;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.operators.MemoryOperatorOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import dev.keymem.jobs.text.TextFrontEnd;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code memctl logs}: the log summarization job on the embedded MiniCluster over a file (summaries to a
 * JSONL file or stdout, progress on stderr, finishes when the input ends), or over Kafka with
 * {@code --kafka}.
 */
final class LogsCommand implements Subcommand {
    static final ObjectMapper JSON = new ObjectMapper();

    private final CliOptions options = JobCli.withJobOptions(new CliOptions()
            .option("input", "FILE", "log lines: raw text, or JSON objects with source and message (file mode; - reads "
                    + "standard input; gzip and UTF-16 files are decoded)")
            .option("source", "NAME", "source of every raw line (default: the record key, else the program name of a "
                    + "'TS LEVEL name[pid]:' prefix, else 'default')")
            .option("output", "FILE", "summaries as JSON lines (default stdout)")
            .option("dead-letters", "FILE", "dead letters as JSON lines (default: one line each on stderr)")
            .option("every-lines", "N", "a source's summary after N lines (default 500)")
            .option("every-seconds", "S", "... or S seconds after its first unsummarized line (default 30; 0 = off)")
            .option("memory", "KIND", "bmojo+retention (default) | bmojo")
            .option("threshold", "E", "B'MOJO admission threshold on the innovation (default 0.5)")
            .option("budget", "N", "most templates a summary lists (default: no limit); flagged and significant first")
            .option("options", "FILE", "job options, one 'keymem.logs.* | keymem.novelty.* | keymem.retention.* = "
                    + "value' a line (Java properties; docs/jobs.md); the flags above override them")
            .option("report", "FILE.html", "also write one self-contained HTML page of the summaries (file mode)"),
            "logs", "log-summaries");

    @Override
    public String name() {
        return "logs";
    }

    @Override
    public String summary() {
        return "log summarization job: per-source summaries of the lines memory retains";
    }

    @Override
    public String usage() {
        return "usage: memctl logs --input FILE [--source NAME] [--output SUMMARIES.jsonl] [options]\n"
                + "       memctl logs --kafka BOOTSTRAP [--kafka-config FILE] [--bounded] [options]\n\n"
                + options.describe() + "\nSee docs/jobs.md for the summary format.\n";
    }

    /** The job's options ({@link LogOptions}): --options FILE, then the flags, each mapped to its option. */
    static LogSummarySettings settings(CliOptions.Parsed p) throws UsageException {
        Configuration c = new Configuration();
        String file = p.string("options", null);
        if (file != null) {
            Properties props = new Properties();
            try (var r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                props.load(r);
            } catch (IOException e) {
                throw new UsageException("option --options: cannot read " + file + ": " + e.getMessage());
            }
            Map<String, String> m = new HashMap<>();
            props.forEach((k, v) -> m.put(k.toString().trim(), v.toString().trim()));
            c.addAll(Configuration.fromMap(m));
        }
        if (p.string("every-lines", null) != null) {
            c.set(LogOptions.EVERY_LINES, p.positiveInt("every-lines", 500));
        }
        String secs = p.string("every-seconds", null);
        if (secs != null) {
            try {
                double d = Double.parseDouble(secs);
                if (!(d >= 0) || Double.isInfinite(d)) {
                    throw new NumberFormatException();
                }
                c.set(LogOptions.EVERY, Duration.ofMillis(Math.round(d * 1000)));
            } catch (NumberFormatException e) {
                throw new UsageException("option --every-seconds has value '" + secs + "', expected a number >= 0");
            }
        }
        if (p.string("memory", null) != null) {
            c.set(LogOptions.MEMORY, LogSummarySettings.Memory.parse(p.choice("memory",
                    List.of("bmojo+retention", "bmojo"), "bmojo+retention")));
        }
        if (p.string("budget", null) != null) {
            c.set(LogOptions.BUDGET, p.positiveInt("budget", 0));
        }
        Float t = p.positiveFloat("threshold");
        if (t != null) {
            c.set(MemoryOperatorOptions.NOVELTY_THRESHOLD, t);
        }
        try {
            return LogSummarySettings.of(c);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad job options: " + e.getMessage());
        }
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliOptions.Parsed p = options.parse(args);
        LogSummarySettings settings = settings(p);
        KafkaConnection conn = JobCli.kafka(p);
        String source = p.string("source", null);
        Path input = conn == null ? JobCli.input(p) : null;
        String report = p.string("report", null);
        if (report != null && conn != null) {
            throw new UsageException("option --report works with --input (file mode), not with --kafka");
        }
        RecordLimits limits = JobCli.limits(p);
        JobCli.LocalRun run = JobCli.localRun(p, "logs", conn != null);
        StreamExecutionEnvironment env = run.env();
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        if (conn != null) {
            return JobCli.runOnKafka(p, conn, run, "logs", "logs", "log-summaries",
                    records -> LogSummaryJob.build(records, source, settings, fe, limits), err);
        }
        String outFile = p.string("output", null);
        String deadFile = p.string("dead-letters", null);
        try (run; Sink results = Sink.of(outFile, out); Sink dead = Sink.of(deadFile, null)) {
            List<KafkaRecord> records = EmbeddedJobs.fileRecords(input);
            long[] counts = new long[3]; // lines summarized, summaries, dead letters
            List<JsonNode> all = new java.util.ArrayList<>();
            long t0 = System.nanoTime();
            JobCli.progress(err, String.format(Locale.ROOT, "memctl logs: %d lines from %s on an embedded MiniCluster "
                    + "(RocksDB state, checkpoints)", records.size(), input));
            JobCli.collect(LogSummaryJob.build(EmbeddedJobs.fromRecords(env, records), source, settings, fe, limits),
                    "memctl logs", o -> {
                        if (o.isResult()) {
                            results.line(o.json);
                            JsonNode j = json(o.json);
                            if (report != null) {
                                all.add(j);
                            }
                            counts[0] += j.get("lines_since_last").asLong();
                            counts[1]++;
                            JobCli.progress(err, String.format(Locale.ROOT,
                                    "[progress] %d/%d lines summarized, %d summaries, %d dead letters",
                                    counts[0], records.size(), counts[1], counts[2]));
                        } else {
                            counts[2]++;
                            dead.deadLetter(o.json, err);
                        }
                    }, err, () -> String.format(Locale.ROOT, "[progress] running: %d/%d lines summarized, %d summaries "
                            + "(%.1f s)", counts[0], records.size(), counts[1], (System.nanoTime() - t0) / 1e9), () -> { });
            if (report != null) {
                Path r = Path.of(report);
                if (r.getParent() != null) {
                    Files.createDirectories(r.getParent());
                }
                Files.writeString(r, RecordParsers.wellFormed(LogReport.html("keymem log summaries of " + input.getFileName(),
                        all)), StandardCharsets.UTF_8);
                JobCli.progress(err, "memctl logs: report -> " + r);
            }
            JobCli.progress(err, String.format(Locale.ROOT,
                    "memctl logs: done in %.1f s: %d lines, %d summaries, %d dead letters%s", (System.nanoTime() - t0)
                            / 1e9, counts[0], counts[1], counts[2], outFile == null ? "" : " -> " + outFile));
        }
        return Memctl.EXIT_OK;
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON-lines destination: a file, or a stream (or nowhere). */
    static final class Sink implements AutoCloseable {
        private final BufferedWriter file;
        private final PrintStream stream;

        private Sink(BufferedWriter file, PrintStream stream) {
            this.file = file;
            this.stream = stream;
        }

        static Sink of(String path, PrintStream fallback) throws IOException {
            if (path == null) {
                return new Sink(null, fallback);
            }
            Path f = Path.of(path);
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            return new Sink(Files.newBufferedWriter(f, StandardCharsets.UTF_8), null);
        }

        boolean isFile() {
            return file != null;
        }

        /** A dead letter: a line of the file, else one line "dead letter: JSON" on {@code err}. */
        void deadLetter(String json, PrintStream err) {
            if (isFile()) {
                line(json);
            } else {
                err.println("dead letter: " + json);
            }
        }

        void line(String json) {
            String s = RecordParsers.wellFormed(json);
            try {
                if (file != null) {
                    file.write(s);
                    file.newLine();
                } else if (stream != null) {
                    stream.println(s);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            if (file != null) {
                file.close();
            }
        }
    }
}
