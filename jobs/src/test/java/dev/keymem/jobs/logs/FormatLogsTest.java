package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The log job's parser and miner over the plain-text formats of {@link FormatLogSample}: no line is refused, and
 * the templates group each format's lines by the event that wrote them at least as well as the floor measured for
 * that format, into no more templates than its ceiling (docs/benchmarks.md, "Log formats probe"), printed beside a simple strong baseline: lines grouped by
 * their whitespace tokens with every token holding a digit masked. {@code -Dkeymem.formats.dir=DIR} also writes
 * each format's lines to {@code DIR/FORMAT.log} (for runs of {@code memctl logs}) and their events, one a line, to
 * {@code DIR/FORMAT.events}.
 */
class FormatLogsTest {
    /**
     * Per format: the grouping accuracy floor (the value measured on this sample less 0.02) and the most templates
     * (the count measured plus a quarter, at least 2): a format that regresses falls below the one or explodes
     * past the other. Access logs (Apache combined, nginx's default format in other shapes) are read by their
     * fields (the miner's {@code AccessLogLine}: one template per method); a Windows event dump's indented field
     * lines ({@code   Log Name: Security}) by their keys (the miner's {@code MessageValues}: a value at a line's end
     * in general is not one, loghub's ground truth reads {@code EventType: TASK_ABORT} and kin as events;
     * docs/benchmarks.md, "Access logs and word-valued variables" and "Log formats, round 3").
     */
    private static final Map<String, double[]> LIMITS = Map.ofEntries(
            Map.entry("cri", new double[] {0.98, 9}), Map.entry("klog", new double[] {0.98, 9}),
            Map.entry("access", new double[] {0.98, 5}), Map.entry("nginx", new double[] {0.98, 9}),
            Map.entry("syslog5424", new double[] {0.98, 7}),
            Map.entry("syslog3164", new double[] {0.98, 7}), Map.entry("python", new double[] {0.98, 8}),
            Map.entry("python-asctime", new double[] {0.98, 8}), Map.entry("logback", new double[] {0.98, 17}),
            Map.entry("logrus", new double[] {0.98, 7}), Map.entry("postgres", new double[] {0.98, 9}),
            Map.entry("mysql", new double[] {0.98, 7}), Map.entry("winevent", new double[] {0.98, 20}),
            Map.entry("csv", new double[] {0.98, 6}));

    @Test
    void everyFormatIsReadAndGroupedAboveItsFloor() throws Exception {
        Map<String, List<FormatLogSample.Line>> sample = FormatLogSample.all(2026, 2000);
        String dir = System.getProperty("keymem.formats.dir");
        StringBuilder report = new StringBuilder();
        List<String> below = new ArrayList<>();
        for (Map.Entry<String, List<FormatLogSample.Line>> f : sample.entrySet()) {
            List<FormatLogSample.Line> lines = f.getValue();
            if (dir != null && !dir.isBlank()) {
                Files.write(Path.of(dir, f.getKey() + ".log"), lines.stream().map(FormatLogSample.Line::text).toList(),
                        StandardCharsets.UTF_8);
                Files.write(Path.of(dir, f.getKey() + ".events"), lines.stream().map(FormatLogSample.Line::event)
                        .toList(), StandardCharsets.UTF_8);
            }
            LogLineParser parser = new LogLineParser(null);
            TemplateMiner miner = new TemplateMiner();
            Map<String, MinerState> states = new HashMap<>();
            List<String> truth = new ArrayList<>();
            List<Integer> ids = new ArrayList<>();
            List<Integer> base = new ArrayList<>();
            Map<String, Integer> baseIds = new HashMap<>();
            Map<String, Integer> sourceBase = new HashMap<>();
            for (FormatLogSample.Line line : lines) {
                LogLine l;
                try {
                    l = parser.parse(null, line.text(), 0, -1);
                } catch (InvalidRecordException e) {
                    throw new AssertionError(f.getKey() + ": refused " + line.text(), e);
                }
                MinerState s = states.computeIfAbsent(l.source, k -> new MinerState());
                // ids of different sources kept apart (the job mines each source on its own)
                int offset = sourceBase.computeIfAbsent(l.source, k -> sourceBase.size() << 20);
                truth.add(line.event());
                ids.add(offset + miner.accept(s, l.text).id());
                base.add(baseIds.computeIfAbsent(masked(line.text()), k -> baseIds.size()));
            }
            double ga = GroupingAccuracy.of(truth, ids);
            double baseline = GroupingAccuracy.of(truth, base);
            long templates = states.values().stream().mapToLong(s -> s.clusters().size()).sum();
            long events = truth.stream().distinct().count();
            report.append(String.format(Locale.ROOT, "%-14s lines %5d sources %2d events %3d templates %4d GA %.3f"
                    + " baseline %.3f (%d groups)%n", f.getKey(), lines.size(), states.size(), events, templates, ga,
                    baseline, baseIds.size()));
            double[] limit = LIMITS.get(f.getKey());
            if (ga + 1e-9 < limit[0] || templates > limit[1]) {
                below.add(f.getKey());
            }
        }
        System.out.print(report);
        assertTrue(below.isEmpty(), "below the floor or above the templates: " + below + "\n" + report);
    }

    /** The baseline's key: the whitespace tokens, each holding a digit replaced by {@code <*>}. */
    static String masked(String line) {
        StringBuilder sb = new StringBuilder();
        for (String t : line.strip().split("\\s+")) {
            sb.append(t.chars().anyMatch(Character::isDigit) ? "<*>" : t).append(' ');
        }
        return sb.toString();
    }
}
