package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.rpc.LocalRpcSystem;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster of file runs ({@link FileRunCluster}): jobs run on it as on Flink's MiniCluster, its REST endpoint
 * answers every request with 404 (no handlers), and only file runs get it.
 */
class FileRunClusterTest {
    @TempDir
    Path dir;

    private Configuration config() {
        Configuration c = EmbeddedJobs.config(dir.resolve("chk"), 60_000, 2, 0, dir);
        c.set(LocalRpcSystem.ENABLED, true);
        return c;
    }

    @Test
    void aBatchJobRunsOnIt() throws Exception {
        StreamExecutionEnvironment env = FileRunCluster.environment(config());
        assertFalse(env instanceof LocalStreamEnvironment);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        List<Integer> out = new ArrayList<>();
        env.fromData(1, 2, 3, 4, 5).keyBy(x -> x % 2).map(x -> x * 10).returns(Types.INT).executeAndCollect()
                .forEachRemaining(out::add);
        out.sort(null);
        assertEquals(List.of(10, 20, 30, 40, 50), out);
    }

    @Test
    void itsRestEndpointServesNothing() throws Exception {
        Configuration c = config();
        c.setString("rest.port", "0");
        try (FileRunCluster cluster = new FileRunCluster(new MiniClusterConfiguration.Builder().setConfiguration(c)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
            for (String path : new String[] {"/v1/config", "/v1/overview", "/jobs"}) {
                HttpURLConnection http = (HttpURLConnection) rest.resolve(path).toURL().openConnection();
                try {
                    assertEquals(404, http.getResponseCode(), path);
                } finally {
                    http.disconnect();
                }
            }
        }
    }

    @Test
    void onlyFileRunsGetItUnlessToldOtherwise() throws Exception {
        CliOptions.Parsed p = JobCli.withJobOptions(new CliOptions(), "in", "out").parse(List.of());
        String before = System.getProperty(FileRunCluster.HANDLERS_PROPERTY);
        try {
            System.clearProperty(FileRunCluster.HANDLERS_PROPERTY);
            assertTrue(FileRunCluster.enabled());
            try (JobCli.LocalRun run = JobCli.localRun(p, "logs", false)) {
                assertFalse(run.env() instanceof LocalStreamEnvironment);
            }
            try (JobCli.LocalRun run = JobCli.localRun(p, "logs", true)) {
                assertInstanceOf(LocalStreamEnvironment.class, run.env());
            }
            System.setProperty(FileRunCluster.HANDLERS_PROPERTY, "true");
            assertFalse(FileRunCluster.enabled());
            try (JobCli.LocalRun run = JobCli.localRun(p, "logs", false)) {
                assertInstanceOf(LocalStreamEnvironment.class, run.env());
            }
        } finally {
            if (before == null) {
                System.clearProperty(FileRunCluster.HANDLERS_PROPERTY);
            } else {
                System.setProperty(FileRunCluster.HANDLERS_PROPERTY, before);
            }
        }
    }
}
