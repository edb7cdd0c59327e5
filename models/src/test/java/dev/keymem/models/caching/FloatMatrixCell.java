package dev.keymem.models.caching;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;

/**
 * A plain float32 token-by-token matrix cell for these tests, so Memory Caching can be tested on its
 * own (the production cells are tested in the cells package and swapped in by {@link TestCells}).
 */
final class FloatMatrixCell implements MemoryCell {
    private final CellSpec spec;

    FloatMatrixCell(CellSpec spec) {
        this.spec = spec;
    }

    @Override
    public CellSpec spec() {
        return spec;
    }

    @Override
    public int stateSize() {
        int H = spec.heads();
        return H * spec.keyDim() * spec.valueDim() + (spec.normalize() ? H * spec.keyDim() : 0);
    }

    @Override
    public CellState newState() {
        return new CellState(stateSize());
    }

    @Override
    public void forward(CellState state, TokenChunk chunk, float[] out) {
        chunk.requireFits(spec);
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        float[] s = state.data();
        float[] u = new float[V];
        CellKind kind = spec.kind();
        for (int t = 0; t < chunk.length(); t++) {
            for (int h = 0; h < H; h++) {
                int sh = h * K * V;
                int kb = (t * H + h) * K;
                int vb = (t * H + h) * V;
                if (kind.usesGate()) {
                    float d = (float) Math.exp(chunk.g()[t * H + h]);
                    for (int x = sh; x < sh + K * V; x++) {
                        s[x] *= d;
                    }
                }
                if (kind.usesBeta()) {
                    float b = chunk.beta()[t * H + h];
                    for (int j = 0; j < V; j++) {
                        float p = 0;
                        for (int i = 0; i < K; i++) {
                            p += s[sh + i * V + j] * chunk.k()[kb + i];
                        }
                        u[j] = b * (chunk.v()[vb + j] - p);
                    }
                } else {
                    System.arraycopy(chunk.v(), vb, u, 0, V);
                }
                for (int i = 0; i < K; i++) {
                    float ki = chunk.k()[kb + i];
                    for (int j = 0; j < V; j++) {
                        s[sh + i * V + j] += ki * u[j];
                    }
                }
                if (spec.normalize()) {
                    for (int i = 0; i < K; i++) {
                        s[H * K * V + h * K + i] += chunk.k()[kb + i];
                    }
                }
            }
            readInto(s, chunk.q(), t, out);
        }
        state.advance(chunk.length());
    }

    @Override
    public void read(CellState state, float[] q, int tokens, float[] out) {
        for (int t = 0; t < tokens; t++) {
            readInto(state.data(), q, t, out);
        }
    }

    private void readInto(float[] s, float[] q, int t, float[] out) {
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        float sc = spec.scale();
        for (int h = 0; h < H; h++) {
            int qb = (t * H + h) * K;
            float den = 0;
            if (spec.normalize()) {
                for (int i = 0; i < K; i++) {
                    den += sc * q[qb + i] * s[H * K * V + h * K + i];
                }
            }
            for (int j = 0; j < V; j++) {
                float o = 0;
                for (int i = 0; i < K; i++) {
                    o += s[h * K * V + i * V + j] * sc * q[qb + i];
                }
                out[(t * H + h) * V + j] = spec.normalize() ? o / (den + 1e-10f) : o;
            }
        }
    }
}
