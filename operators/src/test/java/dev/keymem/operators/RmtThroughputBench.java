package dev.keymem.operators;

import dev.keymem.operators.OperatorTestSupport.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A rough measurement, not a test (its name matches no surefire pattern; run it with
 * {@code -Dtest=RmtThroughputBench}): memory type RMT with the committed trained artifact
 * (2 layers, d = 32, segments of 32, 4 memory tokens), the per-record operator against the batched one
 * (batches of 64 keys), same records, in the harness on the heap backend, with the scalar backend
 * (bitwise cut-independent) and the Java (Vector API) one. Warm-up round first; prints tokens per second.
 */
class RmtThroughputBench {

    @Test
    void measure() throws Exception {
        List<TokenRecord> records = records();
        long tokens = records.stream().mapToLong(r -> r.tokenIds.length).sum();
        for (String backend : List.of("scalar", "java")) {
            for (int rep = 0; rep < 3; rep++) {
                double keyed = run(RmtOperatorTest.Op.KEYED, backend, records);
                double batched = run(RmtOperatorTest.Op.BATCHED, backend, records);
                System.out.printf("RMT %s backend, round %d: per-record %.0f tokens/s, batched (64 keys) %.0f tokens/s, "
                        + "batched/per-record %.2f%n", backend, rep, tokens / keyed, tokens / batched, keyed / batched);
            }
        }
    }

    private static double run(RmtOperatorTest.Op op, String backend, List<TokenRecord> records) throws Exception {
        Configuration o = RmtOperatorTest.options(RmtOperatorTest.TRAINED);
        o.set(MemoryOperatorOptions.RMT_BACKEND, backend);
        o.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 64);
        o.set(MemoryOperatorOptions.BATCH_MAX_DELAY, java.time.Duration.ofHours(1));
        RmtOperatorTest.Run r = new RmtOperatorTest.Run(op, Backend.HASHMAP, o, null);
        long t0 = System.nanoTime();
        r.feed(records);
        r.finish();
        double s = (System.nanoTime() - t0) / 1e9;
        r.harness.close();
        return s;
    }

    /** 4,096 records of 16 tokens over 128 keys (512 tokens = 16 segments per key). */
    private static List<TokenRecord> records() {
        SplittableRandom r = new SplittableRandom(5);
        List<TokenRecord> records = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            records.add(new TokenRecord("key-" + (i % 128), r.ints(16, 0, 88).toArray()));
        }
        return records;
    }
}
