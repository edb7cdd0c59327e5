import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A probe of the packed novelty kernel's three hot loop shapes under C1 (issue 13, session 24, novelty8): the
 * kernel's forms (copies of {@code NoveltyKernel.Packed.decayOld}'s four-row loop, {@code writeRows}' four-row
 * loop, {@code DeferredDecay.catchUp}'s one-decay loop) beside shapes meant to let C1's range-check elimination
 * remove more checks, and, to price the checks that are left, forms that read and write through {@code
 * sun.misc.Unsafe} without any check (a probe only: the library does not and should not use them). Each shape runs
 * CALLS calls over K rows of an m-column block (row stride 64) with the same data; per round every shape once,
 * the order turned each round; prints the median CPU ns per value of this thread and a digest of the block and
 * the sums after a fixed run (equal digests: the shape computes the kernel's values bit for bit; the Unsafe forms
 * too). Usage: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC benchmarks/jobs/NoveltyLoopShapes.java [M [K [dense]]]}
 * (add {@code -XX:-RangeCheckElimination} to see which shapes C1's eliminator helps; {@code dense} as the third
 * argument: no +0 values in the block and in u). Defaults M = 57, K = 12.
 * <p>Caution, measured: an earlier driver of the same loops (the shapes called from main's own switch, the block
 * without +0s and u from 0) ran the kernel's decayOld form at ~1.95 ns a value and the convert-first form at ~1.06;
 * this driver runs both at ~1.03-1.06, and in the kernel itself (NoveltyKernelLoop, mix49k, ids-50000, logs-10k)
 * the convert-first form was no faster. Numbers from here are a hint; only the kernel's own loop program decides
 * (docs/benchmarks.md, issue 13, session 24, branch novelty8).
 */
public class NoveltyLoopShapes {
    static final int FLUSH_BITS = Float.floatToRawIntBits(1e-30f);
    static final ThreadMXBean BEAN = ManagementFactory.getThreadMXBean();
    static final sun.misc.Unsafe U;
    static final long BASE;

