package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.serde.HardStrings;
import dev.keymem.operators.DeadLetter;
import java.io.IOException;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link DeadLetterSerializer}: dead letters come back from their bytes and from a copy field for field as Flink's
 * POJO serializer (the reference) gives them back, the copy owns its value bytes, unknown flags are refused, the
 * snapshot restores the serializer, and {@link KafkaIO#DEAD_LETTERS} carries it.
 */
class DeadLetterSerializerTest {
    private static String text(SplittableRandom r) {
        return r.nextInt(5) == 0 ? null : HardStrings.random(r, 8, 40, 26);
    }

    private static DeadLetter random(SplittableRandom r) {
        DeadLetter d = new DeadLetter();
        d.key = text(r);
        d.position = r.nextLong();
        d.tokens = r.nextInt();
        d.reason = text(r);
        d.topic = text(r);
        d.partition = r.nextInt();
        d.offset = r.nextLong();
        d.timestamp = r.nextLong();
        if (r.nextInt(5) != 0) {
            d.value = new byte[r.nextInt(r.nextInt(10) == 0 ? 5_000 : 60)];
            r.nextBytes(d.value);
        }
        return d;
    }

    private static void assertSameFields(DeadLetter e, DeadLetter a) {
        assertEquals(e.key, a.key);
        assertEquals(e.position, a.position);
        assertEquals(e.tokens, a.tokens);
        assertEquals(e.reason, a.reason);
        assertEquals(e.topic, a.topic);
        assertEquals(e.partition, a.partition);
        assertEquals(e.offset, a.offset);
        assertEquals(e.timestamp, a.timestamp);
        assertArrayEquals(e.value, a.value);
    }

    @Test
    void deadLettersComeBackAsThePojoSerializerGivesThemBack() throws Exception {
        TypeSerializer<DeadLetter> pojo = TypeInformation.of(DeadLetter.class).createSerializer(new SerializerConfigImpl());
        SplittableRandom r = new SplittableRandom(9);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int i = 0; i < 3_000; i++) {
            DeadLetter e = random(r);
            out.clear();
            pojo.serialize(e, out);
            DeadLetter reference = pojo.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
            out.clear();
            DeadLetterSerializer.INSTANCE.serialize(e, out);
            byte[] b = out.getCopyOfBuffer();
            assertSameFields(reference, DeadLetterSerializer.INSTANCE.deserialize(new DataInputDeserializer(b)));
            assertSameFields(reference, DeadLetterSerializer.INSTANCE.deserialize(new DeadLetter(),
                    new DataInputDeserializer(b)));
            DeadLetter copy = DeadLetterSerializer.INSTANCE.copy(e);
            assertSameFields(pojo.copy(e), copy);
            assertNotSame(e, copy);
            assertTrue(e.value == null || e.value != copy.value, "the copy owns its value bytes");
            DataOutputSerializer copied = new DataOutputSerializer(b.length);
            DeadLetterSerializer.INSTANCE.copy(new DataInputDeserializer(b), copied);
            assertArrayEquals(b, copied.getCopyOfBuffer());
        }
    }

    @Test
    void flagBitsItDoesNotKnowAreRefused() throws Exception {
        DeadLetter d = DeadLetter.ofSource("t", 1, 2, "k", 3, new byte[] {1, 2}, "bad");
        DataOutputSerializer out = new DataOutputSerializer(64);
        DeadLetterSerializer.INSTANCE.serialize(d, out);
        byte[] bytes = out.getCopyOfBuffer();
        for (int bit = 4; bit < 8; bit++) {
            byte[] later = bytes.clone();
            later[0] |= (byte) (1 << bit);
            assertThrows(IOException.class,
                    () -> DeadLetterSerializer.INSTANCE.deserialize(new DataInputDeserializer(later)));
        }
        assertSameFields(d, DeadLetterSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes)));
    }

    @Test
    void theSnapshotRestoresTheSerializerAndTheSideOutputCarriesIt() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, DeadLetterSerializer.INSTANCE.snapshotConfiguration());
        TypeSerializerSnapshot<DeadLetter> back = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(DeadLetterSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(back)
                .isCompatibleAsIs());
        assertSame(DeadLetterSerializer.INSTANCE, back.restoreSerializer());
        assertSame(DeadLetterSerializer.TYPE, KafkaIO.DEAD_LETTERS.getTypeInfo());
        assertSame(DeadLetterSerializer.INSTANCE, KafkaIO.DEAD_LETTERS.getTypeInfo()
                .createSerializer(new SerializerConfigImpl()));
    }
}
