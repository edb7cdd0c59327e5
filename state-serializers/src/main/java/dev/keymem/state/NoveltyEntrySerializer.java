package dev.keymem.state;

import dev.keymem.models.novelty.NoveltyEntry;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer of one eidetic entry of the novelty memory (a MapState value); see {@link NoveltyEntryPiece}. */
public final class NoveltyEntrySerializer extends FramedSerializer<NoveltyEntry> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<NoveltyEntry> piece() {
        return NoveltyEntryPiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<NoveltyEntry> newInstance() {
        return new NoveltyEntrySerializer();
    }

    @Override
    public TypeSerializerSnapshot<NoveltyEntry> snapshotConfiguration() {
        NoveltyEntrySerializerSnapshot s = new NoveltyEntrySerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link NoveltyEntrySerializer}. */
    public static final class NoveltyEntrySerializerSnapshot extends FramedSerializerSnapshot<NoveltyEntry> {

        public NoveltyEntrySerializerSnapshot() {
        }

        @Override
        protected StatePiece<NoveltyEntry> piece() {
            return NoveltyEntryPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<NoveltyEntry> currentSerializer() {
            return new NoveltyEntrySerializer();
        }
    }
}
