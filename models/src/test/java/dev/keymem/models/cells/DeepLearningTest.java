package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.testing.RandomInputs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory actually learns: repeatedly written (k, v) pairs are recalled with q = k / scale. */
class DeepLearningTest {
    private static final int H = 2;
    private static final int DIM = 16;
    private static final int PAIRS = 4;

    /** sqrt(sum ||M(k) - v||^2 / sum ||v||^2) over the pairs, reading with q = k / scale. */
    private static double recallError(MemoryCell cell, CellState st, TokenChunk pairs) {
        float[] q = new float[pairs.k().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = pairs.k()[i] / cell.spec().scale();
        }
        float[] o = new float[pairs.v().length];
        cell.read(st, q, pairs.length(), o);
        double e = 0;
        double n = 0;
        for (int i = 0; i < o.length; i++) {
            e += (o[i] - pairs.v()[i]) * (o[i] - pairs.v()[i]);
            n += pairs.v()[i] * pairs.v()[i];
        }
        return Math.sqrt(e / n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"recurrent", "chunked"})
    void repeatedPairsAreRecalledWithDefaultSettings(String form) {
        CellSpec s = CellSpec.of(CellKind.DEEP, H, DIM, DIM, 32); // DeepSpec.defaults: b = 16
        MemoryCell cell = form.equals("recurrent") ? new DeepRecurrent(s) : new DeepChunked(s, Backends.java());
        CellState st = cell.newState();
        TokenChunk pairs = RandomInputs.chunk(s, PAIRS, 77);
        TokenChunk unseen = RandomInputs.chunk(s, PAIRS, 78);
        float[] q = new float[pairs.k().length];
        for (int i = 0; i < q.length; i++) {
            q[i] = pairs.k()[i] / s.scale();
        }
        TokenChunk write = new TokenChunk(PAIRS, H, DIM, DIM, q, pairs.k(), pairs.v(), null, null);
        double before = recallError(cell, st, pairs);
        float[] out = new float[PAIRS * H * DIM];
        for (int round = 0; round < 200; round++) {
            cell.forward(st, write, out);
        }
        double after = recallError(cell, st, pairs);
        double control = recallError(cell, st, unseen);
        assertTrue(before > 0.8, "the fresh memory should not know the values: " + before);
        assertTrue(after < 0.1 && after < 0.1 * before, form + ": recall error " + before + " -> " + after);
        // what was never written is not recalled: the memory stores the pairs, it does not echo inputs
        assertTrue(control > 0.7, form + ": unseen pairs recall error " + control);
        // the last write's own read output is the recall of the last pair as well
        float[] last = new float[H * DIM];
        System.arraycopy(out, (PAIRS - 1) * H * DIM, last, 0, H * DIM);
        double e = 0;
        double n = 0;
        for (int i = 0; i < last.length; i++) {
            float v = pairs.v()[(PAIRS - 1) * H * DIM + i];
            e += (last[i] - v) * (last[i] - v);
            n += v * v;
        }
        assertTrue(Math.sqrt(e / n) < 0.1, "read-after-write output of the last pair: " + Math.sqrt(e / n));
    }

    @org.junit.jupiter.api.Test
    void defaultSettingsStayFiniteAndBoundedOnUnstructuredStreams() {
        // the old defaults (theta 0.1) overflowed to NaN within ~100 such tokens
        CellSpec s = CellSpec.of(CellKind.DEEP, 1, 64, 64, 64);
        DeepChunked cell = new DeepChunked(s, Backends.java());
        CellState st = cell.newState();
        TokenChunk c = RandomInputs.chunk(s, 2048, 31);
        float[] out = new float[2048 * 64];
        cell.forward(st, c, out);
        double maxOut = 0;
        for (float o : out) {
            assertTrue(Float.isFinite(o), "non-finite output");
            maxOut = Math.max(maxOut, Math.abs(o));
        }
        double maxW = 0;
        for (float w : st.data()) {
            assertTrue(Float.isFinite(w), "non-finite state");
            maxW = Math.max(maxW, Math.abs(w));
        }
        assertTrue(maxOut < 50 && maxW < 10, "outputs up to " + maxOut + ", weights up to " + maxW);
    }
}
