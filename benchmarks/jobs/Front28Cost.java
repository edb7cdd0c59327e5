import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Session 28 (front28): how much of the cl100k cut's piece loop a fusion of {@code Cl100kBpe.pieceEnd(byte[], int)}
 * with the short-piece key ({@code key = key << 7 | t[i]} over a piece of at most 8 bytes, in {@code encodeAscii})
 * could save at most. Over the ASCII masked messages of a file (each line's message, masked by the front end's
 * masker, distinct), every piece is walked three ways, order turned each pass: "end" = pieceEnd alone (the scan
 * every piece pays), "endKey" = pieceEnd then the key loop over a piece of at most 8 bytes (what encodeAscii does
 * now), "endA" = "end" again (the A/A control: its gap to "end" is this run's noise). endKey - end is the key loop's
 * cost, the most a fused scan could save. pieceEnd is a copy of the jar's Cl100kBpe.pieceEnd(byte[], int) at main
 * 4ddfac64 (same code, run under the same C1; the jar's own form is package-private), kept here only to time it.
 * ns a message, median of passes 3..PASSES. Mode "cache" (a third argument): see {@link #cache}.
 * Usage: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn32m -XX:MaxTenuringThreshold=0 -cp memctl.jar
 *        benchmarks/jobs/Front28Cost.java FILE PASSES [cache]
 */
public class Front28Cost {
    static final byte LETTER = 1, DIGIT = 2, NEWLINE = 3, SPACE = 4, PUNCT = 0;
    static final byte[] CLS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            boolean nl = c == '\r' || c == '\n';
            boolean ws = c == ' ' || (c >= '\t' && c <= '\r');
            CLS[c] = letter ? LETTER : digit ? DIGIT : nl ? NEWLINE : ws ? SPACE : PUNCT;
        }
    }

    static boolean shortC(int c) {
        return c == 's' || c == 'd' || c == 't' || c == 'm' || c == 'S' || c == 'D' || c == 'T' || c == 'M';
    }

    static boolean longC(int c1, int c2) {
        int u1 = Character.toUpperCase(c1);
        int u2 = Character.toUpperCase(c2);
        return (u1 == 'L' && u2 == 'L') || (u1 == 'V' && u2 == 'E') || (u1 == 'R' && u2 == 'E');
    }

    /** A copy of Cl100kBpe.pieceEnd(byte[], int) (main 4ddfac64). */
    static int pieceEnd(byte[] t, int i) {
        byte[] cls = CLS;
        int n = t.length;
        int c0 = t[i];
        int k0 = cls[c0];
        int j = i + 1;
        int k1 = j < n ? cls[t[j]] : -1;
        if (c0 == '\'' && j < n) {
            int c1 = t[j];
            if (shortC(c1)) {
                return i + 2;
            }
            if (i + 2 < n && longC(c1, t[i + 2])) {
                return i + 3;
            }
        }
        if (k0 == LETTER || ((k0 == PUNCT || k0 == SPACE) && k1 == LETTER)) {
            int end = j;
            if (k1 == LETTER) {
                end++;
                while (end < n && cls[t[end]] == LETTER) {
                    end++;
                }
            }
            return end;
        }
        if (k0 == DIGIT) {
            int end = j;
            if (k1 == DIGIT) {
                end++;
                if (end < n && cls[t[end]] == DIGIT) {
                    end++;
                }
            }
            return end;
        }
        if (k0 == PUNCT || (c0 == ' ' && k1 == PUNCT)) {
            int end = j;
            if (k1 == PUNCT) {
                end++;
                while (end < n && cls[t[end]] == PUNCT) {
                    end++;
                }
            }
            while (end < n && cls[t[end]] == NEWLINE) {
                end++;
            }
            return end;
        }
        int lastNewline = -1;
        int end = i;
        int k;
        while (end < n && ((k = cls[t[end]]) == SPACE || k == NEWLINE)) {
            if (k == NEWLINE) {
                lastNewline = end;
            }
            end++;
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;
        }
        if (end < n && end - i >= 2) {
            return end - 1;
        }
        return end;
    }

    static long walk(byte[][] texts, boolean key) {
        long sink = 0;
        for (byte[] t : texts) {
            int start = 0;
            int n = t.length;
            while (start < n) {
                int end = pieceEnd(t, start);
                int len = end - start;
                if (key && len <= 8) {
                    long k = len;
                    for (int i = start; i < end; i++) {
                        k = k << 7 | t[i];
                    }
                    sink += k;
                } else {
                    sink += len;
                }
                start = end;
            }
        }
        return sink;
    }

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

    public static void main(String[] a) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(a[0]), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new RuntimeException(e);
        }
        int passes = Integer.parseInt(a[1]);
        TextFrontEnd fe = TextFrontEnd.builder().build();
        if (a.length > 2 && a[2].equals("cache")) {
            cache(lines, passes, fe);
            return;
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>();
        for (String l : lines) {
            distinct.add(fe.template(message(l)));
        }
        List<byte[]> ascii = new ArrayList<>();
        long pieces = 0;
        long shortPieces = 0;
        for (String s : distinct) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length != s.length()) {
                continue; // not ASCII: the char path, not measured here
            }
            ascii.add(b);
            for (int st = 0; st < b.length; ) {
                int e = pieceEnd(b, st);
                pieces++;
                shortPieces += e - st <= 8 ? 1 : 0;
                st = e;
            }
        }
        byte[][] texts = ascii.toArray(new byte[0][]);
        int n = texts.length;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] names = {"end", "endKey", "endA"};
        double[][] t = new double[3][passes];
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 3; k++) {
                int which = (p % 2 == 0) ? k : 2 - k; // order turned each pass
                long t0 = mx.getCurrentThreadCpuTime();
                sink += walk(texts, which == 1);
                t[which][p] = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
            }
        }
        StringBuilder out = new StringBuilder(Path.of(a[0]).getFileName() + " asciiMessages=" + n + " piecesPerMessage="
                + String.format("%.1f", pieces / (double) n) + " short=" + String.format("%.2f", shortPieces / (double) pieces));
        for (int k = 0; k < 3; k++) {
            double[] s = Arrays.copyOfRange(t[k], Math.min(2, passes - 1), passes);
            Arrays.sort(s);
            out.append(String.format(" %s=%.0f", names[k], s[s.length / 2]));
        }
        System.out.println(out + " ns/message (sink " + (sink & 1) + ")");
    }

    /**
     * Mode "cache": the tokenizer's text cache (Tokenizer.encodeCut: a LinkedHashMap of up to 4,096 texts of at most
     * 1,024 chars, access order; a hit returns a clone of the ids, a miss puts the ids and returns a clone) as the log
     * summarizer reaches it: the file's masked messages in file order, each first through the summarizer's own memo
     * for messages of at most 512 chars (RepeatMemo(4096), admitted on the second sighting). Counts the tokenizer's
     * lookups, hits and puts; times the map work alone (get, put, clones; each pass on fresh String copies, so every
     * hash is computed as in a run), against the same walk with the map left out (the A/A-like base: the memo and the
     * loop alone). A hit saves one cut (EncodeCost's "cut").
     */
    static void cache(List<String> lines, int passes, TextFrontEnd fe) {
        List<String> masked = new ArrayList<>();
        java.util.HashMap<String, int[]> idsOf = new java.util.HashMap<>();
        for (String l : lines) {
            String m = fe.template(message(l)).strip();
            masked.add(m);
            idsOf.computeIfAbsent(m, k -> fe.encodeMasked(k).tokenIds);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] t = new double[2][passes];
        long[] counts = new long[3];
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                boolean withMap = (p + k) % 2 == 0; // order turned each pass
                String[] copies = new String[masked.size()];
                int[][] ids = new int[masked.size()][];
                for (int i = 0; i < copies.length; i++) {
                    copies[i] = new String(masked.get(i).toCharArray());
                    ids[i] = idsOf.get(masked.get(i));
                }
                dev.keymem.jobs.logs.mining.RepeatMemo<int[]> memo = new dev.keymem.jobs.logs.mining.RepeatMemo<>(4096);
                java.util.LinkedHashMap<String, int[]> map = new java.util.LinkedHashMap<>(256, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(java.util.Map.Entry<String, int[]> eldest) {
                        return size() > 4096;
                    }
                };
                long lookups = 0, hits = 0, puts = 0;
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < copies.length; i++) {
                    String m = copies[i];
                    if (m.length() <= 512) {
                        int[] x = memo.get(m);
                        if (x != null) {
                            sink += x.length;
                            continue;
                        }
                    }
                    int[] v = ids[i];
                    if (withMap && m.length() <= 1024) {
                        lookups++;
                        int[] hit = map.get(m);
                        if (hit != null) {
                            hits++;
                            v = hit.clone();
                        } else {
                            puts++;
                            map.put(m, v);
                            v = v.clone();
                        }
                    }
                    if (m.length() <= 512) {
                        memo.offer(m, v);
                    }
                    sink += v.length;
                }
                t[withMap ? 0 : 1][p] = (mx.getCurrentThreadCpuTime() - t0) / 1e3;
                if (withMap) {
                    counts[0] = lookups;
                    counts[1] = hits;
                    counts[2] = puts;
                }
            }
        }
        double[] a0 = Arrays.copyOfRange(t[0], Math.min(2, passes - 1), passes);
        double[] a1 = Arrays.copyOfRange(t[1], Math.min(2, passes - 1), passes);
        Arrays.sort(a0);
        Arrays.sort(a1);
        System.out.printf("records=%d tokenizerLookups=%d hits=%d puts=%d withMap=%.0f us withoutMap=%.0f us a pass (sink %d)%n",
                masked.size(), counts[0], counts[1], counts[2], a0[a0.length / 2], a1[a1.length / 2], sink & 1);
    }
}
