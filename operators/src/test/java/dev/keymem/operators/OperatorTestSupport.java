package dev.keymem.operators;

import dev.keymem.models.cells.CellState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Small model, deterministic record streams and harness plumbing shared by the operator tests. */
final class OperatorTestSupport {

    static final int VOCAB = 97;

    private OperatorTestSupport() {
    }

    enum Backend { HASHMAP, ROCKSDB }

    /** A small gated-delta model (fast in tests). */
    static Configuration options() {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MODEL_CONFIG, "{\"cell\":\"gated_delta\",\"vocab_size\":" + VOCAB
                + ",\"d_model\":12,\"heads\":2,\"key_dim\":6,\"value_dim\":5,\"chunk_size\":4}");
        c.set(MemoryOperatorOptions.MODEL_SEED, 7L);
        c.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, 64);
        return c;
    }

    static StateBackend stateBackend(Backend b) {
        if (b == Backend.HASHMAP) {
            return new HashMapStateBackend();
        }
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(tempDir("kmrdb").toString());
        return rocks;
    }

    /** A fresh directory under /tmp (short paths for RocksDB), deleted when the JVM exits. */
    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    static final class Opened {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final KeyedMemoryFunction function;
        final TaskMetricGroup metrics;

        Opened(KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness,
               KeyedMemoryFunction function, TaskMetricGroup metrics) {
            this.harness = harness;
            this.function = function;
            this.metrics = metrics;
        }
    }

    /** Opens a harness (restoring {@code restore} when not null). */
    static Opened open(Backend b, Configuration options, OperatorSubtaskState restore, TaskMetricGroup metrics)
            throws Exception {
        KeyedMemoryFunction fn = KeyedMemoryFunction.fromOptions(options);
        MockEnvironmentBuilder env = new MockEnvironmentBuilder().setMaxParallelism(128);
        if (metrics != null) {
            env.setMetricGroup(metrics);
        }
        MockEnvironment mock = env.build();
        KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), r -> r.key, Types.STRING,
                        mock);
        h.setStateBackend(stateBackend(b));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return new Opened(h, fn, metrics);
    }

    static Opened open(Backend b) throws Exception {
        return open(b, options(), null, null);
    }

    /** keys x records, interleaved in a seeded random order; each key's records keep their order. */
    static List<TokenRecord> interleaved(int keys, int recordsPerKey, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<TokenRecord>> perKey = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<TokenRecord> l = new ArrayList<>();
            for (int i = 0; i < recordsPerKey; i++) {
                int[] ids = new int[r.nextInt(1, 12)];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = r.nextInt(VOCAB);
                }
                l.add(new TokenRecord("key-" + k, ids));
            }
            perKey.add(l);
        }
        int[] next = new int[keys];
        List<TokenRecord> out = new ArrayList<>();
        int left = keys * recordsPerKey;
        while (left > 0) {
            int k = r.nextInt(keys);
            if (next[k] < recordsPerKey) {
                out.add(perKey.get(k).get(next[k]++));
                left--;
            }
        }
        return out;
    }

    static void feed(Opened o, List<TokenRecord> records) throws Exception {
        for (TokenRecord r : records) {
            o.harness.processElement(r, 0L);
        }
    }

    /** Outputs grouped by key, in emission order. */
    static Map<String, List<MemoryReadout>> byKey(List<MemoryReadout> outs) {
        Map<String, List<MemoryReadout>> m = new LinkedHashMap<>();
        for (MemoryReadout o : outs) {
            m.computeIfAbsent(o.key, k -> new ArrayList<>()).add(o);
        }
        return m;
    }

    /** The stored online state of each key (a copy), read through the keyed state backend. */
    static Map<String, CellState> states(Opened o, Iterable<String> keys) throws Exception {
        Map<String, CellState> m = new LinkedHashMap<>();
        for (String k : keys) {
            o.harness.getOperator().setCurrentKey(k);
            CellState s = o.harness.getOperator().getKeyedStateBackend()
                    .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                            o.function.onlineDescriptor())
                    .value();
            m.put(k, s == null ? null : s.copy());
        }
        return m;
    }
}
