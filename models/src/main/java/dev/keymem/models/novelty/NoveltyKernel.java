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
     * Which kernel {@link #best} picks: {@code auto} (the default), {@code vector}, {@code packed}, {@code sparse}
     * or {@code scalar}; for benchmarks and tests.
     */
    static final String KERNEL_PROPERTY = "keymem.novelty.kernel";

    /**
     * The fastest kernel in this JVM: Vector API lanes when jdk.incubator.vector is present, the CPU has 256-bit
     * vectors and C2 runs (only C2 turns the API's calls into vector instructions; interpreted or C1 code runs the
     * API's Java fallback, which allocates per lane operation and is many times slower than plain loops), else
     * {@link Packed} (plain loops over the key's active coordinates only, which C1 compiles well). The system
     * property {@value #KERNEL_PROPERTY} ({@code vector}, {@code packed}, {@code sparse}, {@code scalar})
     * overrides the choice.
     */
    static NoveltyKernel best(int c) {
        String pick = System.getProperty(KERNEL_PROPERTY, "auto");
        switch (pick) {
            case "scalar":
                return new Scalar(c);
            case "sparse":
                return new Sparse(c);
            case "packed":
                return new Packed(c);
            case "vector":
                return vector(c);
            default:
                return c2Compiles() ? vector(c) : new Packed(c);
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

    /** Whether this kernel steps {@link PackedCell packed cells} ({@link Packed}). */
    boolean packs() {
        return false;
    }

    /** Whether {@link #step(float[], float[], float, float, double, DeferredDecay)} defers decays. */
    boolean defers() {
        return false;
    }

    /**
     * {@link #step} of a state whose rows may owe decays ({@code owed}, the state's; null: none): the same
     * results. This kernel applies them first; {@link Sparse} applies a row's only when the step reads the row,
     * and defers the decays of the rows of zero coordinates that hold finite values.
     */
    float step(float[] s, float[] x, float a, float beta, double decay, DeferredDecay owed) {
        if (owed != null) {
            owed.settle(s);
        }
        return step(s, x, a, beta, decay);
    }

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
     *       (C1 compiles {@code Math.abs(v) < FLUSH ? 0 : v} to code three times slower);</li>
     *   <li>the rows of nonzero coordinates go through each pass four at a time (one loop over the union of their
     *       column ranges: p_j and u_j read and written once per four rows, each row's terms added in row
     *       order as before);</li>
     *   <li>given the state's {@link DeferredDecay}, a row of a zero coordinate that holds finite values only is
     *       not decayed at all: its decays wait until a step reads the row or a reader settles the state (the
     *       same products in the same order then), so rows that stay silent for long cost nothing per step.</li>
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
         * {@link #flush} of the float of bits {@code b} ({@link DeferredDecay#flushed} on the bits): an int compare of
         * the bits and a branch (see there).
         */
        private static float flushed(int b) {
            return (b & 0x7fffffff) < FLUSH_BITS ? 0f : Float.intBitsToFloat(b);
        }

        /** Negative iff the exponent of {@code b} is all ones (an infinity or NaN). */
        private static int nonFinite(int b) {
            return (b & 0x7f800000) + 0x00800000;
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay) {
            return step(s, x, a, beta, decay, null);
        }

        @Override
        boolean defers() {
            return true;
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay, DeferredDecay owed) {
            int c = this.c;
            double[] p = this.p;
            float[] u = this.u;
            boolean[] quiet = this.quiet;
            int[] rows = this.rows;
            int[] due = null;
            boolean[] clean = null;
            if (owed != null) {
                if (owed.c != c) {
                    throw new IllegalArgumentException("deferred decays of " + owed.c + " rows, cell of " + c);
                }
                if (Float.floatToRawIntBits(a) != Float.floatToRawIntBits(owed.factor) && owed.owing()) {
                    owed.settle(s);
                }
                owed.factor = a;
                due = owed.due;
                clean = owed.clean;
            }
            int[] los = this.los;
            int[] his = this.his;
            java.util.Arrays.fill(p, 0);
            java.util.Arrays.fill(u, 0f);
            boolean aSafe = Math.abs(a) <= 1f; // (NaN: false) a finite value times a stays finite; +0 * a is +-0
            // +0 * a is +0 (not -0): a trimmed row's +0s may then go through a block's loop as no-ops
            boolean grouped = aSafe && Float.floatToRawIntBits(a) >= 0;
            int held = 0; // active rows whose first pass waits in rows/los/his, in row order
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                int row = i * c;
                if (ki == 0f && aSafe) {
                    quiet[i] = true;
                    if (clean != null && clean[i]) { // finite values: nothing in this step reads them
                        if (++due[i] == DeferredDecay.LIMIT) {
                            DeferredDecay.catchUp(s, row, c, due[i], a);
                            due[i] = 0;
                        }
                        continue;
                    }
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
                        s[k] = flushed(b0);
                        s[k + 1] = flushed(b1);
                        s[k + 2] = flushed(b2);
                        s[k + 3] = flushed(b3);
                    }
                    for (; k < end; k++) {
                        int b0 = Float.floatToRawIntBits(s[k] * a);
                        bad |= nonFinite(b0);
                        s[k] = flushed(b0);
                    }
                    if (bad < 0) { // not finite: the zero products are NaN, added in this row's turn
                        decayHeld(s, x, a, held);
                        held = 0;
                        double xi = ki;
                        for (int j = 0; j < c; j++) {
                            float t = s[row + j];
                            p[j] += (double) t * xi;
                            u[j] += t * ki;
                        }
                    } else if (clean != null) {
                        clean[i] = true;
                    }
                    continue;
                }
                quiet[i] = false;
                if (due != null && due[i] > 0) {
                    DeferredDecay.catchUp(s, row, c, due[i], owed.factor);
                    due[i] = 0;
                }
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
                if (!grouped) {
                    decayRow(s, row, lo, hi, ki, a, p, u);
                    continue;
                }
                rows[held] = i;
                los[held] = lo;
                his[held] = hi;
                if (++held == GROUP) {
                    decayHeld(s, x, a, held);
                    held = 0;
                }
            }
            decayHeld(s, x, a, held);
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
            held = 0;
            for (int i = 0; i < c; i++) {
                if (quiet[i] && uFinite) {
                    continue;
                }
                float ki = x[i];
                int row = i * c;
                if (due != null && due[i] > 0) { // a deferred row, written where u is not finite
                    DeferredDecay.catchUp(s, row, c, due[i], a);
                    due[i] = 0;
                }
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
                rows[held] = i;
                los[held] = lo;
                his[held] = hi;
                if (++held == GROUP) {
                    writeHeld(s, x, held, clean);
                    held = 0;
                }
            }
            writeHeld(s, x, held, clean);
            return e;
        }

        /** Rows handled together in one loop over the columns (p_j and u_j read and written once per group). */
        private static final int GROUP = 4;

        private final int[] rows = new int[GROUP];
        private final int[] los = new int[GROUP];
        private final int[] his = new int[GROUP];

        /**
         * The first pass ({@link #decayRow}) of the {@code n} held rows, in their order, over the union of their
         * column ranges: p_j and u_j take each row's terms in row order, as row by row; a held row's columns
         * outside its own range hold +0 (trimmed, x_i finite, a +0 or positive), whose terms are +-0 (p_j and u_j
         * never are -0: they start at +0, and a sum is -0 only when both terms are) and whose decayed value is +0.
         */
        private void decayHeld(float[] s, float[] x, float a, int n) {
            double[] p = this.p;
            float[] u = this.u;
            int[] rows = this.rows;
            int c = this.c;
            int k = 0;
            for (; k + 4 <= n; k += 4) {
                int lo = Math.min(Math.min(los[k], los[k + 1]), Math.min(los[k + 2], los[k + 3]));
                int hi = Math.max(Math.max(his[k], his[k + 1]), Math.max(his[k + 2], his[k + 3]));
                int r0 = rows[k] * c;
                int r1 = rows[k + 1] * c;
                int r2 = rows[k + 2] * c;
                int r3 = rows[k + 3] * c;
                float k0 = x[rows[k]];
                float k1 = x[rows[k + 1]];
                float k2 = x[rows[k + 2]];
                float k3 = x[rows[k + 3]];
                double x0 = k0;
                double x1 = k1;
                double x2 = k2;
                double x3 = k3;
                for (int j = lo; j < hi; j++) {
                    float s0 = s[r0 + j];
                    float s1 = s[r1 + j];
                    float s2 = s[r2 + j];
                    float s3 = s[r3 + j];
                    p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2 + (double) s3 * x3;
                    float t0 = s0 * a;
                    float t1 = s1 * a;
                    float t2 = s2 * a;
                    float t3 = s3 * a;
                    s[r0 + j] = t0;
                    s[r1 + j] = t1;
                    s[r2 + j] = t2;
                    s[r3 + j] = t3;
                    u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
                }
            }
            for (; k < n; k++) {
                decayRow(s, rows[k] * c, los[k], his[k], x[rows[k]], a, p, u);
            }
        }

        /**
         * The second pass of the {@code n} held rows over the union of their column ranges: s_ij = flush(s_ij +
         * x_i u_j), each value on its own; a held row's columns outside its own range hold +0 where u_j is +-0
         * and x_i finite, whose new value is +0.
         */
        private void writeHeld(float[] s, float[] x, int n, boolean[] clean) {
            float[] u = this.u;
            int[] rows = this.rows;
            int c = this.c;
            int k = 0;
            for (; k + 4 <= n; k += 4) {
                int lo = Math.min(Math.min(los[k], los[k + 1]), Math.min(los[k + 2], los[k + 3]));
                int hi = Math.max(Math.max(his[k], his[k + 1]), Math.max(his[k + 2], his[k + 3]));
                int r0 = rows[k] * c;
                int r1 = rows[k + 1] * c;
                int r2 = rows[k + 2] * c;
                int r3 = rows[k + 3] * c;
                float k0 = x[rows[k]];
                float k1 = x[rows[k + 1]];
                float k2 = x[rows[k + 2]];
                float k3 = x[rows[k + 3]];
                // sums of the new values: finite only if every value is (an infinity or NaN makes the sum one)
                float f0 = 0f;
                float f1 = 0f;
                float f2 = 0f;
                float f3 = 0f;
                for (int j = lo; j < hi; j++) {
                    float uj = u[j];
                    float v0 = DeferredDecay.flushed(s[r0 + j] + k0 * uj);
                    float v1 = DeferredDecay.flushed(s[r1 + j] + k1 * uj);
                    float v2 = DeferredDecay.flushed(s[r2 + j] + k2 * uj);
                    float v3 = DeferredDecay.flushed(s[r3 + j] + k3 * uj);
                    s[r0 + j] = v0;
                    s[r1 + j] = v1;
                    s[r2 + j] = v2;
                    s[r3 + j] = v3;
                    f0 += v0;
                    f1 += v1;
                    f2 += v2;
                    f3 += v3;
                }
                if (clean != null) { // values outside [lo, hi) are +0
                    clean[rows[k]] = f0 - f0 == 0f;
                    clean[rows[k + 1]] = f1 - f1 == 0f;
                    clean[rows[k + 2]] = f2 - f2 == 0f;
                    clean[rows[k + 3]] = f3 - f3 == 0f;
                }
            }
            for (; k < n; k++) {
                int row = rows[k] * c;
                float ki = x[rows[k]];
                float f = 0f;
                for (int j = los[k], hi = his[k]; j < hi; j++) {
                    float v = DeferredDecay.flushed(s[row + j] + ki * u[j]);
                    s[row + j] = v;
                    f += v;
                }
                if (clean != null) {
                    clean[rows[k]] = f - f == 0f;
                }
            }
        }
    }

    /**
     * The kernel of {@link PackedCell packed cells} for C1 (or interpreted) code: {@link Scalar}'s results bit for
     * bit, with work only where a value can change. For a packed cell (finite values, nonzero only on its m active
     * coordinates' rows and columns) and a finite x of k nonzero coordinates (all made active first):
     * <ul>
     *   <li>the first pass runs over the rows of x's nonzero coordinates that were active before this item, in
     *       coordinate order, and the columns active before it: every other row's products with x_i are signed
     *       zeros and every other column holds +0, which leave p and u as they are (a sum that starts at +0 never
     *       becomes -0) and decay to +0; the rows go four at a time (p_j and u_j read and written once per four
     *       rows, each row's terms added in row order), the last one to three rows together;</li>
     *   <li>the innovation adds the active coordinates' terms in coordinate order (an inactive j has x_j = 0 and
     *       p_j = +0: its term is +0), in the loop that makes u = beta (x - u) (each u_j on its own, so any order);</li>
     *   <li>the second pass writes the rows of x's nonzero coordinates over the active columns (u_j is +0 on an
     *       inactive column: the +0 there stays), without the flush's test where the smallest |x_i| and |u_j|
     *       prove it changes no value ({@link #writeNeedsNoFlush}); the other rows of active coordinates are only
     *       decayed and flushed by the step, which {@link PackedCell} defers to the next step that touches them or to a
     *       reader (as {@link DeferredDecay});</li>
     *   <li>where u is not finite (values near the float's range), the step ends on the canonical layout as
     *       {@link Scalar} does (every row written); where a written row is not finite the cell is unpacked
     *       after the step. {@link #unpacked} then says the caller must drop the packed cell.</li>
     * </ul>
     * Any other cell or item goes to {@link Sparse} (the canonical layout with deferred decays).
     */
    static final class Packed extends NoveltyKernel {
        private final Sparse general;
        /** Compact rows of the item's nonzero coordinates, in their order. */
        private final int[] rowOf;
        /** {@link #decayOld}'s rows (offsets in the cell) and their coordinates of x, in coordinate order. */
        private final int[] oldRows;
        private final float[] oldKs;
        /** Whether the last packed step left the cell in its canonical layout (the packed cell is spent). */
        boolean unpacked;

        Packed(int c) {
            super(c);
            this.general = new Sparse(c);
            this.rowOf = new int[c];
            this.oldRows = new int[c];
            this.oldKs = new float[c];
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay) {
            return general.step(s, x, a, beta, decay);
        }

        @Override
        boolean defers() {
            return true;
        }

        @Override
        float step(float[] s, float[] x, float a, float beta, double decay, DeferredDecay owed) {
            return general.step(s, x, a, beta, decay, owed);
        }

        @Override
        boolean packs() {
            return true;
        }

        /**
         * Advances packed cell {@code pc} (its values in {@link PackedCell#vals}, row stride {@link
         * PackedCell#stride}) by item {@code x} (c finite floats) whose nonzero coordinates are {@code nz[0..k)},
         * ascending, with {@code pc}'s decay factor (in (0, 1]) and write strength {@code beta}; returns the
         * innovation of the state before, as {@link Scalar#step}.
         */
        float step(PackedCell pc, float[] x, int[] nz, int k, float beta, double decay) {
            float a = pc.factor;
            int old = pc.m;
            int[] slot = pc.slot;
            int[] rowOf = this.rowOf;
            unpacked = false;
            long now = pc.steps;
            long[] stamp = pc.stamp;
            int xmaxBits = 0; // the largest |x_i|'s bits (a non-negative float's bits order as the floats)
            int xminBits = 0x7fffffff; // the smallest |x_i|'s bits (a NaN's while k = 0)
            for (int t = 0; t < k; t++) {
                int xb = Float.floatToRawIntBits(x[nz[t]]) & 0x7fffffff;
                xmaxBits = xb > xmaxBits ? xb : xmaxBits; // an int select (C1's conditional-expression elimination
                // can make it a conditional move; not checked in the assembly)
                xminBits = xb < xminBits ? xb : xminBits;
                int r = slot[nz[t]];
                if (r < 0) {
                    r = pc.activate(nz[t]);
                } else if (stamp[r] != now) { // decays wait
                    pc.catchUp(r);
                }
                stamp[r] = now + 1; // this step's decay is applied below
                rowOf[t] = r;
            }
            int m = pc.m;
            float[] s = pc.vals; // (after the activations, which may move the block)
            int w = pc.stride;
            double[] p = this.p;
            float[] u = this.u;
            for (int q = 0; q < m; q++) {
                p[q] = 0;
                u[q] = 0f;
            }
            if (old > 0) {
                decayOld(s, w, x, nz, k, a, old);
            }
            // the innovation's terms in coordinate order and, in the same loop (each u_j on its own), u = beta (x - u)
            double sq = 0;
            int[] ascending = pc.ascending;
            int umaxBits = 0; // the largest |u_j|'s bits; an infinity's or NaN's are 0x7f800000 or more
            int uminBits = 0x7fffffff; // the smallest |u_j|'s bits (a NaN's while m = 0)
            for (int t = 0; t < m; t++) {
                int j = ascending[t];
                int q = slot[j];
                float xj = x[j];
                double r = xj - decay * p[q];
                sq += r * r;
                float v = beta * (xj - u[q]);
                u[q] = v;
                int ub = Float.floatToRawIntBits(v) & 0x7fffffff;
                umaxBits = ub > umaxBits ? ub : umaxBits; // an int select, as xmaxBits
                uminBits = ub < uminBits ? ub : uminBits;
            }
            float e = (float) Math.sqrt(sq);
            if (umaxBits >= 0x7f800000) { // u is not finite
                writeEveryRow(pc, x, a);
                return e;
            }
            // |s + x_i u_j| <= bound + max |x_i| * max |u_j| (with room for the rounding): far below the float's
            // range, every new value is finite without a test
            float xu = Float.intBitsToFloat(xmaxBits) * Float.intBitsToFloat(umaxBits) * 1.001f;
            float grown = (pc.bound + xu) * 1.001f;
            if (grown >= 1e36f && pc.steps - pc.measuredAt >= PackedCell.REMEASURE_STEPS) {
                // the bound grows by 1.001 a step whatever the values do (some 80,000 steps reach 1e36): measure the
                // values again (decays have kept them small), at most once every REMEASURE_STEPS steps
                pc.measuredAt = pc.steps;
                grown = (pc.measure() + xu) * 1.001f;
            }
            pc.bound = grown;
            if (grown < 1e36f) {
                if (writeNeedsNoFlush(Float.intBitsToFloat(xminBits), Float.intBitsToFloat(uminBits))) {
                    writeRowsUnflushed(s, w, x, nz, k, m);
                } else {
                    writeRows(s, w, x, nz, k, m);
                }
                pc.steps = now + 1;
                return e;
            }
            boolean finite = true;
            int t = 0;
            for (; t + 4 <= k; t += 4) {
                int r0 = rowOf[t] * w;
                int r1 = rowOf[t + 1] * w;
                int r2 = rowOf[t + 2] * w;
                int r3 = rowOf[t + 3] * w;
                float k0 = x[nz[t]];
                float k1 = x[nz[t + 1]];
                float k2 = x[nz[t + 2]];
                float k3 = x[nz[t + 3]];
                // sums of the new values: finite only if every value is (an infinity or NaN makes the sum one)
                float f = 0f;
                for (int q = 0; q < m; q++) {
                    float uq = u[q];
                    float v0 = DeferredDecay.flushed(s[r0 + q] + k0 * uq);
                    float v1 = DeferredDecay.flushed(s[r1 + q] + k1 * uq);
                    float v2 = DeferredDecay.flushed(s[r2 + q] + k2 * uq);
                    float v3 = DeferredDecay.flushed(s[r3 + q] + k3 * uq);
                    s[r0 + q] = v0;
                    s[r1 + q] = v1;
                    s[r2 + q] = v2;
                    s[r3 + q] = v3;
                    f += (v0 + v1) + (v2 + v3);
                }
                finite &= f - f == 0f; // (a sum that overflows unpacks a finite cell: the same values)
            }
            for (; t < k; t++) {
                int row = rowOf[t] * w;
                float ki = x[nz[t]];
                float f = 0f;
                for (int q = 0; q < m; q++) {
                    float v = DeferredDecay.flushed(s[row + q] + ki * u[q]);
                    s[row + q] = v;
                    f += v;
                }
                finite &= f - f == 0f;
            }
            pc.steps = now + 1;
            if (!finite) { // a packed cell holds finite values only
                pc.unpack();
                unpacked = true;
            }
            return e;
        }

        /**
         * The smallest float product {@code min_i |x_i| * min_j |u_j|} for which a write {@code s_ij + x_i u_j} of a finite
         * s_ij is never changed by the flush: 2^-70 (see {@link #writeNeedsNoFlush}).
         */
        static final float NO_FLUSH_WRITE = 0x1p-70f;

        /**
         * Whether the flush of the second pass, {@code flush(s + w)} with {@code w = x_i * u_j} (floats, rounded), is
         * the identity on every value of a step whose smallest nonzero |x_i| is {@code xmin} and smallest |u_j| (of
         * the active columns) is {@code umin}, for every finite s: true when the float product {@code xmin * umin}
         * is at least {@link #NO_FLUSH_WRITE} = 2^-70 (false for a NaN: no x_i or u_j). Then every |w| &gt;= 2^-70
         * (rounding is monotone: |x_i * u_j| rounded is at least xmin * umin rounded), and for any finite s:
         * where |s| &gt;= 2^-71, s and w are both multiples of 2^-94 (a float of magnitude at least 2^-71 is a
         * multiple of its ulp, at least 2^-94), so their exact sum is 0 or at least 2^-94 in magnitude, and so is
         * the rounded sum (2^-94 is a float; rounding is monotone); where |s| &lt; 2^-71, |s + w| &gt;= |w| - |s| &gt;
         * 2^-71 (exact), so the rounded sum is at least 2^-71. So s + w is +0 (an exact cancellation rounds to +0; w is not a zero, so not -0 + -0) or at least
         * 2^-94 &gt; 1e-30 in magnitude: {@code flush} leaves it as it is. No bound on s is needed (s and w can
         * cancel only where s is as large as w, and then the sum is a multiple of an ulp of that size).
         */
        static boolean writeNeedsNoFlush(float xmin, float umin) {
            return xmin * umin >= NO_FLUSH_WRITE;
        }

        /**
         * {@link #writeRows} where the flush provably changes no value ({@link #writeNeedsNoFlush}): {@code s_ij =
         * s_ij + x_i u_j}, the same sums in the same order, without the flush's test per value.
         */
        private void writeRowsUnflushed(float[] s, int w, float[] x, int[] nz, int k, int m) {
            float[] u = this.u;
            int[] rowOf = this.rowOf;
            int t = 0;
            for (; t + 4 <= k; t += 4) {
                int r0 = rowOf[t] * w;
                int r1 = rowOf[t + 1] * w;
                int r2 = rowOf[t + 2] * w;
                int r3 = rowOf[t + 3] * w;
                float k0 = x[nz[t]];
                float k1 = x[nz[t + 1]];
                float k2 = x[nz[t + 2]];
                float k3 = x[nz[t + 3]];
                for (int q = 0; q < m; q++) {
                    float uq = u[q];
                    s[r0 + q] = s[r0 + q] + k0 * uq;
                    s[r1 + q] = s[r1 + q] + k1 * uq;
                    s[r2 + q] = s[r2 + q] + k2 * uq;
                    s[r3 + q] = s[r3 + q] + k3 * uq;
                }
            }
            if (k - t >= 2) {
                int r0 = rowOf[t] * w;
                int r1 = rowOf[t + 1] * w;
                float k0 = x[nz[t]];
                float k1 = x[nz[t + 1]];
                for (int q = 0; q < m; q++) {
                    float uq = u[q];
                    s[r0 + q] = s[r0 + q] + k0 * uq;
                    s[r1 + q] = s[r1 + q] + k1 * uq;
                }
                t += 2;
            }
            if (t < k) {
                int row = rowOf[t] * w;
                float ki = x[nz[t]];
                for (int q = 0; q < m; q++) {
                    s[row + q] = s[row + q] + ki * u[q];
                }
            }
        }

        /**
         * The second pass over the rows of x's nonzero coordinates, columns [0, m), values known to stay finite:
         * {@code s_ij = flush(s_ij + x_i u_j)}, four rows at a time (u_j read once per four rows), the last two
         * together. (Storing the sums unflushed and OR-ing a per-value "the flush changes it" bit, to flush a
         * row only afterwards, was slower under C1: docs/benchmarks.md, issue 13's novelty4 section.) Keep in step
         * with {@link #writeRowsUnflushed}, the same loops without the flush.
         */
        private void writeRows(float[] s, int w, float[] x, int[] nz, int k, int m) {
            float[] u = this.u;
            int[] rowOf = this.rowOf;
            int t = 0;
            for (; t + 4 <= k; t += 4) {
                int r0 = rowOf[t] * w;
                int r1 = rowOf[t + 1] * w;
                int r2 = rowOf[t + 2] * w;
                int r3 = rowOf[t + 3] * w;
                float k0 = x[nz[t]];
                float k1 = x[nz[t + 1]];
                float k2 = x[nz[t + 2]];
                float k3 = x[nz[t + 3]];
                for (int q = 0; q < m; q++) {
                    float uq = u[q];
                    s[r0 + q] = DeferredDecay.flushed(s[r0 + q] + k0 * uq);
                    s[r1 + q] = DeferredDecay.flushed(s[r1 + q] + k1 * uq);
                    s[r2 + q] = DeferredDecay.flushed(s[r2 + q] + k2 * uq);
                    s[r3 + q] = DeferredDecay.flushed(s[r3 + q] + k3 * uq);
                }
            }
            if (k - t >= 2) {
                int r0 = rowOf[t] * w;
                int r1 = rowOf[t + 1] * w;
                float k0 = x[nz[t]];
                float k1 = x[nz[t + 1]];
                for (int q = 0; q < m; q++) {
                    float uq = u[q];
                    s[r0 + q] = DeferredDecay.flushed(s[r0 + q] + k0 * uq);
                    s[r1 + q] = DeferredDecay.flushed(s[r1 + q] + k1 * uq);
                }
                t += 2;
            }
            if (t < k) {
                int row = rowOf[t] * w;
                float ki = x[nz[t]];
                for (int q = 0; q < m; q++) {
                    s[row + q] = DeferredDecay.flushed(s[row + q] + ki * u[q]);
                }
            }
        }

        /**
         * The first pass over the rows of x's nonzero coordinates active before the item (compact rows below
         * {@code old}), in coordinate order, columns [0, old): {@link #decayRow}'s operations, four rows at a time
         * (p_j and u_j read and written once per four rows, each row's terms added in row order), the last one to
         * three rows together.
         */
        private void decayOld(float[] s, int w, float[] x, int[] nz, int k, float a, int old) {
            double[] p = this.p;
            float[] u = this.u;
            int[] rowOf = this.rowOf;
            int[] rows = this.oldRows;
            float[] ks = this.oldKs;
            int n = 0;
            for (int t = 0; t < k; t++) {
                if (rowOf[t] < old) { // a row made active by this item holds +0s
                    rows[n] = rowOf[t] * w;
                    ks[n++] = x[nz[t]];
                }
            }
            int t = 0;
            for (; t + 4 <= n; t += 4) {
                int r0 = rows[t];
                int r1 = rows[t + 1];
                int r2 = rows[t + 2];
                int r3 = rows[t + 3];
                float k0 = ks[t];
                float k1 = ks[t + 1];
                float k2 = ks[t + 2];
                float k3 = ks[t + 3];
                double x0 = k0;
                double x1 = k1;
                double x2 = k2;
                double x3 = k3;
                for (int j = 0; j < old; j++) {
                    float s0 = s[r0 + j];
                    float s1 = s[r1 + j];
                    float s2 = s[r2 + j];
                    float s3 = s[r3 + j];
                    p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2 + (double) s3 * x3;
                    float t0 = s0 * a;
                    float t1 = s1 * a;
                    float t2 = s2 * a;
                    float t3 = s3 * a;
                    s[r0 + j] = t0;
                    s[r1 + j] = t1;
                    s[r2 + j] = t2;
                    s[r3 + j] = t3;
                    u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
                }
            }
            int left = n - t;
            if (left == 3) {
                int r0 = rows[t];
                int r1 = rows[t + 1];
                int r2 = rows[t + 2];
                float k0 = ks[t];
                float k1 = ks[t + 1];
                float k2 = ks[t + 2];
                double x0 = k0;
                double x1 = k1;
                double x2 = k2;
                for (int j = 0; j < old; j++) {
                    float s0 = s[r0 + j];
                    float s1 = s[r1 + j];
                    float s2 = s[r2 + j];
                    p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2;
                    float t0 = s0 * a;
                    float t1 = s1 * a;
                    float t2 = s2 * a;
                    s[r0 + j] = t0;
                    s[r1 + j] = t1;
                    s[r2 + j] = t2;
                    u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2;
                }
            } else if (left == 2) {
                int r0 = rows[t];
                int r1 = rows[t + 1];
                float k0 = ks[t];
                float k1 = ks[t + 1];
                double x0 = k0;
                double x1 = k1;
                for (int j = 0; j < old; j++) {
                    float s0 = s[r0 + j];
                    float s1 = s[r1 + j];
                    p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1;
                    float t0 = s0 * a;
                    float t1 = s1 * a;
                    s[r0 + j] = t0;
                    s[r1 + j] = t1;
                    u[j] = u[j] + t0 * k0 + t1 * k1;
                }
            } else if (left == 1) {
                decayRow(s, rows[t], 0, old, ks[t], a, p, u);
            }
        }

        /**
         * The rest of a step whose u is not finite, as {@link Scalar} does it: the other active rows take this
         * step's decay (not yet flushed) after their waiting ones, the cell goes back to its canonical layout,
         * and every row of it is written ({@code flush(s_ij + x_i u_j)}: 0 times an infinite u_j is NaN).
         */
        private void writeEveryRow(PackedCell pc, float[] x, float a) {
            int c = this.c;
            int m = pc.m;
            long now = pc.steps;
            for (int r = 0; r < m; r++) {
                if (pc.stamp[r] != now + 1) {
                    pc.catchUp(r);
                    float[] v = pc.vals;
                    int row = r * pc.stride;
                    for (int q = 0; q < m; q++) {
                        v[row + q] = v[row + q] * a;
                    }
                    pc.stamp[r] = now + 1;
                }
            }
            pc.steps = now + 1;
            float[] uc = new float[c];
            for (int q = 0; q < m; q++) {
                uc[pc.coord[q]] = u[q];
            }
            float[] s = pc.unpack();
            for (int i = 0; i < c; i++) {
                float ki = x[i];
                int row = i * c;
                for (int j = 0; j < c; j++) {
                    s[row + j] = flush(s[row + j] + ki * uc[j]);
                }
            }
            unpacked = true;
        }
    }
}
