package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The CUDA pipeline's host side (slot layout, padding of variable lengths, grouping under a memory
 * budget, the resident cache with eviction and flush) run on the plain-Java emulated device, which
 * executes the same kernel and GEMM calls in float32. Runs everywhere, GPU or not; the real kernels
 * are checked by CudaGatedDeltaTest where a GPU is present.
 */
class EmulatedPipelineTest {

    private static final long MEMORY = 64L << 20;

    private static CellSpec spec(CellKind kind) {
        return CellSpec.of(kind, 2, 8, 6, 4);
    }

    private static CudaGatedDelta open(CellKind kind, long workspace, int cache) {
        return CudaGatedDelta.emulated(spec(kind), new CudaGatedDelta.Options(4, CudaGatedDelta.Precision.FP32, cache, workspace), MEMORY);
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void plainStateUpdateMatchesFloat64Reference(CellKind kind) {
        try (CudaGatedDelta gpu = open(kind, 0, 8)) {
            gpu.setFusedStateUpdate(false);
            ParityChecks.checkBatch(gpu, new int[] {9, 0, 1, 4, 17}, 15, 1e-4);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void matchesFloat64ReferenceWithVariableLengths(CellKind kind) {
        try (CudaGatedDelta gpu = open(kind, 0, 8)) {
            ParityChecks.checkBatch(gpu, new int[] {9, 0, 1, 4, 17, 3, 8}, 11, 1e-4);
            assertEquals(1, gpu.lastTimes().groups());
        }
    }

    @Test
    void manyKeysTakeTheParallelPackingPath() {
        int[] lengths = new int[40];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = (i * 7) % 11;
        }
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 64)) {
            ParityChecks.checkBatch(gpu, lengths, 13, 1e-4);
        }
    }

    @Test
    void profilingReportsEveryOperation() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            gpu.setProfiling(true);
            ParityChecks.checkBatch(gpu, new int[] {9, 2}, 14, 1e-4);
            assertTrue(gpu.profile().keySet().containsAll(java.util.List.of("prep", "step fused S = exp(G_C) S + Kd^T U", "out layout")),
                    gpu.profile().toString());
        }
    }

    @Test
    void smallWorkspaceSplitsIntoGroupsWithSameResults() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 20_000, 8)) {
            ParityChecks.checkBatch(gpu, new int[] {9, 5, 1, 4, 17, 3, 8, 12}, 12, 1e-4);
            assertTrue(gpu.lastTimes().groups() > 2, "expected several groups, got " + gpu.lastTimes().groups());
        }
    }

    @Test
    void chunkingAcrossStepsDoesNotChangeResults() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            ParityChecks.checkChunkingInvariance(gpu, 19, new int[] {0, 3, 4, 11, 19}, 1e-5);
        }
    }

    @Test
    void residentCacheEvictsAndFlushesCorrectly() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 3)) {
            ParityChecks.checkResidentCache(gpu, 6, 3, 6, 9, 1e-4);
            assertTrue(gpu.evict(1000));
            assertTrue(!gpu.invalidate(1000));
        }
    }

    @Test
    void residentSteadyStateRunsInPlace() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            gpu.setProfiling(true);
            ParityChecks.checkResidentSteadyState(gpu, 5, 3, 6, 1e-4);
            assertTrue(gpu.profile().containsKey("resident gather"), "the first step loads the keys through the gather");
            assertEquals(2, gpu.inPlaceGroups, "steps 2 and 3 run in place");
            for (long id = 77; id < 82; id++) {
                assertTrue(gpu.invalidate(id));
            }
            // freed slots are reused smallest first, so the keys land in consecutive slots again
            ParityChecks.checkResidentSteadyState(gpu, 5, 3, 6, 1e-4);
            assertEquals(4, gpu.inPlaceGroups, "after invalidation the reloaded keys run in place again");
        }
    }

    @Test
    void agreesWithTheCpuRecurrentAndChunkedCells() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            ParityChecks.checkAgainstCpu(gpu, Cells.recurrent(spec(CellKind.GATED_DELTA)), new int[] {5, 0, 13}, 1e-4);
            ParityChecks.checkAgainstCpu(gpu, Cells.chunked(spec(CellKind.GATED_DELTA), Backends.java()), new int[] {5, 0, 13}, 1e-4);
        }
    }

    @Test
    void flushBeforeAnyEvictionWritesStatesBack() {
        CellSpec spec = spec(CellKind.DELTA);
        try (CudaGatedDelta gpu = open(CellKind.DELTA, 0, 8)) {
            CellState s = ParityChecks.randomState(spec, 1);
            float[] before = s.data().clone();
            TokenChunk c = RandomInputs.chunk(spec, 6, 2);
            gpu.advanceResident(new long[] {5}, new CellState[] {s}, new TokenChunk[] {c}, new float[][] {new float[72]});
            assertArrayEquals(before, s.data(), "host array must stay untouched until flush");
            assertEquals(1, gpu.flush());
            Float64Reference.Result r = Float64Reference.run(CellKind.DELTA, 6, 2, 8, 6, c.q(), c.k(), c.v(), c.beta(), null,
                    spec.scale(), false, RandomInputs.toDouble(before), null);
            assertTrue(Float64Reference.relError(s.data(), r.state()) < 1e-4);
        }
    }

    @Test
    void rejectsBadInputsWithClearMessages() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            CellSpec spec = spec(CellKind.GATED_DELTA);
            TokenChunk c = RandomInputs.chunk(spec, 3, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gpu.advance(new CellState[] {new CellState(5)}, new TokenChunk[] {c}, new float[][] {new float[36]}));
            assertTrue(e.getMessage().contains("key 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> gpu.advanceResident(new long[] {1, 1},
                    new CellState[] {ParityChecks.randomState(spec, 1), ParityChecks.randomState(spec, 2)},
                    new TokenChunk[] {c, c}, new float[][] {new float[36], new float[36]}));
            assertTrue(e.getMessage().contains("twice"), e.getMessage());
        }
        assertThrows(UnsupportedOperationException.class,
                () -> CudaGatedDelta.emulated(spec(CellKind.DELTA).withNormalize(true), CudaGatedDelta.Options.defaults(), MEMORY));
    }
}
