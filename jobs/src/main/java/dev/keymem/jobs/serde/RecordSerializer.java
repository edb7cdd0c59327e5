package dev.keymem.jobs.serde;

import java.io.IOException;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What the jobs' record serializers share: a stateless serializer (one instance serves every use) of a mutable
 * record of variable length that never reuses an instance (copying into or reading into {@code reuse} makes a new
 * record). A subclass writes the format: {@link #createInstance}, {@link #copy(Object)}, {@link #serialize},
 * {@link #deserialize(DataInputView)} and {@link #snapshotConfiguration}; it may copy serialized bytes faster than
 * the default {@link #copy(DataInputView, DataOutputView)}, which reads the record and writes it again.
 *
 * @param <T> the record type
 */
@Internal
public abstract class RecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }
}
