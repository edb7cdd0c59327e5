package dev.keymem.models.cells;

import java.util.SplittableRandom;

/**
 * The state layout of the deep memory cell, shared by {@link DeepRecurrent} and {@link DeepChunked},
 * and the checks both forms apply to their spec and inputs.
 *
 * <p>The state array holds six tensors one after the other, each with the head dimension first and
 * row-major, each per-head matrix stored input-major ({@code [in, out]}, applied as {@code x @ W}, the
 * convention of the TTT / Titans reference code, so that a PyTorch tensor of the shape given loads
 * with no re-layout). In the math M(x) = x + W1 act(W2 x) the stored tensors are W2^T and W1^T:
 * <ol>
 *   <li>{@code W2  [H,K,D]} the current first-layer weights (h = k @ W2),</li>
 *   <li>{@code W1  [H,D,V]} the current second-layer weights (o = x + act(h) @ W1),</li>
 *   <li>{@code M2  [H,K,D]} the momentum of W2,</li>
 *   <li>{@code M1  [H,D,V]} the momentum of W1,</li>
 *   <li>{@code W2b [H,K,D]} W2 at the start of the current mini-batch (where gradients are taken),</li>
 *   <li>{@code W1b [H,D,V]} W1 at the start of the current mini-batch.</li>
 * </ol>
 * The snapshot (W2b, W1b) is taken when the token at a position that is a multiple of b is about to
 * be written; it is what lets a stream be cut in the middle of a mini-batch without changing any
 * output. The stream position is {@link CellState#position()}. The state has {@code 6 H D K} floats
 * (K == V). The input-major storage also keeps every large product of both forms free of strided
 * (transposed) access to the weights.
 *
 * <p>Initial state ({@link #newState()}): W1 = 0, momenta 0, W2 = N(0,1)/sqrt(K) drawn in the order
 * of the stored array {@code [H,K,D]} from {@code new SplittableRandom(deep.seed())}; W2b, W1b equal
 * W2, W1. W2 must be non-zero: with W2 = 0 the hidden activation SiLU(0) = 0, so the W1 gradient
 * {@code 2 r a^T} and the W2 gradient {@code 2 ((W1^T r) * act'(h)) k^T} (W1 = 0) both vanish and the
 * memory never learns. With W2 random and W1 = 0 the first step moves W1, and W2 follows from there.
 */
public final class DeepLayout {
    final int heads;
    final int keyDim;
    final int hidden;
    final int dk;
    final DeepSpec deep;
    private final CellSpec spec;

    private DeepLayout(CellSpec spec) {
        this.spec = spec;
        this.deep = spec.deep();
        this.heads = spec.heads();
        this.keyDim = spec.keyDim();
        this.hidden = deep.hidden();
        this.dk = hidden * keyDim;
    }

    /** Validates the spec for the deep cell (kind DEEP, K == V, no normaliser). */
    public static DeepLayout of(CellSpec spec) {
        if (spec == null) {
            throw new IllegalArgumentException("deep cell: spec is null");
        }
        if (spec.kind() != CellKind.DEEP) {
            throw new IllegalArgumentException("deep cell needs kind deep, got " + spec.kind().configName());
        }
        if (spec.deep() == null) {
            throw new IllegalArgumentException("deep cell needs a DeepSpec");
        }
        if (spec.keyDim() != spec.valueDim()) {
            throw new IllegalArgumentException("deep cell needs keyDim == valueDim (M(x) = x + W1 act(W2 x)): K="
                    + spec.keyDim() + " V=" + spec.valueDim());
        }
        if (spec.normalize()) {
            throw new IllegalArgumentException("deep cell does not support the linear-attention normaliser");
        }
        long size = 6L * spec.heads() * spec.deep().hidden() * spec.keyDim();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("deep cell state too large: " + size + " floats");
        }
        return new DeepLayout(spec);
    }

    public int stateSize() {
        return 6 * heads * dk;
    }

    /** Offset of W2 (stored [K,D]) of head h. */
    public int w2(int h) {
        return h * dk;
    }

    /** Offset of W1 (stored [D,V]) of head h. */
    public int w1(int h) {
        return (heads + h) * dk;
    }

    /** Offset of the momentum of W2 of head h. */
    public int m2(int h) {
        return (2 * heads + h) * dk;
    }

    /** Offset of the momentum of W1 of head h. */
    public int m1(int h) {
        return (3 * heads + h) * dk;
    }

    /** Offset of W2 at the mini-batch start of head h. */
    public int w2Start(int h) {
        return (4 * heads + h) * dk;
    }

    /** Offset of W1 at the mini-batch start of head h. */
    public int w1Start(int h) {
        return (5 * heads + h) * dk;
    }

    /** The documented initial state. */
    public CellState newState() {
        float[] s = new float[stateSize()];
        SplittableRandom r = new SplittableRandom(deep.seed());
        double std = 1.0 / Math.sqrt(keyDim);
        for (int i = 0; i < heads * dk; i++) {
            s[i] = (float) (r.nextGaussian() * std);
        }
        System.arraycopy(s, 0, s, w2Start(0), heads * dk);
        return new CellState(s, 0L);
    }

    /** Copies the current weights of head h into the mini-batch snapshot. */
    void snapshot(float[] s, int h) {
        System.arraycopy(s, w2(h), s, w2Start(h), dk);
        System.arraycopy(s, w1(h), s, w1Start(h), dk);
    }

    void checkState(CellState state) {
        if (state == null) {
            throw new IllegalArgumentException("deep cell: state is null");
        }
        if (state.data().length != stateSize()) {
            throw new IllegalArgumentException("deep cell state has " + state.data().length
                    + " floats, expected " + stateSize() + " (6*H*D*K with H=" + heads + " D=" + hidden + " K="
                    + keyDim + ")");
        }
        if (state.position() < 0) {
            throw new IllegalArgumentException("deep cell state has a negative position " + state.position());
        }
    }

    void checkForward(CellState state, TokenChunk chunk, float[] out) {
        checkState(state);
        if (chunk == null) {
            throw new IllegalArgumentException("deep cell: chunk is null");
        }
        chunk.requireFits(spec);
        checkOut(out, (long) chunk.length() * heads * keyDim);
    }

    void checkRead(CellState state, float[] q, int tokens, float[] out) {
        checkState(state);
        if (tokens < 0) {
            throw new IllegalArgumentException("deep cell read: negative token count " + tokens);
        }
        if (q == null || q.length < (long) tokens * heads * keyDim) {
            throw new IllegalArgumentException("deep cell read: q has " + (q == null ? "no" : q.length)
                    + " values, expected at least " + (long) tokens * heads * keyDim + " ([T,H,K])");
        }
        checkOut(out, (long) tokens * heads * keyDim);
    }

    private static void checkOut(float[] out, long needed) {
        if (out == null || out.length < needed) {
            throw new IllegalArgumentException("deep cell: out has " + (out == null ? "no" : out.length)
                    + " values, expected at least " + needed + " ([T,H,V])");
        }
    }
}
