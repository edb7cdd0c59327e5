package dev.keymem.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.GemmOracle;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ND4J backend against the float64 gemm oracle and the scalar backend, and the chunked matrix
 * cells on it against the float64 cell reference. (One class on purpose: ND4J unpacks its natives on
 * first use.)
 */
class Nd4jBackendTest {

    /** Fresh each run; -Dkeymem.seed=N reproduces a failure (the seed is in every message). */
    private static final long SEED = Long.getLong("keymem.seed", System.nanoTime());
    private static TensorBackend nd4j;
    private static final double TOL = 2e-5;

    @BeforeAll
    static void load() {
        nd4j = Backends.byName("nd4j");
        Nd4jBackend.setThreads(1);
    }

    @Test
    void registeredUnderItsName() {
        assertEquals("nd4j", nd4j.name());
        assertEquals(1, Nd4jBackend.blasThreads());
    }

    @Test
    void agreesWithTheOracleAndScalarOnRandomShapes() {
        SplittableRandom r = new SplittableRandom(SEED);
        int[] sizes = {1, 2, 3, 7, 16, 17, 33, 64, 65, 128};
        float[] betas = {0f, 1f, 0.5f};
        for (int trial = 0; trial < 60; trial++) {
            int m = sizes[r.nextInt(sizes.length)];
            int n = sizes[r.nextInt(sizes.length)];
            int k = sizes[r.nextInt(sizes.length)];
            float alpha = trial % 3 == 0 ? 1f : (float) (r.nextDouble() * 4 - 2);
            GemmOracle.Problem p = GemmOracle.random(r, r.nextBoolean(), r.nextBoolean(), m, n, k, alpha,
                    betas[r.nextInt(betas.length)]);
            double[] expected = p.expected();
            float[] got = p.run(nd4j);
            double err = GemmOracle.error(p, got, expected);
            assertTrue(err <= TOL, () -> "nd4j error " + err + " on " + p + " (seed " + SEED + ")");
            float[] scalar = p.run(ScalarBackend.INSTANCE);
            double errScalar = GemmOracle.error(p, scalar, expected);
            assertTrue(errScalar <= TOL, () -> "scalar error " + errScalar + " on " + p + " (seed " + SEED + ")");
        }
    }

    @Test
    void degenerateSizes() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        for (GemmOracle.Problem p : new GemmOracle.Problem[] {
            GemmOracle.random(r, false, false, 4, 5, 0, 1f, 0f),
            GemmOracle.random(r, true, true, 4, 5, 0, 1f, 2f),
            GemmOracle.random(r, false, true, 6, 6, 6, 0f, 0.5f),
        }) {
            double err = GemmOracle.error(p, p.run(nd4j), p.expected());
            assertTrue(err <= TOL, () -> "nd4j error " + err + " on " + p + " (seed " + SEED + ")");
        }
    }

    /**
     * The four chunked matrix cells on ND4J, called twice (state carried, the second call cut off
     * mid-chunk), from a random non-zero state, against the float64 recurrence; with and without
     * the normaliser.
     */
    @Test
    void chunkedMatrixCellsOnNd4jMatchTheFloat64Reference() {
        long base = SEED;
        int heads = 2;
        int keyDim = 16;
        int valueDim = 24;
        int chunk = 16;
        for (CellKind kind : new CellKind[] {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA,
                CellKind.GATED_DELTA}) {
            for (boolean normalize : new boolean[] {false, true}) {
                long seed = base * 31 + kind.ordinal() * 2 + (normalize ? 1 : 0);
                CellSpec spec = CellSpec.of(kind, heads, keyDim, valueDim, chunk).withNormalize(normalize);
                MemoryCell cell = Cells.chunked(spec, nd4j);
                int t1 = 37;
                int t2 = 21;
                TokenChunk all = RandomInputs.chunk(spec, t1 + t2, seed);
                CellState state = cell.newState();
                SplittableRandom r = new SplittableRandom(seed);
                float[] d = state.data();
                int mem = heads * keyDim * valueDim;
                for (int i = 0; i < mem; i++) {
                    d[i] = (float) (0.5 * r.nextGaussian());
                }
                for (int i = mem; i < d.length; i++) {
                    d[i] = (float) (1 + r.nextDouble()); // positive key sums for the normaliser
                }
                double[] s0 = RandomInputs.toDouble(java.util.Arrays.copyOf(d, mem));
                double[] z0 = normalize ? RandomInputs.toDouble(java.util.Arrays.copyOfRange(d, mem, d.length)) : null;
                Float64Reference.Result ref = Float64Reference.run(kind, t1 + t2, heads, keyDim, valueDim,
                        all.q(), all.k(), all.v(), all.beta(), all.g(), spec.scale(), normalize, s0, z0);

                float[] out = new float[(t1 + t2) * heads * valueDim];
                float[] out1 = new float[t1 * heads * valueDim];
                float[] out2 = new float[t2 * heads * valueDim];
                cell.forward(state, all.slice(0, t1), out1);
                cell.forward(state, all.slice(t1, t1 + t2), out2);
                System.arraycopy(out1, 0, out, 0, out1.length);
                System.arraycopy(out2, 0, out, out1.length, out2.length);
                double outErr = Float64Reference.relError(out, ref.out());
                double stateErr = Float64Reference.relError(java.util.Arrays.copyOf(state.data(), mem), ref.state());
                String what = kind.configName() + (normalize ? " normalised" : "") + " (seed " + base + ")";
                assertTrue(outErr <= 1e-4, () -> what + ": output error " + outErr);
                assertTrue(stateErr <= 1e-4, () -> what + ": state error " + stateErr);
                assertEquals(t1 + t2, state.position(), what);
            }
        }
    }
}
