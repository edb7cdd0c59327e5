package dev.keymem.jobs.kafka;

import dev.keymem.operators.DeadLetter;

import java.util.Arrays;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One Kafka record as read, with its coordinates (topic, partition, offset), key and raw value.
 *
 * <p>A Flink POJO (public fields, no-argument constructor) so that it travels through the job without
 * Kryo. Parsing is left to later steps on purpose: a value that cannot be parsed must reach the
 * dead-letter topic with these coordinates instead of failing the source.
 */
public class KafkaRecord {
    /** Topic the record was read from. */
    public String topic;
    /** Partition within the topic. */
    public int partition;
    /** Offset within the partition. */
    public long offset;
    /** Record timestamp (ms since the epoch), as Kafka reports it. */
    public long timestamp;
    /** Key bytes, or null. */
    public byte[] key;
    /** Value bytes, or null (a tombstone). */
    public byte[] value;
    /**
     * Bytes of the line this record's value was cut from, where a file run's reader held only the first bytes of a
     * longer line ({@code FileLineFormat}; without the line end), so that its dead letter names the line's length;
     * -1 otherwise. Transient: no part of the POJO form (records read from Kafka are never cut); the file runs'
     * {@link KafkaRecordSerializer} carries it.
     */
    public transient long lineBytes = -1;

    /** For Flink's POJO serializer. */
    public KafkaRecord() {
    }

    /** A record with all its fields. */
    public KafkaRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    /** Copies a consumer record (the arrays are shared, not copied). */
    public static KafkaRecord of(ConsumerRecord<byte[], byte[]> r) {
        return new KafkaRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
    }

    /** The key decoded as UTF-8 (malformed bytes replaced), or null when there is no key. */
    public String keyString() {
        return key == null ? null : new String(key, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** This record refused for {@code reason}: a dead letter with its coordinates and raw value. */
    public dev.keymem.operators.DeadLetter deadLetter(String reason) {
        return dev.keymem.operators.DeadLetter.ofSource(topic, partition, offset, keyString(), timestamp, value, reason);
    }

    /** {@code topic-partition@offset}, for error messages. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof KafkaRecord)) {
            return false;
        }
        KafkaRecord r = (KafkaRecord) o;
        return partition == r.partition && offset == r.offset && timestamp == r.timestamp
                && Objects.equals(topic, r.topic) && Arrays.equals(key, r.key) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return "KafkaRecord{" + coordinates() + ", key=" + keyString() + ", " + (value == null ? "null" : value.length + " bytes") + "}";
    }
}
