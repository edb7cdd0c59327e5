package dev.keymem.models.retention;

import dev.keymem.models.backend.TensorBackend;
import java.util.List;

/**
 * The fast form of the read of docs/design/mechanisms.md section 5 for a segment of queries inside one aligned block
 * (so sinks, T1, the recalled entries and the T2 slots are fixed and only T0 grows). Per head, the
 * segment's c queries are scored against every column of [sinks, T0, T1, recalled, T2 slots] with one
 * dense product through {@link TensorBackend#gemm}; each row is masked causally (a T0 column at position
 * x is visible to the query at position p when x &lt;= p; T2 columns get the bias ln n); one exact
 * softmax per row (max, exp and sum in double); the weighted values are a second product. The softmax
 * weights give the attention masses of the sink, T0 (x &lt; p only) and T1 entries, added in the order
 * of {@link TierAttention}: query by query, head by head, entry by entry.
 *
 * <p>Every column's weight for a query depends only on that query and that column, and the weighted sum
 * visits the visible columns in tier order; with a backend whose product elements depend only on their
 * own row and column ({@link dev.keymem.models.backend.ScalarBackend}), the reads and masses of a query
 * are therefore bitwise the same whatever segment it is read in (outputs do not depend on chunking).
 * Keeps scratch buffers: not thread-safe.
 */
final class TierSegmentRead {
    private final TensorBackend backend;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final float scale;
    private float[] keysT = new float[0];
    private float[] vals = new float[0];
    private float[] scores = new float[0];
    private double[] bias = new double[0];
    private double[] sums = new double[0];
    private double[][] weights = new double[0][];

    TierSegmentRead(TensorBackend backend, int heads, int keyDim, int valueDim, float scale) {
        this.backend = backend;
        this.heads = heads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.scale = scale;
    }

    /**
     * Reads the c queries q[qRow .. qRow + c) (rows of [T,H,K]) at positions first .. first + c - 1 into
     * out rows [qRow, qRow + c) of [T,H,V], and adds the attention masses. {@code window} must already
     * hold the segment's own tokens.
     */
    void read(float[] q, int qRow, int c, long first, List<RetainedToken> sinks, List<RetainedToken> window,
              List<RetainedToken> retained, List<RetainedToken> recalled, CompressedSlots t2, float[] out) {
        int ns = sinks.size();
        int nw = window.size();
        int nr = retained.size();
        int na = recalled.size();
        int exact = ns + nw + nr + na;
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        if (weights.length < heads) {
            weights = new double[heads][];
        }
        for (int h = 0; h < heads; h++) {
            int used = t2 == null ? 0 : t2.used(h);
            int n = exact + used;
            ensure(n, c);
            if (weights[h] == null || weights[h].length < c * n) {
                weights[h] = new double[Math.max(c * n, 2 * (weights[h] == null ? 0 : weights[h].length))];
            }
            double[] w = weights[h];
            // keys transposed [K x n], values [n x V], head h
            int j = 0;
            for (List<RetainedToken> tier : List.of(sinks, window, retained, recalled)) {
                for (RetainedToken t : tier) {
                    float[] k = t.k();
                    for (int x = 0; x < keyDim; x++) {
                        keysT[x * n + j] = k[h * keyDim + x];
                    }
                    System.arraycopy(t.v(), h * valueDim, vals, j * valueDim, valueDim);
                    bias[j] = 0.0;
                    j++;
                }
            }
            int sb = h * (t2 == null ? 0 : t2.slots());
            for (int s = 0; s < used; s++) {
                for (int x = 0; x < keyDim; x++) {
                    keysT[x * n + j] = (float) t2.keys()[(sb + s) * keyDim + x];
                }
                for (int x = 0; x < valueDim; x++) {
                    vals[j * valueDim + x] = (float) t2.values()[(sb + s) * valueDim + x];
                }
                bias[j] = Math.log(t2.counts()[sb + s]);
                j++;
            }
            backend.gemm(false, false, c, n, keyDim, scale, q, (qRow * heads + h) * keyDim, hk, keysT, 0, n, 0f,
                    scores, 0, n);
            for (int r = 0; r < c; r++) {
                long p = first + r;
                int visibleEnd = ns;
                while (visibleEnd < ns + nw && window.get(visibleEnd - ns).position() <= p) {
                    visibleEnd++;
                }
                double m = Double.NEGATIVE_INFINITY;
                for (int col = 0; col < n; col++) {
                    if (col < visibleEnd || col >= ns + nw) {
                        m = Math.max(m, scores[r * n + col] + bias[col]);
                    }
                }
                double l = 0;
                for (int col = 0; col < n; col++) {
                    float e = 0f;
                    if (col < visibleEnd || col >= ns + nw) {
                        e = (float) Math.exp(scores[r * n + col] + bias[col] - m);
                        l += e;
                    }
                    scores[r * n + col] = e;
                    w[r * n + col] = e;
                }
                sums[r] = l;
            }
            int outOff = (qRow * heads + h) * valueDim;
            backend.gemm(false, false, c, valueDim, n, 1f, scores, 0, n, vals, 0, valueDim, 0f, out, outOff, hv);
            for (int r = 0; r < c; r++) {
                double inv = 1.0 / sums[r];
                int o = outOff + r * hv;
                for (int x = 0; x < valueDim; x++) {
                    out[o + x] = (float) (out[o + x] * inv);
                }
            }
        }
        // masses: query by query, head by head, sinks / T0 (earlier tokens only) / T1
        for (int r = 0; r < c; r++) {
            long p = first + r;
            for (int h = 0; h < heads; h++) {
                int used = t2 == null ? 0 : t2.used(h);
                int n = exact + used;
                double[] w = weights[h];
                double f = 1.0 / sumOf(w, r * n, n) / heads;
                int col = 0;
                for (RetainedToken t : sinks) {
                    t.addMass(w[r * n + col++] * f);
                }
                for (RetainedToken t : window) {
                    if (t.position() < p) {
                        t.addMass(w[r * n + col] * f);
                    }
                    col++;
                }
                for (RetainedToken t : retained) {
                    t.addMass(w[r * n + col++] * f);
                }
            }
        }
    }

    private static double sumOf(double[] w, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += w[off + i];
        }
        return s;
    }

    private void ensure(int n, int c) {
        if (keysT.length < n * keyDim) {
            keysT = new float[Math.max(n * keyDim, 2 * keysT.length)];
        }
        if (vals.length < n * valueDim) {
            vals = new float[Math.max(n * valueDim, 2 * vals.length)];
        }
        if (bias.length < n) {
            bias = new double[Math.max(n, 2 * bias.length)];
        }
        if (scores.length < c * n) {
            scores = new float[Math.max(c * n, 2 * scores.length)];
        }
        if (sums.length < c) {
            sums = new double[Math.max(c, 2 * sums.length)];
        }
    }
}
