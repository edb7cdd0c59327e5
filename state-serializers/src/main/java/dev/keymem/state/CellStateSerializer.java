package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for a memory cell's per-key {@link CellState}; see {@link StateFrame}. */
public final class CellStateSerializer extends FramedSerializer<CellState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<CellState> piece() {
        return CellStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<CellState> newInstance() {
        return new CellStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<CellState> snapshotConfiguration() {
        CellStateSerializerSnapshot s = new CellStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link CellStateSerializer}; public no-arg constructor for Flink's restore. */
    public static final class CellStateSerializerSnapshot extends FramedSerializerSnapshot<CellState> {

        public CellStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<CellState> piece() {
            return CellStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<CellState> currentSerializer() {
            return new CellStateSerializer();
        }
    }
}
