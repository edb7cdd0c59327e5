package dev.keymem.state;

import dev.keymem.models.bmojo.BmojoState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for a key's B'MOJO state; see {@link BmojoStatePiece}. */
public final class BmojoStateSerializer extends FramedSerializer<BmojoState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<BmojoState> piece() {
        return BmojoStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<BmojoState> newInstance() {
        return new BmojoStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<BmojoState> snapshotConfiguration() {
        BmojoStateSerializerSnapshot s = new BmojoStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link BmojoStateSerializer}. */
    public static final class BmojoStateSerializerSnapshot extends FramedSerializerSnapshot<BmojoState> {

        public BmojoStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<BmojoState> piece() {
            return BmojoStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<BmojoState> currentSerializer() {
            return new BmojoStateSerializer();
        }
    }
}
