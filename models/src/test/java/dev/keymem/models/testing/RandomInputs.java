package dev.keymem.models.testing;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import java.util.SplittableRandom;

/**
 * Fresh random inputs shaped like a trained model's: keys L2-normalised per head (so the delta rules
 * are stable), gaussian queries and values, beta in (0.05, 0.95), decays g in [-0.3, 0]. With
 * {@code positive} the queries and keys are positive (what the normaliser expects).
 */
public final class RandomInputs {

    private RandomInputs() {
    }

    public static TokenChunk chunk(CellSpec spec, int tokens, long seed) {
        return chunk(spec, tokens, seed, spec.normalize());
    }

    public static TokenChunk chunk(CellSpec spec, int tokens, long seed, boolean positive) {
        SplittableRandom r = new SplittableRandom(seed);
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        float[] q = new float[tokens * H * K];
        float[] k = new float[tokens * H * K];
        float[] v = new float[tokens * H * V];
        float[] beta = new float[tokens * H];
        float[] g = new float[tokens * H];
        for (int th = 0; th < tokens * H; th++) {
            double norm = 0;
            for (int i = 0; i < K; i++) {
                double kv = r.nextGaussian();
                double qv = r.nextGaussian();
                if (positive) {
                    kv = Math.abs(kv) + 0.05;
                    qv = Math.abs(qv) + 0.05;
                }
                k[th * K + i] = (float) kv;
                q[th * K + i] = (float) qv;
                norm += kv * kv;
            }
            double inv = 1.0 / Math.sqrt(norm);
            for (int i = 0; i < K; i++) {
                k[th * K + i] = (float) (k[th * K + i] * inv);
            }
            for (int j = 0; j < V; j++) {
                v[th * V + j] = (float) r.nextGaussian();
            }
            beta[th] = (float) (0.05 + 0.9 * r.nextDouble());
            g[th] = (float) (-0.3 * r.nextDouble());
        }
        return new TokenChunk(tokens, H, K, V, q, k, v,
                spec.kind().usesBeta() ? beta : null, spec.kind().usesGate() ? g : null);
    }

    /** Widens a float array. */
    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
