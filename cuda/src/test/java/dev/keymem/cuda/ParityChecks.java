package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.Arrays;
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
}
