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
                + options.describe() + "\nSee docs/jobs.md for the answer format.\n";
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
        try (run; LogsCommand.Sink answers = LogsCommand.Sink.of(outFile, out);
             LogsCommand.Sink dead = LogsCommand.Sink.of(deadFile, null)) {
            List<KafkaRecord> records = EmbeddedJobs.fileRecords(input);
            long[] counts = new long[2];
            long t0 = System.nanoTime();
            JobCli.progress(err, String.format(Locale.ROOT, "memctl context: %d events from %s on an embedded "
                    + "MiniCluster (RocksDB state, checkpoints)", records.size(), input));
            JobCli.collect(UserContextJob.build(EmbeddedJobs.fromRecords(env, records), settings, limits),
                    "memctl context", o -> {
                        if (o.isResult()) {
                            answers.line(o.json);
                            if (++counts[0] % 50 == 0) {
                                JobCli.progress(err, String.format(Locale.ROOT, "[progress] %d answers (%.1f s)",
                                        counts[0], (System.nanoTime() - t0) / 1e9));
                            }
                        } else {
                            counts[1]++;
                            dead.deadLetter(o.json, err);
                        }
                    }, err, () -> String.format(Locale.ROOT, "[progress] running: %d answers, %d dead letters (%.1f s)",
                            counts[0], counts[1], (System.nanoTime() - t0) / 1e9), () -> { });
            JobCli.progress(err, String.format(Locale.ROOT, "memctl context: done in %.1f s: %d events, %d answers, "
                    + "%d dead letters%s", (System.nanoTime() - t0) / 1e9, records.size(), counts[0], counts[1],
                    outFile == null ? "" : " -> " + outFile));
        }
        return Memctl.EXIT_OK;
    }
}
