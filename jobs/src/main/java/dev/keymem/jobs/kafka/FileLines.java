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
 *   <li>Compressed input, one rule ({@link #coding}, the only place that decides it): a file is decompressed
 *       by what its first bytes are, whatever its name: gzip (magic {@code 1f 8b}, also concatenated, {@code cat
 *       a.gz b.gz}), bzip2 ({@code BZh1}..{@code BZh9} and a block or end-of-stream magic); a file named
 *       {@code .deflate} is a zlib stream (Flink's {@code .deflate}: a zlib header). Decompressed here (gzip by the
 *       JDK, bzip2 and deflate by Flink's {@code StandardDeCompressors}, the decompressors its file source would
 *       use), so the jobs' file source only ever reads plain lines and counts them without decompressing again.
 *       Refused ({@link RefusedInputException}, naming the file's problem; the command line's exit 2), before a
 *       job starts: an xz file (its decompressor is not bundled: {@code xz -dc FILE | memctl ... --input -}); a
 *       non-empty file named {@code .gz}, {@code .gzip}, {@code .bz2}, {@code .deflate} or {@code .xz} whose bytes
 *       are not that format (a plain text file named {@code .bz2} failed the job with "Stream is not in the
 *       BZip2 format"); and a truncated or damaged compressed file (its stream ends early, a bad block, a wrong
 *       checksum: {@link DamagedInputException}, which names the damage and how much came out before it), not cut
 *       short: a run over the lines before the damage would end as if they were the whole file. ({@code gzip -dc}
 *       writes what such a file holds, for a run over that.) An empty file has no lines, whatever its name.</li>
 *   <li>A file starting with a UTF-16 or UTF-32 byte order mark is decoded from that encoding and
 *       re-encoded as UTF-8 (an unpaired surrogate becomes U+FFFD), so each of its lines is a record like
 *       those of a UTF-8 file; so is a file without a mark whose first bytes are UTF-16 beyond doubt
 *       ({@link #unmarkedUtf16}: every other byte NUL, as a Windows tool's export of ASCII text, which was read
 *       as lines of NULs and junk). Other bytes are not decoded here: a line that is not valid UTF-8 becomes a
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
        String topic = name == null ? file.toString() : name.toString();
        return split(topic, decode(topic, Files.readAllBytes(file)));
    }

    /**
     * Whether {@code file} must go through {@link #read} to be cut into lines as described above, i.e. is not
     * a plain file of {@code \n} / {@code \r\n} lines: not a regular file (a FIFO, standard input), compressed
     * or named so ({@link #coding}; {@link #read} then decompresses or refuses it), UTF-16/32 (a byte order mark,
     * or {@link #unmarkedUtf16}), or classic Mac line ends. Reads the file up to its first line end.
     */
    public static boolean needsDecoding(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n = in.readNBytes(buf, 0, buf.length);
            if (n <= 0) {
                return false; // empty: no lines
            }
            byte[] head = Arrays.copyOf(buf, n);
            if (coding(String.valueOf(file.getFileName()), head) != Coding.PLAIN || namedCompressed(
                    String.valueOf(file.getFileName())) != null || wideCharset(head) != null || unmarkedUtf16(head) != null) {
                return true;
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

    /** What a file holds, by {@link #coding}. */
    enum Coding {
        PLAIN("plain text"), GZIP("gzip"), BZIP2("bzip2"), DEFLATE("deflate (zlib)"), XZ("xz");

        final String words;

        Coding(String words) {
            this.words = words;
        }
    }

    /**
     * The one rule of compressed input (see the class comment): what the file named {@code name} holds, by its first
     * bytes {@code head} (all of them where it is shorter than 10 bytes): gzip, bzip2 or xz by their magic bytes
     * whatever the name; deflate where the name ends in {@code .deflate} and a zlib header starts it (its two
     * bytes alone are no proof: {@code x^} starts a zlib stream and a line of text alike); else plain.
     */
    static Coding coding(String name, byte[] head) {
        if (isGzip(head)) {
            return Coding.GZIP;
        }
        if (head.length >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9'
                && (startsAt(head, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59) || startsAt(head, 4, 0x17, 0x72, 0x45, 0x38,
                0x50, 0x90))) {
            return Coding.BZIP2;
        }
        if (startsAt(head, 0, 0xFD, '7', 'z', 'X', 'Z', 0)) {
            return Coding.XZ;
        }
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".deflate") && head.length >= 2
                && (head[0] & 0x0F) == 8 && (head[0] & 0xFF) >> 4 <= 7 && (((head[0] & 0xFF) << 8) | (head[1] & 0xFF)) % 31 == 0) {
            return Coding.DEFLATE;
        }
        return Coding.PLAIN;
    }

    /** The compression a name's suffix names ({@code .gz}, {@code .gzip}, {@code .bz2}, {@code .deflate}, {@code .xz}), or null. */
    static Coding namedCompressed(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.endsWith(".gz") || n.endsWith(".gzip")) {
            return Coding.GZIP;
        }
        if (n.endsWith(".bz2")) {
            return Coding.BZIP2;
        }
        if (n.endsWith(".deflate")) {
            return Coding.DEFLATE;
        }
        return n.endsWith(".xz") ? Coding.XZ : null;
    }

    private static boolean startsAt(byte[] b, int at, int... want) {
        if (b.length < at + want.length) {
            return false;
        }
        for (int k = 0; k < want.length; k++) {
            if ((b[at + k] & 0xFF) != want[k]) {
                return false;
            }
        }
        return true;
    }

    /** The lines of {@code content} (a file's bytes, compression and encodings handled) as records of {@code topic}. */
    public static List<KafkaRecord> records(String topic, byte[] content) throws IOException {
        return split(topic, decode(topic, content));
    }

    /**
     * {@code content}, the bytes of the file named {@code name}, as UTF-8 (or undecoded) text: decompressed as
     * {@link #coding} says (refused as the class comment says), transcoded when it is UTF-16/32.
     */
    static byte[] decode(String name, byte[] content) throws IOException {
        byte[] b = content;
        if (b.length > 0) {
            Coding c = checked(name, Arrays.copyOf(b, Math.min(b.length, 16)));
            b = switch (c) {
                case GZIP -> gunzip(b);
                case BZIP2, DEFLATE -> decompress(c, b);
                default -> b;
            };
        }
        Charset wide = wideCharset(b);
        if (wide == null) {
            wide = unmarkedUtf16(b);
        }
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

    /**
     * {@link #coding} of a non-empty file's first bytes {@code head}, refused as the class comment says: xz, or a
     * name that says a compression the bytes do not hold.
     */
    private static Coding checked(String name, byte[] head) throws RefusedInputException {
        Coding c = coding(name, head);
        Coding named = namedCompressed(name);
        if (c == Coding.XZ) {
            throw new RefusedInputException("xz files are not read (gzip, bzip2 and deflate are): decompress it"
                    + " first, or pipe it: xz -dc FILE | memctl ... --input -");
        }
        if (named != null && named != c) {
            throw new RefusedInputException("named ." + name.substring(name.lastIndexOf('.') + 1) + " but not "
                    + named.words + " data (" + (c == Coding.PLAIN ? "its first bytes are " + shown(head) : c.words)
                    + "): rename it to what it holds");
        }
        return c;
    }

    /**
     * Writes the lines of {@code file} to {@code out} as a plain UTF-8 file of {@code \n} (or {@code \r\n}) lines
     * whose records, read as the jobs' file source reads a file ({@code FileLineFormat}: cut at {@code \n}, a
     * {@code \r} before it dropped), are those of {@link #read} (the reference, which holds the whole file in
     * memory; tests compare the two), streaming: memory stays bounded whatever the file's size. Decompresses and
     * refuses as {@link #coding} says, transcodes UTF-16/32 as {@link #read}, and where the first line end is a lone
     * {@code \r} writes every {@code \r}, {@code \r\n} and {@code \n} as {@code \n}; other bytes are copied as
     * they are. Returns the number of lines written (a last line without a line end counts).
     */
    public static long writePlain(Path file, java.io.OutputStream out) throws IOException {
        String name = String.valueOf(file.getFileName());
        // a FileInputStream, not Files.newInputStream: the buffer asks available(), which a channel's stream
        // answers by seeking, and a FIFO cannot seek
        try (InputStream raw = new java.io.FileInputStream(file.toFile())) {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
            in.mark(16);
            byte[] head = in.readNBytes(16);
            in.reset();
            Coding c = head.length == 0 ? Coding.PLAIN : checked(name, head);
            PlainLines sink = new PlainLines(out);
            String format = c.words;
            try {
                InputStream data = switch (c) {
                    case GZIP -> new GZIPInputStream(in, 1 << 16);
                    case BZIP2, DEFLATE -> org.apache.flink.connector.file.src.compression.StandardDeCompressors
                            .getDecompressorForExtension(c == Coding.BZIP2 ? "bz2" : "deflate").create(in);
                    default -> in;
                };
                java.io.BufferedInputStream d = new java.io.BufferedInputStream(data, 1 << 16);
                d.mark(UTF16_SAMPLE);
                byte[] sample = d.readNBytes(UTF16_SAMPLE);
                d.reset();
                Charset wide = wideCharset(sample);
                if (wide == null) {
                    wide = unmarkedUtf16(sample);
                }
                if (wide == null) {
                    byte[] buf = new byte[1 << 16];
                    for (int n = d.read(buf); n >= 0; n = d.read(buf)) {
                        sink.write(buf, 0, n);
                    }
                } else {
                    transcode(new java.io.InputStreamReader(d, wide.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPLACE)
                            .onUnmappableCharacter(CodingErrorAction.REPLACE)), sink);
                }
            } catch (PlainLines.WriteFailed e) {
                throw e.getCause(); // the output's failure, not the input's
            } catch (EOFException | ZipException e) {
                if (c == Coding.PLAIN) {
                    throw e;
                }
                throw damaged(format, sink.bytes, sink.lines, e);
            } catch (IOException e) {
                if (c == Coding.PLAIN || c == Coding.GZIP) {
                    throw e;
                }
                throw damaged(format, sink.bytes, sink.lines, e);
            }
            return sink.finish();
        }
    }

    /** Writes the chars of {@code r} to {@code sink} as UTF-8, without a leading byte order mark. */
    private static void transcode(java.io.Reader r, PlainLines sink) throws IOException {
        char[] cs = new char[1 << 15];
        int held = 0; // a high surrogate held back from the previous chunk, whose pair may start the next
        boolean first = true;
        for (int n = r.read(cs, held, cs.length - held); n >= 0 || held > 0; n = r.read(cs, held, cs.length - held)) {
            int end = held + Math.max(n, 0);
            int from = 0;
            if (first && end > 0) {
                first = false;
                from = cs[0] == '\uFEFF' ? 1 : 0;
            }
            held = n >= 0 && end > from && Character.isHighSurrogate(cs[end - 1]) ? 1 : 0;
            byte[] b = new String(cs, from, end - from - held).getBytes(StandardCharsets.UTF_8);
            sink.write(b, 0, b.length);
            if (held == 1) {
                cs[0] = cs[end - 1];
            }
            if (n < 0) {
                break;
            }
        }
    }

    /**
     * The line ends of {@link #writePlain}: the bytes pass as they are until the first line end; a {@code \n} (or
     * {@code \r\n}) first keeps them so; a lone {@code \r} first makes every {@code \r}, {@code \r\n} and
     * {@code \n} a {@code \n} ({@link #split}'s two ways). Counts what it wrote.
     */
    static final class PlainLines {
        private static final int UNKNOWN = 0;
        private static final int PLAIN = 1;
        private static final int CR = 2;
        private final java.io.OutputStream out;
        private int mode = UNKNOWN;
        private boolean pendingCr;
        long bytes;
        long lines;
        private int last = '\n';

        /** A failure of the output, told apart from the input's. */
        static final class WriteFailed extends IOException {
            private static final long serialVersionUID = 1L;

            WriteFailed(IOException cause) {
                super(cause);
            }

            @Override
            public synchronized IOException getCause() {
                return (IOException) super.getCause();
            }
        }

        PlainLines(java.io.OutputStream out) {
            this.out = out;
        }

        void write(byte[] b, int off, int len) throws WriteFailed {
            int i = off;
            int end = off + len;
            while (i < end && mode == UNKNOWN) {
                byte c = b[i++];
                if (pendingCr) {
                    pendingCr = false;
                    if (c == '\n') {
                        mode = PLAIN;
                        emit('\r');
                        emit('\n');
                    } else {
                        mode = CR;
                        emit('\n');
                        i--; // c again, in CR mode
                    }
                } else if (c == '\n') {
                    mode = PLAIN;
                    emit('\n');
                } else if (c == '\r') {
                    pendingCr = true;
                } else {
                    emit(c);
                }
            }
            if (mode == PLAIN && i < end) {
                try {
                    out.write(b, i, end - i);
                } catch (IOException e) {
                    throw new WriteFailed(e);
                }
                for (int k = i; k < end; k++) {
                    if (b[k] == '\n') {
                        lines++;
                    }
                }
                bytes += end - i;
                last = b[end - 1];
            } else if (mode == CR) {
                for (; i < end; i++) {
                    byte c = b[i];
                    if (pendingCr) {
                        pendingCr = false;
                        if (c == '\n') {
                            continue; // the \n of a \r\n: written at its \r
                        }
                    }
                    if (c == '\r') {
                        emit('\n');
                        pendingCr = true;
                    } else {
                        emit(c);
                    }
                }
            }
        }

        private void emit(int c) throws WriteFailed {
            try {
                out.write(c);
            } catch (IOException e) {
                throw new WriteFailed(e);
            }
            bytes++;
            lines += c == '\n' ? 1 : 0;
            last = c;
        }

        /** Ends the input (a lone {@code \r} at its end, its first line end, ends a line); the lines written. */
        long finish() throws IOException {
            if (mode == UNKNOWN && pendingCr) {
                pendingCr = false;
                try {
                    emit('\n');
                } catch (WriteFailed e) {
                    throw e.getCause();
                }
            }
            return last == '\n' ? lines : lines + 1;
        }
    }

    /** The first bytes of {@code b}, printable ASCII as it is, the others as {@code \xNN}. */
    private static String shown(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(b.length, 12); i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F && c != '"' && c != '\\' ? Character.toString(c)
                    : String.format(java.util.Locale.ROOT, "\\x%02x", c));
        }
        return sb.append(b.length > 12 ? "...\"" : "\"").toString();
    }

    /** The bzip2 or deflate stream {@code b} decompressed; a truncated or damaged one is a {@link DamagedInputException}. */
    static byte[] decompress(Coding c, byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, b.length * 4));
        try (InputStream in = org.apache.flink.connector.file.src.compression.StandardDeCompressors
                .getDecompressorForExtension(c == Coding.BZIP2 ? "bz2" : "deflate").create(new ByteArrayInputStream(b))) {
            in.transferTo(out);
        } catch (IOException e) {
            byte[] got = out.toByteArray();
            throw damaged(c.words, got.length, newlines(got), e);
        }
        return out.toByteArray();
    }

    private static long newlines(byte[] got) {
        long lines = 0;
        for (byte x : got) {
            if (x == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static DamagedInputException damaged(String format, long bytes, long lines, IOException e) {
        String where = bytes + " bytes (" + lines + " lines) of it";
        return new DamagedInputException(e instanceof EOFException
                ? format + " data ends early (a truncated file?) after " + where + ": " + e.getMessage()
                : format + " data is damaged after " + where + ": " + e.getMessage(), e);
    }

    static boolean isGzip(byte[] b) {
        return b.length >= 2 && (b[0] & 0xFF) == 0x1F && (b[1] & 0xFF) == 0x8B;
    }

    /**
     * An input refused before any of it is read as lines (see the class comment). Its message says why, for a
     * refusal of the input (the command line's exit 2).
     */
    public static class RefusedInputException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedInputException(String message) {
            super(message);
        }

        RefusedInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * An input that cannot be read whole: a compressed file whose stream ends early or is damaged. Its message says
     * what and where.
     */
    public static final class DamagedInputException extends RefusedInputException {
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
            throw damaged("gzip", got.length, newlines(got), e);
        }
        return out.toByteArray();
    }

    /** Bytes {@link #unmarkedUtf16} looks at. */
    static final int UTF16_SAMPLE = 4096;

    /**
     * UTF-16LE or UTF-16BE where {@code b} has no byte order mark but its first bytes (up to {@link #UTF16_SAMPLE},
     * at least 4) are UTF-16 beyond doubt: at least three quarters of the bytes at odd (LE) or even (BE) places are
     * NUL, and at most one in 64 of the others (text of mostly ASCII chars, as a Windows tool exports it; UTF-8 text
     * holds no such pattern, nor does a file starting with a run of NULs, as a log cut by {@code copytruncate}
     * does, or UTF-32); else null.
     */
    static Charset unmarkedUtf16(byte[] b) {
        int pairs = Math.min(b.length, UTF16_SAMPLE) / 2;
        if (pairs < 2 || wideCharset(b) != null) {
            return null;
        }
        int even = 0;
        int odd = 0;
        for (int i = 0; i < 2 * pairs; i += 2) {
            even += b[i] == 0 ? 1 : 0;
            odd += b[i + 1] == 0 ? 1 : 0;
        }
        if (4 * odd >= 3 * pairs && 64 * even <= pairs) {
            return StandardCharsets.UTF_16LE;
        }
        return 4 * even >= 3 * pairs && 64 * odd <= pairs ? StandardCharsets.UTF_16BE : null;
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
