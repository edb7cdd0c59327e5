package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded runs' checkpoint interval: 1 s over Kafka, 10 s over a file, --checkpoint-ms over both. */
class CheckpointIntervalTest {
    private static long interval(List<String> args, boolean kafka) throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions(), "in", "out").parse(args);
        try (JobCli.LocalRun run = JobCli.localRun(p, "context", kafka)) {
            return run.env().getCheckpointConfig().getCheckpointInterval();
        }
    }

    @Test
    void fileRunsCheckpointLessOftenThanKafkaRuns() throws Exception {
        assertEquals(JobCli.FILE_CHECKPOINT_MS, interval(List.of(), false));
        assertEquals(10_000, interval(List.of(), false));
        assertEquals(JobCli.KAFKA_CHECKPOINT_MS, interval(List.of(), true));
        assertEquals(1_000, interval(List.of(), true));
    }

    @Test
    void theOptionSetsBoth() throws Exception {
        assertEquals(250, interval(List.of("--checkpoint-ms", "250"), false));
        assertEquals(250, interval(List.of("--checkpoint-ms", "250"), true));
    }
}
