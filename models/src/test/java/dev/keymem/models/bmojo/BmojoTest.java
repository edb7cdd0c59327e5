package dev.keymem.models.bmojo;

import static dev.keymem.models.bmojo.BmojoHarness.asOracleEvents;
import static dev.keymem.models.bmojo.BmojoHarness.assertSeparated;
import static dev.keymem.models.bmojo.BmojoHarness.maxDiffRel;
import static dev.keymem.models.bmojo.BmojoHarness.oneChunk;
import static dev.keymem.models.bmojo.BmojoHarness.oracle;
import static dev.keymem.models.bmojo.BmojoHarness.randomCuts;
import static dev.keymem.models.bmojo.BmojoHarness.run;
import static dev.keymem.models.bmojo.BmojoHarness.thresholdInGap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.bmojo.BmojoHarness.Run;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.BmojoFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** B'MOJO against the float64 oracle, and the invariants of docs/design/mechanisms.md section 3. */
class BmojoTest {

    private static final double TOL = 1e-4;
    private static final CellKind[] MATRIX = {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA,
            CellKind.GATED_DELTA};

    private static Bmojo reference(CellSpec spec, BmojoSettings s) {
        return new Bmojo(Cells.recurrent(spec), s);
    }

    private static Bmojo fast(CellSpec spec, BmojoSettings s) {
        return new Bmojo(Cells.chunked(spec, Backends.java()), s);
    }

    private static Bmojo fast(CellSpec spec, BmojoSettings s, TensorBackend backend) {
        return new Bmojo(Cells.chunked(spec, backend), s, backend);
    }

    /** The settings variants a test runs through, given the oracle's innovations of this input. */
    private static List<BmojoSettings> variants(SplittableRandom r, int w, double[] innovations) {
        float tau = thresholdInGap(innovations);
        int cap = 1 + r.nextInt(6);
        int block = 3 + r.nextInt(8);
        int m = 1 + r.nextInt(Math.min(3, block));
        List<BmojoSettings> l = new ArrayList<>();
        l.add(BmojoSettings.fading(w));
        l.add(BmojoSettings.fading(w).withCapacity(cap).withThreshold(tau).withRetrieval(0, 1));
        l.add(BmojoSettings.fading(w).withCapacity(cap).withThreshold(tau).withRetrieval(1 + r.nextInt(3),
                1 + r.nextInt(12)));
        l.add(BmojoSettings.fading(w).withCapacity(cap).withTopM(m, block).withRetrieval(1 + r.nextInt(3),
                1 + r.nextInt(12)));
        return l;
    }

    /**
     * Both forms, all four matrix cells, B'MOJO-F and full B'MOJO, random shapes, vs the float64 oracle
     * (the fast form on the best Java backend, and on the scalar one for the normalised cases).
     */
    @Test
    void bothFormsMatchFloat64Reference() {
        long seed = 100;
        int checked = 0;
        int evicting = 0;
        int retrieving = 0;
        for (CellKind kind : MATRIX) {
            for (boolean normalize : new boolean[] {false, true}) {
                seed++;
                SplittableRandom r = new SplittableRandom(seed);
                int h = 1 + r.nextInt(3);
                int k = 4 + r.nextInt(6);
                int v = 3 + r.nextInt(6);
                int w = 1 + r.nextInt(9);
                int tokens = 150 + r.nextInt(150);
                CellSpec spec = CellSpec.of(kind, h, k, v, 8).withNormalize(normalize);
                TokenChunk in = RandomInputs.chunk(spec, tokens, seed * 7919);
                double[] innov = oracle(spec, in, BmojoSettings.fading(w)).innovations();
                for (BmojoSettings s : variants(r, w, innov)) {
                    String what = kind + " norm=" + normalize + " H=" + h + " K=" + k + " V=" + v + " T=" + tokens
                            + " " + s;
                    BmojoFloat64Reference.Result want = oracle(spec, in, s);
                    assertSeparated(want, what);
                    Run ref = run(reference(spec, s), in, oneChunk(), false);
                    TensorBackend backend = normalize ? ScalarBackend.INSTANCE : Backends.java();
                    Run fst = run(fast(spec, s, backend), in, randomCuts(tokens, seed), true);
                    assertTrue(maxDiffRel(ref.out(), want.out()) <= TOL, what + " reference: " + maxDiffRel(ref.out(), want.out()));
                    assertTrue(maxDiffRel(fst.out(), want.out()) <= TOL, what + " fast: " + maxDiffRel(fst.out(), want.out()));
                    assertEquals(want.events(), asOracleEvents(ref.events()), what + " reference events");
                    assertEquals(want.events(), asOracleEvents(fst.events()), what + " fast events");
                    if (s.eidetic()) {
                        assertTrue(maxDiffRel(ref.innovations(), want.innovations()) <= TOL, what + " innovations");
                        assertTrue(maxDiffRel(fst.innovations(), want.innovations()) <= TOL, what + " fast innovations");
                        assertFalse(want.events().isEmpty(), what + ": the test should admit something");
                        if (want.events().stream().anyMatch(e -> e.type().equals("EVICTED"))) {
                            evicting++;
                            if (s.retrieveK() > 0) {
                                retrieving++;
                            }
                        }
                    }
                    checked++;
                }
            }
        }
        assertEquals(MATRIX.length * 2 * 4, checked);
        assertTrue(evicting >= 16 && retrieving >= 10, "the inputs must exercise eviction and retrieval: "
                + evicting + " evicting, " + retrieving + " retrieving variants");
    }

