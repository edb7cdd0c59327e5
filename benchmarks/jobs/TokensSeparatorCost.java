import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.mining.LineTokens;
import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * mend26 (session 26): what {@code LineTokens.tokens} costs a line in two builds, for the run separator's rule
 * outside ASCII (review 25a F4). The messages are the miner's, as {@code MaskStepCost} makes them (the job's parser,
 * {@code JsonLogFields.mined}, {@code MessageValues.values}), masked once by {@code LineTokens.mask}; a pass is the
 * thread CPU time of {@code LineTokens.tokens} over all of them. Two builds in one JVM, each in a class loader of its
 * own (this class compiled once, loaded twice), their passes alternated (A B, then B A, ...); prints each build's
 * median and minimum of the passes after WARMUP, the pairs where B was lower, and whether the tokens' hashes agree.
 * Usage: {@code javac -cp JAR_A -d CLASSES benchmarks/jobs/TokensSeparatorCost.java}, then
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp CLASSES TokensSeparatorCost CLASSES JAR_A JAR_B FILE
 * PASSES WARMUP} (C1 alone, as ./memctl runs a log file).
 */
public class TokensSeparatorCost {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final String[] masked;

    public TokensSeparatorCost(String file) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(file));
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        MethodHandle mined = handle("dev.keymem.jobs.logs.mining.JsonLogFields", "mined",
                MethodType.methodType(String.class, String.class));
        MethodHandle values = handle("dev.keymem.jobs.logs.mining.MessageValues", "values",
                MethodType.methodType(String.class, String.class));
        LineTokens tokens = new LineTokens();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text;
            try {
                text = parser.parse(new KafkaRecord("f", 0, i, -1, null,
                        lines.get(i).getBytes(StandardCharsets.UTF_8))).text;
            } catch (Exception e) {
                continue; // a dead letter
            }
            String m = (String) mined.invoke(text);
            out.add(tokens.mask((String) values.invoke(m != null ? m : text)));
        }
        masked = out.toArray(new String[0]);
    }

    /** One pass: thread CPU ns of the tokens of every masked line, and their hash. */
    public long[] pass() {
        long t0 = mx.getCurrentThreadCpuTime();
        long h = 0;
        for (String m : masked) {
            h = h * 31 + Arrays.hashCode(LineTokens.tokens(m));
        }
        return new long[] {mx.getCurrentThreadCpuTime() - t0, h, masked.length};
    }

    private static MethodHandle handle(String cls, String name, MethodType type) throws Exception {
        Method m = Class.forName(cls).getDeclaredMethod(name, type.parameterArray());
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }

    public static void main(String[] a) throws Throwable {
        URL classes = new File(a[0]).toURI().toURL();
        Object[] cost = new Object[2];
        Method[] pass = new Method[2];
        for (int b = 0; b < 2; b++) {
            URLClassLoader loader = new URLClassLoader(new URL[] {classes, new File(a[1 + b]).toURI().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> c = loader.loadClass("TokensSeparatorCost");
            cost[b] = c.getConstructor(String.class).newInstance(a[3]);
            pass[b] = c.getMethod("pass");
        }
        int passes = Integer.parseInt(a[4]);
        int warmup = Integer.parseInt(a[5]);
        long[][] t = new long[2][passes];
        long[] hash = new long[2];
        long lines = 0;
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                int b = p % 2 == 0 ? k : 1 - k;
                long[] r = (long[]) pass[b].invoke(cost[b]);
                t[b][p] = r[0];
                hash[b] = r[1];
                lines = r[2];
            }
        }
        int lower = 0;
        for (int p = warmup; p < passes; p++) {
            lower += t[1][p] < t[0][p] ? 1 : 0;
        }
        double ma = median(t[0], warmup) / lines;
        double mb = median(t[1], warmup) / lines;
        System.out.printf("%s: %d lines; tokens ns a line, median (min) of passes %d-%d: A %.1f (%.1f), B %.1f (%.1f),"
                + " B/A %.3f; pairs B lower %d of %d; hashes %s%n", Path.of(a[3]).getFileName(), lines, warmup,
                passes - 1, ma, min(t[0], warmup) / (double) lines, mb, min(t[1], warmup) / (double) lines, mb / ma,
                lower, passes - warmup, hash[0] == hash[1] ? "equal" : "DIFFER");
    }

    private static double median(long[] x, int from) {
        long[] y = Arrays.copyOfRange(x, from, x.length);
        Arrays.sort(y);
        int n = y.length;
        return n % 2 == 1 ? y[n / 2] : (y[n / 2 - 1] + y[n / 2]) / 2.0;
    }

    private static double min(long[] x, int from) {
        long m = Long.MAX_VALUE;
        for (int i = from; i < x.length; i++) {
            m = Math.min(m, x[i]);
        }
        return m;
    }
}
