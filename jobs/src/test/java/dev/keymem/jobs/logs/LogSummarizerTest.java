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
        Map<String, SourceStores> pending = new HashMap<>();
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = parser.parse(null, lines.get(i), i, -1);
            SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
            String sum = s.accept(m, pending.computeIfAbsent(l.source, k -> SourceStores.inMemory()), l);
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
    void everyTemplateIsReportedWithOneVerbatimLineAndEveryLineCountedOnce() throws Exception {
        List<String> lines = sample();
        JsonNode incidents = JSON.readTree(Path.of("..", "samples", "logs", "incidents.json").toFile());
        for (LogSummarySettings.Memory memory : LogSummarySettings.Memory.values()) {
            List<JsonNode> sums = run(lines, LogSummarySettings.defaults().withEvery(200, 0).withMemory(memory));
            long total = 0;
            Map<String, Set<Integer>> reported = new HashMap<>();
            Map<String, Set<Integer>> shown = new HashMap<>();
            Set<Long> verbatimOffsets = new HashSet<>();
            StringBuilder texts = new StringBuilder();
            int verbatim = 0;
            for (JsonNode s : sums) {
                total += s.get("lines_since_last").asLong();
                long counted = 0;
                String src = s.get("source").asText();
                for (JsonNode t : s.get("templates")) {
                    counted += t.get("count").asLong();
                    int id = t.get("id").asInt();
                    boolean first = reported.computeIfAbsent(src, k -> new HashSet<>()).add(id);
                    if (t.has("text")) {
                        verbatim++;
                        assertTrue(verbatimOffsets.add(t.get("offset").asLong()), "line shown twice: " + t);
                        assertEquals(lines.get(t.get("offset").asInt()), t.get("text").asText(), "verbatim: " + t);
                        texts.append(t.get("text").asText()).append('\n');
                        shown.computeIfAbsent(src, k -> new HashSet<>()).add(id);
                        assertTrue(first || !t.get("flag").asText().equals("new"), "new only once: " + t);
                    } else {
                        assertTrue(!first, "the first report of a template shows a line: " + t);
                    }
                    assertTrue(t.get("first_offset").asLong() <= t.get("last_offset").asLong());
                }
                assertEquals(s.get("lines_since_last").asLong(), counted, "every line of the period in one template");
                assertEquals(0, s.get("dropped").asLong(), "no budget, nothing dropped");
            }
            assertEquals(lines.size(), total, "every line counted once in lines_since_last");
            assertEquals(reported, shown, "every template shown verbatim once at least");
            int templates = reported.values().stream().mapToInt(Set::size).sum();
            assertTrue(verbatim <= 1.2 * templates, memory + ": " + verbatim + " verbatim lines for " + templates
                    + " templates");
            for (JsonNode inc : incidents.get("incidents")) {
                String sig = inc.get("signature").asText();
                assertTrue(texts.toString().contains(sig), memory + ": incident " + inc.get("id") + " (" + sig
                        + ") missing from the verbatim lines");
            }
            System.out.println(memory + ": " + sums.size() + " summaries, " + templates + " templates, " + verbatim
                    + " verbatim lines of " + lines.size());
        }
    }

    @Test
    void aNewTemplateIsMoreInnovativeThanARoutineOneAndAReturningOneIsShownAgain() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[1]: GET /index " + (200 + i % 3) + " latency=" + i + "ms");
        }
        lines.add("2026-01-15T08:10:00.000Z ERROR web[1]: kernel panic: out of memory killing process 77");
        for (int i = 0; i < 1100; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[1]: GET /index 200 latency=" + i + "ms");
        }
        lines.add("2026-01-15T09:10:00.000Z ERROR web[1]: kernel panic: out of memory killing process 78");
        List<JsonNode> sums = run(lines, LogSummarySettings.defaults().withEvery(1000, 0).withSilenceLines(1000));
        assertEquals(2, sums.size());
        JsonNode panic = null;
        JsonNode routine = null;
        for (JsonNode t : sums.get(0).get("templates")) {
            if (t.get("template").asText().contains("kernel panic")) {
                panic = t;
            } else {
                routine = t;
            }
        }
        assertTrue(panic != null && routine != null, sums.get(0).toString());
        assertEquals("new", panic.get("flag").asText());
        assertEquals(300, panic.get("offset").asLong());
        assertTrue(panic.get("innovation").asDouble() > 0.5, "innovation of the new line: " + panic);
        assertEquals(999, routine.get("count").asLong(), "bursts are a count: " + routine);
        JsonNode back = null;
        for (JsonNode t : sums.get(1).get("templates")) {
            if (t.get("template").asText().contains("kernel panic")) {
                back = t;
            }
            if (!t.get("template").asText().contains("kernel panic")) {
                assertTrue(!t.has("text"), "a routine template is not shown again: " + t);
            }
        }
        assertTrue(back.has("flag"), "shown again: " + back + " (first: " + panic + ")");
        assertEquals("returned", back.get("flag").asText(), sums.get(1).toString());
        assertEquals(1401, back.get("offset").asLong());
        assertEquals(List.of("77"), List.of(panic.get("params").get(0).asText()));
    }

    @Test
    void aBudgetKeepsFlaggedAndSignificantTemplatesAndCountsTheRest() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add("INFO svc: routine step " + (char) ('a' + i % 6) + "x done in " + i + " ms");
        }
        List<JsonNode> all = run(lines, LogSummarySettings.defaults().withEvery(30, 0));
        List<JsonNode> tight = run(lines, LogSummarySettings.defaults().withEvery(30, 0).withBudget(2));
        assertEquals(all.size(), tight.size());
        JsonNode second = tight.get(1);
        assertEquals(2, second.get("templates").size());
        long listedLines = 0;
        for (JsonNode t : second.get("templates")) {
            listedLines += t.get("count").asLong();
        }
        assertEquals(30, listedLines + second.get("dropped_lines").asLong());
        assertEquals(all.get(1).get("templates").size() - 2, second.get("dropped").asLong());
    }
}
