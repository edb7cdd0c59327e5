package dev.keymem.models.cells;

/**
 * The token-by-token form of the four matrix cells (docs/design/mechanisms.md section 1), written to be
 * obviously correct: per token and head,
 * <pre>
 *   linear:       S = S + k v^T
 *   gated_linear: S = exp(g) S + k v^T
 *   delta:        u = beta (v - S^T k); S = S + k u^T
 *   gated_delta:  S = exp(g) S; u = beta (v - S^T k); S = S + k u^T
 *   z = z + k                                  (normaliser only; undecayed)
 *   o = S^T (scale q) [/ ((scale q . z) + 1e-10)]   (after the write)
 * </pre>
 * This is the reference the chunked form is tested against. Instances hold a small scratch buffer
 * and are not thread-safe: use one per operator instance (thread).
 */
public final class RecurrentMatrixCell extends MatrixCell {

    private final CellKind kind;
    /** u of the delta rules [V]. */
    private final float[] u;

    public RecurrentMatrixCell(CellSpec spec) {
        super(spec);
        this.kind = spec.kind();
        this.u = new float[valueDim];
    }

    @Override
    public void forward(CellState state, TokenChunk chunk, float[] out) {
        int tokens = checkForward(state, chunk, out);
        float[] s = state.data();
        float scale = spec.scale();
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                int th = t * heads + h;
                int kOff = th * keyDim;
                int vOff = th * valueDim;
                if (kind.usesGate()) {
                    decay(s, h, (float) Math.exp(chunk.g()[th]));
                }
                if (kind.usesBeta()) {
                    deltaWrite(s, h, chunk.k(), kOff, chunk.v(), vOff, chunk.beta()[th]);
                } else {
                    outerWrite(s, h, chunk.k(), kOff, chunk.v(), vOff);
                }
                if (spec.normalize()) {
                    int zh = keySumOffset + h * keyDim;
                    for (int i = 0; i < keyDim; i++) {
                        s[zh + i] += chunk.k()[kOff + i];
                    }
                }
                readOne(s, h, chunk.q(), kOff, scale, out, vOff);
            }
        }
        state.advance(tokens);
    }

    /** S_h = a S_h. */
    private void decay(float[] s, int h, float a) {
        int sh = h * keyDim * valueDim;
        for (int x = sh; x < sh + keyDim * valueDim; x++) {
            s[x] *= a;
        }
    }

    /** S_h = S_h + k v^T. */
    private void outerWrite(float[] s, int h, float[] k, int kOff, float[] v, int vOff) {
        int sh = h * keyDim * valueDim;
        for (int i = 0; i < keyDim; i++) {
            float ki = k[kOff + i];
            int row = sh + i * valueDim;
            for (int j = 0; j < valueDim; j++) {
                s[row + j] += ki * v[vOff + j];
            }
        }
    }

    /** u = beta (v - S_h^T k); S_h = S_h + k u^T. */
    private void deltaWrite(float[] s, int h, float[] k, int kOff, float[] v, int vOff, float beta) {
        int sh = h * keyDim * valueDim;
        for (int j = 0; j < valueDim; j++) {
            u[j] = 0f;
        }
        for (int i = 0; i < keyDim; i++) {
            float ki = k[kOff + i];
            int row = sh + i * valueDim;
            for (int j = 0; j < valueDim; j++) {
                u[j] += s[row + j] * ki;
            }
        }
        for (int j = 0; j < valueDim; j++) {
            u[j] = beta * (v[vOff + j] - u[j]);
        }
        for (int i = 0; i < keyDim; i++) {
            float ki = k[kOff + i];
            int row = sh + i * valueDim;
            for (int j = 0; j < valueDim; j++) {
                s[row + j] += ki * u[j];
            }
        }
    }
}
