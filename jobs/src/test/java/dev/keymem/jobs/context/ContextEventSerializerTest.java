package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.serde.HardStrings;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ContextEventSerializerTest {

    private static String randomString(SplittableRandom r) {
        return HardStrings.random(r, 8, 40, 26);
    }

    /** Every field comes back as it went, whatever the strings hold (nulls, '?', unpaired surrogates). */
    @Test
    void roundTripsEveryField() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int t = 0; t < 5000; t++) {
            ContextEvent e = new ContextEvent();
            e.user = randomString(r);
            e.text = randomString(r);
            e.type = randomString(r);
            e.expect = randomString(r);
            e.ts = randomString(r);
            e.topic = randomString(r);
            e.query = r.nextBoolean();
            e.offset = r.nextLong();
            e.partition = r.nextInt();
            out.clear();
            ContextEventSerializer.INSTANCE.serialize(e, out);
            ContextEvent back = ContextEventSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertEquals(e.user, back.user);
            assertEquals(e.text, back.text);
            assertEquals(e.type, back.type);
            assertEquals(e.expect, back.expect);
            assertEquals(e.ts, back.ts);
            assertEquals(e.topic, back.topic);
            assertEquals(e.query, back.query);
            assertEquals(e.offset, back.offset);
            assertEquals(e.partition, back.partition);
            ContextEvent copy = ContextEventSerializer.INSTANCE.copy(e);
            assertEquals(e.toString(), copy.toString());
            assertEquals(e.ts, copy.ts);
        }
    }
}
