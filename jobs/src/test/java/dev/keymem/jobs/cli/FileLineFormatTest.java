package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.keymem.jobs.kafka.FileLines;
import dev.keymem.jobs.kafka.KafkaRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.local.LocalDataInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileLineFormat}: the records of {@link FileLines#read} (the reference), lines across its read chunks
 * included, each with a value array of its own (the records cross the chain to the parse step uncopied, so none
 * may share or reuse an array: {@code KafkaRecordSerializer}).
 */
class FileLineFormatTest {
    @Test
    void theRecordsOfFileLinesEachWithItsOwnValue(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        byte[] alphabet = {'a', 'b', ' ', '\n', '\r', '{', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};
        for (int round = 0; round < 12; round++) {
            int n = round == 0 ? 0 : r.nextInt(round < 6 ? 400 : 300_000);
            byte[] b = new byte[n];
            boolean longLines = round >= 9;
            for (int i = 0; i < n; i++) {
                // from round 9 long lines (over the reader's 64 KiB chunk); line ends of both kinds
                byte c = alphabet[r.nextInt(alphabet.length)];
                if (longLines && c == '\n') {
                    c = r.nextInt(20_000) == 0 ? (byte) '\n' : (byte) 'x';
                }
                b[i] = c;
            }
            if (n > 0 && b[0] == '\r') {
                b[0] = 'a'; // not a classic Mac file (FileLines cuts those at every \r; the file source gets a copy)
            }
            Path f = dir.resolve("in-" + round + ".log");
            Files.write(f, b);
            List<KafkaRecord> want = FileLines.read(f);
            if (FileLines.needsDecoding(f)) {
                continue;
            }
            List<KafkaRecord> got = read(f);
            assertEquals(want, got, "round " + round);
            IdentityHashMap<byte[], Boolean> arrays = new IdentityHashMap<>();
            for (KafkaRecord k : got) {
                assertEquals(null, arrays.put(k.value, true), "a value array of its own");
            }
            for (int i = 1; i < got.size(); i++) {
                assertNotSame(got.get(i - 1), got.get(i));
            }
        }
    }

    /**
     * A lone {@code \r} at the end of the last line is no line end ({@code \n} and {@code \r\n} are): it stays
     * in the line, as {@link FileLines} keeps it and as any {@code \r} inside a line stays; within a read chunk
     * and in a last line longer than one chunk.
     */
    @Test
    void aLoneCrAtTheEndOfTheLastLineStaysInIt(@TempDir Path dir) throws Exception {
        String longLine = "y".repeat(70_000);
        String[] files = {"a\nb\r", "a\r\nb\r", "a\n" + longLine + "\r", "a\nb\r\r", "a\nb\r\n"};
        String[][] lines = {{"a", "b\r"}, {"a", "b\r"}, {"a", longLine + "\r"}, {"a", "b\r\r"}, {"a", "b"}};
        for (int i = 0; i < files.length; i++) {
            Path f = dir.resolve("cr-" + i + ".log");
            Files.writeString(f, files[i]);
            List<KafkaRecord> got = read(f);
            List<String> values = new ArrayList<>();
            for (KafkaRecord k : got) {
                values.add(new String(k.value, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertEquals(List.of(lines[i]), values, "file " + i);
            assertEquals(FileLines.read(f), got, "file " + i + ": the records of FileLines");
        }
    }

    /**
     * A file that grows while the run reads it (a live log) failed the job at every attempt ("SimpleStreamFormat is
     * not splittable, but found split end (N) different from file length (M)"): the reader reads the file as it was
     * listed, up to its split's end, and the lines appended since are not read (the last line cut where the listing
     * cut it, as a last line without a line end); a file cut shorter since is read to its end.
     */
    @Test
    void aFileGrowingWhileReadIsReadAsItWasListed(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            sb.append("line ").append(i).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        Path f = Files.writeString(dir.resolve("grow.log"), sb.toString());
        List<KafkaRecord> all = FileLines.read(f);
        long size = Files.size(f);
        int listed = sb.indexOf("line 600");
        for (long end : new long[] {listed, listed + 6, size, size + 100}) {
            List<KafkaRecord> got = new ArrayList<>();
            try (StreamFormat.Reader<KafkaRecord> reader = new FileLineFormat("grow.log").createReader(
                    new Configuration(), new LocalDataInputStream(f.toFile()), size, end)) {
                for (KafkaRecord k = reader.read(); k != null; k = reader.read()) {
                    got.add(k);
                }
            }
            List<KafkaRecord> want = end == listed ? all.subList(0, 600) : end == listed + 6 ? new ArrayList<>(
                    all.subList(0, 601)) : all;
            if (end == listed + 6) {
                want.set(600, new KafkaRecord("grow.log", 0, 600, -1, null, "line 6".getBytes()));
            }
            assertEquals(want, got, "split end " + end + " of " + size);
        }
    }

    /**
     * One rule for compressed input ({@code FileLines.coding}): a {@code .bz2} or {@code .deflate} file, whatever its
     * compressed bytes hold (a {@code \r} before their first {@code \n} made memctl cut them into junk lines
     * before session 16; until session 17 the file source decompressed them by name), is decompressed by memctl into
     * a plain copy that the file source reads whole and that is counted without decompressing again; an {@code .xz}
     * file is refused with the way around it.
     */
    @Test
    void everyBzip2OrDeflateFileIsReadThroughItsPlainCopyAndXzIsRefused(@TempDir Path dir) throws Exception {
        for (String suffix : new String[] {"bz2", "deflate"}) {
            for (int seed = 0; seed < 3; seed++) {
                Path g = dir.resolve("f-" + seed + ".log." + suffix);
                try (OutputStream o = suffix.equals("bz2") ? new BZip2CompressorOutputStream(Files.newOutputStream(g))
                        : new DeflaterOutputStream(Files.newOutputStream(g))) {
                    o.write(compressible(seed).getBytes(StandardCharsets.UTF_8));
                }
                assertTrue(FileLines.needsDecoding(g), g.toString());
                JobCli.PlainInput plain = JobCli.plain(g, dir.resolve("work-" + suffix + seed));
                Path copy = plain.file();
                assertEquals("f-" + seed + ".log", copy.getFileName().toString());
                assertFalse(FileLines.needsDecoding(copy), copy.toString());
                assertEquals(LINES, BatchFileRun.countLines(copy), g + ": lines counted on the copy");
                assertEquals(LINES, plain.lines(), g + ": lines counted while the copy was written");
                if (seed < 2) {
                    assertEquals(lines(copy.getFileName().toString(), compressible(seed)), readSplit(copy), g.toString());
                }
            }
        }
        Path xz = Files.write(dir.resolve("a.log.xz"), new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0});
        UsageException e = assertThrows(UsageException.class,
                () -> JobCli.plainInput(xz, dir.resolve("work")));
        assertTrue(e.getMessage().contains("xz files are not read"), e.getMessage());
    }

    /**
     * {@link FileLines#writePlain} (streamed, what a run's plain copy is) gives, read as the file source reads it,
     * the records of {@link FileLines#read} (the reference, in memory) and counts them: on random lines with every
     * kind of line end (a lone {@code \r} first too), plain, gzip, bzip2, deflate, UTF-16 with and without a mark
     * and UTF-32 (surrogate pairs across the transcoder's chunks), long ones over its 64 KiB buffers.
     */
    @Test
    void theStreamedPlainCopyHoldsTheRecordsOfFileLines(@TempDir Path dir) throws Exception {
        SplittableRandom r = new SplittableRandom(23);
        String[] pieces = {"a", "b c", "\n", "\r\n", "\r", "\u00e9", "\ud83d\ude00", "{\"x\":1}", "\u65e5"};
        for (int round = 0; round < 40; round++) {
            StringBuilder sb = new StringBuilder();
            int n = round < 3 ? round : r.nextInt(round < 30 ? 300 : 60_000);
            for (int i = 0; i < n; i++) {
                sb.append(pieces[r.nextInt(pieces.length)]);
            }
            String text = sb.toString();
            int how = round % 8;
            byte[] bytes = switch (how) {
                case 5 -> text.getBytes(StandardCharsets.UTF_16LE);
                case 6 -> text.getBytes(StandardCharsets.UTF_16); // big-endian with its mark
                case 7 -> ("\uFEFF" + text).getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
                default -> text.getBytes(StandardCharsets.UTF_8);
            };
            String name = "f" + round + ".log";
            java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
            try (OutputStream o = switch (how) {
                case 1 -> new GZIPOutputStream(packed);
                case 2 -> new BZip2CompressorOutputStream(packed);
                case 3 -> new DeflaterOutputStream(packed);
                default -> packed;
            }) {
                o.write(bytes);
            }
            name += how == 1 ? ".gz" : how == 2 ? ".bz2" : how == 3 ? ".deflate" : "";
            Path f = Files.write(dir.resolve(name), packed.toByteArray());
            Path copy = dir.resolve("copy-" + round + ".log");
            long lines;
            try (OutputStream o = Files.newOutputStream(copy)) {
                lines = FileLines.writePlain(f, o);
            }
            List<KafkaRecord> want = new ArrayList<>();
            for (KafkaRecord k : FileLines.read(f)) {
                want.add(new KafkaRecord("copy", 0, k.offset, -1, null, k.value));
            }
            List<KafkaRecord> got = new ArrayList<>();
            try (StreamFormat.Reader<KafkaRecord> reader = new FileLineFormat("copy")
                    .createReader(new Configuration(), new LocalDataInputStream(copy.toFile()))) {
                for (KafkaRecord k = reader.read(); k != null; k = reader.read()) {
                    got.add(k);
                }
            }
            assertEquals(want, got, "round " + round + " (" + name + ")");
            assertEquals(want.size(), lines, "round " + round);
            assertEquals(lines, BatchFileRun.countLines(copy), "round " + round);
        }
    }

    /** A gzip file is decoded by memctl into a plain copy, which the file source reads whole. */
    @Test
    void aGzipFileIsReadWholeThroughItsPlainCopy(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("app.log.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(compressible(0).getBytes(StandardCharsets.UTF_8));
        }
        Path copy = JobCli.plainInput(f, dir.resolve("work"));
        assertEquals("app.log", copy.getFileName().toString());
        List<KafkaRecord> got = readSplit(copy);
        assertEquals(LINES, got.size(), "lines read");
        assertEquals(lines("app.log", compressible(0)), got);
    }

    private static final int LINES = 20_000;

    private static String compressible(int seed) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < LINES; i++) {
            sb.append("2024-05-01T12:00:00Z INFO request ").append(i * 7919 + seed).append(" served in 12 ms\n");
        }
        return sb.toString();
    }

    private static List<KafkaRecord> lines(String topic, String text) {
        List<KafkaRecord> want = new ArrayList<>();
        for (String line : text.split("\n")) {
            want.add(new KafkaRecord(topic, 0, want.size(), -1, null, line.getBytes(StandardCharsets.UTF_8)));
        }
        return want;
    }

    /** The records of {@code f} as the run's file source reads them: one split of the whole file as listed. */
    /**
     * A line longer than the reader's bound is not held whole (one line of 300 MB in a heap of 128 MiB failed the
     * run with an OutOfMemoryError): its record holds its first {@code bound} bytes, across read chunks and with a
     * {@code \r} at the cut kept (a cut value is no line end), and the lines around it are those of
     * {@link FileLines#read}, with their line numbers; lines up to the bound are whole. The bound is that of
     * {@link BatchFileRun#lineBound}: above the record limit, so a cut line is always a dead letter.
     */
    @Test
    void aLineOverTheBoundIsCutToItsFirstBytesTheOthersWhole(@TempDir Path dir) throws Exception {
        int bound = 100_000;
        byte[] longLine = new byte[5 * (1 << 16) + 7];
        for (int i = 0; i < longLine.length; i++) {
            longLine[i] = (byte) ('a' + i % 26);
        }
        longLine[bound - 1] = '\r';
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("first\r\n".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(longLine);
        b.writeBytes("\r\nthird\n".getBytes(StandardCharsets.UTF_8));
        byte[] exactly = java.util.Arrays.copyOf(longLine, bound);
        exactly[bound - 1] = 'q';
        b.writeBytes(exactly); // exactly the bound: whole
        b.writeBytes("\nlast, cut too: ".getBytes(StandardCharsets.UTF_8));
        b.writeBytes(longLine); // and no line end
        Path f = Files.write(dir.resolve("long.log"), b.toByteArray());
        List<KafkaRecord> want = FileLines.read(f);
        List<KafkaRecord> got = new ArrayList<>();
        try (StreamFormat.Reader<KafkaRecord> reader = new FileLineFormat("long.log", bound)
                .createReader(new Configuration(), new LocalDataInputStream(f.toFile()))) {
            for (KafkaRecord k = reader.read(); k != null; k = reader.read()) {
                got.add(k);
            }
        }
        assertEquals(5, got.size());
        for (int i = 0; i < 5; i++) {
            KafkaRecord w = want.get(i);
            byte[] cut = java.util.Arrays.copyOf(w.value, Math.min(w.value.length, bound));
            assertEquals(new KafkaRecord(w.topic, 0, i, -1, null, cut), got.get(i), "line " + i);
        }
        assertEquals(bound, got.get(1).value.length);
        assertEquals('\r', got.get(1).value[bound - 1]);
        assertEquals(bound, got.get(3).value.length);
        assertEquals(bound, got.get(4).value.length);
        assertTrue(new String(got.get(4).value, StandardCharsets.UTF_8).startsWith("last, cut too: abc"));
        // a cut record names its line's length (its line end not counted), its dead letter's reason too; whole
        // lines, the one of exactly the bound among them, name none
        assertEquals(longLine.length, got.get(1).lineBytes);
        assertEquals("last, cut too: ".length() + longLine.length, got.get(4).lineBytes);
        for (int i : new int[] {0, 2, 3}) {
            assertEquals(-1, got.get(i).lineBytes, "line " + i);
        }
        org.apache.flink.core.memory.DataOutputSerializer o = new org.apache.flink.core.memory.DataOutputSerializer(64);
        dev.keymem.jobs.kafka.KafkaRecordSerializer.TYPE.createSerializer(
                new org.apache.flink.api.common.serialization.SerializerConfigImpl()).serialize(got.get(1), o);
        KafkaRecord back = dev.keymem.jobs.kafka.KafkaRecordSerializer.TYPE.createSerializer(
                new org.apache.flink.api.common.serialization.SerializerConfigImpl()).deserialize(
                new org.apache.flink.core.memory.DataInputDeserializer(o.getCopyOfBuffer()));
        assertEquals(got.get(1), back);
        assertEquals(longLine.length, back.lineBytes, "the serializer between the source and the parse step keeps it");
        dev.keymem.jobs.kafka.InvalidRecordException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.keymem.jobs.kafka.InvalidRecordException.class,
                () -> dev.keymem.jobs.kafka.RecordParsers.decode(back, 65_536));
        assertEquals("value has " + longLine.length + " bytes, over the limit of 65536", e.getMessage());
    }

    @Test
    void theLineBoundIsAboveTheRecordLimitAndASixteenthOfTheHeapWithinItsRange() {
        assertEquals(BatchFileRun.MAX_LINE_BOUND, BatchFileRun.lineBound(65_536, 6L << 30));
        assertEquals(8 << 20, BatchFileRun.lineBound(65_536, 128L << 20));
        assertEquals(BatchFileRun.MIN_LINE_BOUND, BatchFileRun.lineBound(65_536, 8L << 20));
        assertEquals((100 << 20) + 1, BatchFileRun.lineBound(100 << 20, 6L << 30));
        assertEquals(Integer.MAX_VALUE - 64, BatchFileRun.lineBound(Integer.MAX_VALUE, 6L << 30));
    }

    private static List<KafkaRecord> readSplit(Path f) throws Exception {
        long len = Files.size(f);
        FileSourceSplit split = new FileSourceSplit("0", new org.apache.flink.core.fs.Path(f.toUri()), 0, len,
                Files.getLastModifiedTime(f).toMillis(), len);
        List<KafkaRecord> got = new ArrayList<>();
        StreamFormatAdapter<KafkaRecord> adapter = new StreamFormatAdapter<>(
                new FileLineFormat(f.getFileName().toString()));
        try (BulkFormat.Reader<KafkaRecord> r = adapter.createReader(new Configuration(), split)) {
            for (BulkFormat.RecordIterator<KafkaRecord> it = r.readBatch(); it != null; it = r.readBatch()) {
                for (RecordAndPosition<KafkaRecord> x = it.next(); x != null; x = it.next()) {
                    got.add(x.getRecord());
                }
                it.releaseBatch();
            }
        }
        return got;
    }

    private static List<KafkaRecord> read(Path f) throws Exception {
        List<KafkaRecord> got = new ArrayList<>();
        try (StreamFormat.Reader<KafkaRecord> reader = new FileLineFormat(f.getFileName().toString())
                .createReader(new Configuration(), new LocalDataInputStream(f.toFile()))) {
            for (KafkaRecord k = reader.read(); k != null; k = reader.read()) {
                got.add(k);
            }
        }
        return got;
    }
}
