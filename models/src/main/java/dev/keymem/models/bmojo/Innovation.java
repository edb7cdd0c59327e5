package dev.keymem.models.bmojo;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;

/**
 * The innovation of a token, e_t = ||v_t - S^T k_t||, with S the fading memory just before token t's
 * write: for the matrix cells S is the state after the token's decay (exp(g_t) S_{t-1} for the gated
 * cells), so for the delta rules e_t = ||u_t|| / beta_t exactly (u_t = beta_t (v_t - S^T k_t) is the
 * delta-rule residual); the normaliser plays no part (it only divides reads). For any other cell (deep
 * memory) the prediction is the cell's read of its state before the token with the query k_t / scale,
 * i.e. M(k_t).
 */
final class Innovation {
    private final MemoryCell cell;
    private final CellSpec spec;
    private final boolean matrix;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final float[] pred;
    private final float[] kq;

    Innovation(MemoryCell cell) {
        this.cell = cell;
        this.spec = cell.spec();
        this.matrix = spec.kind() != CellKind.DEEP
                && cell.stateSize() == spec.heads() * spec.keyDim() * spec.valueDim()
                        + (spec.normalize() ? spec.heads() * spec.keyDim() : 0);
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.valueDim = spec.valueDim();
        this.pred = new float[heads * valueDim];
        this.kq = new float[heads * keyDim];
    }

    boolean matrix() {
        return matrix;
    }

    /**
     * Reference: innovations of token t of {@code chunk} (all heads) against {@code state}, the state just
     * before the token, into {@code e[t*H + h]}. Plain loops, double accumulation.
     */
    void token(CellState state, TokenChunk chunk, int t, float[] e) {
        float[] k = chunk.k();
        float[] v = chunk.v();
        if (matrix) {
            float[] s = state.data();
            for (int h = 0; h < heads; h++) {
                int th = t * heads + h;
                double a = spec.kind().usesGate() ? Math.exp(chunk.g()[th]) : 1.0;
                int sh = h * keyDim * valueDim;
                double sq = 0;
                for (int j = 0; j < valueDim; j++) {
                    double p = 0;
                    for (int i = 0; i < keyDim; i++) {
                        p += (double) s[sh + i * valueDim + j] * k[th * keyDim + i];
                    }
                    double r = v[th * valueDim + j] - a * p;
                    sq += r * r;
                }
                e[th] = (float) Math.sqrt(sq);
            }
            return;
        }
        float inv = 1f / spec.scale();
        for (int x = 0; x < heads * keyDim; x++) {
            kq[x] = k[t * heads * keyDim + x] * inv;
        }
        cell.read(state, kq, 1, pred);
        for (int h = 0; h < heads; h++) {
            double sq = 0;
            for (int j = 0; j < valueDim; j++) {
                double r = v[(t * heads + h) * valueDim + j] - pred[h * valueDim + j];
                sq += r * r;
            }
            e[t * heads + h] = (float) Math.sqrt(sq);
        }
    }

    /**
     * Fast, matrix cells only: innovations of tokens [t0, t0+c) of {@code chunk} against {@code s}, the
     * state at token t0, with dense products: per head KS = K S0 and KK = K K^T, then the triangular
     * recurrence pred_t = exp(G_t) (K S0)_t + sum_{i&lt;t} exp(G_t - G_i) (k_t . k_i) u_i with
     * u_i = beta_i (v_i - pred_i) (delta rules) or v_i (linear rules).
     */
    void chunk(float[] s, TokenChunk chunk, int t0, int c, TensorBackend backend, Scratch w, float[] e) {
        int K = keyDim;
        int V = valueDim;
        int ldk = heads * K;
        int ldv = heads * V;
        boolean gated = spec.kind().usesGate();
        boolean delta = spec.kind().usesBeta();
        float[] k = chunk.k();
        float[] v = chunk.v();
        w.ensure(c, V);
        for (int h = 0; h < heads; h++) {
            int kOff = (t0 * heads + h) * K;
            int vOff = (t0 * heads + h) * V;
            backend.gemm(false, false, c, V, K, 1f, k, kOff, ldk, s, h * K * V, V, 0f, w.ks, 0, V);
            backend.gemm(false, true, c, c, K, 1f, k, kOff, ldk, k, kOff, ldk, 0f, w.kk, 0, c);
            double acc = 0;
            for (int t = 0; t < c; t++) {
                acc += gated ? chunk.g()[(t0 + t) * heads + h] : 0.0;
                w.gcum[t] = acc;
            }
            for (int t = 0; t < c; t++) {
                int th = (t0 + t) * heads + h;
                double eg = Math.exp(w.gcum[t]);
                for (int j = 0; j < V; j++) {
                    w.row[j] = eg * w.ks[t * V + j];
                }
                for (int i = 0; i < t; i++) {
                    double f = Math.exp(w.gcum[t] - w.gcum[i]) * w.kk[t * c + i];
                    int ur = i * V;
                    for (int j = 0; j < V; j++) {
                        w.row[j] += f * w.u[ur + j];
                    }
                }
                double sq = 0;
                float b = delta ? chunk.beta()[th] : 1f;
                int vr = vOff + t * ldv;
                for (int j = 0; j < V; j++) {
                    double r = v[vr + j] - w.row[j];
                    sq += r * r;
                    w.u[t * V + j] = delta ? (float) (b * r) : v[vr + j];
                }
                e[th] = (float) Math.sqrt(sq);
            }
        }
    }

    /** Scratch of {@link #chunk}. */
    static final class Scratch {
        float[] ks = new float[0];
        float[] kk = new float[0];
        float[] u = new float[0];
        double[] gcum = new double[0];
        double[] row = new double[0];

        void ensure(int c, int v) {
            if (ks.length < c * v) {
                ks = new float[c * v];
                u = new float[c * v];
            }
            if (kk.length < c * c) {
                kk = new float[c * c];
            }
            if (gcum.length < c) {
                gcum = new double[c];
            }
            if (row.length < v) {
                row = new double[v];
            }
        }
    }
}
