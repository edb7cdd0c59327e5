package dev.keymem.state;

import dev.keymem.models.bmojo.EideticEntry;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for one archived B'MOJO entry (a MapState value); see {@link EideticEntryPiece}. */
public final class EideticEntrySerializer extends FramedSerializer<EideticEntry> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<EideticEntry> piece() {
        return EideticEntryPiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<EideticEntry> newInstance() {
        return new EideticEntrySerializer();
    }

    @Override
    public TypeSerializerSnapshot<EideticEntry> snapshotConfiguration() {
        EideticEntrySerializerSnapshot s = new EideticEntrySerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link EideticEntrySerializer}. */
    public static final class EideticEntrySerializerSnapshot extends FramedSerializerSnapshot<EideticEntry> {

        public EideticEntrySerializerSnapshot() {
        }

        @Override
        protected StatePiece<EideticEntry> piece() {
            return EideticEntryPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<EideticEntry> currentSerializer() {
            return new EideticEntrySerializer();
        }
    }
}
