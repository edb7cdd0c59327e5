import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummarizer;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.logs.SourceMemory;
import dev.keymem.jobs.logs.SourceStores;
import dev.keymem.jobs.logs.TemplateLedger;
import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log job's summaries alone, session 28 (issue 13, branch summ28): as {@code Summ27Cost} (FILE's lines through
 * {@link LogSummarizer#accept} per source, the ledger a {@code TemplateLedger.WriteBack} over an in-memory store, the
 * every-lines summary called by this program after a source's 500th line since its last so that only
 * {@code summarize}'s thread CPU time is counted, and each source's final summary), with the job's output limit
 * (the summarizer made as the job makes it: {@code LogSummaryJob}'s bound, so the summary is written by
 * {@code SummaryJson.bounded}). FORM: {@code fast} (the build as it is), {@code ref} (the build with
 * {@code SummaryJson}'s reference string writer switched on by reflection, where the build has one), {@code asis}
 * (any build, nothing switched: the before build). PASSES passes from fresh state (a new summarizer); pass 1 is
 * the cold one a run pays. Prints per pass the summarize and accept CPU ms, the summaries, their chars and a digest
 * of them (equal for every form and build: the same summaries). One JVM per form, order turned between rounds:
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/Summ28Cost.java FILE FORM PASSES
 */
public class Summ28Cost {
    public static void main(String[] a) throws Exception {
        String form = a[1];
        int passes = Integer.parseInt(a[2]);
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
        LogSummarySettings defaults = LogSummarySettings.defaults();
        int every = defaults.everyLines();
        LogSummarySettings settings = defaults.withEvery(Integer.MAX_VALUE, defaults.everyMillis());
        if (a.length > 3) {
            settings = settings.withMiner(settings.miner().withMaxTemplates(Integer.parseInt(a[3])));
        }
        LogSummarySettings chosen = settings;
        TextFrontEnd fe = TextFrontEnd.builder().dimension(settings.dimension()).build();
        Constructor<?> writeBack = Class.forName("dev.keymem.jobs.logs.TemplateLedger$WriteBack")
                .getDeclaredConstructor(TemplateLedger.class);
        writeBack.setAccessible(true);
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder(form);
        for (int r = 0; r < passes; r++) {
            LogSummarizer s = new LogSummarizer(chosen, fe, dev.keymem.jobs.kafka.RecordLimits.defaults().maxOutputBytes());
            Map<String, SourceMemory> mem = new LinkedHashMap<>();
            Map<String, SourceStores> stores = new HashMap<>();
            long summarize = 0;
            long total = 0;
            long h = 0;
            long chars = 0;
            int n = 0;
            long t0 = bean.getCurrentThreadCpuTime();
            for (LogLine l : lines) {
                SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
                SourceStores st = stores.computeIfAbsent(l.source, k -> stores(writeBack));
                s.accept(m, st, l);
                if (m.linesSinceLast >= every) {
                    long t1 = bean.getCurrentThreadCpuTime();
                    String sum = s.summarize(m, st, l.source, false);
                    summarize += bean.getCurrentThreadCpuTime() - t1;
                    h = h * 31 + sum.hashCode();
                    chars += sum.length();
                    n++;
                }
            }
            for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
                long t1 = bean.getCurrentThreadCpuTime();
                String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
                summarize += bean.getCurrentThreadCpuTime() - t1;
                if (sum != null) {
                    h = h * 31 + sum.hashCode();
                    chars += sum.length();
                    n++;
                }
            }
            total = bean.getCurrentThreadCpuTime() - t0;
            out.append(String.format(" | pass %d summarize %.1f ms, accept %.1f ms, %d summaries, %d chars, digest %016x",
                    r + 1, summarize / 1e6, (total - summarize) / 1e6, n, chars, h));
        }
        System.out.println(out);
    }

    /** The job's in-memory stores ({@code SourceStores.inMemory}, package-private) over a write-back ledger. */
    private static SourceStores stores(Constructor<?> writeBack) {
        try {
            TemplateLedger ledger = (TemplateLedger) writeBack.newInstance(new TemplateLedger.InMemory());
            Method inMemory = SourceStores.class.getDeclaredMethod("inMemory", TemplateLedger.class);
            inMemory.setAccessible(true);
            return (SourceStores) inMemory.invoke(null, ledger);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
