package dev.keymem.models.cells;

/**
 * The deep (test-time-learned MLP) memory cell, token by token: the reference form.
 *
 * <p>Per head the memory is {@code M(x) = x + W1 act(W2 x)} with W2 {@code [D,K]}, W1 {@code [V,D]} in
 * the math (stored transposed, input-major, see {@link DeepLayout}), K == V, D = {@link DeepSpec#hidden()},
 * act = SiLU. Token t (stream position p) with key k, value v
 * and query q:
 * <pre>
 *   if p % b == 0: (W2b, W1b) = (W2, W1)                 // mini-batch start snapshot
 *   h = W2b k; a = act(h); r = k + W1b a - v              // residual of M_{Wb}(k) - v
 *   grad W1 = 2 r a^T;  grad W2 = 2 ((W1b^T r) * act'(h)) k^T
 *   M1 = eta M1 - theta grad W1;  W1 = (1 - alpha) W1 + M1
 *   M2 = eta M2 - theta grad W2;  W2 = (1 - alpha) W2 + M2
 *   o = M_W(scale q)                                       // read after write, current weights
 * </pre>
 * The gradient is that of the loss {@code ||M(k) - v||^2} at the weights of the mini-batch start
 * (TTT / Titans mini-batch gradient descent); with b = 1 it is plain per-token online gradient
 * descent. Mini-batches are aligned to stream positions, so outputs never depend on how a stream is
 * cut. The state layout is documented on {@link DeepLayout}; beta and g are not used.
 */
public final class DeepRecurrent implements MemoryCell {
    private final CellSpec spec;
    private final DeepLayout layout;

    public DeepRecurrent(CellSpec spec) {
        this.layout = DeepLayout.of(spec);
        this.spec = spec;
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
        int H = layout.heads;
        int K = layout.keyDim;
        int D = layout.hidden;
        DeepSpec deep = layout.deep;
        int b = deep.batch();
        float eta = deep.eta();
        float decay = 1f - deep.alpha();
        float step = 2f * deep.theta();
        float scale = spec.scale();
        float[] s = state.data();
        float[] q = chunk.q();
        float[] kk = chunk.k();
        float[] vv = chunk.v();
        float[] hid = new float[D];
        float[] a = new float[D];
        float[] delta = new float[D];
        float[] r = new float[K];
        float[] x = new float[K];
        long pos = state.position();
        for (int t = 0; t < chunk.length(); t++) {
            boolean batchStart = (pos + t) % b == 0;
            for (int h = 0; h < H; h++) {
                if (batchStart) {
                    layout.snapshot(s, h);
                }
                int base = (t * H + h) * K;
                int w2 = layout.w2(h);
                int w1 = layout.w1(h);
                int m2 = layout.m2(h);
                int m1 = layout.m1(h);
                int w2b = layout.w2Start(h);
                int w1b = layout.w1Start(h);
                // gradient at the mini-batch start weights (stored W2b [K,D], W1b [D,V])
                java.util.Arrays.fill(hid, 0f);
                for (int i = 0; i < K; i++) {
                    float ki = kk[base + i];
                    int row = w2b + i * D;
                    for (int d = 0; d < D; d++) {
                        hid[d] += ki * s[row + d];
                    }
                }
                for (int j = 0; j < K; j++) {
                    r[j] = kk[base + j] - vv[base + j];
                }
                for (int d = 0; d < D; d++) {
                    float ad = DeepMath.act(hid[d]);
                    a[d] = ad;
                    int row = w1b + d * K;
                    for (int j = 0; j < K; j++) {
                        r[j] += ad * s[row + j];
                    }
                }
                for (int d = 0; d < D; d++) {
                    float acc = 0f;
                    int row = w1b + d * K;
                    for (int j = 0; j < K; j++) {
                        acc += s[row + j] * r[j];
                    }
                    delta[d] = acc * DeepMath.actPrime(hid[d]);
                }
                // momentum + decay: W1 (stored [D,V]) with grad^T 2 a r^T, W2 (stored [K,D]) with grad^T 2 k delta^T
                for (int d = 0; d < D; d++) {
                    momentumStep(s, m1 + d * K, w1 + d * K, K, eta, decay, step * a[d], r);
                }
                for (int i = 0; i < K; i++) {
                    momentumStep(s, m2 + i * D, w2 + i * D, D, eta, decay, step * kk[base + i], delta);
                }
                // read after write
                for (int i = 0; i < K; i++) {
                    x[i] = scale * q[base + i];
                }
                DeepMath.readOne(s, w2, w1, K, D, x, a, out, base);
            }
        }
        state.advance(chunk.length());
    }

    /** m = eta m - g u; w = decay w + m over one row of n values. */
    private static void momentumStep(float[] s, int mOff, int wOff, int n, float eta, float decay, float g,
                                     float[] u) {
        for (int j = 0; j < n; j++) {
            float m = eta * s[mOff + j] - g * u[j];
            s[mOff + j] = m;
            s[wOff + j] = decay * s[wOff + j] + m;
        }
    }

    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        layout.checkRead(state, q, tokens, out);
        DeepMath.read(layout, spec.scale(), state.data(), q, tokens, out);
    }
}
