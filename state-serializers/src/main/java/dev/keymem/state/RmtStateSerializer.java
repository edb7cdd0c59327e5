package dev.keymem.state;

import dev.keymem.models.rmt.RmtState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for a Recurrent Memory Transformer per-key {@link RmtState}; see {@link StateFrame}. */
public final class RmtStateSerializer extends FramedSerializer<RmtState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<RmtState> piece() {
        return RmtStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<RmtState> newInstance() {
        return new RmtStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<RmtState> snapshotConfiguration() {
        RmtStateSerializerSnapshot s = new RmtStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link RmtStateSerializer}; public no-arg constructor for Flink's restore. */
    public static final class RmtStateSerializerSnapshot extends FramedSerializerSnapshot<RmtState> {

        public RmtStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<RmtState> piece() {
            return RmtStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<RmtState> currentSerializer() {
            return new RmtStateSerializer();
        }
    }
}
