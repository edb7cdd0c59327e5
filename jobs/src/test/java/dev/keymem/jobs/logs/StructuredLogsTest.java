package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The log job over structured records as pino, zap in Docker's json-file, nginx in Docker, journald's export and
 * ECS write them ({@link StructuredLogSample}): every record is read (its text, source and time), and the templates
 * group its lines by the event that wrote them (grouping accuracy 1 per source, one template per event), no header
 * cut off a record's bare message ({@link LogLine#bare}). {@code -Dkeymem.structured.sample=FILE} also writes the
 * sample's lines to FILE (for runs of {@code memctl logs}, docs/benchmarks.md).
 */
class StructuredLogsTest {
    private static final List<StructuredLogSample.Record> SAMPLE = StructuredLogSample.records(2026, 3000);

    @Test
    void everyRecordIsReadWithItsSourceAndTime() throws Exception {
        String out = System.getProperty("keymem.structured.sample");
        if (out != null && !out.isBlank()) {
            Files.write(Path.of(out), StructuredLogSample.lines(2026, 3000), StandardCharsets.UTF_8);
        }
        LogLineParser parser = new LogLineParser(null);
        Set<String> sources = new HashSet<>();
        for (StructuredLogSample.Record r : SAMPLE) {
            LogLine l = parser.parse(null, r.line(), 0, -1);
            assertEquals(r.source(), l.source, r.line());
            assertEquals(r.time(), l.timestamp, r.line());
            assertTrue(!l.text.isBlank() && !l.text.endsWith("\n"), r.line());
            assertEquals(!l.source.equals("default"), l.bare, r.line()); // Docker's log: a whole line
            sources.add(l.source);
        }
        assertEquals(Set.of("checkout", "default", "sshd", "systemd", "kernel", "billing"), sources);
    }

    @Test
    void templatesGroupTheLinesByTheEventThatWroteThem() {
        LogLineParser parser = new LogLineParser(null);
        TemplateMiner miner = new TemplateMiner();
        Map<String, MinerState> states = new HashMap<>();
        Map<String, List<String>> truth = new TreeMap<>();
        Map<String, List<Integer>> ids = new TreeMap<>();
        for (StructuredLogSample.Record r : SAMPLE) {
            LogLine l = assertParses(parser, r.line());
            MinerState s = states.computeIfAbsent(l.source, k -> new MinerState());
            truth.computeIfAbsent(l.source, k -> new ArrayList<>()).add(r.event());
            ids.computeIfAbsent(l.source, k -> new ArrayList<>()).add(miner.accept(s, l.text, l.bare).id());
        }
        StringBuilder report = new StringBuilder();
        double min = 1;
        for (String source : truth.keySet()) {
            double ga = GroupingAccuracy.of(truth.get(source), ids.get(source));
            min = Math.min(min, ga);
            report.append(source).append(' ').append(ga).append(' ').append(states.get(source).clusters()).append('\n');
        }
        assertTrue(min >= 1.0, report.toString());
    }

    private static LogLine assertParses(LogLineParser parser, String line) {
        try {
            return parser.parse(null, line, 0, -1);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }

    /** One template per event and source (the floor was the events + 2), the values of a bare message its parameters. */
    @Test
    void summariesShowEachEventOnceAndNoLineIsLost() throws Exception {
        List<JsonNode> sums = LogSummarizerTest.run(StructuredLogSample.lines(2026, 3000),
                LogSummarySettings.defaults().withEvery(500, 0));
        long lines = 0;
        Map<String, Set<Integer>> templates = new TreeMap<>();
        for (JsonNode s : sums) {
            lines += s.get("lines_since_last").asLong();
            for (JsonNode t : s.get("templates")) {
                templates.computeIfAbsent(s.get("source").asText(), k -> new HashSet<>()).add(t.get("id").asInt());
            }
        }
        assertEquals(SAMPLE.size(), lines);
        Map<String, Set<String>> events = new TreeMap<>();
        for (StructuredLogSample.Record r : SAMPLE) {
            events.computeIfAbsent(r.source(), k -> new HashSet<>()).add(r.event());
        }
        for (String source : events.keySet()) {
            assertEquals(events.get(source).size(), templates.get(source).size(), source + ": templates for events");
        }
        // journald's MESSAGE is bare: no header is cut off "session-4.scope: Deactivated successfully.", so the unit,
        // the one value of the message, is the template's parameter (a header cut would drop it as a header)
        int units = 0;
        for (JsonNode s : sums) {
            for (JsonNode t : s.get("templates")) {
                if (t.get("template").asText().endsWith("Deactivated successfully.")) {
                    assertEquals("<*> Deactivated successfully.", t.get("template").asText());
                    for (JsonNode p : t.get("params")) {
                        assertTrue(p.asText().matches("session-\\d+\\.scope:"), t.toString());
                        units++;
                    }
                }
            }
        }
        assertTrue(units > 0, "no parameters of the systemd unit");
    }
}
