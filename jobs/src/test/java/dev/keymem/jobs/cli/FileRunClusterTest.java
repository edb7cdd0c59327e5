package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.rpc.LocalRpcSystem;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobGraphBuilder;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.jobgraph.JobType;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testtasks.NoOpInvokable;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster of file runs ({@link FileRunCluster}): jobs run on it as on Flink's MiniCluster, it starts no REST
 * endpoint and no metric query service (with a job archive directory, both, the endpoint answering every request
 * with 404: no handlers), only file runs get it, its jobs go as job graphs without checkpoint
 * settings (submitted as they are, not cloned), and its managed memory is sized by the input.
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

    /** Its jobs go as job graphs made on the client, without checkpoint settings (no checkpoint statistics). */
    @Test
    void itsJobsGoAsJobGraphsWithoutCheckpointSettings() {
        StreamExecutionEnvironment env = FileRunCluster.environment(config());
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.fromData(1, 2, 3).keyBy(x -> x % 2).map(x -> x * 10).returns(Types.INT).print();
        StreamGraph g = env.getStreamGraph();
        assertNotNull(g.getCheckpointingSettings(), "Flink gives every stream graph checkpoint settings");
        JobGraph job = FileRunCluster.jobGraph(g, getClass().getClassLoader());
        assertNull(job.getCheckpointingSettings());
        assertEquals(JobType.BATCH, job.getJobType());
        assertEquals(2, job.getNumberOfVertices(), "the source; the keyed map with its sink");
    }

    /**
     * A keyed batch job over more records than fit one sort buffer, restarted once after a failure, gives the same
     * output as a job graph ({@link FileRunCluster#jobGraph}) as it does as Flink's stream graph (the property).
     */
    @Test
    void aJobGraphRunGivesWhatAStreamGraphRunGives() throws Exception {
        List<Long> asJobGraph = keyedCounts(config());
        List<Long> asStreamGraph;
        System.setProperty(FileRunCluster.STREAM_GRAPH_PROPERTY, "true");
        try {
            asStreamGraph = keyedCounts(config());
        } finally {
            System.clearProperty(FileRunCluster.STREAM_GRAPH_PROPERTY);
        }
        assertEquals(7, asJobGraph.size());
        assertEquals(asStreamGraph, asJobGraph);
    }

    private static List<Long> keyedCounts(Configuration c) throws Exception {
        c.setString("restart-strategy.fixed-delay.attempts", "1");
        c.setString("restart-strategy.fixed-delay.delay", "10 ms");
        StreamExecutionEnvironment env = FileRunCluster.environment(c);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        List<Long> seen = new ArrayList<>();
        env.fromSequence(0, 4_999).setParallelism(1)
                .map(new FailOnce()).returns(Types.TUPLE(Types.LONG, Types.LONG, Types.STRING)).setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple3<Long, Long, String>>forMonotonousTimestamps()
                        .withTimestampAssigner((t, ts) -> t.f1)).setParallelism(1)
                .keyBy(t -> t.f0)
                .process(new InOrder()).returns(Types.LONG)
                .executeAndCollect().forEachRemaining(seen::add);
        seen.sort(null);
        return seen;
    }

    /** i as (i % 7, i, padding); the first attempt fails at record 3,000. */
    private static final class FailOnce extends RichMapFunction<Long, Tuple3<Long, Long, String>> {
        @Override
        public Tuple3<Long, Long, String> map(Long i) {
            if (i == 3_000 && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0) {
                throw new IllegalStateException("planned failure of a first attempt");
            }
            return Tuple3.of(i % 7, i, "x".repeat(100));
        }
    }

    /**
     * A job graph goes to the dispatcher as it is (Flink's MiniCluster submits a clone): its user jar is uploaded
     * and the blob key set on the submitted graph itself, and the job runs to its end.
     */
    @Test
    void aJobGraphIsSubmittedAsItIsWithItsFilesUploaded() throws Exception {
        JobGraph job = submitOneNoOpJobWithAJar(false);
        assertEquals(1, job.getUserJarBlobKeys().size(), "the submitted graph itself got its jar's blob key");
    }

    /** Where Flink's changelog restore-mode hook was called, the submission is Flink's own: a copy gets the key. */
    @Test
    void aClusterWithTheRestoreModeHookSubmitsAsFlinkDoes() throws Exception {
        JobGraph job = submitOneNoOpJobWithAJar(true);
        assertEquals(0, job.getUserJarBlobKeys().size(), "Flink's path uploads the files of its own copy");
    }

    /** A batch job of one no-op vertex and an empty jar, submitted and run to success; returns the caller's graph. */
    private JobGraph submitOneNoOpJobWithAJar(boolean restoreModeHook) throws Exception {
        Path jar = dir.resolve("empty.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
            out.putNextEntry(new JarEntry("empty.txt"));
            out.closeEntry();
        }
        JobVertex vertex = new JobVertex("no-op");
        vertex.setInvokableClass(NoOpInvokable.class);
        vertex.setParallelism(1);
        JobGraph job = JobGraphBuilder.newBatchJobGraphBuilder().addJobVertex(vertex).build();
        job.addJar(new org.apache.flink.core.fs.Path(jar.toUri()));
        try (FileRunCluster cluster = new FileRunCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config()).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            if (restoreModeHook) {
                cluster.overrideRestoreModeForChangelogStateBackend();
            }
            assertEquals(job.getJobID(), cluster.submitJob(job).get(60, TimeUnit.SECONDS).getJobID());
            assertTrue(cluster.requestJobResult(job.getJobID()).get(60, TimeUnit.SECONDS).isSuccess());
        }
        return job;
    }

    @Test
    void itStartsNoRestEndpoint() throws Exception {
        assertTrue(FileRunCluster.restless(), "Flink's component constructor is there (Flink 2.2)");
        Configuration c = config();
        c.setString("rest.port", "0");
        try (FileRunCluster cluster = new FileRunCluster(new MiniClusterConfiguration.Builder().setConfiguration(c)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            // the dispatcher and resource manager answer through the cluster's gateways; the task manager registers
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cluster.requestClusterOverview().get(60, TimeUnit.SECONDS).getNumTaskManagersConnected() < 1
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals(1, cluster.requestClusterOverview().get(60, TimeUnit.SECONDS).getNumTaskManagersConnected());
            assertFalse(cluster.getRestAddress().isDone(), "no endpoint, no address");
            assertEquals(List.of(), List.copyOf(cluster.dispatcher().get(60, TimeUnit.SECONDS)
                    .requestMetricQueryServiceAddresses(Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS)),
                    "no metric query service");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(
                    "flink-rest-server")), "no netty server threads");
        }
    }

    @Test
    void withAJobArchiveDirectoryItsRestEndpointServesNothing() throws Exception {
        Configuration c = config();
        c.setString("rest.port", "0");
        c.set(JobManagerOptions.ARCHIVE_DIR, dir.resolve("archive").toUri().toString());
        try (FileRunCluster cluster = new FileRunCluster(new MiniClusterConfiguration.Builder().setConfiguration(c)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            URI rest = cluster.getRestAddress().get(60, TimeUnit.SECONDS);
            assertEquals(1, cluster.dispatcher().get(60, TimeUnit.SECONDS)
                    .requestMetricQueryServiceAddresses(Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS).size(),
                    "the metric query service, for the endpoint's metric fetcher");
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

    @Test
    void managedMemoryIsFourTimesTheInputPerSlotBetweenEightAndFlinksOwn128MiB() {
        assertEquals(8, FileRunCluster.managedMebiBytes(0, 2));
        assertEquals(8, FileRunCluster.managedMebiBytes(2_121, 2), "a 20-line file: the least");
        assertEquals(8, FileRunCluster.managedMebiBytes(1 << 20, 2), "4 MiB per slot");
        assertEquals(10, FileRunCluster.managedMebiBytes((1 << 20) + 1, 2), "rounded up to whole MiB per slot");
        assertEquals(44, FileRunCluster.managedMebiBytes(5_598_906, 2), "gen50k.log: 21.4 MiB per slot");
        assertEquals(128, FileRunCluster.managedMebiBytes(16L << 20, 2), "Flink's own from 16 MiB on");
        assertEquals(128, FileRunCluster.managedMebiBytes(1L << 30, 2));
        assertEquals(128, FileRunCluster.managedMebiBytes(Long.MAX_VALUE, 1));
        assertEquals(32, FileRunCluster.managedMebiBytes(1 << 20, 8));
        assertEquals(128, FileRunCluster.managedMebiBytes(Long.MAX_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void managedMemoryIsSizedOnlyForItsOwnEnvironmentsAndOnlyWhereNotSet() {
        StreamExecutionEnvironment env = FileRunCluster.environment(config());
        FileRunCluster.sizeManagedMemory(env, 5_598_906);
        assertEquals(MemorySize.ofMebiBytes(44), env.getConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        StreamExecutionEnvironment unknown = FileRunCluster.environment(config());
        FileRunCluster.sizeManagedMemory(unknown, -1);
        assertFalse(unknown.getConfiguration().getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE).isPresent());
        Configuration set = config();
        set.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(300));
        StreamExecutionEnvironment own = FileRunCluster.environment(set);
        FileRunCluster.sizeManagedMemory(own, 10);
        assertEquals(MemorySize.ofMebiBytes(300), own.getConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        StreamExecutionEnvironment local = StreamExecutionEnvironment.createLocalEnvironment(config());
        FileRunCluster.sizeManagedMemory(local, 10);
        assertFalse(local.getConfiguration().getOptional(TaskManagerOptions.MANAGED_MEMORY_SIZE).isPresent());
    }

    /**
     * A keyed batch job whose sorted input is larger than its slots' managed memory (the least a file run gets:
     * 8 MiB, 4 MiB per slot) spills it and still gives every key its records, in order.
     */
    @Test
    void aKeyedBatchJobLargerThanItsManagedMemorySpillsAndStillSortsItsInput() throws Exception {
        StreamExecutionEnvironment env = FileRunCluster.environment(config());
        FileRunCluster.sizeManagedMemory(env, 0);
        assertEquals(MemorySize.ofMebiBytes(8), env.getConfiguration().get(TaskManagerOptions.MANAGED_MEMORY_SIZE));
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        int n = 12_000; // ~1 KB each: ~12 MiB to sort, 3 times a slot's share
        String pad = "x".repeat(1000);
        List<Long> seen = new ArrayList<>();
        env.fromSequence(0, n - 1).setParallelism(1)
                .map(i -> Tuple3.of(i % 7, i, pad)).returns(Types.TUPLE(Types.LONG, Types.LONG, Types.STRING))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple3<Long, Long, String>>forMonotonousTimestamps()
                        .withTimestampAssigner((t, ts) -> t.f1)).setParallelism(1)
                .keyBy(t -> t.f0)
                .process(new InOrder()).returns(Types.LONG)
                .executeAndCollect().forEachRemaining(seen::add);
        seen.sort(null);
        List<Long> want = new ArrayList<>();
        for (long k = 0; k < 7; k++) {
            want.add(k * 1_000_000_000L + (n - k + 6) / 7);
        }
        assertEquals(want, seen);
    }

    /** Per key: its records' count (key * 1e9 + count, at the key's end), failing where one comes out of order. */
    private static final class InOrder extends KeyedProcessFunction<Long, Tuple3<Long, Long, String>, Long> {
        private transient ValueState<Long> last;
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext ctx) {
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.LONG));
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Tuple3<Long, Long, String> t, Context ctx, Collector<Long> out) throws Exception {
            Long l = last.value();
            if (l == null) {
                ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
            } else if (t.f1 <= l) {
                throw new IllegalStateException("key " + t.f0 + ": " + t.f1 + " after " + l);
            }
            last.update(t.f1);
            count.update(count.value() == null ? 1 : count.value() + 1);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<Long> out) throws Exception {
            out.collect(ctx.getCurrentKey() * 1_000_000_000L + count.value());
        }
    }
}
