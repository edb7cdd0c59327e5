package dev.keymem.models.testing;

import dev.keymem.models.cells.CellKind;

/**
 * An independent float64 oracle for the four matrix cells of docs/design/mechanisms.md section 1, written as
 * literally as the spec reads, token by token, with no shared code with the production cells.
 * Layouts: q,k [T,H,K], v [T,H,V], beta,g [T,H], state [H,K,V] (+ key sums [H,K] when normalising).
 */
public final class Float64Reference {

    private Float64Reference() {
    }

    /** Result of a reference pass: outputs [T,H,V] and the final state [H,K,V]. */
    public record Result(double[] out, double[] state, double[] keySums) {
    }

    /**
     * Runs the recurrence from {@code initialState} ([H,K,V], may be null for zeros) and
     * {@code initialKeySums} ([H,K], may be null).
     */
    public static Result run(CellKind kind, int tokens, int heads, int keyDim, int valueDim,
                             float[] q, float[] k, float[] v, float[] beta, float[] g,
                             double scale, boolean normalize, double[] initialState, double[] initialKeySums) {
        int K = keyDim;
        int V = valueDim;
        double[] s = initialState == null ? new double[heads * K * V] : initialState.clone();
        double[] z = initialKeySums == null ? new double[heads * K] : initialKeySums.clone();
        double[] out = new double[tokens * heads * V];
        double[] pred = new double[V];
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int sh = h * K * V;
                int kq = (t * heads + h) * K;
                int vo = (t * heads + h) * V;
                if (kind.usesGate()) {
                    double decay = Math.exp(g[t * heads + h]);
                    for (int i = 0; i < K * V; i++) {
                        s[sh + i] *= decay;
                    }
                }
                if (kind == CellKind.DELTA || kind == CellKind.GATED_DELTA) {
                    double b = beta[t * heads + h];
                    java.util.Arrays.fill(pred, 0);
                    for (int i = 0; i < K; i++) {
                        for (int j = 0; j < V; j++) {
                            pred[j] += s[sh + i * V + j] * k[kq + i];
                        }
                    }
                    for (int j = 0; j < V; j++) {
                        pred[j] = b * (v[vo + j] - pred[j]); // u
                    }
                    for (int i = 0; i < K; i++) {
                        for (int j = 0; j < V; j++) {
                            s[sh + i * V + j] += k[kq + i] * pred[j];
                        }
                    }
                } else if (kind == CellKind.LINEAR || kind == CellKind.GATED_LINEAR) {
                    for (int i = 0; i < K; i++) {
                        for (int j = 0; j < V; j++) {
                            s[sh + i * V + j] += (double) k[kq + i] * v[vo + j];
                        }
                    }
                } else {
                    throw new IllegalArgumentException("no matrix reference for " + kind);
                }
                for (int i = 0; i < K; i++) {
                    z[h * K + i] += k[kq + i];
                }
                double denom = 0;
                for (int i = 0; i < K; i++) {
                    denom += scale * q[kq + i] * z[h * K + i];
                }
                for (int j = 0; j < V; j++) {
                    double o = 0;
                    for (int i = 0; i < K; i++) {
                        o += s[sh + i * V + j] * scale * q[kq + i];
                    }
                    out[vo + j] = normalize ? o / (denom + 1e-10) : o;
                }
            }
        }
        return new Result(out, s, z);
    }

    /** max |a - b| / max |b|: the relative error measure the tests use. */
    public static double relError(float[] actual, double[] expected) {
        if (actual.length < expected.length) {
            throw new IllegalArgumentException("length " + actual.length + " < " + expected.length);
        }
        double maxErr = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        if (Double.isNaN(maxErr)) {
            return Double.POSITIVE_INFINITY;
        }
        return maxRef == 0 ? maxErr : maxErr / maxRef;
    }

    public static double relError(float[] actual, float[] expected) {
        double[] e = new double[expected.length];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected[i];
        }
        return relError(actual, e);
    }
}
