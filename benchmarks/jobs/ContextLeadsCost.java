import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextFrontEnd;
import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.kafka.ByteScan;
import dev.keymem.operators.MemoryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two of session 24's leads for the context job on long texts (docs/benchmarks.md, ctx24), each timed in thread CPU
 * ms over every event of a JSON-lines context input, PASSES passes, the minimum printed:
 * <ul>
 * <li>"sort": what the event memory's write does with an event's terms before anything else
 * ({@code EventMemory.distinctCountsScratch}: copy into a scratch array, {@code Arrays.sort}, count the runs), on the
 * terms as the front end hands them ({@code ContextFrontEnd.map}'s {@code tokenIds}, write events only);
 * "sorted": the same on the terms already sorted (what the write would pay if the front end handed them sorted);
 * "front": what the front end would pay to hand them sorted with their repeats (a copy and {@code Arrays.sort});
 * "dedupe": the front end's other way, each distinct term once (an open-addressing table of the text's terms with
 * counts), only the distinct ones sorted, the sorted array with repeats written from the counts.</li>
 * <li>"escape": the payload writer's scan of each event's text for a byte needing a JSON escape
 * ({@code ByteScan.jsonStringStop} over the text's bytes, ASCII texts only), the scan a flag carried from the parser
 * would save.</li>
 * </ul>
 * Prints a checksum of the results (the same in every variant of "sort"). A measuring program, not a test.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp memctl.jar benchmarks/jobs/ContextLeadsCost.java FILE PASSES
 */
public class ContextLeadsCost {
    static final ThreadMXBean TM = ManagementFactory.getThreadMXBean();
    static int[] scratch = new int[0];
    static int[] counts = new int[0];

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(Path.of(a[0]), StandardCharsets.UTF_8)) {
            JsonNode n = json.readTree(line);
            ContextEvent e = new ContextEvent();
            e.user = n.path("user").asText();
            e.text = n.path("text").asText();
            e.type = n.hasNonNull("type") ? n.get("type").asText() : null;
            e.query = n.path("query").asBoolean(false);
            e.ts = n.hasNonNull("ts") ? n.get("ts").asText() : null;
            e.ascii = isAscii(e.text) && (e.type == null || isAscii(e.type)) && (e.ts == null || isAscii(e.ts));
            evs.add(e);
        }
        int passes = Integer.parseInt(a[1]);
        ContextFrontEnd fe = new ContextFrontEnd(ContextOptions.Embedder.HASHING, 256);
        List<int[]> terms = new ArrayList<>();
        List<byte[]> texts = new ArrayList<>();
        long termCount = 0;
        for (ContextEvent e : evs) {
            MemoryRecord r = fe.map(e);
            if (!e.query) {
                terms.add(r.tokenIds);
                termCount += r.tokenIds.length;
            }
            if (e.ascii) {
                texts.add(e.text.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        int[][] t = terms.toArray(new int[0][]);
        int[][] sortedTerms = new int[t.length][];
        for (int i = 0; i < t.length; i++) {
            sortedTerms[i] = t[i].clone();
            Arrays.sort(sortedTerms[i]);
        }
        byte[][] bs = texts.toArray(new byte[0][]);
        System.out.printf("%s: %d events, %d writes, %d terms (%.1f a write), %d ASCII texts%n", a[0], evs.size(),
                t.length, termCount, (double) termCount / t.length, bs.length);
        long[] min = new long[5];
        Arrays.fill(min, Long.MAX_VALUE);
        String[] names = {"sort", "sorted", "front", "dedupe", "escape"};
        long[] sums = new long[5];
        for (int p = 0; p < passes; p++) {
            for (int v = 0; v < 5; v++) {
                int w = (v + p) % 5; // the order turned each pass
                long c0 = TM.getCurrentThreadCpuTime();
                long s = switch (w) {
                    case 0 -> distinctAll(t);
                    case 1 -> distinctAll(sortedTerms);
                    case 2 -> frontSort(t);
                    case 3 -> frontDedupe(t);
                    default -> escapes(bs);
                };
                long c1 = TM.getCurrentThreadCpuTime();
                min[w] = Math.min(min[w], c1 - c0);
                sums[w] = s;
            }
        }
        StringBuilder out = new StringBuilder("min ms:");
        for (int v = 0; v < 5; v++) {
            out.append(String.format(" %s %.1f", names[v], min[v] / 1e6));
        }
        System.out.println(out);
        System.out.printf("checks: sort %d sorted %d front %d dedupe %d escape %d%n", sums[0], sums[1], sums[2],
                sums[3], sums[4]);
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The write's sort and count (EventMemory.distinctCountsScratch's steps) of each array; a checksum. */
    static long distinctAll(int[][] t) {
        long s = 0;
        for (int[] terms : t) {
            int n = terms.length;
            if (scratch.length < n) {
                scratch = new int[Math.max(n, 2 * scratch.length)];
                counts = new int[scratch.length];
            }
            System.arraycopy(terms, 0, scratch, 0, n);
            Arrays.sort(scratch, 0, n);
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (k > 0 && scratch[k - 1] == scratch[i]) {
                    counts[k - 1]++;
                } else {
                    scratch[k] = scratch[i];
                    counts[k] = 1;
                    k++;
                }
            }
            int[] d = Arrays.copyOf(scratch, k);
            int[] c = Arrays.copyOf(counts, k);
            s = s * 31 + k + d[k > 0 ? k - 1 : 0] + c[0 < k ? 0 : 0];
        }
        return s;
    }

    /** The terms of each array sorted with their repeats, as a new array (what the front end would hand on). */
    static long frontSort(int[][] t) {
        long s = 0;
        for (int[] terms : t) {
            int[] o = terms.clone();
            Arrays.sort(o);
            s += o.length == 0 ? 0 : o[o.length - 1];
        }
        return s;
    }

    static int[] keys = new int[64];
    static int[] cnt = new int[64];
    static int[] used = new int[64];

    /** Each array's distinct terms counted in a table, sorted, written out with their repeats. */
    static long frontDedupe(int[][] t) {
        long s = 0;
        for (int[] terms : t) {
            int n = terms.length;
            int size = Integer.highestOneBit(Math.max(8, 2 * n)) << 1;
            if (keys.length < size) {
                keys = new int[size];
                cnt = new int[size];
                used = new int[size];
            }
            int mask = size - 1;
            int k = 0;
            for (int term : terms) {
                int h = (term * 0x9E3779B9) >>> 7 & mask;
                while (cnt[h] != 0 && keys[h] != term) {
                    h = (h + 1) & mask;
                }
                if (cnt[h] == 0) {
                    keys[h] = term;
                    used[k++] = h;
                }
                cnt[h]++;
            }
            int[] d = new int[k];
            for (int i = 0; i < k; i++) {
                d[i] = keys[used[i]];
            }
            Arrays.sort(d);
            int[] o = new int[n];
            int j = 0;
            for (int i = 0; i < k; i++) {
                int h = (d[i] * 0x9E3779B9) >>> 7 & mask;
                while (keys[h] != d[i]) {
                    h = (h + 1) & mask;
                }
                for (int c = cnt[h]; c > 0; c--) {
                    o[j++] = d[i];
                }
            }
            for (int i = 0; i < k; i++) {
                cnt[used[i]] = 0;
            }
            s += n == 0 ? 0 : o[n - 1];
        }
        return s;
    }

    /** The payload writer's escape scan of each ASCII text; the sum of the first stops. */
    static long escapes(byte[][] bs) {
        long s = 0;
        for (byte[] b : bs) {
            s += ByteScan.jsonStringStop(b, 0, b.length);
        }
        return s;
    }
}
