package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.rmt.RmtModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RMT end to end on a MiniCluster (loopback only), as {@link KeyedMemoryFailoverIT} runs the other
 * memories: its deterministic stream of records over 7 keys (token ids taken modulo the trained
 * model's vocabulary), the per-record or the batched operator with the committed trained artifact at
 * parallelism 2 on RocksDB with incremental checkpoints, one injected failure after a checkpoint. The
 * exactly-once collect sink gives each key's reads once, in order, and they must equal bit for bit a
 * failure-free run and the reference of the key's whole stream from the model's own segment runs.
 */
class RmtFailoverIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(KeyedMemoryFailoverIT.loopback())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    @ParameterizedTest
    @EnumSource(RmtOperatorTest.Op.class)
    void outputsAfterAFailureEqualAFailureFreeRunAndTheReference(RmtOperatorTest.Op op) throws Exception {
        Path artifact = RmtOperatorTest.TRAINED.toAbsolutePath().normalize();
        RmtModel model = RmtOperatorTest.model(artifact);
        int vocab = model.config().vocabSize();
        Configuration options = RmtOperatorTest.options(artifact);
        options.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 3);
        options.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofMillis(5));
        Function<KeyedStream<TokenRecord, String>, DataStream<MemoryReadout>> memory = keyed -> {
            KeyedStream<TokenRecord, String> inVocab = keyed.map(r -> inVocab(r, vocab)).keyBy(r -> r.key);
            return op == RmtOperatorTest.Op.KEYED
                    ? inVocab.process(KeyedMemoryFunction.fromOptions(options)).uid("keymem-memory")
                    : BatchedMemoryOperator.apply(inVocab, options).uid("keymem-batched");
        };

        Map<String, List<Integer>> streams = new HashMap<>();
        for (long n = 0; n < KeyedMemoryFailoverIT.RECORDS; n++) {
            TokenRecord r = inVocab(KeyedMemoryFailoverIT.record(n), vocab);
            List<Integer> l = streams.computeIfAbsent(r.key, k -> new ArrayList<>());
            for (int t : r.tokenIds) {
                l.add(t);
            }
        }
        Path dir = OperatorTestSupport.tempDir("kmrmtit");
        Map<String, float[]> clean = reads(KeyedMemoryFailoverIT.run(dir.resolve("clean"), options, false, memory));
        Map<String, float[]> recovered = reads(KeyedMemoryFailoverIT.run(dir.resolve("failover"), options, true,
                memory));
        assertTrue(KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.FAILED.get(), "the failure was never injected");
        assertTrue(KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.RESTORED.get(),
                "the job did not restart from a checkpoint");
        assertEquals(streams.keySet(), clean.keySet());
        assertEquals(streams.keySet(), recovered.keySet());
        for (Map.Entry<String, List<Integer>> e : streams.entrySet()) {
            float[] ref = RmtOperatorTest.reference(model, e.getValue().stream().mapToInt(Integer::intValue).toArray());
            assertArrayEquals(KeyedMemoryFunctionTest.bits(ref), KeyedMemoryFunctionTest.bits(clean.get(e.getKey())),
                    e.getKey() + ": failure-free run vs reference");
            assertArrayEquals(KeyedMemoryFunctionTest.bits(ref),
                    KeyedMemoryFunctionTest.bits(recovered.get(e.getKey())), e.getKey() + ": run with a failure");
        }
    }

    static TokenRecord inVocab(TokenRecord r, int vocab) {
        int[] ids = r.tokenIds.clone();
        for (int i = 0; i < ids.length; i++) {
            ids[i] %= vocab;
        }
        return new TokenRecord(r.key, ids);
    }

    /** Each key's reads in stream order (checked contiguous: no duplicates, no losses). */
    static Map<String, float[]> reads(Map<String, List<MemoryReadout>> byKey) {
        List<MemoryReadout> all = new ArrayList<>();
        byKey.values().forEach(all::addAll);
        return RmtOperatorTest.concat(all);
    }
}
