package dev.keymem.bench;

import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.KeyedMemoryFunction;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryReadout;
import dev.keymem.operators.TokenRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * RMT in the operators, per-record against batched: memory type RMT with a trained artifact (default the
 * committed {@code training/artifacts/rmt-detect-memorize}: 2 layers, d = 32, segments of 32, 4 memory
 * tokens), the per-record {@link KeyedMemoryFunction} operator against the {@link BatchedMemoryOperator}
 * (batches of 64 keys, stepping by size and at the end of input), on the same records (default 4,096
 * records of 16 random token ids over 128 keys: 512 tokens = 16 segments per key), in Flink's operator
 * test harness on the HashMap backend, with the RMT backends {@code scalar} (bitwise cut-independent)
 * and {@code java} (Vector API). Each round runs a fresh operator over all records; round 0 is a
 * warm-up (JIT), not counted in the summary. Prints per round tokens per second of wall time and per
 * CPU-second of the process (all threads), and the ratio batched / per-record; then the median of
 * the measured rounds. Replaces the former {@code RmtThroughputBench} test class of the operators module.
 *
 * <p>Run: {@code benchmarks/bench-rmt [--rounds 4] [--records 4096] [--keys 128] [--tokens 16]
 * [--backends scalar,java] [--artifact DIR]} (from the repository root; builds benchmarks.jar).
 */
public final class RmtBench {

    private RmtBench() {
    }

    /** One run of an operator over all records: tokens, wall and process CPU nanoseconds. */
    record Run(long tokens, long wallNs, long cpuNs) {
        double perSecond() {
            return tokens / (wallNs / 1e9);
        }

        double perCpuSecond() {
            return tokens / (cpuNs / 1e9);
        }
    }

    static List<TokenRecord> records(int n, int keys, int tokens, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<TokenRecord> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(new TokenRecord("key-" + (i % keys), r.ints(tokens, 0, vocab).toArray()));
        }
        return records;
    }

    static Run run(boolean batched, Configuration options, List<TokenRecord> records) throws Exception {
        OneInputStreamOperator<TokenRecord, MemoryReadout> operator = batched
                ? BatchedMemoryOperator.fromOptions(options)
                : KeyedMemoryFunction.fromOptions(options).operator();
        long tokens = 0;
        long t0 = System.nanoTime();
        long c0 = OperatorBench.Cpu.now().process();
        try (KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> h =
                     new KeyedOneInputStreamOperatorTestHarness<>(operator, r -> r.key, Types.STRING,
                             new MockEnvironmentBuilder().setMaxParallelism(128).build())) {
            h.setStateBackend(new HashMapStateBackend());
            h.open();
            int i = 0;
            for (TokenRecord r : records) {
                h.processElement(r, 0L);
                tokens += r.tokenIds.length;
                if (++i % 1024 == 0) {
                    h.getOutput().clear();
                }
            }
            if (batched) {
                h.endInput();
            }
        }
        return new Run(tokens, System.nanoTime() - t0, OperatorBench.Cpu.now().process() - c0);
    }

    static double median(List<Double> l) {
        List<Double> s = new ArrayList<>(l);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--rounds", "4", "--records", "4096", "--keys", "128",
                "--tokens", "16", "--backends", "scalar,java", "--artifact", "training/artifacts/rmt-detect-memorize"));
        for (int i = 0; i < args.length; i += 2) {
            if (!a.containsKey(args[i]) || i + 1 >= args.length) {
                System.err.println("RmtBench: bad option " + args[i] + "; options (each with a value): " + a.keySet());
                System.exit(2);
            }
            a.put(args[i], args[i + 1]);
        }
        Path artifact = Path.of(a.get("--artifact"));
        if (!Files.isDirectory(artifact)) {
            System.err.println("RmtBench: no RMT artifact at " + artifact.toAbsolutePath()
                    + " (run from the repository root or pass --artifact DIR)");
            System.exit(2);
        }
        int rounds = Integer.parseInt(a.get("--rounds"));
        int tokensPerRecord = Integer.parseInt(a.get("--tokens"));
        List<TokenRecord> records = records(Integer.parseInt(a.get("--records")), Integer.parseInt(a.get("--keys")),
                tokensPerRecord, 88, 5);
        System.out.printf(Locale.ROOT, "# RmtBench: artifact %s, %d records of %d tokens over %s keys, HashMap backend, "
                        + "%d CPUs, Java %s; round 0 is a warm-up%n", artifact, records.size(), tokensPerRecord,
                a.get("--keys"), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.printf("# load before: %s%n", OperatorBench.loadAverage());
        System.out.println("| RMT backend | round | per-record tok/s | batched (64 keys) tok/s | per-record tok/CPU-s "
                + "| batched tok/CPU-s | batched / per-record (CPU) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        Map<String, double[]> summary = new java.util.LinkedHashMap<>();
        for (String backend : a.get("--backends").split(",")) {
            Configuration o = new Configuration();
            o.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.RMT);
            o.set(MemoryOperatorOptions.RMT_ARTIFACT, artifact.toString());
            o.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, Math.max(64, tokensPerRecord));
            o.set(MemoryOperatorOptions.RMT_BACKEND, backend);
            o.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 64);
            o.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1));
            List<Double> keyed = new ArrayList<>();
            List<Double> batched = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                Run k = run(false, o, records);
                Run b = run(true, o, records);
                System.out.printf(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %,.0f | %.2f |%n", backend, round,
                        k.perSecond(), b.perSecond(), k.perCpuSecond(), b.perCpuSecond(),
                        b.perCpuSecond() / k.perCpuSecond());
                if (round > 0 || rounds == 1) {
                    keyed.add(k.perCpuSecond());
                    batched.add(b.perCpuSecond());
                }
            }
            summary.put(backend, new double[] {median(keyed), median(batched)});
        }
        System.out.println();
        System.out.println("| RMT backend | per-record tok/CPU-s (median) | batched tok/CPU-s (median) | batched / per-record |");
        System.out.println("|---|---:|---:|---:|");
        summary.forEach((backend, m) -> System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f |%n",
                backend, m[0], m[1], m[1] / m[0]));
        System.out.printf("# load after: %s%n", OperatorBench.loadAverage());
    }
}
