package dev.keymem.models.cells;

import dev.keymem.models.backend.TensorBackend;
import java.util.Objects;

/**
 * The deep (test-time-learned MLP) memory cell in chunked form: the same map as {@link DeepRecurrent}
 * (whose javadoc states the per-token update), computed a segment at a time with dense products
 * through a {@link TensorBackend}.
 *
 * <h2>Segments</h2>
 * A call is cut into segments that never cross a mini-batch boundary (stream positions that are
 * multiples of b) and hold at most {@link CellSpec#chunkSize()} tokens. Mini-batches cannot be merged
 * into one product because a mini-batch's gradients are taken at the weights its predecessor left,
 * a non-linear function of them. A segment may start in the middle of a mini-batch (a stream cut
 * there, or C &lt; b): its gradients are then taken at the mini-batch snapshot (W2b, W1b) kept in the
 * state, while the closed form below starts from the current weights and momenta.
 *
 * <h2>Derivation (one head, one segment of n tokens, i, t = 1..n)</h2>
 * Let (W, M) be the weights and momentum at the segment start (for W1 and for W2 alike), W0 the
 * mini-batch snapshot, {@code a = 1 - alpha}, {@code e = eta}, and {@code G_i = -theta grad_i(W0)}.
 * Since every gradient is taken at W0, all n gradients are known up front:
 * <pre>
 *   Hk = K W2b^T,  A = act(Hk),  R = K + A W1b^T - V,  Delta = (R W1b) * act'(Hk)     [n,D], [n,V]
 *   grad_i W1 = 2 r_i a_i^T,  grad_i W2 = 2 delta_i k_i^T      (rank one)
 * </pre>
 * Unrolling {@code M_j = e M_{j-1} + G_j}, {@code W_j = a W_{j-1} + M_j}:
 * <pre>
 *   M_t = e^t M + sum_{i&lt;=t} e^{t-i} G_i
 *   W_t = a^t W + c_t M + sum_{i&lt;=t} d_{t,i} G_i,
 *   c_t = sum_{j=1..t} a^{t-j} e^j = e S_{t-1},   d_{t,i} = sum_{j=i..t} a^{t-j} e^{j-i} = S_{t-i},
 *   S_0 = 1,  S_m = a S_{m-1} + e^m   (= sum_{l=0..m} a^{m-l} e^l; all terms positive, stable).
 * </pre>
 * The read of token t, {@code o_t = x_t + W1_t act(W2_t x_t)} with {@code x_t = scale q_t}, then
 * needs no per-token weights: with the causal coefficient matrix
 * {@code P_{t,i} = -2 theta S_{t-i}} for i &lt;= t (0 above the diagonal),
 * <pre>
 *   Hr_t = a^t (W2 x_t) + c_t (M2 x_t) + sum_i P_{t,i} (k_i . x_t) delta_i      i.e.
 *   Hr   = diag(a^t) X W2^T + diag(c_t) X M2^T + (P o X K^T) Delta
 *   B    = act(Hr)
 *   O    = X + diag(a^t) B W1^T + diag(c_t) B M1^T + (P o B A^T) R
 * </pre>
 * (o the element-wise product): attention-like products with a causal mask. The segment end is
 * <pre>
 *   W1' = a^n W1 + c_n M1 + (diag(-2 theta S_{n-i}) R)^T A,   M1' = e^n M1 + (diag(-2 theta e^{n-i}) R)^T A
 *   W2' = a^n W2 + c_n M2 + (diag(-2 theta S_{n-i}) Delta)^T K, M2' = e^n M2 + (diag(-2 theta e^{n-i}) Delta)^T K
 * </pre>
 * (Formulas in math orientation; the code multiplies by the stored, input-major matrices, e.g.
 * {@code X W2^T} is {@code X @ W2_stored}, so no large operand is read transposed.)
 * Cost per segment and head: 11 products of n x D x K (3 for the gradients, 4 for the reads, 4 for
 * the segment end) plus 4 of n x n x K or n x n x D, i.e. about as many flops per token as the
 * recurrent form (which streams the four D x K weight and momentum matrices once per token); the
 * chunked form wins through the backend's GEMM (about 2x the recurrent form per CPU-second with the
 * Vector API backend at H=4, K=V=64, D=128, b=16, C=64) and reads and writes the state once per
 * segment instead of once per token. With b = 1 every segment is one token, where the recurrent
 * step is the better choice, so one-token segments take the recurrent per-token step
 * ({@link DeepTokenStep}). The coefficients are
 * computed in double. The state layout is that of {@link DeepLayout}; the snapshot is taken at a
 * mini-batch start exactly as in the recurrent form, so both forms leave identical states (up to
 * rounding).
 */
