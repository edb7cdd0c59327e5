package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first-day defects of issue 14, through {@code memctl logs} / {@code memctl context} in file mode as a
 * user runs them: each run must end by itself (a hang fails the test by its timeout), with every good line
 * accounted for and every bad one a dead letter naming its line.
 */
class MemctlAwkwardInputTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    static Run memctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<JsonNode> jsonLines(Path f) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(f)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                out.add(JSON.readTree(l));
            }
        }
        return out;
    }

    static long linesSummarized(List<JsonNode> summaries) {
        return summaries.stream().mapToLong(s -> s.get("lines_since_last").asLong()).sum();
    }

    /** A Java stack trace of about 3000 tokens, as one JSON log line's message. */
    static String stackTrace(int frames) {
        StringBuilder sb = new StringBuilder("java.lang.IllegalStateException: pool exhausted\n");
        for (int i = 0; i < frames; i++) {
            sb.append("\tat com.example.service.layer").append(i % 7).append(".Handler").append(i)
                    .append(".process(Handler").append(i).append(".java:").append(100 + i).append(")\n");
        }
        return sb.toString();
    }

    static List<String> routine(String source, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add("2026-01-15T08:00:" + String.format("%02d", i % 60) + ".000Z INFO " + source + "[7]: request ok id="
                    + i + " latency=" + (i % 13) + "ms");
        }
        return lines;
    }

    /** Defect 1: a record over the 512-token limit used to restart the job forever. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aStackTraceOverTheTokenLimitIsSummarizedInsteadOfHangingTheJob(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>(routine("api", 60));
        String trace = stackTrace(150);
        lines.add(30, JSON.createObjectNode().put("source", "api").put("message",
                "2026-01-15T08:00:30.500Z ERROR api[7]: request failed\n" + trace).toString());
        Path in = dir.resolve("app.log");
        Files.write(in, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("s.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Run r = memctl("logs", "--input", in.toString(), "--output", out.toString(), "--dead-letters", dead.toString(),
                "--every-seconds", "0");
        assertEquals(0, r.code, r.err);
        List<JsonNode> s = jsonLines(out);
        assertEquals(lines.size(), linesSummarized(s), "every line is summarized: " + r.err);
        assertTrue(jsonLines(dead).isEmpty(), "nothing is a dead letter");
        JsonNode kept = null;
        for (JsonNode summary : s) {
            for (JsonNode e : summary.get("templates")) {
                if (e.has("text") && e.get("offset").asLong() == 30) {
                    kept = e;
                }
            }
        }
        assertTrue(kept != null, "the stack trace line is shown verbatim: " + s);
        assertTrue(kept.get("text").asText().contains("Handler149.process"), "the whole trace is the payload");

        // the same in the context job: an event of ~3000 tokens is stored and retrievable
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of(
                JSON.createObjectNode().put("user", "u1").put("text", "I live in Lisbon").toString(),
                JSON.createObjectNode().put("user", "u1").put("text", trace).toString(),
                JSON.createObjectNode().put("user", "u1").put("text", "where do I live?").put("query", true).toString()),
                StandardCharsets.UTF_8);
        Path answers = dir.resolve("a.jsonl");
        r = memctl("context", "--input", events.toString(), "--output", answers.toString());
        assertEquals(0, r.code, r.err);
        List<JsonNode> a = jsonLines(answers);
        assertEquals(1, a.size());
        assertEquals(2, a.get(0).get("events_stored").asInt());
    }

    /** Defect 2: an empty input file used to hang both jobs. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anEmptyInputFileEndsNormally(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.log"));
        Path out = dir.resolve("s.jsonl");
        Run r = memctl("logs", "--input", empty.toString(), "--output", out.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(jsonLines(out).isEmpty());
        assertTrue(r.err.contains("0 lines"), r.err);
        Path answers = dir.resolve("a.jsonl");
        r = memctl("context", "--input", empty.toString(), "--output", answers.toString());
        assertEquals(0, r.code, r.err);
        assertTrue(jsonLines(answers).isEmpty());
    }

    /**
     * An empty file named as compressed data (logrotate leaves empty {@code .gz} files) failed both jobs (exit 1:
     * Flink's file source picked a decompressor by the name and failed on zero bytes): it has no lines, whatever
     * its name.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anEmptyFileNamedCompressedEndsNormally(@TempDir Path dir) throws Exception {
        for (String name : List.of("empty.gz", "empty.bz2", "empty.deflate", "empty.xz", "empty.tgz")) {
            Path empty = Files.createFile(dir.resolve(name));
            Path out = dir.resolve(name + ".s.jsonl");
            Run r = memctl("logs", "--input", empty.toString(), "--output", out.toString());
            assertEquals(0, r.code, name + ": " + r.err);
            assertTrue(jsonLines(out).isEmpty(), name);
            Path answers = dir.resolve(name + ".a.jsonl");
            r = memctl("context", "--input", empty.toString(), "--output", answers.toString());
            assertEquals(0, r.code, name + ": " + r.err);
            assertTrue(jsonLines(answers).isEmpty(), name);
        }
    }

    /** Defect 3: one invalid UTF-8 byte used to end the run with every good line lost. */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void invalidUtf8IsADeadLetterNamingTheLineAndTheGoodLinesAreKept(@TempDir Path dir) throws Exception {
        List<String> lines = routine("db", 40);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            byte[] l = lines.get(i).getBytes(StandardCharsets.UTF_8);
            if (i == 7) {
                l[l.length - 3] = (byte) 0xC3; // a lone lead byte
                l[l.length - 2] = (byte) 0x28;
            }
            bytes.write(l);
            bytes.write('\n');
        }
        Path in = dir.resolve("bad.log");
        Files.write(in, bytes.toByteArray());
        Path out = dir.resolve("s.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Run r = memctl("logs", "--input", in.toString(), "--output", out.toString(), "--dead-letters", dead.toString());
        assertEquals(0, r.code, r.err);
        assertEquals(39, linesSummarized(jsonLines(out)), "the good lines are kept");
        List<JsonNode> d = jsonLines(dead);
        assertEquals(1, d.size(), d.toString());
        assertEquals("value is not valid UTF-8", d.get(0).get("reason").asText());
        assertEquals(7, d.get(0).get("offset").asLong(), "the dead letter names the line (0-based)");
        assertEquals("bad.log", d.get(0).get("topic").asText());
    }

    /**
     * Defect 4: outputs over Flink's collect limit (2 MB) or Kafka's (1 MB) used to restart the job forever:
     * a summary of 100 long distinct lines, a dead letter of 400 KB of control bytes.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void outputsAreBoundedByConstruction(@TempDir Path dir) throws Exception {
        Random rnd = new Random(14);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            StringBuilder sb = new StringBuilder("2026-01-15T08:00:00.000Z WARN big[7]: payload");
            while (sb.length() < 54_000) {
                sb.append(' ').append((char) ('a' + rnd.nextInt(26))).append((char) ('a' + rnd.nextInt(26)))
                        .append((char) ('a' + rnd.nextInt(26))).append((char) ('a' + rnd.nextInt(26)));
            }
            lines.add(sb.toString());
        }
        StringBuilder control = new StringBuilder();
        for (int i = 0; i < 400_000; i++) {
            control.append((char) 1);
        }
        lines.add(control.toString());
        Path in = dir.resolve("big.log");
        Files.write(in, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("s.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Run r = memctl("logs", "--input", in.toString(), "--output", out.toString(), "--dead-letters", dead.toString(),
                "--every-seconds", "0");
        assertEquals(0, r.code, r.err);
        List<JsonNode> s = jsonLines(out);
        assertEquals(100, linesSummarized(s), r.err);
        for (String l : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            assertTrue(l.getBytes(StandardCharsets.UTF_8).length <= 1_000_000, "a summary of " + l.length() + " chars");
        }
        List<String> d = Files.readAllLines(dead, StandardCharsets.UTF_8);
        assertEquals(1, d.size());
        assertTrue(d.get(0).length() <= 64 * 1024, "dead letter of " + d.get(0).length() + " chars");
        JsonNode dl = JSON.readTree(d.get(0));
        assertEquals(100, dl.get("offset").asLong());
        assertTrue(dl.get("reason").asText().contains("over the limit"), dl.get("reason").asText());
    }

    /**
     * Defect 5: a job that fails on every attempt used to restart forever with nothing printed; now it
     * gives up after the restart limit, exits 1 and prints the root cause on stderr.
     */
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJobFailingOnEveryAttemptEndsWithExit1AndItsRootCause(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("a.log");
        Files.write(in, routine("web", 20), StandardCharsets.UTF_8);
        Path notADir = Files.writeString(dir.resolve("not-a-directory"), "x");
        String key = "keymem.flink.state.backend.rocksdb.localdir";
        // a file run executes in batch mode, whose keyed state is Flink's batch state backend: turned off, the
        // configured RocksDB backend (with its bad directory) runs the keyed step and fails on every attempt
        String batchState = "keymem.flink.execution.batch-state-backend.enabled";
        System.setProperty(key, notADir.resolve("rocks").toString());
        System.setProperty(batchState, "false");
        Run r;
        try {
            // the default restart limit applies (main restarted without end here)
            r = memctl("logs", "--input", in.toString(), "--output", dir.resolve("s.jsonl").toString());
        } finally {
            System.clearProperty(key);
            System.clearProperty(batchState);
        }
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("root cause"), r.err);
        assertTrue(r.err.contains("not-a-directory"), "the root cause names the bad path: " + r.err);
        // a failover that cancels the collect sink while it starts used to kill the embedded TaskManager
        // (FLINK-39330), and the run then ended on lost slots instead of the cause (CollectSinkTest)
        assertFalse(r.err.contains("NoResourceAvailableException"), r.err);
        assertFalse(r.err.contains("\tat "), "no stack trace on stderr: " + r.err);
    }

    /**
     * Files as users have them: classic Mac line ends (a lone CR), gzip, UTF-16 with a byte order mark, and
     * a FIFO (process substitution): every line is read as a line and summarized. A directory is a usage
     * error (exit 2) naming it.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void crOnlyGzipUtf16AndFifoInputsAreReadLineByLine(@TempDir Path dir) throws Exception {
        List<String> lines = routine("web", 30);
        String text = String.join("\n", lines) + "\n";
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("mac.log", String.join("\r", lines).getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        files.put("app.log.gz", gz.toByteArray());
        files.put("utf16.log", ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE));
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path in = Files.write(dir.resolve(f.getKey()), f.getValue());
            Path out = dir.resolve(f.getKey() + ".jsonl");
            Path dead = dir.resolve(f.getKey() + ".dead");
            Run r = memctl("logs", "--input", in.toString(), "--output", out.toString(), "--dead-letters",
                    dead.toString(), "--every-seconds", "0");
            assertEquals(0, r.code, f.getKey() + ": " + r.err);
            assertEquals(30, linesSummarized(jsonLines(out)), f.getKey() + ": every line summarized: " + r.err);
            assertEquals(List.of(), jsonLines(dead), f.getKey());
            assertFalse(Files.readString(out).contains("\\u0000"), f.getKey() + ": text decoded");
        }

        // the context job's file source reads the same formats (decoded to a plain file first)
        List<String> ev = List.of(JSON.createObjectNode().put("user", "u1").put("text", "I live in Lisbon").toString(),
                JSON.createObjectNode().put("user", "u1").put("text", "where do I live?").put("query", true).toString());
        ByteArrayOutputStream evGz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(evGz)) {
            z.write(String.join("\n", ev).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, byte[]> events = new LinkedHashMap<>();
        events.put("mac.jsonl", String.join("\r", ev).getBytes(StandardCharsets.UTF_8));
        events.put("events.jsonl.gz", evGz.toByteArray());
        events.put("utf16.jsonl", ("\uFEFF" + String.join("\r\n", ev)).getBytes(StandardCharsets.UTF_16BE));
        for (Map.Entry<String, byte[]> f : events.entrySet()) {
            Path in = Files.write(dir.resolve(f.getKey()), f.getValue());
            Path out = dir.resolve(f.getKey() + ".answers");
            Path dead = dir.resolve(f.getKey() + ".dead");
            Run r = memctl("context", "--input", in.toString(), "--output", out.toString(), "--dead-letters",
                    dead.toString());
            assertEquals(0, r.code, f.getKey() + ": " + r.err);
            assertEquals(1, jsonLines(out).size(), f.getKey() + ": one answer: " + r.err);
            assertEquals(List.of(), jsonLines(dead), f.getKey());
        }

        Path fifo = dir.resolve("events.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Thread writer = new Thread(() -> {
            try {
                Files.write(fifo, List.of(
                        JSON.createObjectNode().put("user", "u1").put("text", "I live in Lisbon").toString(),
                        JSON.createObjectNode().put("user", "u1").put("text", "where do I live?").put("query", true)
                                .toString()), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        Path answers = dir.resolve("a.jsonl");
        Run r = memctl("context", "--input", fifo.toString(), "--output", answers.toString());
        writer.join();
        assertEquals(0, r.code, r.err);
        assertEquals(1, jsonLines(answers).size(), r.err);

        r = memctl("logs", "--input", dir.toString());
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("is a directory"), r.err);
    }

    /**
     * A gzip file cut short (or damaged) used to run over the lines before the damage and end with exit 0 as if
     * they were the whole file (a damaged one with 0 lines): both jobs refuse it (exit 2), one line on stderr
     * naming the file and the damage, nothing written.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTruncatedGzipIsRefusedNamingTheDamage(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            for (String l : routine("web", 5_000)) {
                z.write((l + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] b = gz.toByteArray();
        Path in = Files.write(dir.resolve("app.log.gz"), java.util.Arrays.copyOf(b, b.length * 2 / 3));
        for (String job : List.of("logs", "context")) {
            Path out = dir.resolve(job + ".jsonl");
            Run r = memctl(job, "--input", in.toString(), "--output", out.toString());
            assertEquals(2, r.code, r.err);
            String[] lines = r.err.strip().split("\n");
            assertEquals(1, lines.length, r.err);
            assertTrue(lines[0].startsWith("memctl " + job + ": input " + in + ": gzip data ends early (a truncated "
                    + "file?) after "), r.err);
            assertEquals(List.of(), jsonLines(out));
        }
    }

    /** An output named like the input used to truncate the input before it was read: every line lost. */
    @Test
    void anOutputThatIsTheInputIsAUsageErrorAndTheInputIsKept(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("app.log"), routine("web", 5), StandardCharsets.UTF_8);
        for (String[] args : List.of(new String[] {"logs", "--input", in.toString(), "--output", in.toString()},
                new String[] {"logs", "--input", in.toString(), "--dead-letters", dir.resolve(".").resolve("app.log")
                        .toString()},
                new String[] {"context", "--input", in.toString(), "--output", in.toString()})) {
            Run r = memctl(args);
            assertEquals(2, r.code, r.err);
            assertTrue(r.err.contains("is the input file"), r.err);
            assertEquals(routine("web", 5), Files.readAllLines(in, StandardCharsets.UTF_8), "the input is untouched");
        }
    }

    /** Defect 5, usage side: a bad value of the new option is a usage error (exit 2). */
    @Test
    void aBadRestartLimitIsAUsageError(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("a.log"), "x\n");
        Run r = memctl("logs", "--input", in.toString(), "--restart-attempts", "-1");
        assertEquals(2, r.code, r.err);
        assertTrue(r.err.contains("--restart-attempts"), r.err);
    }
}
