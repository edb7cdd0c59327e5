package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.testing.DeepFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeepChunkedTest {
    private static final int H = 3;
    private static final int DIM = 16;
    private static final int HIDDEN = 24;

    private static CellSpec spec(int batch, int chunk) {
        return DeepRecurrentTest.spec(H, DIM, HIDDEN, batch).withChunkSize(chunk);
    }

    private static float[] run(MemoryCell cell, CellState st, TokenChunk c) {
        float[] out = new float[c.length() * H * DIM];
        cell.forward(st, c, out);
        return out;
    }

    @ParameterizedTest
    @CsvSource({"1,7", "4,7", "5,3", "16,7", "16,32", "16,64", "7,16", "32,20"})
    void chunkedMatchesRecurrentAndFloat64Reference(int batch, int chunk) {
        CellSpec s = spec(batch, chunk);
        int T = 83; // not a multiple of b or C
        TokenChunk c = RandomInputs.chunk(s, T, 500 + 31L * batch + chunk);
        for (TensorBackend be : new TensorBackend[] {ScalarBackend.INSTANCE, Backends.java()}) {
            DeepRecurrent rec = new DeepRecurrent(s);
            DeepChunked chk = new DeepChunked(s, be);
            CellState sr = rec.newState();
            CellState sc = chk.newState();
            assertEquals(sr, sc);
            double[] init = RandomInputs.toDouble(sr.data());
            float[] or = run(rec, sr, c);
            float[] oc = run(chk, sc, c);
            assertEquals(T, sc.position());
            double eo = DeepRecurrentTest.relErr(oc, or);
            double es = DeepRecurrentTest.relErr(sc.data(), sr.data());
            assertTrue(eo <= 1e-4, be.name() + " b=" + batch + " C=" + chunk + " output error " + eo);
            assertTrue(es <= 1e-4, be.name() + " b=" + batch + " C=" + chunk + " state error " + es);
            DeepFloat64Reference.Result ref = DeepFloat64Reference.run(DeepRecurrentTest.params(s), T, c.q(), c.k(),
                    c.v(), init, 0);
            assertTrue(DeepRecurrentTest.relErr(oc, ref.out()) <= 1e-4, "vs float64 " + DeepRecurrentTest.relErr(oc, ref.out()));
            assertTrue(DeepRecurrentTest.relErr(sc.data(), ref.state()) <= 1e-4);
        }
    }

    @Test
    void realisticShapeWithDefaultSettingsMatchesFloat64Reference() {
        CellSpec s = CellSpec.of(CellKind.DEEP, 2, 64, 64, 40); // D = 128, b = 16: C not a multiple of b
        int T = 100;
        TokenChunk c = RandomInputs.chunk(s, T, 4242);
        DeepChunked cell = new DeepChunked(s, Backends.java());
        CellState st = cell.newState();
        double[] init = RandomInputs.toDouble(st.data());
        float[] out = new float[T * 2 * 64];
        cell.forward(st, c, out);
        DeepFloat64Reference.Result ref = DeepFloat64Reference.run(DeepRecurrentTest.params(s), T, c.q(), c.k(),
                c.v(), init, 0);
        double eo = DeepRecurrentTest.relErr(out, ref.out());
        double es = DeepRecurrentTest.relErr(st.data(), ref.state());
        assertTrue(eo <= 1e-4 && es <= 1e-4, "output error " + eo + ", state error " + es);
    }

    @Test
    void matchesRecurrentFromNonZeroMidBatchStateWithMomentum() {
        CellSpec s = spec(6, 4);
        SplittableRandom r = new SplittableRandom(17);
        float[] data = new float[DeepLayout.of(s).stateSize()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (0.06 * r.nextGaussian()); // non-zero momenta and snapshot too
        }
        CellState sr = new CellState(data.clone(), 27); // 27 % 6 == 3
        CellState sc = new CellState(data.clone(), 27);
        TokenChunk c = RandomInputs.chunk(s, 41, 3);
        float[] or = run(new DeepRecurrent(s), sr, c);
        float[] oc = run(new DeepChunked(s, ScalarBackend.INSTANCE), sc, c);
        assertTrue(DeepRecurrentTest.relErr(oc, or) <= 1e-4, "output error " + DeepRecurrentTest.relErr(oc, or));
        assertTrue(DeepRecurrentTest.relErr(sc.data(), sr.data()) <= 1e-4);
    }

    @Test
    void outputsDoNotDependOnHowTheStreamIsCut() {
        SplittableRandom r = new SplittableRandom(23);
        for (int trial = 0; trial < 4; trial++) {
            CellSpec s = spec(1 + r.nextInt(12), 1 + r.nextInt(20));
            int T = 90;
            TokenChunk c = RandomInputs.chunk(s, T, 900 + trial);
            DeepChunked cell = new DeepChunked(s, Backends.java());
            CellState whole = cell.newState();
            float[] expected = run(cell, whole, c);
            CellState cut = cell.newState();
            float[] got = new float[expected.length];
            int t = 0;
            while (t < T) {
                int n = Math.min(T - t, r.nextInt(9)); // includes empty chunks
                float[] part = run(cell, cut, c.slice(t, t + n));
                System.arraycopy(part, 0, got, t * H * DIM, part.length);
                t += n;
            }
            assertEquals(T, cut.position());
            double eo = DeepRecurrentTest.relErr(got, expected);
            assertTrue(eo <= 1e-5, "trial " + trial + " " + s.deep().batch() + "/" + s.chunkSize() + ": " + eo);
            assertTrue(DeepRecurrentTest.relErr(cut.data(), whole.data()) <= 1e-5);
        }
    }

    @Test
    void readMatchesRecurrentRead() {
        CellSpec s = spec(4, 8);
        DeepChunked chk = new DeepChunked(s, ScalarBackend.INSTANCE);
        CellState st = chk.newState();
        run(chk, st, RandomInputs.chunk(s, 21, 8));
        TokenChunk probe = RandomInputs.chunk(s, 5, 9);
        float[] a = new float[5 * H * DIM];
        float[] b = new float[5 * H * DIM];
        CellState before = st.copy();
        chk.read(st, probe.q(), 5, a);
        new DeepRecurrent(s).read(st, probe.q(), 5, b);
        assertEquals(before, st);
        assertEquals(0.0, DeepRecurrentTest.relErr(a, b));
    }

    @Test
    void rejectsBadShapes() {
        CellSpec s = spec(4, 8);
        DeepChunked cell = new DeepChunked(s, ScalarBackend.INSTANCE);
        CellState st = cell.newState();
        TokenChunk c = RandomInputs.chunk(s, 5, 1);
        assertThrows(IllegalArgumentException.class, () -> cell.forward(st, c, new float[10]));
        assertThrows(IllegalArgumentException.class, () -> cell.forward(new CellState(7), c, new float[5 * H * DIM]));
        assertThrows(NullPointerException.class, () -> new DeepChunked(s, null));
        assertEquals(0, st.position());
    }
}
