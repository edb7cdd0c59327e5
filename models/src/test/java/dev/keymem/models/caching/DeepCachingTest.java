package dev.keymem.models.caching;

import static dev.keymem.models.caching.McHarness.fast;
import static dev.keymem.models.caching.McHarness.maxDiffRel;
import static dev.keymem.models.caching.McHarness.oneChunk;
import static dev.keymem.models.caching.McHarness.randomCuts;
import static dev.keymem.models.caching.McHarness.reference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.GateSource;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.DeepSpec;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.RandomInputs;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Memory Caching over the deep (test-time-learned MLP) cell, whose read is not linear in its state. */
class DeepCachingTest {

    private static CellSpec deep(int heads, int dim, int hidden, int batch, long seed) {
        return CellSpec.of(CellKind.DEEP, heads, dim, dim, 12)
                .withDeep(new DeepSpec(hidden, 0.003f, 0.9f, 0.001f, batch, seed));
    }

    /** Reference form over the recurrent deep cell == chunked form over the chunked deep cell. */
    @Test
    void formsAgreeOnDeepMemory() {
        for (int seed = 0; seed < 2; seed++) {
            CellSpec sp = deep(2, 8, 12, 4, 7 + seed);
            int tokens = 75;
            TokenChunk x = RandomInputs.chunk(sp, tokens, 1000 + seed);
            float[][] outs = new float[4][];
            for (ReadVariant read : ReadVariant.values()) {
                CachingSettings s = CachingSettings.defaults()
                        .withSegmentation(seed == 0 ? Segmentation.CONSTANT : Segmentation.LOGARITHMIC, 6)
                        .withRead(read).withTopK(2).withGates(GateSource.PARAM_FREE, true)
                        .withCap(seed == 0 ? 4 : 0, Eviction.MERGE_OLDEST);
                float[] a = reference(new MemoryCaching(TestCells.recurrent(sp), s), x, null, null,
                        randomCuts(tokens, 10, seed)).out();
                float[] b = fast(new MemoryCaching(TestCells.chunked(sp), s), x, null, null,
                        randomCuts(tokens, 30, seed + 3)).out();
                double d = maxDiffRel(b, a);
                assertTrue(d <= 1e-4, read + ": chunked vs reference on deep memory " + d);
                float[] c = fast(new MemoryCaching(TestCells.chunked(sp), s), x, null, null, oneChunk(tokens)).out();
                assertTrue(maxDiffRel(c, b) <= 1e-4, read + ": chunking invariance on deep memory");
                outs[read.ordinal()] = b;
            }
            assertTrue(maxDiffRel(outs[ReadVariant.SOUP.ordinal()], outs[ReadVariant.GRM.ordinal()]) > 1e-4,
                    "Soup mixes MLP weights and differs from GRM on deep memory");
        }
    }

    @Test
    void oneSegmentIsThePlainDeepCell() {
        CellSpec sp = deep(2, 8, 12, 4, 3);
        int tokens = 40;
        TokenChunk x = RandomInputs.chunk(sp, tokens, 77);
        MemoryCell cell = TestCells.chunked(sp);
        CellState st = cell.newState();
        float[] plain = new float[tokens * 16];
        cell.forward(st, x, plain);
        for (float f : plain) {
            assertTrue(Float.isFinite(f), "the plain deep cell must stay finite");
        }
        for (ReadVariant read : ReadVariant.values()) {
            CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 64).withRead(read);
            McHarness.Run run = fast(new MemoryCaching(cell, s), x, null, null, oneChunk(tokens));
            assertArrayEquals(plain, run.out(), read.toString());
        }
    }

    /**
     * Per-head gates on a two-head deep memory are two independent one-head memories: Soup mixes each
     * head's blocks of the six state tensors with that head's gates only.
     */
    @Test
    void perHeadSoupMixesEachHeadsBlocks() {
        CellSpec two = deep(2, 6, 10, 3, 11);
        CellSpec one = deep(1, 6, 10, 3, 11);
        int tokens = 50;
        TokenChunk x = RandomInputs.chunk(two, tokens, 5);
        for (ReadVariant read : new ReadVariant[] {ReadVariant.SOUP, ReadVariant.GRM, ReadVariant.SSC}) {
            CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 7)
                    .withRead(read).withTopK(2).withGates(GateSource.PARAM_FREE, true);
            MemoryCaching mc2 = new MemoryCaching(TestCells.chunked(two), s);
            CachingState st2 = mc2.newState();
            float[] out2 = new float[tokens * 12];
            mc2.forward(st2, new InMemoryCacheStore(), x, out2);
            MemoryCaching mc1 = new MemoryCaching(TestCells.chunked(one), s);
            for (int h = 0; h < 2; h++) {
                float[] init = mc2.newState().online().data();
                int block = 10 * 6;
                float[] mine = new float[6 * block];
                for (int j = 0; j < 6; j++) {
                    System.arraycopy(init, j * 2 * block + h * block, mine, j * block, block);
                }
                CachingState st1 = new CachingState(new CellState(mine, 0), 0, new double[6], new double[1], 0,
                        List.of());
                float[] out1 = new float[tokens * 6];
                mc1.forward(st1, new InMemoryCacheStore(), head(x, h), out1);
                float[] want = new float[tokens * 6];
                for (int t = 0; t < tokens; t++) {
                    System.arraycopy(out2, (t * 2 + h) * 6, want, t * 6, 6);
                }
                assertTrue(maxDiffRel(out1, want) <= 1e-5, read + " head " + h + ": " + maxDiffRel(out1, want));
                assertEquals(st2.caches().size(), st1.caches().size());
            }
        }
    }

    /** Head h of a chunk as a one-head chunk. */
    private static TokenChunk head(TokenChunk x, int h) {
        int T = x.length();
        int H = x.heads();
        int K = x.keyDim();
        int V = x.valueDim();
        float[] q = new float[T * K];
        float[] k = new float[T * K];
        float[] v = new float[T * V];
        for (int t = 0; t < T; t++) {
            System.arraycopy(x.q(), (t * H + h) * K, q, t * K, K);
            System.arraycopy(x.k(), (t * H + h) * K, k, t * K, K);
            System.arraycopy(x.v(), (t * H + h) * V, v, t * V, V);
        }
        return new TokenChunk(T, 1, K, V, q, k, v, null, null);
    }
}
