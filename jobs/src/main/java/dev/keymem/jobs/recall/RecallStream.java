package dev.keymem.jobs.recall;

import dev.keymem.models.cells.TokenChunk;
import java.util.SplittableRandom;

/**
 * A per-key multi-query associative recall stream with identity projections: random unit key
 * embeddings k and random unit value embeddings v (H = 1, K = V = dim). The stream is
 * {@code pairs} key-value tokens, then noise tokens (random keys and values, also written), then
 * {@code queries} query tokens that ask for the values of earlier pairs. A query token carries
 * q = queryNorm * k_j of the pair it asks for, beta = 0 (it writes nothing to delta memories) and
 * v = 0. Recall is correct when the read output is closest (cosine) to v_j among all pair values.
 * Decays g are 0 (no forgetting beyond what the cell's writes do).
 */
public final class RecallStream {
    private final int length;
    private final int pairs;
    private final int queries;
    private final int dim;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] beta;
    private final float[] g;
    private final int[] queryPair; // pair index asked by each query, in stream order
    private final float[][] pairValues;

    public RecallStream(int length, int pairs, int queries, int dim, double queryNorm, long seed) {
        if (pairs <= 0 || queries <= 0 || pairs + queries > length) {
            throw new IllegalArgumentException("need 0 < pairs, 0 < queries and pairs + queries <= length: pairs="
                    + pairs + " queries=" + queries + " length=" + length);
        }
        this.length = length;
        this.pairs = pairs;
        this.queries = queries;
        this.dim = dim;
        SplittableRandom r = new SplittableRandom(seed);
        q = new float[length * dim];
        k = new float[length * dim];
        v = new float[length * dim];
        beta = new float[length];
        g = new float[length];
        pairValues = new float[pairs][];
        float[][] pairKeys = new float[pairs][];
        for (int t = 0; t < length - queries; t++) {
            float[] kk = unit(r, dim);
            float[] vv = unit(r, dim);
            System.arraycopy(kk, 0, k, t * dim, dim);
            System.arraycopy(kk, 0, q, t * dim, dim);
            System.arraycopy(vv, 0, v, t * dim, dim);
            beta[t] = 1f;
            if (t < pairs) {
                pairKeys[t] = kk;
                pairValues[t] = vv;
            }
        }
        queryPair = new int[queries];
        for (int i = 0; i < queries; i++) {
            int t = length - queries + i;
            int j = r.nextInt(pairs);
            queryPair[i] = j;
            for (int d = 0; d < dim; d++) {
                q[t * dim + d] = (float) (queryNorm * pairKeys[j][d]);
                k[t * dim + d] = pairKeys[j][d];
            }
            beta[t] = 0f;
        }
    }

    private static float[] unit(SplittableRandom r, int dim) {
        float[] x = new float[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            double gsn = r.nextGaussian();
            x[i] = (float) gsn;
            n += gsn * gsn;
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int i = 0; i < dim; i++) {
            x[i] *= inv;
        }
        return x;
    }

    public int length() {
        return length;
    }

    public int dim() {
        return dim;
    }

    public int queries() {
        return queries;
    }

    /** Tokens [from, to) as a chunk (H = 1). */
    public TokenChunk chunk(int from, int to) {
        int n = to - from;
        return new TokenChunk(n, 1, dim, dim,
                java.util.Arrays.copyOfRange(q, from * dim, to * dim),
                java.util.Arrays.copyOfRange(k, from * dim, to * dim),
                java.util.Arrays.copyOfRange(v, from * dim, to * dim),
                java.util.Arrays.copyOfRange(beta, from, to),
                java.util.Arrays.copyOfRange(g, from, to));
    }

    /** Position of the first query token. */
    public int firstQuery() {
        return length - queries;
    }

    /**
     * Fraction of queries answered correctly, given outputs [length, dim] (only the query positions
     * are looked at).
     */
    public double accuracy(float[] outputs) {
        int correct = 0;
        for (int i = 0; i < queries; i++) {
            int t = firstQuery() + i;
            int best = -1;
            double bestCos = Double.NEGATIVE_INFINITY;
            double on = 0;
            for (int d = 0; d < dim; d++) {
                on += (double) outputs[t * dim + d] * outputs[t * dim + d];
            }
            for (int j = 0; j < pairs; j++) {
                double dot = 0;
                for (int d = 0; d < dim; d++) {
                    dot += (double) outputs[t * dim + d] * pairValues[j][d];
                }
                double cos = on == 0 ? 0 : dot / Math.sqrt(on);
                if (cos > bestCos) {
                    bestCos = cos;
                    best = j;
                }
            }
            if (best == queryPair[i] && on > 0) {
                correct++;
            }
        }
        return (double) correct / queries;
    }
}
