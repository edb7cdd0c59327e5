package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.io.Flushable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ResidentCudaAdvancer}'s host logic (object identity to key ids, flush, invalidation,
 * eviction) on the plain-Java emulated device, so it runs in CI without a GPU; the same loop on a
 * real device is in ResidentCudaAdvancerGpuTest.
 */
class ResidentCudaAdvancerTest {

    private static final long MEMORY = 64L << 20;

    private static CellSpec spec(CellKind kind) {
        return CellSpec.of(kind, 2, 8, 6, 4);
    }

    private static ResidentCudaAdvancer open(CellKind kind, int cache) {
        return new ResidentCudaAdvancer(CudaGatedDelta.emulated(spec(kind),
                new CudaGatedDelta.Options(4, CudaGatedDelta.Precision.FP32, cache, 0), MEMORY));
    }

    private static BatchAdvancer cpu(CellSpec spec) {
        return BatchAdvancer.of(Cells.chunked(spec, Backends.java()));
    }

    private static float[] advanceOne(BatchAdvancer a, CellState s, TokenChunk c) {
        float[] out = new float[c.length() * c.heads() * c.valueDim()];
        a.advance(new CellState[] {s}, new TokenChunk[] {c}, new float[][] {out});
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void simulatedOperatorLoopMatchesTheCpuCellAndFloat64(CellKind kind) {
        // 14 keys through a cache of 5: every step of more than 5 keys evicts (writing back)
        try (ResidentCudaAdvancer gpu = open(kind, 5)) {
            ResidentLoop.Result r = ResidentLoop.run(gpu, 14, 24, 11, 0.3, 40 + kind.ordinal(), 1e-5, 1e-4);
            assertTrue(r.flushes() >= 3, "expected several flushes: " + r);
            assertTrue(r.restoredCopies() > 0 && r.restoredSame() > 0, "both restore forms must occur: " + r);
            System.out.println("resident loop " + kind + " (emulated): " + r);
        }
    }

    @Test
    void aLargeCacheKeepsEveryKeyResidentBetweenFlushes() {
        try (ResidentCudaAdvancer gpu = open(CellKind.GATED_DELTA, 64)) {
            ResidentLoop.run(gpu, 10, 12, 9, 0.2, 7, 1e-5, 1e-4);
            assertEquals(0, gpu.device().residentCount(), "flush invalidates the device copies");
        }
    }

    @Test
    void eachKeysOutputsEqualThatKeyAlone() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        int n = 9;
        int[] lengths = {5, 0, 12, 1, 7, 4, 9, 3, 8};
        CellState[] together = new CellState[n];
        TokenChunk[][] chunks = new TokenChunk[2][n];
        for (int i = 0; i < n; i++) {
            together[i] = ParityChecks.randomState(spec, 300 + i);
            chunks[0][i] = RandomInputs.chunk(spec, lengths[i], 900 + i);
            chunks[1][i] = RandomInputs.chunk(spec, lengths[n - 1 - i], 950 + i);
        }
        CellState[] initial = new CellState[n];
        for (int i = 0; i < n; i++) {
            initial[i] = together[i].copy();
        }
        float[][][] outs = new float[2][n][];
        try (ResidentCudaAdvancer gpu = open(CellKind.GATED_DELTA, 4)) {
            for (int step = 0; step < 2; step++) {
                for (int i = 0; i < n; i++) {
                    outs[step][i] = ParityChecks.poisoned(chunks[step][i].length() * spec.heads() * spec.valueDim());
                }
                gpu.advance(together, chunks[step], outs[step]);
            }
            gpu.flush();
        }
        for (int i = 0; i < n; i++) {
            try (ResidentCudaAdvancer alone = open(CellKind.GATED_DELTA, 4)) {
                CellState s = initial[i].copy();
                for (int step = 0; step < 2; step++) {
                    float[] out = advanceOne(alone, s, chunks[step][i]);
                    double e = Float64Reference.relError(outs[step][i], out);
                    int key = i;
                    int st = step;
                    assertTrue(e <= 1e-6, () -> "key " + key + " step " + st + ": batched output differs from alone by " + e);
                }
                alone.flush();
                assertTrue(Float64Reference.relError(together[i].data(), s.data()) <= 1e-6, "state of key " + i);
            }
        }
    }

