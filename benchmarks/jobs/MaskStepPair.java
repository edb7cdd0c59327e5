import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Two builds' masking step in one JVM: {@code MaskStepCost} (compiled into CLASSES) loaded twice, with build A's
 * jar and with build B's, each in a class loader of its own (so each build's classes are compiled on their own),
 * and their passes alternated (A B, then B A, ...), so that the box's drift falls on both alike. Prints, per part
 * (census, masker, tokens), the median and the minimum of each build's passes after WARMUP, B's change, and the
 * alternated pairs
 * where B was lower; and whether the masked lines' hashes agree. The census part is the same code in builds that
 * do not change it: a control of the method's noise.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC benchmarks/jobs/MaskStepPair.java CLASSES JAR_A JAR_B FILE
 * PASSES WARMUP (CLASSES: {@code javac -cp JAR_A -d CLASSES benchmarks/jobs/MaskStepCost.java}; a JAR may be a
 * class path, {@code DIR:JAR}, to put a few classes of another form before a build's).
 */
public class MaskStepPair {
    public static void main(String[] a) throws Throwable {
        URL classes = new File(a[0]).toURI().toURL();
        Object[] cost = new Object[2];
        Method[] pass = new Method[2];
        for (int b = 0; b < 2; b++) {
            String[] jar = a[1 + b].split(File.pathSeparator); // a jar, or folders and a jar, first found first
            URL[] path = new URL[jar.length + 1];
            path[0] = classes;
            for (int k = 0; k < jar.length; k++) {
                path[k + 1] = new File(jar[k]).toURI().toURL();
            }
            URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass("MaskStepCost");
            cost[b] = c.getConstructor(String.class).newInstance(a[3]);
            pass[b] = c.getMethod("pass");
        }
        int passes = Integer.parseInt(a[4]);
        int warmup = Integer.parseInt(a[5]);
        long[][][] t = new long[2][3][passes];
        long[][] hashes = new long[2][];
        for (int p = 0; p < passes; p++) {
            for (int q = 0; q < 2; q++) {
                int b = (p + q) % 2; // A B, B A, ...
                long[] r = (long[]) pass[b].invoke(cost[b]);
                for (int k = 0; k < 3; k++) {
                    t[b][k][p] = r[k];
                }
                hashes[b] = Arrays.copyOfRange(r, 3, 5);
            }
        }
        String[] parts = {"census", "masker", "tokens"};
        StringBuilder out = new StringBuilder(Path.of(a[3]).getFileName() + ":");
        for (int k = 0; k < 3; k++) {
            double ma = median(t[0][k], warmup);
            double mb = median(t[1][k], warmup);
            int lower = 0;
            for (int p = warmup; p < passes; p++) {
                lower += t[1][k][p] < t[0][k][p] ? 1 : 0;
            }
            double na = min(t[0][k], warmup);
            double nb = min(t[1][k], warmup);
            out.append(String.format(" %s median A %.1f B %.1f ms %+.1f%%, min A %.1f B %.1f ms %+.1f%% (B lower %d of %d);",
                    parts[k], ma, mb, 100 * (mb - ma) / ma, na, nb, 100 * (nb - na) / na, lower, passes - warmup));
        }
        out.append(Arrays.equals(hashes[0], hashes[1]) ? " hashes equal" : " HASHES DIFFER");
        System.out.println(out);
        if (a.length > 6) { // every pass's masker ms, A then B
            System.out.println("A " + Arrays.toString(Arrays.stream(t[0][1]).map(x -> x / 1_000_000).toArray()));
            System.out.println("B " + Arrays.toString(Arrays.stream(t[1][1]).map(x -> x / 1_000_000).toArray()));
        }
    }

    private static double min(long[] x, int from) {
        long m = Long.MAX_VALUE;
        for (int i = from; i < x.length; i++) {
            m = Math.min(m, x[i]);
        }
        return m / 1e6;
    }

    private static double median(long[] x, int from) {
        long[] s = Arrays.copyOfRange(x, from, x.length);
        Arrays.sort(s);
        return (s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0) / 1e6;
    }
}
