import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.mining.AlertLines;
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
 * mend27b (session 27): what the regexes whose word boundaries were spelled out cost a line in two builds:
 * {@code MessageValues.values} over the miner's messages (each record parsed as the job's source does, its JSON
 * message read by {@code JsonLogFields.mined}), and {@code AlertLines.isAlert} over the same messages (the
 * evaluation's use). A pass is the thread CPU time of each over all of them. Two builds in one JVM, each in a class
 * loader of its own (this class compiled once, loaded twice), their passes alternated (A B, then B A, ...); prints
 * each build's median and minimum ns a line after WARMUP passes, the pairs where B was lower, and whether the
 * outputs' hashes agree. Usage: {@code javac -cp JAR_A -d CLASSES benchmarks/jobs/Mend27bBoundaryCost.java}, then
 * {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp CLASSES Mend27bBoundaryCost CLASSES JAR_A JAR_B FILE
 * PASSES WARMUP} (C1 alone, as ./memctl runs a log file).
 */
public class Mend27bBoundaryCost {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final String[] messages;
    private final MethodHandle values;

    public Mend27bBoundaryCost(String file) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(file));
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        MethodHandle mined = handle("dev.keymem.jobs.logs.mining.JsonLogFields", "mined",
                MethodType.methodType(String.class, String.class));
        values = handle("dev.keymem.jobs.logs.mining.MessageValues", "values",
                MethodType.methodType(String.class, String.class));
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
            out.add(m != null ? m : text);
        }
        messages = out.toArray(new String[0]);
    }

    /** One pass: thread CPU ns of values and of isAlert over every message, their hashes, the count. */
    public long[] pass() throws Throwable {
        long t0 = mx.getCurrentThreadCpuTime();
        long h = 0;
        for (String m : messages) {
            h = h * 31 + ((String) values.invokeExact(m)).hashCode();
        }
        long t1 = mx.getCurrentThreadCpuTime();
        long a = 0;
        for (String m : messages) {
            a = a * 31 + (AlertLines.isAlert(m) ? 1 : 0);
        }
        long t2 = mx.getCurrentThreadCpuTime();
        return new long[] {t1 - t0, t2 - t1, h * 31 + a, messages.length};
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
            Class<?> c = loader.loadClass("Mend27bBoundaryCost");
            cost[b] = c.getConstructor(String.class).newInstance(a[3]);
            pass[b] = c.getMethod("pass");
        }
        int passes = Integer.parseInt(a[4]);
        int warmup = Integer.parseInt(a[5]);
        long[][][] t = new long[2][2][passes];
        long[] hash = new long[2];
        long lines = 0;
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                int b = p % 2 == 0 ? k : 1 - k;
                long[] r = (long[]) pass[b].invoke(cost[b]);
                t[0][b][p] = r[0];
                t[1][b][p] = r[1];
                hash[b] = r[2];
                lines = r[3];
            }
        }
        String[] parts = {"values", "isAlert"};
        StringBuilder sb = new StringBuilder(Path.of(a[3]).getFileName() + ": " + lines + " messages");
        for (int k = 0; k < 2; k++) {
            int lower = 0;
            for (int p = warmup; p < passes; p++) {
                lower += t[k][1][p] < t[k][0][p] ? 1 : 0;
            }
            double ma = median(t[k][0], warmup) / lines;
            double mb = median(t[k][1], warmup) / lines;
            sb.append(String.format("; %s ns a line, median (min) of passes %d-%d: A %.1f (%.1f), B %.1f (%.1f), B/A"
                    + " %.3f, pairs B lower %d of %d", parts[k], warmup, passes - 1, ma,
                    min(t[k][0], warmup) / (double) lines, mb, min(t[k][1], warmup) / (double) lines, mb / ma, lower,
                    passes - warmup));
        }
        System.out.println(sb.append("; hashes ").append(hash[0] == hash[1] ? "equal" : "DIFFER"));
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
