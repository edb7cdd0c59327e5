package dev.keymem.models.caching;

import static dev.keymem.models.caching.McHarness.fast;
import static dev.keymem.models.caching.McHarness.randomCuts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.CachingSettings.TtlMode;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.McFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Segment closes, merges, eviction, TTL and the storage seam. */
class CacheLifecycleTest {

    /** The float64 state of the cell run from zero over tokens [from, to) of x: matrix part then key sums. */
    private static double[] stateOver(CellSpec sp, TokenChunk x, long from, long to) {
        TokenChunk part = x.slice((int) from, (int) to);
        Float64Reference.Result r = Float64Reference.run(sp.kind(), part.length(), sp.heads(), sp.keyDim(),
                sp.valueDim(), part.q(), part.k(), part.v(), part.beta(), part.g(), sp.scale(), sp.normalize(),
                null, null);
        double[] s = new double[r.state().length + (sp.normalize() ? r.keySums().length : 0)];
        System.arraycopy(r.state(), 0, s, 0, r.state().length);
        if (sp.normalize()) {
            System.arraycopy(r.keySums(), 0, s, r.state().length, r.keySums().length);
        }
        return s;
    }

    private static double[] keySum(TokenChunk x, long from, long to) {
        int hk = x.heads() * x.keyDim();
        double[] s = new double[hk];
        for (long t = from; t < to; t++) {
            for (int i = 0; i < hk; i++) {
                s[i] += x.k()[(int) t * hk + i];
            }
        }
        return s;
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " [" + i + "]");
        }
    }

    /**
     * Logarithmic segmentation is a binary counter: after n tokens the caches summarise the powers of two
     * of floor(n/L) units, largest (oldest) first, contiguous from 0; every cache holds the state of its
     * merged segment (checkpoint: the checkpoint at its end; independent: the cell run from zero over it).
     */
    @Test
    void logarithmicCachesFollowTheBinaryExpansion() {
        int seed = 0;
        for (CarryOver carry : CarryOver.values()) {
            for (CellKind kind : new CellKind[] {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.GATED_DELTA}) {
                if (carry == CarryOver.INDEPENDENT && kind == CellKind.GATED_DELTA) {
                    continue;
                }
                seed++;
                int len = 3;
                int tokens = 200;
                CellSpec sp = CellSpec.of(kind, 2, 5, 4, 8).withNormalize(seed % 2 == 0);
                CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.LOGARITHMIC, len)
                        .withCarryOver(carry);
                TokenChunk x = RandomInputs.chunk(sp, tokens, 900 + seed);
                MemoryCaching mc = new MemoryCaching(TestCells.chunked(sp), s);
                CachingState st = mc.newState();
                InMemoryCacheStore store = new InMemoryCacheStore();
                int[] cuts = randomCuts(tokens, 11, seed);
                for (int c = 0; c + 1 < cuts.length; c++) {
                    mc.forward(st, store, x.slice(cuts[c], cuts[c + 1]), new float[(cuts[c + 1] - cuts[c]) * 8]);
                    long units = st.position() / len;
                    List<CacheSummary> cs = st.caches();
                    List<Long> expected = new ArrayList<>();
                    for (int bit = 62; bit >= 0; bit--) {
                        if ((units & (1L << bit)) != 0) {
                            expected.add((1L << bit) * len);
                        }
                    }
                    List<Long> counts = new ArrayList<>();
                    long start = 0;
                    for (CacheSummary cache : cs) {
                        counts.add(cache.count());
                        assertEquals(start, cache.start(), "caches are contiguous");
                        start = cache.end();
                    }
                    assertEquals(expected, counts, "binary expansion of " + units + " units");
                    assertTrue(units == 0 || cs.size() <= 64 - Long.numberOfLeadingZeros(units));
                    assertEquals(cs.size(), store.size());
                }
                for (CacheSummary cache : st.caches()) {
                    long from = carry == CarryOver.CHECKPOINT ? 0 : cache.start();
                    double[] want = stateOver(sp, x, from, cache.end());
                    float[] got = store.peek(cache.id()).data();
                    double max = 0;
                    for (double w : want) {
                        max = Math.max(max, Math.abs(w));
                    }
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 1e-5 * max, kind + " " + carry + " merged state");
                    }
                    assertClose(keySum(x, cache.start(), cache.end()), cache.keySum(), 1e-9, "merged key sum");
                    assertEquals(cache.end(), store.peek(cache.id()).position());
                }
            }
        }
    }

    /** The cap holds over a million tokens on one key, for both eviction rules. */
    @Test
    void capHoldsAfterOneMillionTokens() {
        CellSpec sp = CellSpec.of(CellKind.GATED_DELTA, 1, 8, 8, 64);
        for (Eviction ev : Eviction.values()) {
            CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 64)
                    .withRead(ReadVariant.SSC).withTopK(2).withCap(4, ev);
            // the recurrent cell: the cap does not depend on the cell's form, and at K=V=8 it is the cheapest
            MemoryCaching mc = new MemoryCaching(TestCells.recurrent(sp), s);
            CachingState st = mc.newState();
            InMemoryCacheStore store = new InMemoryCacheStore();
            SplittableRandom r = new SplittableRandom(ev.ordinal());
            int total = 0;
            int chunkNo = 0;
            while (total < 1_000_000) {
                int n = Math.min(1_000_000 - total, 1 + r.nextInt(8000));
                TokenChunk x = RandomInputs.chunk(sp, n, 10_000L * ev.ordinal() + chunkNo++);
                float[] out = new float[n * 8];
                mc.forward(st, store, x, out);
                total += n;
                assertTrue(st.caches().size() <= 4, "cap exceeded: " + st.caches().size());
                assertEquals(st.caches().size(), store.size(), "store and summaries agree");
                assertTrue(Float.isFinite(out[n * 8 - 1]));
            }
            assertEquals(1_000_000, st.position());
            assertEquals(4, st.caches().size());
            assertEquals(1_000_000 / 64, st.nextCacheId());
            long summarised = st.caches().stream().mapToLong(CacheSummary::count).sum();
            if (ev == Eviction.MERGE_OLDEST) {
                assertEquals(1_000_000 / 64 * 64, summarised, "merging loses no token");
                assertEquals(0, st.caches().get(0).start());
            } else {
                assertEquals(4 * 64, summarised, "dropping keeps whole segments only");
            }
        }
    }

    /** MERGE_OLDEST in checkpoint mode: the merged cache is the later checkpoint, summaries exact sums. */
    @Test
    void mergeOldestKeepsTheLaterCheckpoint() {
        CellSpec sp = CellSpec.of(CellKind.DELTA, 2, 6, 4, 8).withNormalize(true);
        int tokens = 97;
        CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 5)
                .withCap(3, Eviction.MERGE_OLDEST);
        TokenChunk x = RandomInputs.chunk(sp, tokens, 1234);
        McHarness.Run run = fast(new MemoryCaching(TestCells.chunked(sp), s), x, null, null, randomCuts(tokens, 13, 5));
        List<CacheSummary> cs = run.state().caches();
        assertEquals(3, cs.size());
        assertEquals(0, cs.get(0).start());
        assertEquals(85, cs.get(0).end(), "the oldest cache absorbed all merged segments");
        assertEquals(List.of(16L, 17L, 18L), cs.stream().map(CacheSummary::id).toList(), "merged caches keep the newer id");
        for (CacheSummary c : cs) {
            assertEquals(c.end() - c.start(), c.count());
            assertClose(keySum(x, c.start(), c.end()), c.keySum(), 1e-9, "key sum");
            double[] want = stateOver(sp, x, 0, c.end());
            float[] got = run.store().peek(c.id()).data();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-4, "checkpoint at " + c.end());
            }
        }
        double[] want = McHarness.float64(s, sp, x, null, null);
        assertTrue(Float64Reference.relError(run.out(), want) <= 1e-4);
    }

    /**
     * DROP_LEAST_ROUTED: one segment's keys point away from every query, so it gets the least gate mass
     * and is the first cache dropped; the whole eviction sequence matches the float64 oracle.
     */
    @Test
    void dropLeastRoutedDropsTheLeastRoutedCache() {
        CellSpec sp = CellSpec.of(CellKind.LINEAR, 1, 6, 4, 8).withNormalize(true);
        int len = 6;
        int tokens = 60;
        TokenChunk x = RandomInputs.chunk(sp, tokens, 77, true); // positive q and k
        for (int t = 2 * len; t < 3 * len; t++) { // segment 2: keys flipped negative
            for (int i = 0; i < 6; i++) {
                x.k()[t * 6 + i] = -x.k()[t * 6 + i];
            }
        }
        CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, len)
                .withRead(ReadVariant.GRM).withCap(4, Eviction.DROP_LEAST_ROUTED);
        MemoryCaching mc = new MemoryCaching(TestCells.chunked(sp), s);
        CachingState st = mc.newState();
        InMemoryCacheStore store = new InMemoryCacheStore();
        float[] out = new float[tokens * 4];
        float[] first = new float[5 * len * 4];
        mc.forward(st, store, x.slice(0, 5 * len), first);
        System.arraycopy(first, 0, out, 0, first.length);
        assertEquals(List.of(0L, 1L, 3L, 4L), st.caches().stream().map(CacheSummary::id).toList(),
                "the anti-aligned segment 2 goes first");
        assertFalse(store.ids().contains(2L));
        float[] rest = new float[(tokens - 5 * len) * 4];
        mc.forward(st, store, x.slice(5 * len, tokens), rest);
        System.arraycopy(rest, 0, out, first.length, rest.length);
        McFloat64Reference ref = new McFloat64Reference(s, sp.kind(), 1, 6, 4, sp.scale(), true);
        double[] want = ref.run(tokens, x.q(), x.k(), x.v(), null, null, null, null);
        assertTrue(Float64Reference.relError(out, want) <= 1e-4, "outputs with drops match the oracle");
        List<long[]> spans = ref.spans();
        assertEquals(spans.size(), st.caches().size());
        for (int i = 0; i < spans.size(); i++) {
            assertEquals(spans.get(i)[0], st.caches().get(i).start(), "eviction sequence matches the oracle");
        }
    }

    @Test
    void ttlByPositionAndByTimestamp() {
        CellSpec sp = CellSpec.of(CellKind.GATED_LINEAR, 2, 4, 3, 8);
        int tokens = 83;
        TokenChunk x = RandomInputs.chunk(sp, tokens, 4321);
        CachingSettings byPos = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 5)
                .withRead(ReadVariant.SSC).withTopK(2).withTtl(TtlMode.POSITION, 20);
        McHarness.Run run = fast(new MemoryCaching(TestCells.chunked(sp), byPos), x, null, null, randomCuts(tokens, 9, 1));
        assertEquals(List.of(65L, 70L, 75L, 80L), run.state().caches().stream().map(CacheSummary::end).toList());
        assertTrue(Float64Reference.relError(run.out(), McHarness.float64(byPos, sp, x, null, null)) <= 1e-4);

        long[] ts = new long[tokens];
        for (int t = 0; t < tokens; t++) {
            ts[t] = 1000 + 10L * t + (t > 40 ? 500 : 0); // a jump in time after token 40
        }
        CachingSettings byTime = byPos.withTtl(TtlMode.TIMESTAMP, 120);
        MemoryCaching mc = new MemoryCaching(TestCells.chunked(sp), byTime);
        McHarness.Run timed = fast(mc, x, null, ts, randomCuts(tokens, 9, 2));
        // last close after token 79 (ts 2290): caches stamped within 120 survive: ends 70, 75, 80
        assertEquals(List.of(70L, 75L, 80L), timed.state().caches().stream().map(CacheSummary::end).toList());
        assertEquals(ts[79], timed.state().caches().get(2).timestamp());
        assertTrue(Float64Reference.relError(timed.out(), McHarness.float64(byTime, sp, x, null, ts)) <= 1e-4);
        mc.expire(timed.state(), timed.store(), ts[74] + 120);
        assertEquals(List.of(80L), timed.state().caches().stream().map(CacheSummary::end).toList());
        assertEquals(Set.of(timed.state().caches().get(0).id()), timed.store().ids());
        var ex = assertThrows(IllegalArgumentException.class,
                () -> mc.forward(mc.newState(), new InMemoryCacheStore(), x.slice(0, 3), new float[18]));
        assertTrue(ex.getMessage().contains("timestamp"), ex.getMessage());
    }

    /** SSC deserialises only the caches its top-k routing picks; GRM and Residual load each cache once. */
    @Test
    void sscLoadsOnlyTheRoutedCaches() {
        for (int seed = 0; seed < 4; seed++) {
            int h = 1 + seed % 2;
            CellSpec sp = CellSpec.of(CellKind.GATED_DELTA, h, 6, 4, 8);
            int len = 8;
            CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, len)
                    .withRead(ReadVariant.SSC).withTopK(2).withGates(GateSource.PARAM_FREE, seed < 2);
            MemoryCaching mc = new MemoryCaching(TestCells.chunked(sp), s);
            TokenChunk x = RandomInputs.chunk(sp, 16 * len, 50 + seed);
            CachingState st = mc.newState();
            InMemoryCacheStore store = new InMemoryCacheStore();
            mc.forward(st, store, x.slice(0, 12 * len), new float[12 * len * h * 4]);
            assertEquals(12, st.caches().size());
            // one piece: tokens of segment 12, in a chunk of 5 tokens inside it
            TokenChunk next = x.slice(12 * len + 1, 12 * len + 6);
            mc.forward(st, store, x.slice(12 * len, 12 * len + 1), new float[h * 4]);
            Set<Long> routed = new HashSet<>();
            for (int t = 0; t < next.length(); t++) {
                for (int g = 0; g < (s.gatesPerHead() ? h : 1); g++) {
                    double[] logit = new double[12];
                    for (int i = 0; i < 12; i++) {
                        CacheSummary c = st.caches().get(i);
                        for (int hh = 0; hh < h; hh++) {
                            if (s.gatesPerHead() && hh != g) {
                                continue;
                            }
                            for (int j = 0; j < 6; j++) {
                                logit[i] += next.q()[(t * h + hh) * 6 + j] * c.mean(hh * 6 + j);
                            }
                        }
                    }
                    boolean[] taken = new boolean[12];
                    for (int pick = 0; pick < 2; pick++) {
                        int best = -1;
                        for (int i = 0; i < 12; i++) {
                            if (!taken[i] && (best < 0 || logit[i] > logit[best])) {
                                best = i;
                            }
                        }
                        taken[best] = true;
                        routed.add(st.caches().get(best).id());
                    }
                }
            }
            store.resetCounters();
            mc.forward(st, store, next, new float[5 * h * 4]);
            assertEquals(routed, new HashSet<>(store.loadLog()), "SSC loads exactly the routed caches");
            assertEquals(routed.size(), store.loads(), "each routed cache is loaded once");
            assertTrue(routed.size() < 12, "routing must skip some caches in this setup: " + routed.size());

            MemoryCaching grm = new MemoryCaching(TestCells.chunked(sp), s.withRead(ReadVariant.GRM));
            store.resetCounters();
            grm.forward(st, store, x.slice(12 * len + 6, 14 * len + 3), new float[(2 * len - 3) * h * 4]);
            // 12 loads: the caches closed inside this call are kept from its store, not loaded back
            assertEquals(12, store.loads(), "GRM loads every older cache once per call");
            assertEquals(12, new HashSet<>(store.loadLog()).size());
            assertEquals(14, st.caches().size());
        }
    }

    @Test
    void settingsAreValidated() {
        CachingSettings d = CachingSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> d.withSegmentation(Segmentation.CONSTANT, 0));
        assertThrows(IllegalArgumentException.class, () -> d.withTopK(0));
        assertThrows(IllegalArgumentException.class, () -> d.withCap(-1, Eviction.MERGE_OLDEST));
        assertThrows(IllegalArgumentException.class, () -> d.withTtl(TtlMode.POSITION, 0));
        assertThrows(IllegalArgumentException.class, () -> d.withTtl(TtlMode.NONE, 5));
        var e1 = assertThrows(IllegalArgumentException.class,
                () -> d.withRead(ReadVariant.RESIDUAL).withCap(3, Eviction.DROP_LEAST_ROUTED));
        assertTrue(e1.getMessage().contains("DROP_LEAST_ROUTED"), e1.getMessage());
        CellSpec delta = CellSpec.of(CellKind.DELTA, 1, 4, 4, 8);
        var e2 = assertThrows(IllegalArgumentException.class, () -> new MemoryCaching(TestCells.chunked(delta),
                d.withSegmentation(Segmentation.LOGARITHMIC, 4).withCarryOver(CarryOver.INDEPENDENT)));
        assertTrue(e2.getMessage().contains("INDEPENDENT") && e2.getMessage().contains("delta"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryCaching(TestCells.chunked(delta),
                d.withCarryOver(CarryOver.INDEPENDENT).withCap(2, Eviction.MERGE_OLDEST)));
        // allowed: independent with dropping, or independent merges of linear memory
        new MemoryCaching(TestCells.chunked(delta), d.withCarryOver(CarryOver.INDEPENDENT)
                .withCap(2, Eviction.DROP_LEAST_ROUTED));
        MemoryCaching learned = new MemoryCaching(TestCells.chunked(delta), d.withGates(GateSource.LEARNED, true));
        TokenChunk x = RandomInputs.chunk(delta, 4, 1);
        var e3 = assertThrows(IllegalArgumentException.class,
                () -> learned.forward(learned.newState(), new InMemoryCacheStore(), x, new float[16]));
        assertTrue(e3.getMessage().contains("gate queries"), e3.getMessage());
        MemoryCaching free = new MemoryCaching(TestCells.chunked(delta), d);
        assertThrows(IllegalArgumentException.class, () -> free.forward(free.newState(), new InMemoryCacheStore(), x,
                new float[16], null, new float[16]));
        assertThrows(IllegalArgumentException.class,
                () -> free.forward(free.newState(), new InMemoryCacheStore(), x, new float[15]));
    }
}
