package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The summarizer alone (no Flink) over the bundled sample, keyed by service as the job keys it. */
public class LogSummarizerTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Runs the summarizer per source over the lines; returns the summaries (JSON) in emission order. */
    public static List<JsonNode> run(List<String> lines, LogSummarySettings settings) throws Exception {
        LogSummarizer s = new LogSummarizer(settings, TextFrontEnd.builder().dimension(settings.dimension()).build());
        LogLineParser parser = new LogLineParser(null);
        Map<String, SourceMemory> mem = new HashMap<>();
        Map<String, PendingLines> pending = new HashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = parser.parse(null, lines.get(i), i, -1);
            SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
            String sum = s.accept(m, pending.computeIfAbsent(l.source, k -> new PendingLines.InMemory()), l);
            if (sum != null) {
                out.add(JSON.readTree(sum));
            }
        }
        for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
            String sum = s.summarize(e.getValue(), pending.get(e.getKey()), e.getKey(), true);
            if (sum != null) {
                out.add(JSON.readTree(sum));
            }
        }
        return out;
    }

    static List<String> sample() throws Exception {
        return Files.readAllLines(Path.of("..", "samples", "logs", "services.log"));
    }

    @Test
    void summariesContainEveryInjectedIncidentAndCountEveryLineOnce() throws Exception {
        List<String> lines = sample();
        for (LogSummarySettings.Memory memory : LogSummarySettings.Memory.values()) {
            List<JsonNode> sums = run(lines, LogSummarySettings.defaults().withEvery(200, 0).withMemory(memory));
            JsonNode incidents = JSON.readTree(Path.of("..", "samples", "logs", "incidents.json").toFile());
            long total = 0;
            Set<Long> offsets = new HashSet<>();
            int retained = 0;
            StringBuilder texts = new StringBuilder();
            for (JsonNode s : sums) {
                total += s.get("lines_since_last").asLong();
                for (JsonNode r : s.get("retained")) {
                    assertTrue(offsets.add(r.get("offset").asLong()), "line reported twice: " + r);
                    texts.append(r.get("text").asText()).append('\n');
                    retained++;
                }
            }
            assertEquals(lines.size(), total, "every line counted once in lines_since_last");
            int found = 0;
            for (JsonNode inc : incidents.get("incidents")) {
                String sig = inc.get("signature").asText();
                boolean in = texts.toString().contains(sig);
                found += in ? 1 : 0;
                // The default memory (B'MOJO + STR/CMP) must surface every incident; B'MOJO alone is reported.
                assertTrue(in || memory == LogSummarySettings.Memory.BMOJO, memory + ": incident " + inc.get("id")
                        + " (" + sig + ") missing from the summaries");
            }
            System.out.println(memory + ": incidents found " + found + " of " + incidents.get("incidents").size());
            System.out.println(memory + ": " + sums.size() + " summaries, " + retained + " retained lines of "
                    + lines.size());
            assertTrue(retained < lines.size() / 5, "a summary retains a small part of the lines: " + retained);
        }
    }

    @Test
    void aNewTemplateIsMoreInnovativeThanARoutineOne() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[1]: GET /index " + (200 + i % 3) + " latency=" + i + "ms");
        }
        lines.add("2026-01-15T08:10:00.000Z ERROR web[1]: kernel panic: out of memory killing process 77");
        for (int i = 0; i < 100; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[1]: GET /index 200 latency=" + i + "ms");
        }
        List<JsonNode> sums = run(lines, LogSummarySettings.defaults().withEvery(1000, 0));
        assertEquals(1, sums.size());
        JsonNode retained = sums.get(0).get("retained");
        boolean found = false;
        for (JsonNode r : retained) {
            if (r.get("text").asText().contains("kernel panic")) {
                found = true;
                assertTrue(r.get("innovation").asDouble() > 0.5, "innovation of the new line: " + r);
            }
        }
        assertTrue(found, "the new line is retained: " + retained);
    }
}
