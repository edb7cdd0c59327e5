package dev.keymem.models.events;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Not a test: a measurement of what a write's shape costs ({@link EventMemory#shapedFast}, the shape cache's
 * {@link EventMemory#vectorHash}, and {@link EventMemory#shapedReference} beside them) per vector, by the density
 * of the vector (components that are not zero, of D = 256), in thread CPU nanoseconds. Run it under the JIT the
 * context job's file runs use (C1 alone), from the repository root after {@code ./mvnw -o -pl models test-compile}:
 * <pre>java -XX:TieredStopAtLevel=1 -cp models/target/classes:models/target/test-classes \
 *     dev.keymem.models.events.ShapedCostBench [nonzeros...]</pre>
 * Vectors: seeded (SplittableRandom 1), 1,024 of each density, unit length; the sink printed keeps the work.
 */
public final class ShapedCostBench {
    private ShapedCostBench() {
    }

    public static void main(String[] args) {
        int[] densities = args.length == 0 ? new int[] {15, 60, 120, 250} : new int[args.length];
        for (int i = 0; i < args.length; i++) {
            densities[i] = Integer.parseInt(args[i]);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        EventMemory m = new EventMemory(EventSettings.defaults());
        int d = EventSettings.defaults().dimension();
        long sink = 0;
        int reps = 200_000;
        for (int nz : densities) {
            SplittableRandom r = new SplittableRandom(1);
            float[][] vs = new float[1024][];
            for (int t = 0; t < vs.length; t++) {
                float[] v = new float[d];
                int set = 0;
                while (set < Math.min(nz, d)) {
                    int j = r.nextInt(d);
                    if (v[j] == 0) {
                        v[j] = (float) (r.nextInt(9) - 4) * 0.1f + 0.05f;
                        set++;
                    }
                }
                vs[t] = EventMemory.unit(v);
            }
            double fast = 0;
            double hash = 0;
            double ref = 0;
            for (int round = 0; round < 5; round++) { // the last round's times (the first ones warm up)
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    sink += m.shapedFast(vs[i & 1023], true).q8.length;
                }
                long t1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    sink += EventMemory.vectorHash(vs[i & 1023]);
                }
                long t2 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < reps; i++) {
                    sink += m.shapedReference(vs[i & 1023], true).q8.length;
                }
                long t3 = mx.getCurrentThreadCpuTime();
                fast = (t1 - t0) / (double) reps;
                hash = (t2 - t1) / (double) reps;
                ref = (t3 - t2) / (double) reps;
            }
            System.out.printf("nonzeros %3d: shapedFast %6.0f ns, vectorHash %5.0f ns, shapedReference %6.0f ns%n",
                    nz, fast, hash, ref);
        }
        System.out.println("sink " + sink);
    }
}
