package dev.keymem.models.cells;

/**
 * The deep (test-time-learned MLP) memory cell, token by token: the reference form.
 *
 * <p>Per head the memory is {@code M(x) = x + W1 act(W2 x)} with W2 {@code [D,K]}, W1 {@code [V,D]} in
 * the math (stored transposed, input-major, see {@link DeepLayout}), K == V, D = {@link DeepSpec#hidden()},
 * act = SiLU. Token t (stream position p) with key k, value v and query q, head by head (the loop
 * body is {@link DeepTokenStep}):
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
        int b = layout.deep.batch();
        DeepTokenStep step = new DeepTokenStep(layout, spec.scale());
        long pos = state.position();
        for (int t = 0; t < chunk.length(); t++) {
            boolean batchStart = (pos + t) % b == 0;
            for (int h = 0; h < H; h++) {
                step.apply(state.data(), chunk.q(), chunk.k(), chunk.v(), (t * H + h) * K, h, batchStart, out);
            }
        }
        state.advance(chunk.length());
    }

    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        layout.checkRead(state, q, tokens, out);
        DeepMath.read(layout, spec.scale(), state.data(), q, tokens, out);
    }
}
