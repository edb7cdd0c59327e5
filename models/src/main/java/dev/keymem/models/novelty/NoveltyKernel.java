package dev.keymem.models.novelty;

import dev.keymem.models.backend.Backends;

/**
 * One item's step of the novelty memory's fading cell (gated delta rule, one head, k = v = x, d_c x d_c state
 * laid out [K][V]) together with the item's innovation, without the cell's read-out (the novelty memory does not
 * use it): in one pass over S, p = S^T x (double sums), then S = a S and u = S^T x (float sums); in a second,
 * u = beta (x - u) and S = S + x u^T, values below {@link #FLUSH} set to 0; e = ||x - decay p||. Every value is computed by the same operations, in
 * the same order, as {@link Novelty}'s reference (its innovation loop, then the cell's decay, delta write and
 * read-out, then the flush), so the state and e are bit for bit the reference's; only the loops are fused (and, where the
 * Vector API is present, run lane by lane, which changes no result: each lane does the scalar operations), and
 * {@link Sparse} skips operations whose results it knows (products with a zero coordinate, zeros decayed).
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
                return vector(c);
            default:
                return c2Compiles() ? vector(c) : new Sparse(c);
        }
    }

    /** The Vector API kernel, or {@link Sparse} where the API is absent or the vectors too narrow to gain. */
    private static NoveltyKernel vector(int c) {
        if (Backends.vectorApiAvailable()) {
            try {
                return (NoveltyKernel) Class.forName(VECTOR_CLASS).getDeclaredConstructor(int.class).newInstance(c);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return new Sparse(c);
            }
        }
        return new Sparse(c);
    }

    /**
     * Whether this JVM's JIT includes C2: false for HotSpot with -XX:TieredStopAtLevel below 4,
     * -XX:CompilationMode=quick-only or -Xint; true where it cannot tell (another VM). Asked once per JVM.
     */
    static boolean c2Compiles() {
        return Jit.C2;
    }

    private static final class Jit {
        static final boolean C2 = ask();

        private static boolean ask() {
            try {
                com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                        .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                if (vm == null) {
                    return true;
                }
                if ("false".equals(vm.getVMOption("UseCompiler").getValue())) {
                    return false; // -Xint
                }
                if ("false".equals(vm.getVMOption("TieredCompilation").getValue())) {
                    return true; // C2 alone
                }
                if (Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue()) < 4) {
                    return false;
                }
                try {
                    return !"quick-only".equals(vm.getVMOption("CompilationMode").getValue());
                } catch (IllegalArgumentException e) {
                    return true; // no such option in this VM
                }
            } catch (RuntimeException | LinkageError e) {
                return true;
            }
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

    /**
     * The first pass over row {@code row} of s (the row of coordinate x_i = {@code ki}), columns {@code [lo, hi)}:
     * p_j += s_ij x_i (double), s_ij = a s_ij, u_j += s_ij x_i (float), each in the reference's order.
     */
    static void decayRow(float[] s, int row, int lo, int hi, float ki, float a, double[] p, float[] u) {
        double xi = ki;
        for (int j = lo; j < hi; j++) {
            float sv = s[row + j];
            p[j] += (double) sv * xi;
            float t = sv * a;
            s[row + j] = t;
            u[j] += t * ki;
        }
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
                decayRow(s, i * c, 0, c, x[i], a, p, u);
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
     * The scalar kernel for C1 (or interpreted) code, {@link Scalar}'s results bit for bit, in plain loops (no
     * Vector API: only C2 makes vector instructions of it) and with less work:
     * <ul>
     *   <li>a row of a zero coordinate of x ({@code x[i] == 0}, most coordinates of a log line's hashed
     *       embedding) is only decayed and flushed, in the first pass (while |a| &lt;= 1, as a decay is: else
     *       every row takes the full operations): its products with x are signed zeros, which
     *       leave p and u as they are (a sum that starts at +0 never becomes -0), and its second-pass value
     *       {@code flush(t + 0 * u_j)} is {@code flush(t)} while u is finite. Where such a row holds an infinity
     *       or NaN (its decayed values then do too, and only then: |a| &lt;= 1), its products (NaN) are added to p and u in the row's turn,
     *       from the decayed and flushed values, which give the same products; where u is not finite, every row
     *       takes the second pass ({@code flush(flush(t) + 0 * u_j)} is {@code flush(t + 0 * u_j)} for every t
     *       and u_j);</li>
     *   <li>in such a row, the leading and trailing +0 values are skipped ({@code flush(+0 * a)} is +0), and so
     *       are they in the other rows' passes (a +0 adds +-0 to p and u, and {@code flush(+0 * a + x_i * u_j)} is
     *       +0 where u_j is +-0; x_i finite): a source's items seldom touch every coordinate, so whole rows and
     *       columns of the cell stay 0;</li>
     *   <li>the flush and the finiteness test work on the float's bits, without a branch or a float compare
     *       (C1 compiles {@code Math.abs(v) < FLUSH ? 0 : v} to code three times slower).</li>
     * </ul>
     */
    static final class Sparse extends NoveltyKernel {
        /** {@link #FLUSH}'s bits: for v not NaN, |v| &lt; FLUSH iff {@code (bits(v) & 0x7fffffff) < FLUSH_BITS}. */
        private static final int FLUSH_BITS = Float.floatToRawIntBits(FLUSH);

        private final boolean[] quiet;

        Sparse(int c) {
            super(c);
            this.quiet = new boolean[c];
        }

        /**
         * {@link #flush} on the bits, without a branch or a float compare (which C1 compiles to slow code): the
         * mask is all ones where |v| &lt; FLUSH (then +0 results: -0 and tiny values of either sign included),
         * else 0 (v kept as it is, NaN and its payload included).
         */
        private static int flushBits(int b) {
            return b & ~(((b & 0x7fffffff) - FLUSH_BITS) >> 31);
        }

        /** Negative iff the exponent of {@code b} is all ones (an infinity or NaN). */
        private static int nonFinite(int b) {
            return (b & 0x7f800000) + 0x00800000;
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay) {
            int c = this.c;
            double[] p = this.p;
            float[] u = this.u;
            boolean[] quiet = this.quiet;
            java.util.Arrays.fill(p, 0);
            java.util.Arrays.fill(u, 0f);
            boolean aSafe = Math.abs(a) <= 1f; // (NaN: false) a finite value times a stays finite; +0 * a is +-0
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                int row = i * c;
                if (ki == 0f && aSafe) {
                    quiet[i] = true;
                    int bad = 0;
                    int k = row;
                    int end = row + c;
                    // +0 * a is +0 or -0, flushed to +0: a row's leading and trailing +0s stay as they are
                    while (k < end && Float.floatToRawIntBits(s[k]) == 0) {
                        k++;
                    }
                    while (end > k && Float.floatToRawIntBits(s[end - 1]) == 0) {
                        end--;
                    }
                    for (int end4 = end - 3; k < end4; k += 4) { // unrolled: C1 does not
                        int b0 = Float.floatToRawIntBits(s[k] * a);
                        int b1 = Float.floatToRawIntBits(s[k + 1] * a);
                        int b2 = Float.floatToRawIntBits(s[k + 2] * a);
                        int b3 = Float.floatToRawIntBits(s[k + 3] * a);
                        bad |= nonFinite(b0) | nonFinite(b1) | nonFinite(b2) | nonFinite(b3);
                        s[k] = Float.intBitsToFloat(flushBits(b0));
                        s[k + 1] = Float.intBitsToFloat(flushBits(b1));
                        s[k + 2] = Float.intBitsToFloat(flushBits(b2));
                        s[k + 3] = Float.intBitsToFloat(flushBits(b3));
                    }
                    for (; k < end; k++) {
                        int b0 = Float.floatToRawIntBits(s[k] * a);
                        bad |= nonFinite(b0);
                        s[k] = Float.intBitsToFloat(flushBits(b0));
                    }
                    if (bad < 0) { // not finite: the zero products are NaN
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
                int lo = 0;
                int hi = c;
                if (aSafe && ki - ki == 0f) { // a +0 adds +-0 to p and u, decays to +-0, flushed to +0 later
                    while (lo < hi && Float.floatToRawIntBits(s[row + lo]) == 0) {
                        lo++;
                    }
                    while (hi > lo && Float.floatToRawIntBits(s[row + hi - 1]) == 0) {
                        hi--;
                    }
                }
                decayRow(s, row, lo, hi, ki, a, p, u);
            }
            float e = innovation(x, decay);
            boolean uFinite = true;
            int ulo = c; // u_j is +-0 outside [ulo, uhi)
            int uhi = 0;
            for (int j = 0; j < c; j++) {
                float v = beta * (x[j] - u[j]);
                u[j] = v;
                uFinite &= v - v == 0f;
                if ((Float.floatToRawIntBits(v) & 0x7fffffff) != 0) {
                    ulo = Math.min(ulo, j);
                    uhi = j + 1;
                }
            }
            for (int i = 0; i < c; i++) {
                if (quiet[i] && uFinite) {
                    continue;
                }
                float ki = x[i];
                int row = i * c;
                // flush(+0 + ki * +-0) is +0 (ki finite): a +0 where u_j is +-0 stays as it is
                int lo = 0;
                int hi = c;
                if (ki - ki == 0f) {
                    while (lo < ulo && Float.floatToRawIntBits(s[row + lo]) == 0) {
                        lo++;
                    }
                    while (hi > Math.max(uhi, lo) && Float.floatToRawIntBits(s[row + hi - 1]) == 0) {
                        hi--;
                    }
                }
                for (int j = lo; j < hi; j++) {
                    s[row + j] = Float.intBitsToFloat(flushBits(Float.floatToRawIntBits(s[row + j] + ki * u[j])));
                }
            }
            return e;
        }
    }
}
