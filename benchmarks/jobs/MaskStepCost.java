import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.mining.LineTokens;
import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.RegexScan;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The log job's masking step alone, in thread CPU ms over all messages of a file, the minimum of PASSES passes
 * after the first two. The messages are those the miner masks for most lines: each record parsed as the job's
 * source does ({@code LogSummaryJob.parser}), its JSON message read ({@code JsonLogFields.mined}) and its value
 * words kept ({@code MessageValues.values}); access-log and field lines take other paths in the miner and are
 * masked here like the rest. Parts: "census" ({@code RegexScan.Starts.ofWithCensus} with the miner's open table:
 * the positions and the masker's census), "masker" (census and {@code LineMasker.maskChars}, the masker's rules),
 * "tokens" ({@code LineTokens.mask}, the whole step: host rules, census, masker, later rules, identifiers). A hash
 * of the masked lines is printed, to compare builds' outputs. Package-private members are reached by reflection.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp memctl.jar benchmarks/jobs/MaskStepCost.java FILE PASSES
 * (C1 alone, as ./memctl runs a log file of under a million lines). {@code MaskStepPair} runs two builds' passes
 * in one JVM, alternated.
 */
public class MaskStepCost {
    public static void main(String[] a) throws Throwable {
        MaskStepCost cost = new MaskStepCost(a[0]);
        int passes = Integer.parseInt(a[1]);
        long[][] t = new long[3][passes];
        long[] last = null;
        for (int p = 0; p < passes; p++) {
            last = cost.pass();
            for (int k = 0; k < 3; k++) {
                t[k][p] = last[k];
            }
        }
        System.out.printf("%s: %d messages; census %.1f, masker %.1f, tokens %.1f CPU ms (min of passes 3-%d);"
                + " hashes masker %016x tokens %016x%n", Path.of(a[0]).getFileName(), cost.ms.length,
                min(t[0]), min(t[1]), min(t[2]), passes, last[3], last[4]);
    }

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final boolean[] open;
    private final String[] ms;
    private final char[][] chars;
    private final LineMasker masker = new LineMasker();
    private final LineTokens tokens = new LineTokens();
    /** Read by no one: keeps the census pass from being dropped. */
    public long sink;

    /** The messages of {@code file} (see the class doc), ready for {@link #pass}. */
    public MaskStepCost(String file) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(file));
        RecordParser<LogLine> parser = LogSummaryJob.parser(null);
        MethodHandle mined = handle("dev.keymem.jobs.logs.mining.JsonLogFields", "mined",
                MethodType.methodType(String.class, String.class));
        MethodHandle values = handle("dev.keymem.jobs.logs.mining.MessageValues", "values",
                MethodType.methodType(String.class, String.class));
        Field openField = LineTokens.class.getDeclaredField("OPEN");
        openField.setAccessible(true);
        open = (boolean[]) openField.get(null);
        List<String> msgs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String text;
            try {
                text = parser.parse(new KafkaRecord("f", 0, i, -1, null,
                        lines.get(i).getBytes(StandardCharsets.UTF_8))).text;
            } catch (Exception e) {
                continue; // a dead letter
            }
            String m = (String) mined.invoke(text);
            msgs.add((String) values.invoke(m != null ? m : text));
        }
        ms = msgs.toArray(new String[0]);
        chars = new char[ms.length][];
        for (int i = 0; i < ms.length; i++) {
            chars[i] = ms[i].toCharArray();
        }
    }

    /** One pass of each part: thread CPU ns of census, masker, tokens, then the masker's and tokens' hashes. */
    public long[] pass() {
        long[] r = new long[5];
        String[] out = new String[1];
        long t0 = mx.getCurrentThreadCpuTime();
        for (char[] cs : chars) {
            sink += RegexScan.Starts.ofWithCensus(cs, open).tokenChecks();
        }
        r[0] = mx.getCurrentThreadCpuTime() - t0;
        t0 = mx.getCurrentThreadCpuTime();
        long h = 0;
        for (int i = 0; i < ms.length; i++) {
            char[] cs = chars[i];
            RegexScan.Starts starts = RegexScan.Starts.ofWithCensus(cs, open);
            char[] m = masker.maskChars(ms[i], cs, out, starts);
            h = h * 31 + Arrays.hashCode(m);
        }
        r[1] = mx.getCurrentThreadCpuTime() - t0;
        r[3] = h;
        t0 = mx.getCurrentThreadCpuTime();
        h = 0;
        for (String m : ms) {
            h = h * 31 + tokens.mask(m).hashCode();
        }
        r[2] = mx.getCurrentThreadCpuTime() - t0;
        r[4] = h;
        return r;
    }

    private static double min(long[] x) {
        long m = Long.MAX_VALUE;
        for (int i = Math.min(2, x.length - 1); i < x.length; i++) {
            m = Math.min(m, x[i]);
        }
        return m / 1e6;
    }

    private static MethodHandle handle(String cls, String name, MethodType type) throws Exception {
        Method m = Class.forName(cls).getDeclaredMethod(name, type.parameterArray());
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }
}
