package dev.keymem.jobs.logs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordRuns;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Consecutive lines of one source (in the order the source's lines came), from one topic and partition: what a
 * batch file run of the log job sends from its parse step to its keyed step instead of single {@link LogLine}s
 * (see {@link LogLineRuns}), so that the exchange and the keyed step's sort handle one record, one key and one
 * source and topic string per run rather than per line. Its serializer ({@link #TYPE}) writes the source and
 * topic once and then each line's offset, timestamp and text (strings as {@link LogLineSerializer} writes them).
 *
 * <p>A run read from bytes keeps its lines' bytes ({@link #packed}) until a line is first asked for: the keyed
 * step's input reads each run from the exchange only to write it into its sort buffer, which then copies those
 * bytes instead of decoding every text and encoding it again; the lines are decoded once, when the keyed function
 * takes them from the sorted run.
 */
public final class LogLineRun implements RecordRuns.Run<LogLine> {
    /** The source of every line (the key). */
    String source;
    /** Topic (or file name) of every line; may be null. */
    String topic;
    /** Partition of every line. */
    int partition;
    /** Lines held. */
    int size;
    long[] offsets;
    long[] timestamps;
    String[] texts;
    /** Per line: whether its text is known to be ASCII ({@link LogLine#textIsAscii}). */
    boolean[] ascii;
    /** Per line: whether its text is a bare message ({@link LogLine#bare}). */
    boolean[] bare;
    /** Per line: its CRI stream and tag ({@link LogLine#cri}). */
    byte[] cri;
    /** Per line: {@link LogLine#criHead}; null while no line has one. */
    byte[][] criHeads;
    /** Per line: {@link LogLine#criTail}; null while no line has one. */
    byte[][] criTails;
    /**
     * The lines' bytes as the serializer writes them after the header (their offsets, timestamps, flags and texts),
     * for a run read from bytes whose lines were not asked for yet; null once they are decoded ({@link #lines()})
     * and for a run made line by line. Never changed: a copy of the run shares it.
     */
    private byte[] packed;
    /** For {@link #get} in order from {@link #packed}: the next line's index and where its bytes start. */
    private int nextLine;
    private int nextAt;
    /**
     * The lines' bytes as the serializer writes them (as {@link Serializer#asciiLength} counts them), counted line by
     * line in {@link #add}, -1 once a text that is not known to be ASCII joined; valid only while {@link #counted}
     * equals {@link #size} (a run read from bytes, copied or decoded sets its size otherwise and is counted by a
     * scan). Counted where each line is added, a call per line that the JIT compiles after its first few hundred
     * lines, rather than by a loop per run that stays interpreted for most of a file run's runs.
     */
    private long countedBytes;
    /** The lines counted in {@link #countedBytes}, the first ones of this run. */
    private int counted;

    LogLineRun(String source, String topic, int partition, int capacity) {
        this.source = source;
        this.topic = topic;
        this.partition = partition;
        this.offsets = new long[capacity];
        this.timestamps = new long[capacity];
        this.texts = new String[capacity];
        this.ascii = new boolean[capacity];
        this.bare = new boolean[capacity];
        this.cri = new byte[capacity];
    }

    /** Whether {@code l} may join this run (same source, topic and partition). */
    @Override
    public boolean accepts(LogLine l) {
        return l.partition == partition && java.util.Objects.equals(l.topic, topic)
                && java.util.Objects.equals(l.source, source);
    }

    /** Appends {@code l} (its source, topic and partition are the run's). */
    @Override
    public void add(LogLine l) {
        lines();
        if (size == offsets.length) {
            int n = Math.max(4, size * 2);
            offsets = Arrays.copyOf(offsets, n);
            timestamps = Arrays.copyOf(timestamps, n);
            texts = Arrays.copyOf(texts, n);
            ascii = Arrays.copyOf(ascii, n);
            bare = Arrays.copyOf(bare, n);
            cri = Arrays.copyOf(cri, n);
            if (criHeads != null) {
                criHeads = Arrays.copyOf(criHeads, n);
                criTails = Arrays.copyOf(criTails, n);
            }
        }
        offsets[size] = l.offset;
        timestamps[size] = l.timestamp;
        texts[size] = l.text;
        ascii[size] = l.textIsAscii();
        bare[size] = l.bare;
        cri[size] = l.cri;
        if (LogLineSerializer.seams(l)) {
            if (criHeads == null) {
                criHeads = new byte[offsets.length][];
                criTails = new byte[offsets.length][];
            }
            criHeads[size] = l.criHead;
            criTails[size] = l.criTail;
        }
        if (counted == size) {
            countedBytes = countedBytes < 0 || (l.text != null && !ascii[size]) ? -1
                    : countedBytes + 17 + (l.cri != 0 ? 1 : 0) + (l.text == null ? 0 : 4L + l.text.length())
                            + (LogLineSerializer.seams(l) ? 2 + (l.criHead == null ? 0 : l.criHead.length)
                                    + (l.criTail == null ? 0 : l.criTail.length) : 0);
            counted++;
        }
        size++;
    }

    /**
     * The length of the lines' bytes (decoded) where every text is null or ASCII, else -1, as
     * {@link Serializer#asciiLength} finds it (its reference): counted as the lines were added where they all were,
     * else by that scan.
     */
    int asciiLength() {
        if (counted == size) {
            return countedBytes <= Integer.MAX_VALUE ? (int) countedBytes : -1;
        }
        return Serializer.asciiLength(this);
    }

    /** The run with its lines decoded (from {@link #packed}, where it still holds them). */
    LogLineRun lines() {
        if (packed != null) {
            try {
                Serializer.readLines(packed, this, size);
            } catch (IOException | RuntimeException e) { // cut short: an index out of bounds
                throw new java.io.UncheckedIOException(new IOException("corrupt LogLineRun of source " + source, e));
            }
            packed = null;
            nextLine = 0;
            nextAt = 0;
        }
        return this;
    }

    /** Line {@code i} as a {@link LogLine}. */
    LogLine line(int i) {
        lines();
        LogLine l = new LogLine(source, texts[i], offsets[i], timestamps[i]);
        l.topic = topic;
        l.partition = partition;
        l.bare = bare[i];
        l.cri = cri[i];
        if (criHeads != null) {
            l.criHead = criHeads[i];
            l.criTail = criTails[i];
        }
        if (ascii[i]) {
            l.markAsciiText();
        }
        return l;
    }

    /** The source. */
    public String source() {
        return source;
    }

    /** Lines held. */
    @Override
    public int size() {
        return size;
    }

    /**
     * Line {@code i} (as {@link #line} makes it). A run read from bytes and asked for its lines in order, as the
     * keyed step's {@link LogLineRuns.Unpack} asks, makes each line straight from {@link #packed}
     * ({@link Serializer#readLine}) and keeps those bytes, without the per-run arrays of {@link #lines()}; any other
     * order decodes the run first.
     */
    @Override
    public LogLine get(int i) {
        if (packed != null && i == nextLine && i < size) {
            LogLine l = new LogLine(source, null, 0, 0);
            l.topic = topic;
            l.partition = partition;
            try {
                nextAt = Serializer.readLine(packed, nextAt, l);
            } catch (IOException | RuntimeException e) { // cut short: an index out of bounds
                throw new java.io.UncheckedIOException(new IOException("corrupt LogLineRun of source " + source, e));
            }
            nextLine = i + 1;
            return l;
        }
        return line(i);
    }

    @Override
    public String toString() {
        return "LogLineRun{" + source + ", " + size + " lines from " + topic + "-" + partition + "@"
                + (size > 0 ? lines().offsets[0] : -1) + "}";
    }

    /** The type information of {@link LogLineRun} with its serializer. */
    public static final TypeInformation<LogLineRun> TYPE = new SerializerTypeInfo<>(LogLineRun.class,
            Serializer.INSTANCE);

    /**
     * The serializer: the run's {@link RecordRuns.Header} (the source as its key; {@link RecordRuns.Header#packed}
     * set: the length of the lines' bytes, an int, follows it; a form written before the flag has it clear and the
     * lines right after the header), then per line its offset and
     * timestamp (longs), a byte (0: no text, 1: a text, 2: an ASCII text; plus {@link #BARE_TEXT} where the text
     * is a bare message, {@link LogLine#bare}, which the form before it never set, so its bytes read as lines that
     * are not bare, as they were; plus {@link #CRI_BYTE} where the line is a CRI piece, its {@link LogLine#cri}
     * byte then following, a bit likewise never set before; plus {@link #SEAM_BYTES}, the seam's raw bytes then
     * following) and the text (as {@link LogLineSerializer} writes it, an ASCII one copied byte
     * for byte).
     */
    static final class Serializer extends RecordSerializer<LogLineRun> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();
        /** The bit of the text byte that marks a bare message. */
        static final int BARE_TEXT = 4;
        /** The bit of the text byte that says a CRI byte ({@link LogLine#cri}) follows it (never set before). */
        static final int CRI_BYTE = 8;
        /**
         * The bit of the text byte that says a CRI seam's raw bytes follow the CRI byte ({@link LogLine#criHead},
         * {@link LogLine#criTail}, as {@link LogLineSerializer} writes them; never set before).
         */
        static final int SEAM_BYTES = 16;

        @Override
        public LogLineRun createInstance() {
            return new LogLineRun(null, null, 0, 0);
        }

        @Override
        public LogLineRun copy(LogLineRun from) {
            LogLineRun r = new LogLineRun(from.source, from.topic, from.partition, 0);
            r.size = from.size;
            if (from.packed != null) {
                r.packed = from.packed;
                return r;
            }
            r.offsets = Arrays.copyOf(from.offsets, from.size);
            r.timestamps = Arrays.copyOf(from.timestamps, from.size);
            r.texts = Arrays.copyOf(from.texts, from.size);
            r.ascii = Arrays.copyOf(from.ascii, from.size);
            r.bare = Arrays.copyOf(from.bare, from.size);
            r.cri = Arrays.copyOf(from.cri, from.size);
            if (from.criHeads != null) {
                r.criHeads = Arrays.copyOf(from.criHeads, from.size);
                r.criTails = Arrays.copyOf(from.criTails, from.size);
            }
            return r;
        }

        /** Each thread's buffer for the lines' bytes of a run made line by line (their length goes first). */
        private static final ThreadLocal<DataOutputSerializer> LINES =
                ThreadLocal.withInitial(() -> new DataOutputSerializer(1 << 12));

        /** Largest buffer {@link #LINES} keeps for the next run. */
        private static final int LINES_MAX = 1 << 20;

        @Override
        public void serialize(LogLineRun r, DataOutputView out) throws IOException {
            RecordRuns.Header.write(out, r.source, r.topic, r.partition, r.size, true);
            if (r.packed != null) { // read from bytes, not decoded: its bytes as they came
                out.writeInt(r.packed.length);
                out.write(r.packed);
                return;
            }
            int length = r.asciiLength();
            if (length >= 0 && r.criHeads == null) { // ASCII, no seams: packed in an array, then one write
                writePacked(r, length, out);
                return;
            }
            if (length >= 0) { // its length known up front: the lines written straight after it
                out.writeInt(length);
                writeLines(r, out);
                return;
            }
            writeBuffered(r, out);
        }

        /**
         * The length of the lines' bytes of {@code r} (decoded) where every text is null or ASCII, else -1 (a text's
         * UTF-8 length is known only once it is encoded).
         */
        static int asciiLength(LogLineRun r) {
            long n = 0;
            for (int i = 0; i < r.size; i++) {
                String t = r.texts[i];
                if (t != null && !r.ascii[i]) {
                    return -1;
                }
                n += 17 + (r.cri[i] != 0 ? 1 : 0) + (t == null ? 0 : 4L + t.length());
                if (r.criHeads != null && (r.criHeads[i] != null || r.criTails[i] != null)) {
                    n += 2 + (r.criHeads[i] == null ? 0 : r.criHeads[i].length)
                            + (r.criTails[i] == null ? 0 : r.criTails[i].length);
                }
            }
            return n <= Integer.MAX_VALUE ? (int) n : -1;
        }

        /** The length of the lines' bytes of {@code r} (decoded) and those bytes, through the thread's buffer. */
        static void writeBuffered(LogLineRun r, DataOutputView out) throws IOException {
            DataOutputSerializer lines = LINES.get();
            lines.clear();
            writeLines(r, lines);
            out.writeInt(lines.length());
            out.write(lines.getSharedBuffer(), 0, lines.length());
            if (lines.getSharedBuffer().length > LINES_MAX) {
                LINES.remove();
            }
        }

        /** Each thread's array for {@link #writePacked} (one kept up to {@link #LINES_MAX} bytes). */
        private static final ThreadLocal<byte[][]> PACKED = ThreadLocal.withInitial(() -> new byte[][] {new byte[1 << 12]});

        /**
         * The length of the lines' bytes of {@code r} (decoded; every text null or ASCII, no CRI seams) and those
         * bytes, {@code length} of them ({@link #asciiLength}), as {@link #writeLines} writes them (its reference),
         * but put into the thread's array by plain stores and written to {@code out} in one call rather than
         * five calls of {@code out} a line.
         */
        static void writePacked(LogLineRun r, int length, DataOutputView out) throws IOException {
            byte[][] holder = PACKED.get();
            byte[] b = holder[0];
            if (b.length < length) {
                b = new byte[Math.max(length, Math.min(LINES_MAX, 2 * b.length))];
                if (b.length <= LINES_MAX) {
                    holder[0] = b;
                }
            }
            int p = 0;
            for (int i = 0; i < r.size; i++) {
                p = packLine(r, i, b, p);
            }
            if (p != length) {
                throw new IllegalStateException("LogLineRun of source " + r.source + ": " + p + " bytes, not " + length);
            }
            out.writeInt(length);
            out.write(b, 0, length);
        }

        /**
         * Line {@code i} of {@code r} put into {@code b} at {@code p} as {@link #writePacked} packs it; where the
         * next line starts. A method of its own so that a file run's JIT compiles it after a few hundred lines: in
         * {@link #writePacked}'s loop, called once a run, it stayed interpreted (its {@code VarHandle} stores a call
         * chain each) for about half of a 50,000-line run's runs.
         */
        private static int packLine(LogLineRun r, int i, byte[] b, int p) {
            LONGS.set(b, p, r.offsets[i]);
            LONGS.set(b, p + 8, r.timestamps[i]);
            String t = r.texts[i];
            byte cri = r.cri[i];
            b[p + 16] = (byte) ((t == null ? 0 : 2) | (r.bare[i] ? BARE_TEXT : 0) | (cri != 0 ? CRI_BYTE : 0));
            p += 17;
            if (cri != 0) {
                b[p++] = cri;
            }
            if (t != null) {
                int n = t.length();
                INTS.set(b, p, n);
                getAsciiBytes(t, n, b, p + 4);
                p += 4 + n;
            }
            return p;
        }

        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
        private static void getAsciiBytes(String t, int n, byte[] b, int at) {
            t.getBytes(0, n, b, at);
        }

        /** The lines of {@code r} (decoded), as {@link #readLines} reads them. */
        private static void writeLines(LogLineRun r, DataOutputView out) throws IOException {
            for (int i = 0; i < r.size; i++) {
                out.writeLong(r.offsets[i]);
                out.writeLong(r.timestamps[i]);
                boolean seams = r.criHeads != null && (r.criHeads[i] != null || r.criTails[i] != null);
                int bare = (r.bare[i] ? BARE_TEXT : 0) | (r.cri[i] != 0 ? CRI_BYTE : 0) | (seams ? SEAM_BYTES : 0);
                int text = r.texts[i] == null ? 0 : r.ascii[i] ? 2 : 1;
                out.writeByte(text | bare);
                if (r.cri[i] != 0) {
                    out.writeByte(r.cri[i]);
                }
                if (seams) {
                    LogLineSerializer.writeSeams(r.line(i), out);
                }
                if (text == 2) {
                    ExactStrings.writeAscii(r.texts[i], out);
                } else if (text == 1) {
                    ExactStrings.write(r.texts[i], out);
                }
            }
        }

        @Override
        public LogLineRun deserialize(DataInputView in) throws IOException {
            RecordRuns.Header h = RecordRuns.Header.read(in);
            int n = h.size();
            if (n < 0) {
                throw new IOException("corrupt LogLineRun: " + n + " lines");
            }
            if (h.packed()) { // the lines' bytes kept, decoded when first asked for
                LogLineRun r = new LogLineRun(h.key(), h.topic(), h.partition(), 0);
                byte[] b = new byte[packedLength(in, h.key(), n)];
                in.readFully(b);
                r.packed = b;
                r.size = n;
                return r;
            }
            LogLineRun r = new LogLineRun(h.key(), h.topic(), h.partition(), 0);
            readLines(in, r, n);
            return r;
        }

        /**
         * The byte count of a packed run's lines, read from {@code in}; an {@link IOException} where it is
         * negative, past the largest array, or (where {@code in} knows what is left) past the bytes left.
         */
        static int packedLength(DataInputView in, String source, int lines) throws IOException {
            int length = in.readInt();
            int left = in instanceof org.apache.flink.core.memory.DataInputDeserializer
                    ? ((org.apache.flink.core.memory.DataInputDeserializer) in).available() : Integer.MAX_VALUE - 8;
            if (length < 0 || length > left) {
                throw new IOException("corrupt LogLineRun of source " + source + ": " + lines + " lines in "
                        + length + " bytes" + (left < Integer.MAX_VALUE - 8 ? ", " + left + " left" : ""));
            }
            return length;
        }

        /** Gives {@code r} the arrays of {@code n} lines, without CRI parts. */
        private static void sized(LogLineRun r, int n) {
            r.offsets = new long[n];
            r.timestamps = new long[n];
            r.texts = new String[n];
            r.ascii = new boolean[n];
            r.bare = new boolean[n];
            r.cri = new byte[n];
            r.criHeads = null;
            r.criTails = null;
        }

        /** Reads {@code n} lines (as {@link #writeLines} wrote them) into {@code r}. */
        static void readLines(DataInputView in, LogLineRun r, int n) throws IOException {
            sized(r, n);
            for (int i = 0; i < n; i++) {
                r.offsets[i] = in.readLong();
                r.timestamps[i] = in.readLong();
                int kind = in.readUnsignedByte();
                r.bare[i] = (kind & BARE_TEXT) != 0;
                if ((kind & CRI_BYTE) != 0) {
                    r.cri[i] = in.readByte();
                }
                if ((kind & SEAM_BYTES) != 0) {
                    LogLine l = new LogLine();
                    LogLineSerializer.readSeams(l, in);
                    if (r.criHeads == null) {
                        r.criHeads = new byte[n][];
                        r.criTails = new byte[n][];
                    }
                    r.criHeads[i] = l.criHead;
                    r.criTails[i] = l.criTail;
                }
                int text = kind & ~(BARE_TEXT | CRI_BYTE | SEAM_BYTES);
                r.ascii[i] = text == 2;
                r.texts[i] = text == 2 ? ExactStrings.readAscii(in)
                        : text == 1 ? ExactStrings.read(in) : null;
            }
            r.size = n;
        }

        private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
                long[].class, java.nio.ByteOrder.BIG_ENDIAN);
        private static final java.lang.invoke.VarHandle INTS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
                int[].class, java.nio.ByteOrder.BIG_ENDIAN);

        /**
         * {@link #readLines(DataInputView, LogLineRun, int)} of the lines' bytes {@code b} ({@link #packed}), read in
         * place: an ASCII text is made from its bytes at once (no copy into a buffer first), the numbers read as the
         * view reads them (big-endian). The same lines, or an exception where the bytes are cut short or corrupt.
         */
        static void readLines(byte[] b, LogLineRun r, int n) throws IOException {
            sized(r, n);
            int p = 0;
            for (int i = 0; i < n; i++) {
                r.offsets[i] = (long) LONGS.get(b, p);
                r.timestamps[i] = (long) LONGS.get(b, p + 8);
                int kind = b[p + 16] & 0xFF;
                p += 17;
                r.bare[i] = (kind & BARE_TEXT) != 0;
                if ((kind & CRI_BYTE) != 0) {
                    r.cri[i] = b[p++];
                }
                if ((kind & SEAM_BYTES) != 0) {
                    if (r.criHeads == null) {
                        r.criHeads = new byte[n][];
                        r.criTails = new byte[n][];
                    }
                    for (int side = 0; side < 2; side++) { // as LogLineSerializer.readSeams: head, then tail
                        byte[] seam = seamAt(b, p);
                        p += 1 + (seam == null ? 0 : seam.length);
                        if (side == 0) {
                            r.criHeads[i] = seam;
                        } else {
                            r.criTails[i] = seam;
                        }
                    }
                }
                int text = kind & ~(BARE_TEXT | CRI_BYTE | SEAM_BYTES);
                r.ascii[i] = text == 2;
                if (text == 1 || text == 2) {
                    int len = (int) INTS.get(b, p);
                    p += 4;
                    if (len >= 0) { // ExactStrings.writeAscii, or ExactStrings.write's UTF-8
                        if (len > b.length - p) {
                            throw new java.io.EOFException();
                        }
                        r.texts[i] = new String(b, p, len, text == 2 ? StandardCharsets.ISO_8859_1
                                : StandardCharsets.UTF_8);
                        p += len;
                    } else if (text == 2) {
                        throw new IOException("corrupt LogLineRun: an ASCII text of " + len + " chars");
                    } else { // ExactStrings.write's chars (a text with an unpaired surrogate)
                        r.texts[i] = charsAt(b, p, -1 - len);
                        p += 2 * (-1 - len);
                    }
                }
            }
            r.size = n;
        }

        /**
         * One line of a run's lines' bytes {@code b} ({@link #packed}), from {@code p}, into {@code l} (its offset,
         * timestamp, bare flag, CRI byte and seams, text and whether that is ASCII): what
         * {@link #readLines(byte[], LogLineRun, int)} reads for that line, which stays as its reference. Returns
         * where the next line starts; an exception where the bytes are cut short or corrupt.
         */
        static int readLine(byte[] b, int p, LogLine l) throws IOException {
            l.offset = (long) LONGS.get(b, p);
            l.timestamp = (long) LONGS.get(b, p + 8);
            int kind = b[p + 16] & 0xFF;
            p += 17;
            l.bare = (kind & BARE_TEXT) != 0;
            if ((kind & CRI_BYTE) != 0) {
                l.cri = b[p++];
            }
            if ((kind & SEAM_BYTES) != 0) {
                for (int side = 0; side < 2; side++) { // as LogLineSerializer.readSeams: head, then tail
                    byte[] seam = seamAt(b, p);
                    p += 1 + (seam == null ? 0 : seam.length);
                    if (side == 0) {
                        l.criHead = seam;
                    } else {
                        l.criTail = seam;
                    }
                }
            }
            int text = kind & ~(BARE_TEXT | CRI_BYTE | SEAM_BYTES);
            if (text == 1 || text == 2) {
                int len = (int) INTS.get(b, p);
                p += 4;
                if (len >= 0) { // ExactStrings.writeAscii, or ExactStrings.write's UTF-8
                    if (len > b.length - p) {
                        throw new java.io.EOFException();
                    }
                    l.text = new String(b, p, len, text == 2 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                    p += len;
                } else if (text == 2) {
                    throw new IOException("corrupt LogLineRun: an ASCII text of " + len + " chars");
                } else { // ExactStrings.write's chars (a text with an unpaired surrogate)
                    l.text = charsAt(b, p, -1 - len);
                    p += 2 * (-1 - len);
                }
                if (text == 2) {
                    l.markAsciiText();
                }
            }
            return p;
        }

        /**
         * The CRI seam at {@code p} of a run's lines' bytes (a count, 0-3, then that many bytes of a UTF-8
         * character): its bytes, or null where the count is 0; an exception where it is corrupt or cut short.
         */
        private static byte[] seamAt(byte[] b, int p) throws IOException {
            int k = b[p] & 0xFF;
            if (k > 3) {
                throw new IOException("corrupt LogLine: " + k + " bytes of a UTF-8 character at a CRI seam");
            }
            if (k > 0 && p + 1 + k > b.length) {
                throw new java.io.EOFException();
            }
            return k == 0 ? null : java.util.Arrays.copyOfRange(b, p + 1, p + 1 + k);
        }

        /** The text of {@code n} big-endian chars at {@code p} (ExactStrings.write's form for unpaired surrogates). */
        private static String charsAt(byte[] b, int p, int n) {
            char[] c = new char[n];
            for (int k = 0; k < n; k++, p += 2) {
                c[k] = (char) (((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF));
            }
            return new String(c);
        }

        @Override
        public TypeSerializerSnapshot<LogLineRun> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LogLineRun> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
