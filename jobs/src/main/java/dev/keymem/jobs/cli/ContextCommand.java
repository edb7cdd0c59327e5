package dev.keymem.jobs.cli;

import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.EmbeddedJobs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code memctl context}: the user context job on the embedded MiniCluster over a JSONL file of user
 * events (answers to a JSONL file or stdout, progress on stderr, finishes when the input ends), or over
 * Kafka with {@code --kafka}.
 */
final class ContextCommand implements Subcommand {
    private final CliOptions options = JobCli.withJobOptions(new CliOptions()
            .option("input", "FILE", "user events, one JSON object a line: user, text, optional type, query, ts (- reads "
                    + "standard input; gzip and UTF-16 files are decoded)")
            .option("output", "FILE", "answers as JSON lines (default stdout)")
            .option("dead-letters", "FILE", "dead letters as JSON lines (default: one line each on stderr)")
            .option("top", "K", "past events in an answer (default 5)")
            .option("embedder", "NAME", "hashing (default) or minilm (needs the MiniLM jar on the classpath)"),
            "user-events", "user-context");

    @Override
    public String name() {
        return "context";
    }

    @Override
    public String summary() {
        return "user context job: per-user memory; query events get the user's most relevant past events";
    }

    @Override
    public String usage() {
        return "usage: memctl context --input EVENTS.jsonl [--output ANSWERS.jsonl] [options]\n"
                + "       memctl context --kafka BOOTSTRAP [--kafka-config FILE] [--bounded] [options]\n\n"
                + options.describe() + "\nA file run executes in Flink's batch mode (events sorted by user, in file order "
                + "per user; no checkpoints, so --checkpoint-ms applies to --kafka runs only).\n"
                + "See docs/jobs.md for the answer format.\n";
    }

    /** Lines of a file as {@code EmbeddedJobs.fileRecords} counts them (a last line without a line end counts). */
    static long countLines(Path file) throws java.io.IOException {
        long n = 0;
        int last = '\n';
        byte[] buf = new byte[1 << 16];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
                last = buf[r - 1];
            }
        }
        return last == '\n' ? n : n + 1;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws Exception {
        CliOptions.Parsed p = options.parse(args);
        org.apache.flink.configuration.Configuration settings = ContextOptions.defaults();
        if (p.flag("top")) {
            settings.set(dev.keymem.operators.MemoryOperatorOptions.EVENTS_TOP, p.positiveInt("top", 5));
        }
        String embedder = p.choice("embedder", List.of("hashing", "minilm"), "hashing");
        settings.set(ContextOptions.EMBEDDER, ContextOptions.Embedder.valueOf(embedder.toUpperCase(Locale.ROOT)));
        KafkaConnection conn = JobCli.kafka(p);
        Path input = conn == null ? JobCli.input(p) : null;
        RecordLimits limits = JobCli.limits(p);
        JobCli.LocalRun run = JobCli.localRun(p, "context", conn != null);
        StreamExecutionEnvironment env = run.env();
        if (conn != null) {
            return JobCli.runOnKafka(p, conn, run, "context", "user-events", "user-context",
                    records -> UserContextJob.build(records, settings, limits), err);
        }
        String outFile = p.string("output", null);
        String deadFile = p.string("dead-letters", null);
        try (run) {
            // the output files are created (emptied) up front: a bad path fails before the job runs
            LogsCommand.Sink.of(outFile, out).close();
            LogsCommand.Sink.of(deadFile, null).close();
            // a FIFO, gzip, UTF-16 or classic Mac line ends: the file source reads their lines decoded
            input = JobCli.plainInput(input, run.runDir().dir());
            long events = countLines(input);
            long t0 = System.nanoTime();
            JobCli.progress(err, String.format(Locale.ROOT, "memctl context: %d events from %s on an embedded "
                    + "MiniCluster (batch execution: events sorted by user, in file order per user)", events, input));
            BatchFileRun.batch(env);
            BatchFileRun files = new BatchFileRun(run.runDir().dir().resolve("out"));
            UserContextJob.Outputs job = UserContextJob.buildParts(BatchFileRun.source(env, input), settings, limits);
            files.sink(job.keyed(), "user-context");
            files.sink(job.parseDeadLetters(), "parse");
            org.apache.flink.api.common.JobExecutionResult result = JobCli.execute(env, "memctl context", err,
                    () -> String.format(Locale.ROOT, "[progress] running (%.1f s)", (System.nanoTime() - t0) / 1e9));
            BatchFileRun.Counts n = files.finish(result, outFile == null ? null : Path.of(outFile), out,
                    deadFile == null ? null : Path.of(deadFile), err);
            JobCli.progress(err, String.format(Locale.ROOT, "memctl context: done in %.1f s: %d events, %d answers, "
                    + "%d dead letters%s", (System.nanoTime() - t0) / 1e9, events, n.results(), n.deadLetters(),
                    outFile == null ? "" : " -> " + outFile));
        }
        return Memctl.EXIT_OK;
    }
}
