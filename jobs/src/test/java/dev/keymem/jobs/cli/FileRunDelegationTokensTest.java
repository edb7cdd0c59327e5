package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.logs.EmbeddedJobs;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.SecurityOptions;
import org.junit.jupiter.api.Test;

/**
 * File runs' clusters start without Flink's delegation token system ({@link JobCli#noDelegationTokens}); runs over
 * Kafka keep Flink's default, and a {@code keymem.flink.} property wins.
 */
class FileRunDelegationTokensTest {
    private static final ConfigOption<Boolean> TOKENS = SecurityOptions.DELEGATION_TOKENS_ENABLED;

    private static ReadableConfig localRun(boolean kafka) throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions(), "in", "out").parse(List.of());
        try (JobCli.LocalRun run = JobCli.localRun(p, "logs", kafka)) {
            return run.env().getConfiguration();
        }
    }

    @Test
    void fileRunsHaveNone() throws Exception {
        assertEquals(Optional.of(false), localRun(false).getOptional(TOKENS));
    }

    @Test
    void kafkaRunsKeepFlinksDefault() throws Exception {
        assertEquals(Optional.empty(), localRun(true).getOptional(TOKENS));
    }

    @Test
    void aFlinkPropertyWins() throws Exception {
        String key = EmbeddedJobs.FLINK_PROPERTY_PREFIX + TOKENS.key();
        try {
            System.setProperty(key, "true");
            assertEquals(Optional.of(true), localRun(false).getOptional(TOKENS));
        } finally {
            System.clearProperty(key);
        }
    }
}
