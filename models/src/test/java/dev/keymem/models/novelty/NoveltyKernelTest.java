package dev.keymem.models.novelty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fused novelty step ({@link NoveltyKernel}: scalar, and Vector API lanes where the module is present) against
 * the reference (innovation loop, then the gated delta cell's forward step with its read-out): the same
 * innovations, admissions and cell state, bit for bit, over long streams of repeating and new items.
 */
class NoveltyKernelTest {

    private static float[][] items(SplittableRandom r, int n, int d) {
        float[][] base = new float[12][d];
        for (float[] v : base) {
            for (int i = 0; i < d; i++) {
                v[i] = (float) r.nextGaussian();
            }
        }
        float[][] out = new float[n][];
        for (int k = 0; k < n; k++) {
            float[] v = r.nextInt(10) == 0 ? new float[d] : base[r.nextInt(base.length)].clone();
            for (int i = 0; i < d; i++) {
                v[i] += (float) (r.nextGaussian() * (r.nextInt(10) == 0 ? 1.0 : 0.01));
            }
            out[k] = v;
        }
        return out;
    }

    private static void compare(NoveltySettings s, NoveltyKernel kernel) throws Exception {
        Novelty ref = new Novelty(s, null, false);
        Novelty fused = new Novelty(s, null, true);
        NoveltyState a = ref.newState(1);
        NoveltyState b = fused.newState(1);
        NoveltyStore sa = NoveltyStore.inMemory();
        NoveltyStore sb = NoveltyStore.inMemory();
        int admitted = 0;
        for (float[] v : items(new SplittableRandom(s.cellDim() * 31L + s.dimension()), 3000, s.dimension())) {
            NoveltyWrite wa = ref.write(a, sa, v, 7, null);
            NoveltyWrite wb = fused.write(b, sb, v, 7, null);
            assertEquals(wa, wb);
            admitted += wa.admitted() ? 1 : 0;
        }
        assertArrayEquals(a.cell().data(), b.cell().data());
        assertEquals(a, b);
        assertTrue(admitted > 2, "admitted " + admitted);
        // the kernel alone, as picked and as given
        SplittableRandom r = new SplittableRandom(5);
        int c = s.cellDim();
        float[] s1 = new float[c * c];
        float[] s2 = new float[c * c];
        NoveltyKernel scalar = new NoveltyKernel.Scalar(c);
        for (int k = 0; k < 500; k++) {
            float[] x = new float[c];
            for (int i = 0; i < c; i++) {
                x[i] = (float) r.nextGaussian() * 0.2f;
            }
            assertEquals(scalar.step(s1, x, 0.97f, 0.5f, 0.97), kernel.step(s2, x, 0.97f, 0.5f, 0.97));
        }
        assertArrayEquals(s1, s2);
    }

    @Test
    void fusedStepEqualsTheReferenceBitForBit() throws Exception {
        for (int[] dc : new int[][] {{64, 64}, {64, 32}, {32, 20}, {16, 3}, {256, 64}}) {
            NoveltySettings s = new NoveltySettings(dc[0], dc[1], 0.5f, 0.98f, 16, 0.5f);
            compare(s, NoveltyKernel.best(dc[1]));
            compare(s, new NoveltyKernel.Scalar(dc[1]));
            compare(s, new NoveltyKernel.Sparse(dc[1]));
        }
    }

    /**
     * Sparse items (most coordinates exactly 0, some -0, as a log line's hashed embedding) and cells holding an
     * infinity or NaN: the picked kernel against the scalar one, and the fused novelty memory against the
     * reference over a stream of sparse items, bit for bit.
     */
    @Test
    void sparseItemsAndNonFiniteCellsBitForBit() throws Exception {
        for (int c : new int[] {64, 20, 3}) {
            SplittableRandom r = new SplittableRandom(c);
            NoveltyKernel kernel = NoveltyKernel.best(c);
            NoveltyKernel sparse = new NoveltyKernel.Sparse(c);
            NoveltyKernel scalar = new NoveltyKernel.Scalar(c);
            float[] s1 = new float[c * c];
            float[] s2 = new float[c * c];
            float[] s3 = new float[c * c];
            for (int k = 0; k < 4000; k++) {
                float[] x = new float[c];
                for (int i = 0; i < c; i++) {
                    int kind = r.nextInt(8);
                    x[i] = kind < 5 ? 0f : kind == 5 ? -0f : (float) r.nextGaussian() * 0.3f;
                }
                if (k % 500 == 403) { // an infinite coordinate (a cell with zero columns: cleared at 400)
                    x[r.nextInt(c)] = Float.NEGATIVE_INFINITY;
                }
                if (k % 500 == 250) { // a cell value gone bad, in a row of a zero coordinate or not
                    int at = r.nextInt(c * c);
                    float bad = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[r.nextInt(3)];
                    s1[at] = bad;
                    s2[at] = bad;
                    s3[at] = bad;
                }
                if (k % 500 == 400) { // and back to a clean cell
                    java.util.Arrays.fill(s1, 0f);
                    java.util.Arrays.fill(s2, 0f);
                    java.util.Arrays.fill(s3, 0f);
                }
                // a = 0, and once an infinite decay factor (0 * inf is NaN: the zeros the sparse kernel skips
                // are then not skipped)
                float a = k % 7 == 0 ? 0f : k % 500 == 401 ? Float.POSITIVE_INFINITY : 0.97f;
                float e = scalar.step(s1, x, a, 0.5f, 0.97);
                assertEquals(e, kernel.step(s2, x, a, 0.5f, 0.97), "step " + k);
                assertEquals(e, sparse.step(s3, x, a, 0.5f, 0.97), "sparse, step " + k);
                assertArrayEquals(s1, s2, "step " + k);
                assertArrayEquals(s1, s3, "sparse, step " + k);
            }
        }
        NoveltySettings s = new NoveltySettings(64, 64, 0.5f, 0.98f, 16, 0.5f);
        Novelty ref = new Novelty(s, null, false);
        Novelty fused = new Novelty(s, null, true);
        NoveltyState a = ref.newState(1);
        NoveltyState b = fused.newState(1);
        NoveltyStore sa = NoveltyStore.inMemory();
        NoveltyStore sb = NoveltyStore.inMemory();
        SplittableRandom r = new SplittableRandom(9);
        for (int k = 0; k < 5000; k++) {
            float[] v = new float[64];
            SplittableRandom tr = new SplittableRandom(r.nextInt(40));
            for (int t = tr.nextInt(2, 12); t > 0; t--) {
                v[tr.nextInt(64)] += (float) tr.nextGaussian();
            }
            v[r.nextInt(64)] += 0.2f;
            assertEquals(ref.write(a, sa, v, 7, null), fused.write(b, sb, v, 7, null), "item " + k);
        }
        assertArrayEquals(a.cell().data(), b.cell().data());
    }

    /**
     * {@link NoveltyKernel.Sparse} deferring the decays of the rows it does not read ({@link DeferredDecay})
     * against the same kernel applying every decay in every step, and the scalar kernel: the same innovations at
     * every step and the same cell, bit for bit, whenever the decays are settled (at random steps, as a state's
     * reader does), over items that leave coordinates silent for long stretches, decay factors that change
     * (0, negative, above 1, infinite), a cell value set to an infinity or NaN by a reader, and a row owing the
     * most decays a row may owe.
     */
    @Test
    void deferredDecaysEqualStepsThatApplyThemBitForBit() {
        for (int c : new int[] {64, 20, 3}) {
            SplittableRandom r = new SplittableRandom(c * 7L);
            NoveltyKernel.Sparse eager = new NoveltyKernel.Sparse(c);
            NoveltyKernel.Sparse lazy = new NoveltyKernel.Sparse(c);
            NoveltyKernel scalar = new NoveltyKernel.Scalar(c);
            DeferredDecay owed = new DeferredDecay(c);
            float[] s1 = new float[c * c];
            float[] s2 = new float[c * c];
            float[] s3 = new float[c * c];
            float[][] templates = new float[6][c];
            for (float[] t : templates) {
                for (int i = 0; i < c; i++) {
                    t[i] = r.nextInt(3) == 0 ? (float) r.nextGaussian() * 0.4f : r.nextInt(9) == 0 ? -0f : 0f;
                }
            }
            float a = 0.9f; // values fall below the flush threshold within a silence of some 650 steps
            for (int k = 0; k < 6000; k++) {
                // a few templates for a while (the others' coordinates fall silent), then all of them
                float[] x = templates[r.nextInt(k % 2000 < 1200 ? 2 : templates.length)].clone();
                if (r.nextInt(4) == 0) {
                    x[r.nextInt(c)] = (float) r.nextGaussian() * 0.3f;
                }
                if (k % 1000 == 703) {
                    x[r.nextInt(c)] = Float.POSITIVE_INFINITY;
                }
                if (k % 300 == 0) {
                    a = new float[] {0.9f, 0.5f, 0f, -0.5f, 1f, 1.5f, Float.POSITIVE_INFINITY, 0.9f}[r.nextInt(8)];
                } else if (k % 300 == 5 && !(Math.abs(a) <= 1f)) {
                    a = 0.9f; // back to a decay before the cell is all NaN
                }
                if (k % 500 == 250) { // a reader sets a value to an infinity or NaN (after settling, as cell() does)
                    owed.settle(s2);
                    int at = r.nextInt(c * c);
                    float bad = new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[r.nextInt(3)];
                    s1[at] = bad;
                    s2[at] = bad;
                    s3[at] = bad;
                }
                if (k % 1000 == 400) {
                    owed.settle(s2);
                    java.util.Arrays.fill(s1, 0f);
                    java.util.Arrays.fill(s2, 0f);
                    java.util.Arrays.fill(s3, 0f);
                }
                float e = eager.step(s1, x, a, 0.5f, 0.97);
                assertEquals(e, lazy.step(s2, x, a, 0.5f, 0.97, owed), "c " + c + ", step " + k);
                assertEquals(e, scalar.step(s3, x, a, 0.5f, 0.97), "c " + c + ", scalar, step " + k);
                if (r.nextInt(50) == 0 || k == 5999) {
                    owed.settle(s2);
                    assertArrayEquals(s1, s2, "c " + c + ", step " + k);
                    assertArrayEquals(s1, s3, "c " + c + ", step " + k);
                }
            }
        }
        // a row silent for longer than a row may owe (a = 1: its values stay)
        int c = 2;
        NoveltyKernel.Sparse eager = new NoveltyKernel.Sparse(c);
        NoveltyKernel.Sparse lazy = new NoveltyKernel.Sparse(c);
        DeferredDecay owed = new DeferredDecay(c);
        float[] s1 = new float[c * c];
        float[] s2 = new float[c * c];
        float[] both = {0.6f, 0.8f};
        float[] first = {1f, 0f};
        for (float[] x : new float[][] {both, both}) {
            assertEquals(eager.step(s1, x, 1f, 0.5f, 1.0), lazy.step(s2, x, 1f, 0.5f, 1.0, owed));
        }
        for (int k = 0; k < DeferredDecay.LIMIT + 3; k++) {
            assertEquals(eager.step(s1, first, 1f, 0.5f, 1.0), lazy.step(s2, first, 1f, 0.5f, 1.0, owed));
        }
        assertEquals(3, owed.due[1]); // caught up once, at the limit
        assertEquals(eager.step(s1, both, 1f, 0.5f, 1.0), lazy.step(s2, both, 1f, 0.5f, 1.0, owed));
        owed.settle(s2);
        assertArrayEquals(s1, s2);
        assertTrue(s1[2] != 0f);
    }

    /**
     * The fused memory on the sparse kernel (which defers decays in the state) against the reference: the same
     * writes; the state's cell, copy and equality settle the decays, whether a reader asks after every item, at
     * random items or only at the end.
     */
    @Test
    void deferredDecaysInTheMemoryEqualTheReference() throws Exception {
        String was = System.getProperty(NoveltyKernel.KERNEL_PROPERTY);
        System.setProperty(NoveltyKernel.KERNEL_PROPERTY, "sparse");
        Novelty fused;
        try {
            fused = new Novelty(new NoveltySettings(64, 64, 0.5f, 0.98f, 16, 0.5f), null, true);
        } finally {
            if (was == null) {
                System.clearProperty(NoveltyKernel.KERNEL_PROPERTY);
            } else {
                System.setProperty(NoveltyKernel.KERNEL_PROPERTY, was);
            }
        }
        Novelty ref = new Novelty(fused.settings(), null, false);
        for (int reads : new int[] {1, 37, 0}) {
            NoveltyState a = ref.newState(1);
            NoveltyState b = fused.newState(1);
            NoveltyStore sa = NoveltyStore.inMemory();
            NoveltyStore sb = NoveltyStore.inMemory();
            SplittableRandom r = new SplittableRandom(17);
            for (int k = 0; k < 6000; k++) {
                float[] v = new float[64];
                SplittableRandom tr = new SplittableRandom(r.nextInt(k % 3000 < 2000 ? 3 : 40));
                for (int t = tr.nextInt(2, 12); t > 0; t--) {
                    v[tr.nextInt(64)] += (float) tr.nextGaussian();
                }
                assertEquals(ref.write(a, sa, v, 7, null), fused.write(b, sb, v, 7, null), "item " + k);
                if (reads > 0 && r.nextInt(reads) == 0) {
                    NoveltyState copy = b.copy();
                    assertArrayEquals(a.cell().data(), copy.cell().data(), "item " + k);
                    assertEquals(a, b);
                }
            }
            assertEquals(a, b);
            assertArrayEquals(a.cell().data(), b.cell().data());
        }
    }

    @Test
    void theVectorKernelIsPickedWhereTheModuleIsPresentAndC2Runs() {
        boolean vector = dev.keymem.models.backend.Backends.vectorApiAvailable() && NoveltyKernel.c2Compiles();
        assertEquals(vector ? "VectorNoveltyKernel" : "Packed", NoveltyKernel.best(64).getClass().getSimpleName(),
                "(vectors of at least 256 bits assumed)");
        String was = System.getProperty(NoveltyKernel.KERNEL_PROPERTY);
        try {
            System.setProperty(NoveltyKernel.KERNEL_PROPERTY, "sparse");
            assertEquals("Sparse", NoveltyKernel.best(64).getClass().getSimpleName());
            System.setProperty(NoveltyKernel.KERNEL_PROPERTY, "packed");
            assertEquals("Packed", NoveltyKernel.best(64).getClass().getSimpleName());
            System.setProperty(NoveltyKernel.KERNEL_PROPERTY, "scalar");
            assertEquals("Scalar", NoveltyKernel.best(64).getClass().getSimpleName());
        } finally {
            if (was == null) {
                System.clearProperty(NoveltyKernel.KERNEL_PROPERTY);
            } else {
                System.setProperty(NoveltyKernel.KERNEL_PROPERTY, was);
            }
        }
    }

    /** The fused memory on the sparse kernel against the reference over a stream of sparse items, bit for bit. */
    @Test
    void sparseKernelInTheMemoryEqualsTheReference() throws Exception {
        String was = System.getProperty(NoveltyKernel.KERNEL_PROPERTY);
        System.setProperty(NoveltyKernel.KERNEL_PROPERTY, "sparse");
        Novelty fused;
        try {
            fused = new Novelty(new NoveltySettings(64, 64, 0.5f, 0.98f, 16, 0.5f), null, true);
        } finally {
            if (was == null) {
                System.clearProperty(NoveltyKernel.KERNEL_PROPERTY);
            } else {
                System.setProperty(NoveltyKernel.KERNEL_PROPERTY, was);
            }
        }
        Novelty ref = new Novelty(fused.settings(), null, false);
        NoveltyState a = ref.newState(1);
        NoveltyState b = fused.newState(1);
        NoveltyStore sa = NoveltyStore.inMemory();
        NoveltyStore sb = NoveltyStore.inMemory();
        SplittableRandom r = new SplittableRandom(13);
        int admitted = 0;
        for (int k = 0; k < 5000; k++) {
            float[] v = new float[64];
            SplittableRandom tr = new SplittableRandom(r.nextInt(k < 2500 ? 60 : 10));
            for (int t = tr.nextInt(2, 12); t > 0; t--) {
                v[tr.nextInt(64)] += (float) tr.nextGaussian();
            }
            v[r.nextInt(64)] += 0.2f;
            NoveltyWrite w = ref.write(a, sa, v, 7, null);
            assertEquals(w, fused.write(b, sb, v, 7, null), "item " + k);
            admitted += w.admitted() ? 1 : 0;
        }
        assertArrayEquals(a.cell().data(), b.cell().data());
        assertEquals(a, b);
        assertTrue(admitted > 2, "admitted " + admitted);
    }

    /**
     * The flush of values below 1e-30 against the cell without it, on sparse items (coordinates seldom touched,
     * where tiny values arise): the same admissions, innovations within 1e-6, no value left in (0, 1e-30).
     */
    @Test
    void theFlushChangesNoDecision() throws Exception {
        NoveltySettings s = new NoveltySettings(64, 64, 0.5f, 0.98f, 64, 0.5f);
        Novelty fused = new Novelty(s, null, true);
        NoveltyState st = fused.newState(1);
        NoveltyStore store = NoveltyStore.inMemory();
        dev.keymem.models.cells.MemoryCell cell = dev.keymem.models.cells.Cells.recurrent(
                dev.keymem.models.cells.CellSpec.of(dev.keymem.models.cells.CellKind.GATED_DELTA, 1, 64, 64, 64));
        dev.keymem.models.cells.CellState plain = cell.newState();
        float[] out = new float[64];
        SplittableRandom r = new SplittableRandom(3);
        int flushedSomewhere = 0;
        for (int k = 0; k < 20000; k++) {
            float[] v = new float[64];
            int template = r.nextInt(k < 10000 ? 30 : 8); // fewer templates later: coordinates fall silent
            SplittableRandom tr = new SplittableRandom(template);
            for (int t = 0; t < 5; t++) {
                v[tr.nextInt(64)] += 1f;
            }
            if (k < 10000) {
                v[r.nextInt(64)] += 0.3f;
            }
            double n = 0;
            for (float f : v) {
                n += (double) f * f;
            }
            float[] x = new float[64];
            for (int i = 0; i < 64; i++) {
                x[i] = (float) (v[i] * (1.0 / Math.sqrt(n)));
            }
            double[] p = new double[64];
            float[] sd = plain.data();
            for (int i = 0; i < 64; i++) {
                for (int j = 0; j < 64; j++) {
                    p[j] += (double) sd[i * 64 + j] * x[i];
                }
            }
            double sq = 0;
            for (int j = 0; j < 64; j++) {
                double d = x[j] - s.decay() * p[j];
                sq += d * d;
            }
            float plainE = (float) Math.sqrt(sq);
            cell.forward(plain, new dev.keymem.models.cells.TokenChunk(1, 1, 64, 64, x, x, x, new float[] {0.5f},
                    new float[] {(float) Math.log(0.98f)}), out);
            NoveltyWrite w = fused.write(st, store, v, template, null);
            assertEquals(plainE, w.innovation(), 1e-6, "item " + k);
            assertEquals(plainE > 0.5f, w.innovation() > 0.5f, "item " + k);
            for (float f : st.cell().data()) {
                assertTrue(f == 0 || Math.abs(f) >= 1e-30f);
            }
            for (float f : sd) {
                flushedSomewhere += f != 0 && Math.abs(f) < 1e-30f ? 1 : 0;
            }
        }
        assertTrue(flushedSomewhere > 0, "the stream reaches values the flush removes");
    }

    /**
     * The kernels' flush on the bits ({@link DeferredDecay#flushed}, an int compare and a branch) against the
     * reference's {@link NoveltyKernel#flush} (a float compare), bit for bit: zeros of both signs, values at, just
     * below and just above the threshold, subnormals, infinities, NaNs with payloads, and random bit patterns.
     */
    @Test
    void theFlushOnTheBitsIsTheReferenceFlush() {
        int t = Float.floatToRawIntBits(NoveltyKernel.FLUSH);
        int[] edges = {0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x00800000, t - 1, t, t + 1, t | 0x80000000,
                (t - 1) | 0x80000000, (t + 1) | 0x80000000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0x7f800000, 0xff800000,
                0x7fc00000, 0x7f800001, 0xffc00123, 0x7fffffff, 0xffffffff};
        SplittableRandom r = new SplittableRandom(17);
        int flushed = 0;
        int kept = 0;
        for (int k = 0; k < edges.length + 2_000_000; k++) {
            int b = k < edges.length ? edges[k] : k % 2 == 0 ? r.nextInt()
                    : (r.nextInt(t - 1000, t + 1000) | (r.nextBoolean() ? 0x80000000 : 0));
            float v = Float.intBitsToFloat(b);
            int want = Float.floatToRawIntBits(NoveltyKernel.flush(v));
            assertEquals(want, Float.floatToRawIntBits(DeferredDecay.flushed(v)), Integer.toHexString(b));
            if (want == 0 && b != 0) {
                flushed++;
            } else if (want == b) {
                kept++;
            }
        }
        assertTrue(flushed > 100_000 && kept > 100_000, flushed + " flushed, " + kept + " kept");
    }

    /**
     * {@link DeferredDecay#catchUp} (its n = 1, 2, up-to-8 and longer forms, any row length and offset) against
     * {@link DeferredDecay#catchUpReference} (n steps of {@code v = flush(v * a)} per value), bit for bit: values of
     * every scale (near the flush threshold, subnormal, +-0, large), decays in (0, 1].
     */
    @Test
    void catchUpEqualsItsReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(23);
        float[] decays = {(float) Math.exp((float) Math.log(0.98f)), 1f, 0.5f, 0.9999f, 1e-3f, Math.nextDown(1f)};
        int checked = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            int len = r.nextInt(40);
            int off = r.nextInt(5);
            float[] s = new float[off + len + 3];
            for (int i = 0; i < s.length; i++) {
                int kind = r.nextInt(10);
                s[i] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? Float.MIN_VALUE * r.nextInt(1000)
                        : kind == 3 ? (float) (r.nextGaussian() * 1e-29) : kind == 4 ? (float) (r.nextGaussian() * 1e30)
                        : (float) r.nextGaussian();
            }
            int n = r.nextInt(4) == 0 ? 1 + r.nextInt(3000) : 1 + r.nextInt(10);
            float a = decays[r.nextInt(decays.length)];
            float[] fast = s.clone();
            float[] ref = s.clone();
            DeferredDecay.catchUp(fast, off, len, n, a);
            DeferredDecay.catchUpReference(ref, off, len, n, a);
            for (int i = 0; i < s.length; i++) {
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(fast[i]),
                        "value " + i + " of " + s[i] + ", n " + n + ", a " + a + ", row " + off + "+" + len);
            }
            checked += len;
        }
        assertTrue(checked > 300_000);
    }
}
