package dev.keymem.jobs.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.logs.mining.AlertLines;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import dev.keymem.jobs.text.TextFrontEnd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluation of the log job's template mining and summaries on data sets with ground truth (loghub_2k
 * layout, {@link LoghubDataset}):
 *
 * <ul>
 *   <li><b>GA</b>: grouping accuracy ({@link GroupingAccuracy}, logpai's definition) of the miner over the
 *       {@code Content} column (header stripping off), streaming (each line's template id as assigned on
 *       arrival), as the published Drain and Brain numbers were measured, each line's text as the job's record
 *       reader reads it (a CRI line's message, a JSON record's text field); <b>GA raw</b>: the same over the raw
 *       lines as the job mines them: read by its record reader, the pieces of a long Kubernetes CRI line joined
 *       ({@link #readAsTheJob}: one line per ground-truth row), header stripping on, one miner state per source;</li>
 *   <li><b>lines/s</b>: the miner alone over the content lines, per CPU-second of the thread (best of several
 *       warm passes, one thread; CPU time, which other processes on the machine distort less than wall time);</li>
 *   <li><b>coverage</b>: the summarizer at the given settings (the defaults of {@code memctl logs}) over the
 *       raw file, run per source directly (no Flink; the job calls the same code): the share of ground-truth
 *       templates with at least one line shown verbatim, and the verbatim lines per covered template;</li>
 *   <li><b>alerts</b>: of the ground-truth templates with an alert line ({@link AlertLines}), how many the
 *       summaries show verbatim.</li>
 * </ul>
 */
public final class LogEvaluation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern README_ROW = Pattern.compile(
            "^\\|\\s*([A-Za-z0-9_-]+)\\s*\\|\\s*([0-9.]+)\\s*\\|\\s*([0-9.]+)\\s*\\|\\s*$");

    private LogEvaluation() {
    }

    /** One data set's results; drain and brain are NaN when unknown. */
    public record Row(String name, int lines, long templates, double ga, double gaRaw, double linesPerSecond,
                      double coverage, double verbatimPerTemplate, long verbatim, long covered, double drain,
                      double brain, long alertTemplates, long alertsCovered) {
    }

    /** Evaluates one data set. */
    public static Row evaluate(LoghubDataset ds, LogSummarySettings settings, Map<String, double[]> published)
            throws Exception {
        MinerSettings messages = settings.miner().withHeaders(false);
        List<LogLine> content = read(ds.content());
        List<Integer> ids = mineLines(content, messages);
        double ga = GroupingAccuracy.of(ds.eventId(), ids);
        double gaRaw = GroupingAccuracy.of(ds.eventId(), mineAsTheJob(ds.raw(), settings.miner().withHeaders(true)));
        double best = Double.MAX_VALUE;
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int pass = 0; pass < 5; pass++) { // the miner alone: the lines read before
            long t0 = cpu.getCurrentThreadCpuTime();
            mineLines(content, messages);
            best = Math.min(best, Math.max(1, cpu.getCurrentThreadCpuTime() - t0) / 1e9);
        }
        Set<String> truth = new HashSet<>();
        Set<String> alerts = new HashSet<>();
        List<LogLine> read = readAsTheJob(ds.raw());
        if (read.size() != ds.eventId().size()) {
            throw new IllegalArgumentException(ds.name() + ": " + read.size() + " lines as the job reads them (CRI "
                    + "pieces joined), " + ds.eventId().size() + " ground-truth rows");
        }
        // each row's text to look for an alert in: its raw line where rows are raw lines; else (CRI pieces joined,
        // a row no raw index) its text as read, a refused line's being its raw line
        String[] rows = new String[read.size()];
        for (LogLine l : read) {
            rows[(int) l.offset] = read.size() == ds.raw().size() ? ds.raw().get((int) l.offset) : l.text;
        }
        for (int i = 0; i < ds.eventId().size(); i++) {
            String e = ds.eventId().get(i);
            if (e != null) {
                truth.add(e);
                if (AlertLines.isAlert(rows[i])) {
                    alerts.add(e);
                }
            }
        }
        Set<String> covered = new HashSet<>();
        long verbatim = 0;
        for (JsonNode s : summaries(ds.raw(), settings)) {
            for (JsonNode t : s.get("templates")) {
                if (t.has("text")) {
                    verbatim++;
                    String e = ds.eventId().get(t.get("offset").asInt());
                    if (e != null) {
                        covered.add(e);
                    }
                }
            }
        }
        double[] pub = published.getOrDefault(ds.name(), new double[] {Double.NaN, Double.NaN});
        return new Row(ds.name(), ds.content().size(), truth.size(), ga, gaRaw, ds.content().size() / best,
                truth.isEmpty() ? 0 : (double) covered.size() / truth.size(),
                covered.isEmpty() ? 0 : (double) verbatim / covered.size(), verbatim, covered.size(), pub[0], pub[1],
                alerts.size(), alerts.stream().filter(covered::contains).count());
    }

    /**
     * Template ids of {@code lines}, one fresh miner state, in order: each line's text as the job's record reader
     * reads it ({@link LogLineParser}: a Kubernetes CRI line's message, a JSON record's text field; a line it
     * refuses, mined as it is), mined as a message (whatever the settings' header stripping, a bare text is mined
     * as it is).
     */
    static List<Integer> mine(List<String> lines, MinerSettings settings) {
        return mineLines(read(lines), settings);
    }

    /** Each of {@code lines} as the job's record reader reads it; a line it refuses as a line of its own text. */
    private static List<LogLine> read(List<String> lines) {
        LogLineParser parser = new LogLineParser(null);
        List<LogLine> out = new ArrayList<>(lines.size());
        for (String l : lines) {
            LogLine line = read(parser, l);
            out.add(line != null ? line : new LogLine("default", l, 0, -1));
        }
        return out;
    }

    /** Template ids of the lines' texts (bare ones mined as they are), one fresh miner state, in order. */
    private static List<Integer> mineLines(List<LogLine> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        MinerState s = new MinerState();
        List<Integer> ids = new ArrayList<>(lines.size());
        for (LogLine l : lines) {
            ids.add(miner.accept(s, l.text, l.bare).id());
        }
        return ids;
    }

    /**
     * The raw {@code lines} as the job reads them: one entry per line the job's keyed step gets (a row of the
     * ground truth), each read by the job's record reader ({@link LogLineParser}), the {@code P} pieces of a long
     * Kubernetes CRI line joined with their {@code F} piece as the job joins them ({@link CriLineJoin#reference},
     * per source, at the default limits and {@link LogOptions#CRI_MAX_JOINED_BYTES}); a line the reader refuses
     * (the job's dead letters) as an entry with a null source and the raw line as its text. An entry's
     * {@code offset} is its row: the rank of its first piece among the entries' first pieces (without CRI pieces,
     * its index in {@code lines}). In the order the keyed step gets them per source (a joined line with its last
     * piece), the sources merged by row.
     */
    static List<LogLine> readAsTheJob(List<String> lines) {
        LogLineParser parser = new LogLineParser(null);
        Map<String, List<LogLine>> bySource = new LinkedHashMap<>();
        List<List<LogLine>> queues = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l;
            try {
                l = parser.parse(null, lines.get(i), i, -1);
            } catch (dev.keymem.jobs.kafka.InvalidRecordException e) {
                queues.add(new ArrayList<>(List.of(new LogLine(null, lines.get(i), i, -1))));
                continue;
            }
            bySource.computeIfAbsent(l.source, k -> new ArrayList<>()).add(l);
        }
        int[] row = new int[lines.size()];
        boolean[] first = new boolean[lines.size()];
        for (List<LogLine> q : queues) {
            first[(int) q.get(0).offset] = true;
        }
        for (List<LogLine> source : bySource.values()) {
            List<LogLine> joined = CriLineJoin.reference(source, dev.keymem.jobs.kafka.RecordLimits.defaults(),
                    LogOptions.CRI_MAX_JOINED_BYTES.defaultValue());
            for (LogLine l : joined) {
                first[(int) l.offset] = true;
            }
            queues.add(new ArrayList<>(joined));
        }
        for (int i = 0, r = 0; i < lines.size(); i++) {
            row[i] = first[i] ? r++ : -1;
        }
        // merge the queues (each in the order the keyed step gets it) by the row of their next entry
        java.util.PriorityQueue<List<LogLine>> heads = new java.util.PriorityQueue<>(
                java.util.Comparator.comparingLong(q -> q.get(q.size() - 1).offset));
        for (List<LogLine> q : queues) {
            if (!q.isEmpty()) {
                java.util.Collections.reverse(q); // taken from the end
                heads.add(q);
            }
        }
        List<LogLine> out = new ArrayList<>();
        while (!heads.isEmpty()) {
            List<LogLine> q = heads.poll();
            LogLine l = q.remove(q.size() - 1);
            l.offset = row[(int) l.offset];
            out.add(l);
            if (!q.isEmpty()) {
                heads.add(q);
            }
        }
        return out;
    }

    /**
     * Template ids of the raw {@code lines} as the job mines them, one per line its keyed step gets, in the order
     * of their rows ({@link #readAsTheJob}: a CRI line's pieces joined): each read by the job's record reader
     * ({@link LogLineParser}: its source, a CRI line's message, a JSON record's text and whether that is a bare
     * message), mined in its source's own miner state (ids of different sources kept apart), in the order the
     * keyed step gets it; a line the reader refuses (blank: the job's dead letters) gets an id of its own.
     */
    static List<Integer> mineAsTheJob(List<String> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        Map<String, MinerState> states = new HashMap<>();
        Map<String, Integer> offsets = new HashMap<>();
        List<LogLine> read = readAsTheJob(lines);
        Integer[] ids = new Integer[read.size()];
        int refused = -1;
        for (LogLine line : read) {
            if (line.source == null) {
                ids[(int) line.offset] = refused--;
                continue;
            }
            MinerState s = states.computeIfAbsent(line.source, k -> new MinerState());
            int offset = offsets.computeIfAbsent(line.source, k -> offsets.size() << 20);
            ids[(int) line.offset] = offset + miner.accept(s, line.text, line.bare).id();
        }
        return Arrays.asList(ids);
    }

    /** {@code parser}'s line of {@code value}, or null where it refuses it. */
    private static LogLine read(LogLineParser parser, String value) {
        try {
            return parser.parse(null, value, 0, -1);
        } catch (dev.keymem.jobs.kafka.InvalidRecordException e) {
            return null;
        }
    }

    /**
     * The summaries of the raw lines as the job reads them ({@link #readAsTheJob}: a CRI line's pieces joined;
     * offset = the 0-based index of the line among those, so one per ground-truth row), keyed by source as the
     * job keys them, each source's end-of-input summary last: what {@code memctl logs --input FILE} writes (but
     * for the offsets of joined lines), with no time-based summaries.
     */
    public static List<JsonNode> summaries(List<String> lines, LogSummarySettings settings) throws Exception {
        LogSummarizer s = new LogSummarizer(settings, TextFrontEnd.builder().dimension(settings.dimension()).build());
        Map<String, SourceMemory> mem = new LinkedHashMap<>();
        Map<String, SourceStores> stores = new HashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (LogLine l : readAsTheJob(lines)) {
            if (l.source == null) {
                continue; // the job sends the lines its reader refuses (blank, broken JSON) to the dead letters
            }
            SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
            String sum = s.accept(m, stores.computeIfAbsent(l.source, k -> SourceStores.inMemory()), l);
            if (sum != null) {
                out.add(JSON.readTree(sum));
            }
        }
        for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
            String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
            if (sum != null) {
                out.add(JSON.readTree(sum));
            }
        }
        return out;
    }

    /**
     * The Drain and Brain grouping accuracies from a README's table rows {@code | name | drain | brain |}
     * (the loghub_2k README's layout); empty when there is no such file.
     */
    public static Map<String, double[]> published(Path readme) throws IOException {
        Map<String, double[]> out = new HashMap<>();
        if (readme == null || !Files.isRegularFile(readme)) {
            return out;
        }
        for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
            Matcher m = README_ROW.matcher(line.strip());
            if (m.matches()) {
                out.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
            }
        }
        return out;
    }

    /** The results as a Markdown table, with a mean row. */
    public static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| data set | lines | templates | GA | Drain | Brain | GA raw lines | miner lines / CPU-s "
                + "| coverage | verbatim lines / template | alert templates shown |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        long alerts = 0;
        long alertsShown = 0;
        double[] sum = new double[7];
        int[] n = new int[7];
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.3f%s | %s | %s | %.3f | %,.0f | %.3f | %.2f | %d / %d |%n",
                    r.name(), r.lines(), r.templates(), r.ga(),
                    !Double.isNaN(r.drain()) && r.ga() + 1e-9 < r.drain() ? " (below Drain)" : "",
                    num(r.drain()), num(r.brain()), r.gaRaw(), r.linesPerSecond(), r.coverage(),
                    r.verbatimPerTemplate(), r.alertsCovered(), r.alertTemplates()));
            alerts += r.alertTemplates();
            alertsShown += r.alertsCovered();
            double[] v = {r.ga(), r.drain(), r.brain(), r.gaRaw(), r.linesPerSecond(), r.coverage(),
                    r.verbatimPerTemplate()};
            for (int i = 0; i < v.length; i++) {
                if (!Double.isNaN(v[i])) {
                    sum[i] += v[i];
                    n[i]++;
                }
            }
        }
        double[] mean = new double[7];
        Arrays.setAll(mean, i -> n[i] == 0 ? Double.NaN : sum[i] / n[i]);
        sb.append(String.format(Locale.ROOT, "| **mean** | | | **%.3f** | %s | %s | %.3f | %,.0f | %.3f | %.2f | %d / %d (all) |%n",
                mean[0], num(mean[1]), num(mean[2]), mean[3], mean[4], mean[5], mean[6], alertsShown, alerts));
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
