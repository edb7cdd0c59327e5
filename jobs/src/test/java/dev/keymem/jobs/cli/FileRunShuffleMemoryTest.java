package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.keymem.jobs.logs.EmbeddedJobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shuffle memory of file runs ({@link JobCli#fileRunShuffleMemory}): 2 MiB per unit of parallelism, 4 MiB at
 * least and Flink's 64 MiB at most, for the network buffers and the sort-merge shuffle's read buffers; Kafka runs
 * keep Flink's sizes; a {@code keymem.flink.} property wins; and the log job still gets the buffers it needs
 * at a parallelism where a fixed 4 MiB ran out.
 */
class FileRunShuffleMemoryTest {
    @TempDir
    Path dir;

    private static final ConfigOption<MemorySize> NET_MIN = TaskManagerOptions.NETWORK_MEMORY_MIN;
    private static final ConfigOption<MemorySize> NET_MAX = TaskManagerOptions.NETWORK_MEMORY_MAX;
    private static final ConfigOption<MemorySize> READ = TaskManagerOptions.NETWORK_BATCH_SHUFFLE_READ_MEMORY;

    private static ReadableConfig localRun(boolean kafka, String... args) throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions(), "in", "out").parse(List.of(args));
        try (JobCli.LocalRun run = JobCli.localRun(p, "logs", kafka)) {
            return run.env().getConfiguration();
        }
    }

    private static Optional<MemorySize> mib(int n) {
        return Optional.of(MemorySize.ofMebiBytes(n));
    }

    @Test
    void sizedByParallelismBetweenFourMibAndFlinksOwn() throws Exception {
        int[][] cases = {{1, 4}, {2, 4}, {3, 6}, {8, 16}, {16, 32}, {31, 62}, {32, 64}, {100, 64}};
        for (int[] c : cases) {
            ReadableConfig conf = localRun(false, "--parallelism", String.valueOf(c[0]));
            assertEquals(mib(c[1]), conf.getOptional(NET_MIN), "parallelism " + c[0]);
            assertEquals(mib(c[1]), conf.getOptional(NET_MAX), "parallelism " + c[0]);
            assertEquals(mib(c[1]), conf.getOptional(READ), "parallelism " + c[0]);
        }
    }

    @Test
    void kafkaRunsKeepFlinksSizes() throws Exception {
        ReadableConfig conf = localRun(true);
        assertEquals(Optional.empty(), conf.getOptional(NET_MIN));
        assertEquals(Optional.empty(), conf.getOptional(NET_MAX));
        assertEquals(Optional.empty(), conf.getOptional(READ));
    }

    @Test
    void aFlinkPropertyWins() throws Exception {
        String key = EmbeddedJobs.FLINK_PROPERTY_PREFIX + NET_MAX.key();
        String readKey = EmbeddedJobs.FLINK_PROPERTY_PREFIX + READ.key();
        try {
            System.setProperty(key, "20m");
            System.setProperty(readKey, "12m");
            ReadableConfig conf = localRun(false);
            assertEquals(mib(20), conf.getOptional(NET_MAX));
            assertEquals(Optional.empty(), conf.getOptional(NET_MIN)); // Flink sets min = max for a local cluster
            assertEquals(mib(12), conf.getOptional(READ));
        } finally {
            System.clearProperty(key);
            System.clearProperty(readKey);
        }
    }

    /**
     * The log job at parallelism 16 runs to the end with its sized memory (a fixed 4 MiB, i.e. 128 buffers, failed
     * there with "Insufficient number of network buffers"; parallelism 8 ran with it), every line summarized.
     */
    @Test
    void theLogJobRunsAtParallelismSixteen() throws Exception {
        Path in = dir.resolve("in.log");
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "logs", "services.log"),
                StandardCharsets.UTF_8).subList(0, 200);
        Files.write(in, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("out.jsonl");
        MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl("logs", "--input", in.toString(), "--output",
                out.toString(), "--parallelism", "16");
        assertEquals(0, r.code(), r.err());
        assertEquals(200, MemctlAwkwardInputTest.linesSummarized(MemctlAwkwardInputTest.jsonLines(out)));
    }
}
