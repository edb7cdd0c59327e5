import dev.keymem.models.novelty.Novelty;
import dev.keymem.models.novelty.NoveltySettings;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log job's novelty memory replayed: the (source, item) steps the job makes on a log file, captured once, then
 * written through {@link Novelty#write} by two builds of the models module in the same JVM, alternating, so a
 * kernel change is timed against the one before it on the same steps, the same JIT and the same minute.
 *
 * <p>{@code dump FILE OUT} (class path: a memctl.jar): makes FILE's items as the log job does (each source's
 * template miner, then the normalized embedding of the masked line, at the job's default settings) and writes
 * them, with the job's novelty settings, to OUT, sources in file order (as a batch run's sorted input gives
 * them).
 *
 * <p>{@code replay ITEMS ROUNDS WARM DIR_A [DIR_B ...]}: each DIR is a build's models classes (e.g.
 * {@code models/target/classes}), loaded in a class loader of its own (with this program's driver class). First
 * WARM passes of each build in turn (C1 compiles the kernel: not counted), then ROUNDS rounds of one pass of each
 * build, the order of the builds turned every round and rotated by one every second round (A B C, C B A, B C A,
 * A C B, ...), so every build, the control included, takes every position. A pass writes every source's items
 * from a fresh state (made in the timed part, as the job makes one per source); its time is the thread's CPU ns
 * per item. Every pass of a build must give the same digest of the innovations, admissions and final cells, and
 * every build A's digest (bit for bit the same memory): otherwise the program exits with status 2 after printing
 * the table (unless {@code -Dreplay.allowChange=true}, for a change of values on purpose). Prints each round's
 * times and ratios to A (and, with three builds or more, to B: by convention B is a copy of A's classes, the A/A
 * control), then per build the median, the median of the rounds' ratios to A (and to B) and the rounds in which
 * it was lower than A (than B).
 *
 * <p>{@code shape ITEMS} (session 28, novelty28): per input, the steps whose write the packed kernel's bound
 * ({@code fl(min |x_i| * min |u_j|) >= 2^-70}) lets skip the flush, and the k x m values they write.
 * Usage (C1 alone, as memctl runs files):
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/NoveltyReplayCost.java dump FILE OUT
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/NoveltyReplayCost.java replay OUT 15 2 BEFORE_CLASSES BEFORE_COPY AFTER_CLASSES
 * java -cp JAR benchmarks/jobs/NoveltyReplayCost.java shape OUT
 */
public class NoveltyReplayCost {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("dump")) {
            dump(a[1], a[2]);
        } else if (a[0].equals("shape")) {
            shape(a[1]);
        } else {
            replay(a);
        }
    }

    private static void dump(String file, String out) throws Exception {
        // the jobs' classes by reflection-free use through the class path (a memctl.jar)
        dev.keymem.jobs.logs.LogSummarySettings settings = dev.keymem.jobs.logs.LogSummarySettings.defaults();
        dev.keymem.jobs.logs.LogLineParser parser = new dev.keymem.jobs.logs.LogLineParser(null);
        dev.keymem.jobs.text.TextFrontEnd fe = dev.keymem.jobs.text.TextFrontEnd.builder()
                .dimension(settings.dimension()).build();
        dev.keymem.jobs.logs.mining.TemplateMiner miner = new dev.keymem.jobs.logs.mining.TemplateMiner(settings.miner());
        Map<String, dev.keymem.jobs.logs.mining.MinerState> miners = new HashMap<>();
        Map<String, List<float[]>> items = new LinkedHashMap<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(file))) {
            long o = off++;
            if (s.isBlank()) {
                continue; // a dead letter in the job
            }
            dev.keymem.jobs.logs.LogLine l;
            try {
                l = parser.parse(null, s, o, -1);
            } catch (Exception e) {
                continue; // a dead letter in the job
            }
            var m = miner.accept(miners.computeIfAbsent(l.source, k -> new dev.keymem.jobs.logs.mining.MinerState()),
                    l.text, l.bare);
            float[] x = dev.keymem.jobs.text.Vectors.normalized(fe.encode(m.masked()).vector);
            items.computeIfAbsent(l.source, k -> new ArrayList<>()).add(x);
        }
        NoveltySettings ns = dev.keymem.operators.MemoryOperatorOptions.noveltySettings(
                dev.keymem.operators.KeyedNoveltyMemory.noveltyOptions(settings.options()));
        int n = 0;
        try (DataOutputStream o = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(out)))) {
            o.writeInt(ns.dimension());
            o.writeInt(ns.cellDim());
            o.writeFloat(ns.beta());
            o.writeFloat(ns.decay());
            o.writeInt(ns.capacity());
            o.writeFloat(ns.threshold());
            o.writeInt(items.size());
            for (Map.Entry<String, List<float[]>> e : items.entrySet()) {
                o.writeUTF(e.getKey());
                o.writeInt(e.getValue().size());
                for (float[] x : e.getValue()) {
                    for (float v : x) {
                        o.writeInt(Float.floatToRawIntBits(v));
                    }
                    n++;
                }
            }
        }
        System.out.printf("%d items, %d sources, %s -> %s%n", n, items.size(), ns, out);
    }

    private static void replay(String[] a) throws Exception {
        int rounds = Integer.parseInt(a[2]);
        int warm = Integer.parseInt(a[3]);
        Object[] settings = new Object[6];
        float[][][] items;
        int[] seeds;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(a[1])))) {
            settings[0] = in.readInt();
            settings[1] = in.readInt();
            settings[2] = in.readFloat();
            settings[3] = in.readFloat();
            settings[4] = in.readInt();
            settings[5] = in.readFloat();
            int d = (Integer) settings[0];
            int sources = in.readInt();
            items = new float[sources][][];
            seeds = new int[sources];
            for (int s = 0; s < sources; s++) {
                seeds[s] = in.readUTF().hashCode();
                items[s] = new float[in.readInt()][d];
                for (float[] x : items[s]) {
                    for (int i = 0; i < d; i++) {
                        x[i] = Float.intBitsToFloat(in.readInt());
                    }
                }
            }
        }
        long total = Arrays.stream(items).mapToLong(s -> s.length).sum();
        int builds = a.length - 4;
        Method[] run = new Method[builds];
        byte[] driver;
        try (InputStream in = NoveltyReplayCost.class.getClassLoader().getResourceAsStream("NoveltyReplayCost$Driver.class")) {
            driver = in.readAllBytes();
        }
        for (int b = 0; b < builds; b++) {
            BuildLoader l = new BuildLoader(new URL[] {Path.of(a[4 + b]).toUri().toURL()});
            Class<?> k = l.define("NoveltyReplayCost$Driver", driver);
            run[b] = k.getMethod("run", Object[].class, float[][][].class, int[].class);
        }
        System.out.printf("%d items, %d sources; builds: %s%n", total, items.length,
                String.join(" ", Arrays.copyOfRange(a, 4, a.length)));
        long[] digest = new long[builds];
        for (int w = 0; w < warm; w++) { // each build's first passes (C1 compiles the kernel): not counted
            for (int b = 0; b < builds; b++) {
                check(digest, b, (long[]) run[b].invoke(null, settings, items, seeds));
            }
        }
        double[][] ns = new double[builds][rounds];
        for (int r = 0; r < rounds; r++) {
            // every build in every position: the order A B C .., then its reverse, each rotated by one every
            // second round (so the control copy B is not always beside A, nor always in the middle)
            int shift = (r / 2) % builds;
            StringBuilder line = new StringBuilder("round " + r + ":");
            for (int i = 0; i < builds; i++) {
                int pos = r % 2 == 0 ? i : builds - 1 - i;
                int b = (pos + shift) % builds;
                long[] res = (long[]) run[b].invoke(null, settings, items, seeds);
                check(digest, b, res);
                ns[b][r] = res[0] / (double) total;
                line.append(String.format(" %s=%.0f", (char) ('A' + b), ns[b][r]));
            }
            for (int b = 1; b < builds; b++) {
                line.append(String.format(" %s/A=%.3f", (char) ('A' + b), ns[b][r] / ns[0][r]));
            }
            if (builds > 2) {
                for (int b = 2; b < builds; b++) {
                    line.append(String.format(" %s/B=%.3f", (char) ('A' + b), ns[b][r] / ns[1][r]));
                }
            }
            System.out.println(line);
        }
        for (int b = 0; b < builds; b++) {
            double[] m = ns[b].clone();
            Arrays.sort(m);
            String toA = b == 0 ? "" : ratios(ns, b, 0, rounds);
            String toB = b < 2 ? "" : ratios(ns, b, 1, rounds);
            System.out.printf("%s: median %.0f CPU ns/item, digest %016x%s%s%n", (char) ('A' + b), median(m),
                    digest[b], toA, toB);
        }
        boolean allowChange = Boolean.getBoolean("replay.allowChange");
        for (int b = 1; b < builds; b++) {
            if (digest[b] != digest[0]) {
                System.out.printf("build %s's digest %016x differs from A's %016x: its values are not A's%n",
                        (char) ('A' + b), digest[b], digest[0]);
                if (!allowChange) { // a table of a build that changed values is not a cost comparison
                    System.exit(2);
                }
            }
        }
    }

    /**
     * Counts, over every source's items (a fresh cell each), the steps where {@code fl(min |x_i| * min |u_j|) >=
     * 2^-70} over x's nonzero coordinates and the active columns (coordinates some item of the source touched), with
     * the fading cell stepped in plain float loops: p = S^T x, S = a S, u = S^T x, u = beta (x - u), S = flush(S +
     * x u^T). Also counts the values such a step writes whose flush would change them (must be 0).
     */
    private static void shape(String file) throws Exception {
        float[][][] items;
        int d;
        float beta;
        float decay;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(file)))) {
            d = in.readInt();
            int c = in.readInt();
            beta = in.readFloat();
            decay = in.readFloat();
            in.readInt();
            in.readFloat();
            if (c != d) {
                throw new IllegalArgumentException("shape wants cellDim = dimension");
            }
            int sources = in.readInt();
            items = new float[sources][][];
            for (int s = 0; s < sources; s++) {
                in.readUTF();
                items[s] = new float[in.readInt()][d];
                for (float[] x : items[s]) {
                    for (int i = 0; i < d; i++) {
                        x[i] = Float.intBitsToFloat(in.readInt());
                    }
                }
            }
        }
        float a = (float) Math.exp((float) Math.log(decay));
        long steps = 0;
        long fast = 0;
        long values = 0;
        long fastValues = 0;
        long changedInFast = 0;
        long flushedAll = 0;
        long zeroU = 0;
        float[] u = new float[d];
        for (float[][] src : items) {
            float[] cell = new float[d * d];
            boolean[] active = new boolean[d];
            for (float[] x0 : src) {
                double n = 0;
                for (float v : x0) {
                    n += (double) v * v;
                }
                double inv = n > 0 ? 1.0 / Math.sqrt(n) : 0;
                float[] x = new float[d];
                for (int i = 0; i < d; i++) {
                    x[i] = Math.abs(inv - 1.0) <= 0x1p-25 - 0x1p-51 ? x0[i] : (float) (x0[i] * inv);
                }
                int k = 0;
                float xmin = Float.NaN;
                for (int i = 0; i < d; i++) {
                    if (x[i] != 0f) {
                        active[i] = true;
                        k++;
                        float ax = Math.abs(x[i]);
                        xmin = Float.isNaN(xmin) || ax < xmin ? ax : xmin;
                    }
                }
                java.util.Arrays.fill(u, 0f);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        float t = cell[i * d + j] * a;
                        cell[i * d + j] = t;
                        u[j] += t * x[i];
                    }
                }
                float umin = Float.NaN;
                boolean uZero = false;
                for (int j = 0; j < d; j++) {
                    u[j] = beta * (x[j] - u[j]);
                    if (active[j]) {
                        float au = Math.abs(u[j]);
                        umin = Float.isNaN(umin) || au < umin ? au : umin;
                        uZero |= au == 0f;
                    }
                }
                boolean skip = xmin * umin >= 0x1p-70f;
                steps++;
                fast += skip ? 1 : 0;
                zeroU += uZero ? 1 : 0;
                int m = 0;
                for (boolean b : active) {
                    m += b ? 1 : 0;
                }
                values += (long) k * m;
                fastValues += skip ? (long) k * m : 0;
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        float v = cell[i * d + j] + x[i] * u[j];
                        float f = Math.abs(v) < 1e-30f ? 0f : v;
                        if (x[i] != 0f && active[j] && Float.floatToRawIntBits(f) != Float.floatToRawIntBits(v)) {
                            flushedAll++;
                            changedInFast += skip ? 1 : 0;
                        }
                        cell[i * d + j] = f;
                    }
                }
            }
        }
        System.out.printf("%s: %d steps, %d (%.1f%%) without the flush; written values %d, %d (%.1f%%) in those"
                        + " steps; steps with some u_j = 0: %d; written values the flush changed: %d, in steps"
                        + " without it: %d (must be 0)%n", file, steps, fast, 100.0 * fast / steps, values,
                fastValues, 100.0 * fastValues / values, zeroU, flushedAll, changedInFast);
        if (changedInFast != 0) {
            System.exit(2);
        }
    }
    /** ", median ratio to X r, rounds lower than X: l of n" for build b against build x. */
    private static String ratios(double[][] ns, int b, int x, int rounds) {
        double[] ratio = new double[rounds];
        int lower = 0;
        for (int r = 0; r < rounds; r++) {
            ratio[r] = ns[b][r] / ns[x][r];
            lower += ns[b][r] < ns[x][r] ? 1 : 0;
        }
        Arrays.sort(ratio);
        char xn = (char) ('A' + x);
        return String.format(", median ratio to %s %.3f, rounds lower than %s: %d of %d", xn, median(ratio), xn,
                lower, rounds);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void check(long[] digest, int b, long[] res) {
        if (digest[b] == 0) {
            digest[b] = res[1];
        } else if (digest[b] != res[1]) {
            throw new IllegalStateException("build " + (char) ('A' + b) + " changed its digest");
        }
    }

    /** A build's models classes first (child first), the JDK's through the platform loader. */
    static final class BuildLoader extends URLClassLoader {
        BuildLoader(URL[] urls) {
            super(urls, ClassLoader.getPlatformClassLoader());
        }

        Class<?> define(String name, byte[] b) {
            return defineClass(name, b, 0, b.length);
        }
    }

    /** Runs in each build's loader: one pass over every source's items. */
    public static final class Driver {
        public static long[] run(Object[] s, float[][][] items, int[] seeds) throws Exception {
            NoveltySettings ns = new NoveltySettings((Integer) s[0], (Integer) s[1], (Float) s[2], (Float) s[3],
                    (Integer) s[4], (Float) s[5]);
            java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
            Novelty memory = new Novelty(ns, null);
            long h = 0;
            long cpu = 0;
            for (int k = 0; k < items.length; k++) {
                long t0 = bean.getCurrentThreadCpuTime();
                NoveltyState st = memory.newState(seeds[k]);
                NoveltyStore store = NoveltyStore.inMemory();
                int item = 0;
                for (float[] x : items[k]) {
                    NoveltyWrite w = memory.write(st, store, x, item++, null);
                    h = h * 31 + Float.floatToRawIntBits(w.innovation()) + (w.admitted() ? 7 : 0);
                }
                cpu += bean.getCurrentThreadCpuTime() - t0;
                for (float v : st.cell().data()) { // every bit of the final cell, in a 64-bit mix
                    h = (h ^ Float.floatToRawIntBits(v)) * 0x9e3779b97f4a7c15L;
                }
            }
            return new long[] {cpu, h};
        }
    }
}
