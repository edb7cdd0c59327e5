package dev.keymem.models.cells;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Shapes, initial states and float64 helpers shared by the matrix cell tests. */
final class MatrixCellFixtures {

    private MatrixCellFixtures() {
    }

    /**
     * The run's base seed: fresh each run (so every run tries new inputs), fixed with
     * {@code -Dkeymem.seed=N} to reproduce a failure; failure messages print the seed they used.
     */
    static final long BASE_SEED = Long.getLong("keymem.seed", System.nanoTime());

    /** A seed for one test case, mixed from the base seed and the case's own numbers. */
    static long seed(Object... parts) {
        return BASE_SEED * 31 + java.util.Objects.hash(parts);
    }

    static final CellKind[] MATRIX_KINDS = {
            CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA, CellKind.GATED_DELTA};

    /** A test shape: heads, key and value dims, chunk size, tokens. */
    record Shape(int heads, int keyDim, int valueDim, int chunk, int tokens) {
        CellSpec spec(CellKind kind, boolean normalize) {
            return CellSpec.of(kind, heads, keyDim, valueDim, chunk).withNormalize(normalize);
        }

        @Override
        public String toString() {
            return "H" + heads + "K" + keyDim + "V" + valueDim + "C" + chunk + "T" + tokens;
        }
    }

    /** Several shapes: T not a multiple of C, H > 1, K != V, chunk sizes 1, 7, 16, 64. */
    static final Shape[] SHAPES = {
            new Shape(1, 4, 4, 1, 5),
            new Shape(2, 8, 5, 7, 30),
            new Shape(3, 16, 8, 16, 50),
            new Shape(2, 6, 12, 64, 130),
            new Shape(1, 32, 32, 64, 64),
            new Shape(4, 12, 20, 16, 16),
    };

    /** The scalar backend and the best Java backend (the Vector API one once it exists), without duplicates. */
    static List<TensorBackend> backends() {
        List<TensorBackend> list = new ArrayList<>();
        list.add(ScalarBackend.INSTANCE);
        TensorBackend best = Backends.java();
        if (!best.name().equals(ScalarBackend.INSTANCE.name())) {
            list.add(best);
        }
        return list;
    }

    /**
     * A state to start from: zeros, or random memories (and positive key sums when normalising, as
     * a state that has absorbed positive keys would have).
     */
    static CellState initialState(MemoryCell cell, boolean nonZero, long seed) {
        CellState st = cell.newState();
        if (!nonZero) {
            return st;
        }
        CellSpec spec = cell.spec();
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = st.data();
        int mem = spec.heads() * spec.keyDim() * spec.valueDim();
        for (int i = 0; i < mem; i++) {
            d[i] = (float) (0.5 * r.nextGaussian());
        }
        for (int i = mem; i < d.length; i++) {
            d[i] = (float) (0.5 + 3 * r.nextDouble());
        }
        st.setPosition(17);
        return st;
    }

    /** The memories [H,K,V] of a state, widened. */
    static double[] memories(CellSpec spec, float[] data) {
        return RandomInputs.toDouble(Arrays.copyOf(data, spec.heads() * spec.keyDim() * spec.valueDim()));
    }

    /** The key sums [H,K] of a state, widened (null when the normaliser is off). */
    static double[] keySums(CellSpec spec, float[] data) {
        int mem = spec.heads() * spec.keyDim() * spec.valueDim();
        return spec.normalize() ? RandomInputs.toDouble(Arrays.copyOfRange(data, mem, data.length)) : null;
    }

    /** The float64 reference pass from the given float state. */
    static Float64Reference.Result reference(CellSpec spec, TokenChunk c, CellState from) {
        return Float64Reference.run(spec.kind(), c.length(), spec.heads(), spec.keyDim(), spec.valueDim(),
                c.q(), c.k(), c.v(), c.beta(), c.g(), spec.scale(), spec.normalize(),
                memories(spec, from.data()), keySums(spec, from.data()));
    }

    /** The reference final state laid out like a cell state: memories then key sums. */
    static double[] referenceState(CellSpec spec, Float64Reference.Result r) {
        if (!spec.normalize()) {
            return r.state();
        }
        double[] all = Arrays.copyOf(r.state(), r.state().length + r.keySums().length);
        System.arraycopy(r.keySums(), 0, all, r.state().length, r.keySums().length);
        return all;
    }

    /** A float64 read of a frozen float state: o = S^T (scale q) [/ (scale q . z + 1e-10)]. */
    static double[] float64Read(CellSpec spec, float[] state, float[] q, int tokens) {
        int H = spec.heads();
        int K = spec.keyDim();
        int V = spec.valueDim();
        double[] out = new double[tokens * H * V];
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < H; h++) {
                int qo = (t * H + h) * K;
                double den = 0;
                for (int i = 0; i < K; i++) {
                    den += (double) spec.scale() * q[qo + i] * (spec.normalize() ? state[H * K * V + h * K + i] : 0);
                }
                for (int j = 0; j < V; j++) {
                    double o = 0;
                    for (int i = 0; i < K; i++) {
                        o += state[(h * K + i) * V + j] * ((double) spec.scale() * q[qo + i]);
                    }
                    out[(t * H + h) * V + j] = spec.normalize() ? o / (den + 1e-10) : o;
                }
            }
        }
        return out;
    }

    /** Random cut points: chunk lengths in [0, maxLen] summing to total (zero-length pieces included). */
    static int[] randomCuts(int total, int maxLen, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> lens = new ArrayList<>();
        int left = total;
        while (left > 0) {
            int len = Math.min(left, r.nextInt(maxLen + 1));
            lens.add(len);
            left -= len;
        }
        return lens.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Runs {@code cell} over {@code c} cut into pieces of the given lengths, carrying the state. */
    static float[] runInPieces(MemoryCell cell, CellState state, TokenChunk c, int[] lens) {
        int HV = cell.spec().heads() * cell.spec().valueDim();
        float[] out = new float[c.length() * HV];
        int from = 0;
        for (int len : lens) {
            TokenChunk piece = c.slice(from, from + len);
            float[] o = new float[len * HV];
            cell.forward(state, piece, o);
            System.arraycopy(o, 0, out, from * HV, len * HV);
            from += len;
        }
        return out;
    }
}
