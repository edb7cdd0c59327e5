package dev.keymem.state;

import dev.keymem.models.events.EventState;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/** Flink serializer for the event memory's hot state (a ValueState); see {@link EventStatePiece}. */
public final class EventStateSerializer extends FramedSerializer<EventState> {

    private static final long serialVersionUID = 1L;

    @Override
    protected StatePiece<EventState> piece() {
        return EventStatePiece.INSTANCE;
    }

    @Override
    protected FramedSerializer<EventState> newInstance() {
        return new EventStateSerializer();
    }

    @Override
    public TypeSerializerSnapshot<EventState> snapshotConfiguration() {
        EventStateSerializerSnapshot s = new EventStateSerializerSnapshot();
        s.initCurrent();
        return s;
    }

    /** Snapshot of {@link EventStateSerializer}. */
    public static final class EventStateSerializerSnapshot extends FramedSerializerSnapshot<EventState> {

        public EventStateSerializerSnapshot() {
        }

        @Override
        protected StatePiece<EventState> piece() {
            return EventStatePiece.INSTANCE;
        }

        @Override
        protected FramedSerializer<EventState> currentSerializer() {
            return new EventStateSerializer();
        }
    }
}
