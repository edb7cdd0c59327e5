package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keymem.jobs.rpc.LocalRpcSystem;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.junit.jupiter.api.Test;

/**
 * Which RPC system memctl's clusters get: file runs the in-JVM one unless {@code -Dkeymem.rpc.local=false}
 * (the launcher's MEMCTL_RPC=pekko), Kafka runs Pekko; {@link MemctlRpcSystemLoader} follows the configuration.
 */
class RpcSystemChoiceTest {
    private static Optional<Boolean> local(boolean kafka) throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions(), "in", "out").parse(List.of());
        try (JobCli.LocalRun run = JobCli.localRun(p, "logs", kafka)) {
            return run.env().getConfiguration().getOptional(LocalRpcSystem.ENABLED);
        }
    }

    @Test
    void fileRunsUseTheLocalSystemUnlessToldOtherwiseAndKafkaRunsPekko() throws Exception {
        String before = System.getProperty(LocalRpcSystem.PROPERTY);
        try {
            System.clearProperty(LocalRpcSystem.PROPERTY);
            assertEquals(Optional.of(true), local(false));
            assertEquals(Optional.empty(), local(true));
            System.setProperty(LocalRpcSystem.PROPERTY, "false");
            assertEquals(Optional.of(false), local(false));
        } finally {
            if (before == null) {
                System.clearProperty(LocalRpcSystem.PROPERTY);
            } else {
                System.setProperty(LocalRpcSystem.PROPERTY, before);
            }
        }
    }

    @Test
    void theLoaderGivesTheLocalSystemWhenTheConfigurationAsks() throws Exception {
        Configuration c = new Configuration();
        c.set(LocalRpcSystem.ENABLED, true);
        try (RpcSystem rpc = new MemctlRpcSystemLoader().loadRpcSystem(c)) {
            assertInstanceOf(LocalRpcSystem.class, rpc);
        }
        c.set(LocalRpcSystem.ENABLED, false);
        // neither the prebuilt Pekko jar nor sharing asked for: declines, and Flink's own loader loads Pekko
        assertFalse(Boolean.getBoolean(MemctlRpcSystemLoader.SHARED_PROPERTY));
        assertThrows(RpcLoaderException.class, () -> new MemctlRpcSystemLoader().loadRpcSystem(c));
    }
}
