package dev.keymem.state;

import dev.keymem.models.caching.CachingState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for a key's Memory Caching state; see {@link CachingStatePiece}. */
public final class CachingStateSerializer extends FramedSerializer<CachingState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<CachingState> piece() {
        return CachingStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<CachingState> newInstance() {
        return new CachingStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<CachingState> snapshotConfiguration() {
        CachingStateSerializerSnapshot s = new CachingStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link CachingStateSerializer}. */
    public static final class CachingStateSerializerSnapshot extends FramedSerializerSnapshot<CachingState> {

        public CachingStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<CachingState> piece() {
            return CachingStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<CachingState> currentSerializer() {
            return new CachingStateSerializer();
        }
    }
}
