import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.RegexScan;
import java.lang.management.*;
import java.lang.reflect.*;
import java.util.*;
/**
 * The masker's hex-run rule's end ({@code LineMasker.hexRunEnd}, session 28: the run read by one table load a char)
 * against the form before ({@code hexRunEndReference}) at the positions where the rule's walk asks it on a file's
 * real lines: MaskStepCost's messages (the job's parse, JSON message, value words) masked once by
 * {@code LineMasker.maskChars} with their positions; through the masker's test watch, before the hex-run rule (rule
 * 11) on lines whose census lets it run, the positions whose char is a hex digit not after a word char (the walk's
 * tables) are recorded. Per round, 5 passes of each form over them: "ref", "fast", "ref2" (ref again, the A/A
 * control), order turned each round, thread CPU ms, round 1 dropped; both through exact method handles; the
 * answers' hashes compared each round.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar:CLASSES
 * benchmarks/jobs/Mask33Cost.java FILE ROUNDS (CLASSES: {@code javac -cp memctl.jar -d CLASSES
 * benchmarks/jobs/MaskStepCost.java}).
 */
public class Mask33Cost {
    static boolean hex(char c) { return RegexScan.hex(c); }
    static java.lang.invoke.MethodHandle FAST;
    static java.lang.invoke.MethodHandle REF;

    public static void main(String[] a) throws Throwable {
        Class<?> costC = Class.forName("MaskStepCost");
        Object cost = costC.getConstructor(String.class).newInstance(a[0]);
        Field msF = costC.getDeclaredField("ms"); msF.setAccessible(true);
        String[] ms = (String[]) msF.get(cost);
        Field openF = Class.forName("dev.keymem.jobs.logs.mining.LineTokens").getDeclaredField("OPEN"); openF.setAccessible(true);
        boolean[] open = (boolean[]) openF.get(null);
        Field atF = RegexScan.Starts.class.getDeclaredField("at"); atF.setAccessible(true);
        Field cF = RegexScan.Starts.class.getDeclaredField("count"); cF.setAccessible(true);
        LineMasker masker = new LineMasker();
        Method fm = LineMasker.class.getDeclaredMethod("hexRunEnd", char[].class, int.class);
        Method rm = LineMasker.class.getDeclaredMethod("hexRunEndReference", char[].class, int.class);
        fm.setAccessible(true);
        rm.setAccessible(true);
        FAST = java.lang.invoke.MethodHandles.lookup().unreflect(fm);
        REF = java.lang.invoke.MethodHandles.lookup().unreflect(rm);
        Method mayMatch = LineMasker.class.getDeclaredMethod("mayMatch", int.class,
                Class.forName("dev.keymem.jobs.text.LineMasker$Census"));
        mayMatch.setAccessible(true);
        Class<?> w = Class.forName("dev.keymem.jobs.text.LineMasker$RuleWatch");
        List<char[]> lines = new ArrayList<>(); List<int[]> pos = new ArrayList<>();
        Object[] cur = new Object[1];
        Object proxy = Proxy.newProxyInstance(w.getClassLoader(), new Class<?>[]{w}, (p, m, args) -> {
            if ((Integer) args[0] == 11 && (boolean) mayMatch.invoke(null, 11, args[2])) { char[] cs = (char[]) args[1]; int c = (int) cF.get(cur[0]); int[] at = (int[]) atF.get(cur[0]);
                int[] q = new int[c]; int k = 0;
                for (int j = 0; j < c; j++) { int i = at[j]; if (hex(cs[i]) && (i == 0 || !(cs[i-1] < 128 && RegexScan.word(cs[i-1])))) q[k++] = i; }
                lines.add(cs); pos.add(Arrays.copyOf(q, k)); }
            return null; });
        Field wf = LineMasker.class.getDeclaredField("watch"); wf.setAccessible(true); wf.set(masker, proxy);
        String[] out = new String[1];
        for (String m : ms) { char[] cs = m.toCharArray(); RegexScan.Starts st = RegexScan.Starts.ofWithCensus(cs, open); cur[0] = st; masker.maskChars(m, cs, out, st); }
        long calls = pos.stream().mapToLong(x -> x.length).sum();
        System.out.printf("%s: %d lines run the hex-run rule, %d calls%n", a[0], lines.size(), calls);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = Integer.parseInt(a[1]); long[][] t = new long[3][rounds];
        char[][] L = lines.toArray(new char[0][]); int[][] P = pos.toArray(new int[0][]);
        for (int r = 0; r < rounds; r++) { long[] h = new long[3];
            for (int q = 0; q < 3; q++) { int f = r % 2 == 0 ? q : 2 - q; long s = 0; long t0 = mx.getCurrentThreadCpuTime();
                for (int rep = 0; rep < 5; rep++)
                for (int e = 0; e < L.length; e++) { char[] cs = L[e]; java.lang.invoke.MethodHandle form = f == 1 ? FAST : REF; for (int i : P[e]) s = s * 31 + (int) form.invokeExact(cs, i); }
                t[f][r] = mx.getCurrentThreadCpuTime() - t0; h[f] = s; }
            if (h[0] != h[1] || h[0] != h[2]) throw new IllegalStateException("differ"); }
        String[] nm = {"ref", "fast", "ref2"};
        for (int f = 0; f < 3; f++) { long[] x = Arrays.copyOfRange(t[f], 1, rounds); Arrays.sort(x); System.out.printf("%s warm median %.2f ms (min %.2f) for 5 passes%n", nm[f], x[x.length/2]/1e6, x[0]/1e6); }
        int fl = 0, al = 0; for (int r = 1; r < rounds; r++) { fl += t[1][r] < t[0][r] ? 1 : 0; al += t[2][r] < t[0][r] ? 1 : 0; }
        System.out.printf("fast lower %d of %d, ref2 lower %d of %d%n", fl, rounds - 1, al, rounds - 1);
    }
}
