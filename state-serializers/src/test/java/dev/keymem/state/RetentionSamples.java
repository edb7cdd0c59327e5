package dev.keymem.state;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.retention.CompressedSlots;
import dev.keymem.models.retention.InMemoryArchiveStore;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.TieredRetention;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Deterministic STR / CMP states and archived tokens for the serializer tests. */
final class RetentionSamples {

    private RetentionSamples() {
    }

    /** A token with random contents; beta and g present or not; innovation / probability possibly NaN. */
    static RetainedToken token(SplittableRandom r, long position, int heads, int keyDim, int valueDim) {
        boolean open = r.nextBoolean();
        return new RetainedToken(position, BmojoSamples.gaussians(r, heads * keyDim),
                BmojoSamples.gaussians(r, heads * valueDim), open ? BmojoSamples.gaussians(r, heads) : null,
                open && r.nextBoolean() ? BmojoSamples.gaussians(r, heads) : null,
                open ? Float.NaN : (float) r.nextDouble(), r.nextDouble() * 5,
                r.nextBoolean() ? Double.NaN : r.nextDouble());
    }

    static List<RetainedToken> tokens(SplittableRandom r, int n, long[] next, int heads, int keyDim, int valueDim) {
        List<RetainedToken> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            next[0] += r.nextLong(1, 5);
            l.add(token(r, next[0], heads, keyDim, valueDim));
        }
        return l;
    }

    /** A synthetic, constructor-valid state of the given shape. */
    static RetentionState random(SplittableRandom r, int heads, int keyDim, int valueDim, int slots, int archived) {
        long[] next = {-1};
        List<RetainedToken> sinks = tokens(r, r.nextInt(0, 3), next, heads, keyDim, valueDim);
        List<RetainedToken> retained = tokens(r, r.nextInt(0, 4), next, heads, keyDim, valueDim);
        List<RetainedToken> recalled = tokens(r, r.nextInt(0, 3), next, heads, keyDim, valueDim);
        List<RetainedToken> window = tokens(r, r.nextInt(0, 5), next, heads, keyDim, valueDim);
        long[] positions = new long[archived];
        double[] scores = new double[archived];
        for (int i = 0; i < archived; i++) {
            positions[i] = 1000 + 3L * i;
            scores[i] = r.nextDouble();
        }
        CellState cell = StateSamples.randomState(r, heads * keyDim * valueDim);
        double[] counts = new double[heads * slots];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = r.nextInt(0, 4);
        }
        CompressedSlots c = new CompressedSlots(heads, slots, keyDim, valueDim, counts,
                StateSamples.gaussians(r, heads * slots * keyDim), StateSamples.gaussians(r, heads * slots * valueDim));
        return new RetentionState(r.nextLong(), next[0] + 1 + r.nextInt(0, 3), cell,
                StateSamples.gaussians(r, heads * keyDim), sinks, window, retained, recalled, c, positions, scores);
    }

    /** A small model with every tier on: sinks 1, window 4, block 2, T1 2, T2 2 slots, archive 3 (recall 1). */
    /** {@link #random} with each head's T2 slots used only up to a random count (the rest zero, as the model leaves them). */
    static RetentionState partlyUsed(SplittableRandom r, int heads, int keyDim, int valueDim, int slots, int archived) {
        RetentionState s = random(r, heads, keyDim, valueDim, slots, archived);
        CompressedSlots c = s.compressed();
        for (int h = 0; h < heads; h++) {
            int used = r.nextInt(0, slots + 1);
            for (int i = used; i < slots; i++) {
                int at = h * slots + i;
                c.counts()[at] = 0;
                java.util.Arrays.fill(c.keys(), at * keyDim, (at + 1) * keyDim, 0);
                java.util.Arrays.fill(c.values(), at * valueDim, (at + 1) * valueDim, 0);
            }
            for (int i = 0; i < used; i++) {
                c.counts()[h * slots + i] = 1 + r.nextInt(5);
            }
        }
        return s;
    }

    static TieredRetention model() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 4, 3, 4);
        return new TieredRetention(Cells.recurrent(spec),
                RetentionSettings.defaults(4).withTiers(1, 4, 2, 2, 2).withArchive(3, 1));
    }

    /** States the model leaves after each of a few chunks, and the archive's tokens at the end. */
    static List<Object> modelMade(long seed) {
        TieredRetention m = model();
        RetentionState st = m.newState(seed);
        InMemoryArchiveStore archive = new InMemoryArchiveStore();
        List<RetentionState> states = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int t = 3 + 3 * i;
            m.forward(st, archive, RandomInputs.chunk(m.cell().spec(), t, seed + i), new float[t * 2 * 3]);
            states.add(st.copy());
        }
        List<RetainedToken> entries = new ArrayList<>();
        archive.forEach(entries::add);
        return List.of(states, entries);
    }
}
