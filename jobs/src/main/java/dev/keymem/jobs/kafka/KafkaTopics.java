package dev.keymem.jobs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain-client helpers for tests, the demo and {@code kafka-setup/}: produce a batch, read a topic to
 * its end. Client properties of the {@link KafkaConnection} are passed through unchanged.
 */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    /**
     * Sends the records (idempotent producer, acks=all), waits for every acknowledgement and returns the
     * metadata (partition, offset) of each, in order.
     */
    public static List<RecordMetadata> produce(KafkaConnection conn, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = conn.allProperties();
        p.putIfAbsent("acks", "all");
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("linger.ms", "5");
        // generous: a broker on a loaded machine (CI, tests beside each other) may answer slowly
        p.putIfAbsent("max.block.ms", "180000");
        p.putIfAbsent("request.timeout.ms", "120000");
        p.putIfAbsent("delivery.timeout.ms", "300000");
        List<RecordMetadata> meta = new ArrayList<>(records.size());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    meta.add(futures.get(i).get());
                } catch (Exception e) {
                    throw new IllegalStateException("sending record " + i + " to topic '" + records.get(i).topic()
                            + "' failed: " + e.getMessage(), e);
                }
            }
        }
        return meta;
    }

    /**
     * Reads every partition of {@code topic} from the beginning up to its current end (for
     * {@code read_committed}: the last stable offset, so only committed transactional records) and
     * returns the records, partition by partition in offset order.
     *
     * @throws IllegalStateException if the end is not reached within {@code timeout}
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConnection conn, String topic, boolean readCommitted,
                                                                 Duration timeout) {
        Properties p = conn.allProperties();
        p.setProperty("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        p.setProperty("enable.auto.commit", "false");
        p.remove("group.id");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            if (parts.isEmpty()) {
                throw new IllegalStateException("topic '" + topic + "' has no partitions (does it exist?)");
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not reach the end of topic '" + topic + "' (" + end + ") within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
        }
        out.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
