package dev.keymem.models.novelty;

import dev.keymem.models.backend.Backends;

/**
 * One item's step of the novelty memory's fading cell (gated delta rule, one head, k = v = x, d_c x d_c state
 * laid out [K][V]) together with the item's innovation, without the cell's read-out (the novelty memory does not
 * use it): in one pass over S, p = S^T x (double sums), then S = a S and u = S^T x (float sums); in a second,
 * u = beta (x - u) and S = S + x u^T, values below {@link #FLUSH} set to 0; e = ||x - decay p||. Every value is computed by the same operations, in
 * the same order, as {@link Novelty}'s reference (its innovation loop, then the cell's decay, delta write and
 * read-out, then the flush), so the state and e are bit for bit the reference's; only the loops are fused (and, where the
 * Vector API is present, run lane by lane, which changes no result: each lane does the scalar operations).
 * One instance per thread (scratch buffers).
 */
abstract class NoveltyKernel {
    private static final String VECTOR_CLASS = "dev.keymem.models.novelty.VectorNoveltyKernel";

    /**
     * The fastest kernel in this JVM: Vector API lanes when jdk.incubator.vector is present and the CPU has
     * 256-bit vectors, else scalar.
     */
    static NoveltyKernel best(int c) {
        if (Backends.vectorApiAvailable()) {
            try {
                return (NoveltyKernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor(int.class).newInstance(c);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return new Scalar(c); // no Vector API, or vectors too narrow to gain
            }
        }
        return new Scalar(c);
    }

    final int c;
    final double[] p;
    final float[] u;

    NoveltyKernel(int c) {
        this.c = c;
        this.p = new double[c];
        this.u = new float[c];
    }

    /**
     * Advances {@code s} (c x c) by item {@code x} (c floats) with decay factor {@code a} (float, as the cell
     * applies it) and write strength {@code beta}; returns the innovation ||x - decay S^T x|| of the state before.
     */
    abstract float step(float[] s, float[] x, float a, float beta, double decay);

    /**
     * Cell values below this magnitude are set to 0 after each step. Without it, entries of coordinates a key's
     * items seldom touch decay towards 0 through the tiny and subnormal range, where the CPU's multiplies take
     * a slow path (measured: 20-30 us a step on a log source's items instead of 4 us); a value under 1e-30 changes
     * innovations by less than 1e-29 (far below a float's resolution at the threshold's scale).
     */
    static final float FLUSH = 1e-30f;

    static float flush(float v) {
        return Math.abs(v) < FLUSH ? 0f : v;
    }

    /** e from p: sqrt(sum_j (x_j - decay p_j)^2), in double, j ascending. */
    final float innovation(float[] x, double decay) {
        double sq = 0;
        for (int j = 0; j < c; j++) {
            double r = x[j] - decay * p[j];
            sq += r * r;
        }
        return (float) Math.sqrt(sq);
    }

    /** The scalar kernel (plain Java loops). */
    static final class Scalar extends NoveltyKernel {
        Scalar(int c) {
            super(c);
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay) {
            double[] p = this.p;
            float[] u = this.u;
            java.util.Arrays.fill(p, 0);
            java.util.Arrays.fill(u, 0f);
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                double xi = ki;
                int row = i * c;
                for (int j = 0; j < c; j++) {
                    float sv = s[row + j];
                    p[j] += (double) sv * xi;
                    float t = sv * a;
                    s[row + j] = t;
                    u[j] += t * ki;
                }
            }
            float e = innovation(x, decay);
            for (int j = 0; j < c; j++) {
                u[j] = beta * (x[j] - u[j]);
            }
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                int row = i * c;
                for (int j = 0; j < c; j++) {
                    s[row + j] = flush(s[row + j] + ki * u[j]);
                }
            }
            return e;
        }
    }
}
