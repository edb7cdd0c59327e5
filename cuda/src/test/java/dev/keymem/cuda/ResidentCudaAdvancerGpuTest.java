package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ResidentCudaAdvancer} on a real CUDA device: the simulated operator loop of
 * ResidentCudaAdvancerTest (random key subsets and lengths, flushes at random points, new objects
 * after flushes, a cache smaller than the key count). Skipped, with the reason printed, where no
 * CUDA device is usable, as on CI.
 */
class ResidentCudaAdvancerGpuTest {

    private static String missing;

    @BeforeAll
    static void probe() {
        missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            System.out.println("ResidentCudaAdvancerGpuTest SKIPPED: " + missing);
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(missing == null, () -> "no CUDA device usable here: " + missing);
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void simulatedOperatorLoopMatchesTheCpuCellAndFloat64(CellKind kind) {
        CellSpec spec = CellSpec.of(kind, 2, 64, 64, 64);
        CudaGatedDelta.Options options = CudaGatedDelta.Options.defaults().withCacheCapacity(12);
        try (ResidentCudaAdvancer gpu = ResidentCudaAdvancer.open(spec, options)) {
            // FP32 on the device vs the CPU cell: summation orders differ, so 1e-4 (float64: 1e-3, as CudaGatedDeltaTest)
            ResidentLoop.Result r = ResidentLoop.run(gpu, 30, 16, 150, 0.3, 60 + kind.ordinal(), 1e-4, 1e-3);
            assertTrue(r.flushes() >= 2, r.toString());
            System.out.println("GPU resident loop " + kind + ": " + r + " on " + gpu.device().deviceDescription());
        }
    }
}
