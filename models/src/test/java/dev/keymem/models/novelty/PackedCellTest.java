package dev.keymem.models.novelty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The packed kernel ({@link NoveltyKernel.Packed} on a {@link PackedCell}) in the novelty memory against the
 * reference (innovation loop, then the gated delta cell's forward step, then the flush), bit for bit: every
 * write's innovation and admission, and the cell (every bit, zeros' signs and NaNs' included) whenever a reader
 * asks (which unpacks it; the next item packs it again), over many cell widths, decays (1 included), write
 * strengths and item streams: sparse items of repeating and new supports, zero vectors, -0 and tiny
 * coordinates, cells loaded with arbitrary finite values, cells or items holding infinities and NaNs (the general
 * kernel's cases), and two probes of the packed kernel's overflow guards: a restored finite cell near the float's
 * range whose u overflows ({@link #aRestoredCellWhoseUOverflowsWritesEveryRowAsTheReference}; the loaded-3e38
 * runs seldom pack, as most of their cells hold an infinity) and a non-unit item whose x_i u_j overflows
 * ({@link #aNonUnitItemWhoseWriteOverflowsUnpacks}).
 */
class PackedCellTest {

    private static <T> T withKernel(String kernel, Supplier<T> make) {
        String was = System.getProperty(NoveltyKernel.KERNEL_PROPERTY);
        System.setProperty(NoveltyKernel.KERNEL_PROPERTY, kernel);
        try {
            return make.get();
        } finally {
            if (was == null) {
                System.clearProperty(NoveltyKernel.KERNEL_PROPERTY);
            } else {
                System.setProperty(NoveltyKernel.KERNEL_PROPERTY, was);
            }
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static void sameCell(NoveltyState ref, NoveltyState packed, String where) {
        int[] a = bits(ref.cell().data());
        int[] b = bits(packed.cell().data());
        for (int i = 0; i < a.length; i++) {
            // NaN payloads may differ between the cell's forward step and a kernel; anything else is bit for bit
            if (a[i] != b[i] && !(Float.isNaN(Float.intBitsToFloat(a[i])) && Float.isNaN(Float.intBitsToFloat(b[i])))) {
                throw new AssertionError(where + ": value " + i + " " + Float.intBitsToFloat(a[i]) + " vs "
                        + Float.intBitsToFloat(b[i]));
            }
        }
        assertEquals(ref.position(), packed.position(), where);
    }

    /** An item: a few coordinates of a small pool of supports (or new ones), sometimes a zero vector, -0 or tiny. */
    private static float[] item(SplittableRandom r, int d, int pool) {
        float[] v = new float[d];
        int kind = r.nextInt(40);
        if (kind == 0) {
            return v; // a zero vector
        }
        SplittableRandom tr = new SplittableRandom(r.nextInt(pool));
        int n = 1 + tr.nextInt(Math.max(1, Math.min(d, 24)));
        for (int t = 0; t < n; t++) {
            v[tr.nextInt(d)] += (float) tr.nextGaussian();
        }
        if (kind == 1) {
            v[r.nextInt(d)] = -0f;
        } else if (kind == 2) {
            v[r.nextInt(d)] = 1e-25f;
        } else if (kind == 3) {
            v[r.nextInt(d)] += (float) r.nextGaussian(); // a new coordinate now and then
        }
        return v;
    }

    private static void run(NoveltySettings s, long seed, int items, int reads, float load) throws Exception {
        run(s, seed, items, reads, load, false);
    }

    /** {@code v} scaled to unit length as the log job's items are ({@code Vectors.normalized}: a float factor). */
    private static float[] unit(float[] v) {
        double n = 0;
        for (float f : v) {
            n += (double) f * f;
        }
        if (n > 0) {
            float k = (float) (1 / Math.sqrt(n));
            for (int i = 0; i < v.length; i++) {
                v[i] *= k;
            }
        }
        return v;
    }

    /** @param unit whether items are made unit vectors first (the packed memory then skips most scalings) */
    private static void run(NoveltySettings s, long seed, int items, int reads, float load, boolean unit)
            throws Exception {
        Novelty ref = new Novelty(s, null, false);
        Novelty packed = withKernel("packed", () -> new Novelty(s, null, true));
        NoveltyState a = ref.newState(1);
        NoveltyState b = packed.newState(1);
        SplittableRandom r = new SplittableRandom(seed);
        if (load != 0f) { // a cell as read from a savepoint: arbitrary values, packed by a scan
            float[] va = a.cell().data();
            float[] vb = b.cell().data();
            for (int i = 0; i < va.length; i++) {
                if (r.nextInt(3) == 0) {
                    float v = Float.isFinite(load) ? (float) (r.nextGaussian() * load) : load;
                    if (!Float.isFinite(load) && r.nextInt(50) != 0) {
                        v = (float) r.nextGaussian();
                    }
                    va[i] = v;
                    vb[i] = v;
                }
            }
        }
        NoveltyStore sa = NoveltyStore.inMemory();
        NoveltyStore sb = NoveltyStore.inMemory();
        int pool = 2 + r.nextInt(30);
        for (int k = 0; k < items; k++) {
            float[] v = item(r, s.dimension(), pool);
            if (unit) {
                v = unit(v);
            }
            if (k % 97 == 96 && seed % 5 == 0) {
                v[r.nextInt(v.length)] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY; // general kernel
            }
            NoveltyWrite wa = ref.write(a, sa, v, k, null);
            NoveltyWrite wb = packed.write(b, sb, v, k, null);
            assertEquals(Float.floatToIntBits(wa.innovation()), Float.floatToIntBits(wb.innovation()),
                    s + " seed " + seed + " item " + k + ": " + wa.innovation() + " vs " + wb.innovation());
            assertEquals(wa, wb, s + " seed " + seed + " item " + k);
            if (reads > 0 && r.nextInt(reads) == 0) {
                sameCell(a, b, s + " seed " + seed + " item " + k);
            }
        }
        sameCell(a, b, s + " seed " + seed + " end");
    }

    @Test
    void packedMemoryEqualsTheReferenceBitForBit() throws Exception {
        int[][] shapes = {{1, 1}, {2, 2}, {3, 5}, {4, 4}, {5, 5}, {7, 9}, {8, 8}, {13, 13}, {16, 20}, {33, 33},
                {64, 64}};
        float[] decays = {0.98f, 1f, 0.5f, 0.9999f, 1e-3f};
        float[] betas = {0.5f, 1f, 0.03f};
        long seed = 1;
        for (int[] shape : shapes) {
            for (float decay : decays) {
                for (float beta : betas) {
                    NoveltySettings s = new NoveltySettings(shape[1], shape[0], beta, decay, 4, 0.5f);
                    run(s, seed++, 300, seed % 3 == 0 ? 0 : seed % 3 == 1 ? 1 : 29, 0f);
                }
            }
        }
    }

    /**
     * Unit items (as the log job's): the packed memory skips their scaling where {@link
     * Novelty#scaleKeepsEveryFloat} allows (most of them, checked here), the reference always scales; every
     * innovation, admission and cell bit for bit the same.
     */
    @Test
    void unitItemsEqualTheReferenceBitForBit() throws Exception {
        long seed = 500;
        for (int c : new int[] {1, 5, 16, 64}) {
            for (float decay : new float[] {0.98f, 1f}) {
                run(new NoveltySettings(c, c, 0.5f, decay, 8, 0.5f), seed++, 400, 17, 0f, true);
            }
        }
        SplittableRandom r = new SplittableRandom(9);
        int skipped = 0;
        for (int k = 0; k < 1000; k++) {
            float[] v = unit(item(r, 64, 50));
            double n = 0;
            for (float f : v) {
                n += (double) f * f;
            }
            skipped += n > 0 && Novelty.scaleKeepsEveryFloat(1.0 / Math.sqrt(n)) ? 1 : 0;
        }
        assertTrue(skipped > 500, "unit items whose scaling is skipped: " + skipped + " of 1000");
    }

    /**
     * {@link Novelty#scaleKeepsEveryFloat}'s claim over floats of every exponent (subnormals, the largest, powers
     * of two, all-ones mantissas, random ones, both signs, both zeros) and factors across its whole range; and its
     * bound is tight: a factor just past it below 1 moves 1.0f to the float below.
     */
    @Test
    void aScaleWithinTheBoundKeepsEveryFloat() {
        double b = Novelty.UNCHANGED_SCALE;
        SplittableRandom r = new SplittableRandom(77);
        double[] factors = new double[40];
        factors[0] = 1;
        factors[1] = 1 + b;
        factors[2] = 1 - b;
        for (int i = 3; i < factors.length; i++) {
            factors[i] = 1 + (2 * r.nextDouble() - 1) * b;
        }
        int checked = 0;
        for (double inv : factors) {
            assertTrue(Novelty.scaleKeepsEveryFloat(inv));
            for (int e = 0; e < 255; e++) { // biased exponent: 0 is the subnormals and zeros
                int[] mantissas = {0, 1, 0x7fffff, 0x400000, 0x7ffffe, r.nextInt(0x800000), r.nextInt(0x800000)};
                for (int mant : mantissas) {
                    for (int sign : new int[] {0, 0x80000000}) {
                        float v = Float.intBitsToFloat(sign | (e << 23) | mant);
                        float scaled = (float) (v * inv);
                        assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(scaled),
                                v + " * " + inv + " = " + scaled);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 10_000);
        double past = 1 - 0x1p-25 - 0x1p-40;
        assertTrue(!Novelty.scaleKeepsEveryFloat(past) && !Novelty.scaleKeepsEveryFloat(1 + 2 * b));
        assertTrue((float) (1f * past) != 1f, "the bound is tight below a power of two");
        assertTrue(!Novelty.scaleKeepsEveryFloat(Double.NaN) && !Novelty.scaleKeepsEveryFloat(0));
    }

    @Test
    void loadedCellsEqualTheReferenceBitForBit() throws Exception {
        float[] loads = {1f, 1e-31f, 1e18f, 3e38f, Float.POSITIVE_INFINITY, Float.NaN};
        long seed = 100;
        for (float load : loads) {
            for (int c : new int[] {3, 8, 64}) {
                for (float decay : new float[] {0.98f, 1f}) {
                    run(new NoveltySettings(c, c, 0.5f, decay, 4, 0.5f), seed++, 200, 13, load);
                }
            }
        }
    }

    @Test
    void aLongStreamWithRareReadsEqualsTheReference() throws Exception {
        NoveltySettings s = new NoveltySettings(64, 64, 0.5f, 0.98f, 16, 0.5f);
        run(s, 7, 20_000, 5000, 0f);
        run(s, 8, 5000, 0, 0f);
    }

    /**
     * A key that writes for longer than the bound's growth allows (1.001 a step reaches 1e36 in some 80,000
     * steps) keeps a measured bound far below it (its values decay), so it keeps the write without finite tests;
     * every step equal to the reference.
     */
    @Test
    void aKeyPastEightyThousandWritesKeepsAFiniteBound() throws Exception {
        NoveltySettings s = new NoveltySettings(4, 4, 0.5f, 0.98f, 4, 0.5f);
        Novelty ref = new Novelty(s, null, false);
        Novelty packed = withKernel("packed", () -> new Novelty(s, null, true));
        NoveltyState a = ref.newState(1);
        NoveltyState b = packed.newState(1);
        NoveltyStore sa = NoveltyStore.inMemory();
        NoveltyStore sb = NoveltyStore.inMemory();
        SplittableRandom r = new SplittableRandom(41);
        for (int k = 0; k < 200_000; k++) {
            float[] v = item(r, s.dimension(), 6);
            NoveltyWrite wa = ref.write(a, sa, v, k, null);
            NoveltyWrite wb = packed.write(b, sb, v, k, null);
            assertEquals(Float.floatToIntBits(wa.innovation()), Float.floatToIntBits(wb.innovation()), "item " + k);
        }
        PackedCell pc = b.packed(4, 0.98f);
        assertTrue(pc.bound < 1e36f, "bound after 200,000 writes: " + pc.bound);
        sameCell(a, b, "end");
    }

    /**
     * A fresh key's packed block starts at {@value PackedCell#FIRST_STRIDE} x {@value PackedCell#FIRST_STRIDE}
     * floats (c x c where c is smaller) and grows its stride (at most c) as items touch more coordinates, reads
     * (which make the canonical cell) in between or not; every write and the cell bit for bit the reference's.
     */
    @Test
    void aFreshKeysBlockGrowsAsItsCoordinatesDo() throws Exception {
        for (int c : new int[] {5, 32, 33, 40, 64, 100}) {
            for (boolean reads : new boolean[] {false, true}) {
                NoveltySettings s = new NoveltySettings(c, c, 0.5f, 0.98f, 4, 0.5f);
                Novelty ref = new Novelty(s, null, false);
                Novelty packed = withKernel("packed", () -> new Novelty(s, null, true));
                NoveltyState a = ref.newState(1);
                NoveltyState b = packed.newState(1);
                NoveltyStore sa = NoveltyStore.inMemory();
                NoveltyStore sb = NoveltyStore.inMemory();
                assertEquals(Math.min(c, PackedCell.FIRST_STRIDE), b.packed(c, 0.98f).stride, "c " + c);
                SplittableRandom r = new SplittableRandom(c * 2L + (reads ? 1 : 0));
                int touched = 0;
                for (int k = 0; k < 3 * c; k++) {
                    float[] v = new float[c];
                    v[k % c] = 1f; // one coordinate more each item until all are touched, then again
                    v[r.nextInt(c)] += (float) r.nextGaussian();
                    v[r.nextInt(Math.min(c, 1 + k))] += (float) r.nextGaussian();
                    NoveltyWrite wa = ref.write(a, sa, v, k, null);
                    NoveltyWrite wb = packed.write(b, sb, v, k, null);
                    assertEquals(Float.floatToIntBits(wa.innovation()), Float.floatToIntBits(wb.innovation()),
                            "c " + c + " item " + k);
                    assertEquals(wa, wb, "c " + c + " item " + k);
                    if (reads && k % 7 == 3) {
                        sameCell(a, b, "c " + c + " item " + k);
                    }
                    PackedCell pc = b.packed(c, 0.98f);
                    assertTrue(pc.m <= pc.stride && pc.stride <= c && pc.vals.length == pc.stride * pc.stride,
                            "c " + c + " item " + k + ": m " + pc.m + ", stride " + pc.stride);
                    touched = Math.max(touched, pc.m);
                }
                assertEquals(c, touched, "every coordinate touched");
                assertEquals(c, b.packed(c, 0.98f).stride);
                sameCell(a, b, "c " + c + " end");
            }
        }
    }

    /**
     * A cell packed again after a reader unpacked it keeps its block in its canonical array: a key holds one c x c
     * array, not that array and a packed copy beside it.
     */
    @Test
    void aCellPackedAfterAReadStaysInItsOwnArray() throws Exception {
        int c = 64;
        NoveltySettings s = new NoveltySettings(c, c, 0.5f, 0.98f, 4, 0.5f);
        Novelty packed = withKernel("packed", () -> new Novelty(s, null, true));
        NoveltyState b = packed.newState(1);
        NoveltyStore sb = NoveltyStore.inMemory();
        SplittableRandom r = new SplittableRandom(9);
        for (int k = 0; k < 200; k++) {
            float[] v = new float[c];
            for (int i = 0; i < c; i += 1 + r.nextInt(3)) {
                v[i] = (float) r.nextGaussian();
            }
            packed.write(b, sb, v, k, null);
            if (k % 10 == 9) {
                float[] canonical = b.cell().data();
                PackedCell pc = b.packed(c, 0.98f);
                assertSame(canonical, pc.vals, "item " + k);
                assertSame(canonical, pc.home, "item " + k);
                assertEquals(c, pc.stride, "item " + k);
            }
        }
    }

    /** Packing keeps the active coordinates' values and unpacking puts every value back where it was. */
    @Test
    void packingAndUnpackingKeepEveryValue() {
        SplittableRandom r = new SplittableRandom(3);
        for (int c : new int[] {1, 2, 7, 64}) {
            for (int trial = 0; trial < 50; trial++) {
                float[] s = new float[c * c];
                int active = r.nextInt(c + 1);
                boolean[] on = new boolean[c];
                for (int t = 0; t < active; t++) {
                    on[r.nextInt(c)] = true;
                }
                for (int i = 0; i < c; i++) {
                    for (int j = 0; j < c; j++) {
                        if (on[i] && on[j] && r.nextInt(4) != 0) {
                            s[i * c + j] = r.nextInt(20) == 0 ? -0f : (float) r.nextGaussian();
                        }
                    }
                }
                float[] was = s.clone();
                float bound = 0f; // the reference: Math.max of the magnitudes
                for (float v : s) {
                    bound = Math.max(bound, Math.abs(v));
                }
                PackedCell p = PackedCell.pack(s, c, 0.9f);
                assertEquals(Float.floatToRawIntBits(bound), Float.floatToRawIntBits(p.bound), "bound");
                for (int i = 0; i < c; i++) {
                    assertTrue(p.slot[i] < 0 || p.coord[p.slot[i]] == i);
                }
                assertTrue(p.unpack() == s, "unpacks into the array it packed");
                assertEquals(java.util.Arrays.toString(bits(was)), java.util.Arrays.toString(bits(s)));
            }
        }
        float[] bad = new float[4];
        bad[3] = Float.NaN;
        assertEquals(null, PackedCell.pack(bad, 2, 0.9f));
        assertTrue(Float.isNaN(bad[3]));
        for (float v : new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -Float.NaN}) {
            float[] cell = {0.5f, 0f, -0f, v};
            assertEquals(null, PackedCell.pack(cell, 2, 0.9f), "refuses " + v);
            assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(cell[3]), "unchanged");
        }
        float[] negZero = {0f, 0f, 0f, -0f, 0f, 0f, 0f, 0f, 0f}; // -0 at (1, 0): coordinates 0 and 1 active
        PackedCell z = PackedCell.pack(negZero, 3, 0.9f);
        assertEquals(2, z.m);
        assertEquals(0, Float.floatToRawIntBits(z.bound));
    }

    /**
     * The in-place block moves equal their references (through an m x m copy) bit for bit: gather on ascending
     * coordinates, with values everywhere (those outside the active rows and columns are dropped by both); scatter on
     * coordinates in any order (as activations after a pack leave them), with -0s, NaN payloads and +0s in the block.
     */
    @Test
    void inPlaceBlockMovesEqualTheirReferences() {
        SplittableRandom r = new SplittableRandom(11);
        for (int c : new int[] {1, 2, 3, 7, 33, 64}) {
            for (int trial = 0; trial < 200; trial++) {
                int m = r.nextInt(c + 1);
                boolean[] on = new boolean[c];
                int[] coord = new int[m];
                int n = 0;
                while (n < m) {
                    int i = r.nextInt(c);
                    if (!on[i]) {
                        on[i] = true;
                        coord[n++] = i;
                    }
                }
                float[] s = new float[c * c];
                for (int k = 0; k < s.length; k++) {
                    int pick = r.nextInt(10);
                    s[k] = pick == 0 ? 0f : pick == 1 ? -0f : pick == 2 ? Float.intBitsToFloat(0x7fc00000 | r.nextInt(1 << 20))
                            : (float) r.nextGaussian();
                }
                int[] up = coord.clone();
                java.util.Arrays.sort(up);
                float[] g = s.clone();
                float[] gr = s.clone();
                PackedCell.gather(g, c, up, m);
                PackedCell.gatherReference(gr, c, up, m);
                assertEquals(java.util.Arrays.toString(bits(gr)), java.util.Arrays.toString(bits(g)), "gather c=" + c);
                // a block at the top left (+0 elsewhere) under coordinates in any order
                int[] order = r.nextBoolean() ? coord.clone() : up.clone();
                float[] b = new float[c * c];
                for (int q = 0; q < m * c; q++) {
                    if (q % c < m) {
                        b[q] = s[q];
                    }
                }
                float[] sc = b.clone();
                float[] sr = b.clone();
                int[] slot = new int[c];
                java.util.Arrays.fill(slot, -1);
                for (int t = 0; t < m; t++) {
                    slot[order[t]] = t;
                }
                int[] moved = order.clone();
                PackedCell.scatter(sc, c, moved, slot, m);
                PackedCell.scatterReference(sr, c, order, m);
                assertEquals(java.util.Arrays.toString(bits(sr)), java.util.Arrays.toString(bits(sc)),
                        "scatter c=" + c + " coordinates " + java.util.Arrays.toString(order));
                assertEquals(java.util.Arrays.toString(up), java.util.Arrays.toString(moved), "coordinates sorted");
                for (int t = 0; t < m; t++) {
                    assertEquals(t, slot[moved[t]]);
                }
            }
        }
    }

    /**
     * A restored cell of finite values near the float's range (+-3e38 on coordinates 0 and 1, 1 on coordinate 2)
     * and a unit item on coordinates 0 and 1: the packed cell takes it (every value finite), u overflows to an
     * infinity, so the packed kernel must write every active row as the reference does (row 2 gets 0 * -inf = NaN).
     * Guards {@code Packed.step}'s running maximum of |u_j| (made a minimum, u's infinity is missed: row 2 stays).
     */
    @Test
    void aRestoredCellWhoseUOverflowsWritesEveryRowAsTheReference() throws Exception {
        for (float sign : new float[] {1f, -1f}) {
            NoveltySettings s = new NoveltySettings(3, 3, 1f, 1f, 4, 0.5f);
            Novelty ref = new Novelty(s, null, false);
            Novelty packed = withKernel("packed", () -> new Novelty(s, null, true));
            NoveltyState a = ref.newState(1);
            NoveltyState b = packed.newState(1);
            for (NoveltyState st : new NoveltyState[] {a, b}) {
                float[] v = st.cell().data();
                v[0] = 3e38f;
                v[1] = sign * 3e38f;
                v[3] = sign * 3e38f;
                v[4] = 3e38f;
                v[8] = 1f;
            }
            float[] x = {0.70710677f, 0.70710677f, 0f};
            NoveltyWrite wa = ref.write(a, NoveltyStore.inMemory(), x, 0, null);
            NoveltyWrite wb = packed.write(b, NoveltyStore.inMemory(), x, 0, null);
            assertEquals(Float.floatToIntBits(wa.innovation()), Float.floatToIntBits(wb.innovation()));
            assertEquals(wa, wb);
            if (sign > 0) { // (with -3e38 off the diagonal, S x is 0 and nothing overflows: a plain packed write)
                assertTrue(Float.isNaN(a.cell().data()[6]), "the reference's row 2 holds 0 * -inf");
            }
            sameCell(a, b, "sign " + sign);
        }
    }

    /**
     * {@code Packed.step} on its own contract (x: c finite floats, not only the unit items {@link Novelty#write}
     * gives it): a fresh cell and x = (2e19, 0, 0, 0) make x_0 u_0 = 4e38, an infinity, as the reference does; the
     * kernel must see it coming (its bound takes max |x_i| max |u_j|) and unpack, never keep an infinity packed.
     * Guards the running maximum of |x_i| (made a minimum, it stays 0 and the packed cell keeps +inf).
     */
    @Test
    void aNonUnitItemWhoseWriteOverflowsUnpacks() {
        int c = 4;
        for (float big : new float[] {2e19f, -2e19f, 1e30f}) {
            PackedCell pc = new PackedCell(c, 1f);
            NoveltyKernel.Packed k = new NoveltyKernel.Packed(c);
            float[] s = new float[c * c];
            float[] x = {big, 0f, 0f, 0f};
            float e = k.step(pc, x, new int[] {0, 0, 0, 0}, 1, 1f, 1.0);
            float er = new NoveltyKernel.Scalar(c).step(s, x, 1f, 1f, 1.0);
            assertEquals(Float.floatToIntBits(er), Float.floatToIntBits(e), "x_0 " + big);
            assertTrue(Float.isInfinite(s[0]), "the reference writes +inf");
            assertTrue(k.unpacked, "x_0 " + big + ": a packed cell that would hold an infinity is unpacked");
            assertTrue(pc.home != null, "x_0 " + big + ": the cell is in its home array");
            for (int i = 0; i < c * c; i++) {
                assertEquals(Float.floatToIntBits(s[i]), Float.floatToIntBits(pc.home[i]),
                        "x_0 " + big + " value " + i);
            }
        }
    }

    /**
     * {@code Packed.writeNeedsNoFlush}'s claim: where it holds for (xmin, umin), {@code flush(s + x_i * u_j)} is
     * {@code s + x_i * u_j}, bit for bit, for every finite s and every |x_i| &gt;= xmin, |u_j| &gt;= umin: s of every
     * magnitude (zeros of both signs, subnormals, near the flush threshold, near -w: the cancellations that leave
     * the smallest sums), x_i and u_j at and above the bound's edge. And the bound is not loose by much: products
     * of 2^-76 already leave sums below the threshold (so a bound of 2^-76 or lower is wrong).
     */
    @Test
    void aWriteWhoseProductsPassTheBoundNeedsNoFlush() {
        SplittableRandom r = new SplittableRandom(2870);
        float bound = NoveltyKernel.Packed.NO_FLUSH_WRITE;
        assertTrue(NoveltyKernel.Packed.writeNeedsNoFlush(1f, bound));
        assertTrue(!NoveltyKernel.Packed.writeNeedsNoFlush(1f, Math.nextDown(bound)));
        assertTrue(!NoveltyKernel.Packed.writeNeedsNoFlush(Float.NaN, 1f)); // no x_i: k = 0
        assertTrue(!NoveltyKernel.Packed.writeNeedsNoFlush(1f, 0f));
        int checked = 0;
        int nearCancel = 0;
        for (int trial = 0; trial < 1_000_000; trial++) {
            // xmin, umin with xmin * umin at the bound's edge or above; x_i, u_j at or above them
            float xmin = (float) Math.scalb(1 + r.nextDouble(), -r.nextInt(60));
            float umin = Math.max(bound / xmin, Float.MIN_VALUE);
            while (!NoveltyKernel.Packed.writeNeedsNoFlush(xmin, umin)) {
                umin = Math.nextUp(umin);
            }
            if (r.nextInt(4) != 0) {
                umin = (float) (umin * Math.scalb(1 + r.nextDouble(), r.nextInt(4) == 0 ? r.nextInt(40) : 0));
            }
            float xi = r.nextInt(3) == 0 ? xmin : (float) (xmin * Math.scalb(1 + r.nextDouble(), r.nextInt(20)));
            float uj = r.nextInt(3) == 0 ? umin : (float) (umin * Math.scalb(1 + r.nextDouble(), r.nextInt(20)));
            if (!Float.isFinite(xi * uj)) {
                continue;
            }
            xi = r.nextBoolean() ? -xi : xi;
            uj = r.nextBoolean() ? -uj : uj;
            float w = xi * uj;
            float s;
            int kind = r.nextInt(8);
            if (kind < 3) { // near -w: -w plus a few ulps of s's own scale, or of a smaller one
                int e = Math.getExponent(w) - 23 - (kind == 0 ? 0 : r.nextInt(40));
                s = (float) (-(double) w + Math.scalb((double) (r.nextInt(201) - 100), e));
                nearCancel++;
            } else if (kind == 3) {
                s = r.nextBoolean() ? 0f : -0f;
            } else if (kind == 4) {
                s = Float.MIN_VALUE * r.nextInt(1 << 20) * (r.nextBoolean() ? 1 : -1);
            } else if (kind == 5) {
                s = (float) (r.nextGaussian() * 1e-30);
            } else {
                s = (float) Math.scalb(r.nextGaussian(), r.nextInt(-130, 60));
            }
            if (!Float.isFinite(s)) {
                continue;
            }
            float v = s + w;
            assertEquals(Float.floatToRawIntBits(v), Float.floatToRawIntBits(DeferredDecay.flushed(v)),
                    "s " + s + " + x " + xi + " * u " + uj);
            checked++;
        }
        assertTrue(checked > 800_000 && nearCancel > 300_000, checked + " checked, " + nearCancel + " near -w");
        // a bound 2^6 below the kept one (products of 2^-76): s + w can be a nonzero value below 1e-30, which the
        // flush changes (2^-75 would be the tight power of two)
        float w = NoveltyKernel.Packed.NO_FLUSH_WRITE * 0x1p-6f;
        float s = -Math.nextDown(w); // w - s = 2^-100 = 7.9e-31
        float v = s + w;
        assertTrue(v != 0f && Math.abs(v) < NoveltyKernel.FLUSH, "sum " + v);
    }

    /**
     * {@code Packed.step} where one x_i is tiny and u is not: the rows' writes x_i u_j of the tiny coordinate fall
     * below the flush threshold and the flush must run (the bound takes the smallest |x_i|; made the largest, the
     * packed cell keeps 5e-41 where the reference has +0), on a fresh cell and on one stepped before.
     */
    @Test
    void aTinyCoordinateKeepsTheWritesFlush() {
        int c = 4;
        for (int before = 0; before < 3; before++) {
            PackedCell pc = new PackedCell(c, (float) Math.exp(Math.log(0.98f)));
            NoveltyKernel.Packed k = new NoveltyKernel.Packed(c);
            NoveltyKernel.Scalar ref = new NoveltyKernel.Scalar(c);
            float[] s = new float[c * c];
            float a = pc.factor;
            for (int t = 0; t < before; t++) {
                float[] y = {0.6f, 0f, 0.8f, 0f};
                k.step(pc, y, new int[] {0, 2, 0, 0}, 2, 0.5f, 0.98);
                ref.step(s, y, a, 0.5f, 0.98);
            }
            float[] x = {1f, 1e-20f, 0f, 0f};
            float e = k.step(pc, x, new int[] {0, 1, 0, 0}, 2, 0.5f, 0.98);
            float er = ref.step(s, x, a, 0.5f, 0.98);
            assertEquals(Float.floatToIntBits(er), Float.floatToIntBits(e), "steps before " + before);
            assertTrue(!k.unpacked);
            float[] got = pc.unpack();
            for (int i = 0; i < c * c; i++) {
                assertEquals(Float.floatToIntBits(s[i]), Float.floatToIntBits(got[i]),
                        "steps before " + before + ", value " + i + ": " + s[i] + " vs " + got[i]);
            }
        }
    }

    /** A cell packed in place, stepped with new coordinates (activated out of order), then unpacked, as the reference. */
    @Test
    void aPackedCellWithLaterCoordinatesUnpacksAsTheReference() throws Exception {
        for (long seed = 1; seed <= 6; seed++) {
            run(new NoveltySettings(64, 64, 0.5f, 0.98f, 8, 0.5f), seed, 400, 1, 0f); // read after every write
        }
    }
}
