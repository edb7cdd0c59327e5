package dev.keymem.jobs.context;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordRuns;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    /** Writing: the encoder (null once read back), and the type of the last event added. */
    private transient DataOutputSerializer encoder;
    private transient String lastType;
    /** Reading: the decoder, the index of the event it reads next, and the type of the event it read last. */
    private transient DataInputDeserializer decoder;
    private transient int next;
    private transient String readType;

    ContextEventRun(String user, String topic, int partition, int capacity) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.encoder = new DataOutputSerializer(Math.max(16, capacity * 96));
    }

    /** A run read back: {@code n} events encoded in {@code bytes[0, length)}. */
    private ContextEventRun(String user, String topic, int partition, int n, byte[] bytes, int length) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.size = n;
        this.bytes = bytes;
        this.length = length;
    }

    /** Whether {@code e} may join this run (same user, topic and partition). */
    @Override
    public boolean accepts(ContextEvent e) {
        return e.partition == partition && Objects.equals(e.topic, topic) && Objects.equals(e.user, user);
    }

    /** Appends {@code e} (its user, topic and partition are the run's). */
    @Override
    public void add(ContextEvent e) {
        if (encoder == null) {
            throw new IllegalStateException("a run read back takes no more events");
        }
        try {
            String type = e.type;
            boolean same = type != null && type.equals(lastType);
            encoder.writeLong(e.offset);
            encoder.writeByte((e.text != null ? TEXT : 0) | (type != null ? TYPE_FLAG : 0)
                    | (e.expect != null ? EXPECT : 0) | (e.ts != null ? TS : 0) | (e.query ? QUERY : 0)
                    | (same ? SAME_TYPE : 0) | (e.ascii ? ASCII : 0));
            if (e.ascii) {
                writeAscii(e.text);
                if (!same) {
                    writeAscii(type);
                }
                writeAscii(e.expect);
                writeAscii(e.ts);
            } else {
                ExactStrings.write(e.text, encoder);
                if (!same) {
                    ExactStrings.write(type, encoder);
                }
                ExactStrings.write(e.expect, encoder);
                ExactStrings.write(e.ts, encoder);
            }
            lastType = type;
        } catch (IOException x) {
            throw new UncheckedIOException(x); // a growing in-memory buffer
        }
        size++;
    }

    /** Each thread's buffer for {@link #writeAscii}. */
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[][] {new byte[256]});

    /** An ASCII string (or null: nothing) as {@link ExactStrings#write} writes it: its length, its bytes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
    private void writeAscii(String s) throws IOException {
        if (s == null) {
            return;
        }
        int n = s.length();
        byte[][] holder = SCRATCH.get();
        byte[] b = holder[0];
        if (b.length < n) {
            b = holder[0] = new byte[Math.max(n, b.length * 2)];
        }
        s.getBytes(0, n, b, 0);
        encoder.writeInt(n);
        encoder.write(b, 0, n);
        if (b.length > 1 << 16) {
            holder[0] = new byte[256]; // not kept larger after a very long text
        }
    }

    /** What {@link #writeAscii} wrote, read from the run's bytes. */
    private String readAscii() throws IOException {
        int n = decoder.readInt();
        int at = decoder.getPosition();
        if (n < 0 || at + n > dataLength()) {
            throw new IOException("corrupt run: a string of " + n + " bytes at " + at);
        }
        String s = new String(data(), at, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        decoder.skipBytesToRead(n);
        return s;
    }

    /** The encoded events' bytes (shared) and their length. */
    private byte[] data() {
        return encoder != null ? encoder.getSharedBuffer() : bytes;
    }

    private int dataLength() {
        return encoder != null ? encoder.length() : length;
    }

    /** Event {@code i}, as the parse step made it (decoded in order: in order, each is decoded once). */
    @Override
    public ContextEvent get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        try {
            if (decoder == null || i < next) {
                decoder = new DataInputDeserializer(data(), 0, dataLength());
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
                + dataLength() + " bytes}";
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
                    Arrays.copyOf(from.data(), from.dataLength()), from.dataLength());
        }

        @Override
        public void serialize(ContextEventRun r, DataOutputView out) throws IOException {
            RecordRuns.Header.write(out, r.user, r.topic, r.partition, r.size);
            out.writeInt(r.dataLength());
            out.write(r.data(), 0, r.dataLength());
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
