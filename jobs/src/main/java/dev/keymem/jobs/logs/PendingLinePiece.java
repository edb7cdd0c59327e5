package dev.keymem.jobs.logs;

import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.FramedSerializer;
import dev.keymem.state.FramedSerializerSnapshot;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.StatePiece;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * Payload of one pending line of the log summarization job ({@link SourceMemory.PendingLine}, MapState
 * {@code pending-lines}; piece code 21). Format 1:
 *
 * <pre>
 *   long   position, offset, timestamp
 *   float  innovation
 *   string text, template           (int UTF-8 length, -1 for null; the bytes)
 *   float[] vector                  (int n; n floats; n = -1 for null)
 * </pre>
 * Entries written by release 0.1.0 (Flink's POJO serializer, unchecksummed) are migrated on restore:
 * the serializer snapshot declares them compatible after migration.
 */
public final class PendingLinePiece extends BaseStatePiece<SourceMemory.PendingLine> {
    public static final PendingLinePiece INSTANCE = new PendingLinePiece();
    public static final int CODE = 21;
    public static final int FORMAT = 1;

    private PendingLinePiece() {
        super("PendingLine", CODE, FORMAT);
    }

    @Override
    public void write(SourceMemory.PendingLine l, PayloadWriter out) {
        out.putLong(l.position);
        out.putLong(l.offset);
        out.putLong(l.timestamp);
        out.putFloat(l.innovation);
        putString(out, l.text);
        putString(out, l.template);
        putFloats(out, l.vector);
    }

    @Override
    public SourceMemory.PendingLine read(int format, PayloadReader in, SourceMemory.PendingLine reuse)
            throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown PendingLine format " + format);
        }
        SourceMemory.PendingLine l = new SourceMemory.PendingLine();
        l.position = in.getLong("position");
        l.offset = in.getLong("offset");
        l.timestamp = in.getLong("timestamp");
        l.innovation = in.getFloat("innovation");
        l.text = getString(in, "text");
        l.template = getString(in, "template");
        l.vector = getFloats(in, "vector");
        if (l.position < 0) {
            throw in.corrupt("negative position " + l.position);
        }
        return l;
    }

    @Override
    public SourceMemory.PendingLine copy(SourceMemory.PendingLine l) {
        SourceMemory.PendingLine c = new SourceMemory.PendingLine();
        c.position = l.position;
        c.offset = l.offset;
        c.timestamp = l.timestamp;
        c.innovation = l.innovation;
        c.text = l.text;
        c.template = l.template;
        c.vector = l.vector == null ? null : l.vector.clone();
        return c;
    }

    @Override
    public SourceMemory.PendingLine empty() {
        return new SourceMemory.PendingLine();
    }

    /** Writes a nullable string: int UTF-8 length (-1 for null), then the bytes. */
    public static void putString(PayloadWriter out, String s) {
        if (s == null) {
            out.putInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(b.length);
        out.putBytes(b, 0, b.length);
    }

    /** Reads what {@link #putString} wrote. */
    public static String getString(PayloadReader in, String what) throws CorruptStateException {
        int n = in.getInt(what + " length");
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.remaining()) {
            throw in.corrupt("impossible length " + n + " of " + what + " (" + in.remaining() + " bytes left)");
        }
        byte[] b = new byte[n];
        in.getBytes(b, 0, n, what);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Writes a nullable float array: int n (-1 for null), then n floats. */
    public static void putFloats(PayloadWriter out, float[] a) {
        if (a == null) {
            out.putInt(-1);
        } else {
            out.putFloatArray(a);
        }
    }

    /** Reads what {@link #putFloats} wrote. */
    public static float[] getFloats(PayloadReader in, String what) throws CorruptStateException {
        int n = in.getInt(what + " length");
        if (n == -1) {
            return null;
        }
        if (n < 0 || 4L * n > in.remaining()) {
            throw in.corrupt("impossible length " + n + " of " + what);
        }
        float[] a = new float[n];
        in.getFloats(a, 0, n, what);
        return a;
    }

    /** The Flink serializer of pending lines. */
    public static final class Serializer extends FramedSerializer<SourceMemory.PendingLine> {
        private static final long serialVersionUID = 1L;

        @Override
        protected StatePiece<SourceMemory.PendingLine> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<SourceMemory.PendingLine> newInstance() {
            return new Serializer();
        }

        @Override
        public TypeSerializerSnapshot<SourceMemory.PendingLine> snapshotConfiguration() {
            Snapshot s = new Snapshot();
            s.init();
            return s;
        }
    }

    /** Snapshot of {@link Serializer}; migrates the POJO entries of release 0.1.0. */
    public static final class Snapshot extends FramedSerializerSnapshot<SourceMemory.PendingLine> {
        public Snapshot() {
        }

        void init() {
            initCurrent();
        }

        @Override
        protected StatePiece<SourceMemory.PendingLine> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<SourceMemory.PendingLine> currentSerializer() {
            return new Serializer();
        }

        @Override
        public TypeSerializerSchemaCompatibility<SourceMemory.PendingLine> resolveSchemaCompatibility(
                TypeSerializerSnapshot<SourceMemory.PendingLine> oldSnapshot) {
            if (oldSnapshot instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }
}
