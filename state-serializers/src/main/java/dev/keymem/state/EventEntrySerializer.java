package dev.keymem.state;

import dev.keymem.models.events.EventEntry;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for one archived event (a MapState value, written once); see {@link EventEntryPiece}. */
public final class EventEntrySerializer extends FramedSerializer<EventEntry> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<EventEntry> piece() {
        return EventEntryPiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<EventEntry> newInstance() {
        return new EventEntrySerializer();
    }

    @Override
    public TypeSerializerSnapshot<EventEntry> snapshotConfiguration() {
        EventEntrySerializerSnapshot s = new EventEntrySerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link EventEntrySerializer}. */
    public static final class EventEntrySerializerSnapshot extends FramedSerializerSnapshot<EventEntry> {

        public EventEntrySerializerSnapshot() {
        }

        @Override
        protected StatePiece<EventEntry> piece() {
            return EventEntryPiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<EventEntry> currentSerializer() {
            return new EventEntrySerializer();
        }
    }
}
