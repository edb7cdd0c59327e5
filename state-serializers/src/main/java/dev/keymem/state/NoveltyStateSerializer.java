package dev.keymem.state;

import dev.keymem.models.novelty.NoveltyState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of the novelty memory's hot state (a ValueState); see {@link NoveltyStatePiece}. */
public final class NoveltyStateSerializer extends FramedSerializer<NoveltyState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<NoveltyState> piece() {
        return NoveltyStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<NoveltyState> newInstance() {
        return new NoveltyStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<NoveltyState> snapshotConfiguration() {
        NoveltyStateSerializerSnapshot s = new NoveltyStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link NoveltyStateSerializer}. */
    public static final class NoveltyStateSerializerSnapshot extends FramedSerializerSnapshot<NoveltyState> {

        public NoveltyStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<NoveltyState> piece() {
            return NoveltyStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<NoveltyState> currentSerializer() {
            return new NoveltyStateSerializer();
        }
    }
}
