package dev.keymem.jobs.kafka;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import dev.keymem.operators.DeadLetter;
import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer of {@link DeadLetter} for the jobs' dead-letter side output ({@link KafkaIO#DEAD_LETTERS}), in place
 * of Flink's POJO serializer. Why our own: the POJO type information costs every run's start-up ~30 ms of the main
 * thread before the first record (the type extraction's reflection over {@link DeadLetter} in {@code KafkaIO}'s
 * class initialization, and the Java serialization of its {@code PojoField}s, each a {@code java.lang.reflect.Field},
 * when the job's side output is checked for serializability; docs/benchmarks.md, "Start-up, round 15"). Dead
 * letters travel only between operators: no job keeps them in state, the side output is chained to the operator
 * that makes it, and the jobs' own settings keep checkpoints aligned, so no checkpoint holds one in flight and the
 * format can change with the code. A deployment that turns on unaligned checkpoints in its Flink configuration and
 * breaks that chain could put dead letters in flight into a checkpoint; a restore across a change of this format
 * would then fail in {@link #deserialize} (its flags check) or read wrong fields.
 *
 * <p>{@link #copy} is a deep copy, as the POJO serializer's: a new dead letter with the same fields and its own copy
 * of the value bytes.
 *
 * <p>Format: flags (bits 0..3: key, reason, topic, value present; other bits are refused by {@link #deserialize}),
 * position (long), tokens (int), partition (int), offset (long), timestamp (long), then the key, the reason and the
 * topic present ({@link ExactStrings#write}), then the value (length, bytes).
 */
@Internal
public final class DeadLetterSerializer extends RecordSerializer<DeadLetter> {
    private static final long serialVersionUID = 1L;

    static final DeadLetterSerializer INSTANCE = new DeadLetterSerializer();

    /** The type information of {@link DeadLetter} with this serializer. */
    public static final TypeInformation<DeadLetter> TYPE = new SerializerTypeInfo<>(DeadLetter.class, INSTANCE);

    private static final int KEY = 1;
    private static final int REASON = 2;
    private static final int TOPIC = 4;
    private static final int VALUE = 8;

    private DeadLetterSerializer() {
    }

    @Override
    public DeadLetter createInstance() {
        return new DeadLetter();
    }

    @Override
    public DeadLetter copy(DeadLetter from) {
        DeadLetter d = new DeadLetter();
        d.key = from.key;
        d.position = from.position;
        d.tokens = from.tokens;
        d.reason = from.reason;
        d.topic = from.topic;
        d.partition = from.partition;
        d.offset = from.offset;
        d.timestamp = from.timestamp;
        d.value = from.value == null ? null : from.value.clone();
        return d;
    }

    @Override
    public void serialize(DeadLetter d, DataOutputView out) throws IOException {
        out.writeByte((d.key != null ? KEY : 0) | (d.reason != null ? REASON : 0) | (d.topic != null ? TOPIC : 0)
                | (d.value != null ? VALUE : 0));
        out.writeLong(d.position);
        out.writeInt(d.tokens);
        out.writeInt(d.partition);
        out.writeLong(d.offset);
        out.writeLong(d.timestamp);
        ExactStrings.write(d.key, out);
        ExactStrings.write(d.reason, out);
        ExactStrings.write(d.topic, out);
        if (d.value != null) {
            out.writeInt(d.value.length);
            out.write(d.value);
        }
    }

    @Override
    public DeadLetter deserialize(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        if ((flags & ~(KEY | REASON | TOPIC | VALUE)) != 0) {
            throw new IOException("a DeadLetter with unknown flags " + Integer.toBinaryString(flags)
                    + " (written by a later format?)");
        }
        DeadLetter d = new DeadLetter();
        d.position = in.readLong();
        d.tokens = in.readInt();
        d.partition = in.readInt();
        d.offset = in.readLong();
        d.timestamp = in.readLong();
        d.key = (flags & KEY) != 0 ? ExactStrings.read(in) : null;
        d.reason = (flags & REASON) != 0 ? ExactStrings.read(in) : null;
        d.topic = (flags & TOPIC) != 0 ? ExactStrings.read(in) : null;
        if ((flags & VALUE) != 0) {
            d.value = new byte[in.readInt()];
            in.readFully(d.value);
        }
        return d;
    }

    @Override
    public TypeSerializerSnapshot<DeadLetter> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<DeadLetter> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
