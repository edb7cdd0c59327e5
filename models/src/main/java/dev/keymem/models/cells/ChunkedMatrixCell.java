package dev.keymem.models.cells;

import dev.keymem.models.backend.TensorBackend;

/**
 * The chunked form of the four matrix cells: C = spec.chunkSize() tokens at a time, per head, with
 * dense products through a {@link TensorBackend}. Chunks are aligned to the call (a call of T tokens
 * runs ceil(T/C) chunks, the last one partial); outputs equal the recurrent form's whatever the cut.
 *
 * <p>Per head and chunk of c tokens, with S0 the state at the chunk start, {@code Q~ = scale Q},
 * G the cumulative sum of the chunk's log decays (0 for ungated cells) and
 * {@code D[t][i] = exp(G_t - G_i)} for i &lt;= t (0 above the diagonal):
 * <pre>
 *   delta rules (WY / UT form):
 *     A[t][i] = beta_t D[t][i] (k_t . k_i)  (i &lt; t);   T = (I + A)^-1
 *     U = T (diag(beta) V - diag(beta exp(G)) K S0)      (row t is the u of token t)
 *     (T applied by blocked forward substitution, {@link UnitLowerSolver}, never formed whole)
 *   linear rules: U = V
 *   O   = diag(exp(G)) Q~ S0 + (Q~ K^T .* D) U
 *   S_c = exp(G_c) S0 + (diag(D[c][:]) K)^T U   (the decay is applied to U's rows)
 * </pre>
 * The first form of U equals T diag(beta) V - W S0 with W = T diag(beta exp(G)) K (docs/design/mechanisms.md);
 * multiplying K S0 first saves one c x c x K product. The normaliser's denominators are
 * {@code q~_t . z0 + sum_{i<=t} q~_t . k_i}, the row sums of the undecayed causal Q~ K^T plus
 * {@code q~ . z0}; the key sums then grow by the chunk's keys.
 *
 * <p>Every product runs with alpha = 1 and beta 0 or 1 (scales and decays are applied in separate
 * O(c x V) passes): the simplest contract for a backend, and one whose fast paths do not depend on
 * the mix of alpha and beta values they have seen.
 *
 * <p>q, k, v and the outputs are addressed in place in their {@code [T,H,*]} layouts through the
 * products' leading dimensions (H*K, H*V). The one copy is the chunk's K^T (c x K floats per head,
 * small beside the c x K x V products), which makes every product an untransposed one, the fastest
 * path of every backend. Heads are processed one after the other (all chunks of head 0, then head
 * 1, ...), which keeps one head's state and the scratch in cache.
 *
 * <p>Scratch buffers (a few C x C and C x V arrays) belong to the instance, so an instance is not
 * thread-safe: use one per operator instance (thread). Chunk sizes above {@link #MAX_CHUNK} are
 * refused (the C x C scratch and work grow quadratically; 32 to 128 is the useful range).
 */
public final class ChunkedMatrixCell extends MatrixCell {

    /** The largest chunk size accepted. */
    public static final int MAX_CHUNK = 2048;

    private final TensorBackend backend;
    private final int chunk;
    private final boolean gated;
    private final boolean delta;

    // scratch, per instance
    private final double[] gcum;
    private final float[] eG;
    private final float[] rowScale; // scale * exp(G_t) [C]
    private final float[] keysT;   // K^T of the chunk [K,C]
    private final float[] decay;   // D [C,C]
    private final float[] scores;  // Q K^T [C,C], then causal, times scale and D
    private final float[] coupling; // K K^T [C,C], then A
    private final UnitLowerSolver solver; // (I + A)^-1 applied in place
    private final float[] rhs;     // K S0, then diag(beta)(V - diag(exp G) K S0), then U [C,V]
    private final float[] u;       // the decayed V of gated_linear [C,V]
    private final float[] den;     // normaliser denominators [C]

