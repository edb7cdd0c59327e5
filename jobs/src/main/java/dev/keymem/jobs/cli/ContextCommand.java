package dev.keymem.jobs.cli;

import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.RecordLimits;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

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
        if (conn != null) {
            return JobCli.runOnKafka(p, conn, run, "context", "user-events", "user-context",
                    records -> UserContextJob.build(records, settings, limits), err);
        }
        try (run) {
            BatchFileRun.run(run, input, p.string("output", null), p.string("dead-letters", null),
                    new BatchFileRun.Words("context", "events", "answers", "events sorted by user, in file order per user",
                            false), (records, files) -> {
                        UserContextJob.Outputs job = UserContextJob.buildParts(records, settings, limits, true);
                        files.sink(job.keyed(), "user-context");
                        files.sinkDeadLetters(job.parseDeadLetters(), "parse");
                    }, out, err);
        }
        JobCli.fileRunEnded();
        return Memctl.EXIT_OK;
    }
}
