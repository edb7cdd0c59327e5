package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.testing.DeepFloat64Reference;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The analytic gradient of ||M(k) - v||^2 (used by the float64 oracle) against central differences. */
class DeepGradientTest {

    private static double[][] gaussian(SplittableRandom r, int rows, int cols, double std) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = std * r.nextGaussian();
            }
        }
        return m;
    }

    @Test
    void analyticGradientMatchesCentralDifferences() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 3; trial++) {
            int K = 5 + trial;
            int D = 7 + 2 * trial;
            double[][] w2 = gaussian(r, D, K, 0.8);
            double[][] w1 = gaussian(r, K, D, 0.8);
            double[] k = gaussian(r, 1, K, 1.0)[0];
            double[] v = gaussian(r, 1, K, 1.0)[0];
            DeepFloat64Reference.Gradient g = DeepFloat64Reference.gradient(w2, w1, k, v);
            double eps = 1e-6;
            double maxErr = 0;
            double maxVal = 0;
            for (int which = 0; which < 2; which++) {
                double[][] w = which == 0 ? w2 : w1;
                double[][] an = which == 0 ? g.dW2() : g.dW1();
                for (int i = 0; i < w.length; i++) {
                    for (int j = 0; j < w[i].length; j++) {
                        double keep = w[i][j];
                        w[i][j] = keep + eps;
                        double up = DeepFloat64Reference.loss(w2, w1, k, v);
                        w[i][j] = keep - eps;
                        double down = DeepFloat64Reference.loss(w2, w1, k, v);
                        w[i][j] = keep;
                        double fd = (up - down) / (2 * eps);
                        maxErr = Math.max(maxErr, Math.abs(fd - an[i][j]));
                        maxVal = Math.max(maxVal, Math.abs(an[i][j]));
                    }
                }
            }
            assertTrue(maxVal > 1e-2, "gradient unexpectedly tiny: " + maxVal);
            assertTrue(maxErr / maxVal < 1e-6, "trial " + trial + ": relative error " + maxErr / maxVal);
        }
    }

    @Test
    void siluDerivativeMatchesCentralDifferences() {
        for (double h = -6; h <= 6; h += 0.37) {
            double fd = (DeepFloat64Reference.silu(h + 1e-6) - DeepFloat64Reference.silu(h - 1e-6)) / 2e-6;
            assertTrue(Math.abs(fd - DeepFloat64Reference.siluPrime(h)) < 1e-8, "h=" + h);
            // the float activation of the production cells agrees with the float64 one
            assertTrue(Math.abs(DeepMath.act((float) h) - DeepFloat64Reference.silu(h)) < 1e-5, "act h=" + h);
            assertTrue(Math.abs(DeepMath.actPrime((float) h) - DeepFloat64Reference.siluPrime(h)) < 1e-5,
                    "act' h=" + h);
        }
    }
}
