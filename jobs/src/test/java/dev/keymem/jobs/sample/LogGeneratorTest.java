package dev.keymem.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.keymem.jobs.text.LineMasker;

class LogGeneratorTest {
    static final Path SAMPLE = Path.of("..", "samples", "logs");

    @Test
    void deterministicPerSeed() {
        assertEquals(new LogGenerator(3).generate(1200).lines, new LogGenerator(3).generate(1200).lines);
        assertNotEquals(new LogGenerator(3).generate(1200).lines, new LogGenerator(4).generate(1200).lines);
    }

    @Test
    void incidentsAreWhereTheySay() {
        LogGenerator.Generated g = new LogGenerator(11).generate(3000);
        assertEquals(3000, g.lines.size());
        assertEquals(List.of("db-pool-exhaustion", "auth-brute-force", "disk-full", "payment-timeout-storm"),
                g.incidents.stream().map(i -> i.id).collect(java.util.stream.Collectors.toList()));
        Set<Integer> incidentLines = new HashSet<>();
        int previousEnd = 0;
        for (LogGenerator.Incident i : g.incidents) {
            assertTrue(i.startLine > previousEnd, i.id + " after the previous incident");
            previousEnd = i.endLine;
            assertEquals(i.lineCount, i.lines.size());
            int primary = 0;
            for (int n : i.lines) {
                assertTrue(n >= i.startLine && n <= i.endLine);
                String line = g.lines.get(n - 1);
                assertTrue(line.contains(" ERROR ") || line.contains(" WARN "), "incident line is a warning or error: " + line);
                if (line.contains(" " + i.service + "[")) {
                    primary++;
                    assertTrue(line.contains(i.signature), i.id + " line " + n + " lacks '" + i.signature + "': " + line);
                }
                incidentLines.add(n);
            }
            assertTrue(primary >= i.lineCount / 3, i.id + ": " + primary + " primary lines of " + i.lineCount);
        }
        LineMasker masker = new LineMasker();
        Set<String> backgroundTemplates = new HashSet<>();
        for (int n = 1; n <= g.lines.size(); n++) {
            if (incidentLines.contains(n)) {
                continue;
            }
            String line = g.lines.get(n - 1);
            for (LogGenerator.Incident i : g.incidents) {
                assertFalse(line.contains(i.signature), "background line " + n + " holds '" + i.signature + "': " + line);
            }
            backgroundTemplates.add(masker.mask(line));
        }
        // Periodic background: few templates (user names are not masked: 16 users x 3 auth statements), none shared with an incident.
        assertTrue(backgroundTemplates.size() <= 80, "background templates: " + backgroundTemplates.size() + " " + backgroundTemplates);
        for (LogGenerator.Incident i : g.incidents) {
            for (String t : i.templates) {
                assertFalse(backgroundTemplates.contains(t), i.id + " template also in background: " + t);
            }
        }
    }

    @Test
    void bundledSampleIsCurrent() throws Exception {
        LogGenerator.Generated g = new LogGenerator(LogGenerator.SAMPLE_SEED).generate(LogGenerator.SAMPLE_LINES);
        Path log = SAMPLE.resolve("services.log");
        assertEquals(g.lines, Files.readAllLines(log, StandardCharsets.UTF_8),
                "samples/logs/services.log is stale: rerun LogGenerator (see kafka-setup/README.md)");
        assertEquals(LogGenerator.incidentsJson(g, LogGenerator.SAMPLE_LINES, LogGenerator.SAMPLE_SEED),
                Files.readString(SAMPLE.resolve("incidents.json"), StandardCharsets.UTF_8));
        assertTrue(Files.size(log) < 1_000_000, "sample under 1 MB");
    }

    @Test
    void tooFewLinesIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LogGenerator(1).generate(100));
        assertTrue(e.getMessage().contains("got 100"), e.getMessage());
    }
}
