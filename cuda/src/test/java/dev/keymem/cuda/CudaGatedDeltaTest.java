package dev.keymem.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real CUDA path (NVRTC-compiled kernels, cuBLAS) against the float64 oracle and the CPU cell.
 * Skipped, with the reason printed and recorded, where no CUDA driver, device or CUDA 13 library
 * (libcudart/libcublas/libnvrtc .so.13) is present, as on CI.
 */
class CudaGatedDeltaTest {

    private static String missing;

    @BeforeAll
    static void probe() {
        missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            System.out.println("CudaGatedDeltaTest SKIPPED: " + missing);
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(missing == null, () -> "no CUDA device usable here: " + missing);
    }

    private static final int[] LENGTHS = {1, 63, 64, 65, 0, 130, 256, 7};

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void matchesFloat64Reference(CellKind kind) {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(kind, 4, 64, 64, 64), CudaGatedDelta.Options.defaults())) {
            double e = ParityChecks.checkBatch(gpu, LENGTHS, 21, 1e-3);
            System.out.println("GPU " + kind + " K=V=64 max rel error vs float64: " + e + " on " + gpu.deviceDescription());
        }
    }

    @Test
    void gatedDeltaK128MatchesFloat64Reference() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 128, 128, 64),
                CudaGatedDelta.Options.defaults())) {
            double e = ParityChecks.checkBatch(gpu, LENGTHS, 22, 1e-3);
            System.out.println("GPU gated_delta K=V=128 FP32 max rel error vs float64: " + e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"DELTA", "GATED_DELTA"})
    void plainStateUpdateMatchesFloat64Reference(CellKind kind) {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(kind, 4, 128, 128, 64), CudaGatedDelta.Options.defaults())) {
            gpu.setFusedStateUpdate(false);
            ParityChecks.checkBatch(gpu, LENGTHS, 26, 1e-3);
        }
    }

    @Test
    void oddShapesWithThePlainStateUpdate() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 3, 12, 20, 16),
                CudaGatedDelta.Options.defaults().withChunk(16))) {
            gpu.setFusedStateUpdate(false);
            ParityChecks.checkBatch(gpu, new int[] {1, 15, 16, 17, 50}, 27, 1e-3);
        }
    }

    @Test
    void wideShapesSpanSeveralStateTiles() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 2, 96, 136, 64),
                CudaGatedDelta.Options.defaults())) {
            ParityChecks.checkBatch(gpu, new int[] {1, 64, 100, 129}, 28, 1e-3);
        }
    }

    @Test
    void gatedDeltaTf32StaysWithin1e3() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 128, 128, 64),
                CudaGatedDelta.Options.defaults().withTf32(true))) {
            double e = ParityChecks.checkBatch(gpu, LENGTHS, 23, 1e-3);
            System.out.println("GPU gated_delta K=V=128 TF32 max rel error vs float64: " + e);
        }
    }

    @Test
    void oddShapesAndSmallChunk() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 3, 12, 20, 16),
                CudaGatedDelta.Options.defaults().withChunk(16))) {
            ParityChecks.checkBatch(gpu, new int[] {1, 15, 16, 17, 50}, 24, 1e-3);
        }
    }

    @Test
    void groupsUnderASmallWorkspaceGiveTheSameResults() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64),
                CudaGatedDelta.Options.defaults().withWorkspaceBytes(8L << 20))) {
            ParityChecks.checkBatch(gpu, LENGTHS, 25, 1e-3);
            System.out.println("GPU groups under an 8 MB workspace: " + gpu.lastTimes().groups());
        }
    }

    @Test
    void pipelinedGroupsOfManyKeysStayExact() {
        int[] lengths = new int[300];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = 1 + (i * 37) % 200;
        }
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 32, 32, 64),
                CudaGatedDelta.Options.defaults().withWorkspaceBytes(16L << 20))) {
            for (int rep = 0; rep < 2; rep++) {
                ParityChecks.checkBatch(gpu, lengths, 40 + rep, 1e-3);
            }
            System.out.println("GPU pipelined groups for 300 keys: " + gpu.lastTimes().groups());
        }
    }

    @Test
    void chunkingAcrossStepsDoesNotChangeResults() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64),
                CudaGatedDelta.Options.defaults())) {
            ParityChecks.checkChunkingInvariance(gpu, 300, new int[] {0, 1, 64, 100, 229, 300}, 1e-4);
        }
    }

    @Test
    void residentCacheEvictsAndFlushes() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64),
                CudaGatedDelta.Options.defaults().withCacheCapacity(5))) {
            ParityChecks.checkResidentCache(gpu, 12, 4, 8, 150, 1e-3);
        }
    }

    @Test
    void residentSteadyStateRunsInPlace() {
        try (CudaGatedDelta gpu = CudaGatedDelta.open(CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64),
                CudaGatedDelta.Options.defaults().withCacheCapacity(64))) {
            ParityChecks.checkResidentSteadyState(gpu, 40, 3, 100, 1e-3);
            org.junit.jupiter.api.Assertions.assertEquals(2, gpu.inPlaceGroups, "steps 2 and 3 run on the pool in place");
        }
    }

    @Test
    void agreesWithTheCpuCell() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        try (CudaGatedDelta gpu = CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults())) {
            double e = ParityChecks.checkAgainstCpu(gpu, Cells.recurrent(spec), new int[] {100, 3, 64}, 1e-3);
            System.out.println("GPU vs CPU recurrent cell max rel difference: " + e);
            e = ParityChecks.checkAgainstCpu(gpu, Cells.chunked(spec, Backends.java()), new int[] {100, 3, 64}, 1e-3);
            System.out.println("GPU vs CPU chunked cell max rel difference: " + e);
        }
    }
}