    @Test
    void hostArraysAreStaleUntilFlushAndCurrentAfter() {
        CellSpec spec = spec(CellKind.DELTA);
        try (ResidentCudaAdvancer gpu = open(CellKind.DELTA, 8)) {
            CellState a = ParityChecks.randomState(spec, 1);
            CellState b = ParityChecks.randomState(spec, 2);
            CellState ca = a.copy();
            CellState cb = b.copy();
            float[] a0 = a.data().clone();
            BatchAdvancer cpu = cpu(spec);
            for (int step = 0; step < 3; step++) {
                TokenChunk x = RandomInputs.chunk(spec, 3 + step, 10 + step);
                TokenChunk y = RandomInputs.chunk(spec, 6, 20 + step);
                gpu.advance(new CellState[] {a, b}, new TokenChunk[] {x, y}, new float[][] {new float[200], new float[200]});
                cpu.advance(new CellState[] {ca, cb}, new TokenChunk[] {x, y}, new float[][] {new float[200], new float[200]});
            }
            assertArrayEquals(a0, a.data(), "the host array stays stale while the state is resident");
            assertEquals(ca.position(), a.position(), "positions advance at once");
            assertEquals(2, gpu.mappedStates());
            gpu.flush();
            assertTrue(gpu.flushes() == 1 && gpu.statesWrittenByFlush() == 2);
            assertTrue(Float64Reference.relError(a.data(), ca.data()) <= 1e-5);
            assertTrue(Float64Reference.relError(b.data(), cb.data()) <= 1e-5);
            assertEquals(0, gpu.mappedStates());
            assertEquals(0, gpu.device().residentCount());
        }
    }

    @Test
    void objectsReusedForAnotherKeyAfterAFlushAreReadFromTheirHostArrays() {
        // After a flush the operator may hand key B the object that held key A (and vice versa) with
        // the other key's state copied in. A stale identity mapping would make B read A's device copy.
        CellSpec spec = spec(CellKind.GATED_DELTA);
        BatchAdvancer cpu = cpu(spec);
        try (ResidentCudaAdvancer gpu = open(CellKind.GATED_DELTA, 8)) {
            CellState oa = ParityChecks.randomState(spec, 11);
            CellState ob = ParityChecks.randomState(spec, 12);
            CellState ra = oa.copy();
            CellState rb = ob.copy();
            TokenChunk x = RandomInputs.chunk(spec, 7, 31);
            TokenChunk y = RandomInputs.chunk(spec, 5, 32);
            gpu.advance(new CellState[] {oa, ob}, new TokenChunk[] {x, y}, new float[][] {new float[100], new float[100]});
            cpu.advance(new CellState[] {ra, rb}, new TokenChunk[] {x, y}, new float[][] {new float[100], new float[100]});
            gpu.flush();
            // swap the contents: oa now holds B's state, ob holds A's
            float[] tmp = oa.data().clone();
            long pos = oa.position();
            System.arraycopy(ob.data(), 0, oa.data(), 0, tmp.length);
            oa.setPosition(ob.position());
            System.arraycopy(tmp, 0, ob.data(), 0, tmp.length);
            ob.setPosition(pos);
            TokenChunk x2 = RandomInputs.chunk(spec, 9, 33);
            TokenChunk y2 = RandomInputs.chunk(spec, 4, 34);
            float[] outB = advanceOne(cpu, rb, y2);
            float[] outA = advanceOne(cpu, ra, x2);
            float[][] outs = {new float[outB.length], new float[outA.length]};
            gpu.advance(new CellState[] {oa, ob}, new TokenChunk[] {y2, x2}, outs);
            assertTrue(Float64Reference.relError(outs[0], outB) <= 1e-5, "key B (in A's old object) read the wrong state");
            assertTrue(Float64Reference.relError(outs[1], outA) <= 1e-5, "key A (in B's old object) read the wrong state");
            gpu.flush();
            assertTrue(Float64Reference.relError(oa.data(), rb.data()) <= 1e-5);
            assertTrue(Float64Reference.relError(ob.data(), ra.data()) <= 1e-5);
        }
    }

