package dev.keymem.jobs.context;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordRuns;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Consecutive events of one user (in the order the user's events came), from one topic and partition: what a
 * batch file run of the context job sends from its parse step to its keyed step instead of single
 * {@link ContextEvent}s (see {@link ContextEventRuns}), so that the exchange and the keyed step's sort handle one
 * record, one key and one topic string per run rather than per event. Its serializer ({@link #TYPE}) writes the
 * user and topic once and then each event's offset, flags and strings (as {@link ExactStrings#write} writes
 * them; an event's type that equals the previous event's is not written again).
 */
public final class ContextEventRun implements RecordRuns.Run<ContextEvent> {
    /** Per-event flag bits: which strings are present, the query flag, a type equal to the previous one. */
    private static final int TEXT = 1;
    private static final int TYPE_FLAG = 2;
    private static final int EXPECT = 4;
    private static final int TS = 8;
    private static final int QUERY = 16;
    private static final int SAME_TYPE = 32;

    /** The user of every event (the key). */
    String user;
    /** Topic (or file name) of every event; may be null. */
    String topic;
    /** Partition of every event. */
    int partition;
    /** Events held. */
    int size;
    long[] offsets;
    boolean[] queries;
    String[] texts;
    String[] types;
    String[] expects;
    String[] tss;

    ContextEventRun(String user, String topic, int partition, int capacity) {
        this.user = user;
        this.topic = topic;
        this.partition = partition;
        this.offsets = new long[capacity];
        this.queries = new boolean[capacity];
        this.texts = new String[capacity];
        this.types = new String[capacity];
        this.expects = new String[capacity];
        this.tss = new String[capacity];
    }

    /** Whether {@code e} may join this run (same user, topic and partition). */
    boolean accepts(ContextEvent e) {
        return e.partition == partition && Objects.equals(e.topic, topic) && Objects.equals(e.user, user);
    }

    void add(ContextEvent e) {
        if (size == offsets.length) {
            int n = Math.max(4, size * 2);
            offsets = Arrays.copyOf(offsets, n);
            queries = Arrays.copyOf(queries, n);
            texts = Arrays.copyOf(texts, n);
            types = Arrays.copyOf(types, n);
            expects = Arrays.copyOf(expects, n);
            tss = Arrays.copyOf(tss, n);
        }
        offsets[size] = e.offset;
        queries[size] = e.query;
        texts[size] = e.text;
        types[size] = e.type;
        expects[size] = e.expect;
        tss[size] = e.ts;
        size++;
    }

    /** Event {@code i}, as the parse step made it. */
    @Override
    public ContextEvent get(int i) {
        ContextEvent e = new ContextEvent();
        e.user = user;
        e.text = texts[i];
        e.type = types[i];
        e.query = queries[i];
        e.expect = expects[i];
        e.ts = tss[i];
        e.offset = offsets[i];
        e.topic = topic;
        e.partition = partition;
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
        return "ContextEventRun{" + user + ", " + size + " events from " + topic + "-" + partition + "@"
                + (size > 0 ? offsets[0] : -1) + "}";
    }

    /** The type information of {@link ContextEventRun} with its serializer. */
    public static final TypeInformation<ContextEventRun> TYPE = new SerializerTypeInfo<>(ContextEventRun.class,
            Serializer.INSTANCE);

    /**
     * The serializer: flags (bit 0: user present, bit 1: topic present), partition (int), events (int), the
     * present strings, then per event its offset (long), a flags byte (bit 0..3: text, type, expect, ts present;
     * bit 4: query; bit 5: the type is the previous event's, not written) and the present strings
     * ({@link ExactStrings#write}). Records only: a run is in no state.
     */
    static final class Serializer extends TypeSerializerSingleton<ContextEventRun> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return false;
        }

        @Override
        public ContextEventRun createInstance() {
            return new ContextEventRun(null, null, 0, 0);
        }

        @Override
        public ContextEventRun copy(ContextEventRun from) {
            ContextEventRun r = new ContextEventRun(from.user, from.topic, from.partition, 0);
            int n = from.size;
            r.size = n;
            r.offsets = Arrays.copyOf(from.offsets, n);
            r.queries = Arrays.copyOf(from.queries, n);
            r.texts = Arrays.copyOf(from.texts, n);
            r.types = Arrays.copyOf(from.types, n);
            r.expects = Arrays.copyOf(from.expects, n);
            r.tss = Arrays.copyOf(from.tss, n);
            return r;
        }

        @Override
        public ContextEventRun copy(ContextEventRun from, ContextEventRun reuse) {
            return copy(from);
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(ContextEventRun r, DataOutputView out) throws IOException {
            out.writeByte((r.user != null ? 1 : 0) | (r.topic != null ? 2 : 0));
            out.writeInt(r.partition);
            out.writeInt(r.size);
            ExactStrings.write(r.user, out);
            ExactStrings.write(r.topic, out);
            String lastType = null;
            for (int i = 0; i < r.size; i++) {
                String type = r.types[i];
                boolean same = type != null && type.equals(lastType);
                out.writeLong(r.offsets[i]);
                out.writeByte((r.texts[i] != null ? TEXT : 0) | (type != null ? TYPE_FLAG : 0)
                        | (r.expects[i] != null ? EXPECT : 0) | (r.tss[i] != null ? TS : 0)
                        | (r.queries[i] ? QUERY : 0) | (same ? SAME_TYPE : 0));
                ExactStrings.write(r.texts[i], out);
                if (!same) {
                    ExactStrings.write(type, out);
                }
                ExactStrings.write(r.expects[i], out);
                ExactStrings.write(r.tss[i], out);
                lastType = type;
            }
        }

        @Override
        public ContextEventRun deserialize(DataInputView in) throws IOException {
            int flags = in.readUnsignedByte();
            int partition = in.readInt();
            int n = in.readInt();
            String user = (flags & 1) != 0 ? ExactStrings.read(in) : null;
            String topic = (flags & 2) != 0 ? ExactStrings.read(in) : null;
            ContextEventRun r = new ContextEventRun(user, topic, partition, n);
            String lastType = null;
            for (int i = 0; i < n; i++) {
                r.offsets[i] = in.readLong();
                int f = in.readUnsignedByte();
                r.queries[i] = (f & QUERY) != 0;
                r.texts[i] = (f & TEXT) != 0 ? ExactStrings.read(in) : null;
                String type = (f & TYPE_FLAG) == 0 ? null : (f & SAME_TYPE) != 0 ? lastType : ExactStrings.read(in);
                r.types[i] = type;
                r.expects[i] = (f & EXPECT) != 0 ? ExactStrings.read(in) : null;
                r.tss[i] = (f & TS) != 0 ? ExactStrings.read(in) : null;
                lastType = type;
            }
            r.size = n;
            return r;
        }

        @Override
        public ContextEventRun deserialize(ContextEventRun reuse, DataInputView in) throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
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
