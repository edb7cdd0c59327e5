package dev.keymem.operators;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end on a MiniCluster (loopback only): a deterministic bounded stream of token records over
 * 7 keys, the keyed memory operator (plain, and Memory Caching with each cached checkpoint a
 * MapState entry, B'MOJO with each archived entry a MapState row, STR / CMP with each T3 token a
 * MapState row) at parallelism 2 on RocksDB with incremental checkpoints, and
 * one injected failure after a checkpoint completed. The checkpointed collect sink gives
 * exactly-once results, so each key's outputs must equal, bitwise, a failure-free run's and a direct
 * run of the model over that key's records.
 */
class KeyedMemoryFailoverIT {

    static final int RECORDS = 600;
    static final int KEYS = 7;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(loopback())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static Configuration loopback() {
        Configuration c = new Configuration();
        for (String k : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
                "taskmanager.bind-host", "taskmanager.host"}) {
            c.setString(k, "127.0.0.1");
        }
        return c;
    }

    /** Record n of the stream: deterministic key and tokens. */
    static TokenRecord record(long n) {
        SplittableRandom r = new SplittableRandom(n * 1_000_003L + 17);
        int[] ids = new int[r.nextInt(1, 16)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(OperatorTestSupport.VOCAB);
        }
        return new TokenRecord("key-" + (n % KEYS), ids);
    }

    /** Throws once, some records after the first checkpoint completed; slows the stream a little. */
    static final class FailOnceAfterCheckpoint
            implements MapFunction<Long, Long>, CheckpointListener, CheckpointedFunction {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        /** Set when an instance was started from a restored checkpoint. */
        static final AtomicBoolean RESTORED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicLong COMPLETED_BEFORE_FAILURE = new AtomicLong();
        private long seenSinceCheckpoint = -1;
        private long completed;

        @Override
        public Long map(Long n) throws Exception {
            // Past the middle with no completed checkpoint yet (a loaded machine), slow down so one
            // completes mid-stream; returning between records lets the task run the checkpoint.
            Thread.sleep(seenSinceCheckpoint < 0 && n >= RECORDS / 2 ? 20 : 1);
            if (seenSinceCheckpoint >= 0 && ++seenSinceCheckpoint > 40 && ARMED.get() && FAILED.compareAndSet(false, true)) {
                COMPLETED_BEFORE_FAILURE.set(completed);
                throw new RuntimeException("injected failure at record " + n);
            }
            return n;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {
            if (context.isRestored()) {
                RESTORED.set(true);
            }
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            completed++;
            if (seenSinceCheckpoint < 0) {
                seenSinceCheckpoint = 0;
            }
        }
    }

    /** Set when an .sst file was seen in a checkpoint's shared directory (RocksDB incremental upload). */
    static final AtomicBoolean SAW_SST = new AtomicBoolean();

    static Map<String, List<MemoryReadout>> run(Path dir, Configuration options, boolean injectFailure)
            throws Exception {
        return run(dir, options, injectFailure,
                keyed -> KeyedMemoryFunction.apply(keyed, options).uid("keymem-memory"));
    }

    /** Runs the job with {@code memory} as the keyed memory operator (shared with the batched operator's IT). */
    @SuppressWarnings("try")
    static Map<String, List<MemoryReadout>> run(Path dir, Configuration options, boolean injectFailure,
            Function<KeyedStream<TokenRecord, String>, DataStream<MemoryReadout>> memory) throws Exception {
        FailOnceAfterCheckpoint.ARMED.set(injectFailure);
        FailOnceAfterCheckpoint.FAILED.set(false);
        FailOnceAfterCheckpoint.RESTORED.set(false);
        SAW_SST.set(false);
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("state.backend.rocksdb.localdir", dir.resolve("rocks").toString());
        conf.setString("execution.checkpointing.incremental", "true");
        conf.setString("execution.checkpointing.interval", "100 ms");
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.setString("execution.checkpointing.dir", dir.resolve("chk").toUri().toString());
        // Every file goes to the checkpoint directory (none inlined), so RocksDB's incremental
        // uploads show up in chk/<job>/shared while the job runs.
        conf.setString("state.storage.fs.memory-threshold", "0 b");
        conf.setString("pipeline.generic-types", "false"); // no Kryo anywhere in the pipeline
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "100 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);

        DataStream<TokenRecord> records = env.fromSequence(0, RECORDS - 1).setParallelism(1)
                .map(new FailOnceAfterCheckpoint()).setParallelism(1)
                .map(KeyedMemoryFailoverIT::record).setParallelism(1);
        DataStream<MemoryReadout> reads = memory.apply(records.keyBy(r -> r.key));
        long t0 = System.nanoTime();
        Map<String, List<MemoryReadout>> byKey = new HashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!done.get() && !SAW_SST.get()) {
                SAW_SST.compareAndSet(false, hasSstFiles(dir.resolve("chk")));
                sleepQuietly(20);
            }
        }, "shared-dir-watcher");
        watcher.setDaemon(true);
        watcher.start();
        try (CloseableIterator<MemoryReadout> it = reads.executeAndCollect("keymem-failover")) {
            while (it.hasNext()) {
                MemoryReadout m = it.next();
                byKey.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m);
            }
        } finally {
            done.set(true);
            watcher.join();
        }
        System.out.printf("failover IT job (%s, failure %s): %.1f s%n", options.get(MemoryOperatorOptions.MEMORY_TYPE),
                injectFailure, (System.nanoTime() - t0) / 1e9);
        return byKey;
    }

    /** The same records through the model directly, key by key. */
    static Map<String, List<MemoryReadout>> direct(Configuration options) {
        List<TokenRecord> all = new ArrayList<>();
        for (long n = 0; n < RECORDS; n++) {
            all.add(record(n));
        }
        Map<String, List<MemoryReadout>> out = new HashMap<>();
        for (MemoryReadout m : OperatorTestSupport.direct(options, all)) {
            out.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m);
        }
        return out;
    }

    /** PLAIN: a ValueState per key; CACHING (SSC, 5-token segments, cap 4): ValueState + MapState entries. */
    @ParameterizedTest
    @EnumSource(value = MemoryOperatorOptions.MemoryType.class, names = {"EVENTS", "RMT", "NOVELTY"}, mode = EnumSource.Mode.EXCLUDE)
    void outputsAfterAFailureEqualAFailureFreeRun(MemoryOperatorOptions.MemoryType type) throws Exception {
        Configuration options = OperatorTestSupport.options(type);
        Path dir = OperatorTestSupport.tempDir("kmit");
        Map<String, List<MemoryReadout>> expected = direct(options);
        Map<String, List<MemoryReadout>> clean = run(dir.resolve("clean"), options, false);
        assertTrue(!FailOnceAfterCheckpoint.FAILED.get() && !FailOnceAfterCheckpoint.RESTORED.get());
        Map<String, List<MemoryReadout>> recovered = run(dir.resolve("failover"), options, true);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the failure was never injected");
        assertTrue(FailOnceAfterCheckpoint.COMPLETED_BEFORE_FAILURE.get() >= 1);
        assertTrue(FailOnceAfterCheckpoint.RESTORED.get(), "the job did not restart from a checkpoint");

        assertSame(expected, clean, "failure-free run vs direct model");
        assertSame(expected, recovered, "run with a failure vs direct model");
        assertTrue(SAW_SST.get(), "no RocksDB .sst file appeared in the incremental checkpoints' shared directory");
    }

    /**
     * The hot-state cache holding 3 of the 7 keys: it is full from the third key's first record on (it
     * never shrinks), so every checkpoint barrier meets a full cache with changed states and every
     * record of a fourth key evicts one; TTL memories (1 h, nothing expires) cache the last write
     * time too. Outputs after a failure equal, bitwise, the direct model's and a failure-free run's.
     */
    @ParameterizedTest
    @EnumSource(value = MemoryOperatorOptions.MemoryType.class, names = {"EVENTS", "RMT", "NOVELTY"}, mode = EnumSource.Mode.EXCLUDE)
    void aFullHotStateCacheAtTheBarrierRestoresBitForBit(MemoryOperatorOptions.MemoryType type) throws Exception {
        Configuration options = OperatorTestSupport.options(type);
        options.set(MemoryOperatorOptions.STATE_CACHE_KEYS, 3);
        if (type != MemoryOperatorOptions.MemoryType.PLAIN) {
            options.set(MemoryOperatorOptions.STATE_TTL, java.time.Duration.ofHours(1));
        }
        Path dir = OperatorTestSupport.tempDir("kmhc");
        Map<String, List<MemoryReadout>> expected = direct(options);
        Map<String, List<MemoryReadout>> clean = run(dir.resolve("clean"), options, false);
        Map<String, List<MemoryReadout>> recovered = run(dir.resolve("failover"), options, true);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the failure was never injected");
        assertTrue(FailOnceAfterCheckpoint.RESTORED.get(), "the job did not restart from a checkpoint");
        assertSame(expected, clean, "failure-free run vs direct model");
        assertSame(clean, recovered, "run with a failure vs failure-free run");
    }

    static void assertSame(Map<String, List<MemoryReadout>> expected, Map<String, List<MemoryReadout>> got,
                                   String what) {
        assertEquals(expected.keySet(), got.keySet(), what);
        for (String k : expected.keySet()) {
            List<MemoryReadout> e = expected.get(k);
            List<MemoryReadout> g = got.get(k);
            assertEquals(e.size(), g.size(), what + ": records of " + k + " (duplicates or losses)");
            for (int i = 0; i < e.size(); i++) {
                assertReadoutBitwise(e.get(i), g.get(i));
            }
        }
    }

    private static boolean hasSstFiles(Path chk) {
        if (!Files.exists(chk)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(chk)) {
            return s.anyMatch(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("shared")
                    && Files.isRegularFile(p));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // files come and go while checkpoints are subsumed
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
