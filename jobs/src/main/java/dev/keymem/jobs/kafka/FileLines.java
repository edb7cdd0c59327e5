package dev.keymem.jobs.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The lines of an input file as records, the way the jobs' file mode reads them: topic = the file name,
 * partition 0, offset = the 0-based line number, the value the line's raw bytes without its line end.
 *
 * <ul>
 *   <li>Line ends are {@code \n} and {@code \r\n} (as {@code wc -l}, {@code sed} and {@code grep -n}
 *       count lines, so a dead letter's line number is theirs); a {@code \r} inside a line (progress
 *       output, binary junk) stays in it. A file whose first line end is a lone {@code \r} (classic Mac
 *       line ends) is cut at every {@code \r}, {@code \r\n} and {@code \n} instead (as Java's
 *       {@code BufferedReader} and Python's text files count lines), so it is not one long line. A last line
 *       without a line end counts; an empty file has no records.</li>
 *   <li>A gzip file (magic bytes {@code 1f 8b}) is decompressed first, also when concatenated
 *       ({@code cat a.gz b.gz}). A truncated or damaged one (its stream ends early, a bad block, a wrong
 *       checksum) is refused ({@link DamagedInputException}, which names the damage and how much came out before
 *       it), not cut short: a run over the lines before the damage would end as if they were the whole file.
 *       ({@code gzip -dc} writes what such a file holds, for a run over that.)</li>
 *   <li>A file starting with a UTF-16 or UTF-32 byte order mark is decoded from that encoding and
 *       re-encoded as UTF-8 (an unpaired surrogate becomes U+FFFD), so each of its lines is a record like
 *       those of a UTF-8 file. Other bytes are not decoded here: a line that is not valid UTF-8 becomes a
 *       dead letter naming its line in the parse step.</li>
 *   <li>The file may be a pipe, FIFO or {@code /dev/stdin}: it is read to its end.</li>
 * </ul>
 */
public final class FileLines {
    private FileLines() {
    }

    /** The lines of {@code file} as records named after the file (see the class comment). */
    public static List<KafkaRecord> read(Path file) throws IOException {
        Path name = file.getFileName();
        return records(name == null ? file.toString() : name.toString(), Files.readAllBytes(file));
    }

    /**
     * Whether {@code file} must go through {@link #read} to be cut into lines as described above, i.e. is not
     * a plain file of {@code \n} / {@code \r\n} lines: not a regular file (a FIFO, standard input), gzip,
     * a UTF-16/32 byte order mark, or classic Mac line ends. Reads the file up to its first line end. A regular
     * file that is not gzip and whose name Flink's file source decompresses ({@link #flinkDecompresses}: {@code
     * .bz2}, {@code .deflate}; {@code .xz} is refused before this) does not: the file source reads it decompressed (its compressed bytes,
     * cut into lines here, would be junk).
     */
    public static boolean needsDecoding(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n = in.readNBytes(buf, 0, buf.length);
            byte[] head = Arrays.copyOf(buf, Math.min(n, 4));
            if (isGzip(head) || wideCharset(head) != null) {
                return true;
            }
            if (flinkDecompresses(file)) {
                return false;
            }
            boolean lastWasCr = false;
            while (n > 0) {
                for (int i = 0; i < n; i++) {
                    if (lastWasCr) {
                        return buf[i] != '\n';
                    }
                    if (buf[i] == '\n') {
                        return false;
                    }
                    lastWasCr = buf[i] == '\r';
                }
                n = in.readNBytes(buf, 0, buf.length);
            }
            return lastWasCr;
        }
    }

    /**
     * Whether Flink's file source reads {@code file} through a decompressor other than gzip's, chosen by its name
     * ({@code StandardDeCompressors}: {@code .bz2}, {@code .deflate}, {@code .xz}; gzip files memctl decodes itself;
     * {@code .xz} needs a library memctl does not bundle, and memctl's command line refuses it).
     */
    public static boolean flinkDecompresses(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString();
        return org.apache.flink.connector.file.src.compression.StandardDeCompressors.getDecompressorForFileName(n) != null
                && !n.endsWith(".gz") && !n.endsWith(".gzip");
    }

    /** The lines of {@code content} (a file's bytes, gzip and byte order marks handled) as records of {@code topic}. */
    public static List<KafkaRecord> records(String topic, byte[] content) throws IOException {
        return split(topic, decode(content));
    }

    /** {@code content} as UTF-8 (or undecoded) text: gunzipped when it is gzip, transcoded when it has a UTF-16/32 BOM. */
    static byte[] decode(byte[] content) throws IOException {
        byte[] b = content;
        if (isGzip(b)) {
            b = gunzip(b);
        }
        Charset wide = wideCharset(b);
        if (wide != null) {
            CharsetDecoder d = wide.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
            String text = d.decode(ByteBuffer.wrap(b)).toString();
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            b = text.getBytes(StandardCharsets.UTF_8);
        }
        return b;
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
    }

    /**
     * An input that cannot be read whole: a gzip file whose stream ends early or is damaged. Its message says what
     * and where, for a refusal of the input (the command line's exit 2).
     */
    public static final class DamagedInputException extends IOException {
        private static final long serialVersionUID = 1L;

        DamagedInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The decompressed bytes; a truncated or damaged stream is a {@link DamagedInputException}. */
    static byte[] gunzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, b.length * 4));
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b), 64 * 1024)) {
            in.transferTo(out);
        } catch (EOFException | ZipException e) {
            byte[] got = out.toByteArray();
            long lines = 0;
            for (byte x : got) {
                if (x == '\n') {
                    lines++;
                }
            }
            String where = got.length + " bytes (" + lines + " lines) of it";
            throw new DamagedInputException(e instanceof EOFException
                    ? "gzip data ends early (a truncated file?) after " + where + ": " + e.getMessage()
                    : "gzip data is damaged after " + where + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The charset a UTF-32 or UTF-16 byte order mark at the start of {@code b} names, else null. */
    static Charset wideCharset(byte[] b) {
        if (b.length >= 4 && b[0] == 0 && b[1] == 0 && (b[2] & 0xFF) == 0xFE && (b[3] & 0xFF) == 0xFF) {
            return Charset.forName("UTF-32BE");
        }
        if (b.length >= 4 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE && b[2] == 0 && b[3] == 0) {
            return Charset.forName("UTF-32LE");
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    /**
     * Splits at {@code \n} (dropping a {@code \r} before it), or, when the first line end is a lone
     * {@code \r}, at {@code \n}, {@code \r\n} and {@code \r}.
     */
    static List<KafkaRecord> split(String topic, byte[] b) {
        boolean crToo = firstLineEndIsALoneCr(b);
        List<KafkaRecord> out = new ArrayList<>();
        long n = 0;
        int start = 0;
        int i = 0;
        while (i < b.length) {
            byte c = b[i];
            if (c == '\n') {
                int end = !crToo && i > start && b[i - 1] == '\r' ? i - 1 : i;
                out.add(new KafkaRecord(topic, 0, n++, -1, null, Arrays.copyOfRange(b, start, end)));
                start = ++i;
            } else if (c == '\r' && crToo) {
                out.add(new KafkaRecord(topic, 0, n++, -1, null, Arrays.copyOfRange(b, start, i)));
                i += i + 1 < b.length && b[i + 1] == '\n' ? 2 : 1;
                start = i;
            } else {
                i++;
            }
        }
        if (start < b.length) {
            out.add(new KafkaRecord(topic, 0, n, -1, null, Arrays.copyOfRange(b, start, b.length)));
        }
        return out;
    }

    static boolean firstLineEndIsALoneCr(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                return false;
            }
            if (b[i] == '\r') {
                return i + 1 == b.length || b[i + 1] != '\n';
            }
        }
        return false;
    }
}
