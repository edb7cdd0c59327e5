package dev.keymem.models.caching;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;

/**
 * A toy non-matrix cell standing in for deep memory in these tests: kind DEEP (so Memory Caching
 * assumes nothing of its layout), state a linear accumulator S += k v^T plus a step counter, read
 * o = tanh(S^T (scale q)): a read that is not linear in the state, so Soup differs from GRM.
 */
final class TanhToyCell implements MemoryCell {
    private final CellSpec spec;

    TanhToyCell(int heads, int keyDim, int valueDim) {
        this.spec = CellSpec.of(CellKind.DEEP, heads, keyDim, valueDim, 8);
    }

    @Override
    public CellSpec spec() {
        return spec;
    }

    @Override
    public int stateSize() {
        return spec.heads() * spec.keyDim() * spec.valueDim() + 1;
    }

    @Override
    public CellState newState() {
        return new CellState(stateSize());
    }

    @Override
    public void forward(CellState state, TokenChunk chunk, float[] out) {
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        float[] s = state.data();
        for (int t = 0; t < chunk.length(); t++) {
            for (int h = 0; h < H; h++) {
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < V; j++) {
                        s[(h * K + i) * V + j] += chunk.k()[(t * H + h) * K + i] * chunk.v()[(t * H + h) * V + j];
                    }
                }
            }
            s[H * K * V] += 1;
            float[] r = new float[H * V];
            read(state, java.util.Arrays.copyOfRange(chunk.q(), t * H * K, (t + 1) * H * K), 1, r);
            System.arraycopy(r, 0, out, t * H * V, H * V);
        }
        state.advance(chunk.length());
    }

    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        float[] s = state.data();
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < H; h++) {
                for (int j = 0; j < V; j++) {
                    double o = 0;
                    for (int i = 0; i < K; i++) {
                        o += s[(h * K + i) * V + j] * spec.scale() * q[(t * H + h) * K + i];
                    }
                    out[(t * H + h) * V + j] = (float) Math.tanh(o);
                }
            }
        }
    }
}
