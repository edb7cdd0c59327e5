package dev.keymem.models.cells;

/**
 * What the four matrix cells (linear, gated_linear, delta, gated_delta) share whatever their form:
 * the state layout, the input checks and the read of a frozen state.
 *
 * <p>State layout ({@link CellState#data()}): the memories {@code S [H,K,V]} row-major (head h at
 * offset {@code h*K*V}, row i = key component, column j = value component), followed, when the spec's
 * normaliser is on, by the running (undecayed) key sums {@code z [H,K]} at offset {@code H*K*V}.
 *
 * <p>Read of a query q against head h: {@code o = S_h^T (scale q)}, divided, with the normaliser, by
 * {@code (scale q . z_h) + 1e-10}.
 */
public abstract class MatrixCell implements MemoryCell {

    /** Added to the normaliser's denominator, as in docs/design/mechanisms.md. */
    public static final double NORMALISER_EPS = 1e-10;

    protected final CellSpec spec;
    protected final int heads;
    protected final int keyDim;
    protected final int valueDim;
    /** Offset of the key sums {@code [H,K]} in the state array (= H*K*V). */
    protected final int keySumOffset;

    protected MatrixCell(CellSpec spec) {
        if (spec.kind() == CellKind.DEEP) {
            throw new IllegalArgumentException(
                    "the deep cell is not a matrix cell; it is created by the deep cell factory, not by Cells");
        }
        this.spec = spec;
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.valueDim = spec.valueDim();
        this.keySumOffset = Math.multiplyExact(Math.multiplyExact(heads, keyDim), valueDim);
    }

    @Override
    public CellSpec spec() {
        return spec;
    }

    @Override
    public int stateSize() {
        return keySumOffset + (spec.normalize() ? heads * keyDim : 0);
    }

    @Override
    public CellState newState() {
        return new CellState(stateSize());
    }

    /** Validates the arguments of {@link #forward}; returns the number of tokens. */
    protected final int checkForward(CellState state, TokenChunk chunk, float[] out) {
        if (chunk == null) {
            throw new IllegalArgumentException("chunk is missing");
        }
        chunk.requireFits(spec);
        checkState(state);
        checkOut(out, chunk.length());
        return chunk.length();
    }

    protected final void checkState(CellState state) {
        if (state == null) {
            throw new IllegalArgumentException("state is missing");
        }
        if (state.data().length != stateSize()) {
            throw new IllegalArgumentException("state has " + state.data().length + " floats, expected "
                    + stateSize() + " for " + spec.kind().configName() + " H=" + heads + " K=" + keyDim + " V="
                    + valueDim + (spec.normalize() ? " with normaliser" : ""));
        }
    }

    protected final void checkOut(float[] out, int tokens) {
        long need = (long) tokens * heads * valueDim;
        if (out == null || out.length < need) {
            throw new IllegalArgumentException("output buffer has " + (out == null ? "no" : out.length)
                    + " floats, needs at least " + need + " (T*H*V)");
        }
    }

    /** Validates the arguments of {@link #read}. */
    protected final void checkRead(CellState state, float[] q, int tokens, float[] out) {
        checkState(state);
        if (tokens < 0) {
            throw new IllegalArgumentException("negative token count " + tokens);
        }
        long need = (long) tokens * heads * keyDim;
        if (q == null || q.length < need) {
            throw new IllegalArgumentException("query q has " + (q == null ? "no" : q.length)
                    + " floats, needs at least " + need + " (T*H*K)");
        }
        checkOut(out, tokens);
    }

    /**
     * The plain read of a frozen state, token by token: {@code out[t,h,:] = S_h^T (scale q[t,h,:])}
     * (normalised when the spec says so). The state is not changed.
     */
    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        checkRead(state, q, tokens, out);
        float[] s = state.data();
        float scale = spec.scale();
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < heads; h++) {
                readOne(s, h, q, (t * heads + h) * keyDim, scale, out, (t * heads + h) * valueDim);
            }
        }
    }

    /** o = S_h^T (scale q) [/ normaliser] for one query at qOff, written at out[oOff..oOff+V). */
    protected final void readOne(float[] s, int h, float[] q, int qOff, float scale, float[] out, int oOff) {
        int sh = h * keyDim * valueDim;
        for (int j = 0; j < valueDim; j++) {
            out[oOff + j] = 0f;
        }
        for (int i = 0; i < keyDim; i++) {
            float qi = scale * q[qOff + i];
            int row = sh + i * valueDim;
            for (int j = 0; j < valueDim; j++) {
                out[oOff + j] += s[row + j] * qi;
            }
        }
        if (spec.normalize()) {
            normaliseOne(s, h, q, qOff, scale, out, oOff);
        }
    }

    /** Divides out[oOff..oOff+V) by (scale q . z_h) + 1e-10. */
    private void normaliseOne(float[] s, int h, float[] q, int qOff, float scale, float[] out, int oOff) {
        int zh = keySumOffset + h * keyDim;
        double den = 0;
        for (int i = 0; i < keyDim; i++) {
            den += (double) (scale * q[qOff + i]) * s[zh + i];
        }
        float inv = (float) (1.0 / (den + NORMALISER_EPS));
        for (int j = 0; j < valueDim; j++) {
            out[oOff + j] *= inv;
        }
    }
}
