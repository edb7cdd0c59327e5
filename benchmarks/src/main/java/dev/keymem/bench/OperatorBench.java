package dev.keymem.bench;

import dev.keymem.models.cells.CellState;
import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.KeyedMemoryFunction;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryReadout;
import dev.keymem.operators.TokenRecord;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.time.Duration;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The keyed memory operator against the bare model, in one run: tokens per CPU-second of the bare
 * model's {@code advance} over a HashMap of per-key states, and of the real
 * {@link KeyedMemoryFunction} operator ({@link KeyedMemoryFunction#operator()}, so with its hot-state
 * cache where the options enable it) driven through Flink's {@code KeyedOneInputStreamOperatorTestHarness}
 * on the real HashMap and RocksDB (incremental checkpoints to files) backends, on the same records:
 * uniformly random keys out of 1k / 10k / 100k, records of 1 / 16 / 64 / 256 random token ids, the
 * same model (the default: gated_delta, d_model 64, 2 heads, key = value dim 32). With
 * {@code --operators batched} also the {@link BatchedMemoryOperator} with the CPU advancer (64 keys per
 * step), which replaces the former {@code BatchedThroughputBench}. No network stack, no
 * serialization between operators: what is measured is the operator's own per-record cost (key
 * context, state access, advance, readout, metrics) over the model's.
 *
 * <p>Method: the bare model first runs every record size once (JIT warm-up, not printed). Every key gets
 * one record first (not measured: the state exists); then per record size a
 * warm-up of {@code --warmup} CPU-seconds and a measurement of {@code --seconds} CPU-seconds of whole
 * record batches, the operator's measurement ending with one checkpoint (a write-back of the cache, a
 * RocksDB snapshot and the files' upload) inside the measured time: an interval of about
 * {@code --seconds} of full load, shorter than a real job's (so conservative for the cache). CPU is the
 * process's CPU time (all threads: RocksDB's compactions, GC, JIT), which a shared machine distorts less
 * than wall time; the main thread's CPU time is printed beside it. Prints one table row per case and
 * the ratio operator / bare; then state bytes per key (a full checkpoint's size over the keys) and the
 * measured checkpoint's size and duration.
 *
 * <p>Run: {@code benchmarks/bench-operator} (builds benchmarks.jar) or
 * {@code java -Xmx4g -cp benchmarks/target/benchmarks.jar dev.keymem.bench.OperatorBench [--keys 1000,10000]
 * [--tokens 1,64] [--backends rocksdb] [--caches 0,4096,all] [--seconds 2] [--warmup 1]}.
 */
public final class OperatorBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final int POOL = 8192;
    private static final int BATCH = 64;

    private final Configuration options;
    private final double seconds;
    private final double warmup;
    private final Path work;
    private final int vocab;

    private OperatorBench(Configuration options, double seconds, double warmup, Path work) {
        this.options = options;
        this.seconds = seconds;
        this.warmup = warmup;
        this.work = work;
        MemoryModel m = MemoryModelFactory.fromOptions(options).create();
        this.vocab = m.vocabSize();
    }

    /** CPU nanoseconds: the process's and the calling thread's. */
    record Cpu(long process, long thread) {
        static Cpu now() {
            return new Cpu(OS.getProcessCpuTime(), THREADS.getCurrentThreadCpuTime());
        }

        Cpu since(Cpu start) {
            return new Cpu(process - start.process, thread - start.thread);
        }
    }

    /** A measurement: tokens over CPU time, and the checkpoint in it (0 for the bare model). */
    record Result(long tokens, Cpu cpu, long ckptBytes, double ckptMs, long ckptCpuNs) {
        double perProcessSecond() {
            return tokens / (cpu.process / 1e9);
        }

        double perThreadSecond() {
            return tokens / (cpu.thread / 1e9);
        }

        /** Tokens per process CPU-second of the records alone (the checkpoint's CPU time left out). */
        double perRecordsSecond() {
            return tokens / ((cpu.process - ckptCpuNs) / 1e9);
        }
    }

    /** Seeded records: uniformly random keys of {@code keys}, {@code tokens} random ids each. */
    List<TokenRecord> records(int keys, int tokens, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenRecord> l = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            int[] ids = new int[tokens];
            for (int j = 0; j < tokens; j++) {
                ids[j] = r.nextInt(vocab);
            }
            l.add(new TokenRecord(key(r.nextInt(keys)), ids));
        }
        return l;
    }

    static String key(int i) {
        return "key-" + i;
    }

    interface Sink {
        void accept(TokenRecord r) throws Exception;
    }

    /** Runs whole batches of {@code pool} through {@code sink} until {@code cpuSeconds} of process CPU passed. */
    static long drive(List<TokenRecord> pool, int[] cursor, double cpuSeconds, Sink sink, Runnable afterBatch)
            throws Exception {
        long end = OS.getProcessCpuTime() + (long) (cpuSeconds * 1e9);
        long tokens = 0;
        do {
            for (int i = 0; i < BATCH; i++) {
                TokenRecord r = pool.get(cursor[0]);
                cursor[0] = (cursor[0] + 1) % pool.size();
                sink.accept(r);
                tokens += r.tokenIds.length;
            }
            afterBatch.run();
        } while (OS.getProcessCpuTime() < end);
        return tokens;
    }

    /** The bare model over a HashMap of per-key states (the output buffer reused: the strictest baseline). */
    Result bare(int keys, int tokens) throws Exception {
        MemoryModel.Plain model = (MemoryModel.Plain) MemoryModelFactory.fromOptions(options).create();
        Map<String, CellState> states = new HashMap<>(keys * 2);
        for (int k = 0; k < keys; k++) {
            CellState s = model.newState();
            model.advance(s, new int[] {k % vocab}, new float[model.heads() * model.valueDim()]);
            states.put(key(k), s);
        }
        float[] out = new float[tokens * model.heads() * model.valueDim()];
        List<TokenRecord> pool = records(keys, tokens, 42);
        int[] cursor = {0};
        Sink sink = r -> model.advance(states.get(r.key), r.tokenIds, out);
        drive(pool, cursor, warmup, sink, () -> { });
        Cpu start = Cpu.now();
        long n = drive(pool, cursor, seconds, sink, () -> { });
        return new Result(n, Cpu.now().since(start), 0, 0, 0);
    }

    /** The operator on a harness, open with one record per key. */
    final class Operator implements AutoCloseable {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final Path dir;
        long checkpointId;
        long fullBytes;
        long lastStateSize;

        Operator(String kind, String backend, int keys, int cacheKeys) throws Exception {
            dir = Files.createTempDirectory(work, "op");
            Configuration c = new Configuration(options);
            c.set(MemoryOperatorOptions.STATE_CACHE_KEYS, cacheKeys);
            OneInputStreamOperator<TokenRecord, MemoryReadout> operator;
            if (kind.equals("batched")) {
                c.set(MemoryOperatorOptions.BATCH_MAX_KEYS, BATCH);
                c.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1)); // steps by size and at barriers
                operator = BatchedMemoryOperator.fromOptions(c);
            } else {
                operator = KeyedMemoryFunction.fromOptions(c).operator();
            }
            harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, r -> r.key, Types.STRING,
                    new MockEnvironmentBuilder().setMaxParallelism(128).setManagedMemorySize(256L << 20).build());
            harness.setStateBackend(stateBackend(backend, dir));
            harness.setCheckpointStorage(new FileSystemCheckpointStorage(dir.resolve("chk").toUri()));
            harness.open();
            for (int k = 0; k < keys; k++) {
                harness.processElement(new TokenRecord(key(k), new int[] {k % vocab}), 0L);
                if (k % BATCH == 0) {
                    harness.getOutput().clear();
                }
            }
            harness.getOutput().clear();
            checkpoint();
            fullBytes = lastStateSize;
        }

        Result run(int keys, int tokens) throws Exception {
            List<TokenRecord> pool = records(keys, tokens, 42);
            int[] cursor = {0};
            Sink sink = r -> harness.processElement(r, 0L);
            Runnable clear = () -> harness.getOutput().clear();
            drive(pool, cursor, warmup, sink, clear);
            checkpoint(); // the warm-up's changes are not charged to the measurement's checkpoint
            Cpu start = Cpu.now();
            long n = drive(pool, cursor, seconds, sink, clear);
            long t0 = System.nanoTime();
            Cpu c0 = Cpu.now();
            long bytes = checkpoint();
            double ms = (System.nanoTime() - t0) / 1e6;
            Cpu end = Cpu.now();
            return new Result(n, end.since(start), bytes, ms, end.since(c0).process);
        }

        /** One checkpoint, confirmed (so the next incremental one builds on it); its checkpointed bytes. */
        long checkpoint() throws Exception {
            harness.prepareSnapshotPreBarrier(++checkpointId);
            OperatorSubtaskState s = harness.snapshot(checkpointId, checkpointId);
            harness.notifyOfCompletedCheckpoint(checkpointId);
            lastStateSize = s.getStateSize();
            return s.getCheckpointedSize();
        }

        @Override
        public void close() throws Exception {
            harness.close();
            deleteRecursively(dir);
        }
    }

    static StateBackend stateBackend(String backend, Path dir) {
        if (backend.equals("hashmap")) {
            return new HashMapStateBackend();
        }
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend(true);
        rocks.setDbStoragePath(dir.resolve("db").toString());
        return rocks;
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--keys", "1000,10000,100000", "--tokens", "1,16,64,256",
                "--backends", "hashmap,rocksdb", "--operators", "keyed,batched", "--caches", "0,default,all", "--seconds", "2", "--warmup", "1",
                "--dir", "benchmarks/target/operator-bench"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!a.containsKey(args[i])) {
                System.err.println("unknown option " + args[i] + "; options: " + a.keySet());
                System.exit(2);
            }
            a.put(args[i], args[i + 1]);
        }
        Configuration options = new Configuration();
        Path work = Path.of(a.get("--dir")).toAbsolutePath();
        Files.createDirectories(work);
        OperatorBench b = new OperatorBench(options, Double.parseDouble(a.get("--seconds")),
                Double.parseDouble(a.get("--warmup")), work);
        int defaultCache = MemoryOperatorOptions.STATE_CACHE_KEYS.defaultValue();
        MemoryModel m = MemoryModelFactory.fromOptions(options).create();
        System.out.printf(Locale.ROOT, "# OperatorBench: model %s (state %d floats = %d B per key), %d CPUs, "
                        + "Java %s, max heap %d MiB, %.1f CPU-s warm-up + %.1f CPU-s measured per case%n",
                options.get(MemoryOperatorOptions.MODEL_CONFIG), m.stateSize(), 4L * m.stateSize(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, b.warmup, b.seconds);
        System.out.printf("# load before: %s%n", loadAverage());
        System.out.println("| operator | backend | keys | tokens/record | cache keys | bare tok/CPU-s | operator tok/CPU-s "
                + "| operator / bare | operator tok/CPU-s without the ckpt | operator tok/main-thread-CPU-s "
                + "| state B/key (full ckpt) "
                + "| ckpt bytes | ckpt ms | ckpt CPU ms |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        int[] keysList = ints(a.get("--keys"));
        int[] tokensList = ints(a.get("--tokens"));
        for (int t : tokensList) {
            b.bare(1000, t); // the JIT compiles the model's paths before any row is measured
        }
        for (int keys : keysList) {
            Map<Integer, Result> bare = new HashMap<>();
            for (int t : tokensList) {
                bare.put(t, b.bare(keys, t));
            }
            for (String backend : a.get("--backends").split(",")) {
                List<Integer> caches = new ArrayList<>();
                for (String c : a.get("--caches").split(",")) {
                    int ck = c.equals("default") ? defaultCache : c.equals("all") ? keys : Integer.parseInt(c);
                    if (backend.equals("hashmap")) {
                        ck = 0; // the cache applies to RocksDB only; one HashMap row
                    } else if (ck > keys) {
                        ck = keys;
                    }
                    if (!caches.contains(ck)) {
                        caches.add(ck);
                    }
                }
                List<String[]> variants = new ArrayList<>();
                for (String kind : a.get("--operators").split(",")) {
                    if (kind.equals("batched")) {
                        variants.add(new String[] {kind, "0"});
                    } else {
                        caches.forEach(ck -> variants.add(new String[] {kind, String.valueOf(ck)}));
                    }
                }
                for (String[] v : variants) {
                    int cacheKeys = Integer.parseInt(v[1]);
                    String kind = v[0].equals("batched") ? "batched-" + BATCH : v[0];
                    try (Operator op = b.new Operator(v[0], backend, keys, cacheKeys)) {
                        for (int t : tokensList) {
                            Result r = op.run(keys, t);
                            Result base = bare.get(t);
                            System.out.printf(Locale.ROOT,
                                    "| %s | %s | %d | %d | %s | %,.0f | %,.0f | %.0f%% | %,.0f | %,.0f | %,d | %,d | %.0f | %.0f |%n",
                                    kind, backend, keys, t, v[0].equals("batched") ? "-" : String.valueOf(cacheKeys),
                                    base.perProcessSecond(), r.perProcessSecond(),
                                    100 * r.perProcessSecond() / base.perProcessSecond(), r.perRecordsSecond(), r.perThreadSecond(),
                                    op.fullBytes / keys, r.ckptBytes, r.ckptMs, r.ckptCpuNs / 1e6);
                        }
                    }
                }
            }
        }
        System.out.printf("# load after: %s%n", loadAverage());
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }
}
