package dev.keymem.jobs.logs;

import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summaries' JSON alone: every line of a file through {@link LogSummarizer#accept} once (summaries every
 * {@code everyLines} as the job makes them), then, REPS times over the same state, each source's end-of-input summary
 * record written ({@link LogSummarizer#record} with a limit of MAX_BYTES, default 1 MiB: the one-pass bounded
 * writer) without changing the state. Prints the thread CPU milliseconds of a pass (minimum over the passes, and
 * the median) and a digest of the records (two builds writing the same text give the same digest). The period's
 * templates are the ledger's entries with lines, by first offset then id, all listed; significance: none (each
 * template's innovation). Uses only what the summarizer has had since session 19, so it runs against an older
 * build's jar for a before/after pair (two JVMs, interleaved). A measuring program, not a test: {@code java
 * -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmn32m -XX:MaxTenuringThreshold=0 -cp jobs/target/test-classes:JAR
 * dev.keymem.jobs.logs.SummaryJsonCost FILE [REPS [MAX_BYTES]]}.
 */
public final class SummaryJsonCost {
    private SummaryJsonCost() {
    }

    public static void main(String[] a) throws Exception {
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 30;
        int maxBytes = a.length > 2 ? Integer.parseInt(a[2]) : 1 << 20;
        LogLineParser parser = new LogLineParser(null);
        LogSummarySettings settings = LogSummarySettings.defaults();
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        LogSummarizer s = new LogSummarizer(settings, fe);
        Map<String, SourceMemory> mem = new LinkedHashMap<>();
        Map<String, SourceStores> stores = new HashMap<>();
        long off = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (line.isBlank()) {
                continue;
            }
            LogLine l;
            try {
                l = parser.parse(null, line, o, -1);
            } catch (Exception e) {
                continue; // a dead letter in the job
            }
            SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
            s.accept(m, stores.computeIfAbsent(l.source, k -> SourceStores.inMemory()), l);
        }
        Comparator<TemplateEntry> order = Comparator.comparingLong((TemplateEntry t) -> t.firstOffset)
                .thenComparingInt(t -> t.id);
        List<String> sources = new ArrayList<>();
        List<List<TemplateEntry>> periods = new ArrayList<>();
        List<Integer> known = new ArrayList<>();
        for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
            if (e.getValue().linesSinceLast == 0) {
                continue;
            }
            SourceStores st = stores.get(e.getKey());
            List<TemplateEntry> period = new ArrayList<>();
            for (TemplateEntry t : st.ledger().all()) {
                if (t.count > 0) {
                    period.add(t);
                }
            }
            period.sort(order);
            sources.add(e.getKey());
            periods.add(period);
            known.add(st.miner().size());
        }
        Map<Integer, Double> significance = new HashMap<>();
        LogSummarySettings.Memory memory = settings.memory();
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long[] each = new long[reps];
        long digest = 0;
        long bytes = 0;
        for (int r = 0; r < reps; r++) {
            long h = 0;
            long b = 0;
            long t0 = bean.getCurrentThreadCpuTime();
            for (int i = 0; i < sources.size(); i++) {
                List<TemplateEntry> p = periods.get(i);
                String json = LogSummarizer.record(mem.get(sources.get(i)), known.get(i), sources.get(i), true, p, p,
                        significance, memory, maxBytes, null);
                h = h * 31 + json.hashCode();
                b += json.length();
            }
            each[r] = bean.getCurrentThreadCpuTime() - t0;
            digest = h;
            bytes = b;
        }
        long[] sorted = each.clone();
        java.util.Arrays.sort(sorted);
        System.out.printf("%d summaries, %d chars, digest %016x, write %.1f ms min, %.1f ms median (%d passes)%n",
                sources.size(), bytes, digest, sorted[0] / 1e6, sorted[reps / 2] / 1e6, reps);
    }
}
