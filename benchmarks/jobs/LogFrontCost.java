import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The log job's per-line front-end work, in thread CPU ns a record, each part over all records of a file, PASSES
 * passes, the median of the passes after the first two: "parse" (the source thread's {@code LogSummaryJob.parser}
 * on the file's records), "message" (the keyed thread's {@code JsonLogFields.mined} of each parsed text, the
 * miner's reading of a JSON text), and "write" ({@code BatchFileRun.wellFormedUtf8} of each line of OUTPUTS, a
 * run's output file, as the file runs write it). Package-private methods are called through method handles.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp memctl.jar benchmarks/jobs/LogFrontCost.java FILE OUTPUTS PASSES
 * (C1 alone, as ./memctl runs a log file of under a million lines).
 */
public class LogFrontCost {
    public static void main(String[] a) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        List<String> outputs = Files.readAllLines(Path.of(a[1]));
        int passes = Integer.parseInt(a[2]);
        int n = lines.size();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        KafkaRecord[] recs = new KafkaRecord[n];
        for (int i = 0; i < n; i++) {
            recs[i] = new KafkaRecord("f", 0, i, -1, null, lines.get(i).getBytes(StandardCharsets.UTF_8));
        }
        MethodHandle mined = handle("dev.keymem.jobs.logs.mining.JsonLogFields", "mined",
                MethodType.methodType(String.class, String.class));
        MethodHandle write = handle("dev.keymem.jobs.cli.BatchFileRun", "wellFormedUtf8",
                MethodType.methodType(byte[].class, String.class));
        String[] texts = new String[n];
        String[] outs = outputs.toArray(new String[0]);
        double[][] t = new double[3][passes];
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                try {
                    texts[i] = parser.parse(recs[i]).text;
                } catch (Exception e) {
                    texts[i] = null; // a dead letter
                }
            }
            t[0][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                if (texts[i] != null) {
                    String m = (String) mined.invokeExact(texts[i]);
                    sink += m == null ? 0 : m.length();
                }
            }
            t[1][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            t0 = mx.getCurrentThreadCpuTime();
            for (String o : outs) {
                byte[] b = (byte[]) write.invokeExact(o);
                sink += b.length;
            }
            t[2][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
        }
        System.out.printf("%s: parse %.0f, message %.0f, write %.0f CPU ns a record (median of passes 3-%d; %d)%n",
                Path.of(a[0]).getFileName(), median(t[0]), median(t[1]), median(t[2]), passes, sink & 1);
    }

    private static double median(double[] x) {
        double[] s = Arrays.copyOfRange(x, 2, x.length);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static MethodHandle handle(String cls, String name, MethodType type) throws Exception {
        Method m = Class.forName(cls).getDeclaredMethod(name, type.parameterArray());
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }
}
