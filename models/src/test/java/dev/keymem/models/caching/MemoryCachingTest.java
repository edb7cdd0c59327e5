package dev.keymem.models.caching;

import static dev.keymem.models.caching.McHarness.fast;
import static dev.keymem.models.caching.McHarness.float64;
import static dev.keymem.models.caching.McHarness.maxDiffRel;
import static dev.keymem.models.caching.McHarness.oneChunk;
import static dev.keymem.models.caching.McHarness.randomCuts;
import static dev.keymem.models.caching.McHarness.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Memory Caching against the float64 oracle, and the invariants of docs/design/mechanisms.md section 2. */
class MemoryCachingTest {

    private static final double TOL = 1e-4;

    private static CellSpec spec(CellKind kind, int h, int k, int v, int c, boolean normalize) {
        return CellSpec.of(kind, h, k, v, c).withNormalize(normalize);
    }

    /** Both forms, every read variant, both segmentations and carry-overs, all four cells, vs float64. */
    @Test
    void bothFormsMatchFloat64Reference() {
        long seed = 11;
        int combos = 0;
        for (CellKind kind : new CellKind[] {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA,
                CellKind.GATED_DELTA}) {
            for (ReadVariant read : ReadVariant.values()) {
                for (Segmentation seg : Segmentation.values()) {
                    for (CarryOver carry : CarryOver.values()) {
                        boolean mergesIndependent = carry == CarryOver.INDEPENDENT && seg == Segmentation.LOGARITHMIC;
                        if (mergesIndependent && (kind == CellKind.DELTA || kind == CellKind.GATED_DELTA)) {
                            continue; // rejected combination, see settingsAreValidated
                        }
                        for (boolean normalize : new boolean[] {false, true}) {
                            seed++;
                            SplittableRandom r = new SplittableRandom(seed);
                            int h = 1 + r.nextInt(3);
                            int k = 4 + r.nextInt(6);
                            int v = 3 + r.nextInt(6);
                            int len = seg == Segmentation.LOGARITHMIC ? 3 + r.nextInt(4) : 5 + r.nextInt(12);
                            int tokens = 60 + r.nextInt(80);
                            CellSpec sp = spec(kind, h, k, v, 8, normalize);
                            CachingSettings s = CachingSettings.defaults().withSegmentation(seg, len)
                                    .withCarryOver(carry).withRead(read).withTopK(1 + r.nextInt(3))
                                    .withGates(GateSource.PARAM_FREE, r.nextBoolean());
                            TokenChunk x = RandomInputs.chunk(sp, tokens, seed);
                            double[] want = float64(s, sp, x, null, null);
                            String what = kind + " " + read + " " + seg + "(" + len + ") " + carry + " norm="
                                    + normalize + " H=" + h + " K=" + k + " V=" + v + " perHead="
                                    + s.gatesPerHead() + " k=" + s.topK();
                            McHarness.Run ref = reference(new MemoryCaching(TestCells.recurrent(sp), s), x, null, null,
                                    randomCuts(tokens, 20, seed));
                            McHarness.Run fst = fast(new MemoryCaching(TestCells.chunked(sp), s), x, null, null,
                                    randomCuts(tokens, 40, seed + 1));
                            double eRef = Float64Reference.relError(ref.out(), want);
                            double eFast = Float64Reference.relError(fst.out(), want);
                            assertTrue(eRef <= TOL, what + ": reference form error " + eRef);
                            assertTrue(eFast <= TOL, what + ": chunked form error " + eFast);
                            assertEquals(ref.state().caches().size(), fst.state().caches().size(), what);
                            combos++;
                        }
                    }
                }
            }
        }
        assertTrue(combos > 100, "combinations run: " + combos);
    }

