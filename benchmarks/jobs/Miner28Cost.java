import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Session 28 (miner28): the template miner's access-line and request-fields checks over the real lines of a file,
 * the form before ({@code AccessLogLine.masked(line)}, then {@code requestFields(line)} where it is null: both scans
 * on every line that is no JSON record) and the form after ({@code line.indexOf('"')} once, then
 * {@code masked(line, quote)} and {@code requestFields(line, quote)}: a line without a double quote is scanned for
 * neither). FILE's lines are parsed first ({@code LogLine.text}, what {@code TemplateMiner.accept} is given; JSON
 * lines whose message is a JSON record are kept too, the check being the same code), then PASSES rounds, each
 * timing both forms over every line (CPU ms of this thread), the order turned each round (before first in even
 * rounds); the first round is the cold one (reported apart). Both forms' results hash equal or it stops. Usage
 * (C1 alone, as memctl runs files up to 20 MiB):
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp TREE/jobs/target/memctl.jar benchmarks/jobs/Miner28Cost.java FILE PASSES
 */
public class Miner28Cost {
    private static MethodHandle handle(Class<?> c, String name, Class<?>... params) throws Exception {
        Method m = c.getDeclaredMethod(name, params);
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }

    public static void main(String[] a) throws Throwable {
        int passes = Integer.parseInt(a[1]);
        LogLineParser parser = new LogLineParser(null);
        List<String> texts = new ArrayList<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue;
            }
            try {
                LogLine l = parser.parse(null, s, o, -1);
                texts.add(l.text);
            } catch (Exception e) {
                // a dead letter in the job
            }
        }
        String[] lines = texts.toArray(new String[0]);
        Class<?> c = Class.forName("dev.keymem.jobs.logs.mining.AccessLogLine");
        MethodHandle masked = handle(c, "masked", String.class);
        MethodHandle request = handle(c, "requestFields", String.class);
        MethodHandle maskedQ = handle(c, "masked", String.class, int.class);
        MethodHandle requestQ = handle(c, "requestFields", String.class, int.class);
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] before = new double[passes];
        double[] after = new double[passes];
        long hb = 0;
        long ha = 0;
        int quoted = 0;
        for (String l : lines) {
            quoted += l.indexOf('"') >= 0 ? 1 : 0;
        }
        for (int p = 0; p < passes; p++) {
            for (int f = 0; f < 2; f++) {
                boolean doBefore = (p % 2 == 0) == (f == 0);
                long t0 = bean.getCurrentThreadCpuTime();
                long h = 0;
                if (doBefore) {
                    for (String l : lines) {
                        String m = (String) masked.invokeExact(l);
                        String r = m == null ? (String) request.invokeExact(l) : null;
                        h = h * 31 + (m != null ? m.hashCode() : 1) + (r != null ? r.hashCode() : 2);
                    }
                    before[p] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
                    hb = h;
                } else {
                    for (String l : lines) {
                        int q = l.indexOf('"');
                        String m = (String) maskedQ.invokeExact(l, q);
                        String r = m == null ? (String) requestQ.invokeExact(l, q) : null;
                        h = h * 31 + (m != null ? m.hashCode() : 1) + (r != null ? r.hashCode() : 2);
                    }
                    after[p] = (bean.getCurrentThreadCpuTime() - t0) / 1e6;
                    ha = h;
                }
            }
            if (ha != hb) {
                throw new AssertionError("the forms differ in pass " + p);
            }
        }
        double[] bw = Arrays.copyOfRange(before, 1, passes);
        double[] aw = Arrays.copyOfRange(after, 1, passes);
        int lower = 0;
        for (int p = 1; p < passes; p++) {
            lower += after[p] < before[p] ? 1 : 0;
        }
        Arrays.sort(bw);
        Arrays.sort(aw);
        System.out.printf("%s: %d lines (%d with a double quote); cold before %.2f after %.2f ms; warm (%d) median"
                        + " before %.2f after %.2f ms (min %.2f / %.2f), after lower %d of %d; hash %x%n",
                Path.of(a[0]).getFileName(), lines.length, quoted, before[0], after[0], passes - 1,
                bw[bw.length / 2], aw[aw.length / 2], bw[0], aw[0], lower, passes - 1, ha);
    }
}
