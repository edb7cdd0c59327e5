import java.lang.invoke.*;
import java.nio.ByteOrder;
/**
 * sort25 (session 25): what LogLineRun's packed form pays a line for its numbers under C1 (file runs compile with C1
 * only): two longs and an int written and read through byte-array view VarHandles (its form) against byte shifts.
 * Run: java -XX:TieredStopAtLevel=1 benchmarks/jobs/RunPackVarHandleCost.java (no jar needed). Rounds 0-1 are
 * mostly interpreted; later rounds are the compiled cost.
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
        for (int round = 0; round < 6; round++) {
            long t0 = System.nanoTime(); sink += vh(b, n); long t1 = System.nanoTime(); sink += rvh(b, n); long t2 = System.nanoTime();
            sink += sh(b, n); long t3 = System.nanoTime(); sink += rsh(b, n); long t4 = System.nanoTime();
            System.out.printf("round %d: write varhandle %.1f ns/line, shifts %.1f; read varhandle %.1f, shifts %.1f%n", round, (t1 - t0) / (double) n, (t3 - t2) / (double) n, (t2 - t1) / (double) n, (t4 - t3) / (double) n);
        }
        System.out.println(sink);
    }
}
