package dev.keymem.models.events;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A dense entry's {@code Derived} values (every byte of the quantised vector visited: the entries of writes
 * whose vector lists no components, about half of a long text's) made by the reference (a branch per byte) and
 * by the branch-free form, in one JVM, the order turned each pass (docs/benchmarks.md, evmem27). The vectors are
 * shaped as a write shapes them ({@link EventMemory#shapedFast}): D = 256 floats of which about {@code PCT}
 * percent are nonzero at random places (a long text's dense vector: ~130 of 256), quantised to bytes. Prints
 * each form's thread CPU ns per vector (the minimum over passes) and an MD5 of each form's values, which must be
 * equal; then the write's shape ({@code shapedFast}) of the same vectors, ns per vector and a sum of the shapes
 * (equal across builds when the shapes are), for the build whose classes come first on the class path. A
 * measuring program, not a test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * models/target/classes:models/target/test-classes dev.keymem.models.events.Evmem27DerivedCost [PASSES] [PCT]
 * [VECTORS]} (20,000 vectors by default: 20 MB of floats, 5 MB of bytes; 2,000 stay in the caches).
 */
public final class Evmem27DerivedCost {
    private Evmem27DerivedCost() {
    }

    public static void main(String[] a) throws Exception {
        int passes = a.length > 0 ? Integer.parseInt(a[0]) : 9;
        int pct = a.length > 1 ? Integer.parseInt(a[1]) : 55;
        EventMemory m = new EventMemory(EventSettings.defaults());
        int d = EventSettings.defaults().dimension();
        SplittableRandom r = new SplittableRandom(27);
        int count = a.length > 2 ? Integer.parseInt(a[2]) : 20_000;
        byte[][] q = new byte[count][];
        float[] scale = new float[count];
        float[][] vs = new float[count][];
        long nonzero = 0;
        for (int i = 0; i < count; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                if (r.nextInt(100) < pct) {
                    v[j] = (float) (r.nextGaussian() * (1 + r.nextInt(4)));
                }
            }
            vs[i] = v;
            EventMemory.Shaped s = m.shapedFast(v, true);
            q[i] = s.q8.clone();
            scale[i] = s.scale;
            for (byte b : q[i]) {
                nonzero += b != 0 ? 1 : 0;
            }
        }
        System.out.printf("%d vectors, D %d, %.1f nonzero bytes a vector%n", count, d, nonzero / (double) count);
        java.lang.management.ThreadMXBean tm = java.lang.management.ManagementFactory.getThreadMXBean();
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        String[] digest = new String[2];
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                boolean reference = ((p + k) & 1) == 0; // turned each pass
                MessageDigest md = MessageDigest.getInstance("MD5");
                long sink = 0;
                long t0 = tm.getCurrentThreadCpuTime();
                for (int i = 0; i < count; i++) {
                    Object[] o = EventMemory.derivedValuesForTests(q[i], scale[i], null, reference);
                    sink += ((int[]) o[0]).length + Double.doubleToRawLongBits((double) o[2]);
                    if (p == 0) {
                        digestOf(md, o);
                    }
                }
                long t = tm.getCurrentThreadCpuTime() - t0;
                int side = reference ? 0 : 1;
                best[side] = Math.min(best[side], t);
                if (p == 0) {
                    digest[side] = HexFormat.of().formatHex(md.digest()).substring(0, 12);
                }
                System.out.printf("pass %d %s %.1f ns/vector (sink %d)%n", p, reference ? "reference" : "fast",
                        t / (double) count, sink & 0xff);
            }
        }
        System.out.printf("min reference %.1f ns/vector, fast %.1f ns/vector; md5 reference %s fast %s%n",
                best[0] / (double) count, best[1] / (double) count, digest[0], digest[1]);
        // the write's shape of the same vectors (whichever build's EventMemory is on the class path first)
        long shapeBest = Long.MAX_VALUE;
        long shapeSum = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = tm.getCurrentThreadCpuTime();
            long sum = 0;
            for (int i = 0; i < count; i++) {
                EventMemory.Shaped s = m.shapedFast(vs[i], true);
                sum = sum * 31 + Float.floatToRawIntBits(s.scale) + s.q8[i & 255] + (s.nz == null ? 0 : s.nz.length);
            }
            shapeBest = Math.min(shapeBest, tm.getCurrentThreadCpuTime() - t0);
            shapeSum = sum;
        }
        System.out.printf("shape: min %.1f ns/vector, sum %x%n", shapeBest / (double) count, shapeSum);
    }

    private static void digestOf(MessageDigest md, Object[] o) {
        for (int j : (int[]) o[0]) {
            md.update((byte) j);
            md.update((byte) (j >>> 8));
        }
        for (float f : (float[]) o[1]) {
            int b = Float.floatToRawIntBits(f);
            md.update(new byte[] {(byte) b, (byte) (b >>> 8), (byte) (b >>> 16), (byte) (b >>> 24)});
        }
        long s = Double.doubleToRawLongBits((double) o[2]);
        for (int k = 0; k < 8; k++) {
            md.update((byte) (s >>> (8 * k)));
        }
    }
}
