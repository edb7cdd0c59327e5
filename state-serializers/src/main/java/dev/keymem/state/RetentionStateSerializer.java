package dev.keymem.state;

import dev.keymem.models.retention.RetentionState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for a key's STR / CMP retention state; see {@link RetentionStatePiece}. */
public final class RetentionStateSerializer extends FramedSerializer<RetentionState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<RetentionState> piece() {
        return RetentionStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<RetentionState> newInstance() {
        return new RetentionStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<RetentionState> snapshotConfiguration() {
        RetentionStateSerializerSnapshot s = new RetentionStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link RetentionStateSerializer}. */
    public static final class RetentionStateSerializerSnapshot extends FramedSerializerSnapshot<RetentionState> {

        public RetentionStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<RetentionState> piece() {
            return RetentionStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<RetentionState> currentSerializer() {
            return new RetentionStateSerializer();
        }
    }
}
