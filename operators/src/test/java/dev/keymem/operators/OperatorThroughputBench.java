package dev.keymem.operators;

import dev.keymem.models.cells.CellState;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import dev.keymem.state.CellStateSerializer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A rough throughput measurement, not a test (its name matches no surefire pattern; run it with
 * {@code -Dtest=OperatorThroughputBench}). Prints numbers; asserts nothing.
 */
class OperatorThroughputBench {

    @Test
    void measure() throws Exception {
        serializer();
        for (MemoryOperatorOptions.MemoryType type : OperatorTestSupport.tokenTypes()) {
            for (Backend b : Backend.values()) {
                operator(b, type);
            }
        }
    }

    private static void serializer() throws Exception {
        CellStateSerializer s = new CellStateSerializer();
        float[] d = new float[4 * 64 * 64];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        CellState st = new CellState(d, 123);
        DataOutputSerializer out = new DataOutputSerializer(70_000);
        CellState reuse = new CellState(d.length);
        for (int rep = 0; rep < 2; rep++) {
            int n = 5000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.clear();
                s.serialize(st, out);
                s.deserialize(reuse, new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf("CellState 64 KiB serialize+CRC+deserialize: %.1f us per round trip, %.0f MB/s%n",
                    sec / n * 1e6, (double) n * out.length() / sec / 1e6);
        }
    }

    private static void operator(Backend backend, MemoryOperatorOptions.MemoryType type) throws Exception {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, type); // default model: gated_delta H=2 K=32 V=32 d=64
        c.set(MemoryOperatorOptions.CACHING_READ, dev.keymem.models.caching.CachingSettings.ReadVariant.SSC);
        c.set(MemoryOperatorOptions.CACHING_SEGMENT_LENGTH, 128);
        int keys = 100;
        int tokens = 64;
        SplittableRandom r = new SplittableRandom(3);
        List<TokenRecord> records = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            int[] ids = new int[tokens];
            for (int j = 0; j < tokens; j++) {
                ids[j] = r.nextInt(4096);
            }
            records.add(new TokenRecord("key-" + (i % keys), ids));
        }
        if (backend == Backend.HASHMAP) {
            OperatorTestSupport.direct(c, records.subList(0, 1000));
            long d0 = System.nanoTime();
            OperatorTestSupport.direct(c, records.subList(1000, records.size()));
            double dsec = (System.nanoTime() - d0) / 1e9;
            System.out.printf("%s model alone (no Flink): %.0f records/s%n", type, 3000 / dsec);
        }
        Opened o = OperatorTestSupport.open(backend, c, null, null);
        OperatorTestSupport.feed(o, records.subList(0, 1000)); // warm-up
        long t0 = System.nanoTime();
        OperatorTestSupport.feed(o, records.subList(1000, records.size()));
        double sec = (System.nanoTime() - t0) / 1e9;
        o.harness.close();
        System.out.printf("%s %s: %.0f records/s, %.0f tokens/s (64-token records, 100 keys, 3000 records)%n",
                type, backend, 3000 / sec, 3000.0 * tokens / sec);
    }
}
