package dev.keymem.jobs.context;

import static dev.keymem.jobs.logs.PendingLinePiece.getFloats;
import static dev.keymem.jobs.logs.PendingLinePiece.getString;
import static dev.keymem.jobs.logs.PendingLinePiece.putFloats;
import static dev.keymem.jobs.logs.PendingLinePiece.putString;

import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.FramedSerializer;
import dev.keymem.state.FramedSerializerSnapshot;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.StatePiece;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * The framed (checksummed) state pieces of the user context job besides the memory's own: a user's
 * stored events (MapState {@code events}, piece {@code StoredEvent}, code 22) and its event book
 * (ValueState {@code event-book}: oldest stored position and count, piece {@code EventBook}, code 23).
 * Entries written by release 0.1.0 (Flink's POJO and long[] serializers, unchecksummed) are migrated on
 * restore.
 */
public final class ContextStatePieces {
    private ContextStatePieces() {
    }

    /**
     * Format 1: {@code long position, offset; string text, type, ts; float[] vector} (strings as int UTF-8
     * length, -1 for null, then the bytes; the vector as int n, -1 for null, then n floats).
     */
    public static final class StoredEventPiece extends BaseStatePiece<StoredEvent> {
        public static final StoredEventPiece INSTANCE = new StoredEventPiece();

        private StoredEventPiece() {
            super("StoredEvent", 22, 1);
        }

        @Override
        public void write(StoredEvent e, PayloadWriter out) {
            out.putLong(e.position);
            out.putLong(e.offset);
            putString(out, e.text);
            putString(out, e.type);
            putString(out, e.ts);
            putFloats(out, e.vector);
        }

        @Override
        public StoredEvent read(int format, PayloadReader in, StoredEvent reuse) throws CorruptStateException {
            if (format != 1) {
                throw in.corrupt("unknown StoredEvent format " + format);
            }
            StoredEvent e = new StoredEvent();
            e.position = in.getLong("position");
            e.offset = in.getLong("offset");
            e.text = getString(in, "text");
            e.type = getString(in, "type");
            e.ts = getString(in, "ts");
            e.vector = getFloats(in, "vector");
            if (e.position < 0) {
                throw in.corrupt("negative position " + e.position);
            }
            return e;
        }

        @Override
        public StoredEvent copy(StoredEvent e) {
            StoredEvent c = new StoredEvent();
            c.position = e.position;
            c.offset = e.offset;
            c.text = e.text;
            c.type = e.type;
            c.ts = e.ts;
            c.vector = e.vector == null ? null : e.vector.clone();
            return c;
        }

        @Override
        public StoredEvent empty() {
            return new StoredEvent();
        }
    }

    /** Format 1: {@code long oldest stored position, long count} (both >= 0). */
    public static final class EventBookPiece extends BaseStatePiece<long[]> {
        public static final EventBookPiece INSTANCE = new EventBookPiece();

        private EventBookPiece() {
            super("EventBook", 23, 1);
        }

        @Override
        public void write(long[] b, PayloadWriter out) {
            out.putLong(b[0]);
            out.putLong(b[1]);
        }

        @Override
        public long[] read(int format, PayloadReader in, long[] reuse) throws CorruptStateException {
            if (format != 1) {
                throw in.corrupt("unknown EventBook format " + format);
            }
            long[] b = {in.getLong("oldest"), in.getLong("count")};
            if (b[0] < 0 || b[1] < 0) {
                throw in.corrupt("negative oldest position or count: " + b[0] + ", " + b[1]);
            }
            return b;
        }

        @Override
        public long[] copy(long[] b) {
            return b.clone();
        }

        @Override
        public long[] empty() {
            return new long[2];
        }
    }

    /** Serializer of stored events. */
    public static final class StoredEventSerializer extends FramedSerializer<StoredEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        protected StatePiece<StoredEvent> piece() {
            return StoredEventPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<StoredEvent> newInstance() {
            return new StoredEventSerializer();
        }

        @Override
        public TypeSerializerSnapshot<StoredEvent> snapshotConfiguration() {
            StoredEventSnapshot s = new StoredEventSnapshot();
            s.init();
            return s;
        }
    }

    /** Snapshot of {@link StoredEventSerializer}; migrates the POJO entries of release 0.1.0. */
    public static final class StoredEventSnapshot extends FramedSerializerSnapshot<StoredEvent> {
        public StoredEventSnapshot() {
        }

        void init() {
            initCurrent();
        }

        @Override
        protected StatePiece<StoredEvent> piece() {
            return StoredEventPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<StoredEvent> currentSerializer() {
            return new StoredEventSerializer();
        }

        @Override
        public TypeSerializerSchemaCompatibility<StoredEvent> resolveSchemaCompatibility(
                TypeSerializerSnapshot<StoredEvent> oldSnapshot) {
            if (oldSnapshot instanceof PojoSerializerSnapshot) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }

    /** Serializer of the event book. */
    public static final class EventBookSerializer extends FramedSerializer<long[]> {
        private static final long serialVersionUID = 1L;

        @Override
        protected StatePiece<long[]> piece() {
            return EventBookPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<long[]> newInstance() {
            return new EventBookSerializer();
        }

        @Override
        public TypeSerializerSnapshot<long[]> snapshotConfiguration() {
            EventBookSnapshot s = new EventBookSnapshot();
            s.init();
            return s;
        }
    }

    /** Snapshot of {@link EventBookSerializer}; migrates the long[] entries of release 0.1.0. */
    public static final class EventBookSnapshot extends FramedSerializerSnapshot<long[]> {
        public EventBookSnapshot() {
        }

        void init() {
            initCurrent();
        }

        @Override
        protected StatePiece<long[]> piece() {
            return EventBookPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<long[]> currentSerializer() {
            return new EventBookSerializer();
        }

        @Override
        public TypeSerializerSchemaCompatibility<long[]> resolveSchemaCompatibility(
                TypeSerializerSnapshot<long[]> oldSnapshot) {
            if (oldSnapshot != null && oldSnapshot.restoreSerializer() instanceof LongPrimitiveArraySerializer) {
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            return super.resolveSchemaCompatibility(oldSnapshot);
        }
    }
}
