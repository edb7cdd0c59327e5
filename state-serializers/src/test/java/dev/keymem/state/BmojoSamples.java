package dev.keymem.state;

import dev.keymem.models.bmojo.Bmojo;
import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.bmojo.InMemoryEideticArchive;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic B'MOJO states and archive entries for the serializer tests. */
final class BmojoSamples {

    private BmojoSamples() {
    }

    /** A synthetic state of the given shape with random contents and partly filled buffers. */
    static BmojoState random(SplittableRandom r, int heads, int keyDim, int valueDim, int window, int capacity,
                             int topM, int retrieveK) {
        CellState cell = StateSamples.randomState(r, heads * keyDim * valueDim);
        int slots = 2 * window;
        long admitted = r.nextLong(0, 1000);
        return new BmojoState(cell, window, gaussians(r, slots * heads * keyDim), gaussians(r, slots * heads * valueDim),
                gaussians(r, slots * heads * valueDim), gaussians(r, slots * heads),
                buffer(r, heads, capacity, keyDim, valueDim), buffer(r, heads, topM, keyDim, valueDim),
                buffer(r, heads, retrieveK, keyDim, valueDim), admitted, r.nextLong(0, admitted + 1));
    }

    /**
     * A state as a key that has seen {@code seen} tokens leaves it: ring slots of positions not yet seen are zero,
     * innovations all zero when {@code fadingOnly} (B'MOJO-F), buffers partly filled.
     */
    static BmojoState young(SplittableRandom r, int heads, int keyDim, int valueDim, int window, int capacity, int topM,
                            int retrieveK, int seen, boolean fadingOnly) {
        BmojoState s = random(r, heads, keyDim, valueDim, window, capacity, topM, retrieveK);
        int filled = Math.min(seen, 2 * window);
        java.util.Arrays.fill(s.ringKeys(), filled * heads * keyDim, s.ringKeys().length, 0f);
        java.util.Arrays.fill(s.ringValues(), filled * heads * valueDim, s.ringValues().length, 0f);
        java.util.Arrays.fill(s.ringOutputs(), filled * heads * valueDim, s.ringOutputs().length, 0f);
        java.util.Arrays.fill(s.ringInnovations(), fadingOnly ? 0 : filled * heads, s.ringInnovations().length, 0f);
        s.cell().setPosition(seen);
        return s;
    }

    static EntryBuffer buffer(SplittableRandom r, int heads, int capacity, int keyDim, int valueDim) {
        int[] count = new int[heads];
        long[] positions = new long[heads * capacity];
        float[] innovations = new float[heads * capacity];
        float[] keys = new float[heads * capacity * keyDim];
        float[] values = new float[heads * capacity * valueDim];
        for (int h = 0; h < heads; h++) {
            count[h] = r.nextInt(0, capacity + 1);
            for (int i = 0; i < count[h]; i++) {
                int s = h * capacity + i;
                positions[s] = r.nextLong(0, 1L << 40);
                innovations[s] = (float) Math.abs(r.nextGaussian());
                for (int j = 0; j < keyDim; j++) {
                    keys[s * keyDim + j] = (float) r.nextGaussian();
                }
                for (int j = 0; j < valueDim; j++) {
                    values[s * valueDim + j] = (float) r.nextGaussian();
                }
            }
        }
        return new EntryBuffer(heads, capacity, keyDim, valueDim, count, positions, innovations, keys, values);
    }

    static EideticEntry entry(SplittableRandom r, int keyDim, int valueDim) {
        return new EideticEntry(r.nextInt(0, 8), r.nextLong(0, 1L << 40), (float) Math.abs(r.nextGaussian()),
                gaussians(r, keyDim), gaussians(r, valueDim));
    }

    static float[] gaussians(SplittableRandom r, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return d;
    }

    /** A small B'MOJO model that admits, evicts and retrieves within a few dozen tokens. */
    static Bmojo model() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 4, 3, 4);
        return new Bmojo(Cells.recurrent(spec), new BmojoSettings(3, 2, BmojoSettings.Admission.TOP_M, 0f, 2, 4, 2, 3));
    }

    /** States B'MOJO itself leaves after each of a few chunks, and the entries it archived on the way. */
    static List<Object> modelMade(long seed) {
        Bmojo b = model();
        BmojoState st = b.newState();
        InMemoryEideticArchive archive = new InMemoryEideticArchive();
        List<BmojoState> states = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int t = 3 + 3 * i;
            b.forward(st, archive, RandomInputs.chunk(b.cell().spec(), t, seed + i), new float[t * 2 * 3]);
            states.add(st.copy());
        }
        List<EideticEntry> entries = new ArrayList<>();
        for (int h = 0; h < 2; h++) {
            entries.addAll(archive.entries(h));
        }
        return List.of(states, entries);
    }
}
