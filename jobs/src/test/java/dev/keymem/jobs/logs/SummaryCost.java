package dev.keymem.jobs.logs;

import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keyed per-line work of the log job without Flink, in two phases timed apart: every line through
 * {@link LogSummarizer#accept} (miner, novelty memory, tally) and then every source's final
 * {@link LogSummarizer#summarize} (the summaries' JSON); REPS passes from fresh state, the thread CPU milliseconds
 * of each phase (minimum over the passes, and each pass's) and a digest of the summaries. Uses only what the
 * summarizer has had for many releases, so the same class runs against an older build's jar for a before/after pair
 * (two JVMs, interleaved). A measuring program, not a test: {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
 * -Xmn32m -XX:MaxTenuringThreshold=0 -cp jobs/target/test-classes:JAR dev.keymem.jobs.logs.SummaryCost FILE [REPS]}.
 */
public final class SummaryCost {
    private SummaryCost() {
    }

    public static void main(String[] a) throws Exception {
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 5;
        LogLineParser parser = new LogLineParser(null);
        List<LogLine> lines = new ArrayList<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue;
            }
            try {
                lines.add(parser.parse(null, s, o, -1));
            } catch (Exception e) {
                // a dead letter in the job
            }
        }
        LogSummarySettings settings = LogSummarySettings.defaults();
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long bestAccept = Long.MAX_VALUE;
        long bestSummarize = Long.MAX_VALUE;
        StringBuilder each = new StringBuilder();
        long digest = 0;
        for (int r = 0; r < reps; r++) {
            long t0 = bean.getCurrentThreadCpuTime();
            LogSummarizer s = new LogSummarizer(settings, fe);
            Map<String, SourceMemory> mem = new LinkedHashMap<>();
            Map<String, SourceStores> stores = new HashMap<>();
            long h = 0;
            for (LogLine l : lines) {
                SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
                String sum = s.accept(m, stores.computeIfAbsent(l.source, k -> SourceStores.inMemory()), l);
                if (sum != null) {
                    h = h * 31 + sum.hashCode();
                }
            }
            long t1 = bean.getCurrentThreadCpuTime();
            for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
                String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
                if (sum != null) {
                    h = h * 31 + sum.hashCode();
                }
            }
            long t2 = bean.getCurrentThreadCpuTime();
            bestAccept = Math.min(bestAccept, t1 - t0);
            bestSummarize = Math.min(bestSummarize, t2 - t1);
            each.append(String.format(" %.0f+%.0f", (t1 - t0) / 1e6, (t2 - t1) / 1e6));
            digest = h;
        }
        System.out.printf("%d lines, digest %016x, accept %.0f ms, summarize %.0f ms (min of %d; passes:%s)%n",
                lines.size(), digest, bestAccept / 1e6, bestSummarize / 1e6, reps, each);
    }
}