public final class DeepChunked implements MemoryCell {
    private final CellSpec spec;
    private final DeepLayout layout;
    private final TensorBackend backend;

    public DeepChunked(CellSpec spec, TensorBackend backend) {
        this.layout = DeepLayout.of(spec);
        this.spec = spec;
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    @Override
    public CellSpec spec() {
        return spec;
    }

    @Override
    public int stateSize() {
        return layout.stateSize();
    }

    @Override
    public CellState newState() {
        return layout.newState();
    }

    @Override
    public void forward(CellState state, TokenChunk chunk, float[] out) {
        layout.checkForward(state, chunk, out);
        int T = chunk.length();
        int b = layout.deep.batch();
        int nMax = Math.min(Math.min(b, spec.chunkSize()), Math.max(T, 1));
        Work w = new Work(nMax, layout.keyDim, layout.hidden);
        DeepTokenStep one = new DeepTokenStep(layout, spec.scale());
        long pos = state.position();
        int t = 0;
        while (t < T) {
            long inBatch = (pos + t) % b;
            int n = (int) Math.min(Math.min(b - inBatch, nMax), T - t);
            if (n == 1) {
                // a one-token segment (b = 1, C = 1, or a cut): the closed form has nothing to batch
                for (int h = 0; h < layout.heads; h++) {
                    one.apply(state.data(), chunk.q(), chunk.k(), chunk.v(), (t * layout.heads + h) * layout.keyDim,
                            h, inBatch == 0, out);
                }
                t += 1;
                continue;
            }
            w.coefficients(n, layout.deep);
            for (int h = 0; h < layout.heads; h++) {
                if (inBatch == 0) {
                    layout.snapshot(state.data(), h);
                }
                segment(state.data(), chunk, t, n, h, w, out);
            }
            t += n;
        }
        state.advance(T);
    }

    /** Scratch buffers and the coefficients of one segment length. */
    private static final class Work {
        final float[] hk;
        final float[] ak;
        final float[] r;
        final float[] delta;
        final float[] hr;
        final float[] tmp;
        final float[] sc;
        final float[] o1;
        final float[] o2;
        final float[] rowsD;
        final float[] rowsK;
        final float[] tr;
        final float[] aPow;
        final float[] c;
        final float[] p;
        final float[] dEnd;
        final float[] eEnd;
        float aN;
        float cN;
        float eN;

        Work(int n, int K, int D) {
            hk = new float[n * D];
            ak = new float[n * D];
            r = new float[n * K];
            delta = new float[n * D];
            hr = new float[n * D];
            tmp = new float[n * D];
            sc = new float[n * n];
            o1 = new float[n * K];
            o2 = new float[n * K];
            rowsD = new float[n * D];
            rowsK = new float[n * K];
            tr = new float[n * Math.max(K, D)];
            aPow = new float[n];
            c = new float[n];
            p = new float[n];
            dEnd = new float[n];
            eEnd = new float[n];
        }

        /** a^t, c_t, P diagonals (-2 theta S_m) and the end-of-segment coefficients, t = 1..n. */
        void coefficients(int n, DeepSpec deep) {
            double a = 1.0 - deep.alpha();
            double e = deep.eta();
            double twoTheta = 2.0 * deep.theta();
            double[] s = new double[n];
            double ePow = 1;
            double aPw = 1;
            for (int m = 0; m < n; m++) {
                if (m == 0) {
                    s[0] = 1;
                } else {
                    ePow *= e;
                    s[m] = a * s[m - 1] + ePow;
                }
            }
            double[] ep = new double[n + 1];
            ep[0] = 1;
            for (int m = 1; m <= n; m++) {
                ep[m] = ep[m - 1] * e;
            }
            for (int t = 0; t < n; t++) {
                aPw *= a;
                aPow[t] = (float) aPw; // a^(t+1)
                c[t] = (float) (e * s[t]); // c_{t+1} = e S_t
                p[t] = (float) (-twoTheta * s[t]); // coefficient at lag t
                dEnd[t] = (float) (-twoTheta * s[n - 1 - t]); // d_{n,t+1}
                eEnd[t] = (float) (-twoTheta * ep[n - 1 - t]);
            }
            aN = aPow[n - 1];
            cN = c[n - 1];
            eN = (float) ep[n];
        }
    }

    private void segment(float[] s, TokenChunk chunk, int t0, int n, int h, Work w, float[] out) {
        TensorBackend be = backend;
        int H = layout.heads;
        int K = layout.keyDim;
        int D = layout.hidden;
        int ld = H * K;
        int off = (t0 * H + h) * K;
        float[] q = chunk.q();
        float[] k = chunk.k();
        float[] v = chunk.v();
        float scale = spec.scale();
        int w2 = layout.w2(h);
        int w1 = layout.w1(h);
        int m2 = layout.m2(h);
        int m1 = layout.m1(h);
        int w2b = layout.w2Start(h);
        int w1b = layout.w1Start(h);

        // gradients at the mini-batch snapshot: Hk = K W2b, A = act(Hk), R = K + A W1b - V, Delta
        // (stored input-major: W2b [K,D], W1b [D,V]; no large operand is ever read transposed)
        be.gemm(false, false, n, D, K, 1f, k, off, ld, s, w2b, D, 0f, w.hk, 0, D);
        for (int i = 0; i < n * D; i++) {
            float x = w.hk[i];
            w.ak[i] = DeepMath.act(x);
            w.hk[i] = DeepMath.actPrime(x);
        }
        for (int t = 0; t < n; t++) {
            int src = off + t * ld;
            for (int j = 0; j < K; j++) {
                w.r[t * K + j] = k[src + j] - v[src + j];
            }
        }
        be.gemm(false, false, n, K, D, 1f, w.ak, 0, D, s, w1b, K, 1f, w.r, 0, K);
        // Delta^T = W1b R^T [D,n] (the small R is transposed explicitly), then Delta = Delta^T^T * act'(Hk)
        transpose(w.r, 0, K, n, K, w.tr);
        be.gemm(false, false, D, n, K, 1f, s, w1b, K, w.tr, 0, n, 0f, w.tmp, 0, n);
        for (int t = 0; t < n; t++) {
            for (int d = 0; d < D; d++) {
                w.delta[t * D + d] = w.tmp[d * n + t] * w.hk[t * D + d];
            }
        }

        // first layer of the reads: Hr = diag(a^t) X W2 + diag(c_t) X M2 + (P o X K^T) Delta
        be.gemm(false, false, n, D, K, scale, q, off, ld, s, w2, D, 0f, w.hr, 0, D);
        be.gemm(false, false, n, D, K, scale, q, off, ld, s, m2, D, 0f, w.tmp, 0, D);
        for (int t = 0; t < n; t++) {
            float at = w.aPow[t];
            float ct = w.c[t];
            for (int d = t * D; d < (t + 1) * D; d++) {
                w.hr[d] = at * w.hr[d] + ct * w.tmp[d];
            }
        }
        transpose(k, off, ld, n, K, w.tr);
        be.gemm(false, false, n, n, K, scale, q, off, ld, w.tr, 0, n, 0f, w.sc, 0, n);
        causal(w, n);
        be.gemm(false, false, n, D, n, 1f, w.sc, 0, n, w.delta, 0, D, 1f, w.hr, 0, D);
        for (int i = 0; i < n * D; i++) {
            w.hr[i] = DeepMath.act(w.hr[i]);
        }

        // second layer: O = X + diag(a^t) B W1 + diag(c_t) B M1 + (P o B A^T) R
        be.gemm(false, false, n, K, D, 1f, w.hr, 0, D, s, w1, K, 0f, w.o1, 0, K);
        be.gemm(false, false, n, K, D, 1f, w.hr, 0, D, s, m1, K, 0f, w.o2, 0, K);
        transpose(w.ak, 0, D, n, D, w.tr);
        be.gemm(false, false, n, n, D, 1f, w.hr, 0, D, w.tr, 0, n, 0f, w.sc, 0, n);
        causal(w, n);
        be.gemm(false, false, n, K, n, 1f, w.sc, 0, n, w.r, 0, K, 0f, out, off, ld);
        for (int t = 0; t < n; t++) {
            float at = w.aPow[t];
            float ct = w.c[t];
            int o = off + t * ld;
            for (int j = 0; j < K; j++) {
                out[o + j] += scale * q[o + j] + at * w.o1[t * K + j] + ct * w.o2[t * K + j];
            }
        }

        // segment end: weights first (they use the old momenta), then momenta; W1 += A^T (coef R),
        // W2 += K^T (coef Delta) in the stored orientation
        decay(s, w1, m1, w);
        decay(s, w2, m2, w);
        scaleRows(w.r, w.rowsK, w.dEnd, n, K);
        be.gemm(true, false, D, K, n, 1f, w.ak, 0, D, w.rowsK, 0, K, 1f, s, w1, K);
        scaleRows(w.r, w.rowsK, w.eEnd, n, K);
        be.gemm(true, false, D, K, n, 1f, w.ak, 0, D, w.rowsK, 0, K, 1f, s, m1, K);
        scaleRows(w.delta, w.rowsD, w.dEnd, n, D);
        be.gemm(true, false, K, D, n, 1f, k, off, ld, w.rowsD, 0, D, 1f, s, w2, D);
        scaleRows(w.delta, w.rowsD, w.eEnd, n, D);
        be.gemm(true, false, K, D, n, 1f, k, off, ld, w.rowsD, 0, D, 1f, s, m2, D);
    }

    /** dst [cols,rows] = src^T for a [rows,cols] block at off with leading dimension ld. */
    private static void transpose(float[] src, int off, int ld, int rows, int cols, float[] dst) {
        for (int t = 0; t < rows; t++) {
            int row = off + t * ld;
            for (int j = 0; j < cols; j++) {
                dst[j * rows + t] = src[row + j];
            }
        }
    }

    /** sc[t,i] *= P_{t,i} = p[t-i] for i &lt;= t, 0 above the diagonal. */
    private static void causal(Work w, int n) {
        for (int t = 0; t < n; t++) {
            int row = t * n;
            for (int i = 0; i <= t; i++) {
                w.sc[row + i] *= w.p[t - i];
            }
            for (int i = t + 1; i < n; i++) {
                w.sc[row + i] = 0f;
            }
        }
    }

    /** W = a^n W + c_n M; M = e^n M (one matrix pair, D*K values). */
    private void decay(float[] s, int wOff, int mOff, Work w) {
        float aN = w.aN;
        float cN = w.cN;
        float eN = w.eN;
        for (int i = 0; i < layout.dk; i++) {
            float m = s[mOff + i];
            s[wOff + i] = aN * s[wOff + i] + cN * m;
            s[mOff + i] = eN * m;
        }
    }

    private static void scaleRows(float[] src, float[] dst, float[] coef, int n, int width) {
        for (int t = 0; t < n; t++) {
            float c = coef[t];
            for (int j = t * width; j < (t + 1) * width; j++) {
                dst[j] = c * src[j];
            }
        }
    }

    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        layout.checkRead(state, q, tokens, out);
        DeepMath.read(layout, spec.scale(), state.data(), q, tokens, out);
    }
}
