package dev.keymem.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of a {@link FramedSerializer}: records the piece code and the payload format the
 * serializer wrote when the checkpoint was taken.
 *
 * <p>Snapshot layout version 1: {@code byte pieceCode, byte payloadFormat}. Compatibility: every
 * frame carries its own payload format and the current readers accept all formats up to the
 * current one, so a snapshot of the same piece with a format &lt;= current is compatible as is
 * (old entries are read by the old-format reader and rewritten in the new format when next
 * written); a newer format, or another piece, is incompatible.
 */
public abstract class FramedSerializerSnapshot<T> implements TypeSerializerSnapshot<T> {

    /** The layout version of the snapshot itself (not of the payload). */
    public static final int SNAPSHOT_VERSION = 1;

    private int payloadFormat;

    /** For restore: Flink instantiates the subclass reflectively, then calls readSnapshot. */
    protected FramedSerializerSnapshot() {
        this.payloadFormat = -1;
    }

    /** The piece this snapshot describes. */
    protected abstract StatePiece<T> piece();

    /** The current serializer for the piece. */
    protected abstract FramedSerializer<T> currentSerializer();

    /** Sets the format for a snapshot taken of the current serializer. */
    protected void initCurrent() {
        this.payloadFormat = piece().currentFormat();
    }

    /** The payload format recorded (the current one for a fresh snapshot). */
    public int payloadFormat() {
        return payloadFormat < 0 ? piece().currentFormat() : payloadFormat;
    }

    @Override
    public int getCurrentVersion() {
        return SNAPSHOT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeByte(piece().code());
        out.writeByte(payloadFormat());
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != 1) {
            throw new IOException("cannot read a " + piece().name() + " serializer snapshot of version " + readVersion
                    + " (this build knows version 1 to " + SNAPSHOT_VERSION + ")");
        }
        int code = in.readUnsignedByte();
        if (code != piece().code()) {
            throw new IOException("serializer snapshot for " + piece().name() + " holds piece code " + code
                    + ", expected " + piece().code());
        }
        payloadFormat = in.readUnsignedByte();
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
        return currentSerializer();
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(TypeSerializerSnapshot<T> oldSnapshot) {
        if (oldSnapshot == null || oldSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int old = ((FramedSerializerSnapshot<T>) oldSnapshot).payloadFormat();
        if (old >= 1 && old <= piece().currentFormat()) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
