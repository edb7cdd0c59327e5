package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.Arrays;
import dev.keymem.models.cells.MemoryCell;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import java.util.SplittableRandom;

/** Shared checks for the emulated and the real device: outputs and states against the float64 oracle. */
final class ParityChecks {

    private ParityChecks() {
    }

    static CellState randomState(CellSpec spec, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[spec.heads() * spec.keyDim() * spec.valueDim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (0.2 * r.nextGaussian());
        }
        return new CellState(s, 7);
    }

    static float[] poisoned(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /**
     * Advances keys with the given lengths in one batch and checks each key's outputs and final state
     * against Float64Reference (relative error &lt;= tol); returns the largest error seen.
     */
    static double checkBatch(CudaGatedDelta gpu, int[] lengths, long seed, double tol) {
        CellSpec spec = gpu.spec();
        int n = lengths.length;
        CellState[] states = new CellState[n];
        CellState[] initial = new CellState[n];
        TokenChunk[] chunks = new TokenChunk[n];
        float[][] outs = new float[n][];
        for (int i = 0; i < n; i++) {
            initial[i] = randomState(spec, seed * 1000 + i);
            states[i] = initial[i].copy();
            chunks[i] = RandomInputs.chunk(spec, lengths[i], seed * 7919 + i);
            outs[i] = poisoned(lengths[i] * spec.heads() * spec.valueDim());
        }
        gpu.advance(states, chunks, outs);
        return compare(spec, initial, chunks, states, outs, tol);
    }

    static double compare(CellSpec spec, CellState[] initial, TokenChunk[] chunks, CellState[] states, float[][] outs, double tol) {
        double worst = 0;
        for (int i = 0; i < chunks.length; i++) {
            TokenChunk c = chunks[i];
            Float64Reference.Result ref = Float64Reference.run(spec.kind(), c.length(), spec.heads(), spec.keyDim(),
                    spec.valueDim(), c.q(), c.k(), c.v(), c.beta(), c.g(), spec.scale(), false,
                    RandomInputs.toDouble(initial[i].data()), null);
            double eo = c.length() == 0 ? 0 : Float64Reference.relError(outs[i], ref.out());
            double es = Float64Reference.relError(states[i].data(), ref.state());
            int key = i;
            assertTrue(eo <= tol, () -> spec.kind() + " key " + key + " (T=" + c.length() + "): output rel error " + eo + " > " + tol);
            assertTrue(es <= tol, () -> spec.kind() + " key " + key + " (T=" + c.length() + "): state rel error " + es + " > " + tol);
            assertEquals(initial[i].position() + c.length(), states[i].position(), "position of key " + i);
            worst = Math.max(worst, Math.max(eo, es));
        }
        return worst;
    }

    /** Cuts one stream at the given points and checks the result equals one whole-stream call. */
    static void checkChunkingInvariance(CudaGatedDelta gpu, int tokens, int[] cuts, double tol) {
        CellSpec spec = gpu.spec();
        int hv = spec.heads() * spec.valueDim();
        TokenChunk whole = RandomInputs.chunk(spec, tokens, 5);
        CellState a = randomState(spec, 3);
        CellState b = a.copy();
        float[] outA = poisoned(tokens * hv);
        gpu.advance(new CellState[] {a}, new TokenChunk[] {whole}, new float[][] {outA});
        float[] outB = poisoned(tokens * hv);
        for (int i = 0; i + 1 < cuts.length; i++) {
            float[] part = poisoned((cuts[i + 1] - cuts[i]) * hv);
            gpu.advance(new CellState[] {b}, new TokenChunk[] {whole.slice(cuts[i], cuts[i + 1])}, new float[][] {part});
            System.arraycopy(part, 0, outB, cuts[i] * hv, part.length);
        }
        double eo = Float64Reference.relError(outB, outA);
        double es = Float64Reference.relError(b.data(), a.data());
        assertTrue(eo < tol, "outputs differ across cuts: " + eo);
        assertTrue(es < tol, "states differ across cuts: " + es);
        assertEquals(a.position(), b.position());
    }

    /**
     * Steps random subsets of {@code keys} keys through the resident cache (capacity below the key
     * count, so it evicts), checking every output against float64, then flushes and checks every
     * host state; also checks flush leaves nothing dirty and that host arrays stay stale until flush.
     */
    static void checkResidentCache(CudaGatedDelta gpu, int keys, int perStep, int steps, int maxLen, double tol) {
        CellSpec spec = gpu.spec();
        int hv = spec.heads() * spec.valueDim();
        SplittableRandom rnd = new SplittableRandom(99);
        CellState[] host = new CellState[keys];
        double[][] ref = new double[keys][];
        for (int i = 0; i < keys; i++) {
            host[i] = randomState(spec, 500 + i);
            ref[i] = RandomInputs.toDouble(host[i].data());
        }
        float[] untouched = host[0].data().clone();
        boolean key0Loaded = false;
        for (int step = 0; step < steps; step++) {
            int[] pick = rnd.ints(0, keys).distinct().limit(perStep).toArray();
            long[] ids = new long[perStep];
            CellState[] st = new CellState[perStep];
            TokenChunk[] ch = new TokenChunk[perStep];
            float[][] outs = new float[perStep][];
            for (int j = 0; j < perStep; j++) {
                int key = pick[j];
                key0Loaded |= key == 0;
                ids[j] = 1000 + key;
                st[j] = host[key];
                ch[j] = RandomInputs.chunk(spec, 1 + rnd.nextInt(maxLen), step * 100 + key);
                outs[j] = poisoned(ch[j].length() * hv);
            }
            gpu.advanceResident(ids, st, ch, outs);
            for (int j = 0; j < perStep; j++) {
                int key = pick[j];
                TokenChunk c = ch[j];
                Float64Reference.Result r = Float64Reference.run(spec.kind(), c.length(), spec.heads(), spec.keyDim(),
                        spec.valueDim(), c.q(), c.k(), c.v(), c.beta(), c.g(), spec.scale(), false, ref[key], null);
                ref[key] = r.state();
                double e = Float64Reference.relError(outs[j], r.out());
                assertTrue(e < tol, "step " + step + " key " + key + " output error " + e);
            }
            assertTrue(gpu.residentCount() <= gpu.cacheCapacity());
            if (step == 0 && key0Loaded && gpu.residentCount() < keys) {
                assertArrayEquals(untouched, host[0].data(), "a resident key's host array must stay stale until flush");
            }
        }
        gpu.flush();
        for (int i = 0; i < keys; i++) {
            double e = Float64Reference.relError(host[i].data(), ref[i]);
            assertTrue(e < tol, "key " + i + " state after flush, error " + e);
        }
        assertEquals(0, gpu.flush(), "a second flush must find nothing dirty");
    }

    /** The same batch through the GPU and a CPU cell: outputs and states agree within tol. */
    static double checkAgainstCpu(CudaGatedDelta gpu, MemoryCell cpu, int[] lengths, double tol) {
        CellSpec spec = gpu.spec();
        int n = lengths.length;
        CellState[] g = new CellState[n];
        CellState[] c = new CellState[n];
        TokenChunk[] chunks = new TokenChunk[n];
        float[][] og = new float[n][];
        float[][] oc = new float[n][];
        for (int i = 0; i < n; i++) {
            g[i] = randomState(spec, 40 + i);
            c[i] = g[i].copy();
            chunks[i] = RandomInputs.chunk(spec, lengths[i], 77 + i);
            og[i] = poisoned(lengths[i] * spec.heads() * spec.valueDim());
            oc[i] = new float[og[i].length];
        }
        gpu.advance(g, chunks, og);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            cpu.forward(c[i], chunks[i], oc[i]);
            double eo = lengths[i] == 0 ? 0 : Float64Reference.relError(og[i], oc[i]);
            double es = Float64Reference.relError(g[i].data(), c[i].data());
            int key = i;
            assertTrue(eo < tol && es < tol, () -> "key " + key + ": GPU vs CPU output error " + eo + ", state error " + es);
            worst = Math.max(worst, Math.max(eo, es));
        }
        return worst;
    }

