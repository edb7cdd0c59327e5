package dev.keymem.jobs.logs;

import dev.keymem.jobs.serde.ExactStrings;
import dev.keymem.jobs.serde.RecordSerializer;
import dev.keymem.jobs.serde.SerializerTypeInfo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The serializer of {@link JobOutput}, the jobs' results and dead letters on their way from the keyed step to the
 * results file, the collect sink or the Kafka sinks.
 *
 * <p>{@link #copy} returns the output itself: an output is not changed once it is emitted. The steps that make
 * one ({@code LogSummaryFunction}, {@code ContextAnswers}, {@code UserContextFunction}, {@code DeadLetterOutput},
 * {@code GuardedKeyedFunction}'s bounding, which passes one on unchanged or makes a new one) never touch it after
 * emitting it, and the steps it reaches read it only (the file writers write its JSON at once, the collect sink
 * serializes it, the Kafka sinks' filters and writers read kind, key and JSON; docs/design/object-reuse.md has the
 * audit). So the copy Flink makes between chained operators (Flink's {@code PojoSerializer.copy}: a new instance
 * and each field by reflection) is not needed, as for Flink's own serializers of immutable types. A step that
 * would change an output must make its own copy first. The byte count a writer kept ({@link JobOutput#counted})
 * travels with the instance, so it survives this copy; it is no field of the format.
 *
 * <p>Format: flags (bits 0..1: the kind, 0 none, 1 {@link JobOutput#RESULT}, 2 {@link JobOutput#DEAD_LETTER}, 3
 * another kind, written after the flags; bit 2: a key follows; bit 3: a JSON text follows), then the strings
 * present ({@link ExactStrings#write}: every string comes back char for char); flag bits above 3 are refused.
 * Records only: a {@link JobOutput} is in no state.
 */
@Internal
public final class JobOutputSerializer extends RecordSerializer<JobOutput> {
    private static final long serialVersionUID = 1L;

    public static final JobOutputSerializer INSTANCE = new JobOutputSerializer();

    /** The type information of {@link JobOutput} with this serializer. */
    public static final TypeInformation<JobOutput> TYPE = new SerializerTypeInfo<>(JobOutput.class, INSTANCE);

    private static final int KIND_MASK = 3;
    private static final int RESULT = 1;
    private static final int DEAD_LETTER = 2;
    private static final int OTHER_KIND = 3;
    private static final int KEY = 4;
    private static final int JSON = 8;

    private JobOutputSerializer() {
    }

    @Override
    public JobOutput createInstance() {
        return new JobOutput();
    }

    /** {@code from} itself: outputs are not changed once emitted (see the class comment). */
    @Override
    public JobOutput copy(JobOutput from) {
        return from;
    }

    @Override
    public void serialize(JobOutput o, DataOutputView out) throws IOException {
        int kind = kindCode(o.kind);
        out.writeByte(kind | (o.key != null ? KEY : 0) | (o.json != null ? JSON : 0));
        if (kind == OTHER_KIND) {
            ExactStrings.write(o.kind, out);
        }
        ExactStrings.write(o.key, out);
        ExactStrings.write(o.json, out);
    }

    private static int kindCode(String kind) {
        if (kind == null) {
            return 0;
        }
        if (kind.equals(JobOutput.RESULT)) {
            return RESULT;
        }
        return kind.equals(JobOutput.DEAD_LETTER) ? DEAD_LETTER : OTHER_KIND;
    }

    @Override
    public JobOutput deserialize(DataInputView in) throws IOException {
        int flags = flags(in);
        String kind = switch (flags & KIND_MASK) {
            case RESULT -> JobOutput.RESULT;
            case DEAD_LETTER -> JobOutput.DEAD_LETTER;
            case OTHER_KIND -> ExactStrings.read(in);
            default -> null;
        };
        String key = (flags & KEY) != 0 ? ExactStrings.read(in) : null;
        String json = (flags & JSON) != 0 ? ExactStrings.read(in) : null;
        return new JobOutput(kind, key, json);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int flags = flags(in);
        out.writeByte(flags);
        if ((flags & KIND_MASK) == OTHER_KIND) {
            ExactStrings.copy(in, out);
        }
        for (int bit = KEY; bit <= JSON; bit <<= 1) {
            if ((flags & bit) != 0) {
                ExactStrings.copy(in, out);
            }
        }
    }

    private static int flags(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        if ((flags & ~(KIND_MASK | KEY | JSON)) != 0) {
            throw new IOException("a JobOutput with unknown flags " + Integer.toBinaryString(flags)
                    + " (written by a later format?)");
        }
        return flags;
    }

    @Override
    public TypeSerializerSnapshot<JobOutput> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Gives {@link #TYPE} where a job asks {@code TypeInformation.of(JobOutput.class)}. */
    public static final class TypeFactory extends TypeInfoFactory<JobOutput> {
        @Override
        public TypeInformation<JobOutput> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    /** The serializer's snapshot (no configuration). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<JobOutput> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
