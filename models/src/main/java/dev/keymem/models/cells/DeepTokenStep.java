package dev.keymem.models.cells;

import java.util.Arrays;

/**
 * One token of one head of the deep memory, exactly as {@link DeepRecurrent}'s javadoc states it:
 * snapshot at a mini-batch start, gradient at the snapshot, momentum and decay update, read after
 * write. Holds its scratch vectors, so one instance serves one forward call (not thread-safe).
 * {@link DeepChunked} uses it for one-token segments (b = 1), where the closed form has nothing to
 * batch.
 */
final class DeepTokenStep {
    private final DeepLayout layout;
    private final float eta;
    private final float decay;
    private final float step;
    private final float scale;
    private final float[] hid;
    private final float[] a;
    private final float[] delta;
    private final float[] r;
    private final float[] x;

    DeepTokenStep(DeepLayout layout, float scale) {
        this.layout = layout;
        DeepSpec deep = layout.deep;
        this.eta = deep.eta();
        this.decay = 1f - deep.alpha();
        this.step = 2f * deep.theta();
        this.scale = scale;
        this.hid = new float[layout.hidden];
        this.a = new float[layout.hidden];
        this.delta = new float[layout.hidden];
        this.r = new float[layout.keyDim];
        this.x = new float[layout.keyDim];
    }

    /**
     * Advances head h over the token whose q, k, v (and output) start at {@code base} in the chunk's
     * [T,H,K] arrays; {@code batchStart} when the token's stream position is a multiple of b.
     */
    void apply(float[] s, float[] q, float[] kk, float[] vv, int base, int h, boolean batchStart, float[] out) {
        int K = layout.keyDim;
        int D = layout.hidden;
        if (batchStart) {
            layout.snapshot(s, h);
        }
        int w2 = layout.w2(h);
        int w1 = layout.w1(h);
        int m2 = layout.m2(h);
        int m1 = layout.m1(h);
        int w2b = layout.w2Start(h);
        int w1b = layout.w1Start(h);
        // gradient at the mini-batch start weights (stored W2b [K,D], W1b [D,V])
        Arrays.fill(hid, 0f);
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
            momentumStep(s, m1 + d * K, w1 + d * K, K, step * a[d], r);
        }
        for (int i = 0; i < K; i++) {
            momentumStep(s, m2 + i * D, w2 + i * D, D, step * kk[base + i], delta);
        }
        // read after write
        for (int i = 0; i < K; i++) {
            x[i] = scale * q[base + i];
        }
        DeepMath.readOne(s, w2, w1, K, D, x, a, out, base);
    }

    /** m = eta m - g u; w = decay w + m over one row of n values. */
    private void momentumStep(float[] s, int mOff, int wOff, int n, float g, float[] u) {
        for (int j = 0; j < n; j++) {
            float m = eta * s[mOff + j] - g * u[j];
            s[mOff + j] = m;
            s[wOff + j] = decay * s[wOff + j] + m;
        }
    }
}
