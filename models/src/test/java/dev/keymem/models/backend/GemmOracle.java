package dev.keymem.models.backend;

import java.util.SplittableRandom;

/** Test helpers: random gemm problems and a float64 oracle for C = alpha op(A) op(B) + beta C. */
public final class GemmOracle {

    private GemmOracle() {
    }

    /** One random problem: row-major operands with offsets and padded leading dimensions. */
    public record Problem(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        public double[] expected() {
            double[] out = new double[c.length];
            for (int i = 0; i < c.length; i++) {
                out[i] = c[i];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        double bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        s += av * bv;
                    }
                    int ci = cOff + i * ldc + j;
                    out[ci] = beta == 0f ? alpha * s : alpha * s + beta * (double) c[ci];
                }
            }
            return out;
        }

        /** Runs the backend on a copy of C and returns it. */
        public float[] run(TensorBackend backend) {
            float[] cc = c.clone();
            backend.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, cc, cOff, ldc);
            return cc;
        }

        @Override
        public String toString() {
            return "gemm(transA=" + transA + ", transB=" + transB + ", m=" + m + ", n=" + n + ", k=" + k
                    + ", alpha=" + alpha + ", beta=" + beta + ", offsets " + aOff + "/" + bOff + "/" + cOff
                    + ", ld " + lda + "/" + ldb + "/" + ldc + ")";
        }
    }

    public static Problem random(SplittableRandom r, boolean transA, boolean transB, int m, int n, int k,
                          float alpha, float beta) {
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = Math.max(1, aCols) + (r.nextBoolean() ? 0 : r.nextInt(5));
        int ldb = Math.max(1, bCols) + (r.nextBoolean() ? 0 : r.nextInt(5));
        int ldc = Math.max(1, n) + (r.nextBoolean() ? 0 : r.nextInt(5));
        int aOff = r.nextInt(4);
        int bOff = r.nextInt(4);
        int cOff = r.nextInt(4);
        float[] a = gaussian(r, aOff + aRows * lda + 3);
        float[] b = gaussian(r, bOff + bRows * ldb + 3);
        float[] c = gaussian(r, cOff + m * ldc + 3);
        if (beta == 0f) {
            // beta == 0 must ignore C's old contents, NaN included.
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    if (r.nextInt(3) == 0) {
                        c[cOff + i * ldc + j] = Float.NaN;
                    }
                }
            }
        }
        return new Problem(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    public static float[] gaussian(SplittableRandom r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * Max over C's elements of |actual - expected| / (1 + scale), where scale is the largest |C| in
     * the expected result; untouched elements (padding, outside C) must be bit-identical.
     */
    public static double error(Problem p, float[] actual, double[] expected) {
        double maxRef = 0;
        for (double e : expected) {
            maxRef = Math.max(maxRef, Math.abs(e));
        }
        double maxErr = 0;
        for (int idx = 0; idx < expected.length; idx++) {
            int rel = idx - p.cOff();
            boolean inside = rel >= 0 && rel / p.ldc() < p.m() && rel % p.ldc() < p.n();
            if (inside) {
                double d = Math.abs(actual[idx] - expected[idx]);
                maxErr = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(maxErr, d);
            } else if (Float.floatToRawIntBits(actual[idx]) != Float.floatToRawIntBits(p.c()[idx])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return maxErr / Math.max(1.0, maxRef);
    }
}