    /** The log-sum-exp merge of partial softmaxes equals one softmax over the union, whatever the partition. */
    @Test
    void partialSoftmaxMergeEqualsOneSoftmax() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(40);
            int dim = 1 + r.nextInt(8);
            int parts = 1 + r.nextInt(5);
            double[] q = new double[] {1.0};
            List<double[]> keys = new ArrayList<>();
            List<double[]> vals = new ArrayList<>();
            Bmojo.Partial[] ps = new Bmojo.Partial[parts];
            for (int i = 0; i < parts; i++) {
                ps[i] = new Bmojo.Partial(dim);
            }
            double offset = (r.nextDouble() - 0.5) * 200; // scores far from 0: exp would overflow unmerged
            for (int i = 0; i < n; i++) {
                double s = offset + r.nextGaussian() * (1 + r.nextInt(20));
                float[] v = new float[dim];
                double[] vd = new double[dim];
                for (int j = 0; j < dim; j++) {
                    v[j] = (float) r.nextGaussian();
                    vd[j] = v[j];
                }
                keys.add(new double[] {s});
                vals.add(vd);
                ps[r.nextInt(parts)].add(s, v, 0); // some parts stay empty
            }
            float[] got = new float[dim];
            Bmojo.Partial.merge(ps, got, 0);
            double[] want = BmojoFloat64Reference.softmaxRead(q, keys, vals, 1.0);
            assertTrue(maxDiffRel(got, want) <= 1e-6, "trial " + trial + ": " + maxDiffRel(got, want));
        }
    }

    /** Capacity 0 is B'MOJO-F, and an eidetic memory that admits nothing reads exactly like it. */
    @Test
    void capacityZeroIsFadingOnly() {
        for (CellKind kind : new CellKind[] {CellKind.GATED_DELTA, CellKind.LINEAR}) {
            CellSpec spec = CellSpec.of(kind, 2, 6, 5, 8);
            TokenChunk in = RandomInputs.chunk(spec, 200, 31);
            BmojoSettings f = BmojoSettings.fading(5);
            BmojoSettings none = f.withCapacity(4).withThreshold(Float.POSITIVE_INFINITY).withRetrieval(2, 7);
            for (boolean isFast : new boolean[] {false, true}) {
                Bmojo a = isFast ? fast(spec, f) : reference(spec, f);
                Bmojo b = isFast ? fast(spec, none) : reference(spec, none);
                int[] cuts = randomCuts(200, 9);
                Run ra = run(a, in, cuts, isFast);
                Run rb = run(b, in, cuts, isFast);
                assertArrayEquals(ra.out(), rb.out(), kind + " fast=" + isFast);
                assertTrue(rb.events().isEmpty());
                assertEquals(0, rb.archive().size());
                assertTrue(maxDiffRel(ra.out(), oracle(spec, in, f).out()) <= TOL);
            }
            // and a capacity that admits does change the reads
            BmojoSettings some = f.withCapacity(4).withThreshold(0f).withRetrieval(0, 1);
            assertFalse(java.util.Arrays.equals(run(reference(spec, f), in, oneChunk(), false).out(),
                    run(reference(spec, some), in, oneChunk(), false).out()));
        }
    }

    /**
     * For the delta rules the innovation is ||u_t|| / beta_t with u_t the delta-rule residual, here
     * recovered from the production cell's own states: u_t = (S_t - exp(g_t) S_{t-1})^T k_t / |k_t|^2.
     */
    @Test
    void innovationIsTheDeltaResidual() {
        for (CellKind kind : new CellKind[] {CellKind.DELTA, CellKind.GATED_DELTA}) {
            int H = 2;
            int K = 5;
            int V = 4;
            int T = 120;
            CellSpec spec = CellSpec.of(kind, H, K, V, 8);
            TokenChunk in = RandomInputs.chunk(spec, T, 77);
            BmojoSettings s = BmojoSettings.fading(3).withCapacity(2).withThreshold(1f).withRetrieval(0, 1);
            Run ref = run(reference(spec, s), in, oneChunk(), false);
            Run fst = run(fast(spec, s), in, randomCuts(T, 3), true);
            var cell = Cells.recurrent(spec);
            var state = cell.newState();
            float[] o = new float[H * V];
            float[] want = new float[T * H];
            for (int t = 0; t < T; t++) {
                float[] before = state.data().clone();
                cell.forward(state, in.slice(t, t + 1), o);
                float[] after = state.data();
                for (int h = 0; h < H; h++) {
                    int th = t * H + h;
                    double a = kind.usesGate() ? Math.exp(in.g()[th]) : 1.0;
                    double kk = 0;
                    for (int i = 0; i < K; i++) {
                        kk += (double) in.k()[th * K + i] * in.k()[th * K + i];
                    }
                    double norm = 0;
                    for (int j = 0; j < V; j++) {
                        double u = 0;
                        for (int i = 0; i < K; i++) {
                            int x = h * K * V + i * V + j;
                            u += (after[x] - a * before[x]) * in.k()[th * K + i];
                        }
                        u /= kk;
                        norm += u * u;
                    }
                    want[th] = (float) (Math.sqrt(norm) / in.beta()[th]);
                }
            }
            assertTrue(maxDiffRel(ref.innovations(), want) <= 1e-4, kind + " ref " + maxDiffRel(ref.innovations(), want));
            assertTrue(maxDiffRel(fst.innovations(), want) <= 1e-4, kind + " fast " + maxDiffRel(fst.innovations(), want));
        }
    }

    /** The reference form is exactly chunking invariant: outputs, events and final state, bit for bit. */
    @Test
    void referenceFormIsExactlyChunkingInvariant() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 6, 5, 8);
        TokenChunk in = RandomInputs.chunk(spec, 300, 41);
        double[] innov = oracle(spec, in, BmojoSettings.fading(4)).innovations();
        for (BmojoSettings s : variants(new SplittableRandom(2), 4, innov)) {
            Run a = run(reference(spec, s), in, oneChunk(), false);
            for (long seed = 0; seed < 3; seed++) {
                Run b = run(reference(spec, s), in, randomCuts(300, seed), false);
                assertArrayEquals(a.out(), b.out(), s.toString());
                assertEquals(a.events(), b.events(), s.toString());
                assertEquals(a.state(), b.state(), s.toString());
                assertEquals(a.archive().size(), b.archive().size());
            }
        }
    }

    /** The fast form under random cuts: same events and final eidetic store, outputs within float rounding. */
    @Test
    void fastFormIsChunkingInvariant() {
        for (CellKind kind : new CellKind[] {CellKind.GATED_DELTA, CellKind.GATED_LINEAR}) {
            CellSpec spec = CellSpec.of(kind, 3, 5, 4, 16);
            int T = 400;
            TokenChunk in = RandomInputs.chunk(spec, T, 43);
            double[] innov = oracle(spec, in, BmojoSettings.fading(6)).innovations();
            for (BmojoSettings s : variants(new SplittableRandom(3), 6, innov)) {
                assertSeparated(oracle(spec, in, s), s.toString());
                Run a = run(fast(spec, s), in, oneChunk(), true);
                for (long seed = 0; seed < 3; seed++) {
                    Run b = run(fast(spec, s), in, randomCuts(T, 10 + seed), true);
                    assertTrue(maxDiffRel(b.out(), a.out()) <= 1e-5, s + " " + maxDiffRel(b.out(), a.out()));
                    assertEquals(a.events(), stripInnovation(a.events(), b.events()), s.toString());
                    assertArrayEquals(a.state().eidetic().positions(), b.state().eidetic().positions());
                    assertArrayEquals(a.state().eidetic().counts(), b.state().eidetic().counts());
                }
            }
        }
    }

    /** b's events with a's innovation values where type, step, head and position agree (innovations differ by rounding). */
    private static List<BmojoEvent> stripInnovation(List<BmojoEvent> a, List<BmojoEvent> b) {
        List<BmojoEvent> l = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            BmojoEvent e = b.get(i);
            if (i < a.size()) {
                BmojoEvent x = a.get(i);
                if (x.type() == e.type() && x.step() == e.step() && x.head() == e.head() && x.position() == e.position()
                        && Math.abs(x.innovation() - e.innovation()) <= 1e-4 * Math.max(1, Math.abs(x.innovation()))) {
                    e = x;
                }
            }
            l.add(e);
        }
        return l;
    }

    /** Fast == reference for the deep cell too (no float64 oracle for deep B'MOJO; the cells' own tests cover deep). */
    @Test
    void fastEqualsReferenceForDeepMemory() {
        CellSpec spec = CellSpec.of(CellKind.DEEP, 2, 4, 4, 8);
        int T = 150;
        TokenChunk in = RandomInputs.chunk(spec, T, 51);
        Bmojo probe = new Bmojo(Cells.recurrent(spec), BmojoSettings.fading(3).withCapacity(1).withThreshold(0f));
        double[] innov = toDouble(run(probe, in, oneChunk(), false).innovations());
        float tau = thresholdInGap(innov);
        BmojoSettings s = BmojoSettings.fading(3).withCapacity(3).withThreshold(tau).withRetrieval(2, 5);
        Run ref = run(new Bmojo(Cells.recurrent(spec), s), in, oneChunk(), false);
        Run fst = run(new Bmojo(Cells.chunked(spec, Backends.java()), s), in, randomCuts(T, 4), true);
        assertTrue(maxDiffRel(fst.out(), ref.out()) <= TOL, "" + maxDiffRel(fst.out(), ref.out()));
        assertTrue(maxDiffRel(fst.innovations(), ref.innovations()) <= TOL);
        assertEquals(ref.events().size(), fst.events().size());
        assertFalse(ref.events().isEmpty());
        assertEquals(ref.events(), stripInnovation(ref.events(), fst.events()));
    }

    /**
     * All per-key data is in the state and the archive: a run restored mid-stream from a copy of the
     * state (rebuilt from its documented fields, as a serializer would) into a fresh model instance
     * continues bit for bit like the uninterrupted run, in both forms.
     */
    @Test
    void restoredStateContinuesExactly() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 5, 4, 8);
        int T = 240;
        TokenChunk in = RandomInputs.chunk(spec, T, 61);
        BmojoSettings s = BmojoSettings.fading(5).withCapacity(3).withTopM(2, 6).withRetrieval(2, 9);
        for (boolean isFast : new boolean[] {false, true}) {
            int[] cuts = {37, 90, 131, 200};
            Run whole = run(isFast ? fast(spec, s) : reference(spec, s), in, cuts, isFast);
            Bmojo first = isFast ? fast(spec, s) : reference(spec, s);
            BmojoState st = first.newState();
            InMemoryEideticArchive archive = new InMemoryEideticArchive();
            float[] out = new float[T * 2 * 4];
            int[] bounds = {0, 37, 90, 131, 200, T};
            for (int i = 0; i + 1 < bounds.length; i++) {
                if (i == 2) { // checkpoint and restore into a fresh model
                    st = rebuild(st);
                    first = isFast ? fast(spec, s) : reference(spec, s);
                }
                TokenChunk piece = in.slice(bounds[i], bounds[i + 1]);
                float[] o = new float[piece.length() * 2 * 4];
                if (isFast) {
                    first.forward(st, archive, piece, o);
                } else {
                    first.forwardReference(st, archive, piece, o);
                }
                System.arraycopy(o, 0, out, bounds[i] * 2 * 4, o.length);
            }
            assertArrayEquals(whole.out(), out, "fast=" + isFast);
            assertEquals(whole.state(), st);
            assertTrue(whole.state().evicted() > 0);
        }
    }

    private static BmojoState rebuild(BmojoState s) {
        EntryBuffer[] b = {s.eidetic(), s.candidates(), s.retrieved()};
        EntryBuffer[] c = new EntryBuffer[3];
        for (int i = 0; i < 3; i++) {
            c[i] = new EntryBuffer(b[i].heads(), b[i].capacity(), b[i].keyDim(), b[i].valueDim(), b[i].counts().clone(), b[i].positions().clone(),
                    b[i].innovations().clone(), b[i].keys().clone(), b[i].values().clone());
        }
        return new BmojoState(new dev.keymem.models.cells.CellState(s.cell().data().clone(), s.cell().position()),
                s.window(), s.ringKeys().clone(), s.ringValues().clone(), s.ringOutputs().clone(),
                s.ringInnovations().clone(), c[0], c[1], c[2], s.admitted(), s.evicted());
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
