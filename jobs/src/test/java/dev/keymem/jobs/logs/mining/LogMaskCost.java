package dev.keymem.jobs.logs.mining;

import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.text.LineMasker;
import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The masking steps of the log job's keyed thread alone, on one thread, over the lines of a file as the miner
 * meets them (docs/benchmarks.md, "Masking and tokens on long lines, session 14"): each line's mined text (a
 * JSON line's message field, an access line's fields, else the line), then, each timed over all lines and
 * repeated: {@link LineMasker#mask} of that text (the masker alone), {@link LineTokens#mask} of it (host rules,
 * the masker, the later rules, identifiers), {@link LineTokens#tokens} of the result, {@link LineMasker#mask} of
 * the result (what the front end does first), the front end's {@link TextFrontEnd#encode} of it (masking
 * again, cl100k, embedding) and (step 5) {@link MessageValues#values} of the text (what the miner does before
 * masking it). Prints the thread CPU ms of each step per repetition, the minimum of each, and a hash
 * of the outputs (equal across builds whose outputs are). A measuring program, not a test: run it as memctl runs
 * a file of logs, e.g. {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp
 * jobs/target/memctl.jar:jobs/target/test-classes dev.keymem.jobs.logs.mining.LogMaskCost FILE 8}.
 */
public final class LogMaskCost {
    private LogMaskCost() {
    }

    public static void main(String[] a) throws Exception {
        LogLineParser parser = new LogLineParser(null);
        List<String> texts = new ArrayList<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue;
            }
            LogLine l;
            try {
                l = parser.parse(null, s, o, -1);
            } catch (Exception e) {
                continue;
            }
            String mined = JsonLogFields.mined(l.text);
            String access = mined == null ? AccessLogLine.masked(l.text) : null;
            if (access != null) {
                continue; // masked by its fields, not by LineTokens
            }
            String request = mined == null ? AccessLogLine.requestFields(l.text) : null;
            texts.add(mined != null ? mined : request != null ? request : l.text);
        }
        int reps = Integer.parseInt(a[1]);
        String only = a.length > 2 ? a[2] : "";
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        LineMasker masker = new LineMasker();
        LineTokens lt = new LineTokens();
        TextFrontEnd fe = TextFrontEnd.builder().build();
        String[] names = {"masker(raw)", "LineTokens.mask", "tokens", "masker(masked)", "frontEnd.encode",
            "MessageValues.values"};
        long[] min = new long[names.length];
        java.util.Arrays.fill(min, Long.MAX_VALUE);
        String[] masked = new String[texts.size()];
        long chars = 0;
        for (String t : texts) {
            chars += t.length();
        }
        System.out.printf("%d texts, %.0f chars each%n", texts.size(), (double) chars / texts.size());
        for (int r = 0; r < reps; r++) {
            long[] h = new long[names.length];
            StringBuilder line = new StringBuilder("rep " + r + ":");
            for (int step = 0; step < names.length; step++) {
                if (!only.isEmpty() && !only.contains(Integer.toString(step)) && step != 1) {
                    continue;
                }
                long c0 = tm.getCurrentThreadCpuTime();
                for (int i = 0; i < masked.length; i++) {
                    switch (step) {
                        case 0 -> h[0] = h[0] * 31 + masker.mask(texts.get(i)).hashCode();
                        case 1 -> {
                            masked[i] = lt.mask(texts.get(i));
                            h[1] = h[1] * 31 + masked[i].hashCode();
                        }
                        case 2 -> h[2] = h[2] * 31 + java.util.Arrays.hashCode(LineTokens.tokens(masked[i]));
                        case 3 -> h[3] = h[3] * 31 + masker.mask(masked[i]).hashCode();
                        case 4 -> h[4] = h[4] * 31 + java.util.Arrays.hashCode(fe.encode(masked[i]).tokenIds);
                        default -> h[5] = h[5] * 31 + MessageValues.values(texts.get(i)).hashCode();
                    }
                }
                long ns = tm.getCurrentThreadCpuTime() - c0;
                min[step] = Math.min(min[step], ns);
                line.append(String.format("  %s %.0f ms", names[step], ns / 1e6));
            }
            System.out.println(line);
            if (r == reps - 1) {
                System.out.println("hashes " + java.util.Arrays.toString(h));
            }
        }
        StringBuilder m = new StringBuilder("min:");
        for (int step = 0; step < names.length; step++) {
            if (min[step] != Long.MAX_VALUE) {
                m.append(String.format("  %s %.1f ms (%.2f us/text)", names[step], min[step] / 1e6,
                        min[step] / 1e3 / texts.size()));
            }
        }
        System.out.println(m);
    }
}
