import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two builds' {@code LineVariant.word(String[], int)} (the variant key's per-token word test) in one JVM, each
 * build's classes in a class loader of its own, passes alternated (A B, then B A, ...): thread CPU ms of one pass
 * over every token of every line of FILE (lines split at spaces), the median and minimum of the passes after WARMUP,
 * B's change, the pairs where B was lower, and whether both builds counted the same words.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC benchmarks/jobs/VariantWordPair.java JAR_A JAR_B FILE PASSES
 * WARMUP (mend27, session 27).
 */
public class VariantWordPair {
    public static void main(String[] a) throws Throwable {
        List<String[]> lines = new ArrayList<>();
        for (String l : Files.readAllLines(Path.of(a[2]))) {
            lines.add(l.split(" "));
        }
        int passes = Integer.parseInt(a[3]);
        int warmup = Integer.parseInt(a[4]);
        MethodHandle[] word = new MethodHandle[2];
        for (int b = 0; b < 2; b++) {
            URLClassLoader loader = new URLClassLoader(new URL[] {new File(a[b]).toURI().toURL()}, null);
            Class<?> c = Class.forName("dev.keymem.jobs.logs.mining.LineVariant", true, loader);
            Method m = c.getDeclaredMethod("word", String[].class, int.class);
            m.setAccessible(true);
            word[b] = MethodHandles.lookup().unreflect(m).asType(MethodType.methodType(boolean.class, String[].class,
                    int.class));
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[][] t = new long[2][passes];
        long[] words = new long[2];
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                int b = p % 2 == 0 ? k : 1 - k;
                long n = 0;
                long t0 = mx.getCurrentThreadCpuTime();
                for (String[] line : lines) {
                    for (int i = 0; i < line.length; i++) {
                        n += (boolean) word[b].invokeExact(line, i) ? 1 : 0;
                    }
                }
                t[b][p] = mx.getCurrentThreadCpuTime() - t0;
                words[b] = n;
            }
        }
        long[] ma = Arrays.copyOfRange(t[0], warmup, passes);
        long[] mb = Arrays.copyOfRange(t[1], warmup, passes);
        int lower = 0;
        for (int p = 0; p < ma.length; p++) {
            lower += mb[p] < ma[p] ? 1 : 0;
        }
        double medA = median(ma) / 1e6;
        double medB = median(mb) / 1e6;
        double minA = Arrays.stream(ma).min().getAsLong() / 1e6;
        double minB = Arrays.stream(mb).min().getAsLong() / 1e6;
        System.out.printf("%s: word median A %.1f B %.1f ms %+.1f%%, min A %.1f B %.1f ms %+.1f%% (B lower %d of %d);"
                + " words %s%n", Path.of(a[2]).getFileName(), medA, medB, 100 * (medB / medA - 1), minA, minB,
                100 * (minB / minA - 1), lower, ma.length, words[0] == words[1] ? "equal (" + words[0] + ")"
                : "DIFFER " + words[0] + " " + words[1]);
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }
}
