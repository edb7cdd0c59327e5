package dev.keymem.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventSettings;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.InMemoryEventStore;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A batch state ({@link EventMemory#newBatchState}: fading writes wait, unprojected, until the cell is read)
 * serialized while writes wait gives the bytes of a state whose writes were applied at once, and restored, goes on
 * to the same answers and state bit for bit.
 */
class BatchStateRestoreTest {

    @Test
    void aBatchStateWithWritesWaitingSerializesAndRestoresAsImmediateWrites() throws IOException {
        SplittableRandom r = new SplittableRandom(41);
        EventSettings set = EventSettings.defaults();
        EventMemory ma = new EventMemory(set);
        EventMemory mb = new EventMemory(set); // a shape cache of its own: each vector is new to it
        EventStateSerializer ser = new EventStateSerializer();
        for (int round = 0; round < 4; round++) {
            EventState a = ma.newState();
            EventState b = mb.newBatchState(null);
            InMemoryEventStore sa = new InMemoryEventStore();
            InMemoryEventStore sb = new InMemoryEventStore();
            int events = 20 + r.nextInt(200);
            for (int t = 0; t < events; t++) {
                int[] terms = terms(r);
                float[] v = r.nextInt(4) == 0 ? null : dense(r, set.dimension());
                byte[] payload = {(byte) t};
                assertEquals(ma.write(a, sa, terms, v, payload), mb.write(b, sb, terms, v, payload));
            }
            byte[] bytesA = bytes(ser, a);
            byte[] bytesB = bytes(ser, b); // reads b's cell: its waiting writes projected and applied
            assertArrayEquals(bytesA, bytesB);
            EventState restored = ser.deserialize(new DataInputDeserializer(bytesB));
            assertEquals(a, restored);
            for (int t = 0; t < 60; t++) {
                int[] terms = terms(r);
                float[] v = r.nextInt(4) == 0 ? null : dense(r, set.dimension());
                byte[] payload = {(byte) (events + t)};
                assertEquals(ma.write(a, sa, terms, v, payload), mb.write(restored, sb, terms, v, payload));
                if (r.nextInt(6) == 0) {
                    int[] q = terms(r);
                    float[] qv = r.nextBoolean() ? null : dense(r, set.dimension());
                    EventMemory.Answer qa = ma.query(a, sa, q, qv, 5);
                    EventMemory.Answer qb = mb.query(restored, sb, q, qv, 5);
                    assertEquals(qa.hits().size(), qb.hits().size());
                    for (int i = 0; i < qa.hits().size(); i++) {
                        assertEquals(qa.hits().get(i).position(), qb.hits().get(i).position());
                        assertEquals(Double.doubleToRawLongBits(qa.hits().get(i).score()),
                                Double.doubleToRawLongBits(qb.hits().get(i).score()));
                    }
                    assertArrayEquals(qa.read(), qb.read());
                }
            }
            assertArrayEquals(bytes(ser, a), bytes(ser, restored));
        }
    }

    private static byte[] bytes(EventStateSerializer ser, EventState st) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        ser.serialize(st, out);
        return out.getCopyOfBuffer();
    }

    private static int[] terms(SplittableRandom r) {
        int[] t = new int[3 + r.nextInt(40)];
        for (int i = 0; i < t.length; i++) {
            t[i] = (int) Math.floor(Math.pow(500, r.nextDouble()));
        }
        return t;
    }

    private static float[] dense(SplittableRandom r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = r.nextInt(5) == 0 ? 0f : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
        }
        return v;
    }
}
