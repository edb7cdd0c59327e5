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
 *       by what its first bytes are, whatever its name: gzip (magic {@code 1f 8b}), bzip2 ({@code BZh1}..{@code
 *       BZh9} and a block or end-of-stream magic; a file not named {@code .bz2} whose first 64 bytes are all
 *       printable ASCII text, as a note starting {@code BZh91AY&SY is how ...}, is text); a file named
 *       {@code .deflate} is a zlib stream (Flink's {@code .deflate}: a zlib header). Every stream of a concatenated
 *       gzip or bzip2 file is read ({@code cat a.gz b.gz}, pbzip2 and lbzip2 output; on a pipe too, however late
 *       the next one comes); bytes after the last stream that are no stream, and bytes after a zlib stream, are
 *       damage (below), not dropped. Compressed data inside (a gzip of a gzip, a bzip2 in a gzip) is decompressed
 *       again, by its magic bytes, up to {@link #MAX_LAYERS} layers (xz inside, or more layers: refused, naming what
 *       is inside; before, the inner gzip's bytes were the lines: every line a dead letter). Decompressed here ({@link #decompressing}: commons-compress for gzip and
 *       bzip2, the JDK's inflater for deflate), so the jobs' file source only ever reads plain lines and counts
 *       them without decompressing again.
 *       Refused ({@link RefusedInputException}, naming the file's problem; the command line's exit 2), before a
 *       job starts: an xz file (its decompressor is not bundled: {@code xz -dc FILE | memctl ... --input -}); a
 *       non-empty file named {@code .gz}, {@code .gzip}, {@code .bz2}, {@code .deflate} or {@code .xz} whose bytes
 *       are not that format (a plain text file named {@code .bz2} failed the job with "Stream is not in the
 *       BZip2 format"); and a truncated or damaged compressed file (its stream ends early, a bad block, a wrong
 *       checksum: {@link DamagedInputException}, which names the damage and how much came out before it, and a
 *       truncation as one, gzip's and bzip2's alike, with the file's byte where it ends), not cut
 *       short: a run over the lines before the damage would end as if they were the whole file. ({@code gzip -dc}
 *       writes what such a file holds, for a run over that.) An empty file has no lines, whatever its name.</li>
 *   <li>A file starting with a UTF-16 or UTF-32 byte order mark is decoded from that encoding and
 *       re-encoded as UTF-8 (an unpaired surrogate becomes U+FFFD), so each of its lines is a record like
 *       those of a UTF-8 file; so is a file without a mark whose first bytes are UTF-16 beyond doubt
 *       ({@link #unmarkedUtf16}: every other byte NUL, as a Windows tool's export of ASCII text, which was read
 *       as lines of NULs and junk; or well-formed UTF-16 text with line ends, ASCII chars among non-Latin ones, as
 *       Chinese or Russian logs saved as UTF-16, which UTF-8 and Latin-1 text, holding no NUL byte, never are).
 *       Other bytes are not decoded here: a line that is not valid UTF-8 becomes a
 *       dead letter naming its line in the parse step.</li>
 *   <li>The file may be a pipe, FIFO or {@code /dev/stdin}: it is read to its end.</li>
 * </ul>
 */
public final class FileLines {
    private FileLines() {
    }

    /** The first bytes {@link #coding} looks at. */
    static final int HEAD = 64;

    /**
     * The lines of {@code file} as records named after the file (see the class comment): the reference, which holds
     * the whole file in memory (tests, and {@code memctl demo}'s sample); the file runs of {@code memctl logs} and
     * {@code memctl context} stream instead ({@link #writePlain}, and their file source, which holds one line, up to
     * a bound, at a time).
     */
    public static List<KafkaRecord> read(Path file) throws IOException {
        Path name = file.getFileName();
        String topic = name == null ? file.toString() : name.toString();
        return split(topic, decode(topic, Files.readAllBytes(file)));
    }

    /**
     * As {@link #read}, streaming the file ({@link #writePlain}, the same lines) and holding its lines only while they
     * come to at most {@code maxBytes} bytes (decompressed and decoded, line ends counted): a larger file is refused
     * ({@link OverBoundException}, naming the bound) when the bound is passed, before more is held ({@code memctl
     * demo}'s sample, which the demo holds in memory).
     */
    public static List<KafkaRecord> read(Path file, long maxBytes) throws IOException {
        return read(file, maxBytes, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(Path, long)}, also refused where the file has more than {@code maxLines} line ends ({@code \n},
     * {@code \r\n} or a lone {@code \r}, each one): a holder of many short lines pays for each line's record, not
     * only for its bytes.
     */
    public static List<KafkaRecord> read(Path file, long maxBytes, long maxLines) throws IOException {
        Path name = file.getFileName();
        String topic = name == null ? file.toString() : name.toString();
        BoundedBytes held = new BoundedBytes(maxBytes, maxLines);
        try {
            writePlain(file, held);
        } catch (BoundedBytes.Over e) {
            throw new OverBoundException(held.lineEnds > maxLines
                    ? "it has more than " + maxLines + " lines, more than are held in memory here"
                    : "its lines come to more than " + maxBytes + " bytes, more than is held in memory here");
        }
        return split(topic, held.toByteArray());
    }

    /** The bytes written to it, at most {@code max} and {@code maxLineEnds} line ends: one more is {@link Over}. */
    private static final class BoundedBytes extends ByteArrayOutputStream {
        private final long max;
        private final long maxLineEnds;
        /** Line ends written: each {@code \n} not right after a {@code \r}, and each {@code \r}. */
        long lineEnds;
        private boolean afterCr;

        BoundedBytes(long max, long maxLineEnds) {
            this.max = max;
            this.maxLineEnds = maxLineEnds;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + (long) len > max) {
                throw new Over();
            }
            if (maxLineEnds != Long.MAX_VALUE) {
                for (int i = off; i < off + len; i++) {
                    byte c = b[i];
                    if (c == '\r' || (c == '\n' && !afterCr)) {
                        lineEnds++;
                    }
                    afterCr = c == '\r';
                }
                if (lineEnds > maxLineEnds) {
                    throw new Over();
                }
            }
            super.write(b, off, len);
        }

        /** More than the bound was written. */
        static final class Over extends RuntimeException {
            private static final long serialVersionUID = 1L;

            Over() {
                super(null, null, false, false);
            }
        }
    }

    /**
     * Whether {@code file} must go through {@link #read} to be cut into lines as described above, i.e. is not
     * a plain file of {@code \n} / {@code \r\n} lines: not a regular file (a FIFO, standard input), compressed
     * or named so ({@link #coding}; {@link #read} then decompresses or refuses it), UTF-16/32 (a byte order mark,
     * or {@link #unmarkedUtf16}), classic Mac line ends, or named so that Flink's file source would decompress
     * it ({@code notes.tgz}: its {@code StandardDeCompressors} go by the name's end alone). Reads the file up to
     * its first line end.
     */
    public static boolean needsDecoding(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return true;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            int n = in.readNBytes(buf, 0, buf.length);
            if (n <= 0) {
                // empty: no lines; but a name Flink's file source would decompress (an empty .gz that logrotate
                // left) failed the job there, so such a file goes through read (an empty plain copy)
                return decompressedByFlink(String.valueOf(file.getFileName()));
            }
            byte[] head = Arrays.copyOf(buf, n);
            String name = String.valueOf(file.getFileName());
            if (coding(name, head) != Coding.PLAIN || namedCompressed(name) != null || wideCharset(head) != null
                    || unmarkedUtf16(head) != null || decompressedByFlink(name)) {
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
     * bytes {@code head} (at least {@link #HEAD} of them, all where the file is shorter): gzip, bzip2 or xz by their
     * magic bytes whatever the name (not bzip2 where the name does not say {@code .bz2} and the first {@link #HEAD}
     * bytes are printable ASCII text: a real bzip2 stream's CRC and bit fields follow its magic); deflate where the name ends in {@code .deflate} and a zlib header starts it (its two
     * bytes alone are no proof: {@code x^} starts a zlib stream and a line of text alike); else plain.
     */
    static Coding coding(String name, byte[] head) {
        if (isGzip(head)) {
            return Coding.GZIP;
        }
        if (head.length >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' && head[3] <= '9'
                && (startsAt(head, 4, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59) || startsAt(head, 4, 0x17, 0x72, 0x45, 0x38,
                0x50, 0x90))) {
            return namedCompressed(name) != Coding.BZIP2 && printableText(head) ? Coding.PLAIN : Coding.BZIP2;
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

    /** Whether the first {@link #HEAD} bytes of {@code b} (all where it is shorter) are printable ASCII, tabs and line ends. */
    private static boolean printableText(byte[] b) {
        for (int i = 0; i < Math.min(b.length, HEAD); i++) {
            int c = b[i] & 0xFF;
            if ((c < 0x20 || c >= 0x7F) && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Whether Flink's file source decompresses a file of this name (by its end alone, case-sensitive: {@code x.tgz}). */
    public static boolean decompressedByFlink(String name) {
        return org.apache.flink.connector.file.src.compression.StandardDeCompressors.getDecompressorForFileName(name)
                != null;
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
            Coding c = checked(name, Arrays.copyOf(b, Math.min(b.length, HEAD)));
            String format = c.words;
            for (int layer = 1; c != Coding.PLAIN; layer++) {
                b = decompress(format, c, b, layer == 1 ? content.length : -1);
                c = b.length == 0 ? Coding.PLAIN : inner(format, layer, Arrays.copyOf(b, Math.min(b.length, HEAD)));
                format = c.words + " in " + format;
            }
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
        try (InputStream raw = new NotDataDamage.Marking(new java.io.FileInputStream(file.toFile()))) {
            FileBytes fileBytes = new FileBytes(raw); // where a truncated file ends, for its message
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(fileBytes, 1 << 16);
            in.mark(HEAD);
            byte[] head = in.readNBytes(HEAD);
            in.reset();
            Coding c = head.length == 0 ? Coding.PLAIN : checked(name, head);
            PlainLines sink = new PlainLines(out);
            String format = c.words;
            // what came out of each layer's decompressor, outermost first, and the layers' names: for a damage's
            // message; a layer is counted and named before its decompressor is made (bzip2's decodes a block)
            List<Counted> counted = new ArrayList<>();
            List<String> formats = new ArrayList<>();
            int layers = c == Coding.PLAIN ? 0 : 1;
            try {
                java.io.BufferedInputStream d = in;
                if (layers > 0) {
                    Counted data = counted(counted, formats, format);
                    data.in = decompressing(c, in);
                    d = new java.io.BufferedInputStream(data, 1 << 16);
                }
                while (layers > 0) { // compressed data inside: decompressed again (gzip of gzip)
                    d.mark(HEAD);
                    byte[] h = d.readNBytes(HEAD);
                    d.reset();
                    Coding next = h.length == 0 ? Coding.PLAIN : inner(format, layers, h);
                    if (next == Coding.PLAIN) {
                        break;
                    }
                    format = next.words + " in " + format;
                    layers++;
                    Counted data = counted(counted, formats, format); // a damage counts what came out of this one
                    data.in = decompressing(next, d);
                    d = new java.io.BufferedInputStream(data, 1 << 16);
                }
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
            } catch (NotDataDamage e) {
                throw e.getCause(); // reading the file or writing the output failed: not the data's damage
            } catch (RefusedInputException e) {
                throw e; // what is inside refused (xz, too many layers)
            } catch (IOException e) {
                if (c == Coding.PLAIN) {
                    throw e;
                }
                // the decompressor's: the data's damage, of the outermost layer whose decompressor failed (an
                // outer one's failure reaches the inner decompressor as its input's), else of the innermost
                int at = counted.size() - 1;
                for (int i = 0; i < counted.size(); i++) {
                    if (counted.get(i).failed) {
                        at = i;
                        break;
                    }
                }
                throw damaged(formats.get(at), counted.get(at), e, at == 0 ? fileBytes.bytes : -1);
            }
            return sink.finish();
        }
    }

    /** A new {@link Counted} (its decompressor not yet set) of the layer {@code format}, added to both lists. */
    private static Counted counted(List<Counted> counted, List<String> formats, String format) {
        Counted c = new Counted();
        counted.add(c);
        formats.add(format);
        return c;
    }

    /**
     * How much a damaged layer's decompressor gave before it failed is counted in chunks of this many bytes: a
     * decompressor may fail in the read that holds its last bytes (commons-compress's gzip inflates into the
     * caller's array, then throws), so the bytes of that read are lost to the count; both paths read through
     * {@link Counted}, so both say the same.
     */
    static final int DAMAGE_CHUNK = 8192;

    /** Counts the bytes read through it (by {@code read}: nothing here skips). */
    private static final class FileBytes extends java.io.FilterInputStream {
        long bytes;

        FileBytes(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = in.read();
            bytes += c >= 0 ? 1 : 0;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            bytes += Math.max(n, 0);
            return n;
        }
    }

    /**
     * A layer's decompressed bytes, read from its decompressor {@code in} in chunks of {@link #DAMAGE_CHUNK} bytes
     * (each read whole, or to the end), counting the bytes and {@code \n} bytes of the reads that returned and keeping
     * the first {@link #HEAD} bytes, for a damage's message; {@code failed} once a read of {@code in} failed.
     */
    private static final class Counted extends InputStream {
        InputStream in;
        private final byte[] chunk = new byte[DAMAGE_CHUNK];
        private final byte[] head = new byte[HEAD];
        private int pos;
        private int limit;
        private boolean ended;
        boolean failed;
        long bytes;
        long lines;

        /** Whether a byte is held, reading the next chunk when none is. */
        private boolean fill() throws IOException {
            if (pos < limit) {
                return true;
            }
            if (ended || in == null) {
                return false;
            }
            int n = 0;
            try {
                for (int r = 0; n < chunk.length && r >= 0; n += Math.max(r, 0)) {
                    r = in.read(chunk, n, chunk.length - n);
                    ended = r < 0;
                }
            } catch (IOException e) {
                failed = true;
                count(n); // the reads before the one that failed gave these
                throw e;
            }
            count(n);
            pos = 0;
            limit = n;
            return n > 0;
        }

        private void count(int n) {
            if (bytes < HEAD) {
                System.arraycopy(chunk, 0, head, (int) bytes, (int) Math.min(n, HEAD - bytes));
            }
            for (int i = 0; i < n; i++) {
                lines += chunk[i] == '\n' ? 1 : 0;
            }
            bytes += n;
        }

        /** The first bytes that came out (up to {@link #HEAD}). */
        byte[] head() {
            return Arrays.copyOf(head, (int) Math.min(bytes, HEAD));
        }

        @Override
        public int read() throws IOException {
            return fill() ? chunk[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            return limit - pos;
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
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

        PlainLines(java.io.OutputStream out) {
            this.out = out;
        }

        void write(byte[] b, int off, int len) throws NotDataDamage {
            int i = off;
            int end = off + len;
            while (i < end && mode == UNKNOWN) {
                if (!pendingCr) { // the bytes up to the first line end's byte pass in one write
                    int j = i;
                    while (j < end && b[j] != '\n' && b[j] != '\r') {
                        j++;
                    }
                    pass(b, i, j);
                    i = j;
                    if (i == end) {
                        break;
                    }
                }
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
                    throw new NotDataDamage(e);
                }
                for (int k = i; k < end; k++) {
                    if (b[k] == '\n') {
                        lines++;
                    }
                }
                bytes += end - i;
                last = b[end - 1];
            } else if (mode == CR) {
                while (i < end) {
                    if (pendingCr) {
                        pendingCr = false;
                        if (b[i] == '\n') {
                            i++; // the \n of a \r\n: written at its \r
                            continue;
                        }
                    }
                    int j = i; // the bytes up to the next \r pass in one write (a \n among them stays a \n)
                    while (j < end && b[j] != '\r') {
                        j++;
                    }
                    pass(b, i, j);
                    i = j;
                    if (i < end) {
                        emit('\n');
                        pendingCr = true;
                        i++;
                    }
                }
            }
        }

        /** Writes {@code b[from, to)} as it is, in one write, counting it as {@link #emit} would byte by byte. */
        private void pass(byte[] b, int from, int to) throws NotDataDamage {
            if (from == to) {
                return;
            }
            try {
                out.write(b, from, to - from);
            } catch (IOException e) {
                throw new NotDataDamage(e);
            }
            for (int k = from; k < to; k++) {
                if (b[k] == '\n') {
                    lines++;
                }
            }
            bytes += to - from;
            last = b[to - 1];
        }

        private void emit(int c) throws NotDataDamage {
            try {
                out.write(c);
            } catch (IOException e) {
                throw new NotDataDamage(e);
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
                } catch (NotDataDamage e) {
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

    /**
     * The gzip, bzip2 or deflate data {@code b} decompressed (every stream of a concatenated gzip or bzip2 file); a
     * truncated or damaged one, or one with bytes after its (last) stream, is a {@link DamagedInputException}.
     */
    static byte[] decompress(Coding c, byte[] b) throws IOException {
        return decompress(c.words, c, b, b.length);
    }

    /** {@link #decompress}, a damage named {@code format}; {@code fileBytes}: the file's size where b is the file's. */
    private static byte[] decompress(String format, Coding c, byte[] b, long fileBytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, (int) Math.min(1 << 30, b.length * 4L)));
        Counted got = new Counted(); // counted as writePlain counts, so both say the same of a damage
        try (got) {
            got.in = decompressing(c, new ByteArrayInputStream(b));
            got.transferTo(out);
        } catch (IOException e) {
            throw damaged(format, got, e, fileBytes);
        }
        return out.toByteArray();
    }

    /** Most layers of compression one inside another that are decompressed (a gzip of a gzip is two). */
    static final int MAX_LAYERS = 4;

    /**
     * What the data that came out of {@code layers} layers of decompression ({@code format}, e.g. "gzip") holds,
     * by its first bytes {@code head}: compressed data inside (a gzip of a gzip: {@code gzip -c app.log.gz >
     * app.log.gz.gz}, a tool that compresses what it ships) is decompressed again, by {@link #coding}'s magic bytes
     * (gzip or bzip2; never deflate, which only a file's name tells), up to {@link #MAX_LAYERS}; xz inside, or more
     * layers, is refused naming what is inside.
     */
    private static Coding inner(String format, int layers, byte[] head) throws RefusedInputException {
        Coding c = coding("", head);
        if (c == Coding.XZ) {
            throw new RefusedInputException("the " + format + " data holds xz data, which is not read (gzip, bzip2"
                    + " and deflate are): decompress it first, or pipe it: ... | xz -dc | memctl ... --input -");
        }
        if (c != Coding.PLAIN && layers >= MAX_LAYERS) {
            throw new RefusedInputException("the " + format + " data holds " + c.words + " data again: more than "
                    + MAX_LAYERS + " layers of compression are not read (decompress it first)");
        }
        return c;
    }

    /**
     * The damage {@code e} of {@code format} data after {@code got}'s bytes came out of it (and its lines, where they
     * are text: not where they are compressed data of a layer inside): a truncation (the stream ends early: gzip's
     * {@link EOFException}, bzip2's "Unexpected end of stream") says so and, where {@code fileBytes} is not negative
     * (the outermost layer's), at which byte of the file; else "damaged". The decompressor's message is added where
     * it has one.
     */
    private static DamagedInputException damaged(String format, Counted got, IOException e, long fileBytes) {
        Coding inside = coding("", got.head());
        String where = got.bytes + " bytes" + (inside != Coding.PLAIN ? " (" + inside.words + " data)"
                : " (" + got.lines + " lines)") + " of it";
        String why = e.getMessage() == null ? "" : ": " + e.getMessage();
        return new DamagedInputException(truncation(e)
                ? format + " data ends early (a truncated file?) after " + where
                        + (fileBytes >= 0 ? ", at byte " + fileBytes + " of the file (its end)" : "") + why
                : format + " data is damaged after " + where + why, e);
    }

    /** Whether a decompressor's {@code e} says its stream ended early (gzip and deflate: EOF; bzip2: its message). */
    static boolean truncation(IOException e) {
        return e instanceof EOFException || e.getMessage() != null
                && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("unexpected end of stream");
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

    /** A file refused by a bounded {@link #read(Path, long, long)}: more bytes or lines than it may hold. */
    public static final class OverBoundException extends RefusedInputException {
        private static final long serialVersionUID = 1L;

        OverBoundException(String message) {
            super(message);
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

    /**
     * The decompressed bytes of {@code in}, {@code c}'s data, for both paths ({@link #decompress}, {@link #writePlain}):
     * every stream of concatenated gzip (members) or bzip2 data, read until the input's end (not until
     * {@code available()} says 0, as the JDK's {@code GZIPInputStream} does: a pipe's next member came late and was
     * dropped), and bytes after the last stream that do not start another are an {@link IOException} naming the
     * trailing data, except zero bytes to the end after the last gzip member (block padding; GNU gzip ignores it);
     * deflate: one zlib stream, and bytes after it an {@link IOException} naming the trailing data. Any
     * {@link IOException} but a {@link NotDataDamage} of {@code in} is the data's damage.
     */
    static InputStream decompressing(Coding c, InputStream in) throws IOException {
        return switch (c) {
            case GZIP, BZIP2 -> new Streams(c, in);
            case DEFLATE -> new ZlibStream(in);
            default -> throw new IllegalArgumentException(c.words);
        };
    }

    /**
     * The gzip members or bzip2 streams of {@code in}, one after the other, each by commons-compress: the next is
     * opened only once the last one's bytes were all read, so a damaged one fails a read that returns nothing
     * else (and a damage's message counts every byte that came out before it).
     */
    private static final class Streams extends InputStream {
        private final Coding c;
        private final InputStream in;
        private InputStream current;

        Streams(Coding c, InputStream in) throws IOException {
            this.c = c;
            this.in = in.markSupported() ? in : new java.io.BufferedInputStream(in); // each stream stops at its end
            current = open();
        }

        private InputStream open() throws IOException {
            return c == Coding.GZIP ? new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(in)
                    : new org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            for (int n = current.read(b, off, len); ; n = current.read(b, off, len)) {
                if (n >= 0) {
                    return n;
                }
                in.mark(4);
                byte[] next = in.readNBytes(4);
                in.reset();
                if (next.length == 0 || c == Coding.GZIP && next[0] == 0 && zerosToTheEnd()) {
                    return -1; // zero padding after the last member is ignored, as GNU gzip ignores it
                }
                if (c == Coding.GZIP ? !isGzip(next) : !startsAt(next, 0, 'B', 'Z', 'h')) {
                    throw new ZipException("trailing data after the last " + (c == Coding.GZIP ? "gzip member"
                            : "bzip2 stream") + ": " + shown(next) + " starts no other");
                }
                current = open();
            }
        }

        /** Whether {@code in} holds only zero bytes from here to its end; reads them (the input ends here if so). */
        private boolean zerosToTheEnd() throws IOException {
            byte[] chunk = new byte[8192];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != 0) {
                        return false;
                    }
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** One zlib stream, with nothing after it (see {@link #decompressing}). */
    private static final class ZlibStream extends java.util.zip.InflaterInputStream {
        private boolean ended;

        ZlibStream(InputStream in) {
            super(in, new java.util.zip.Inflater(), 1 << 16);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0 && !ended) {
                ended = true;
                if (inf.needsDictionary()) {
                    throw new ZipException("the zlib stream needs a preset dictionary, which a file does not give");
                }
                if (inf.getRemaining() > 0 || in.read() >= 0) {
                    throw new ZipException("trailing data after the end of the zlib stream (a second stream or junk"
                            + " appended; a file holds one zlib stream)");
                }
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                inf.end();
            }
        }
    }

    /**
     * A failure to read the input file itself or to write the plain copy, told apart from the decompressor's (the
     * data's damage): passed on as its cause.
     */
    static final class NotDataDamage extends IOException {
        private static final long serialVersionUID = 1L;

        NotDataDamage(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }

        /** Marks the failures of the stream it wraps as {@link NotDataDamage}. */
        static final class Marking extends java.io.FilterInputStream {
            Marking(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new NotDataDamage(e);
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                try {
                    return in.read(b, off, len);
                } catch (IOException e) {
                    throw new NotDataDamage(e);
                }
            }

            @Override
            public long skip(long n) throws IOException {
                try {
                    return in.skip(n);
                } catch (IOException e) {
                    throw new NotDataDamage(e);
                }
            }

            @Override
            public int available() throws IOException {
                try {
                    return in.available();
                } catch (IOException e) {
                    throw new NotDataDamage(e);
                }
            }
        }
    }

    /** Bytes {@link #unmarkedUtf16} looks at. */
    static final int UTF16_SAMPLE = 4096;

    /**
     * UTF-16LE or UTF-16BE where {@code b} has no byte order mark but its first bytes (up to {@link #UTF16_SAMPLE},
     * at least 4) are UTF-16 beyond doubt, by either of two rules; else null.
     * <ul>
     *   <li>At least three quarters of the bytes at odd (LE) or even (BE) places are NUL, and at most one in 64 of
     *       the others: text of mostly ASCII chars, as a Windows tool exports it. UTF-8 text holds no such pattern,
     *       nor does a file starting with a run of NULs, as a log cut by {@code copytruncate} does, or UTF-32.</li>
     *   <li>{@link #utf16Text}: text of non-Latin chars (Chinese, Russian, Greek ... saved as UTF-16 without a
     *       mark), where few high bytes are NUL: read in that byte order the bytes are well-formed UTF-16 holding
     *       a line end and no control char but tab, line ends, form feed and escape, and at least one char in 64
     *       (and two) is ASCII (its NUL high byte: spaces, digits, punctuation, line ends). UTF-8 and Latin-1
     *       text have no NUL bytes, so no ASCII char read as UTF-16, and fail the rule; so does a file holding a
     *       run of NULs (a U+0000 char), and one with the other byte order (a control char or a NUL).</li>
     * </ul>
     */
    static Charset unmarkedUtf16(byte[] b) {
        int pairs = Math.min(b.length, UTF16_SAMPLE) / 2;
        if (pairs < 2 || wideCharset(b) != null) {
            return null;
        }
        Charset mostlyAscii = mostlyAsciiUtf16(b, pairs);
        if (mostlyAscii != null) {
            return mostlyAscii;
        }
        boolean le = utf16Text(b, pairs, true);
        boolean be = utf16Text(b, pairs, false);
        if (le == be) {
            return null;
        }
        return le ? StandardCharsets.UTF_16LE : StandardCharsets.UTF_16BE;
    }

    /**
     * Whether the first {@code pairs} byte pairs of {@code b}, read as UTF-16 ({@code le}: little endian), are text:
     * well-formed (a high surrogate only before a low one, a last high surrogate allowed: the sample may cut a pair),
     * no NUL char, no control char but tab, line feed, carriage return, form feed and escape (ANSI colours), no C1
     * control, no U+FFFE or U+FFFF; at least one line feed; and ASCII chars (high byte NUL) at least two and one in 64.
     */
    static boolean utf16Text(byte[] b, int pairs, boolean le) {
        int ascii = 0;
        int lineFeeds = 0;
        for (int i = 0; i < pairs; i++) {
            int lo = b[2 * i + (le ? 0 : 1)] & 0xFF;
            int hi = b[2 * i + (le ? 1 : 0)] & 0xFF;
            int c = hi << 8 | lo;
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B
                    || c >= 0x7F && c < 0xA0 || c == 0xFFFE || c == 0xFFFF || Character.isLowSurrogate((char) c)) {
                return false;
            }
            if (Character.isHighSurrogate((char) c)) {
                if (i + 1 == pairs) {
                    break; // cut by the sample's end
                }
                int next = (b[2 * i + 2 + (le ? 1 : 0)] & 0xFF) << 8 | b[2 * i + 2 + (le ? 0 : 1)] & 0xFF;
                if (!Character.isLowSurrogate((char) next)) {
                    return false;
                }
                i++;
                continue;
            }
            ascii += c < 0x80 ? 1 : 0;
            lineFeeds += c == '\n' ? 1 : 0;
        }
        return lineFeeds > 0 && ascii >= 2 && 64L * ascii >= pairs;
    }

    /** The first rule of {@link #unmarkedUtf16}: mostly ASCII text as UTF-16, by where its NUL bytes are. */
    private static Charset mostlyAsciiUtf16(byte[] b, int pairs) {
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
