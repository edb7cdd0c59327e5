package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.serde.HardStrings;
import java.util.SplittableRandom;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaRecordSerializer}: a copy is the record itself, equal to what Flink's POJO serializer (the
 * reference) copies, records come back from their bytes, the snapshot restores the serializer.
 */
class KafkaRecordSerializerTest {
    private static byte[] bytes(SplittableRandom r) {
        if (r.nextInt(5) == 0) {
            return null;
        }
        byte[] b = new byte[r.nextInt(r.nextInt(10) == 0 ? 5_000 : 60)];
        r.nextBytes(b);
        return b;
    }

    private static KafkaRecord random(SplittableRandom r) {
        String topic = r.nextInt(6) == 0 ? null : HardStrings.random(r, 8, 20, 26);
        return new KafkaRecord(topic, r.nextInt(), r.nextLong(), r.nextLong(), bytes(r), bytes(r));
    }

    /** The records are not changed once made (see the class comment): a copy is the record itself. */
    @Test
    void aCopyIsTheRecordItselfEqualToThePojoSerializersCopy() {
        TypeSerializer<KafkaRecord> pojo = TypeInformation.of(KafkaRecord.class)
                .createSerializer(new SerializerConfigImpl());
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 3_000; i++) {
            KafkaRecord e = random(r);
            KafkaRecord c = KafkaRecordSerializer.INSTANCE.copy(e);
            assertSame(e, c);
            assertEquals(pojo.copy(e), c);
            assertSame(e, KafkaRecordSerializer.INSTANCE.copy(e, new KafkaRecord()));
        }
    }

    @Test
    void recordsComeBackFromTheirBytes() throws Exception {
        SplittableRandom r = new SplittableRandom(8);
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int i = 0; i < 3_000; i++) {
            KafkaRecord e = random(r);
            out.clear();
            KafkaRecordSerializer.INSTANCE.serialize(e, out);
            byte[] b = out.getCopyOfBuffer();
            KafkaRecord back = KafkaRecordSerializer.INSTANCE.deserialize(new DataInputDeserializer(b));
            assertEquals(e, back);
            assertEquals(e.topic, back.topic);
            assertArrayEquals(e.key, back.key);
            DataOutputSerializer copied = new DataOutputSerializer(b.length);
            KafkaRecordSerializer.INSTANCE.copy(new DataInputDeserializer(b), copied);
            assertArrayEquals(b, copied.getCopyOfBuffer());
        }
    }

    @Test
    void flagBitsItDoesNotKnowAreRefused() throws Exception {
        KafkaRecord r = new KafkaRecord();
        r.topic = "t";
        r.value = new byte[] {1, 2};
        DataOutputSerializer out = new DataOutputSerializer(64);
        KafkaRecordSerializer.INSTANCE.serialize(r, out);
        byte[] bytes = out.getCopyOfBuffer();
        for (int bit = 4; bit < 8; bit++) {
            byte[] later = bytes.clone();
            later[0] |= (byte) (1 << bit);
            java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> KafkaRecordSerializer.INSTANCE.deserialize(new DataInputDeserializer(later)));
            assertTrue(e.getMessage().startsWith("a KafkaRecord with unknown flags"), e.getMessage());
        }
        KafkaRecord back = KafkaRecordSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        assertArrayEquals(r.value, back.value);
    }

    @Test
    void theSnapshotRestoresTheSerializer() throws Exception {
        TypeSerializerSnapshot<KafkaRecord> s = KafkaRecordSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, s);
        TypeSerializerSnapshot<KafkaRecord> back = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertTrue(KafkaRecordSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(back)
                .isCompatibleAsIs());
        assertSame(KafkaRecordSerializer.INSTANCE, back.restoreSerializer());
        assertSame(KafkaRecordSerializer.INSTANCE, KafkaRecordSerializer.TYPE.createSerializer(new SerializerConfigImpl()));
    }
}
