package dev.keymem.jobs.context;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link ContextEvent} between the parse step and the keyed step (and in a batch run's sort):
 * the strings as UTF-8 byte runs (a bulk encode and decode, where Flink's POJO serializer writes and reads a
 * string one character at a time), a flags byte for the absent ones and the query flag. Format: flags (bit 0..5:
 * user, text, type, expect, ts, topic present; bit 6: query), offset (long), partition (int), then each present
 * string as its UTF-8 length (int) and bytes. Unpaired surrogates, which UTF-8 cannot carry, go as the UTF-16
 * chars instead (length -1 - chars, then the chars), so every string comes back as it was sent. Records only:
 * ContextEvent is in no keyed state.
 */
public final class ContextEventSerializer extends TypeSerializer<ContextEvent> {
    private static final long serialVersionUID = 1L;

    public static final ContextEventSerializer INSTANCE = new ContextEventSerializer();

    /** The type information of {@link ContextEvent} with this serializer. */
    public static final TypeInformation<ContextEvent> TYPE = new Type();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ContextEvent> duplicate() {
        return this;
    }

    @Override
    public ContextEvent createInstance() {
        return new ContextEvent();
    }

    @Override
    public ContextEvent copy(ContextEvent from) {
        ContextEvent e = new ContextEvent();
        e.user = from.user;
        e.text = from.text;
        e.type = from.type;
        e.query = from.query;
        e.expect = from.expect;
        e.ts = from.ts;
        e.offset = from.offset;
        e.topic = from.topic;
        e.partition = from.partition;
        return e;
    }

    @Override
    public ContextEvent copy(ContextEvent from, ContextEvent reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ContextEvent e, DataOutputView out) throws IOException {
        int flags = (e.user != null ? 1 : 0) | (e.text != null ? 2 : 0) | (e.type != null ? 4 : 0)
                | (e.expect != null ? 8 : 0) | (e.ts != null ? 16 : 0) | (e.topic != null ? 32 : 0) | (e.query ? 64 : 0);
        out.writeByte(flags);
        out.writeLong(e.offset);
        out.writeInt(e.partition);
        write(e.user, out);
        write(e.text, out);
        write(e.type, out);
        write(e.expect, out);
        write(e.ts, out);
        write(e.topic, out);
    }

    private static void write(String s, DataOutputView out) throws IOException {
        if (s == null) {
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (replaced(b) && !utf8Safe(s)) {
            out.writeInt(-1 - s.length());
            for (int i = 0; i < s.length(); i++) {
                out.writeChar(s.charAt(i));
            }
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    /** Whether the encoding may have replaced something: UTF-8 encoding writes '?' for an unpaired surrogate. */
    private static boolean replaced(byte[] b) {
        for (byte x : b) {
            if (x == '?') {
                return true;
            }
        }
        return false;
    }

    /** False when {@code s} holds an unpaired surrogate (UTF-8 would replace it). */
    private static boolean utf8Safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public ContextEvent deserialize(DataInputView in) throws IOException {
        ContextEvent e = new ContextEvent();
        int flags = in.readUnsignedByte();
        e.offset = in.readLong();
        e.partition = in.readInt();
        e.query = (flags & 64) != 0;
        e.user = (flags & 1) != 0 ? read(in) : null;
        e.text = (flags & 2) != 0 ? read(in) : null;
        e.type = (flags & 4) != 0 ? read(in) : null;
        e.expect = (flags & 8) != 0 ? read(in) : null;
        e.ts = (flags & 16) != 0 ? read(in) : null;
        e.topic = (flags & 32) != 0 ? read(in) : null;
        return e;
    }

    private static String read(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            char[] c = new char[-1 - n];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.readChar();
            }
            return new String(c);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public ContextEvent deserialize(ContextEvent reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ContextEventSerializer;
    }

    @Override
    public int hashCode() {
        return ContextEventSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ContextEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ContextEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** {@link ContextEvent}'s type with {@link ContextEventSerializer}. */
    private static final class Type extends TypeInformation<ContextEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<ContextEvent> getTypeClass() {
            return ContextEvent.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<ContextEvent> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }

        @Override
        public String toString() {
            return "ContextEvent";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Type;
        }

        @Override
        public int hashCode() {
            return Type.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof Type;
        }
    }
}
