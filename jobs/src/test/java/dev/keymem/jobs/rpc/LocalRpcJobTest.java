package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streaming job on an embedded MiniCluster whose RPC is {@link LocalRpcSystem} (RocksDB, checkpoints every 100
 * ms): it fails once after a checkpoint completed, restarts, restores its keyed state and delivers every count
 * exactly once (Flink's collect sink with checkpoints, {@code EmbeddedJobs.collect}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LocalRpcJobTest {
    static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger RESTORES = new AtomicInteger();

    /** Slow (1 ms a record) until a checkpoint completed; then fails once at record {@code failAt}. */
    static final class FailOnceAfterCheckpoint implements MapFunction<Long, Long>, CheckpointListener,
            CheckpointedFunction {
        private final long failAt;

        FailOnceAfterCheckpoint(long failAt) {
            this.failAt = failAt;
        }

        @Override
        public Long map(Long v) throws Exception {
            if (!CHECKPOINTED.get()) {
                Thread.sleep(1);
            } else if (v >= failAt && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("planned failure at " + v);
            }
            return v;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            if (context.isRestored()) {
                RESTORES.incrementAndGet();
            }
        }
    }

    /** Counts each key's records in keyed state and emits (key, count). */
    static final class Count extends KeyedProcessFunction<Long, Long, JobOutput> {
        private transient ValueState<Long> count;

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
        }

        @Override
        public void processElement(Long v, Context ctx, Collector<JobOutput> out) throws Exception {
            long c = (count.value() == null ? 0 : count.value()) + 1;
            count.update(c);
            out.collect(new JobOutput(JobOutput.RESULT, String.valueOf(ctx.getCurrentKey()), String.valueOf(c)));
        }
    }

    @Test
    void aJobRestoresFromItsCheckpointAfterAFailureOnTheLocalRpcSystem(@TempDir Path dir) throws Exception {
        CHECKPOINTED.set(false);
        FAILED.set(false);
        RESTORES.set(0);
        int n = 4_000;
        int keys = 8;
        Configuration c = EmbeddedJobs.config(dir.resolve("chk"), 100, 2, 3, dir.resolve("tmp"));
        c.set(LocalRpcSystem.ENABLED, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        var counted = env.fromSequence(0, n - 1).setParallelism(1)
                .map(new FailOnceAfterCheckpoint(n / 2)).setParallelism(1)
                .keyBy(v -> v % keys, Types.LONG)
                .process(new Count(), EmbeddedJobs.OUTPUT);
        Map<String, Set<Long>> seen = new HashMap<>();
        AtomicInteger outputs = new AtomicInteger();
        int systems = LocalRpcSystem.created();
        EmbeddedJobs.collect(counted, "local-rpc-failover", o -> {
            outputs.incrementAndGet();
            assertTrue(seen.computeIfAbsent(o.key, k -> new HashSet<>()).add(Long.parseLong(o.json)),
                    "count " + o.json + " of key " + o.key + " delivered twice");
        });
        assertTrue(FAILED.get(), "the job did not fail");
        assertTrue(RESTORES.get() >= 1, "the job did not restore a checkpoint");
        assertTrue(LocalRpcSystem.created() > systems, "the cluster did not run on the local RPC system");
        // the cluster closed its RPC system: its threads end
        String prefix = "keymem-rpc-" + LocalRpcSystem.created() + "-";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(prefix)),
                "threads of the closed RPC system still run");
        assertEquals(n, outputs.get());
        assertEquals(keys, seen.size());
        for (Set<Long> counts : seen.values()) {
            assertEquals(n / keys, counts.size());
            assertTrue(counts.stream().allMatch(x -> x >= 1 && x <= n / keys));
        }
    }
}
