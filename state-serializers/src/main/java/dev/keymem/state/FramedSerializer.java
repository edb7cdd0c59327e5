package dev.keymem.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A Flink {@link TypeSerializer} that writes each value as one checksummed {@link StateFrame}.
 * Subclasses only name their {@link StatePiece} and snapshot. Instances hold scratch buffers, so
 * {@link #duplicate()} returns a fresh instance (Flink gives each thread its own).
 */
public abstract class FramedSerializer<T> extends TypeSerializer<T> {

    private static final long serialVersionUID = 1L;

    private transient StateFrame<T> frame;

    /** The piece this serializer frames. */
    protected abstract StatePiece<T> piece();

    /** A fresh instance of the concrete serializer. */
    protected abstract FramedSerializer<T> newInstance();

    private StateFrame<T> frame() {
        if (frame == null) {
            frame = new StateFrame<>(piece());
        }
        return frame;
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<T> duplicate() {
        return newInstance();
    }

    @Override
    public T createInstance() {
        return piece().empty();
    }

    @Override
    public T copy(T from) {
        return piece().copy(from);
    }

    @Override
    public T copy(T from, T reuse) {
        return piece().copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(T record, DataOutputView target) throws IOException {
        frame().write(record, target);
    }

    /** Serializes and returns the number of bytes written (for state-size metrics). */
    public int serializeCounting(T record, DataOutputView target) throws IOException {
        return frame().write(record, target);
    }

    @Override
    public T deserialize(DataInputView source) throws IOException {
        return frame().read(source, null);
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return frame().read(source, reuse);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        frame().copy(source, target);
    }

    @Override
    public boolean equals(Object obj) {
        return obj != null && obj.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{piece=" + piece().name() + ", format=" + piece().currentFormat() + "}";
    }
}