    /**
     * The steady state of the resident cache: the same keys, in the same order, step after step (the
     * later steps run on the pool in place, without gather/scatter); checks every output and, after
     * flush, every state against float64.
     */
    static void checkResidentSteadyState(CudaGatedDelta gpu, int keys, int steps, int length, double tol) {
        CellSpec spec = gpu.spec();
        CellState[] host = new CellState[keys];
        double[][] ref = new double[keys][];
        long[] ids = new long[keys];
        for (int i = 0; i < keys; i++) {
            host[i] = randomState(spec, 900 + i);
            ref[i] = RandomInputs.toDouble(host[i].data());
            ids[i] = 77 + i;
        }
        for (int step = 0; step < steps; step++) {
            TokenChunk[] ch = new TokenChunk[keys];
            float[][] outs = new float[keys][];
            for (int i = 0; i < keys; i++) {
                ch[i] = RandomInputs.chunk(spec, length, 5000 + step * 100 + i);
                outs[i] = poisoned(length * spec.heads() * spec.valueDim());
            }
            gpu.advanceResident(ids, host, ch, outs);
            for (int i = 0; i < keys; i++) {
                TokenChunk c = ch[i];
                Float64Reference.Result r = Float64Reference.run(spec.kind(), c.length(), spec.heads(), spec.keyDim(),
                        spec.valueDim(), c.q(), c.k(), c.v(), c.beta(), c.g(), spec.scale(), false, ref[i], null);
                ref[i] = r.state();
                double e = Float64Reference.relError(outs[i], r.out());
                assertTrue(e < tol, "steady step " + step + " key " + i + " output error " + e);
            }
        }
        assertEquals(keys, gpu.flush());
        for (int i = 0; i < keys; i++) {
            double e = Float64Reference.relError(host[i].data(), ref[i]);
            assertTrue(e < tol, "steady key " + i + " state after flush, error " + e);
        }
    }
}