    @Test
    void learnedGatesMatchFloat64Reference() {
        for (ReadVariant read : new ReadVariant[] {ReadVariant.GRM, ReadVariant.SOUP, ReadVariant.SSC}) {
            for (int seed = 0; seed < 3; seed++) {
                CellSpec sp = spec(CellKind.GATED_DELTA, 2, 6, 5, 8, seed == 2);
                CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 7)
                        .withRead(read).withTopK(2).withGates(GateSource.LEARNED, seed != 1);
                int tokens = 90;
                TokenChunk x = RandomInputs.chunk(sp, tokens, 100 + seed);
                float[] u = McHarness.gaussian(tokens * 2 * 6, 200 + seed);
                double[] want = float64(s, sp, x, u, null);
                McHarness.Run fst = fast(new MemoryCaching(TestCells.chunked(sp), s), x, u, null,
                        randomCuts(tokens, 30, seed));
                McHarness.Run ref = reference(new MemoryCaching(TestCells.recurrent(sp), s), x, u, null,
                        randomCuts(tokens, 30, seed + 7));
                assertTrue(Float64Reference.relError(fst.out(), want) <= TOL, read + " chunked, learned gates");
                assertTrue(Float64Reference.relError(ref.out(), want) <= TOL, read + " reference, learned gates");
                double[] withQ = float64(s.withGates(GateSource.PARAM_FREE, s.gatesPerHead()), sp, x, null, null);
                assertTrue(Float64Reference.relError(fst.out(), withQ) > 1e-3, "learned gates must matter");
            }
        }
    }

    /** L >= stream length: no cache ever closes before the end, and every variant is the plain cell. */
    @Test
    void oneSegmentIsThePlainCell() {
        for (ReadVariant read : ReadVariant.values()) {
            for (int seed = 0; seed < 3; seed++) {
                CellSpec sp = spec(CellKind.values()[seed + 1], 2, 8, 4, 16, seed == 1);
                int tokens = 50 + 10 * seed;
                MemoryCell cell = TestCells.chunked(sp);
                CachingSettings s = CachingSettings.defaults()
                        .withSegmentation(Segmentation.CONSTANT, tokens + seed).withRead(read);
                TokenChunk x = RandomInputs.chunk(sp, tokens, 300 + seed);
                int[] cuts = randomCuts(tokens, 17, seed);
                McHarness.Run mc = fast(new MemoryCaching(cell, s), x, null, null, cuts);
                float[] plain = new float[tokens * 2 * 4];
                var st = cell.newState();
                for (int c = 0; c + 1 < cuts.length; c++) {
                    float[] o = new float[(cuts[c + 1] - cuts[c]) * 8];
                    cell.forward(st, x.slice(cuts[c], cuts[c + 1]), o);
                    System.arraycopy(o, 0, plain, cuts[c] * 8, o.length);
                }
                assertArrayEquals(plain, mc.out(), read + " with one segment");
                assertEquals(st, mc.state().online(), read + " online state");
                assertEquals(seed == 0 ? 1 : 0, mc.state().caches().size(), "a cache closes only when L == T");
            }
        }
    }

    /**
     * Residual with linear memory. Checkpoint mode: C_i holds every token up to the end of segment i, so
     * a token t in segment s reads the ONE state M_t = S_t + sum_{i<s} C_i = sum_{j<=t} (1 + s - seg(j))
     * k_j v_j^T: token j counted once in S_t and once in every cache closed after it. Independent mode:
     * the caches partition the stream, so Residual is exactly the plain linear cell (weights all 1).
     */
    @Test
    void residualLinearIsOneState() {
        for (int seed = 0; seed < 4; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int h = 1 + r.nextInt(2);
            int k = 4 + r.nextInt(5);
            int v = 2 + r.nextInt(5);
            int len = 3 + r.nextInt(9);
            int tokens = 40 + r.nextInt(60);
            CellSpec sp = spec(CellKind.LINEAR, h, k, v, 8, false);
            TokenChunk x = RandomInputs.chunk(sp, tokens, 400 + seed);
            for (CarryOver carry : CarryOver.values()) {
                CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, len)
                        .withCarryOver(carry).withRead(ReadVariant.RESIDUAL);
                McHarness.Run mc = fast(new MemoryCaching(TestCells.chunked(sp), s), x, null, null,
                        randomCuts(tokens, 25, seed));
                double[] want = new double[tokens * h * v];
                for (int t = 0; t < tokens; t++) {
                    int segT = t / len;
                    for (int hh = 0; hh < h; hh++) {
                        for (int j = 0; j < v; j++) {
                            double o = 0;
                            for (int src = 0; src <= t; src++) {
                                double w = carry == CarryOver.CHECKPOINT ? 1 + segT - src / len : 1;
                                double kq = 0;
                                for (int i = 0; i < k; i++) {
                                    kq += x.k()[(src * h + hh) * k + i] * (double) sp.scale()
                                            * x.q()[(t * h + hh) * k + i];
                                }
                                o += w * kq * x.v()[(src * h + hh) * v + j];
                            }
                            want[(t * h + hh) * v + j] = o;
                        }
                    }
                }
                assertTrue(Float64Reference.relError(mc.out(), want) <= 1e-5, carry + " residual = one state");
            }
        }
    }

    /** Soup mixes states; for a read linear in the state that is GRM exactly; with the normaliser it is not. */
    @Test
    void soupEqualsGrmForLinearMemory() {
        for (int seed = 0; seed < 4; seed++) {
            CellKind kind = CellKind.values()[seed];
            for (boolean normalize : new boolean[] {false, true}) {
                CellSpec sp = spec(kind, 2, 6, 5, 8, normalize);
                int tokens = 80;
                TokenChunk x = RandomInputs.chunk(sp, tokens, 500 + seed);
                CachingSettings grm = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 9)
                        .withRead(ReadVariant.GRM).withGates(GateSource.PARAM_FREE, seed % 2 == 0);
                CachingSettings soup = grm.withRead(ReadVariant.SOUP);
                int[] cuts = randomCuts(tokens, 20, seed);
                // the reference form mixes the state arrays literally, token by token
                float[] soupRef = reference(new MemoryCaching(TestCells.recurrent(sp), soup), x, null, null, cuts).out();
                float[] grmRef = reference(new MemoryCaching(TestCells.recurrent(sp), grm), x, null, null, cuts).out();
                float[] soupFast = fast(new MemoryCaching(TestCells.chunked(sp), soup), x, null, null, cuts).out();
                double d = maxDiffRel(soupRef, grmRef);
                if (normalize) {
                    assertTrue(d > 1e-3, kind + ": with the normaliser Soup mixes key sums and differs from GRM");
                } else {
                    assertTrue(d <= 1e-5, kind + ": Soup == GRM for linear memory, diff " + d);
                }
                assertTrue(maxDiffRel(soupFast, soupRef) <= 1e-5, kind + " norm=" + normalize + " soup forms");
            }
        }
    }

    @Test
    void sscWithKAtLeastCachesIsGrm() {
        for (int seed = 0; seed < 4; seed++) {
            CellSpec sp = spec(CellKind.values()[seed], 1 + seed % 3, 5, 4, 8, seed == 3);
            int tokens = 70;
            int len = 10;
            TokenChunk x = RandomInputs.chunk(sp, tokens, 600 + seed);
            CachingSettings grm = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, len)
                    .withRead(ReadVariant.GRM).withGates(GateSource.PARAM_FREE, seed % 2 == 1);
            CachingSettings ssc = grm.withRead(ReadVariant.SSC).withTopK(tokens / len + seed);
            int[] cuts = randomCuts(tokens, 23, seed);
            float[] a = fast(new MemoryCaching(TestCells.chunked(sp), grm), x, null, null, cuts).out();
            float[] b = fast(new MemoryCaching(TestCells.chunked(sp), ssc), x, null, null, cuts).out();
            assertTrue(maxDiffRel(b, a) <= 1e-6, "SSC with k >= caches == GRM");
            float[] c = fast(new MemoryCaching(TestCells.chunked(sp), ssc.withTopK(1)), x, null, null, cuts).out();
            assertTrue(maxDiffRel(c, a) > 1e-4, "SSC with k = 1 must differ from GRM");
        }
    }

    /** Random chunkings, with boundaries inside chunks, give the same outputs and the same caches. */
    @Test
    void chunkingInvariance() {
        for (ReadVariant read : ReadVariant.values()) {
            for (int seed = 0; seed < 3; seed++) {
                CellSpec sp = spec(CellKind.values()[(seed + read.ordinal()) % 4], 2, 7, 5, 8, seed == 2);
                int tokens = 150;
                CachingSettings s = CachingSettings.defaults()
                        .withSegmentation(seed == 1 ? Segmentation.LOGARITHMIC : Segmentation.CONSTANT, 6)
                        .withRead(read).withTopK(2).withCap(seed == 0 ? 5 : 0, CachingSettings.Eviction.MERGE_OLDEST);
                TokenChunk x = RandomInputs.chunk(sp, tokens, 700 + seed);
                MemoryCaching mc = new MemoryCaching(TestCells.chunked(sp), s);
                McHarness.Run whole = fast(mc, x, null, null, oneChunk(tokens));
                for (int cut = 0; cut < 3; cut++) {
                    McHarness.Run parts = fast(mc, x, null, null, randomCuts(tokens, 1 + 15 * cut, 31 * seed + cut));
                    assertTrue(maxDiffRel(parts.out(), whole.out()) <= 1e-5, read + " chunking changes outputs");
                    assertEquals(whole.state().caches().size(), parts.state().caches().size());
                    for (int i = 0; i < whole.state().caches().size(); i++) {
                        CacheSummary a = whole.state().caches().get(i);
                        CacheSummary b = parts.state().caches().get(i);
                        assertEquals(a.id(), b.id());
                        assertEquals(a.start(), b.start());
                        assertEquals(a.end(), b.end());
                        assertArrayEquals(a.keySum(), b.keySum(), "key sums are summed token by token in order");
                    }
                    assertEquals(whole.store().ids(), parts.store().ids());
                }
            }
        }
    }
}
