package dev.keymem.jobs.logs.mining;

import dev.keymem.state.FramedSerializer;
import dev.keymem.state.FramedSerializerSnapshot;
import dev.keymem.state.StatePiece;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of a source's {@link MinerState} (versioned, checksummed frames); see {@link MinerStatePiece}. */
public final class MinerStateSerializer extends FramedSerializer<MinerState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<MinerState> piece() {
        return MinerStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<MinerState> newInstance() {
        return new MinerStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<MinerState> snapshotConfiguration() {
        return MinerStateSerializerSnapshot.current();
    }

    /** Snapshot of {@link MinerStateSerializer}. */
    public static final class MinerStateSerializerSnapshot extends FramedSerializerSnapshot<MinerState> {

        public MinerStateSerializerSnapshot() {
        }

        static MinerStateSerializerSnapshot current() {
            MinerStateSerializerSnapshot s = new MinerStateSerializerSnapshot();
            s.initCurrent();
            return s;
        }

        @Override
        protected StatePiece<MinerState> piece() {
            return MinerStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<MinerState> currentSerializer() {
            return new MinerStateSerializer();
        }
    }
}
