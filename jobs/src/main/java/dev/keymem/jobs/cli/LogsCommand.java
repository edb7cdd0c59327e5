package dev.keymem.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParsers;
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

/**
 * {@code memctl logs}: the log summarization job on the embedded MiniCluster over a file (summaries to a
 * JSONL file or stdout, progress on stderr, finishes when the input ends; in Flink's batch mode, see
 * {@link BatchFileRun} and {@link #fileRun}), or over Kafka with {@code --kafka} (streaming).
 */
final class LogsCommand implements Subcommand {
    /**
     * The tree mapper of reports and the demo, made on first use: an {@code ObjectMapper}'s class initialization
     * (the JDK's date and locale set-up for its default date format) is no cost of a run that needs none.
     */
    static ObjectMapper json() {
        return Mapper.JSON;
    }

    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private final CliOptions options = JobCli.withJobOptions(new CliOptions()
            .option("input", "FILE", "log lines: raw text, or JSON objects with source and message (file mode; - reads "
                    + "standard input; gzip and UTF-16 files are decoded)")
            .option("source", "NAME", "source of every raw line (default: the record key, else the program name of a "
                    + "'TS LEVEL name[pid]:' prefix, else 'default')")
            .option("output", "FILE", "summaries as JSON lines (default stdout)")
            .option("dead-letters", "FILE", "dead letters as JSON lines (default: one line each on stderr)")
            .option("every-lines", "N", "a source's summary after N lines (default 500)")
            .option("every-seconds", "S", "... or S seconds after its first unsummarized line (--kafka runs; default 30; "
                    + "0 = off)")
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
                + options.describe() + "\nA file run executes in Flink's batch mode (lines sorted by source, in file order "
                + "per source; output grouped by source): each source's summaries every --every-lines lines and at its "
                + "end, none on time; no checkpoints, so --checkpoint-ms applies to --kafka runs only.\n"
                + "See docs/jobs.md for the summary format.\n";
    }

    /** The job's options ({@link LogOptions}): --options FILE, then the flags, each mapped to its option. */
    static LogSummarySettings settings(CliOptions.Parsed p) throws UsageException {
        return settings(options(p));
    }

    private static LogSummarySettings settings(Configuration c) throws UsageException {
        try {
            return LogSummarySettings.of(c);
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad job options: " + e.getMessage());
        }
    }

    /** The options the command line gives: --options FILE, then the flags over it. */
    private static Configuration options(CliOptions.Parsed p) throws UsageException {
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
        return c;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliOptions.Parsed p = options.parse(args);
        Configuration given = options(p);
        LogSummarySettings settings = settings(given);
        KafkaConnection conn = JobCli.kafka(p);
        String source = p.string("source", null);
        Path input = conn == null ? JobCli.input(p) : null;
        String report = p.string("report", null);
        if (report != null && conn != null) {
            throw new UsageException("option --report works with --input (file mode), not with --kafka");
        }
        RecordLimits limits = JobCli.limits(p);
        JobCli.LocalRun run = JobCli.localRun(p, "logs", conn != null);
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        if (conn != null) {
            return JobCli.runOnKafka(p, conn, run, "logs", "logs", "log-summaries",
                    records -> LogSummaryJob.build(records, source, settings, fe, limits), err);
        }
        try (run) {
            if (given.contains(LogOptions.EVERY) && settings.everyMillis() > 0) {
                JobCli.progress(err, "memctl logs: --every-seconds applies to --kafka runs; a file run summarizes each "
                        + "source every " + settings.everyLines() + " lines and at its end");
            }
            // a file run has no processing-time summaries (see fileRun)
            LogSummarySettings batch = fileRun(settings);
            BatchFileRun files = BatchFileRun.run(run, input, p.string("output", null), p.string("dead-letters", null),
                    new BatchFileRun.Words("logs", "lines", "summaries", "lines sorted by source, in file order per "
                            + "source", true), (records, f) -> {
                        LogSummaryJob.Outputs job = LogSummaryJob.buildParts(records, source, batch, fe, limits, true);
                        f.sinkResults(job.summaries(), "summarize");
                        f.sinkDeadLetters(job.parseDeadLetters(), "parse");
                    }, out, err);
            if (report != null) {
                List<JsonNode> all = new java.util.ArrayList<>();
                files.results(l -> all.add(json(l)));
                Path r = Path.of(report);
                if (r.getParent() != null) {
                    Files.createDirectories(r.getParent());
                }
                Files.writeString(r, RecordParsers.wellFormed(LogReport.html("keymem log summaries of " + input.getFileName(),
                        all)), StandardCharsets.UTF_8);
                JobCli.progress(err, "memctl logs: report -> " + r);
            }
        }
        JobCli.fileRunEnded();
        return Memctl.EXIT_OK;
    }

    /**
     * The settings of a file run, which runs in Flink's batch mode ({@link BatchFileRun}): a source's summaries
     * every {@code everyLines} lines and its final one at the end of its lines (the final summary's event-time
     * timer fires when the batch timer service moves on to the next source), none on processing time (a file
     * run's clock is how fast the machine reads it, and batch mode would fire such a timer only at the
     * source's end, after the final summary). What such a run writes does not depend on timing.
     */
    static LogSummarySettings fileRun(LogSummarySettings settings) {
        return settings.everyMillis() == 0 ? settings : settings.withEvery(settings.everyLines(), 0);
    }

    static JsonNode json(String s) {
        try {
            return json().readTree(s);
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
