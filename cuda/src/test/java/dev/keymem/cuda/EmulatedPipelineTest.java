package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
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
        return CudaGatedDelta.emulated(spec(kind), new CudaGatedDelta.Options(4, false, cache, workspace), MEMORY);
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
    void smallWorkspaceSplitsIntoGroupsWithSameResults() {
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 20_000, 8)) {
            ParityChecks.checkBatch(gpu, new int[] {9, 5, 1, 4, 17, 3, 8, 12}, 12, 1e-4);
            assertTrue(gpu.lastTimes().groups() > 2, "expected several groups, got " + gpu.lastTimes().groups());
        }
    }

    @Test
    void chunkingAcrossStepsDoesNotChangeResults() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 8)) {
            TokenChunk whole = RandomInputs.chunk(spec, 19, 5);
            CellState a = ParityChecks.randomState(spec, 3);
            CellState b = a.copy();
            float[] outA = new float[19 * 2 * 6];
            gpu.advance(new CellState[] {a}, new TokenChunk[] {whole}, new float[][] {outA});
            float[] outB = new float[19 * 2 * 6];
            int[] cuts = {0, 3, 4, 11, 19};
            for (int i = 0; i + 1 < cuts.length; i++) {
                float[] part = new float[(cuts[i + 1] - cuts[i]) * 2 * 6];
                gpu.advance(new CellState[] {b}, new TokenChunk[] {whole.slice(cuts[i], cuts[i + 1])}, new float[][] {part});
                System.arraycopy(part, 0, outB, cuts[i] * 12, part.length);
            }
            assertTrue(Float64Reference.relError(outB, outA) < 1e-5, "outputs differ across cuts");
            assertTrue(Float64Reference.relError(b.data(), a.data()) < 1e-5, "states differ across cuts");
            assertEquals(a.position(), b.position());
        }
    }

    @Test
    void residentCacheEvictsAndFlushesCorrectly() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        int keys = 6;
        SplittableRandom rnd = new SplittableRandom(99);
        CellState[] host = new CellState[keys];
        double[][] ref = new double[keys][];
        for (int i = 0; i < keys; i++) {
            host[i] = ParityChecks.randomState(spec, 500 + i);
            ref[i] = RandomInputs.toDouble(host[i].data());
        }
        try (CudaGatedDelta gpu = open(CellKind.GATED_DELTA, 0, 3)) {
            for (int step = 0; step < 6; step++) {
                // three distinct keys per step, so the cache of 3 must evict between steps
                int[] pick = rnd.ints(0, keys).distinct().limit(3).toArray();
                long[] ids = new long[3];
                CellState[] st = new CellState[3];
                TokenChunk[] ch = new TokenChunk[3];
                float[][] outs = new float[3][];
                for (int j = 0; j < 3; j++) {
                    int key = pick[j];
                    ids[j] = 1000 + key;
                    st[j] = host[key];
                    ch[j] = RandomInputs.chunk(spec, 1 + rnd.nextInt(9), step * 100 + key);
                    outs[j] = ParityChecks.poisoned(ch[j].length() * 12);
                }
                gpu.advanceResident(ids, st, ch, outs);
                for (int j = 0; j < 3; j++) {
                    int key = pick[j];
                    TokenChunk c = ch[j];
                    Float64Reference.Result r = Float64Reference.run(spec.kind(), c.length(), 2, 8, 6, c.q(), c.k(), c.v(),
                            c.beta(), c.g(), spec.scale(), false, ref[key], null);
                    ref[key] = r.state();
                    double e = Float64Reference.relError(outs[j], r.out());
                    assertTrue(e < 1e-4, "step " + step + " key " + key + " output error " + e);
                }
                assertTrue(gpu.residentCount() <= 3);
            }
            gpu.flush();
            for (int i = 0; i < keys; i++) {
                double e = Float64Reference.relError(host[i].data(), ref[i]);
                assertTrue(e < 1e-4, "key " + i + " state after flush, error " + e);
            }
            // flushed and clean: a second flush writes nothing
            assertEquals(0, gpu.flush());
            // evict writes back and frees the slot; invalidate drops without write-back
            long someId = 1000 + 0;
            gpu.evict(someId);
            gpu.invalidate(someId);
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
