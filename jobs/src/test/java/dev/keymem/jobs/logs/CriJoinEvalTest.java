package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measurement of docs/benchmarks.md "CRI partial lines joined" (run with {@code -Dkeymem.cri.eval=OUT_DIR}):
 * a realistic CRI sample, the 14 loghub_2k sets' raw lines as 14 containers (one source each) with every 40th
 * line followed by a long line (a JSON error record with a real JVM stack trace, 17 to 60 KiB, or a plain
 * slow-query line with a long SQL statement), wrapped as containerd writes them (split into 16 KiB {@code P}
 * pieces, a line's stream random, stdout and stderr interleaved). Mined per source as the job mines lines
 * (headers stripped), three ways: the records as the job read them before (each piece a line), the records
 * joined ({@link CriLineJoin#reference}, which the tests hold the job's keyed form to), and the lines unsplit
 * (the target). Grouping accuracy over the original lines against the ground truth (loghub's events; for a long
 * line its message kind), a line's template before being its first piece's; templates and lines mined. Also
 * writes the sample's split and unsplit CRI files for whole-job runs.
 */
@EnabledIfSystemProperty(named = "keymem.cri.eval", matches = ".+")
class CriJoinEvalTest {
    static final Path LOGHUB = Path.of("/work/shared/data/loghub_2k");

    /** The sample's records, and per original line its ground truth and the offset of its first piece. */
    record Sample(List<KafkaRecord> split, List<KafkaRecord> unsplit, List<String> truth, List<String> lineKeys) {
    }

    @Test
    void measure() throws Exception {
        Path out = Path.of(System.getProperty("keymem.cri.eval"));
        Files.createDirectories(out);
        Sample s = sample();
        write(out.resolve("cri-split.log"), s.split());
        write(out.resolve("cri-unsplit.log"), s.unsplit());
        MinerSettings settings = MinerSettings.defaults().withHeaders(true);
        RecordLimits limits = RecordLimits.defaults();
        StringBuilder report = new StringBuilder();
        Map<String, Integer> before = mine(lines(s.split(), limits, false), settings);
        Map<String, Integer> after = mine(lines(s.split(), limits, true), settings);
        Map<String, Integer> unsplit = mine(lines(s.unsplit(), limits, false), settings);
        report.append(String.format("records: split %d, unsplit %d (original lines)%n", s.split().size(),
                s.unsplit().size()));
        for (var e : List.of(Map.entry("before (pieces as lines)", before), Map.entry("after (joined)", after),
                Map.entry("unsplit (target)", unsplit))) {
            Map<String, Integer> ids = e.getValue();
            List<String> truthAll = new ArrayList<>();
            List<Integer> predAll = new ArrayList<>();
            List<String> truthLong = new ArrayList<>();
            List<Integer> predLong = new ArrayList<>();
            for (int i = 0; i < s.truth().size(); i++) {
                Integer id = ids.get(s.lineKeys().get(i));
                truthAll.add(s.truth().get(i));
                predAll.add(id);
                if (s.truth().get(i).contains("#long-")) {
                    truthLong.add(s.truth().get(i));
                    predLong.add(id);
                }
            }
            report.append(String.format("%-26s lines mined %6d, templates %5d, GA all %.4f, GA long lines %.4f%n",
                    e.getKey(), ids.size(), new HashSet<>(ids.values()).size(), GroupingAccuracy.of(truthAll, predAll),
                    GroupingAccuracy.of(truthLong, predLong)));
        }
        Set<String> events = new HashSet<>(s.truth());
        report.append("ground-truth events: ").append(events.size()).append('\n');
        Files.writeString(out.resolve("cri-eval.txt"), report);
        System.out.print(report);
        assertEquals(unsplit.size(), after.size(), "joined: one line per original line");
    }

    /** The parsed lines of {@code records} (text cut as the job cuts it), joined per source when asked. */
    static List<LogLine> lines(List<KafkaRecord> records, RecordLimits limits, boolean join)
            throws InvalidRecordException {
        var parser = new LogLineParser(null);
        Map<String, List<LogLine>> bySource = new LinkedHashMap<>();
        for (KafkaRecord r : records) {
            LogLine l = parser.parse(r.keyString(), r, limits.maxRecordBytes());
            l.topic = r.topic;
            l.partition = r.partition;
            if (!join) {
                l.text = limits.capText(l.text); // as the job before: each piece a line
                l.cri = 0;
            }
            bySource.computeIfAbsent(l.source, k -> new ArrayList<>()).add(l);
        }
        List<LogLine> out = new ArrayList<>();
        for (List<LogLine> ls : bySource.values()) {
            out.addAll(join ? CriLineJoin.reference(ls, limits, LogOptions.CRI_MAX_JOINED_BYTES.defaultValue()) : ls);
        }
        return out;
    }

    /** Template id (source-qualified) per line, keyed by topic@offset (a joined line: its first piece's). */
    static Map<String, Integer> mine(List<LogLine> lines, MinerSettings settings) {
        TemplateMiner miner = new TemplateMiner(settings);
        Map<String, MinerState> states = new HashMap<>();
        Map<String, Integer> bases = new HashMap<>();
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (LogLine l : lines) {
            MinerState st = states.computeIfAbsent(l.source, k -> new MinerState());
            int base = bases.computeIfAbsent(l.source, k -> bases.size() << 20);
            ids.put(l.topic + "@" + l.offset, base + miner.accept(st, l.text, l.bare).id());
        }
        return ids;
    }

    static Sample sample() throws Exception {
        SplittableRandom r = new SplittableRandom(2026);
        List<KafkaRecord> split = new ArrayList<>();
        List<KafkaRecord> unsplit = new ArrayList<>();
        List<String> truth = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (var dirs = Files.list(LOGHUB)) {
            for (Path d : dirs.sorted().toList()) {
                if (!LoghubDataset.isDataset(d)) {
                    continue;
                }
                LoghubDataset ds = LoghubDataset.read(d);
                List<String> lines = new ArrayList<>();
                List<String> gt = new ArrayList<>();
                for (int i = 0; i < ds.raw().size(); i++) {
                    lines.add(ds.raw().get(i));
                    gt.add(ds.name() + "#" + ds.eventId().get(i));
                    if (i % 40 == 39) {
                        int kind = r.nextInt(4);
                        lines.add(kind == 3 ? CriSample.sqlLine(r) : jsonError(r, kind));
                        gt.add(ds.name() + "#long-" + kind);
                    }
                }
                String topic = ds.name() + ".log";
                CriSample.Records rec = CriSample.records(lines, topic, new String[] {ds.name()}, 16 * 1024,
                        r.nextLong());
                // the unsplit records are in F order; map each back to its original line by its text
                Map<String, List<Integer>> byValue = new HashMap<>();
                for (int i = 0; i < lines.size(); i++) {
                    byValue.computeIfAbsent(lines.get(i), k -> new ArrayList<>()).add(i);
                }
                for (KafkaRecord u : rec.unsplit()) {
                    String v = new String(u.value, StandardCharsets.UTF_8);
                    String msg = v.substring(v.indexOf(" F ") + 3);
                    int i = byValue.get(msg).remove(0);
                    truth.add(gt.get(i));
                    keys.add(topic + "@" + u.offset);
                }
                split.addAll(rec.split());
                unsplit.addAll(rec.unsplit());
            }
        }
        return new Sample(split, unsplit, truth, keys);
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] MESSAGES = {"checkout failed for order ", "could not render page for user ",
        "payment callback rejected for session "};

    /** A JSON error record (logback / ECS layout) with a real stack trace of kind {@code kind} (0 to 2). */
    static String jsonError(SplittableRandom r, int kind) throws Exception {
        Throwable t = kind == 0 ? regexOverflow(r) : kind == 1 ? nested(r) : jacksonCycle();
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String trace = w.toString();
        int max = 17_000 + r.nextInt(40_000);
        if (trace.length() > max) {
            int cut = trace.lastIndexOf('\n', max); // Jackson's message is one long line of its own
            trace = trace.substring(0, cut > 0 ? cut : max) + "\n\t... more";
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("@timestamp", "2026-01-01T00:00:00." + (100 + r.nextInt(900)) + "Z");
        o.put("log.level", "ERROR");
        o.put("message", MESSAGES[kind] + r.nextInt(1_000_000));
        o.put("error.type", t.getClass().getName());
        o.put("error.stack_trace", trace);
        return JSON.writeValueAsString(o);
    }

    /** A StackOverflowError in java.util.regex on a long input (the JVM's own frames). */
    static Throwable regexOverflow(SplittableRandom r) {
        try {
            Pattern.compile("(a|b)*").matcher("ab".repeat(50_000 + r.nextInt(1000))).matches();
        } catch (StackOverflowError e) {
            return e;
        }
        return new IllegalStateException("no overflow");
    }

    /** A NumberFormatException deep in a recursion, wrapped twice (Caused by chains). */
    static Throwable nested(SplittableRandom r) {
        try {
            return new RuntimeException("order lines", new IllegalStateException("line total", recurse(
                    150 + r.nextInt(250))));
        } catch (RuntimeException e) {
            return e;
        }
    }

    private static Throwable recurse(int depth) {
        if (depth == 0) {
            try {
                Integer.parseInt("12x");
            } catch (NumberFormatException e) {
                return e;
            }
        }
        return recurse(depth - 1);
    }

    /** Jackson's error on a cyclic object (its own frames, repeated). */
    static Throwable jacksonCycle() {
        Map<String, Object> m = new HashMap<>();
        m.put("self", m);
        try {
            JSON.writeValueAsString(m);
        } catch (Exception | StackOverflowError e) {
            return e;
        }
        return new IllegalStateException("no cycle error");
    }

    static void write(Path f, List<KafkaRecord> records) throws Exception {
        StringBuilder b = new StringBuilder();
        for (KafkaRecord k : records) {
            b.append(new String(k.value, StandardCharsets.UTF_8)).append('\n');
        }
        Files.writeString(f, b);
    }
}