    public ChunkedMatrixCell(CellSpec spec, TensorBackend backend) {
        super(spec);
        if (backend == null) {
            throw new IllegalArgumentException("backend is missing");
        }
        if (spec.chunkSize() > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk size " + spec.chunkSize() + " is above the chunked cell's limit "
                    + MAX_CHUNK + " (useful values are 32 to 128)");
        }
        this.backend = backend;
        this.chunk = spec.chunkSize();
        this.gated = spec.kind().usesGate();
        this.delta = spec.kind().usesBeta();
        int cc = chunk * chunk;
        this.gcum = new double[chunk];
        this.eG = new float[chunk];
        this.rowScale = new float[chunk];
        this.keysT = new float[keyDim * chunk];
        this.decay = gated ? new float[cc] : null;
        this.scores = new float[cc];
        this.coupling = delta ? new float[cc] : null;
        this.solver = delta ? new UnitLowerSolver(backend, valueDim) : null;
        this.rhs = delta ? new float[chunk * valueDim] : null;
        this.u = gated && !delta ? new float[chunk * valueDim] : null;
        this.den = new float[chunk];
    }

    /** The backend the products run on. */
    public TensorBackend backend() {
        return backend;
    }

    @Override
    public void forward(CellState state, TokenChunk c, float[] out) {
        int tokens = checkForward(state, c, out);
        // heads are independent: head after head keeps one head's state and the scratch in cache
        for (int h = 0; h < heads; h++) {
            for (int t0 = 0; t0 < tokens; t0 += chunk) {
                chunkHead(state.data(), c, t0, Math.min(chunk, tokens - t0), h, out);
            }
        }
        state.advance(tokens);
    }

    /** Advances head h's state over tokens [t0, t0+c) and writes their outputs. */
    private void chunkHead(float[] s, TokenChunk in, int t0, int c, int h, float[] out) {
        final int K = keyDim;
        final int V = valueDim;
        final int C = chunk;
        final int ldk = heads * K;
        final int ldv = heads * V;
        final int kOff = (t0 * heads + h) * K; // q and k of token t0, head h
        final int vOff = (t0 * heads + h) * V; // v and out of token t0, head h
        final int sOff = h * K * V;
        final float[] q = in.q();
        final float[] k = in.k();
        final float[] v = in.v();
        final float scale = spec.scale();

        // per-token factors: eG[t] = exp(G_t) (1 when ungated); rowScale[t] = scale * eG[t]
        if (gated) {
            ChunkMath.cumulativeGates(in.g(), t0, heads, h, c, gcum, eG);
            ChunkMath.decayMatrix(gcum, c, decay, C);
        } else {
            java.util.Arrays.fill(eG, 0, c, 1f);
        }
        for (int t = 0; t < c; t++) {
            rowScale[t] = scale * eG[t];
        }

        // K^T once per chunk and head: every product below is then a plain (untransposed) one
        ChunkMath.transpose(k, kOff, ldk, c, K, keysT, C);

        // P = (scale Q K^T) .* D, causal
        backend.gemm(false, false, c, c, K, 1f, q, kOff, ldk, keysT, 0, C, 0f, scores, 0, C);
        if (spec.normalize()) {
            denominators(s, h, q, kOff, ldk, c);
        }
        ChunkMath.maskCausal(scores, gated ? decay : null, scale, c, C);

        // U: the rows written into the state
        float[] uArr;
        int uOff;
        int ldu;
        if (delta) {
            backend.gemm(false, false, c, c, K, 1f, k, kOff, ldk, keysT, 0, C, 0f, coupling, 0, C);
            ChunkMath.deltaCoupling(coupling, gated ? decay : null, in.beta(), t0, heads, h, c, C);
            backend.gemm(false, false, c, V, K, 1f, k, kOff, ldk, s, sOff, V, 0f, rhs, 0, V);
            float[] beta = in.beta();
            for (int t = 0; t < c; t++) {
                float b = beta[(t0 + t) * heads + h];
                float e = eG[t];
                int r = t * V;
                int vr = vOff + t * ldv;
                for (int j = 0; j < V; j++) {
                    rhs[r + j] = b * (v[vr + j] - e * rhs[r + j]);
                }
            }
            solver.solveInPlace(coupling, C, c, rhs, V, V);
            uArr = rhs;
            uOff = 0;
            ldu = V;
        } else {
            uArr = v;
            uOff = vOff;
            ldu = ldv;
        }

        // O = diag(scale exp G) Q S0 + P U  [/ den]
        backend.gemm(false, false, c, V, K, 1f, q, kOff, ldk, s, sOff, V, 0f, out, vOff, ldv);
        ChunkMath.scaleRows(out, vOff, ldv, c, V, rowScale, 0);
        backend.gemm(false, false, c, V, c, 1f, scores, 0, C, uArr, uOff, ldu, 1f, out, vOff, ldv);
        if (spec.normalize()) {
            for (int t = 0; t < c; t++) {
                den[t] = (float) (1.0 / (den[t] + NORMALISER_EPS));
            }
            ChunkMath.scaleRows(out, vOff, ldv, c, V, den, 0);
        }

        // S = exp(G_c) S0 + K^T (diag(D[c-1][:]) U)
        if (gated) {
            int last = (c - 1) * C;
            if (delta) {
                ChunkMath.scaleRows(rhs, 0, V, c, V, decay, last);
            } else {
                for (int t = 0; t < c; t++) {
                    float f = decay[last + t];
                    int vr = vOff + t * ldv;
                    int r = t * V;
                    for (int j = 0; j < V; j++) {
                        u[r + j] = f * v[vr + j];
                    }
                }
                uArr = u;
                uOff = 0;
                ldu = V;
            }
            float e = eG[c - 1];
            for (int x = sOff; x < sOff + K * V; x++) {
                s[x] *= e;
            }
        }
        backend.gemm(false, false, K, V, c, 1f, keysT, 0, C, uArr, uOff, ldu, 1f, s, sOff, V);
        if (spec.normalize()) {
            int zh = keySumOffset + h * K;
            for (int t = 0; t < c; t++) {
                int kr = kOff + t * ldk;
                for (int i = 0; i < K; i++) {
                    s[zh + i] += k[kr + i];
                }
            }
        }
    }

    /** den[t] = scale (q_t . z0 + sum_{i<=t} (Q K^T)[t][i]), from the unmasked, unscaled scores. */
    private void denominators(float[] s, int h, float[] q, int kOff, int ldk, int c) {
        int zh = keySumOffset + h * keyDim;
        for (int t = 0; t < c; t++) {
            double acc = 0;
            int qr = kOff + t * ldk;
            for (int i = 0; i < keyDim; i++) {
                acc += (double) q[qr + i] * s[zh + i];
            }
            int row = t * chunk;
            for (int i = 0; i <= t; i++) {
                acc += scores[row + i];
            }
            den[t] = (float) (spec.scale() * acc);
        }
    }

    /** Reads a frozen state with one product per head: O_h = Q~_h S_h (normalised when on). */
    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        checkRead(state, q, tokens, out);
        if (tokens == 0) {
            return;
        }
        float[] s = state.data();
        int ldk = heads * keyDim;
        int ldv = heads * valueDim;
        for (int h = 0; h < heads; h++) {
            backend.gemm(false, false, tokens, valueDim, keyDim, 1f, q, h * keyDim, ldk,
                    s, h * keyDim * valueDim, valueDim, 0f, out, h * valueDim, ldv);
            int zh = keySumOffset + h * keyDim;
            for (int t = 0; t < tokens; t++) {
                float f = spec.scale();
                if (spec.normalize()) {
                    int qr = t * ldk + h * keyDim;
                    double d = 0;
                    for (int i = 0; i < keyDim; i++) {
                        d += (double) q[qr + i] * s[zh + i];
                    }
                    f = (float) (spec.scale() / (spec.scale() * d + NORMALISER_EPS));
                }
                int r = t * ldv + h * valueDim;
                for (int j = 0; j < valueDim; j++) {
                    out[r + j] *= f;
                }
            }
        }
    }
}
