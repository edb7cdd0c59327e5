package dev.keymem.models.caching;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.McFloat64Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Shared helpers for the Memory Caching tests: streams, random cuts, runs of both forms. */
final class McHarness {
    private McHarness() {
    }

    /** Result of one run: outputs [T,H,V], the final per-key state, and the store. */
    record Run(float[] out, CachingState state, InMemoryCacheStore store) {
    }

    /** Random cut points 0 = c0 < c1 < ... < cm = T (chunks of 1..maxChunk tokens). */
    static int[] randomCuts(int tokens, int maxChunk, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> cuts = new ArrayList<>();
        cuts.add(0);
        int p = 0;
        while (p < tokens) {
            p = Math.min(tokens, p + 1 + r.nextInt(maxChunk));
            cuts.add(p);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] oneChunk(int tokens) {
        return new int[] {0, tokens};
    }

    static Run fast(MemoryCaching mc, TokenChunk stream, float[] u, long[] ts, int[] cuts) {
        return run(mc, stream, u, ts, cuts, false);
    }

    static Run reference(MemoryCaching mc, TokenChunk stream, float[] u, long[] ts, int[] cuts) {
        return run(mc, stream, u, ts, cuts, true);
    }

    private static Run run(MemoryCaching mc, TokenChunk stream, float[] u, long[] ts, int[] cuts, boolean ref) {
        CachingState st = mc.newState();
        InMemoryCacheStore store = new InMemoryCacheStore();
        int hv = stream.heads() * stream.valueDim();
        int hk = stream.heads() * stream.keyDim();
        float[] out = new float[stream.length() * hv];
        for (int c = 0; c + 1 < cuts.length; c++) {
            int a = cuts[c];
            int b = cuts[c + 1];
            TokenChunk piece = stream.slice(a, b);
            float[] pu = u == null ? null : Arrays.copyOfRange(u, a * hk, b * hk);
            long[] pts = ts == null ? null : Arrays.copyOfRange(ts, a, b);
            float[] o = new float[(b - a) * hv];
            if (ref) {
                mc.forwardReference(st, store, piece, pu, pts, o);
            } else {
                mc.forward(st, store, piece, pu, pts, o);
            }
            System.arraycopy(o, 0, out, a * hv, o.length);
        }
        return new Run(out, st, store);
    }

    static double[] float64(CachingSettings s, CellSpec spec, TokenChunk x, float[] u, long[] ts) {
        McFloat64Reference ref = new McFloat64Reference(s, spec.kind(), spec.heads(), spec.keyDim(),
                spec.valueDim(), spec.scale(), spec.normalize());
        return ref.run(x.length(), x.q(), x.k(), x.v(), x.beta(), x.g(), u, ts);
    }

    static float[] gaussian(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    static double maxDiffRel(float[] a, float[] b) {
        double err = 0;
        double ref = 0;
        for (int i = 0; i < b.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            ref = Math.max(ref, Math.abs(b[i]));
        }
        return ref == 0 ? err : err / ref;
    }
}
