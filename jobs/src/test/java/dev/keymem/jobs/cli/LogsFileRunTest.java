package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memctl logs --input FILE} runs in Flink's batch mode ({@link BatchFileRun}): the same summaries and
 * dead letters as the streaming job over the same records, its output grouped by source with each source's
 * summaries in order and its final summary last, no summary on processing time, and the special inputs
 * (FIFO, standard input) read as the streaming run read them.
 */
class LogsFileRunTest {

    static List<String> withPoison(Path dir) throws Exception {
        List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("..", "samples", "logs", "services.log"),
                StandardCharsets.UTF_8));
        lines.add(1234, "{\"source\": broken");
        lines.add(2500, "   ");
        lines.add(3000, "{\"source\": \"api\", \"message\": \"a lone \\udc00 surrogate, escaped\"}");
        return lines;
    }

    /** The streaming job's outputs over {@code file}: the summaries and the dead letters, each as JSON lines. */
    static List<List<String>> streaming(Path file, LogSummarySettings settings, Path dir) throws Exception {
        List<KafkaRecord> records = EmbeddedJobs.fileRecords(file);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 1000, 2));
        List<String> summaries = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        EmbeddedJobs.collect(LogSummaryJob.build(EmbeddedJobs.fromRecords(env, records), null, settings,
                TextFrontEnd.builder().dimension(settings.dimension()).build(), RecordLimits.defaults()),
                "streaming reference", (JobOutput o) -> (o.isResult() ? summaries : dead)
                        .add(dev.keymem.jobs.kafka.RecordParsers.wellFormed(o.json)));
        return List.of(summaries, dead);
    }

    static List<String> sorted(List<String> l) {
        List<String> s = new ArrayList<>(l);
        s.sort(null);
        return s;
    }

    /** Each source's summaries together, numbered 0, 1, ... in order, the last one final and no other. */
    static void assertGroupedBySource(List<String> summaries) throws Exception {
        Set<String> done = new HashSet<>();
        String current = null;
        long next = 0;
        boolean finalSeen = false;
        for (String l : summaries) {
            JsonNode s = MemctlAwkwardInputTest.JSON.readTree(l);
            String source = s.get("source").asText();
            if (!source.equals(current)) {
                assertTrue(current == null || finalSeen, "source " + current + " ended without its final summary");
                assertTrue(done.add(source), "source " + source + " appears in two groups");
                current = source;
                next = 0;
                finalSeen = false;
            }
            assertFalse(finalSeen, "a summary of " + source + " after its final one");
            assertEquals(next++, s.get("summary").asLong(), "summaries of " + source + " in order");
            finalSeen = s.get("final").asBoolean();
        }
        assertTrue(current == null || finalSeen, "source " + current + " ended without its final summary");
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileRunWritesTheStreamingJobsSummariesGroupedBySource(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("services.log"), withPoison(dir), StandardCharsets.UTF_8);
        Path out = dir.resolve("s.jsonl");
        Path dead = dir.resolve("d.jsonl");
        MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl("logs", "--input", in.toString(), "--output",
                out.toString(), "--dead-letters", dead.toString(), "--every-lines", "300", "--every-seconds", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("batch execution"), r.err());
        assertTrue(r.err().contains("4003 lines, "), r.err());
        List<String> summaries = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<String> deadLetters = Files.readAllLines(dead, StandardCharsets.UTF_8);
        assertEquals(2, deadLetters.size(), deadLetters.toString());
        assertGroupedBySource(summaries);

        List<List<String>> ref = streaming(in, LogSummarySettings.defaults().withEvery(300, 0),
                Files.createDirectories(dir.resolve("chk")));
        assertEquals(sorted(ref.get(0)), sorted(summaries), "the streaming job's summaries");
        assertEquals(sorted(ref.get(1)), sorted(deadLetters), "the streaming job's dead letters");
        assertTrue(summaries.size() > 10, "summaries: " + summaries.size());
        assertEquals(4001, MemctlAwkwardInputTest.linesSummarized(summaries.stream().map(l -> {
            try {
                return MemctlAwkwardInputTest.JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList()));
    }

    /**
     * Time-based summaries are not part of a file run: asked for, they are noted on stderr, and the run writes
     * what a run without them writes (a 1 ms period would cut a streaming run's summaries at random points).
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileRunHasNoTimeBasedSummaries(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String s : List.of("api", "db", "web")) {
            lines.addAll(MemctlAwkwardInputTest.routine(s, 400));
        }
        Path in = Files.write(dir.resolve("app.log"), lines, StandardCharsets.UTF_8);
        MemctlAwkwardInputTest.Run timed = MemctlAwkwardInputTest.memctl("logs", "--input", in.toString(), "--output",
                dir.resolve("timed.jsonl").toString(), "--every-seconds", "0.001");
        assertEquals(0, timed.code(), timed.err());
        assertTrue(timed.err().contains("--every-seconds applies to --kafka runs"), timed.err());
        MemctlAwkwardInputTest.Run plain = MemctlAwkwardInputTest.memctl("logs", "--input", in.toString(), "--output",
                dir.resolve("plain.jsonl").toString(), "--every-seconds", "0");
        assertEquals(0, plain.code(), plain.err());
        assertFalse(plain.err().contains("--every-seconds applies"), plain.err());
        List<String> a = Files.readAllLines(dir.resolve("timed.jsonl"));
        assertEquals(sorted(Files.readAllLines(dir.resolve("plain.jsonl"))), sorted(a));
        assertEquals(3, a.size(), "one final summary per source (400 lines < 500): " + a);
        assertGroupedBySource(a);
    }

    /** A FIFO (process substitution) and standard input ({@code -}) are read to their end, every line summarized. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoAndStandardInputAreReadToTheirEnd(@TempDir Path dir) throws Exception {
        List<String> lines = MemctlAwkwardInputTest.routine("web", 700);
        Path fifo = dir.resolve("app.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, lines, StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        Path out = dir.resolve("fifo.jsonl");
        MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl("logs", "--input", fifo.toString(), "--output",
                out.toString(), "--every-seconds", "0");
        writer.join();
        assertEquals(0, r.code(), r.err());
        List<JsonNode> s = MemctlAwkwardInputTest.jsonLines(out);
        assertEquals(700, MemctlAwkwardInputTest.linesSummarized(s), r.err());
        assertEquals(2, s.size(), "a summary after 500 lines and the final one: " + s);

        // standard input, in a JVM of its own (its temporary directory left empty), summaries on stdout
        Path file = Files.write(dir.resolve("app.log"), lines, StandardCharsets.UTF_8);
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process p = NoLeftoversTest.memctl(tmp, "logs", "--input", "-", "--every-seconds", "0")
                .redirectErrorStream(false).redirectInput(file.toFile())
                .redirectError(dir.resolve("stdin.err").toFile()).start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("stdin.err")));
        List<String> fromStdin = stdout.lines().toList();
        assertEquals(sorted(Files.readAllLines(out, StandardCharsets.UTF_8)), sorted(fromStdin));
        assertEquals(List.of(), NoLeftoversTest.contents(tmp), "left in java.io.tmpdir");
    }
}
