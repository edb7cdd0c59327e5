package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

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
}
