package dev.keymem.models.retention.bench;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.bmojo.Bmojo;
import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.bmojo.InMemoryEideticArchive;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;

/**
 * B'MOJO's innovation store ({@link Bmojo}, docs/design/mechanisms.md section 3) as a benchmark memory: a delta-rule
 * fading memory, a window of w raw tokens, w fading tokens and an eidetic store of the most innovative
 * tokens (TOP_M admission, 4 of every 64 positions; the lowest innovation is evicted), no long-term
 * retrieval. A read sees 2w + capacity entries; {@link #forBudget} splits a budget B as w = B / 8 and
 * capacity = B - 2w. A probe runs one token (q = the probe, k = 0, v = 0, beta = 0) on a copy of the
 * state, so the memory itself is left unchanged.
 */
public final class BmojoMemory implements BenchMemory {
    private final Bmojo model;
    private final BmojoState state;
    private final InMemoryEideticArchive archive = new InMemoryEideticArchive();
    private final int dim;

    public BmojoMemory(BmojoSettings settings, int dim, double scale) {
        CellSpec spec = CellSpec.of(CellKind.DELTA, 1, dim, dim, 64).withScale((float) scale);
        this.model = new Bmojo(Cells.chunked(spec, Backends.java()), settings);
        this.state = model.newState();
        this.dim = dim;
    }

    /** Window B / 8 (at least 1), capacity B - 2w, TOP_M 4 per 64 positions, no retrieval. */
    public static BmojoSettings forBudget(int budget) {
        int w = Math.max(1, budget / 8);
        return BmojoSettings.defaults().withWindow(w).withCapacity(budget - 2 * w).withTopM(4, 64)
                .withRetrieval(0, 1);
    }

    @Override
    public String name() {
        return "B'MOJO (fading + innovation store)";
    }

    @Override
    public void consume(TokenChunk c) {
        model.forward(state, archive, c, new float[c.length() * dim]);
    }

    @Override
    public float[] probe(float[] q) {
        BmojoState copy = state.copy();
        TokenChunk t = new TokenChunk(1, 1, dim, dim, q.clone(), new float[dim], new float[dim], new float[1],
                new float[1]);
        float[] out = new float[dim];
        model.forward(copy, new InMemoryEideticArchive(), t, out);
        return out;
    }

    @Override
    public long stateBytes() {
        long b = 4L * state.cell().data().length + 8 + 4 + 8 + 8;
        b += 4L * (state.ringKeys().length + state.ringValues().length + state.ringOutputs().length
                + state.ringInnovations().length);
        for (EntryBuffer e : new EntryBuffer[] {state.eidetic(), state.candidates(), state.retrieved()}) {
            long slots = (long) e.heads() * e.capacity();
            b += 4 + 4L * e.heads() + 8 * slots + 4 * slots + 4 * slots * (e.keyDim() + e.valueDim());
        }
        return b;
    }
}