    @Test
    void aFlushedObjectIsNeverWrittenAgainOnceANewObjectReplacesIt() {
        CellSpec spec = spec(CellKind.DELTA);
        BatchAdvancer cpu = cpu(spec);
        try (ResidentCudaAdvancer gpu = open(CellKind.DELTA, 1)) {
            CellState old = ParityChecks.randomState(spec, 5);
            CellState ref = old.copy();
            advanceOne(gpu, old, RandomInputs.chunk(spec, 6, 1));
            advanceOne(cpu, ref, RandomInputs.chunk(spec, 6, 1));
            gpu.flush();
            CellState snapshot = old.copy();
            CellState fresh = old.copy();
            TokenChunk next = RandomInputs.chunk(spec, 8, 2);
            float[] out = advanceOne(gpu, fresh, next);
            float[] want = advanceOne(cpu, ref, next);
            // another key forces the fresh object's state out of the single-slot cache (write-back)
            advanceOne(gpu, ParityChecks.randomState(spec, 6), RandomInputs.chunk(spec, 3, 3));
            assertTrue(Float64Reference.relError(out, want) <= 1e-5);
            assertTrue(Float64Reference.relError(fresh.data(), ref.data()) <= 1e-5, "eviction writes back into the new object");
            gpu.flush();
            assertEquals(snapshot, old, "the old object must not change after its flush");
        }
    }

    @Test
    void mappingsOfEvictedKeysAreDroppedSoTheMapStaysBounded() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        BatchAdvancer cpu = cpu(spec);
        try (ResidentCudaAdvancer gpu = open(CellKind.GATED_DELTA, 3)) {
            CellState[] objs = new CellState[40];
            CellState[] refs = new CellState[40];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < objs.length; i++) {
                    if (objs[i] == null) {
                        objs[i] = ParityChecks.randomState(spec, 70 + i);
                        refs[i] = objs[i].copy();
                    }
                    TokenChunk c = RandomInputs.chunk(spec, 1 + i % 5, round * 100 + i);
                    float[] out = advanceOne(gpu, objs[i], c);
                    float[] want = advanceOne(cpu, refs[i], c);
                    assertTrue(Float64Reference.relError(out, want) <= 1e-5, "key " + i + " round " + round);
                    assertTrue(gpu.mappedStates() <= 2 * 3 + 1, "mapped " + gpu.mappedStates());
                }
            }
            gpu.flush();
            for (int i = 0; i < objs.length; i++) {
                assertTrue(Float64Reference.relError(objs[i].data(), refs[i].data()) <= 1e-5, "state of key " + i);
            }
        }
    }

    @Test
    void rejectsTheSameObjectTwiceAndMismatchedLengths() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (ResidentCudaAdvancer gpu = open(CellKind.GATED_DELTA, 4)) {
            CellState s = ParityChecks.randomState(spec, 1);
            TokenChunk c = RandomInputs.chunk(spec, 2, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> gpu.advance(new CellState[] {s, s}, new TokenChunk[] {c, c}, new float[][] {new float[24], new float[24]}));
            assertTrue(e.getMessage().contains("same CellState object"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> gpu.advance(new CellState[] {s}, new TokenChunk[] {c, c}, new float[][] {new float[24]}));
            assertTrue(e.getMessage().contains("same length"), e.getMessage());
            assertEquals(0, gpu.mappedStates(), "a rejected call maps nothing");
        }
    }

    @Test
    void isAFlushableAdvancerForTheOperator() {
        try (ResidentCudaAdvancer gpu = open(CellKind.LINEAR, 4)) {
            assertTrue(gpu instanceof Flushable);
            assertTrue(gpu.name().startsWith("resident-cuda:linear"), gpu.name());
            assertFalse(gpu.device().isResident(0));
        }
    }

    @Test
    void theFunctionOpensTheDeviceOrNamesWhatIsMissing() throws Exception {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 16, 16, 64);
        String missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new ResidentCudaAdvancerFunction().apply(spec));
            assertTrue(e.getMessage().contains("needs a CUDA device") && e.getMessage().contains(missing)
                    && e.getMessage().contains("ResidentCudaAdvancerFunction"), e.getMessage());
        } else {
            BatchAdvancer a = new ResidentCudaAdvancerFunction().apply(spec);
            assertTrue(a instanceof ResidentCudaAdvancer && a instanceof Flushable);
            ((AutoCloseable) a).close();
        }
    }
}
