package dev.keymem.jobs.context;

import java.io.IOException;
import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
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
public final class ContextEventSerializer extends RecordSerializer<ContextEvent> {
    private static final long serialVersionUID = 1L;

    public static final ContextEventSerializer INSTANCE = new ContextEventSerializer();

    /** The type information of {@link ContextEvent} with this serializer. */
    public static final TypeInformation<ContextEvent> TYPE = new SerializerTypeInfo<>(ContextEvent.class, INSTANCE);

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
        e.ascii = from.ascii;
        return e;
    }

    @Override
    public void serialize(ContextEvent e, DataOutputView out) throws IOException {
        int flags = (e.user != null ? 1 : 0) | (e.text != null ? 2 : 0) | (e.type != null ? 4 : 0)
                | (e.expect != null ? 8 : 0) | (e.ts != null ? 16 : 0) | (e.topic != null ? 32 : 0) | (e.query ? 64 : 0);
        out.writeByte(flags);
        out.writeLong(e.offset);
        out.writeInt(e.partition);
        ExactStrings.write(e.user, out);
        ExactStrings.write(e.text, out);
        ExactStrings.write(e.type, out);
        ExactStrings.write(e.expect, out);
        ExactStrings.write(e.ts, out);
        ExactStrings.write(e.topic, out);
    }

    @Override
    public ContextEvent deserialize(DataInputView in) throws IOException {
        ContextEvent e = new ContextEvent();
        int flags = in.readUnsignedByte();
        e.offset = in.readLong();
        e.partition = in.readInt();
        e.query = (flags & 64) != 0;
        e.user = (flags & 1) != 0 ? ExactStrings.read(in) : null;
        e.text = (flags & 2) != 0 ? ExactStrings.read(in) : null;
        e.type = (flags & 4) != 0 ? ExactStrings.read(in) : null;
        e.expect = (flags & 8) != 0 ? ExactStrings.read(in) : null;
        e.ts = (flags & 16) != 0 ? ExactStrings.read(in) : null;
        e.topic = (flags & 32) != 0 ? ExactStrings.read(in) : null;
        return e;
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
}
