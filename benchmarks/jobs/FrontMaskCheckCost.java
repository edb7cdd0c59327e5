import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The front end's second look at the miner's masked messages, in thread CPU ns a record: "reference"
 * ({@code LineMasker.mayChangeMasked}), "bytes" ({@code TextFrontEnd.mayChangeMasked}, package-private, called
 * through a method handle) over every masked message of the file the front end checks (those of at most 4,096
 * chars; longer ones are cut and masked again), the two in turned order each pass; and "vector" ({@code
 * TextFrontEnd.vectorOfMasked} of every message, the whole front end, for scale). Messages are the miner's
 * ({@code TemplateMiner.accept(..).masked()}, default settings, one state) of the job's parse of each line.
 * Median of the passes after the first two. Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp memctl.jar
 * benchmarks/jobs/FrontMaskCheckCost.java FILE PASSES
 */
public class FrontMaskCheckCost {
    public static void main(String[] a) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(a[0]));
        int passes = Integer.parseInt(a[1]);
        int n = lines.size();
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults());
        MinerState state = new MinerState();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                LogLine l = parser.parse(new KafkaRecord("f", 0, i, -1, null, lines.get(i).getBytes(StandardCharsets.UTF_8)));
                all.add(miner.accept(state, l.text, l.bare).masked());
            } catch (Exception e) {
                // a dead letter
            }
        }
        String[] checked = all.stream().filter(s -> s.length() <= 4096).toArray(String[]::new);
        String[] msgs = all.toArray(new String[0]);
        Method m = TextFrontEnd.class.getDeclaredMethod("mayChangeMasked", String.class);
        m.setAccessible(true);
        MethodHandle bytes = MethodHandles.lookup().unreflect(m);
        TextFrontEnd fe = TextFrontEnd.builder().build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] t = new double[3][passes];
        long sink = 0;
        int trues = 0;
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                boolean ref = (k == 0) == (p % 2 == 0);
                long t0 = mx.getCurrentThreadCpuTime();
                for (String s : checked) {
                    boolean c = ref ? LineMasker.mayChangeMasked(s) : (boolean) bytes.invokeExact(s);
                    sink += c ? 1 : 0;
                }
                t[ref ? 0 : 1][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
            long t0 = mx.getCurrentThreadCpuTime();
            for (String s : msgs) {
                sink += fe.vectorOfMasked(s).length;
            }
            t[2][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
        }
        for (String s : checked) {
            trues += LineMasker.mayChangeMasked(s) ? 1 : 0;
        }
        System.out.printf("%s: %d records, %d messages checked (%d may change): reference %.0f, bytes %.0f, vector %.0f"
                + " CPU ns a record (median of passes 3-%d; %d)%n", Path.of(a[0]).getFileName(), n, checked.length,
                trues, median(t[0]), median(t[1]), median(t[2]), passes, sink & 1);
    }

    private static double median(double[] x) {
        double[] s = Arrays.copyOfRange(x, 2, x.length);
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
