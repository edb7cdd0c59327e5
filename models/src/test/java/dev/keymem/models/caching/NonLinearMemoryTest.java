package dev.keymem.models.caching;

import static dev.keymem.models.caching.McHarness.fast;
import static dev.keymem.models.caching.McHarness.maxDiffRel;
import static dev.keymem.models.caching.McHarness.randomCuts;
import static dev.keymem.models.caching.McHarness.reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Memory Caching over a cell whose layout it does not know and whose read is not linear (a stand-in
 * for deep memory): the two forms agree, Soup mixes whole state arrays and differs from GRM, and a
 * restored copy of the per-key state continues exactly like the original.
 */
class NonLinearMemoryTest {

    @Test
    void formsAgreeAndSoupDiffersFromGrm() {
        for (int seed = 0; seed < 3; seed++) {
            int h = 1 + seed % 2;
            TanhToyCell cell = new TanhToyCell(h, 5, 4);
            int tokens = 70;
            TokenChunk x = RandomInputs.chunk(cell.spec(), tokens, 800 + seed);
            float[][] outs = new float[ReadVariant.values().length][];
            for (ReadVariant read : ReadVariant.values()) {
                CachingSettings s = CachingSettings.defaults()
                        .withSegmentation(seed == 1 ? Segmentation.LOGARITHMIC : Segmentation.CONSTANT, 6)
                        .withRead(read).withTopK(2).withGates(GateSource.PARAM_FREE, h == 1)
                        .withCap(seed == 2 ? 3 : 0, Eviction.MERGE_OLDEST);
                MemoryCaching mc = new MemoryCaching(cell, s);
                float[] a = reference(mc, x, null, null, randomCuts(tokens, 9, seed)).out();
                float[] b = fast(mc, x, null, null, randomCuts(tokens, 30, seed + 1)).out();
                assertTrue(maxDiffRel(b, a) <= 1e-5, read + ": chunked vs reference " + maxDiffRel(b, a));
                outs[read.ordinal()] = b;
            }
            assertTrue(maxDiffRel(outs[ReadVariant.SOUP.ordinal()], outs[ReadVariant.GRM.ordinal()]) > 1e-3,
                    "Soup differs from GRM for a non-linear read");
        }
    }

    @Test
    void soupWithPerHeadGatesNeedsAKnownLayout() {
        TanhToyCell cell = new TanhToyCell(2, 4, 4);
        var e = assertThrows(IllegalArgumentException.class, () -> new MemoryCaching(cell,
                CachingSettings.defaults().withRead(ReadVariant.SOUP).withGates(GateSource.PARAM_FREE, true)));
        assertTrue(e.getMessage().contains("gatesPerHead"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MemoryCaching(cell,
                CachingSettings.defaults().withCarryOver(CarryOver.INDEPENDENT)
                        .withSegmentation(Segmentation.LOGARITHMIC, 4)));
    }

    /** What a Flink restore does: copy the per-key state and the store, continue; same outputs. */
    @Test
    void restoredStateContinuesExactly() {
        TanhToyCell cell = new TanhToyCell(1, 4, 3);
        CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 5)
                .withRead(ReadVariant.SSC).withTopK(2).withCap(4, Eviction.DROP_LEAST_ROUTED);
        MemoryCaching mc = new MemoryCaching(cell, s);
        TokenChunk x = RandomInputs.chunk(cell.spec(), 90, 99);
        CachingState st = mc.newState();
        InMemoryCacheStore store = new InMemoryCacheStore();
        mc.forward(st, store, x.slice(0, 43), new float[43 * 3]);
        CachingState copy = st.copy();
        assertEquals(st, copy);
        InMemoryCacheStore store2 = new InMemoryCacheStore();
        for (long id : store.ids()) {
            CellState c = store.peek(id);
            store2.store(id, new CellState(c.data().clone(), c.position()));
        }
        List<float[]> a = new ArrayList<>();
        List<float[]> b = new ArrayList<>();
        for (int[] cut : new int[][] {{43, 60}, {60, 90}}) {
            float[] o1 = new float[(cut[1] - cut[0]) * 3];
            float[] o2 = new float[o1.length];
            mc.forward(st, store, x.slice(cut[0], cut[1]), o1);
            mc.forward(copy, store2, x.slice(cut[0], cut[1]), o2);
            a.add(o1);
            b.add(o2);
        }
        for (int i = 0; i < a.size(); i++) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(i), b.get(i));
        }
        assertEquals(st, copy);
        assertEquals(store.ids(), store2.ids());
        CellState fresh = cell.newState();
        assertTrue(st.caches().size() <= 4 && !st.online().equals(fresh));
    }
}
