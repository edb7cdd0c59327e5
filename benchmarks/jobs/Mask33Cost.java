import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.RegexScan;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The masker's moves of a line's positions ({@code RegexScan.Starts.moved}, session 28: the old positions before a
 * match copied without a test against the last one written) against the form before ({@code movedReference}), on
 * the moves the masker makes on a file's real lines. The messages are {@code MaskStepCost}'s (the job's parse, JSON
 * message, value words); each is masked once by {@code LineMasker.maskChars} with its positions, and every change
 * of a walking rule is recorded through the masker's test watch: the positions before it, the line after it, its
 * spans and its literal's length. Then per round every recorded move is replayed by each form on the same arrays
 * (the positions copied into one array, the other the spare): "ref" ({@code movedReference}), "fast"
 * ({@code moved}) and "ref2" ({@code movedReference} again, the A/A control), in an order turned each round;
 * thread CPU ms per form and round, round 1 the cold one (the same set-up a move for each form: the positions
 * copied, the fields set and read through exact method handles). The moved positions' hashes are compared each round.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:CLASSES benchmarks/jobs/Mask33Cost.java
 * FILE ROUNDS (CLASSES: {@code javac -cp memctl.jar -d CLASSES benchmarks/jobs/MaskStepCost.java}).
 */
public class Mask33Cost {
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    static final List<int[]> before = new ArrayList<>();
    static final List<char[]> outs = new ArrayList<>();
    static final List<int[]> spanList = new ArrayList<>();
    static final List<int[]> meta = new ArrayList<>(); // count before, spans, literal length