    static {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            U = (sun.misc.Unsafe) f.get(null);
            BASE = U.arrayBaseOffset(float[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static float flushed(float v) {
        return (Float.floatToRawIntBits(v) & 0x7fffffff) < FLUSH_BITS ? 0f : v;
    }

    /** The kernel's writeRows loop: s[r + q] = flush(s[r + q] + k u[q]), four rows a column. */
    static void writeRows(float[] s, float[] u, int[] rows, float[] ks, int k, int m) {
        for (int t = 0; t + 4 <= k; t += 4) {
            int r0 = rows[t], r1 = rows[t + 1], r2 = rows[t + 2], r3 = rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            for (int q = 0; q < m; q++) {
                float uq = u[q];
                s[r0 + q] = flushed(s[r0 + q] + k0 * uq);
                s[r1 + q] = flushed(s[r1 + q] + k1 * uq);
                s[r2 + q] = flushed(s[r2 + q] + k2 * uq);
                s[r3 + q] = flushed(s[r3 + q] + k3 * uq);
            }
        }
    }

    /** writeRows with row 0's offset folded into the induction variable (its check goes; u's comes). */
    static void writeRowsFolded(float[] s, float[] u, int[] rows, float[] ks, int k, int m) {
        for (int t = 0; t + 4 <= k; t += 4) {
            int r0 = rows[t];
            int d1 = rows[t + 1] - r0, d2 = rows[t + 2] - r0, d3 = rows[t + 3] - r0;
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            for (int i = r0, e = r0 + m; i < e; i++) {
                float uq = u[i - r0];
                s[i] = flushed(s[i] + k0 * uq);
                s[i + d1] = flushed(s[i + d1] + k1 * uq);
                s[i + d2] = flushed(s[i + d2] + k2 * uq);
                s[i + d3] = flushed(s[i + d3] + k3 * uq);
            }
        }
    }

    /** writeRows' flush as an int select (C1 makes an IfOp, a conditional move, of an int ?: but not of a float one). */
    static void writeRowsIntSelect(float[] s, float[] u, int[] rows, float[] ks, int k, int m) {
        for (int t = 0; t + 4 <= k; t += 4) {
            int r0 = rows[t], r1 = rows[t + 1], r2 = rows[t + 2], r3 = rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            for (int q = 0; q < m; q++) {
                float uq = u[q];
                int b0 = Float.floatToRawIntBits(s[r0 + q] + k0 * uq);
                int b1 = Float.floatToRawIntBits(s[r1 + q] + k1 * uq);
                int b2 = Float.floatToRawIntBits(s[r2 + q] + k2 * uq);
                int b3 = Float.floatToRawIntBits(s[r3 + q] + k3 * uq);
                s[r0 + q] = Float.intBitsToFloat((b0 & 0x7fffffff) < FLUSH_BITS ? 0 : b0);
                s[r1 + q] = Float.intBitsToFloat((b1 & 0x7fffffff) < FLUSH_BITS ? 0 : b1);
                s[r2 + q] = Float.intBitsToFloat((b2 & 0x7fffffff) < FLUSH_BITS ? 0 : b2);
                s[r3 + q] = Float.intBitsToFloat((b3 & 0x7fffffff) < FLUSH_BITS ? 0 : b3);
            }
        }
    }

    /** writeRows without checks on s (probe). */
    static void writeRowsUnchecked(float[] s, float[] u, int[] rows, float[] ks, int k, int m) {
        for (int t = 0; t + 4 <= k; t += 4) {
            long r0 = BASE + 4L * rows[t], r1 = BASE + 4L * rows[t + 1];
            long r2 = BASE + 4L * rows[t + 2], r3 = BASE + 4L * rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            for (int q = 0; q < m; q++) {
                float uq = u[q];
                long o = 4L * q;
                U.putFloat(s, r0 + o, flushed(U.getFloat(s, r0 + o) + k0 * uq));
                U.putFloat(s, r1 + o, flushed(U.getFloat(s, r1 + o) + k1 * uq));
                U.putFloat(s, r2 + o, flushed(U.getFloat(s, r2 + o) + k2 * uq));
                U.putFloat(s, r3 + o, flushed(U.getFloat(s, r3 + o) + k3 * uq));
            }
        }
    }

    /** The kernel's decayOld four-row loop. */
    static void decayOld(float[] s, double[] p, float[] u, int[] rows, float[] ks, int n, int old, float a) {
        for (int t = 0; t + 4 <= n; t += 4) {
            int r0 = rows[t], r1 = rows[t + 1], r2 = rows[t + 2], r3 = rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            double x0 = k0, x1 = k1, x2 = k2, x3 = k3;
            for (int j = 0; j < old; j++) {
                float s0 = s[r0 + j];
                float s1 = s[r1 + j];
                float s2 = s[r2 + j];
                float s3 = s[r3 + j];
                p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2 + (double) s3 * x3;
                float t0 = s0 * a, t1 = s1 * a, t2 = s2 * a, t3 = s3 * a;
                s[r0 + j] = t0;
                s[r1 + j] = t1;
                s[r2 + j] = t2;
                s[r3 + j] = t3;
                u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
            }
        }
    }

    /** decayOld with the four conversions to double before the sum (same operations per value). */
    static void decayOldConvertFirst(float[] s, double[] p, float[] u, int[] rows, float[] ks, int n, int old, float a) {
        for (int t = 0; t + 4 <= n; t += 4) {
            int r0 = rows[t], r1 = rows[t + 1], r2 = rows[t + 2], r3 = rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            double x0 = k0, x1 = k1, x2 = k2, x3 = k3;
            for (int j = 0; j < old; j++) {
                float s0 = s[r0 + j];
                float s1 = s[r1 + j];
                float s2 = s[r2 + j];
                float s3 = s[r3 + j];
                double d0 = s0, d1 = s1, d2 = s2, d3 = s3;
                p[j] = p[j] + d0 * x0 + d1 * x1 + d2 * x2 + d3 * x3;
                float t0 = s0 * a, t1 = s1 * a, t2 = s2 * a, t3 = s3 * a;
                s[r0 + j] = t0;
                s[r1 + j] = t1;
                s[r2 + j] = t2;
                s[r3 + j] = t3;
                u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
            }
        }
    }

    /** decayOld with row 0's offset folded into the induction variable (p and u at i - r0). */
    static void decayOldFolded(float[] s, double[] p, float[] u, int[] rows, float[] ks, int n, int old, float a) {
        for (int t = 0; t + 4 <= n; t += 4) {
            int r0 = rows[t];
            int d1 = rows[t + 1] - r0, d2 = rows[t + 2] - r0, d3 = rows[t + 3] - r0;
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            double x0 = k0, x1 = k1, x2 = k2, x3 = k3;
            for (int i = r0, e = r0 + old; i < e; i++) {
                int j = i - r0;
                float s0 = s[i];
                float s1 = s[i + d1];
                float s2 = s[i + d2];
                float s3 = s[i + d3];
                p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2 + (double) s3 * x3;
                float t0 = s0 * a, t1 = s1 * a, t2 = s2 * a, t3 = s3 * a;
                s[i] = t0;
                s[i + d1] = t1;
                s[i + d2] = t2;
                s[i + d3] = t3;
                u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
            }
        }
    }

    /** decayOld without checks on s (probe). */
    static void decayOldUnchecked(float[] s, double[] p, float[] u, int[] rows, float[] ks, int n, int old, float a) {
        for (int t = 0; t + 4 <= n; t += 4) {
            long r0 = BASE + 4L * rows[t], r1 = BASE + 4L * rows[t + 1];
            long r2 = BASE + 4L * rows[t + 2], r3 = BASE + 4L * rows[t + 3];
            float k0 = ks[t], k1 = ks[t + 1], k2 = ks[t + 2], k3 = ks[t + 3];
            double x0 = k0, x1 = k1, x2 = k2, x3 = k3;
            for (int j = 0; j < old; j++) {
                long o = 4L * j;
                float s0 = U.getFloat(s, r0 + o);
                float s1 = U.getFloat(s, r1 + o);
                float s2 = U.getFloat(s, r2 + o);
                float s3 = U.getFloat(s, r3 + o);
                p[j] = p[j] + (double) s0 * x0 + (double) s1 * x1 + (double) s2 * x2 + (double) s3 * x3;
                float t0 = s0 * a, t1 = s1 * a, t2 = s2 * a, t3 = s3 * a;
                U.putFloat(s, r0 + o, t0);
                U.putFloat(s, r1 + o, t1);
                U.putFloat(s, r2 + o, t2);
                U.putFloat(s, r3 + o, t3);
                u[j] = u[j] + t0 * k0 + t1 * k1 + t2 * k2 + t3 * k3;
            }
        }
    }

    /** The kernel's catchUp loop for one decay: each value's load, product, flush and store in turn. */
    static void catchUpOne(float[] s, int row, int c, float a) {
        int k = row, end = row + c;
        for (; k + 4 <= end; k += 4) {
            s[k] = flushed(s[k] * a);
            s[k + 1] = flushed(s[k + 1] * a);
            s[k + 2] = flushed(s[k + 2] * a);
            s[k + 3] = flushed(s[k + 3] * a);
        }
        for (; k < end; k++) {
            s[k] = flushed(s[k] * a);
        }
    }

    /** catchUp's loop with the four loads first (one block: C1 checks k and k + 3 once for the four). */
    static void catchUpOneLoadsFirst(float[] s, int row, int c, float a) {
        int k = row, end = row + c;
        for (; k + 4 <= end; k += 4) {
            float v0 = s[k], v1 = s[k + 1], v2 = s[k + 2], v3 = s[k + 3];
            s[k] = flushed(v0 * a);
            s[k + 1] = flushed(v1 * a);
            s[k + 2] = flushed(v2 * a);
            s[k + 3] = flushed(v3 * a);
        }
        for (; k < end; k++) {
            s[k] = flushed(s[k] * a);
        }
    }

    /** catchUp's loop without checks (probe). */
    static void catchUpOneUnchecked(float[] s, int row, int c, float a) {
        int k = row, end = row + c;
        for (; k + 4 <= end; k += 4) {
            long o = BASE + 4L * k;
            U.putFloat(s, o, flushed(U.getFloat(s, o) * a));
            U.putFloat(s, o + 4, flushed(U.getFloat(s, o + 4) * a));
            U.putFloat(s, o + 8, flushed(U.getFloat(s, o + 8) * a));
            U.putFloat(s, o + 12, flushed(U.getFloat(s, o + 12) * a));
        }
        for (; k < end; k++) {
            s[k] = flushed(s[k] * a);
        }
    }

    static final String[] NAMES = {"writeRows", "writeRowsFolded", "writeRowsIntSelect", "writeRowsUnchecked",
        "decayOld", "decayOldConvertFirst", "decayOldFolded", "decayOldUnchecked",
        "catchUpOne", "catchUpOneLoadsFirst", "catchUpOneUnchecked"};

    static void run(int v, float[] s, double[] p, float[] u, int[] rows, float[] ks, int k, int m) {
        float a = 0.9999f;
        switch (v) {
            case 0: writeRows(s, u, rows, ks, k, m); break;
            case 1: writeRowsFolded(s, u, rows, ks, k, m); break;
            case 2: writeRowsIntSelect(s, u, rows, ks, k, m); break;
            case 3: writeRowsUnchecked(s, u, rows, ks, k, m); break;
            case 4: decayOld(s, p, u, rows, ks, k, m, a); break;
            case 5: decayOldConvertFirst(s, p, u, rows, ks, k, m, a); break;
            case 6: decayOldFolded(s, p, u, rows, ks, k, m, a); break;
            case 7: decayOldUnchecked(s, p, u, rows, ks, k, m, a); break;
            case 8: for (int t = 0; t < k; t++) { catchUpOne(s, rows[t], m, a); } break;
            case 9: for (int t = 0; t < k; t++) { catchUpOneLoadsFirst(s, rows[t], m, a); } break;
            default: for (int t = 0; t < k; t++) { catchUpOneUnchecked(s, rows[t], m, a); } break;
        }
    }

    public static void main(String[] args) {
        int c = 64;
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 57;
        int k = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        boolean dense = args.length > 2 && args[2].equals("dense"); // no +0 values in the block and in u
        int calls = 15_000;
        int rounds = 21;
        SplittableRandom r = new SplittableRandom(5);
        float[] start = new float[c * c];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                start[i * c + j] = !dense && r.nextInt(3) == 0 ? 0f : (float) (r.nextDouble() - 0.5) * 0.02f;
            }
        }
        float[] u0 = new float[c];
        for (int j = 0; j < m; j++) {
            u0[j] = !dense && r.nextInt(4) == 0 ? 0f : (float) (r.nextDouble() - 0.5) * 0.01f;
        }
        int[] rows = new int[k];
        float[] ks = new float[k];
        for (int t = 0; t < k; t++) {
            rows[t] = (t * 5 % m) * c;
            ks[t] = (float) r.nextDouble() * 0.3f;
        }
        float[] s = new float[c * c];
        double[] p = new double[c];
        float[] u = new float[c];
        double[][] ns = new double[NAMES.length][rounds];
        long[] digest = new long[NAMES.length];
        for (int round = -5; round < rounds; round++) {
            for (int i = 0; i < NAMES.length; i++) {
                int v = (round & 1) == 0 ? i : NAMES.length - 1 - i;
                System.arraycopy(start, 0, s, 0, s.length);
                System.arraycopy(u0, 0, u, 0, c);
                Arrays.fill(p, 0);
                long t0 = BEAN.getCurrentThreadCpuTime();
                for (int call = 0; call < calls; call++) {
                    run(v, s, p, u, rows, ks, k, m);
                }
                long dt = BEAN.getCurrentThreadCpuTime() - t0;
                if (round >= 0) {
                    ns[v][round] = dt / (double) calls / ((double) k * m);
                }
                digest[v] = (Arrays.hashCode(s) * 31L + Arrays.hashCode(p)) * 31L + Arrays.hashCode(u);
            }
        }
        for (int v = 0; v < NAMES.length; v++) {
            double[] x = ns[v].clone();
            Arrays.sort(x);
            System.out.printf("%-22s %.3f ns/value  digest %016x%n", NAMES[v], x[rounds / 2], digest[v]);
        }
    }
}
