package dev.keymem.jobs.context;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordRuns;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Consecutive events of one user (in the order the user's events came), from one topic and partition: what a
 * batch file run of the context job sends from its parse step to its keyed step instead of single
 * {@link ContextEvent}s (see {@link ContextEventRuns}), so that the exchange and the keyed step's sort handle one
 * record, one key and one topic string per run rather than per event. A run holds its events encoded, as the
 * bytes its serializer ({@link #TYPE}) writes after the user and topic: each event's offset, flags and strings
 * (as {@link ExactStrings#write} writes them; a type equal to the previous event's is not written again). So the
 * gather step holds a few byte arrays per open run (chunks, so that its bytes are not copied as it grows) rather
 * than a graph of objects per event (which the young collections would copy while the run waits), and the
 * exchange and the sort copy bytes; the keyed step decodes each event when it takes it ({@link #get}).
 */
public final class ContextEventRun implements RecordRuns.Run<ContextEvent> {
    /** Per-event flag bits: which strings are present, the query flag, a type equal to the previous one. */
    private static final int TEXT = 1;
    private static final int TYPE_FLAG = 2;
    private static final int EXPECT = 4;
    private static final int TS = 8;
    private static final int QUERY = 16;
    private static final int SAME_TYPE = 32;
    /** The strings are ASCII, written as their bytes (what {@link ExactStrings#write} writes for them). */
    private static final int ASCII = 64;

    /** The user of every event (the key). */
    String user;
    /** Topic (or file name) of every event; may be null. */
    String topic;
    /** Partition of every event. */
    int partition;
    /** Events held. */
    int size;
    /**
     * The events, encoded, {@code length} bytes: those of the full chunks {@code chunks[0, chunkCount)}, then
     * {@code bytes[0, pos)}. A run being written grows by chunks (each twice the last, up to {@link #CHUNK_MAX}
     * bytes, or what one string needs), so its bytes are not copied as it grows; a run read back is one chunk.
     */
    private byte[] bytes;
    private int pos;
    private int length;
    private byte[][] chunks;
    private int chunkCount;
    /** A run read back (by its serializer) takes no more events. */
    private final boolean readBack;
    /**
     * Writing: the type of the last event added ({@code lastType}, null where it had none) where
     * {@code typeKnown}, else (after {@link #addAscii}) made from the bytes when {@link #add} needs it; whether
     * the last event had a type, and the bytes the last type written was written as, {@code typeBytes[0, typeLen)}
     * ({@code typeLen} -1: written as chars, an unpaired surrogate in it).
     */
    private transient String lastType;
    private transient boolean typeKnown = true;
    private transient boolean hadType;
    private transient byte[] typeBytes;
    private transient int typeLen = -1;
    /** Reading: the decoder, the index of the event it reads next, and the type of the event it read last. */
    private transient DataInputDeserializer decoder;
    private transient int next;
    private transient String readType;

    /** An empty run of {@code user}'s events from {@code topic} and {@code partition}, {@code capacity} bytes. */
    ContextEventRun(String user, String topic, int partition, int capacity) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.bytes = new byte[Math.max(32, Math.min(CHUNK_MAX, capacity))];
        this.readBack = false;
    }

    /** A run read back: {@code n} events encoded in {@code bytes[0, length)}. */
    private ContextEventRun(String user, String topic, int partition, int n, byte[] bytes, int length) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.size = n;
        this.bytes = bytes;
        this.pos = length;
        this.length = length;
        this.readBack = true;
    }

    /** Whether {@code e} may join this run (same user, topic and partition). */
    @Override
    public boolean accepts(ContextEvent e) {
        return e.partition == partition && Objects.equals(e.topic, topic) && Objects.equals(e.user, user);
    }

    /** Appends {@code e} (its user, topic and partition are the run's): the reference form of {@link #addAscii}. */
    @Override
    public void add(ContextEvent e) {
        if (readBack) {
            throw new IllegalStateException("a run read back takes no more events");
        }
        decoder = null; // a reading started before starts again over the new bytes
        String type = e.type;
        boolean same = type != null && type.equals(lastType());
        putLong(e.offset);
        putByte((e.text != null ? TEXT : 0) | (type != null ? TYPE_FLAG : 0)
                | (e.expect != null ? EXPECT : 0) | (e.ts != null ? TS : 0) | (e.query ? QUERY : 0)
                | (same ? SAME_TYPE : 0) | (e.ascii ? ASCII : 0));
        if (e.ascii) {
            writeAscii(e.text);
            if (!same && type != null) {
                writeAscii(type);
                keepType(type.getBytes(StandardCharsets.ISO_8859_1), 0, type.length());
            }
            writeAscii(e.expect);
            writeAscii(e.ts);
        } else {
            writeExact(e.text);
            if (!same && type != null) {
                DataOutputSerializer t = writeExact(type);
                byte[] b = t.getSharedBuffer();
                int n = (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
                if (n >= 0) {
                    keepType(b, 4, n);
                } else {
                    typeLen = -1; // an unpaired surrogate: no ASCII type equals it
                }
            }
            writeExact(e.expect);
            writeExact(e.ts);
        }
        lastType = type;
        typeKnown = true;
        hadType = type != null;
        size++;
    }

    /**
     * Appends the event {@link #add} appends for the fields read by hand from the ASCII bytes {@code b}
     * ({@link ContextEventParser#spans}: the text present, the strings the spans' bytes, flagged ASCII), at
     * {@code offset}, a query where {@code query}: the same bytes, written from the record's bytes without a
     * string between (tests compare the two).
     */
    void addAscii(long offset, byte[] b, int[] at, boolean query) {
        addAscii(offset, b, at, query, true);
    }

    /**
     * {@link #addAscii(long, byte[], int[], boolean)} where {@code ascii}; else the same for the spans of
     * {@link ContextEventParser#spansUtf8} (well-formed UTF-8): the event not flagged ASCII, each string its UTF-8
     * length and bytes, which is what {@link ExactStrings#write} writes for the string they decode to (it has no
     * unpaired surrogate), so again the bytes {@link #add} writes for the parser's event (tests compare the two).
     */
    void addAscii(long offset, byte[] b, int[] at, boolean query, boolean ascii) {
        if (readBack) {
            throw new IllegalStateException("a run read back takes no more events");
        }
        decoder = null; // a reading started before starts again over the new bytes
        int ys = at[2 * ContextEventParser.TYPE];
        int yn = at[2 * ContextEventParser.TYPE + 1] - ys;
        boolean same = ys >= 0 && hadType && typeLen == yn
                && Arrays.equals(typeBytes, 0, yn, b, ys, ys + yn);
        int es = at[2 * ContextEventParser.EXPECT];
        int ss = at[2 * ContextEventParser.TS];
        putLong(offset);
        putByte(TEXT | (ys >= 0 ? TYPE_FLAG : 0) | (es >= 0 ? EXPECT : 0) | (ss >= 0 ? TS : 0)
                | (query ? QUERY : 0) | (same ? SAME_TYPE : 0) | (ascii ? ASCII : 0));
        putSpan(b, at, ContextEventParser.TEXT);
        if (ys >= 0 && !same) {
            putSpan(b, at, ContextEventParser.TYPE);
            keepType(b, ys, yn);
        }
        if (es >= 0) {
            putSpan(b, at, ContextEventParser.EXPECT);
        }
        if (ss >= 0) {
            putSpan(b, at, ContextEventParser.TS);
        }
        hadType = ys >= 0;
        typeKnown = false;
        lastType = null;
        size++;
    }

    /** The encoded size {@link #addAscii} gives the event of {@code at}. */
    static int asciiBytes(int[] at) {
        int n = 9;
        for (int f = ContextEventParser.TEXT; f <= ContextEventParser.TS; f++) {
            if (at[2 * f] >= 0) {
                n += 4 + at[2 * f + 1] - at[2 * f];
            }
        }
        return n;
    }

    /** The last event's type, made from the bytes where {@link #addAscii} left it. */
    private String lastType() {
        if (!typeKnown) {
            // addAscii wrote or matched it: its UTF-8 bytes (ASCII where the event was; typeLen >= 0)
            lastType = hadType ? new String(typeBytes, 0, typeLen, StandardCharsets.UTF_8) : null;
            typeKnown = true;
        }
        return lastType;
    }

    /** The bytes of the type just written (for {@link #addAscii}'s comparison). */
    private void keepType(byte[] b, int from, int n) {
        if (typeBytes == null || typeBytes.length < n) {
            typeBytes = new byte[Math.max(16, n)];
        }
        System.arraycopy(b, from, typeBytes, 0, n);
        typeLen = n;
    }

    /** Largest chunk made for growth (a string longer than that gets a chunk of its size). */
    static final int CHUNK_MAX = 16 * 1024;

    /** The current chunk is full: it joins the full ones, and the next one has room for {@code n} bytes at least. */
    private void nextChunk(int n) {
        if (chunks == null) {
            chunks = new byte[4][];
        } else if (chunkCount == chunks.length) {
            chunks = Arrays.copyOf(chunks, 2 * chunkCount);
        }
        chunks[chunkCount++] = bytes;
        bytes = new byte[Math.max(n, Math.min(CHUNK_MAX, 2 * bytes.length))];
        pos = 0;
    }

    private void putByte(int v) {
        if (pos == bytes.length) {
            nextChunk(1);
        }
        bytes[pos++] = (byte) v;
        length++;
    }

    private void putInt(int v) {
        byte[] b = bytes;
        int k = pos;
        if (b.length - k < 4) {
            putByte(v >>> 24);
            putByte(v >>> 16);
            putByte(v >>> 8);
            putByte(v);
            return;
        }
        b[k] = (byte) (v >>> 24);
        b[k + 1] = (byte) (v >>> 16);
        b[k + 2] = (byte) (v >>> 8);
        b[k + 3] = (byte) v;
        pos = k + 4;
        length += 4;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    /** {@code b[from, from + n)}, across chunks where the current one has too little room. */
    private void putBytes(byte[] b, int from, int n) {
        int k = Math.min(n, bytes.length - pos);
        System.arraycopy(b, from, bytes, pos, k);
        pos += k;
        if (k < n) {
            nextChunk(n - k);
            System.arraycopy(b, from + k, bytes, 0, n - k);
            pos = n - k;
        }
        length += n;
    }

    /** Field {@code field} of the spans: its length and its bytes, as {@link #writeAscii} writes its string. */
    private void putSpan(byte[] b, int[] at, int field) {
        int s = at[2 * field];
        int n = at[2 * field + 1] - s;
        putInt(n);
        putBytes(b, s, n);
    }

    /** An ASCII string (or null: nothing) as {@link ExactStrings#write} writes it: its length, its bytes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
    private void writeAscii(String s) {
        if (s == null) {
            return;
        }
        int n = s.length();
        putInt(n);
        int k = Math.min(n, bytes.length - pos);
        s.getBytes(0, k, bytes, pos);
        pos += k;
        if (k < n) {
            nextChunk(n - k);
            s.getBytes(k, n, bytes, 0);
            pos = n - k;
        }
        length += n;
    }

    /** Each thread's buffer for {@link #writeExact}. */
    private static final ThreadLocal<DataOutputSerializer> SCRATCH =
            ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

    /** A string (or null: nothing) as {@link ExactStrings#write} writes it; returns the buffer it was written in. */
    private DataOutputSerializer writeExact(String s) {
        if (s == null) {
            return null;
        }
        DataOutputSerializer out = SCRATCH.get();
        out.clear();
        try {
            ExactStrings.write(s, out);
        } catch (IOException x) {
            throw new UncheckedIOException(x); // a growing in-memory buffer
        }
        putBytes(out.getSharedBuffer(), 0, out.length());
        if (out.getSharedBuffer().length > 1 << 16) {
            SCRATCH.remove(); // not kept larger after a very long text
        }
        return out;
    }

    /** The encoded events in one array, {@code [0, length)}: the chunks joined (once) where there are several. */
    private byte[] data() {
        if (chunkCount > 0) {
            byte[] all = new byte[length];
            int k = 0;
            for (int c = 0; c < chunkCount; c++) {
                System.arraycopy(chunks[c], 0, all, k, chunks[c].length);
                k += chunks[c].length;
            }
            System.arraycopy(bytes, 0, all, k, pos);
            bytes = all;
            pos = length;
            chunks = null;
            chunkCount = 0;
        }
        return bytes;
    }

    /** What {@link #writeAscii} wrote, read from the run's bytes. */
    private String readAscii() throws IOException {
        int n = decoder.readInt();
        int at = decoder.getPosition();
        if (n < 0 || at + n > length) {
            throw new IOException("corrupt run: a string of " + n + " bytes at " + at);
        }
        String s = new String(data(), at, n, StandardCharsets.ISO_8859_1);
        decoder.skipBytesToRead(n);
        return s;
    }

    /**
     * What {@link ExactStrings#write} wrote, as {@link ExactStrings#read} reads it, the UTF-8 form decoded straight
     * from the run's bytes (no array of its own between).
     */
    private String readExact() throws IOException {
        int n = decoder.readInt();
        if (n < 0) {
            char[] c = new char[-1 - n];
            for (int i = 0; i < c.length; i++) {
                c[i] = decoder.readChar();
            }
            return new String(c);
        }
        int at = decoder.getPosition();
        if (at + n > length) {
            throw new IOException("corrupt run: a string of " + n + " bytes at " + at);
        }
        String s = new String(data(), at, n, StandardCharsets.UTF_8);
        decoder.skipBytesToRead(n);
        return s;
    }

    /** Event {@code i}, as the parse step made it (decoded in order: in order, each is decoded once). */
    @Override
    public ContextEvent get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        try {
            if (decoder == null || i < next) {
                decoder = new DataInputDeserializer(data(), 0, length);
                next = 0;
                readType = null;
            }
            ContextEvent e = null;
            while (next <= i) {
                e = decode();
                next++;
            }
            return e;
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    private ContextEvent decode() throws IOException {
        ContextEvent e = new ContextEvent();
        e.user = user;
        e.topic = topic;
        e.partition = partition;
        e.offset = decoder.readLong();
        int f = decoder.readUnsignedByte();
        e.query = (f & QUERY) != 0;
        if ((f & ASCII) != 0) {
            e.ascii = true;
            e.text = (f & TEXT) != 0 ? readAscii() : null;
            e.type = (f & TYPE_FLAG) == 0 ? null : (f & SAME_TYPE) != 0 ? readType : readAscii();
            e.expect = (f & EXPECT) != 0 ? readAscii() : null;
            e.ts = (f & TS) != 0 ? readAscii() : null;
        } else {
            e.text = (f & TEXT) != 0 ? readExact() : null;
            e.type = (f & TYPE_FLAG) == 0 ? null : (f & SAME_TYPE) != 0 ? readType : readExact();
            e.expect = (f & EXPECT) != 0 ? readExact() : null;
            e.ts = (f & TS) != 0 ? readExact() : null;
        }
        readType = e.type;
        return e;
    }

    /** The user. */
    public String user() {
        return user;
    }

    /** Events held. */
    @Override
    public int size() {
        return size;
    }

    @Override
    public String toString() {
        return "ContextEventRun{" + user + ", " + size + " events from " + topic + "-" + partition + ", "
                + length + " bytes}";
    }

    /** The type information of {@link ContextEventRun} with its serializer. */
    public static final TypeInformation<ContextEventRun> TYPE = new SerializerTypeInfo<>(ContextEventRun.class,
            Serializer.INSTANCE);

    /**
     * The serializer: the run's {@link RecordRuns.Header} (the user as its key), the length of the encoded
     * events (int) and their bytes: per event its offset (long), a flags byte (bit 0..3: text, type, expect, ts
     * present; bit 4: query; bit 5: the type is the previous event's, not written; bit 6: the strings are ASCII,
     * read straight from the bytes) and the present strings
     * ({@link ExactStrings#write}). Records only: a run is in no state.
     */
    static final class Serializer extends RecordSerializer<ContextEventRun> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public ContextEventRun createInstance() {
            return new ContextEventRun(null, null, 0, 0, new byte[0], 0);
        }

        @Override
        public ContextEventRun copy(ContextEventRun from) {
            return new ContextEventRun(from.user, from.topic, from.partition, from.size,
                    Arrays.copyOf(from.data(), from.length), from.length);
        }

        @Override
        public void serialize(ContextEventRun r, DataOutputView out) throws IOException {
            RecordRuns.Header.write(out, r.user, r.topic, r.partition, r.size);
            out.writeInt(r.length);
            for (int c = 0; c < r.chunkCount; c++) {
                out.write(r.chunks[c]);
            }
            out.write(r.bytes, 0, r.pos);
        }

        @Override
        public ContextEventRun deserialize(DataInputView in) throws IOException {
            RecordRuns.Header h = RecordRuns.Header.read(in);
            byte[] b = new byte[in.readInt()];
            in.readFully(b);
            return new ContextEventRun(h.key(), h.topic(), h.partition(), h.size(), b, b.length);
        }

        @Override
        public TypeSerializerSnapshot<ContextEventRun> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ContextEventRun> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
