package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memctl demo} on the bundled sample: the summaries it writes contain every injected incident. */
class MemctlDemoTest {

    @Test
    void demoSummariesContainEveryInjectedIncident(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path sums = dir.resolve("summaries.jsonl");
        int code = Memctl.run(new String[] {"demo", "--sample", "../samples/logs/services.log", "--incidents",
                "../samples/logs/incidents.json", "--summaries", sums.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8) + text);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("[progress] 4000/4000 lines summarized"),
                err.toString(StandardCharsets.UTF_8));
        // Independently of the demo's own check: each incident has a verbatim line of its own (its signature
        // in the text, or one of the incident's templates).
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(sums);
        List<JsonNode> verbatim = new java.util.ArrayList<>();
        long total = 0;
        int templates = 0;
        for (String l : lines) {
            JsonNode s = json.readTree(l);
            total += s.get("lines_since_last").asLong();
            for (JsonNode t : s.get("templates")) {
                templates++;
                if (t.has("text")) {
                    verbatim.add(t);
                }
            }
        }
        assertEquals(4000, total);
        assertTrue(verbatim.size() < 400, "a summary shows a small part of the lines: " + verbatim.size());
        assertTrue(templates > 0);
        dev.keymem.jobs.text.LineMasker masker = new dev.keymem.jobs.text.LineMasker();
        JsonNode incidents = json.readTree(Path.of("../samples/logs/incidents.json").toFile()).get("incidents");
        for (JsonNode inc : incidents) {
            java.util.Set<String> incTemplates = new java.util.HashSet<>();
            inc.get("templates").forEach(t -> incTemplates.add(t.asText()));
            String sig = inc.get("signature").asText();
            assertTrue(verbatim.stream().anyMatch(r -> r.get("text").asText().contains(sig)
                    || incTemplates.contains(masker.mask(r.get("text").asText()))), inc.get("id") + " missing: " + text);
            assertTrue(text.contains(inc.get("id").asText() + " "), text);
        }
        assertTrue(text.contains("4 of 4 injected incidents appear in the summaries"), text);
    }

    @Test
    void missingSampleIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(new String[] {"demo", "--sample", "no/such/file"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no/such/file"));
    }

    /** The sample is held in memory: one over the bound is refused (exit 2 through memctl), naming what streams it. */
    @Test
    void aSampleOverTheBoundIsRefusedNamingTheStreamingCommand(@TempDir Path dir) throws Exception {
        long heap = 8L << 20; // a bound of 16 MiB
        Path small = Files.writeString(dir.resolve("small.log"), "2024-05-01 INFO a\n2024-05-01 INFO b\n");
        assertEquals(2, DemoCommand.sampleRecords(small, heap).size());
        Path big = dir.resolve("big.log");
        try (java.io.OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(big))) {
            byte[] line = ("2024-05-01 INFO " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.UTF_8);
            for (long n = 0; n <= DemoCommand.sampleBound(heap); n += line.length) {
                o.write(line);
            }
        }
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> DemoCommand.sampleRecords(big, heap));
        assertEquals("sample " + big + ": its lines come to more than 16777216 bytes, more than is held in memory here"
                + " (the demo holds its sample in memory, up to 16 MiB and 87381 lines at this heap); `memctl logs"
                + " --input " + big + " --output FILE` streams a file of any size", e.getMessage());
    }

    /** A damaged sample's message is the damage's, with no hint about the demo's memory (it is not the problem). */
    @Test
    void aDamagedSampleIsNotReportedAsTooLarge(@TempDir Path dir) throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(b)) {
            for (int i = 0; i < 2000; i++) {
                g.write(("2024-05-01 INFO request " + i + " served\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] whole = b.toByteArray();
        Path cut = Files.write(dir.resolve("cut.log.gz"), java.util.Arrays.copyOf(whole, whole.length - 20));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> DemoCommand.sampleRecords(cut, 8L << 20));
        assertTrue(e instanceof dev.keymem.jobs.kafka.FileLines.RefusedInputException, e.toString());
        assertTrue(!e.getMessage().contains("holds its sample in memory"), e.getMessage());
    }

    /** A sample of short lines under the byte bound is refused by its lines (each costs a record in the heap). */
    @Test
    void aSampleOfManyShortLinesIsRefusedByItsLines(@TempDir Path dir) throws Exception {
        long heap = 8L << 20; // a bound of 16 MiB and 87,381 lines
        Path atBound = Files.write(dir.resolve("at.log"), "x\n".repeat((int) DemoCommand.sampleLines(heap))
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(DemoCommand.sampleLines(heap), DemoCommand.sampleRecords(atBound, heap).size());
        Path over = Files.write(dir.resolve("over.log"), "x\n".repeat((int) DemoCommand.sampleLines(heap) + 1)
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(Files.size(over) < DemoCommand.sampleBound(heap));
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
                () -> DemoCommand.sampleRecords(over, heap));
        assertTrue(e.getMessage().startsWith("sample " + over + ": it has more than 87381 lines, more than are held"
                + " in memory here (the demo holds"), e.getMessage());
    }
}
