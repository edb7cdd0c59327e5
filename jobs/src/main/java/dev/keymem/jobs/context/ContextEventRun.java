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
 * gather step holds one growing byte array per open run rather than a graph of objects per event (which the
 * young collections would copy while the run waits), and the exchange and the sort copy bytes; the keyed step
 * decodes each event when it takes it ({@link #get}).
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
    /** The events, encoded: {@code bytes[0, length)}. */
    private byte[] bytes;
    private int length;
    /** A run read back (by its serializer) takes no more events. */
    private final boolean readBack;
    /**
     * Writing: the type of the last event added ({@code lastType}, null where it had none) where
     * {@code typeKnown}, else (after {@link #addAscii}) made from the bytes when {@link #add} needs it; whether
     * the last event had a type, and where the bytes of the last type written are ({@code typeLen} -1: written as
     * chars, an unpaired surrogate in it).
     */
    private transient String lastType;
    private transient boolean typeKnown = true;
    private transient boolean hadType;
    private transient int typeAt;
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
        this.bytes = new byte[Math.max(32, capacity)];
        this.readBack = false;
    }

    /** A run read back: {@code n} events encoded in {@code bytes[0, length)}. */
    private ContextEventRun(String user, String topic, int partition, int n, byte[] bytes, int length) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.size = n;
        this.bytes = bytes;
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
                typeAt = length - type.length();
                typeLen = type.length();
            }
            writeAscii(e.expect);
            writeAscii(e.ts);
        } else {
            writeExact(e.text);
            if (!same && type != null) {
                int at = length;
                writeExact(type);
                int n = readInt(at);
                typeAt = at + 4;
                typeLen = n >= 0 ? n : -1;
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
        if (readBack) {
            throw new IllegalStateException("a run read back takes no more events");
        }
        int ys = at[2 * ContextEventParser.TYPE];
        int yn = at[2 * ContextEventParser.TYPE + 1] - ys;
        boolean same = ys >= 0 && hadType && typeLen == yn
                && Arrays.equals(bytes, typeAt, typeAt + yn, b, ys, ys + yn);
        int es = at[2 * ContextEventParser.EXPECT];
        int ss = at[2 * ContextEventParser.TS];
        putLong(offset);
        putByte(TEXT | (ys >= 0 ? TYPE_FLAG : 0) | (es >= 0 ? EXPECT : 0) | (ss >= 0 ? TS : 0)
                | (query ? QUERY : 0) | (same ? SAME_TYPE : 0) | ASCII);
        putSpan(b, at, ContextEventParser.TEXT);
        if (ys >= 0 && !same) {
            putSpan(b, at, ContextEventParser.TYPE);
            typeAt = length - yn;
            typeLen = yn;
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
            // addAscii wrote or matched it: its ASCII bytes (typeLen >= 0)
            lastType = hadType ? new String(bytes, typeAt, typeLen, StandardCharsets.ISO_8859_1) : null;
            typeKnown = true;
        }
        return lastType;
    }

    /** Room for {@code n} more bytes: the buffer doubled, or more where {@code n} needs it. */
    private void room(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, 2 * bytes.length));
        }
    }

    private void putByte(int v) {
        room(1);
        bytes[length++] = (byte) v;
    }

    private void putInt(int v) {
        room(4);
        byte[] b = bytes;
        int k = length;
        b[k] = (byte) (v >>> 24);
        b[k + 1] = (byte) (v >>> 16);
        b[k + 2] = (byte) (v >>> 8);
        b[k + 3] = (byte) v;
        length = k + 4;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    private int readInt(int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
                | (bytes[at + 3] & 0xFF);
    }

    /** Field {@code field} of the spans: its length and its bytes, as {@link #writeAscii} writes its string. */
    private void putSpan(byte[] b, int[] at, int field) {
        int s = at[2 * field];
        int n = at[2 * field + 1] - s;
        putInt(n);
        room(n);
        System.arraycopy(b, s, bytes, length, n);
        length += n;
    }

    /** An ASCII string (or null: nothing) as {@link ExactStrings#write} writes it: its length, its bytes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
    private void writeAscii(String s) {
        if (s == null) {
            return;
        }
        int n = s.length();
        putInt(n);
        room(n);
        s.getBytes(0, n, bytes, length);
        length += n;
    }

    /** Each thread's buffer for {@link #writeExact}. */
    private static final ThreadLocal<DataOutputSerializer> SCRATCH =
            ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

    /** A string (or null: nothing) as {@link ExactStrings#write} writes it. */
    private void writeExact(String s) {
        if (s == null) {
            return;
        }
        DataOutputSerializer out = SCRATCH.get();
        out.clear();
        try {
            ExactStrings.write(s, out);
        } catch (IOException x) {
            throw new UncheckedIOException(x); // a growing in-memory buffer
        }
        int n = out.length();
        room(n);
        System.arraycopy(out.getSharedBuffer(), 0, bytes, length, n);
        length += n;
        if (out.getSharedBuffer().length > 1 << 16) {
            SCRATCH.remove(); // not kept larger after a very long text
        }
    }

    /** What {@link #writeAscii} wrote, read from the run's bytes. */
    private String readAscii() throws IOException {
        int n = decoder.readInt();
        int at = decoder.getPosition();
        if (n < 0 || at + n > length) {
            throw new IOException("corrupt run: a string of " + n + " bytes at " + at);
        }
        String s = new String(bytes, at, n, StandardCharsets.ISO_8859_1);
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
                decoder = new DataInputDeserializer(bytes, 0, length);
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
            e.text = (f & TEXT) != 0 ? ExactStrings.read(decoder) : null;
            e.type = (f & TYPE_FLAG) == 0 ? null : (f & SAME_TYPE) != 0 ? readType : ExactStrings.read(decoder);
            e.expect = (f & EXPECT) != 0 ? ExactStrings.read(decoder) : null;
            e.ts = (f & TS) != 0 ? ExactStrings.read(decoder) : null;
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
                    Arrays.copyOf(from.bytes, from.length), from.length);
        }

        @Override
        public void serialize(ContextEventRun r, DataOutputView out) throws IOException {
            RecordRuns.Header.write(out, r.user, r.topic, r.partition, r.size);
            out.writeInt(r.length);
            out.write(r.bytes, 0, r.length);
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
