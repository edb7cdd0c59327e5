package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.testing.DeepFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeepRecurrentTest {

    static CellSpec spec(int heads, int dim, int hidden, int batch) {
        return CellSpec.of(CellKind.DEEP, heads, dim, dim, 32)
                .withDeep(new DeepSpec(hidden, 0.01f, 0.9f, 0.01f, batch, 42L));
    }

    static DeepFloat64Reference.Params params(CellSpec s) {
        DeepSpec d = s.deep();
        return new DeepFloat64Reference.Params(s.heads(), s.keyDim(), d.hidden(), s.scale(), d.theta(), d.eta(),
                d.alpha(), d.batch());
    }

    /** max |a - b| / max |b|. */
    static double relErr(float[] a, double[] b) {
        double err = 0;
        double max = 0;
        for (int i = 0; i < b.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            max = Math.max(max, Math.abs(b[i]));
        }
        return err / max;
    }

    static double relErr(float[] a, float[] b) {
        return relErr(a, RandomInputs.toDouble(b));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16})
    void matchesFloat64ReferenceAcrossCalls(int batch) {
        CellSpec s = spec(2, 16, 24, batch);
        DeepRecurrent cell = new DeepRecurrent(s);
        int t1 = 37;
        int t2 = 45;
        TokenChunk all = RandomInputs.chunk(s, t1 + t2, 1000 + batch);
        CellState st = cell.newState();
        double[] init = RandomInputs.toDouble(st.data());
        float[] out1 = new float[t1 * 2 * 16];
        float[] out2 = new float[t2 * 2 * 16];
        cell.forward(st, all.slice(0, t1), out1);
        cell.forward(st, all.slice(t1, t1 + t2), out2);
        assertEquals(t1 + t2, st.position());

        DeepFloat64Reference.Result ref = DeepFloat64Reference.run(params(s), t1 + t2, all.q(), all.k(), all.v(),
                init, 0);
        float[] out = new float[(t1 + t2) * 2 * 16];
        System.arraycopy(out1, 0, out, 0, out1.length);
        System.arraycopy(out2, 0, out, out1.length, out2.length);
        double e = relErr(out, ref.out());
        assertTrue(e <= 1e-4, "output error " + e);
        double es = relErr(st.data(), ref.state());
        assertTrue(es <= 1e-4, "state error " + es);
        // the memory did change: outputs are not just the identity read
        double moved = relErr(st.data(), init);
        assertTrue(moved > 1e-2, "state barely moved: " + moved);
    }

    @Test
    void matchesReferenceFromNonZeroMidBatchState() {
        CellSpec s = spec(3, 8, 12, 5);
        DeepRecurrent cell = new DeepRecurrent(s);
        SplittableRandom r = new SplittableRandom(7);
        float[] data = new float[cell.stateSize()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (0.2 * r.nextGaussian());
        }
        CellState st = new CellState(data, 13); // 13 % 5 == 3: mid mini-batch, snapshot in use
        double[] init = RandomInputs.toDouble(data);
        TokenChunk c = RandomInputs.chunk(s, 29, 99);
        float[] out = new float[29 * 3 * 8];
        cell.forward(st, c, out);
        DeepFloat64Reference.Result ref = DeepFloat64Reference.run(params(s), 29, c.q(), c.k(), c.v(), init, 13);
        assertTrue(relErr(out, ref.out()) <= 1e-4, "output error " + relErr(out, ref.out()));
        assertTrue(relErr(st.data(), ref.state()) <= 1e-4, "state error " + relErr(st.data(), ref.state()));
    }

    @Test
    void readUsesFrozenWeightsAndMatchesLastOutput() {
        CellSpec s = spec(2, 8, 16, 4);
        DeepRecurrent cell = new DeepRecurrent(s);
        CellState st = cell.newState();
        TokenChunk c = RandomInputs.chunk(s, 10, 5);
        float[] out = new float[10 * 2 * 8];
        cell.forward(st, c, out);
        CellState before = st.copy();
        // reading the last token's query again gives the last output (read after write)
        float[] q = java.util.Arrays.copyOfRange(c.q(), 9 * 16, 10 * 16);
        float[] o = new float[16];
        cell.read(st, q, 1, o);
        assertEquals(before, st);
        for (int i = 0; i < 16; i++) {
            assertEquals(out[9 * 16 + i], o[i], 1e-6);
        }
        // and equals the reference M(scale q) of the frozen weights
        double[][][][] w = DeepFloat64Reference.unpack(RandomInputs.toDouble(st.data()), 2, 8, 16);
        for (int h = 0; h < 2; h++) {
            double[] x = new double[8];
            for (int i = 0; i < 8; i++) {
                x[i] = s.scale() * q[h * 8 + i];
            }
            double[] m = DeepFloat64Reference.apply(w[0][h], w[1][h], x);
            for (int i = 0; i < 8; i++) {
                assertEquals(m[i], o[h * 8 + i], 1e-5);
            }
        }
    }

    @Test
    void newStateIsReproducibleAndSeeded() {
        CellSpec s = spec(2, 8, 16, 4);
        CellState a = new DeepRecurrent(s).newState();
        CellState b = new DeepRecurrent(s).newState();
        assertEquals(a, b);
        assertEquals(0, a.position());
        CellState c = new DeepRecurrent(s.withDeep(s.deep().withSeed(43L))).newState();
        assertTrue(!a.equals(c), "another seed gives another W2");
        DeepLayout l = DeepLayout.of(s);
        float[] d = a.data();
        double ss = 0;
        for (int i = l.w2(0); i < l.w2(0) + 2 * 16 * 8; i++) {
            ss += d[i] * d[i];
        }
        assertTrue(ss > 0, "W2 must start non-zero");
        for (int i = l.w1(0); i < l.w2Start(0); i++) {
            assertEquals(0f, d[i], "W1 and the momenta start at zero");
        }
    }

    @Test
    void rejectsKeyDimDifferentFromValueDim() {
        CellSpec bad = new CellSpec(CellKind.DEEP, 2, 8, 16, 32, 0.3f, false, DeepSpec.defaults(8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeepRecurrent(bad));
        assertTrue(e.getMessage().contains("keyDim == valueDim"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DeepChunked(bad, dev.keymem.models.backend.ScalarBackend.INSTANCE));
    }

    @Test
    void rejectsBadSpecsAndShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> new DeepRecurrent(CellSpec.of(CellKind.DEEP, 2, 8, 8, 16).withNormalize(true)));
        assertThrows(IllegalArgumentException.class, () -> new DeepRecurrent(CellSpec.of(CellKind.LINEAR, 2, 8, 8, 16)));
        IllegalArgumentException eb = assertThrows(IllegalArgumentException.class,
                () -> new DeepSpec(16, 0.1f, 0.9f, 0.01f, 0, 1L));
        assertTrue(eb.getMessage().contains("mini-batch"), eb.getMessage());

        CellSpec s = spec(2, 8, 16, 4);
        DeepRecurrent cell = new DeepRecurrent(s);
        CellState st = cell.newState();
        TokenChunk c = RandomInputs.chunk(s, 5, 1);
        IllegalArgumentException eo = assertThrows(IllegalArgumentException.class,
                () -> cell.forward(st, c, new float[5 * 2 * 8 - 1]));
        assertTrue(eo.getMessage().contains("out"), eo.getMessage());
        IllegalArgumentException es = assertThrows(IllegalArgumentException.class,
                () -> cell.forward(new CellState(10), c, new float[80]));
        assertTrue(es.getMessage().contains("state"), es.getMessage());
        TokenChunk other = RandomInputs.chunk(spec(3, 8, 16, 4), 5, 1);
        IllegalArgumentException ec = assertThrows(IllegalArgumentException.class,
                () -> cell.forward(st, other, new float[5 * 3 * 8]));
        assertTrue(ec.getMessage().contains("H=3"), ec.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cell.read(st, new float[15], 1, new float[16]));
        assertEquals(0, st.position(), "failed calls leave the state alone");
    }
}
