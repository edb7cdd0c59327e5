package dev.keymem.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.GemmOracle;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ND4J backend against the float64 gemm oracle and the scalar backend. (One class on purpose:
 * ND4J unpacks its natives on first use.)
 */
class Nd4jBackendTest {

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
        SplittableRandom r = new SplittableRandom(99);
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
            assertTrue(err <= TOL, () -> "nd4j error " + err + " on " + p);
            float[] scalar = p.run(ScalarBackend.INSTANCE);
            double errScalar = GemmOracle.error(p, scalar, expected);
            assertTrue(errScalar <= TOL, () -> "scalar error " + errScalar + " on " + p);
        }
    }

    @Test
    void degenerateSizes() {
        SplittableRandom r = new SplittableRandom(5);
        for (GemmOracle.Problem p : new GemmOracle.Problem[] {
            GemmOracle.random(r, false, false, 4, 5, 0, 1f, 0f),
            GemmOracle.random(r, true, true, 4, 5, 0, 1f, 2f),
            GemmOracle.random(r, false, true, 6, 6, 6, 0f, 0.5f),
        }) {
            double err = GemmOracle.error(p, p.run(nd4j), p.expected());
            assertTrue(err <= TOL, () -> "nd4j error " + err + " on " + p);
        }
    }
}
