package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for one cached checkpoint (a MapState value); see {@link CachedStatePiece}. */
public final class CachedStateSerializer extends FramedSerializer<CellState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<CellState> piece() {
        return CachedStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<CellState> newInstance() {
        return new CachedStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<CellState> snapshotConfiguration() {
        CachedStateSerializerSnapshot s = new CachedStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link CachedStateSerializer}. */
    public static final class CachedStateSerializerSnapshot extends FramedSerializerSnapshot<CellState> {

        public CachedStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<CellState> piece() {
            return CachedStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<CellState> currentSerializer() {
            return new CachedStateSerializer();
        }
    }
}
