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
     * Which kernel {@link #best} picks: {@code auto} (the default), {@code vector}, {@code sparse} or {@code
     * scalar}; for benchmarks and tests.
     */
    static final String KERNEL_PROPERTY = "keymem.novelty.kernel";

    /**
     * The fastest kernel in this JVM: Vector API lanes when jdk.incubator.vector is present, the CPU has 256-bit
     * vectors and C2 runs (only C2 turns the API's calls into vector instructions; interpreted or C1 code runs the
     * API's Java fallback, which allocates per lane operation and is many times slower than plain loops), else
     * {@link Sparse} (plain loops that skip the zero coordinates' work, which C1 compiles well). The system
     * property {@value #KERNEL_PROPERTY} ({@code vector}, {@code sparse}, {@code scalar}) overrides the choice.
     */
    static NoveltyKernel best(int c) {
        String pick = System.getProperty(KERNEL_PROPERTY, "auto");
        switch (pick) {
            case "scalar":
                return new Scalar(c);
            case "sparse":
                return new Sparse(c);
            case "vector":
                break;
            default:
                if (!c2Compiles()) {
                    return new Sparse(c);
                }
        }
        if (Backends.vectorApiAvailable()) {
            try {
                return (NoveltyKernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor(int.class).newInstance(c);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return new Sparse(c); // no Vector API, or vectors too narrow to gain
            }
        }
        return new Sparse(c);
    }

    /**
     * Whether this JVM's JIT includes C2 (HotSpot without -XX:TieredStopAtLevel below 4, -Xint or a C1-only
     * build); true where it cannot tell (another VM).
     */
    static boolean c2Compiles() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (vm == null) {
                return true;
            }
            if ("false".equals(vm.getVMOption("UseCompiler").getValue())) {
                return false; // -Xint
            }
            boolean tiered = !"false".equals(vm.getVMOption("TieredCompilation").getValue());
            return !tiered || Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
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

    /** The scalar kernel (plain Java loops): the fused form of the reference, every row the same way. */
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

    /**
     * The scalar kernel for C1 (or interpreted) code: plain loops, as {@link Scalar}, but a row of a zero
     * coordinate of x ({@code x[i] == 0}, most coordinates of a log line's hashed embedding) is only decayed and
     * flushed, in the first pass: its products with x are signed zeros, which leave p and u as they are (a sum that
     * starts at +0 never becomes -0), and its second-pass value {@code flush(t + 0 * u_j)} is {@code flush(t)}
     * while u is finite. Where such a row holds an infinity or NaN (its decayed values then do too), its products
     * (NaN) are added to p and u in the row's turn, from the decayed and flushed values, which give the same
     * products; where u is not finite, every row takes the second pass ({@code flush(flush(t) + 0 * u_j)} is
     * {@code flush(t + 0 * u_j)} for every t and u_j). Results are {@link Scalar}'s bit for bit.
     */
    static final class Sparse extends NoveltyKernel {
        private final boolean[] quiet;

        Sparse(int c) {
            super(c);
            this.quiet = new boolean[c];
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay) {
            int c = this.c;
            double[] p = this.p;
            float[] u = this.u;
            boolean[] quiet = this.quiet;
            java.util.Arrays.fill(p, 0);
            java.util.Arrays.fill(u, 0f);
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                int row = i * c;
                if (ki == 0f) {
                    quiet[i] = true;
                    float z = 0f;
                    for (int j = 0; j < c; j++) {
                        float t = s[row + j] * a;
                        z += t - t; // 0 for finite t, NaN once one is not
                        s[row + j] = Math.abs(t) < FLUSH ? 0f : t;
                    }
                    if (z != 0f) { // not finite: the zero products are NaN
                        double xi = ki;
                        for (int j = 0; j < c; j++) {
                            float t = s[row + j];
                            p[j] += (double) t * xi;
                            u[j] += t * ki;
                        }
                    }
                    continue;
                }
                quiet[i] = false;
                double xi = ki;
                for (int j = 0; j < c; j++) {
                    float sv = s[row + j];
                    p[j] += (double) sv * xi;
                    float t = sv * a;
                    s[row + j] = t;
                    u[j] += t * ki;
                }
            }
            float e = innovation(x, decay);
            boolean uFinite = true;
            for (int j = 0; j < c; j++) {
                float v = beta * (x[j] - u[j]);
                u[j] = v;
                uFinite &= v - v == 0f;
            }
            for (int i = 0; i < c; i++) {
                if (quiet[i] && uFinite) {
                    continue;
                }
                float ki = x[i];
                int row = i * c;
                for (int j = 0; j < c; j++) {
                    float v = s[row + j] + ki * u[j];
                    s[row + j] = Math.abs(v) < FLUSH ? 0f : v;
                }
            }
            return e;
        }
    }
}
