package dev.keymem.jobs.kafka;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer of {@link KafkaRecord} for the records of file runs (the file source's lines, records held by the
 * client), where the source hands each record to the chained parse step through a serializer copy.
 *
 * <p>{@link #copy} returns the record itself: a record of this type is not changed once it is made. Its sources
 * make a new record with a new value array for each line or element (the file source's {@code FileLineFormat},
 * Flink's collection source, which deserializes each element) and never touch it after emitting it, and the steps
 * it reaches read it only (the timestamp assigner; the parse steps, {@code ParseOrDeadLetter} with the jobs'
 * parsers and the jobs' {@code ParseGather} operators, decode or copy its bytes into new objects; a dead letter
 * shares its value array, which nobody changes either; docs/design/object-reuse.md has the audit, and
 * {@code LogLineRunsTest} and {@code ContextEventRunsTest} check it on the jobs' parse steps). So the copy Flink makes between chained
 * operators, a deep copy of the value (~20-30% of a file run's source thread), is not needed: Flink's own
 * serializers of immutable types (strings, boxed numbers) copy the same way. A step that would change a record
 * must make its own copy first.
 *
 * <p>Format: flags (bit 0..2: topic, key, value present; bit 3: a cut line's length follows), partition (int),
 * offset (long), timestamp (long), the topic ({@link ExactStrings#write}), the key and the value (length, bytes),
 * then {@link KafkaRecord#lineBytes} (long) where bit 3 is set; flag bits above 3 are refused ({@link #deserialize}
 * fails rather than read a later format misaligned). Bit 3 was added without a snapshot version: a record with it
 * is made only by the file source's reader ({@code FileLineFormat}, batch file runs, which take no checkpoints), so no
 * stored state holds one; a change that checkpoints such records, or cuts records of Kafka runs or the demo, must
 * version the {@link Snapshot}. Runs over Kafka keep the POJO
 * serializer ({@link KafkaIO}): their in-flight records may be in a checkpoint.
 */
public final class KafkaRecordSerializer extends RecordSerializer<KafkaRecord> {
    private static final long serialVersionUID = 1L;

    static final KafkaRecordSerializer INSTANCE = new KafkaRecordSerializer();

    /** The type information of {@link KafkaRecord} with this serializer. */
    public static final TypeInformation<KafkaRecord> TYPE = new SerializerTypeInfo<>(KafkaRecord.class, INSTANCE);

    private static final int TOPIC = 1;
    private static final int KEY = 2;
    private static final int VALUE = 4;
    private static final int CUT = 8;

    private KafkaRecordSerializer() {
    }

    @Override
    public KafkaRecord createInstance() {
        return new KafkaRecord();
    }

    /** {@code from} itself: records of this type are not changed once made (see the class comment). */
    @Override
    public KafkaRecord copy(KafkaRecord from) {
        return from;
    }

    @Override
    public void serialize(KafkaRecord r, DataOutputView out) throws IOException {
        out.writeByte((r.topic != null ? TOPIC : 0) | (r.key != null ? KEY : 0) | (r.value != null ? VALUE : 0)
                | (r.lineBytes >= 0 ? CUT : 0));
        out.writeInt(r.partition);
        out.writeLong(r.offset);
        out.writeLong(r.timestamp);
        ExactStrings.write(r.topic, out);
        bytes(r.key, out);
        bytes(r.value, out);
        if (r.lineBytes >= 0) {
            out.writeLong(r.lineBytes);
        }
    }

    private static void bytes(byte[] b, DataOutputView out) throws IOException {
        if (b != null) {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    @Override
    public KafkaRecord deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        if ((flags & ~(TOPIC | KEY | VALUE | CUT)) != 0) {
            throw new IOException("a KafkaRecord with unknown flags " + Integer.toBinaryString(flags)
                    + " (written by a later format?)");
        }
        KafkaRecord r = new KafkaRecord();
        r.partition = in.readInt();
        r.offset = in.readLong();
        r.timestamp = in.readLong();
        r.topic = (flags & TOPIC) != 0 ? ExactStrings.read(in) : null;
        r.key = (flags & KEY) != 0 ? bytes(in) : null;
        r.value = (flags & VALUE) != 0 ? bytes(in) : null;
        r.lineBytes = (flags & CUT) != 0 ? in.readLong() : -1;
        return r;
    }

    private static byte[] bytes(DataInputView in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return b;
    }

    @Override
    public TypeSerializerSnapshot<KafkaRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<KafkaRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
