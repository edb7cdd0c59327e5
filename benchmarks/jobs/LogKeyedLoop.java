import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummarizer;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.logs.SourceMemory;
import dev.keymem.jobs.logs.SourceStores;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log job's keyed per-line work without Flink: FILE's lines parsed first (the source thread's work, not
 * timed), then {@link LogSummarizer#accept} over them per source and each source's final summary, REPS passes,
 * each from fresh state (a new summarizer: its caches start empty, as a run's do). Prints each pass's CPU ms of
 * this thread and a digest of the summaries (the same digest for two builds: the same summaries). For profiles
 * (JFR) and before/after comparisons of the keyed thread; whole-run numbers come from memctl. Usage (C1 alone,
 * as memctl runs files up to 20 MiB):
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/memctl.jar benchmarks/jobs/LogKeyedLoop.java FILE REPS
 */
public class LogKeyedLoop {
    public static void main(String[] a) throws Exception {
        int reps = Integer.parseInt(a[1]);
        LogLineParser parser = new LogLineParser(null);
        List<LogLine> lines = new ArrayList<>();
        long off = 0;
        for (String s : Files.readAllLines(Path.of(a[0]))) {
            long o = off++;
            if (s.isBlank()) {
                continue; // a dead letter in the job
            }
            try {
                lines.add(parser.parse(null, s, o, -1));
            } catch (Exception e) {
                // a dead letter in the job
            }
        }
        LogSummarySettings settings = LogSummarySettings.defaults();
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
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
            for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
                String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
                if (sum != null) {
                    h = h * 31 + sum.hashCode();
                }
            }
            System.out.printf("pass %d: %d lines, %.0f CPU ms, digest %016x%n", r, lines.size(),
                    (bean.getCurrentThreadCpuTime() - t0) / 1e6, h);
        }
    }
}
