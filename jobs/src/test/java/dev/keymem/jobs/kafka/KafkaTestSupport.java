package dev.keymem.jobs.kafka;

import dev.keymem.operators.DeadLetter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Checks the Kafka integration tests share (job tests here, CLI tests in {@code dev.keymem.jobs.cli}). */
public final class KafkaTestSupport {
    private KafkaTestSupport() {
    }

    /** A log summary without its offsets (Kafka offsets differ from line numbers): all else must match. */
    public static JsonNode summaryWithoutOffsets(JsonNode s) {
        ObjectNode c = s.deepCopy();
        c.remove("from_offset");
        c.remove("to_offset");
        c.get("templates").forEach(r -> {
            ((ObjectNode) r).remove("offset");
            ((ObjectNode) r).remove("first_offset");
            ((ObjectNode) r).remove("last_offset");
        });
        return c;
    }

    /**
     * Reads dead-letter topic {@code dlq} (read_committed) and asserts it holds exactly one dead letter per
     * poison record ({@code poison}: index into {@code records}/{@code meta} -> expected reason), each with
     * its reason, source topic {@code topic}, coordinates, key and raw value.
     */
    public static void assertDeadLetters(KafkaConnection conn, String dlq, String topic,
                                         List<ProducerRecord<byte[], byte[]>> records, List<RecordMetadata> meta,
                                         Map<Integer, String> poison) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> dead = KafkaTopics.readToEnd(conn, dlq, true, Duration.ofSeconds(30));
        assertEquals(poison.size(), dead.size(), "dead letters");
        Map<Long, DeadLetter> byAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            DeadLetter d = DeadLetter.fromJson(new String(r.value(), StandardCharsets.UTF_8));
            byAt.put(d.partition * 1_000_000L + d.offset, d);
        }
        for (Map.Entry<Integer, String> e : poison.entrySet()) {
            RecordMetadata m = meta.get(e.getKey());
            DeadLetter d = byAt.get(m.partition() * 1_000_000L + m.offset());
            assertNotNull(d, "dead letter for " + topic + "-" + m.partition() + "@" + m.offset());
            assertEquals(e.getValue(), d.reason);
            assertEquals(topic, d.topic);
            byte[] key = records.get(e.getKey()).key();
            assertEquals(key == null ? null : new String(key, StandardCharsets.UTF_8), d.key);
            assertTrue(Arrays.equals(records.get(e.getKey()).value(), d.value), "raw value kept: " + d);
        }
    }
}
