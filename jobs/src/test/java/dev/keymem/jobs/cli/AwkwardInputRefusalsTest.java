package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.FileLines;
import dev.keymem.jobs.kafka.KafkaRecord;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs and outputs that session 16 left awkward, each reproduced first as a user met it: UTF-16 without a byte
 * order mark (read as lines of NULs and junk, exit 0), a plain text file named {@code .bz2} or {@code .deflate}
 * (the job failed with Flink's "Stream is not in the BZip2 format", exit 1), an output path that cannot be written
 * (a directory: "failed: java.nio.file.FileSystemException: ro: Is a directory", exit 1). Refusals come before any
 * job starts: exit 2, one line on stderr naming the path and the cause.
 */
class AwkwardInputRefusalsTest {
    private static final List<String> LINES = List.of("2026-01-15T08:00:00Z INFO web[7]: request ok id=1",
            "2026-01-15T08:00:01Z WARN web[7]: slow request id=2 caf\u00e9", "", "last line without a line end");
    private static final String TEXT = String.join("\r\n", LINES);

    private static List<String> values(List<KafkaRecord> records) {
        List<String> out = new ArrayList<>();
        for (KafkaRecord r : records) {
            out.add(new String(r.value, StandardCharsets.UTF_8));
        }
        return out;
    }

    /** UTF-16 without a mark, either byte order, is read as the UTF-8 file is; with a mark as before. */
    @Test
    void utf16WithoutAByteOrderMarkIsDecoded(@TempDir Path dir) throws Exception {
        for (Charset cs : new Charset[] {StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16}) {
            Path f = Files.write(dir.resolve("win-" + cs.name() + ".log"), TEXT.getBytes(cs));
            assertTrue(FileLines.needsDecoding(f), cs.name());
            assertEquals(LINES, values(FileLines.read(f)), cs.name());
            Path copy = JobCli.plainInput(f, dir.resolve("work-" + cs.name()));
            assertEquals(LINES, Files.readAllLines(copy, StandardCharsets.UTF_8), cs.name());
        }
        // gzip of UTF-16LE without a mark too
        Path gz = dir.resolve("win.log.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write(TEXT.getBytes(StandardCharsets.UTF_16LE));
        }
        assertEquals(LINES, values(FileLines.read(gz)));
    }

    /**
     * Not taken for UTF-16: a UTF-8 file, one that starts with a run of NULs (a log cut by {@code copytruncate} while
     * written), UTF-32 with its mark, binary-looking bytes, a file of one char.
     */
    @Test
    void otherNulBytesAreNoUtf16(@TempDir Path dir) throws Exception {
        byte[] utf8 = (TEXT + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] nulRun = new byte[5000 + utf8.length];
        System.arraycopy(utf8, 0, nulRun, 5000, utf8.length);
        byte[] mixed = new byte[4000];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = (byte) (i % 3 == 0 ? 0 : 'a' + i % 7);
        }
        for (byte[] b : new byte[][] {utf8, nulRun, mixed, {'a', 0}, {0, 'a', 0}}) {
            Path f = Files.write(dir.resolve("f.log"), b);
            assertEquals(FileLines.records("f.log", b), FileLines.read(f));
            List<KafkaRecord> got = FileLines.read(f);
            int nuls = 0;
            for (KafkaRecord r : got) {
                for (byte x : r.value) {
                    nuls += x == 0 ? 1 : 0;
                }
            }
            int want = 0;
            for (byte x : b) {
                want += x == 0 ? 1 : 0;
            }
            assertEquals(want, nuls, "the bytes are kept as they are: " + Arrays.toString(Arrays.copyOf(b, 8)));
        }
        byte[] utf32 = ("\uFEFF" + TEXT).getBytes(Charset.forName("UTF-32LE"));
        assertEquals(LINES, values(FileLines.records("f.log", utf32)));
    }

    /** A file whose name says a compression its bytes do not hold is refused, naming the file; so is a damaged one. */
    @Test
    void aFileNotWhatItsNameSaysIsRefusedBeforeTheJob(@TempDir Path dir) throws Exception {
        byte[] plain = (TEXT + "\n").getBytes(StandardCharsets.UTF_8);
        for (String suffix : new String[] {"bz2", "deflate", "gz", "gzip", "xz", "BZ2"}) {
            Path f = Files.write(dir.resolve("app.log." + suffix), plain);
            assertTrue(FileLines.needsDecoding(f), suffix);
            UsageException e = assertThrows(UsageException.class, () -> JobCli.plainInput(f, dir.resolve("w")));
            assertTrue(e.getMessage().startsWith("input " + f + ": named ." + suffix + " but not "), e.getMessage());
            assertTrue(e.getMessage().contains("\"2026-01-15T0...\""), e.getMessage());
        }
        // gzip bytes named .bz2: named for what it is not
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream o = new GZIPOutputStream(gz)) {
            o.write(plain);
        }
        Path g = Files.write(dir.resolve("app.log.bz2"), gz.toByteArray());
        UsageException e = assertThrows(UsageException.class, () -> JobCli.plainInput(g, dir.resolve("w")));
        assertTrue(e.getMessage().endsWith("named .bz2 but not bzip2 data (gzip): rename it to what it holds"),
                e.getMessage());
        // bzip2 bytes under any name are decompressed (the bytes decide); an empty .bz2 has no lines
        ByteArrayOutputStream bz = new ByteArrayOutputStream();
        try (OutputStream o = new BZip2CompressorOutputStream(bz)) {
            o.write(plain);
        }
        Path b = Files.write(dir.resolve("app.log"), bz.toByteArray());
        assertEquals(LINES, values(FileLines.read(b)));
        assertEquals(List.of(), FileLines.read(Files.write(dir.resolve("empty.bz2"), new byte[0])));
        // a truncated bzip2 file is refused naming the damage
        byte[] cut = Arrays.copyOf(bz.toByteArray(), bz.size() - 8);
        Path t = Files.write(dir.resolve("cut.log.bz2"), cut);
        e = assertThrows(UsageException.class, () -> JobCli.plainInput(t, dir.resolve("w")));
        assertTrue(e.getMessage().startsWith("input " + t + ": bzip2 data "), e.getMessage());
    }

    /** Through the command line: exit 2 and one line, for both jobs, and nothing written. */
    @Test
    void theCommandLineRefusesWithExit2AndOneLine(@TempDir Path dir) throws Exception {
        Path bz2 = Files.writeString(dir.resolve("app.log.bz2"), TEXT);
        Path ok = Files.writeString(dir.resolve("app.log"), TEXT);
        Path sub = Files.createDirectories(dir.resolve("sub"));
        for (String job : List.of("logs", "context")) {
            Path out = dir.resolve(job + ".out");
            List<String[]> cases = List.of(
                    new String[] {job, "--input", bz2.toString(), "--output", out.toString()},
                    new String[] {job, "--input", ok.toString(), "--output", sub.toString()},
                    new String[] {job, "--input", ok.toString(), "--output", out.toString(), "--dead-letters",
                        ok.resolve("x").toString()});
            String[] starts = {"memctl " + job + ": input " + bz2 + ": named .bz2 but not bzip2 data",
                "memctl " + job + ": option --output " + sub + ": is a directory, not a file",
                "memctl " + job + ": option --dead-letters " + ok.resolve("x") + ": cannot be created: " + ok
                        + " is a file, not a directory"};
            for (int i = 0; i < cases.size(); i++) {
                MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl(cases.get(i));
                assertEquals(2, r.code(), r.err());
                String[] lines = r.err().strip().split("\n");
                assertEquals(1, lines.length, r.err());
                assertTrue(lines[0].startsWith(starts[i]), r.err());
                assertFalse(Files.exists(out) && Files.size(out) > 0, "nothing written");
            }
        }
        assertEquals(TEXT, Files.readString(ok), "the input is untouched");
    }

    /**
     * A missing directory of an output is created (as always); a directory given as the output file, or a path under
     * a regular file, is refused: these hold for root too (the box and CI run as root).
     */
    @Test
    void outputPathsAreCheckedBeforeTheJob(@TempDir Path dir) throws Exception {
        assertEquals(null, JobCli.unwritable(dir.resolve("new/deeper/out.jsonl").toString()));
        assertEquals(null, JobCli.unwritable(dir.resolve("out.jsonl").toString()));
        assertEquals("is a directory, not a file", JobCli.unwritable(dir.toString()));
        Path file = Files.writeString(dir.resolve("f"), "x");
        assertEquals("cannot be created: " + file + " is a file, not a directory",
                JobCli.unwritable(file.resolve("a/b").toString()));
        assertEquals("cannot be created: " + file + " is a file, not a directory",
                JobCli.unwritable(file.resolve("out.jsonl").toString()));
    }

    /** A directory or file without write permission is refused (where permissions bind: not as root). */
    @Test
    void outputPathsWithoutPermissionAreRefused(@TempDir Path dir) throws Exception {
        Path ro = Files.createDirectories(dir.resolve("ro"));
        Path roFile = Files.writeString(dir.resolve("ro.jsonl"), "x");
        assertTrue(ro.toFile().setWritable(false, false) && roFile.toFile().setWritable(false, false));
        try {
            // root may write anywhere: outputPathsAreCheckedBeforeTheJob holds the cases that run as root
            Assumptions.assumeFalse(Files.isWritable(ro), "running as root: permissions do not bind");
            assertEquals("cannot be created in " + ro + " (permissions)", JobCli.unwritable(ro.resolve("o").toString()));
            assertEquals("cannot be written (permissions)", JobCli.unwritable(roFile.toString()));
        } finally {
            ro.toFile().setWritable(true, false);
        }
    }

    /**
     * The plain copy of a decoded input is named so that Flink's file source never decompresses it again by its
     * name ({@code app.log.gz.gz} failed the job with "Not in GZIP format", exit 1; so did gzip data named
     * {@code .tgz}, whose copy kept the name, and a text file named so); its lines are the input's.
     */
    @Test
    void thePlainCopyIsNeverDecompressedAgainByName(@TempDir Path dir) throws Exception {
        String text = "line one\nline two\n";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream bz = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(bz)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        int k = 0;
        for (String name : List.of("app.log.gz.gz", "app.log.GZ.gz", "x.bz2.gz", "x.gz.txt", "x.tgz", "x.log_gz",
                "x.gzip.gz", ".gz", "xgz.gz", "bz2.bz2", "y.bz2", "y.tbz2", "y.txt.Bz2")) {
            byte[] bytes = name.toLowerCase(java.util.Locale.ROOT).endsWith("bz2") ? bz.toByteArray()
                    : gz.toByteArray();
            Path in = Files.write(Files.createDirectories(dir.resolve("in" + k)).resolve(name), bytes);
            Path copy = JobCli.plainInput(in, dir.resolve("work" + k++));
            assertNotEquals(in, copy, name);
            String copyName = copy.getFileName().toString();
            assertNull(org.apache.flink.connector.file.src.compression.StandardDeCompressors
                    .getDecompressorForFileName(copyName), name + " -> " + copyName);
            assertNull(org.apache.flink.connector.file.src.compression.StandardDeCompressors
                    .getDecompressorForFileName(copy.toString()), name + " -> " + copy);
            assertEquals(text, Files.readString(copy), name);
        }
        // a plain text file whose name Flink's file source takes for compressed data goes through a copy too
        for (String name : List.of("notes.tgz", "notes_gz", "list.tbz2")) {
            Path in = Files.writeString(Files.createDirectories(dir.resolve("in" + k)).resolve(name), text);
            JobCli.PlainInput plain = JobCli.plain(in, dir.resolve("work" + k++));
            Path copy = plain.file();
            assertEquals(BatchFileRun.countLines(copy), plain.lines(), name + ": the copy's lines, counted as written");
            assertNull(org.apache.flink.connector.file.src.compression.StandardDeCompressors
                    .getDecompressorForFileName(copy.toString()), name + " -> " + copy);
            assertEquals(text, Files.readString(copy), name);
        }
        // a last line without a line end counts, in the copy's count as in countLines
        Path last = Files.writeString(Files.createDirectories(dir.resolve("in" + k)).resolve("last.tgz"), "one\ntwo");
        JobCli.PlainInput plain = JobCli.plain(last, dir.resolve("work" + k++));
        assertEquals(2, plain.lines());
        assertEquals(2, BatchFileRun.countLines(plain.file()));
        // through the command line
        Path in = Files.write(Files.createDirectories(dir.resolve("cli")).resolve("app.log.tgz"), gz.toByteArray());
        Path out = dir.resolve("o.jsonl");
        MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl("logs", "--input", in.toString(), "--output",
                out.toString(), "--dead-letters", dir.resolve("d.jsonl").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains(": 2 "), r.err());
    }

    /**
     * Two JSON objects glued on one line lost the second one silently (exit 0, no dead letter) in both jobs: the
     * line is now a dead letter naming its line and the reason, and the other lines are read.
     */
    @Test
    void aLineOfGluedJsonObjectsIsADeadLetterInBothJobs(@TempDir Path dir) throws Exception {
        Path logs = Files.writeString(dir.resolve("glued.log"), "{\"source\":\"a\",\"message\":\"one\"}"
                + "{\"source\":\"a\",\"message\":\"two\"}\n{\"source\":\"a\",\"message\":\"three\"}\n");
        Path events = Files.writeString(dir.resolve("glued.jsonl"), "{\"user\":\"u\",\"text\":\"one\"}\n"
                + "{\"user\":\"u\",\"text\":\"two\"} {\"user\":\"u\",\"text\":\"three\"}\n");
        for (Path in : List.of(logs, events)) {
            String job = in == logs ? "logs" : "context";
            Path dead = dir.resolve(job + ".dead");
            MemctlAwkwardInputTest.Run r = MemctlAwkwardInputTest.memctl(job, "--input", in.toString(), "--output",
                    dir.resolve(job + ".out").toString(), "--dead-letters", dead.toString());
            assertEquals(0, r.code(), r.err());
            List<com.fasterxml.jackson.databind.JsonNode> d = MemctlAwkwardInputTest.jsonLines(dead);
            assertEquals(1, d.size(), r.err());
            assertEquals(dev.keymem.jobs.kafka.RecordParsers.MORE_AFTER_JSON, d.get(0).get("reason").asText());
            assertEquals(in == logs ? 0 : 1, d.get(0).get("offset").asLong());
            assertTrue(r.err().contains(", 1 dead letters"), r.err());
        }
    }
}
