import java.lang.invoke.*;
import java.nio.ByteOrder;
/**
 * sort25 (session 25): what LogLineRun's packed form pays a line for its numbers under C1 (file runs compile with C1
 * only): two longs and an int written and read through byte-array view VarHandles (its form) against byte shifts.
 * Run: java -XX:TieredStopAtLevel=1 benchmarks/jobs/RunPackVarHandleCost.java [rounds, 12, at least 4] (no jar). Rounds
 * 0-1 are mostly interpreted; later rounds are the compiled cost. The two forms' order turns each round (mend26,
 * session 26: it was VarHandle first always); medians of rounds 2 on are printed per order and over both.
 */
public class RunPackVarHandleCost {
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    static int vh(byte[] b, int n) { int p = 0; for (int i = 0; i < n; i++) { LONGS.set(b, p, (long) i); LONGS.set(b, p + 8, (long) i * 3); INTS.set(b, p + 16, i); p += 20; } return p; }
    static void putLong(byte[] b, int p, long v) { putInt(b, p, (int) (v >>> 32)); putInt(b, p + 4, (int) v); }
    static void putInt(byte[] b, int p, int v) { b[p] = (byte) (v >>> 24); b[p + 1] = (byte) (v >>> 16); b[p + 2] = (byte) (v >>> 8); b[p + 3] = (byte) v; }
    static int sh(byte[] b, int n) { int p = 0; for (int i = 0; i < n; i++) { putLong(b, p, i); putLong(b, p + 8, (long) i * 3); putInt(b, p + 16, i); p += 20; } return p; }
    static long rvh(byte[] b, int n) { long s = 0; int p = 0; for (int i = 0; i < n; i++) { s += (long) LONGS.get(b, p) + (long) LONGS.get(b, p + 8) + (int) INTS.get(b, p + 16); p += 20; } return s; }
    static int getInt(byte[] b, int p) { return (b[p] << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF); }
    static long getLong(byte[] b, int p) { return ((long) getInt(b, p) << 32) | (getInt(b, p + 4) & 0xFFFFFFFFL); }
    static long rsh(byte[] b, int n) { long s = 0; int p = 0; for (int i = 0; i < n; i++) { s += getLong(b, p) + getLong(b, p + 8) + getInt(b, p + 16); p += 20; } return s; }
    public static void main(String[] a) {
        int n = 50000; byte[] b = new byte[n * 20]; long sink = 0;
        // At least 4: the medians need a compiled round (2 on) of each order (review26a F7: 3 threw).
        int rounds = Math.max(4, a.length > 0 ? Integer.parseInt(a[0]) : 12);
        // [form][op][round]: form 0 VarHandle, 1 shifts; op 0 write, 1 read. The order of the two forms turns each
        // round (even: VarHandle first, odd: shifts first), so an order effect falls on each side as often.
        double[][][] ns = new double[2][2][rounds];
        for (int round = 0; round < rounds; round++) {
            boolean vhFirst = round % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean v = (k == 0) == vhFirst;
                long t0 = System.nanoTime(); sink += v ? vh(b, n) : sh(b, n); long t1 = System.nanoTime();
                sink += v ? rvh(b, n) : rsh(b, n); long t2 = System.nanoTime();
                ns[v ? 0 : 1][0][round] = (t1 - t0) / (double) n;
                ns[v ? 0 : 1][1][round] = (t2 - t1) / (double) n;
            }
            System.out.printf("round %d (%s first): write varhandle %.1f ns/line, shifts %.1f; read varhandle %.1f,"
                    + " shifts %.1f%n", round, vhFirst ? "varhandle" : "shifts", ns[0][0][round], ns[1][0][round],
                    ns[0][1][round], ns[1][1][round]);
        }
        // Medians of the compiled rounds (2 on), each order apart and all together.
        String[] orders = {"varhandle first", "shifts first", "both orders"};
        for (int o = 0; o < 3; o++) {
            System.out.printf("median, rounds 2-%d, %s: write varhandle %.1f, shifts %.1f; read varhandle %.1f,"
                    + " shifts %.1f%n", rounds - 1, orders[o], median(ns[0][0], o), median(ns[1][0], o),
                    median(ns[0][1], o), median(ns[1][1], o));
        }
        System.out.println(sink);
    }

    /** The median of {@code x}'s rounds from 2 on: even rounds ({@code order} 0), odd (1) or all (2). */
    static double median(double[] x, int order) {
        java.util.List<Double> l = new java.util.ArrayList<>();
        for (int r = 2; r < x.length; r++) {
            if (order == 2 || r % 2 == order) {
                l.add(x[r]);
            }
        }
        java.util.Collections.sort(l);
        int m = l.size();
        return m % 2 == 1 ? l.get(m / 2) : (l.get(m / 2 - 1) + l.get(m / 2)) / 2;
    }
}