    public static void main(String[] a) throws Throwable {
        Class<?> costC = Class.forName("MaskStepCost");
        Object cost = costC.getConstructor(String.class).newInstance(a[0]);
        Field msF = costC.getDeclaredField("ms");
        msF.setAccessible(true);
        String[] ms = (String[]) msF.get(cost);
        Field openF = Class.forName("dev.keymem.jobs.logs.mining.LineTokens").getDeclaredField("OPEN");
        openF.setAccessible(true);
        boolean[] open = (boolean[]) openF.get(null);
        Class<?> sc = RegexScan.Starts.class;
        Field atF = field(sc, "at");
        Field countF = field(sc, "count");
        Field spareF = field(sc, "spare");
        Field changedLineF = field(sc, "changedLine");
        Field changedSpansF = field(sc, "changedSpans");
        Field changedCountF = field(sc, "changedCount");
        LineMasker masker = new LineMasker();
        Class<?> w = Class.forName("dev.keymem.jobs.text.LineMasker$RuleWatch");
        Object[] cur = new Object[1]; // the Starts of the line being masked
        Object[] prev = new Object[3]; // the line the rule before scanned, its positions, their count
        Object proxy = Proxy.newProxyInstance(w.getClassLoader(), new Class<?>[] {w}, (p, m, args) -> {
            record(cur[0], prev, (char[]) args[1], atF, countF, changedLineF, changedSpansF, changedCountF);
            return null;
        });
        Field wf = LineMasker.class.getDeclaredField("watch");
        wf.setAccessible(true);
        wf.set(masker, proxy);
        String[] out = new String[1];
        for (String m : ms) {
            char[] cs = m.toCharArray();
            RegexScan.Starts st = RegexScan.Starts.ofWithCensus(cs, open);
            cur[0] = st;
            prev[0] = null;
            char[] res = masker.maskChars(m, cs, out, st);
            record(st, prev, res, atF, countF, changedLineF, changedSpansF, changedCountF);
        }
        int n = before.size();
        System.out.printf("%s: %d messages, %d moves recorded (%.1f a message), %.1f positions a move%n", a[0], ms.length,
                n, n / (double) ms.length, before.stream().mapToInt(x -> x.length).average().orElse(0));
        Method mv = sc.getDeclaredMethod("moved", char[].class, int[].class, int.class, int.class);
        Method mr = sc.getDeclaredMethod("movedReference", char[].class, int[].class, int.class, int.class);
        mv.setAccessible(true);
        mr.setAccessible(true);
        MethodHandles.Lookup l = MethodHandles.lookup();
        MethodHandle[] forms = {l.unreflect(mr), l.unreflect(mv), l.unreflect(mr)};
        String[] names = {"ref", "fast", "ref2"};
        MethodHandle setAt = l.unreflectSetter(atF);
        MethodHandle setCount = l.unreflectSetter(countF);
        MethodHandle setSpare = l.unreflectSetter(spareF);
        MethodHandle getAt = l.unreflectGetter(atF);
        MethodHandle getCount = l.unreflectGetter(countF);
        int rounds = Integer.parseInt(a[1]);
        long[][] t = new long[3][rounds];
        RegexScan.Starts st = RegexScan.Starts.ofWithCensus("x".toCharArray(), open);
        int[] a1 = new int[1 << 16];
        int[] a2 = new int[1 << 16];
        for (int r = 0; r < rounds; r++) {
            long[] hash = new long[3];
            for (int q = 0; q < 3; q++) {
                int f = r % 2 == 0 ? q : 2 - q; // ref fast ref2, then ref2 fast ref
                MethodHandle form = forms[f];
                long h = 0;
                long t0 = MX.getCurrentThreadCpuTime();
                for (int e = 0; e < n; e++) {
                    int[] b = before.get(e);
                    int[] mt = meta.get(e);
                    System.arraycopy(b, 0, a1, 0, b.length);
                    setAt.invokeExact(st, a1);
                    setCount.invokeExact(st, mt[0]);
                    setSpare.invokeExact(st, a2);
                    form.invokeExact(st, outs.get(e), spanList.get(e), mt[1], mt[2]);
                    int c = (int) getCount.invokeExact(st);
                    int[] at = (int[]) getAt.invokeExact(st);
                    h = h * 31 + c * 17 + at[c - 1 < 0 ? 0 : c - 1];
                    if (at != a2) { // where a form allocated: give back the arrays used
                        a2 = at.length >= a2.length ? at : a2;
                    }
                }
                t[f][r] = MX.getCurrentThreadCpuTime() - t0;
                hash[f] = h;
            }
            if (hash[0] != hash[1] || hash[0] != hash[2]) {
                throw new IllegalStateException("forms differ in round " + (r + 1));
            }
        }
        for (int f = 0; f < 3; f++) {
            long[] x = Arrays.copyOfRange(t[f], 1, rounds);
            Arrays.sort(x);
            System.out.printf("%s: cold %.2f ms, warm median %.2f (min %.2f) ms; rounds %s%n", names[f], t[f][0] / 1e6,
                    x[x.length / 2] / 1e6, x[0] / 1e6, Arrays.toString(Arrays.stream(t[f]).map(v -> v / 10_000).toArray()));
        }
        int fastLower = 0;
        int ref2Lower = 0;
        for (int r = 1; r < rounds; r++) {
            fastLower += t[1][r] < t[0][r] ? 1 : 0;
            ref2Lower += t[2][r] < t[0][r] ? 1 : 0;
        }
        System.out.printf("fast lower than ref in %d of %d warm rounds; A/A control ref2 lower than ref in %d of %d%n",
                fastLower, rounds - 1, ref2Lower, rounds - 1);
    }

    private static void record(Object starts, Object[] prev, char[] line, Field atF, Field countF,
                               Field changedLineF, Field changedSpansF, Field changedCountF) throws Exception {
        if (prev[0] != null && line != prev[0] && changedLineF.get(starts) == prev[0]) {
            int count = (int) changedCountF.get(starts);
            if (count > 0) {
                int[] spans = Arrays.copyOf((int[]) changedSpansF.get(starts), 2 * count);
                int removed = 0;
                for (int k = 0; k < count; k++) {
                    removed += spans[2 * k + 1] - spans[2 * k];
                }
                char[] old = (char[]) prev[0];
                int lit = (line.length - old.length + removed) / count;
                before.add((int[]) prev[1]);
                outs.add(line);
                spanList.add(spans);
                meta.add(new int[] {(int) prev[2], count, lit});
            }
        }
        prev[0] = line;
        int c = (int) countF.get(starts);
        prev[1] = Arrays.copyOf((int[]) atF.get(starts), c);
        prev[2] = c;
    }

    private static Field field(Class<?> c, String name) throws Exception {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
