package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the jobs' file mode cuts a file into line records: line ends, gzip, UTF-16/32 byte order marks. */
class FileLinesTest {

    static List<String> lines(byte[] content) throws Exception {
        List<KafkaRecord> r = FileLines.records("f", content);
        for (int i = 0; i < r.size(); i++) {
            assertEquals(i, r.get(i).offset, "offsets are 0-based line numbers");
            assertEquals("f", r.get(i).topic);
        }
        return r.stream().map(x -> new String(x.value, StandardCharsets.UTF_8)).toList();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(o)) {
            z.write(b);
        }
        return o.toByteArray();
    }

    @Test
    void lineEndsAreLfAndCrLfOrALoneCrInAFileWhoseFirstLineEndIsOne() throws Exception {
        assertEquals(List.of("a", "b", "c"), lines(utf8("a\nb\nc\n")));
        assertEquals(List.of("a", "b", "c"), lines(utf8("a\r\nb\r\nc")), "CRLF, no line end at the end");
        assertEquals(List.of("a", "b\rstill b", "c\r", "d"), lines(utf8("a\nb\rstill b\nc\r\r\nd")),
                "a CR inside a line of an LF file stays (as wc -l counts)");
        assertEquals(List.of("a", "b", "c"), lines(utf8("a\rb\rc\r")), "classic Mac line ends");
        assertEquals(List.of("a", "b", "c"), lines(utf8("a\rb\rc")));
        assertEquals(List.of("a", "", "b", "", "c"), lines(utf8("a\r\r\nb\n\rc")),
                "first line end a lone CR: as BufferedReader counts them");
        assertEquals(List.of(), lines(new byte[0]));
        assertEquals(List.of(""), lines(utf8("\n")));
        assertEquals(List.of("", ""), lines(utf8("\r\r")));
        assertEquals(List.of("x\u0000y", "\u0085z\u2028"), lines(utf8("x\u0000y\n\u0085z\u2028")),
                "NUL, NEL and LINE SEPARATOR are not line ends");
    }

    @Test
    void invalidUtf8IsLeftForTheParseStep() throws Exception {
        byte[] b = {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, '\n', (byte) 0xFF};
        List<KafkaRecord> r = FileLines.records("f", b);
        assertEquals(3, r.size());
        assertArrayEquals(new byte[] {(byte) 0xC3, (byte) 0x28}, r.get(1).value);
        assertArrayEquals(new byte[] {(byte) 0xFF}, r.get(2).value, "a lone 0xFF is not a BOM");
    }

    @Test
    void gzipIsDecompressedAlsoConcatenated() throws Exception {
        assertEquals(List.of("a", "b"), lines(gzip(utf8("a\r\nb\r\n"))));
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.writeBytes(gzip(utf8("a\nb\n")));
        two.writeBytes(gzip(utf8("c\n")));
        assertEquals(List.of("a", "b", "c"), lines(two.toByteArray()), "cat a.gz b.gz");
    }

    /**
     * A truncated gzip file (a copy cut short, a file still being written) or a damaged one (a bad block) used to
     * give the lines before the damage and nothing else, and a run over it ended with exit 0 as if that were the
     * whole file (a damaged one: 0 lines): it is refused, naming the damage and how much came out before it.
     */
    @Test
    void aTruncatedOrDamagedGzipIsRefusedNotCutShort() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        byte[] z = gzip(utf8(sb.toString()));
        FileLines.DamagedInputException cut = assertThrows(FileLines.DamagedInputException.class,
                () -> lines(Arrays.copyOf(z, z.length / 2)));
        assertTrue(cut.getMessage().startsWith("gzip data ends early (a truncated file?) after "), cut.getMessage());
        assertTrue(cut.getMessage().matches(".* after \\d+ bytes \\(\\d+ lines\\) of it.*"), cut.getMessage());
        byte[] bad = Arrays.copyOf(z, z.length);
        for (int i = 10; i < 60; i++) {
            bad[i] ^= (byte) 0x5A;
        }
        FileLines.DamagedInputException damaged = assertThrows(FileLines.DamagedInputException.class,
                () -> lines(bad));
        assertTrue(damaged.getMessage().startsWith("gzip data is damaged after "), damaged.getMessage());
        byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'n', 'o', 't', ' ', 'd', 'e', 'f', 'l', 'a', 't',
            'e'};
        assertThrows(FileLines.DamagedInputException.class, () -> lines(header));
        // a second member cut short counts too
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        two.writeBytes(gzip(utf8("a\nb\n")));
        two.writeBytes(Arrays.copyOf(z, 40));
        assertThrows(FileLines.DamagedInputException.class, () -> lines(two.toByteArray()));
    }

    @Test
    void utf16And32WithAByteOrderMarkAreReadAsText() throws Exception {
        String text = "\uFEFFfirst caf\u00E9\r\nsecond \uD83D\uDE80\nthird";
        for (Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, Charset.forName("UTF-32LE"),
                Charset.forName("UTF-32BE"))) {
            assertEquals(List.of("first caf\u00E9", "second \uD83D\uDE80", "third"), lines(text.getBytes(cs)), cs.name());
        }
        assertEquals(List.of("a", "b"), lines(gzip("\uFEFFa\nb".getBytes(StandardCharsets.UTF_16LE))), "gzip of UTF-16");
        byte[] unpaired = "\uFEFFok\nx".getBytes(StandardCharsets.UTF_16LE);
        byte[] bad = Arrays.copyOf(unpaired, unpaired.length + 2);
        bad[bad.length - 2] = 0x00;
        bad[bad.length - 1] = (byte) 0xD8; // a lone high surrogate at the end
        assertEquals(List.of("ok", "x\uFFFD"), lines(bad));
        assertEquals(List.of("\uFEFFutf8 bom"), lines(utf8("\uFEFFutf8 bom")), "a UTF-8 BOM is left to the parser");
    }

    static byte[] bzip2(byte[] b) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream z = new BZip2CompressorOutputStream(o)) {
            z.write(b);
        }
        return o.toByteArray();
    }

    static byte[] zlib(byte[] b) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(o, new Deflater())) {
            z.write(b);
        }
        return o.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** The lines of the file {@code name} holding {@code content}, by both paths: in memory and streamed; the same. */
    static List<String> bothPaths(Path dir, String name, byte[] content) throws Exception {
        List<String> inMemory = FileLines.records(name, content).stream()
                .map(x -> new String(x.value, StandardCharsets.UTF_8)).toList();
        Path f = Files.write(dir.resolve(name), content);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        long n = FileLines.writePlain(f, plain);
        List<String> streamed = FileLines.split(name, plain.toByteArray()).stream()
                .map(x -> new String(x.value, StandardCharsets.UTF_8)).toList();
        assertEquals(inMemory, streamed, "the streamed plain copy holds the lines read in memory");
        assertEquals(streamed.size(), n);
        return inMemory;
    }

    /**
     * Both paths refuse the file {@code name} holding {@code content} as damaged, with the same message (what came
     * out, where); the message of the streamed one, which never ends in ": null".
     */
    static String damagedInBoth(Path dir, String name, byte[] content) {
        String inMemory = assertThrows(FileLines.DamagedInputException.class,
                () -> FileLines.records(name, content)).getMessage();
        String streamed = assertThrows(FileLines.DamagedInputException.class, () -> FileLines.writePlain(
                Files.write(dir.resolve(name), content), new ByteArrayOutputStream())).getMessage();
        assertEquals(inMemory, streamed, "both paths say the same of a damaged file");
        assertFalse(streamed.endsWith(": null"), streamed);
        return streamed;
    }

    private static final Pattern RECOVERED = Pattern.compile(" after (\\d+) bytes \\((\\d+) lines\\) of it");

    /** The bytes and lines a damage's message {@code m} says came out: {bytes, lines}. */
    static long[] recovered(String m) {
        Matcher x = RECOVERED.matcher(m);
        assertTrue(x.find(), m);
        return new long[] {Long.parseLong(x.group(1)), Long.parseLong(x.group(2))};
    }

    /** How many bytes java.util.zip inflates out of the (cut) single-member gzip {@code z}: what is recoverable. */
    static int inflatable(byte[] z) throws Exception {
        java.util.zip.Inflater inf = new java.util.zip.Inflater(true);
        inf.setInput(z, 10, z.length - 10); // a gzip header with no optional fields, as GZIPOutputStream writes
        byte[] out = new byte[1 << 16];
        int total = 0;
        for (int n = inf.inflate(out); n > 0; n = inf.inflate(out)) {
            total += n;
        }
        inf.end();
        return total;
    }

    private static long newlines(byte[] b, int n) {
        long c = 0;
        for (int i = 0; i < n; i++) {
            c += b[i] == '\n' ? 1 : 0;
        }
        return c;
    }

    /**
     * A gzip cut short (the reviewer's trunc.gz: 3,000 bytes of a gzip, 47,607 bytes recoverable) said "after 0
     * bytes (0 lines) of it ...: null": the bytes that came out in the decompressor's last read, the one that
     * threw, were not counted (a 64 KiB read: every byte of a small file), and the EOF has no message. The message
     * says what came out (to within one 8 KiB chunk of what can be inflated, and the lines of those bytes), the same
     * in both paths, and no ": null".
     */
    @Test
    void aTruncatedGzipSaysHowMuchCameOut(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 60_000; i++) {
            sb.append("[Sun Dec 04 04:").append(i % 60).append(":05 2005] [notice] workerEnv.init() ok /etc/")
                    .append(Integer.toHexString(i * 7919)).append(i % 3 == 0 ? " mod_jk2 child" : "").append('\n');
        }
        byte[] text = utf8(sb.toString());
        byte[] z = gzip(text);
        for (int cut : new int[] {z.length / 3, z.length / 2, z.length - 20}) {
            byte[] cutZ = Arrays.copyOf(z, cut);
            String m = damagedInBoth(dir, "trunc.gz", cutZ);
            assertTrue(m.startsWith("gzip data ends early (a truncated file?) after "), m);
            assertTrue(m.endsWith(", at byte " + cut + " of the file (its end)"), m);
            long[] got = recovered(m);
            int can = inflatable(cutZ);
            assertTrue(can > 8192, "the cut leaves more than a chunk: " + can);
            assertTrue(got[0] <= can && can - got[0] < 8192, m + " (inflatable: " + can + ")");
            assertEquals(newlines(text, (int) got[0]), got[1], m);
        }
    }

    /**
     * A concatenated bzip2 file (what pbzip2 and lbzip2 write, or {@code cat a.bz2 b.bz2}) gave the lines of its
     * first stream only, silently: every stream is read, in both paths.
     */
    @Test
    void concatenatedBzip2IsReadWhole(@TempDir Path dir) throws Exception {
        byte[] ab = concat(bzip2(utf8("one\ntwo\n")), bzip2(utf8("three\nfour\n")));
        assertEquals(List.of("one", "two", "three", "four"), bothPaths(dir, "ab.bz2", ab));
        assertEquals(List.of("one", "two", "three", "four"), bothPaths(dir, "ab", ab), "by its bytes, any name");
        // a second stream cut short is damage, not the end of the file
        byte[] b = bzip2(utf8("three\nfour\n"));
        damagedInBoth(dir, "cut.bz2", concat(bzip2(utf8("one\n")), Arrays.copyOf(b, b.length - 6)));
        // bytes after the last stream that are no stream: damage too, not dropped
        String m = damagedInBoth(dir, "tail.bz2", concat(bzip2(utf8("one\n")), utf8("junk after it\n")));
        assertTrue(m.startsWith("bzip2 data is damaged after "), m);
    }

    /**
     * A deflate (zlib) file with bytes after the end of its zlib stream gave the stream's lines and dropped the
     * rest, silently: refused in both paths, naming the trailing data.
     */
    @Test
    void bytesAfterTheZlibStreamAreRefused(@TempDir Path dir) throws Exception {
        byte[] z = zlib(utf8("one\ntwo\n"));
        assertEquals(List.of("one", "two"), bothPaths(dir, "a.deflate", z));
        for (byte[] tail : List.of(zlib(utf8("three\n")), utf8("more text\n"), new byte[] {0})) {
            String m = damagedInBoth(dir, "ab.deflate", concat(z, tail));
            assertTrue(m.contains("trailing data"), m);
            assertTrue(m.contains("after 8 bytes (2 lines) of it"), m);
        }
        damagedInBoth(dir, "cut.deflate", Arrays.copyOf(z, z.length - 3));
    }

    /**
     * gzip: every member is read, in both paths; a member whose header is damaged, or bytes after the last member
     * that are no member (the JDK's reader dropped both silently), are refused, not dropped.
     */
    @Test
    void everyGzipMemberIsReadAndTrailingBytesRefused(@TempDir Path dir) throws Exception {
        byte[] a = gzip(utf8("one\ntwo\n"));
        byte[] b = gzip(utf8("three\n"));
        assertEquals(List.of("one", "two", "three"), bothPaths(dir, "ab.gz", concat(a, b)));
        byte[] badHeader = b.clone();
        badHeader[2] = 7; // not deflate: the second member is unreadable
        damagedInBoth(dir, "bad2.gz", concat(a, badHeader));
        String m = damagedInBoth(dir, "tail.gz", concat(a, utf8("junk after it\n")));
        assertTrue(m.contains("after 8 bytes (2 lines) of it"), m);
        damagedInBoth(dir, "short2.gz", concat(a, Arrays.copyOf(b, 5)));
    }

    /**
     * Zero bytes after the last gzip member (a file padded to a block size, as tape and some archivers write it):
     * GNU gzip reads the members and ignores the zeros; so do both paths. Zeros followed by anything else are
     * still trailing data, refused.
     */
    @Test
    void zeroPaddingAfterTheLastGzipMemberIsIgnored(@TempDir Path dir) throws Exception {
        byte[] a = gzip(utf8("one\ntwo\n"));
        assertEquals(List.of("one", "two"), bothPaths(dir, "pad.gz", concat(a, new byte[1])));
        assertEquals(List.of("one", "two"), bothPaths(dir, "pad512.gz", concat(a, new byte[512 - a.length % 512])));
        assertEquals(List.of("one", "two", "three"),
                bothPaths(dir, "pad2.gz", concat(concat(a, gzip(utf8("three\n"))), new byte[100_000])));
        String m = damagedInBoth(dir, "padjunk.gz", concat(concat(a, new byte[700]), utf8("junk")));
        assertTrue(m.contains("trailing data"), m);
    }

    /**
     * A pipe whose second gzip member comes a moment after the first (a slow writer: {@code (zcat ...; gzip -c
     * b) | memctl ... --input -}): the JDK's reader asked {@code available()} at the member's end, got 0 and ended
     * the input there. Every member is read.
     */
    @Test
    void aGzipMemberArrivingLateOnAPipeIsRead(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        byte[] a = gzip(utf8("one\ntwo\n"));
        byte[] b = gzip(utf8("three\n"));
        Thread writer = new Thread(() -> {
            try (java.io.OutputStream o = Files.newOutputStream(fifo)) {
                o.write(a);
                o.flush();
                Thread.sleep(500);
                o.write(b);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        long n = FileLines.writePlain(fifo, plain);
        writer.join(10_000);
        assertEquals("one\ntwo\nthree\n", plain.toString(StandardCharsets.UTF_8));
        assertEquals(3, n);
    }

    /**
     * A text file not named {@code .bz2} that starts with the ASCII text {@code BZh91AY&SY} (a bzip2 block's magic)
     * was refused as damaged bzip2: it is text, read as lines; a damaged file named {@code .bz2} is still refused.
     */
    @Test
    void textStartingWithTheBzip2MagicIsText(@TempDir Path dir) throws Exception {
        String text = "BZh91AY&SY is how a bzip2 block starts\nsecond line\n";
        assertEquals(List.of("BZh91AY&SY is how a bzip2 block starts", "second line"),
                bothPaths(dir, "notes.txt", utf8(text)));
        assertEquals(List.of("BZh91AY&SY"), bothPaths(dir, "short", utf8("BZh91AY&SY")));
        assertThrows(FileLines.RefusedInputException.class, () -> FileLines.records("notes.bz2", utf8(text)));
        assertThrows(FileLines.RefusedInputException.class, () -> FileLines.writePlain(
                Files.write(dir.resolve("notes.bz2"), utf8(text)), new ByteArrayOutputStream()));
        // real bzip2 data under any name is still decompressed
        assertEquals(List.of("x", "y"), bothPaths(dir, "data.bin", bzip2(utf8("x\ny\n"))));
    }

    /** Log lines of Chinese and Russian text (under three quarters ASCII), an emoji among them. */
    static List<String> nonLatinLog(int n) {
        String[] zh = {"错误 数据库连接失败 用户=张三 重试", "信息 服务启动完成 端口=8080", "警告 磁盘空间不足 剩余=3%"};
        String[] ru = {"ОШИБКА не удалось подключиться к базе данных", "ИНФО сервис запущен \uD83D\uDE80 порт=8080",
            "ПРЕДУПРЕЖДЕНИЕ мало места на диске"};
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] set = i % 2 == 0 ? zh : ru;
            out.add(String.format(java.util.Locale.ROOT, "2026-12-06 10:%02d:%02d %s", i / 60 % 60, i % 60,
                    set[i % set.length]));
        }
        return out;
    }

    /**
     * UTF-16 without a byte order mark of non-Latin text (Chinese or Russian logs saved as UTF-16LE or BE): few of
     * its high bytes are NUL, so the mostly-ASCII rule missed it and every line was junk (a dead letter or a line of
     * CJK-looking noise). Detected in both paths, also where the 4 KiB sample cuts a surrogate pair; Chinese alone
     * as well as Russian alone.
     */
    @Test
    void unmarkedUtf16OfNonLatinTextIsDecoded(@TempDir Path dir) throws Exception {
        List<String> log = nonLatinLog(300);
        String text = String.join("\r\n", log) + "\r\n";
        for (Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            byte[] b = text.getBytes(cs);
            assertEquals(cs, FileLines.unmarkedUtf16(b), cs.name());
            assertEquals(log, bothPaths(dir, "app-" + cs.name() + ".log", b), cs.name());
            assertEquals(log, bothPaths(dir, "app-" + cs.name() + ".log.gz", gzip(b)), cs.name() + " gzipped");
            for (int i = 0; i < log.size(); i += 2) {
                byte[] one = (log.get(i) + "\n" + log.get(i) + "\n").getBytes(cs);
                assertEquals(cs, FileLines.unmarkedUtf16(one), "Chinese only: " + cs.name());
            }
        }
        String lines = "\u043E\u0448\u0438\u0431\u043A\u0430 12\n".repeat(300); // "ошибка 12"
        for (int k = 2040; k < 2050; k++) { // an emoji at the sample's end: its pair cut, or not
            String s = lines.substring(0, k) + "\uD83D\uDE80\n" + lines;
            assertEquals(StandardCharsets.UTF_16LE, FileLines.unmarkedUtf16(s.getBytes(StandardCharsets.UTF_16LE)),
                    "at " + k);
            assertEquals(StandardCharsets.UTF_16BE, FileLines.unmarkedUtf16(s.getBytes(StandardCharsets.UTF_16BE)),
                    "at " + k);
        }
    }

    /**
     * The non-Latin rule reads no UTF-8 or Latin-1 text as UTF-16 (they hold no NUL byte), nor a log whose first
     * bytes are a run of NULs ({@code copytruncate}), nor binary junk: the loghub_2k logs, samples/, non-Latin
     * UTF-8 text, Latin-1 text, and a NUL run, a stray NUL, random bytes.
     */
    @Test
    void utf8AndLatin1TextIsNotReadAsUtf16() throws Exception {
        String log = String.join("\n", nonLatinLog(200)) + "\n";
        assertEquals(null, FileLines.unmarkedUtf16(utf8(log)), "UTF-8 Chinese and Russian");
        assertEquals(null, FileLines.unmarkedUtf16("caf\u00E9 cr\u00E8me br\u00FBl\u00E9e \u00E0 la carte\nna\u00EFve\n"
                .repeat(50).getBytes(StandardCharsets.ISO_8859_1)), "Latin-1");
        assertEquals(null, FileLines.unmarkedUtf16(log.getBytes(Charset.forName("UTF-32LE"))), "UTF-32LE");
        assertEquals(null, FileLines.unmarkedUtf16(concat(new byte[3000], utf8(log))), "a run of NULs first");
        assertEquals(null, FileLines.unmarkedUtf16(concat(utf8("ab\n"), new byte[1], utf8(log))), "a stray NUL");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            byte[] junk = new byte[4096];
            for (int k = 0; k < junk.length; k++) {
                junk[k] = (byte) r.nextInt(256);
            }
            assertEquals(null, FileLines.unmarkedUtf16(junk), "random bytes " + i);
        }
        int files = 0;
        for (Path root : List.of(Path.of("..", "shared", "data", "loghub_2k"), Path.of("/work/shared/data/loghub_2k"),
                Path.of("..", "samples"))) {
            if (!Files.isDirectory(root)) {
                System.out.println("skipped (absent): " + root);
                continue;
            }
            try (var all = Files.walk(root)) {
                for (Path f : all.filter(Files::isRegularFile).toList()) {
                    byte[] head;
                    try (var in = Files.newInputStream(f)) {
                        head = in.readNBytes(1 << 16);
                    }
                    if (FileLines.wideCharset(head) == null && FileLines.coding(f.toString(), head) == FileLines.Coding.PLAIN) {
                        assertEquals(null, FileLines.unmarkedUtf16(head), f.toString());
                        files++;
                    }
                }
            }
        }
        System.out.println("files read as not UTF-16: " + files);
    }

    /**
     * A truncated bzip2 file said "damaged" (commons-compress's "Unexpected end of stream" is no EOFException):
     * it says "ends early (a truncated file?)", as gzip does, with the byte of the file where it ends; at every cut.
     */
    @Test
    void aTruncatedBzip2SaysTruncatedAndWhereTheFileEnds(@TempDir Path dir) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append("line ").append(i).append('\n');
        }
        byte[] z = bzip2(utf8(sb.toString()));
        for (int cut : new int[] {11, 100, z.length / 2, z.length - 1}) {
            String m = damagedInBoth(dir, "cut.bz2", Arrays.copyOf(z, cut));
            assertTrue(m.startsWith("bzip2 data ends early (a truncated file?) after "), m);
            assertTrue(m.contains(", at byte " + cut + " of the file (its end)"), m);
        }
        byte[] g = gzip(utf8(sb.toString()));
        String m = damagedInBoth(dir, "cut.gz", Arrays.copyOf(g, g.length / 2));
        assertTrue(m.startsWith("gzip data ends early (a truncated file?) after "), m);
        assertTrue(m.contains(", at byte " + g.length / 2 + " of the file (its end)"), m);
    }

    /**
     * A gzip of a gzip ({@code gzip -c app.log.gz > app.log.gz.gz}) was decompressed once: its lines were the inner
     * gzip's bytes, every one a dead letter. Compressed data inside is decompressed again (gzip and bzip2, either
     * inside the other), up to four layers; more, or xz inside, is refused naming what is inside; a truncated inner
     * stream is refused as truncated; text that only starts like bzip2 stays text.
     */
    @Test
    void compressedDataInsideIsDecompressedAgain(@TempDir Path dir) throws Exception {
        List<String> log = List.of("2026-12-06 10:00:00 INFO one", "2026-12-06 10:00:01 WARN two");
        byte[] text = utf8(String.join("\n", log) + "\n");
        assertEquals(log, bothPaths(dir, "app.log.gz.gz", gzip(gzip(text))));
        assertEquals(log, bothPaths(dir, "app.log.bz2.gz", gzip(bzip2(text))));
        assertEquals(log, bothPaths(dir, "app.log.gz.bz2", bzip2(gzip(text))));
        assertEquals(log, bothPaths(dir, "four.gz", gzip(gzip(gzip(gzip(text))))));
        byte[] five = gzip(gzip(gzip(gzip(gzip(text)))));
        FileLines.RefusedInputException e = assertThrows(FileLines.RefusedInputException.class,
                () -> FileLines.writePlain(Files.write(dir.resolve("five.gz"), five), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().contains("more than 4 layers"), e.getMessage());
        assertThrows(FileLines.RefusedInputException.class, () -> FileLines.records("five.gz", five));
        byte[] xz = concat(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, new byte[40]);
        e = assertThrows(FileLines.RefusedInputException.class,
                () -> FileLines.writePlain(Files.write(dir.resolve("x.xz.gz"), gzip(xz)), new ByteArrayOutputStream()));
        assertTrue(e.getMessage().startsWith("the gzip data holds xz data"), e.getMessage());
        byte[] inner = gzip(utf8("line\n".repeat(20_000)));
        String m = damagedInBoth(dir, "cut-inside.gz", gzip(Arrays.copyOf(inner, inner.length / 2)));
        assertTrue(m.startsWith("gzip in gzip data ends early (a truncated file?) after "), m);
        assertFalse(m.contains("at byte"), "the file itself is whole: " + m);
        long[] got = recovered(m);
        assertTrue(got[0] > 0, m);
        assertEquals(got[0] / 5, got[1], "lines of the inner text, not line ends of compressed data: " + m);
        // a bzip2 inside an intact gzip: its constructor decodes the first block, so the damage comes while the inner
        // layer is opened; it was blamed on the gzip, with the line ends of the bzip2 data as its "lines"
        byte[] innerB = bzip2(utf8(String.join("\n", nonLatinLog(400)) + "\n"));
        byte[] bzin = gzip(Arrays.copyOf(innerB, innerB.length / 2));
        m = damagedInBoth(dir, "bzin.gz", bzin);
        assertEquals("bzip2 in gzip data ends early (a truncated file?) after 0 bytes (0 lines) of it:"
                + " Unexpected end of stream", m);
        List<String> note = List.of("BZh91AY&SY is how a bzip2 stream starts, and this is a note about it");
        assertEquals(note, bothPaths(dir, "note.gz", gzip(utf8(note.get(0) + "\n"))));
    }

    /** What {@link FileLines.PlainLines} writes of {@code b} given in writes of the sizes {@code cuts} cycles through. */
    static byte[] plainLines(byte[] b, int... cuts) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        FileLines.PlainLines sink = new FileLines.PlainLines(o);
        for (int at = 0, k = 0; at < b.length; k++) {
            int n = Math.min(b.length - at, cuts[k % cuts.length]);
            sink.write(b, at, n);
            at += n;
        }
        long lines = sink.finish();
        assertEquals(o.size(), sink.bytes, "bytes counted as written");
        byte[] out = o.toByteArray();
        assertEquals(FileLines.split("f", out).size(), lines, "lines counted as written");
        return out;
    }

    @Test
    void thePlainCopyPassesRunsOfBytesInOneWriteAsByteByByte() throws Exception {
        // the first line (before any line end is known) and classic Mac files pass runs of bytes in one write; the
        // reference is the same bytes given one at a time (each then goes through the byte-by-byte path)
        java.util.Random rnd = new java.util.Random(19);
        byte[] alphabet = utf8("ab\r\n\r\nxy");
        for (int t = 0; t < 400; t++) {
            byte[] b = new byte[rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[rnd.nextInt(alphabet.length)];
            }
            byte[] ref = plainLines(b, 1);
            assertArrayEquals(ref, plainLines(b, Math.max(1, b.length)), new String(b, StandardCharsets.UTF_8));
            assertArrayEquals(ref, plainLines(b, 3, 1, 7), new String(b, StandardCharsets.UTF_8));
            assertArrayEquals(ref, plainLines(b, 2), new String(b, StandardCharsets.UTF_8));
        }
        assertArrayEquals(utf8("a\nb\n\nc\n"), plainLines(utf8("a\rb\r\n\nc\r"), 64));
        assertArrayEquals(utf8("a\r\nb\rc\n"), plainLines(utf8("a\r\nb\rc\n"), 64));
    }

    @Test
    void aLongFirstLineOfACompressedOrUtf16FileIsCopiedWhole(@TempDir Path dir) throws Exception {
        // the paths that go through the plain copy (compressed, UTF-16, classic Mac), where the first line passed a
        // byte at a time before a line end was seen
        String longLine = "x".repeat(3 << 20) + "y";
        String text = longLine + "\nshort\n";
        List<String> want = List.of(longLine, "short");
        assertEquals(want, bothPaths(dir, "long.gz", gzip(utf8(text))));
        assertEquals(want, bothPaths(dir, "long.bz2", bzip2(utf8(text))));
        assertEquals(want, bothPaths(dir, "long16.log", concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                text.getBytes(StandardCharsets.UTF_16LE))));
        assertEquals(want, bothPaths(dir, "longmac.log", utf8(longLine + "\rshort\r")));
    }

    @Test
    void aBoundedReadGivesTheLinesOfReadOrRefusesAtTheBound(@TempDir Path dir) throws Exception {
        byte[] text = utf8("a line\r\nanother\n\u00e9t\u00e9\rlast");
        Path plain = Files.write(dir.resolve("p.log"), text);
        Path gz = Files.write(dir.resolve("p.log.gz"), gzip(text));
        for (Path f : List.of(plain, gz)) {
            List<KafkaRecord> want = FileLines.read(f);
            assertEquals(want, FileLines.read(f, text.length), f.toString());
            FileLines.RefusedInputException e = assertThrows(FileLines.RefusedInputException.class,
                    () -> FileLines.read(f, text.length - 1));
            assertEquals("its lines come to more than " + (text.length - 1) + " bytes, more than is held in memory here",
                    e.getMessage());
        }
        // a gzip of 64 MiB of lines at a bound of 1 MiB
        Path big = dir.resolve("big.gz");
        try (java.io.OutputStream o = new GZIPOutputStream(Files.newOutputStream(big))) {
            byte[] line = utf8("x".repeat(1023) + "\n");
            for (int i = 0; i < 65_536; i++) {
                o.write(line);
            }
        }
        assertThrows(FileLines.RefusedInputException.class, () -> FileLines.read(big, 1 << 20));
    }

    @Test
    void aBoundedReadCountsEachLineEndOnce(@TempDir Path dir) throws Exception {
        // four line ends: \r\n, \n, a lone \r, \n; a last line without one
        byte[] text = utf8("one\r\ntwo\nthree\rfour\nfive");
        Path plain = Files.write(dir.resolve("l.log"), text);
        Path gz = Files.write(dir.resolve("l.log.gz"), gzip(text));
        for (Path f : List.of(plain, gz)) {
            assertEquals(FileLines.read(f), FileLines.read(f, text.length, 4), f.toString());
            FileLines.RefusedInputException e = assertThrows(FileLines.RefusedInputException.class,
                    () -> FileLines.read(f, text.length, 3));
            assertEquals("it has more than 3 lines, more than are held in memory here", e.getMessage());
        }
        // a \r\n cut between two writes of the copy is one line end: a gzip of 100,000 CRLF lines at a bound of 100,000
        Path crlf = dir.resolve("crlf.gz");
        try (java.io.OutputStream o = new GZIPOutputStream(Files.newOutputStream(crlf))) {
            for (int i = 0; i < 100_000; i++) {
                o.write(utf8("line " + i + "\r\n"));
            }
        }
        assertEquals(100_000, FileLines.read(crlf, 1 << 24, 100_000).size());
        assertThrows(FileLines.RefusedInputException.class, () -> FileLines.read(crlf, 1 << 24, 99_999));
    }
}
