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
 *       lines as the job mines them: read by its record reader, header stripping on, one miner state per source;</li>
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
        for (int i = 0; i < ds.eventId().size(); i++) {
            String e = ds.eventId().get(i);
            if (e != null) {
                truth.add(e);
                if (AlertLines.isAlert(ds.raw().get(i))) {
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
     * Template ids of the raw {@code lines} as the job mines them: each read by the job's record reader
     * ({@link LogLineParser}: its source, a CRI line's message, a JSON record's text and whether that is a bare
     * message), mined in its source's own miner state (ids of different sources kept apart); a line the reader
     * refuses (blank: the job's dead letters) gets an id of its own.
     */
    static List<Integer> mineAsTheJob(List<String> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        LogLineParser parser = new LogLineParser(null);
        Map<String, MinerState> states = new HashMap<>();
        Map<String, Integer> offsets = new HashMap<>();
        List<Integer> ids = new ArrayList<>(lines.size());
        int refused = -1;
        for (String l : lines) {
            LogLine line = read(parser, l);
            if (line == null) {
                ids.add(refused--);
                continue;
            }
            MinerState s = states.computeIfAbsent(line.source, k -> new MinerState());
            int offset = offsets.computeIfAbsent(line.source, k -> offsets.size() << 20);
            ids.add(offset + miner.accept(s, line.text, line.bare).id());
        }
        return ids;
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
     * The summaries of the raw lines (offset = 0-based line number), keyed by source as the job keys them,
     * each source's end-of-input summary last: what {@code memctl logs --input FILE} writes, with no
     * time-based summaries.
     */
    public static List<JsonNode> summaries(List<String> lines, LogSummarySettings settings) throws Exception {
        LogSummarizer s = new LogSummarizer(settings, TextFrontEnd.builder().dimension(settings.dimension()).build());
        LogLineParser parser = new LogLineParser(null);
        Map<String, SourceMemory> mem = new LinkedHashMap<>();
        Map<String, SourceStores> stores = new HashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l;
            try {
                l = parser.parse(null, lines.get(i), i, -1);
            } catch (dev.keymem.jobs.kafka.InvalidRecordException e) {
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
