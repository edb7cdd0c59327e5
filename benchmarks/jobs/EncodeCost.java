import dev.keymem.jobs.text.HashingEmbedder;
import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The log job's {@code TextFrontEnd.encodeMasked} of its distinct masked messages, in thread CPU ns a message: each
 * line's message (a JSON line's "message" field, else the line) masked by the front end's masker, the distinct
 * results encoded by a fresh front end (an empty token cache) each pass, PASSES passes, the median of the passes after
 * the first two. "encode" is the whole call (any memctl.jar); where the jar has the reference forms (branch lfenc),
 * "embed" / "embedRef" time {@code HashingEmbedder.embedTokens} / {@code embedTokensReference} on the messages' ids and
 * "cut" / "cutRef" {@code Tokenizer.cutUncached} / {@code cutUncachedReference} (no token cache), interleaved; where
 * it has {@code TextFrontEnd.vectorOfMasked} (branch front7), "vector" times it (a fresh front end each pass, right
 * after "encode": the same work less the kept text of a cut message).
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp memctl.jar benchmarks/jobs/EncodeCost.java FILE PASSES
 */
public class EncodeCost {
    static String message(String line) {
        int at = line.indexOf("\"message\": \"");
        int skip = 12;
        if (at < 0) {
            at = line.indexOf("\"message\":\"");
            skip = 11;
        }
        if (!line.startsWith("{") || at < 0) {
            return line;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = at + skip; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                break;
            }
            if (c == '\\' && i + 1 < line.length()) {
                char e = line.charAt(++i);
                sb.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public static void main(String[] a) throws Throwable {
        List<String> lines = Files.readAllLines(Path.of(a[0]), StandardCharsets.UTF_8);
        int passes = Integer.parseInt(a[1]);
        TextFrontEnd masking = TextFrontEnd.builder().build();
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String l : lines) {
            distinct.add(masking.template(message(l)));
        }
        String[] texts = distinct.toArray(new String[0]);
        int n = texts.length;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle embedRef = null;
        MethodHandle cut = null;
        MethodHandle cutRef = null;
        try {
            Class<?> tk = Class.forName("dev.keymem.jobs.text.Tokenizer");
            Method m = HashingEmbedder.class.getDeclaredMethod("embedTokensReference", int[].class);
            m.setAccessible(true);
            embedRef = lookup.unreflect(m);
            Method c = tk.getDeclaredMethod("cutUncached", String.class, String[].class);
            c.setAccessible(true);
            cut = lookup.unreflect(c);
            Method cr = tk.getDeclaredMethod("cutUncachedReference", String.class, String[].class);
            cr.setAccessible(true);
            cutRef = lookup.unreflect(cr);
        } catch (NoSuchMethodException e) {
            // a jar without the reference forms: the whole call only
        }
        Class<?> tk = Class.forName("dev.keymem.jobs.text.Tokenizer");
        Method cl = tk.getDeclaredMethod("cl100k", int.class);
        int[][] ids = new int[n][];
        TextFrontEnd ids0 = TextFrontEnd.builder().build();
        for (int i = 0; i < n; i++) {
            ids[i] = ids0.encodeMasked(texts[i]).tokenIds;
        }
        HashingEmbedder he = new HashingEmbedder(64);
        MethodHandle vectorOf = null;
        try {
            vectorOf = lookup.findVirtual(TextFrontEnd.class, "vectorOfMasked", MethodType.methodType(float[].class, String.class));
        } catch (NoSuchMethodException e) {
            // a jar before branch front7: no "vector" part
        }
        String[] names = {"encode", "embed", "embedRef", "cut", "cutRef", "vector"};
        double[][] t = new double[names.length][passes];
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            TextFrontEnd fe = TextFrontEnd.builder().build();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                sink += fe.encodeMasked(texts[i]).tokenIds.length;
            }
            t[0][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            if (vectorOf != null) {
                TextFrontEnd fv = TextFrontEnd.builder().build();
                t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    float[] v = (float[]) vectorOf.invokeExact(fv, texts[i]);
                    sink += Float.floatToRawIntBits(v[0]);
                }
                t[5][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
            if (embedRef == null) {
                continue;
            }
            for (int k = 0; k < 2; k++) {
                boolean ref = (p + k) % 2 == 1; // the order turns each pass
                t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    float[] v = ref ? (float[]) embedRef.invoke(he, ids[i]) : he.embedTokens(ids[i]);
                    sink += Float.floatToRawIntBits(v[0]);
                }
                t[ref ? 2 : 1][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
            for (int k = 0; k < 2; k++) {
                boolean ref = (p + k) % 2 == 1;
                Object tok = cl.invoke(null, 512);
                t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    Object c = ref ? cutRef.invoke(tok, texts[i], (String[]) null) : cut.invoke(tok, texts[i], (String[]) null);
                    sink += c.hashCode() & 1;
                }
                t[ref ? 4 : 3][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
        }
        StringBuilder out = new StringBuilder(Path.of(a[0]).getFileName() + " messages=" + n);
        for (int k = 0; k < names.length; k++) {
            if (k > 0 && k < 5 && embedRef == null || k == 5 && vectorOf == null) {
                continue;
            }
            double[] s = Arrays.copyOfRange(t[k], Math.min(2, passes - 1), passes);
            Arrays.sort(s);
            out.append(String.format(" %s=%.0f", names[k], s[s.length / 2]));
        }
        System.out.println(out + " ns/message (sink " + (sink & 1) + ")");
    }
}
