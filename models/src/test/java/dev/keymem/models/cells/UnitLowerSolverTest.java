package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.testing.Float64Reference;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The blocked solve of (I + A) X = R against a float64 forward substitution, over many sizes. */
class UnitLowerSolverTest {

    @Test
    void solvesLikeFloat64ForwardSubstitution() {
        long seed = MatrixCellFixtures.seed("solver");
        SplittableRandom r = new SplittableRandom(seed);
        for (TensorBackend backend : MatrixCellFixtures.backends()) {
            for (int c : new int[] {1, 2, 5, 15, 16, 17, 31, 33, 48, 50, 64, 70}) {
                int n = 1 + r.nextInt(40);
                int lda = c + r.nextInt(3);
                int ldr = n + r.nextInt(3);
                float[] a = new float[c * lda];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (0.2 * r.nextGaussian()); // also above the diagonal: must be ignored
                }
                float[] rhs = new float[c * ldr];
                for (int i = 0; i < rhs.length; i++) {
                    rhs[i] = (float) r.nextGaussian();
                }
                double[] x = new double[c * n];
                for (int t = 0; t < c; t++) {
                    for (int j = 0; j < n; j++) {
                        double acc = rhs[t * ldr + j];
                        for (int i = 0; i < t; i++) {
                            acc -= a[t * lda + i] * x[i * n + j];
                        }
                        x[t * n + j] = acc;
                    }
                }
                new UnitLowerSolver(backend, n).solveInPlace(a, lda, c, rhs, ldr, n);
                float[] got = new float[c * n];
                for (int t = 0; t < c; t++) {
                    System.arraycopy(rhs, t * ldr, got, t * n, n);
                }
                double err = Float64Reference.relError(got, x);
                assertTrue(err <= 1e-5, backend.name() + " c=" + c + " n=" + n + " err " + err + " seed " + seed);
            }
        }
    }
}
