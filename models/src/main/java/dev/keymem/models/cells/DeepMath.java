package dev.keymem.models.cells;

/**
 * The activation of the deep memory and the frozen-weight read shared by both forms.
 * act = SiLU: {@code act(h) = h sigmoid(h)}, {@code act'(h) = sigmoid(h) (1 + h (1 - sigmoid(h)))}.
 */
final class DeepMath {

    private DeepMath() {
    }

    static float sigmoid(float h) {
        return (float) (1.0 / (1.0 + Math.exp(-h)));
    }

    /** SiLU. */
    static float act(float h) {
        return h * sigmoid(h);
    }

    /** The derivative of SiLU. */
    static float actPrime(float h) {
        float s = sigmoid(h);
        return s * (1f + h * (1f - s));
    }

    /**
     * out[t,h,:] = M_h(scale q[t,h,:]) = x + W1 act(W2 x) with the current weights of each head;
     * the state is not changed.
     */
    static void read(DeepLayout l, float scale, float[] s, float[] q, int tokens, float[] out) {
        int H = l.heads;
        int K = l.keyDim;
        int D = l.hidden;
        float[] x = new float[K];
        float[] a = new float[D];
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < H; h++) {
                int base = (t * H + h) * K;
                for (int i = 0; i < K; i++) {
                    x[i] = scale * q[base + i];
                }
                readOne(s, l.w2(h), l.w1(h), K, D, x, a, out, base);
            }
        }
    }

    /**
     * out[outOff..] = x + W1 act(W2 x) for one head, with W2 stored [K,D] at w2 and W1 stored [D,V=K]
     * at w1 (input-major, see {@link DeepLayout}); h is scratch [D].
     */
    static void readOne(float[] s, int w2, int w1, int K, int D, float[] x, float[] h, float[] out, int outOff) {
        java.util.Arrays.fill(h, 0, D, 0f);
        for (int i = 0; i < K; i++) {
            float xi = x[i];
            int row = w2 + i * D;
            for (int d = 0; d < D; d++) {
                h[d] += xi * s[row + d];
            }
        }
        for (int j = 0; j < K; j++) {
            out[outOff + j] = x[j];
        }
        for (int d = 0; d < D; d++) {
            float ad = act(h[d]);
            int row = w1 + d * K;
            for (int j = 0; j < K; j++) {
                out[outOff + j] += ad * s[row + j];
            }
        }
    }
}
