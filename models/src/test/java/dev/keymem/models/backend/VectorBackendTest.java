package dev.keymem.models.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Vector API SGEMM against a float64 oracle and against the scalar backend, on fresh random
 * problems each run (the seed is in every failure message; {@code -Dkeymem.seed=N} reproduces it).
 */
class VectorBackendTest {

    private static final long SEED = Long.getLong("keymem.seed", System.nanoTime());

    private static final TensorBackend VECTOR = Backends.byName("vector");
    private static final TensorBackend SCALAR = ScalarBackend.INSTANCE;
    /** float32 summation over up to ~600 terms, relative to the largest |C|. */
    private static final double TOL = 2e-5;

    @Test
    void javaPicksTheVectorBackendWhenTheModuleIsPresent() {
        assertTrue(Backends.vectorApiAvailable(), "tests run with --add-modules jdk.incubator.vector");
        assertEquals("vector", Backends.java().name());
        assertEquals("vector", VECTOR.name());
    }

    @Test
    void randomShapesAllTransposesOffsetsAndLeadingDims() {
        SplittableRandom r = new SplittableRandom(SEED);
        int[] sizes = {1, 2, 3, 5, 6, 7, 8, 13, 16, 17, 31, 33, 47, 64, 97};
        float[] betas = {0f, 1f, -0.5f, 2f};
        for (int trial = 0; trial < 300; trial++) {
            int m = sizes[r.nextInt(sizes.length)];
            int n = sizes[r.nextInt(sizes.length)];
            int k = sizes[r.nextInt(sizes.length)];
            float alpha = r.nextInt(3) == 0 ? 1f : (float) (r.nextDouble() * 4 - 2);
            float beta = betas[r.nextInt(betas.length)];
            check(GemmOracle.random(r, r.nextBoolean(), r.nextBoolean(), m, n, k, alpha, beta));
        }
    }

    @Test
    void cellShapesAndBlockBoundaries() {
        SplittableRandom r = new SplittableRandom(SEED + 1);
        int[][] shapes = {
            {64, 128, 128}, {64, 64, 128}, {64, 128, 64}, {128, 128, 64}, {64, 64, 64},
            // crossing the k block (256), the m block (144) and several n panels
            {150, 70, 300}, {145, 33, 257}, {7, 300, 513}, {289, 17, 11},
        };
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                float beta = t == 0 ? 0f : t == 1 ? 1f : 0.25f;
                check(GemmOracle.random(r, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], t == 3 ? -1.5f : 1f, beta));
            }
        }
    }

    @Test
    void degenerateSizes() {
        SplittableRandom r = new SplittableRandom(SEED + 2);
        check(GemmOracle.random(r, false, false, 5, 9, 0, 1f, 0f));   // k = 0 and beta 0: C = 0
        check(GemmOracle.random(r, true, false, 5, 9, 0, 1f, 3f));    // k = 0: C = beta C
        check(GemmOracle.random(r, false, true, 40, 40, 40, 0f, 0.5f)); // alpha = 0
        check(GemmOracle.random(r, false, false, 0, 9, 4, 1f, 0f));
        check(GemmOracle.random(r, true, true, 9, 0, 4, 1f, 0f));
    }

    @Test
    void badArgumentsAreNamed() {
        float[] x = new float[16];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VECTOR.gemm(false, false, 4, 4, 4, 1f, x, 0, 3, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("leading dimension of A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VECTOR.gemm(false, true, 4, 4, 4, 1f, x, 0, 4, x, 1, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("matrix B"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> VECTOR.gemm(false, false, -1, 4, 4, 1f, x, 0, 4, x, 0, 4, 0f, x, 0, 4));
        assertTrue(e.getMessage().contains("m=-1"), e.getMessage());
    }

    private static void check(GemmOracle.Problem p) {
        double[] expected = p.expected();
        float[] vector = p.run(VECTOR);
        double err = GemmOracle.error(p, vector, expected);
        assertTrue(err <= TOL, () -> "vector backend error " + err + " on " + p + " (seed " + SEED + ")");
        float[] scalar = p.run(SCALAR);
        // the scalar backend skips zero products, so only compare where it defines C
        if (p.alpha() != 0f) {
            double errScalar = GemmOracle.error(p, scalar, expected);
            assertTrue(errScalar <= TOL, () -> "scalar backend error " + errScalar + " on " + p + " (seed " + SEED + ")");
            double diff = 0;
            for (int i = 0; i < vector.length; i++) {
                diff = Math.max(diff, Math.abs(vector[i] - scalar[i]));
            }
            double d = diff;
            assertTrue(d <= 2 * TOL * Math.max(1, maxAbs(expected)), () -> "vector vs scalar differ by " + d + " on " + p + " (seed " + SEED + ")");
        }
    }

    private static double maxAbs(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
