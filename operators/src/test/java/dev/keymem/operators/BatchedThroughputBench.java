package dev.keymem.operators;

import dev.keymem.operators.OperatorTestSupport.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A rough measurement, not a test (its name matches no surefire pattern; run it with
 * {@code -Dtest=BatchedThroughputBench}): the batched operator with the CPU advancer (and CPU cache
 * reader) against the per-record operator, same records, in the harness, for plain memories and
 * Memory Caching. On the CPU the step is the same cell key after
 * key, so this measures the batching overhead; the batching gain needs a device advancer.
 */
class BatchedThroughputBench {

    @Test
    void measure() throws Exception {
        List<TokenRecord> records = records();
        for (MemoryOperatorOptions.MemoryType type : List.of(MemoryOperatorOptions.MemoryType.PLAIN,
                MemoryOperatorOptions.MemoryType.CACHING)) {
            for (Backend b : Backend.values()) {
                for (int rep = 0; rep < 2; rep++) {
                    perRecord(b, type, records);
                    batched(b, type, records, 64);
                }
            }
        }
    }

    private static List<TokenRecord> records() {
        SplittableRandom r = new SplittableRandom(3);
        List<TokenRecord> records = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            int[] ids = r.ints(64, 0, 4096).toArray();
            records.add(new TokenRecord("key-" + (i % 100), ids));
        }
        return records;
    }

    /** The default model with the given memory type (CACHING: the defaults, GRM over 256-token segments). */
    private static Configuration options(MemoryOperatorOptions.MemoryType type) {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, type);
        return c;
    }

    private static void perRecord(Backend b, MemoryOperatorOptions.MemoryType type, List<TokenRecord> records)
            throws Exception {
        OperatorTestSupport.Opened o = OperatorTestSupport.open(b, options(type));
        long t0 = System.nanoTime();
        OperatorTestSupport.feed(o, records);
        double sec = (System.nanoTime() - t0) / 1e9;
        o.harness.close();
        System.out.printf("per-record %s %s: %.0f records/s (64-token records, 100 keys, %d records)%n", type, b,
                records.size() / sec, records.size());
    }

    private static void batched(Backend b, MemoryOperatorOptions.MemoryType type, List<TokenRecord> records,
                                int maxKeys) throws Exception {
        Configuration c = options(type);
        c.set(MemoryOperatorOptions.BATCH_MAX_KEYS, maxKeys);
        c.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1));
        BatchedMemoryOperatorTest.Batched o = new BatchedMemoryOperatorTest.Batched(b, c, null);
        long t0 = System.nanoTime();
        o.feedToEnd(records);
        double sec = (System.nanoTime() - t0) / 1e9;
        o.harness.close();
        System.out.printf("batched (cpu, max-keys %d) %s %s: %.0f records/s%n", maxKeys, type, b,
                records.size() / sec);
    }
}
