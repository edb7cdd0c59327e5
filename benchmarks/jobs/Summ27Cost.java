import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummarizer;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.logs.PendingLines;
import dev.keymem.jobs.logs.SourceMemory;
import dev.keymem.jobs.logs.SourceStores;
import dev.keymem.jobs.logs.TemplateLedger;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.text.TextFrontEnd;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The log job's summaries alone (issue 13, session 27, branch summ27): FILE's lines through
 * {@link LogSummarizer#accept} per source as the job's keyed step runs them (the ledger a
 * {@code TemplateLedger.WriteBack} over an in-memory store, as the hot-state cache holds it), with the every-lines
 * summary called by this program after a source's 500th line since its last (what {@code accept} does at the
 * defaults, the same summaries) so that only {@code summarize}'s thread CPU time is counted, and each source's final
 * summary. FORM: {@code fast} (the build as it is), {@code walk} (the after build with its reference, the walk over
 * the whole ledger, switched on by reflection), {@code asis} (any build, nothing switched: the before build).
 * PASSES passes from fresh state (a new summarizer); pass 1 is the cold one a 50k-line run pays (summarize is called
 * ~100 times, most of them interpreted under C1). Prints per pass the summarize and accept CPU ms and a digest of
 * the summaries (equal for every form and build: the same summaries). One JVM per form, order turned between rounds:
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp JAR benchmarks/jobs/Summ27Cost.java FILE FORM PASSES [MAX]
 * MAX (branch mend27d): the miner's max-templates (default: the job's, 1000). Also printed per pass (mend27d): the
 * reads that reached the ledger's store ({@code gets}, a MapState point read each in the job: what a WriteBack not
 * known complete costs) and the store's full reads ({@code alls}). FORM {@code fastopen} (mend27d): {@code fast} with
 * the new source's {@code ledger().all()} on its first line not reaching the WriteBack (as before mend27d: the
 * WriteBack of a source followed from its first line is never known complete).
 */
public class Summ27Cost {
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
            LogSummarizer s = new LogSummarizer(chosen, fe);
            GETS[0] = 0;
            GETS[1] = 0;
            OPEN[0] = form.equals("fastopen");
            if (form.equals("walk")) {
                Field f = LogSummarizer.class.getDeclaredField("walkLedger");
                f.setAccessible(true);
                f.setBoolean(s, true);
            }
            Map<String, SourceMemory> mem = new LinkedHashMap<>();
            Map<String, SourceStores> stores = new HashMap<>();
            long summarize = 0;
            long total = 0;
            long h = 0;
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
                    n++;
                }
            }
            for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
                long t1 = bean.getCurrentThreadCpuTime();
                String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
                summarize += bean.getCurrentThreadCpuTime() - t1;
                if (sum != null) {
                    h = h * 31 + sum.hashCode();
                    n++;
                }
            }
            total = bean.getCurrentThreadCpuTime() - t0;
            out.append(String.format(" | pass %d summarize %.1f ms, accept %.1f ms, %d summaries, digest %016x,"
                    + " store gets %d alls %d", r + 1, summarize / 1e6, (total - summarize) / 1e6, n, h, GETS[0],
                    GETS[1]));
        }
        System.out.println(out);
    }

    /** Whether a ledger's {@code all()} before its source's first line is kept from the WriteBack. */
    static final boolean[] OPEN = new boolean[1];

    /** Reads that reached a ledger's store: point reads, full reads (this pass). */
    static final long[] GETS = new long[2];

    /** An in-memory store that counts its reads. */
    static final class CountingStore implements TemplateLedger {
        private final TemplateLedger.InMemory in = new TemplateLedger.InMemory();

        @Override
        public dev.keymem.jobs.logs.TemplateEntry get(int id) {
            GETS[0]++;
            return in.get(id);
        }

        @Override
        public void put(dev.keymem.jobs.logs.TemplateEntry e) {
            in.put(e);
        }

        @Override
        public void remove(int id) {
            in.remove(id);
        }

        @Override
        public List<dev.keymem.jobs.logs.TemplateEntry> all() {
            GETS[1]++;
            return in.all();
        }
    }

    private static SourceStores stores(Constructor<?> writeBack) {
        TemplateLedger ledger;
        try {
            ledger = (TemplateLedger) writeBack.newInstance(new CountingStore());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        PendingLines pending = new PendingLines.InMemory();
        return new SourceStores() {
            private MinerState miner = new MinerState();
            private final TemplateLedger open = new TemplateLedger() {
                @Override
                public dev.keymem.jobs.logs.TemplateEntry get(int id) throws Exception {
                    return ledger.get(id);
                }

                @Override
                public void put(dev.keymem.jobs.logs.TemplateEntry e) throws Exception {
                    ledger.put(e);
                }

                @Override
                public void remove(int id) throws Exception {
                    ledger.remove(id);
                }

                @Override
                public List<dev.keymem.jobs.logs.TemplateEntry> all() throws Exception {
                    return miner.lines() == 0 ? new ArrayList<>() : ledger.all();
                }
            };

            @Override
            public MinerState miner() {
                return miner;
            }

            @Override
            public void minerUpdated(MinerState state) {
                miner = state;
            }

            @Override
            public TemplateLedger ledger() {
                return OPEN[0] ? open : ledger;
            }

            @Override
            public PendingLines pending() {
                return pending;
            }
        };
    }
}
