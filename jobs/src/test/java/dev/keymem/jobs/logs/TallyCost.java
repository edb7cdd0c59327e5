package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tally's parameters alone ({@link LogSummarizer#params(String, String, boolean, LogSummarizer.TemplateWords)}:
 * a line's words after its header, those that are not its template's constants), over the lines of a file as the
 * log job mines them (one miner state per source), on one thread: the thread CPU microseconds a line, minimum of
 * REPS passes, and a hash of the parameters (two builds giving the same parameters give the same hash). The
 * templates' words are made beforehand (the summarizer remembers them per template). A measuring program, not a
 * test. Then the parameter lists' tally ({@link LogSummarizer#tallyParams} beside its reference, the packed list scanned
 * per line) in one entry per source and template, and a hash of the entries' lists. {@code java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp jobs/target/classes:jobs/target/test-classes:
 * jobs/target/memctl.jar dev.keymem.jobs.logs.TallyCost FILE [REPS]}.
 */
public final class TallyCost {
    private TallyCost() {
    }

    public static void main(String[] a) throws Exception {
        LogLineParser parser = new LogLineParser(null);
        TemplateMiner miner = new TemplateMiner();
        Map<String, MinerState> states = new HashMap<>();
        Map<String, LogSummarizer.TemplateWords> words = new HashMap<>();
        List<String> mined = new ArrayList<>();
        List<String> masked = new ArrayList<>();
        List<Boolean> bare = new ArrayList<>();
        List<LogSummarizer.TemplateWords> templates = new ArrayList<>();
        List<Long> entryKeys = new ArrayList<>(); // the line's source (by first appearance) and template id
        Map<String, Integer> sources = new HashMap<>();
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
            TemplateMiner.Match m = miner.accept(states.computeIfAbsent(l.source, k -> new MinerState()), l.text, l.bare);
            mined.add(m.message() != null ? m.message() : l.text);
            masked.add(m.masked());
            bare.add(l.bare);
            templates.add(words.computeIfAbsent(m.template(), t -> new LogSummarizer.TemplateWords(t, m.templateTokens())));
            entryKeys.add((long) sources.computeIfAbsent(l.source, k -> sources.size()) << 32 | (m.id() & 0xffffffffL));
        }
        int n = mined.size();
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 5;
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        // the static form (a fresh scratch per line, the form before session 20) and the summarizer's kept scratch,
        // passes interleaved (fresh, kept, kept, fresh, ...)
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] hash = new long[2];
        LogSummarizer.ParamsScratch scratch = new LogSummarizer.ParamsScratch();
        for (int r = 0; r < 2 * reps; r++) {
            int form = (r + r / 2) % 2; // 0 1 1 0 0 1 1 0 ...
            long h = 0;
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                String p = form == 0 ? LogSummarizer.params(mined.get(i), masked.get(i), bare.get(i), templates.get(i))
                        : scratch.params(mined.get(i), masked.get(i), bare.get(i), templates.get(i));
                h = h * 31 + p.hashCode();
            }
            best[form] = Math.min(best[form], tm.getCurrentThreadCpuTime() - c0);
            hash[form] = h;
        }
        System.out.printf("%d lines, %d templates, params hash %x (kept scratch: %x), %.3f us/line fresh, %.3f kept%n",
                n, words.size(), hash[0], hash[1], best[0] / 1e3 / n, best[1] / 1e3 / n);
        // the parameter lists' tally in the lines' entries (one per source and template, fresh each pass): the packed
        // list scanned per line (the reference) and LogSummarizer.tallyParams, passes interleaved as above
        String[] params = new String[n];
        for (int i = 0; i < n; i++) {
            params[i] = scratch.params(mined.get(i), masked.get(i), bare.get(i), templates.get(i));
        }
        long[] bestTally = {Long.MAX_VALUE, Long.MAX_VALUE};
        long[] tallyHash = new long[2];
        for (int r = 0; r < 2 * reps; r++) {
            int form = (r + r / 2) % 2;
            Map<Long, TemplateEntry> entries = new HashMap<>();
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                TemplateEntry t = entries.computeIfAbsent(entryKeys.get(i), k -> new TemplateEntry());
                if (form == 0) {
                    LogSummarizer.tallyParamsReference(t, params[i]);
                } else {
                    LogSummarizer.tallyParams(t, params[i]);
                }
            }
            bestTally[form] = Math.min(bestTally[form], tm.getCurrentThreadCpuTime() - c0);
            long h = entries.size();
            for (TemplateEntry t : entries.values()) {
                h += (31L * t.params.hashCode() + t.paramsDistinct) * 0x9E3779B97F4A7C15L; // order free
            }
            tallyHash[form] = h;
        }
        System.out.printf("%d entries, tally hash %x (indexed: %x), %.3f us/line scanned, %.3f indexed%n",
                new java.util.HashSet<>(entryKeys).size(), tallyHash[0], tallyHash[1], bestTally[0] / 1e3 / n,
                bestTally[1] / 1e3 / n);
    }
}
