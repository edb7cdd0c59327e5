package dev.keymem.state;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.junit.jupiter.api.Nested;

/** Flink's serializer contract tests for the event memory's hot state and archived events (model-made values). */
class EventSerializersTest {

    /** A memory that absorbed {@code events} random events, and its store. */
    static Object[] made(int events, long seed) {
        EventMemory m = new EventMemory(EventSettings.defaults().withDimension(16).withTiers(4, 3, 1));
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < events; i++) {
            int[] terms = new int[1 + r.nextInt(6)];
            for (int j = 0; j < terms.length; j++) {
                terms[j] = r.nextInt(40) - 20;
            }
            byte[] payload = new byte[r.nextInt(20)];
            r.nextBytes(payload);
            m.write(st, store, terms, null, payload);
        }
        return new Object[] {st, store};
    }

    @Nested
    class State extends SerializerTestBase<EventState> {
        @Override
        protected TypeSerializer<EventState> createSerializer() {
            return new EventStateSerializer();
        }

        @Override
        protected int getLength() {
            return -1;
        }

        @Override
        protected Class<EventState> getTypeClass() {
            return EventState.class;
        }

        @Override
        protected EventState[] getTestData() {
            return new EventState[] {(EventState) made(0, 1)[0], (EventState) made(2, 2)[0],
                (EventState) made(50, 3)[0]};
        }
    }

    @Nested
    class Entry extends SerializerTestBase<EventEntry> {
        @Override
        protected TypeSerializer<EventEntry> createSerializer() {
            return new EventEntrySerializer();
        }

        @Override
        protected int getLength() {
            return -1;
        }

        @Override
        protected Class<EventEntry> getTypeClass() {
            return EventEntry.class;
        }

        @Override
        protected EventEntry[] getTestData() {
            InMemoryEventStore store = (InMemoryEventStore) made(30, 4)[1];
            List<EventEntry> out = new ArrayList<>();
            for (long p : new long[] {0, 1, 17, 29}) {
                out.add(store.archived(p));
            }
            out.add(new EventEntry(5, new int[0], new int[0], 0, new byte[0], 0f, 0f, new byte[0]));
            return out.toArray(new EventEntry[0]);
        }
    }
}
