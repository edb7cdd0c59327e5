package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched keyed Flink operator ({@link BatchedMemoryOperator}) on a real CUDA device, configured as a
 * user would: {@code keymem.batch.advancer} = {@link CudaAdvancerFunction} or
 * {@link ResidentCudaAdvancerFunction}, {@code keymem.batch.cache-reader} = {@link CudaCacheReaderFunction}
 * (device 0, default options: FP32 products, chunk 64). The scenarios of GpuOperatorEmulatedTest
 * ({@link OperatorRuns}: PLAIN and CACHING gated_delta memories, records crossing segment boundaries, a
 * checkpoint restored into a fresh operator, keys expiring and starting again) at K = V = 64 and 128;
 * every read and stored state within 1e-4 relative of the same operator on the CPU advancer and reader.
 * HashMap state backend only: RocksDB's natives do not fit the 64 MiB bundle the GPU host gets (see
 * {@link OperatorRuns}). Skipped, with the reason printed, where no CUDA device is usable, as on CI;
 * run on a GPU host through GpuOperatorTestMain (cuda/bench-bundle.sh --operator, cuda/gpu-run.sh).
 */
class GpuOperatorDeviceTest {

    private static String missing;

    @BeforeAll
    static void probe() {
        missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            System.out.println("GpuOperatorDeviceTest SKIPPED: " + missing);
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(missing == null, () -> "no CUDA device usable here: " + missing);
    }

    private static Configuration cpu(MemoryType type, int heads, int kv) {
        return OperatorRuns.options(type, heads, kv, 64, "cpu", "cpu");
    }

    private static Configuration device(MemoryType type, int heads, int kv, Class<?> advancer) {
        return OperatorRuns.options(type, heads, kv, 64, advancer.getName(), CudaCacheReaderFunction.class.getName());
    }

    private static Class<?> advancer(boolean resident) {
        return resident ? ResidentCudaAdvancerFunction.class : CudaAdvancerFunction.class;
    }

    @ParameterizedTest(name = "{0} H={1} K=V={2} resident={3}")
    @CsvSource({
        "PLAIN, 4, 64, false", "PLAIN, 4, 64, true", "PLAIN, 2, 128, false", "PLAIN, 2, 128, true",
        "CACHING, 4, 64, false", "CACHING, 4, 64, true", "CACHING, 2, 128, false", "CACHING, 2, 128, true"})
    void theOperatorOnTheDeviceEqualsTheCpuOperatorAcrossARestore(MemoryType type, int heads, int kv,
                                                                  boolean resident) throws Exception {
        long t0 = System.nanoTime();
        OperatorRuns.Outcome o = OperatorRuns.restoreScenario(cpu(type, heads, kv),
                device(type, heads, kv, advancer(resident)), OperatorRuns.records(8, 8, 40 + kv + (resident ? 1 : 0)));
        System.out.printf("GPU operator %s H=%d K=V=%d %s: max rel difference vs CPU %.3g, %d steps, %d state syncs"
                        + " (%.1f s with the CPU reference and Flink harnesses)%n", type, heads, kv,
                advancer(resident).getSimpleName(), o.maxRel(), o.steps(), o.stateSyncs(),
                (System.nanoTime() - t0) / 1e9);
        assertTrue(o.steps() > 0);
        // resident: checkpoints 1 and 2 in the first instance, 3 and the end of input in the restored one
        assertEquals(resident ? 4 : 0, o.stateSyncs());
        if (type == MemoryType.CACHING) {
            assertTrue(o.crossedSegments(), "no record crossed a segment boundary");
        }
    }

    @Test
    void expiredKeysStartAgainAndTheDeviceReaderForgetsTheirCaches() throws Exception {
        double e = OperatorRuns.expiryScenario(cpu(MemoryType.CACHING, 4, 64),
                device(MemoryType.CACHING, 4, 64, ResidentCudaAdvancerFunction.class), 41);
        System.out.printf("GPU operator CACHING H=4 K=V=64 with expiry: max rel difference vs CPU %.3g%n", e);
    }
}
