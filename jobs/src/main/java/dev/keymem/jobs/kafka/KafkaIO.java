package dev.keymem.jobs.kafka;

import dev.keymem.operators.DeadLetter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Builds the Kafka sources and exactly-once sinks the jobs use.
 *
 * <ul>
 *   <li>{@link #source}: reads raw {@link KafkaRecord}s (coordinates, key, value bytes) and never fails
 *       on a value; parsing happens downstream with {@link ParseOrDeadLetter}. Reads with
 *       {@code isolation.level=read_committed} unless the connection's properties say otherwise.</li>
 *   <li>{@link #exactlyOnceSink}: {@link DeliveryGuarantee#EXACTLY_ONCE}, a transactional id prefix, and
 *       {@code transaction.timeout.ms} set explicitly (Flink's own default of one hour exceeds a broker's
 *       default {@code transaction.max.timeout.ms} of 15 minutes and would fail at the first
 *       transaction), and one request in flight per connection ({@link #SINK_MAX_IN_FLIGHT}). Outputs become
 *       visible to read_committed consumers at each checkpoint, so the job must have checkpointing
 *       enabled. The sink's topic must exist and be writable before the job starts
 *       ({@link KafkaTopics#awaitWritable}); the jobs never rely on a broker creating topics on first use.</li>
 *   <li>{@link #deadLetterSink}: the same, writing {@link DeadLetter#toJson()} keyed by the original key.</li>
 * </ul>
 * Client properties of the {@link KafkaConnection} (security settings and any other) are passed unchanged
 * to every client.
 */
public final class KafkaIO {

    /** Side output for records that cannot be processed. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", DeadLetterSerializer.TYPE);

    /** Transaction timeout used unless the connection sets {@code transaction.timeout.ms}: 10 minutes. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Produce requests a sink's producer keeps in flight per broker connection unless the connection sets
     * {@code max.in.flight.requests.per.connection}: 1. With Kafka's default of 5, a first batch to a
     * partition that fails with a retriable error (a partition its leader has not finished creating, a
     * request timeout on a loaded broker) while a later batch is written is then rejected as out of order
     * until {@code delivery.timeout.ms} (2 minutes): the transaction fails and the job restarts from its last
     * checkpoint (KAFKA-15591 / KAFKA-14359; the broker fix is not in the Kafka we pin). One request in
     * flight retries the failed batch before anything after it is sent. The jobs write few records
     * (summaries, answers, dead letters), so this costs nothing measurable (docs/benchmarks.md).
     */
    public static final int SINK_MAX_IN_FLIGHT = 1;

    private KafkaIO() {
    }

    /**
     * An unbounded source over {@code topics}.
     *
     * @param groupId consumer group (offsets are committed there on checkpoints, for monitoring only)
     * @param start where to start when the job has no checkpoint, e.g. {@link OffsetsInitializer#earliest()}
     */
    public static KafkaSource<KafkaRecord> source(KafkaConnection conn, List<String> topics, String groupId,
                                                  OffsetsInitializer start) {
        return sourceBuilder(conn, topics, groupId, start).build();
    }

    /** Like {@link #source} but stopping at {@code stop} (e.g. {@link OffsetsInitializer#latest()}): a bounded job. */
    public static KafkaSource<KafkaRecord> boundedSource(KafkaConnection conn, List<String> topics, String groupId,
                                                         OffsetsInitializer start, OffsetsInitializer stop) {
        return sourceBuilder(conn, topics, groupId, start).setBounded(Objects.requireNonNull(stop, "stop")).build();
    }

    private static org.apache.flink.connector.kafka.source.KafkaSourceBuilder<KafkaRecord> sourceBuilder(
            KafkaConnection conn, List<String> topics, String groupId, OffsetsInitializer start) {
        Objects.requireNonNull(conn, "conn");
        if (topics == null || topics.isEmpty() || topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("source topics must be non-empty names, got " + topics);
        }
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("a consumer group id is required, got '" + groupId + "'");
        }
        Properties props = conn.clientProperties();
        props.putIfAbsent("isolation.level", "read_committed");
        return KafkaSource.<KafkaRecord>builder()
                .setBootstrapServers(conn.bootstrapServers())
                .setProperties(props)
                .setTopics(topics)
                .setGroupId(groupId)
                .setStartingOffsets(Objects.requireNonNull(start, "start"))
                .setDeserializer(new RawDeserializer());
    }

    /**
     * An exactly-once sink writing each element to {@code topic} with the given key and value.
     *
     * @param transactionalIdPrefix unique per job and sink on that cluster (two sinks sharing it abort
     *     each other's transactions)
     * @param key the record key (UTF-8), may return null
     * @param value the record value (UTF-8), must not return null
     */
    public static <T> KafkaSink<T> exactlyOnceSink(KafkaConnection conn, String topic, String transactionalIdPrefix,
                                                   SerializableFunction<T, String> key,
                                                   SerializableFunction<T, String> value) {
        Objects.requireNonNull(conn, "conn");
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("sink topic must be a non-empty name, got '" + topic + "'");
        }
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("an exactly-once sink needs a transactional id prefix, got '"
                    + transactionalIdPrefix + "'");
        }
        Properties props = sinkProducerProperties(conn);
        return KafkaSink.<T>builder()
                .setBootstrapServers(conn.bootstrapServers())
                .setKafkaProducerConfig(props)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setRecordSerializer(new StringSerializer<>(topic, key, value))
                .build();
    }

    /**
     * The producer properties of {@link #exactlyOnceSink}: the connection's, {@code transaction.timeout.ms}
     * from {@link #transactionTimeout}, and {@code max.in.flight.requests.per.connection} =
     * {@link #SINK_MAX_IN_FLIGHT} unless the connection sets it.
     */
    static Properties sinkProducerProperties(KafkaConnection conn) {
        Properties props = conn.clientProperties();
        props.setProperty("transaction.timeout.ms", String.valueOf(transactionTimeout(conn).toMillis()));
        props.putIfAbsent("max.in.flight.requests.per.connection", String.valueOf(SINK_MAX_IN_FLIGHT));
        return props;
    }

    /** An exactly-once sink for dead letters: JSON values (see {@link DeadLetter}), keyed by the original key. */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaConnection conn, String topic, String transactionalIdPrefix) {
        return exactlyOnceSink(conn, topic, transactionalIdPrefix, d -> d.key, DeadLetter::toJson);
    }

    /**
     * The transaction timeout a sink will use: the connection's {@code transaction.timeout.ms} if set,
     * else {@link #DEFAULT_TRANSACTION_TIMEOUT}. Fails with a clear message on a value that is not a
     * positive number, or that exceeds the broker default maximum (15 min) while
     * {@code keymem.broker.transaction.max.timeout.ms} (a connection property naming the broker's real
     * maximum, not sent anywhere but read here) does not allow it.
     */
    public static Duration transactionTimeout(KafkaConnection conn) {
        Duration timeout = DEFAULT_TRANSACTION_TIMEOUT;
        String set = conn.property("transaction.timeout.ms");
        if (set != null) {
            timeout = Duration.ofMillis(parsePositiveMillis("transaction.timeout.ms", set));
        }
        Duration max = EmbeddedKafka.BROKER_MAX_TRANSACTION_TIMEOUT;
        String brokerMax = conn.property("keymem.broker.transaction.max.timeout.ms");
        if (brokerMax != null) {
            max = Duration.ofMillis(parsePositiveMillis("keymem.broker.transaction.max.timeout.ms", brokerMax));
        }
        if (timeout.compareTo(max) > 0) {
            throw new IllegalArgumentException("transaction.timeout.ms=" + timeout.toMillis()
                    + " exceeds the broker's transaction.max.timeout.ms=" + max.toMillis()
                    + "; the broker would refuse every transaction (lower it, or set kafka.keymem.broker.transaction.max.timeout.ms"
                    + " if the broker allows more)");
        }
        return timeout;
    }

    private static long parsePositiveMillis(String name, String v) {
        try {
            long ms = Long.parseLong(v.trim());
            if (ms <= 0) {
                throw new NumberFormatException();
            }
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive number of milliseconds, got '" + v + "'");
        }
    }

    /** Passes every record through as a {@link KafkaRecord}; never throws on content. */
    static final class RawDeserializer implements KafkaRecordDeserializationSchema<KafkaRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<KafkaRecord> out) {
            out.collect(KafkaRecord.of(record));
        }

        @Override
        public TypeInformation<KafkaRecord> getProducedType() {
            return TypeInformation.of(KafkaRecord.class);
        }
    }

    /** Writes (key, value) strings as UTF-8 to one topic. */
    static final class StringSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final SerializableFunction<T, String> key;
        private final SerializableFunction<T, String> value;

        StringSerializer(String topic, SerializableFunction<T, String> key, SerializableFunction<T, String> value) {
            this.topic = topic;
            this.key = Objects.requireNonNull(key, "key");
            this.value = Objects.requireNonNull(value, "value");
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(element);
            String v = value.apply(element);
            if (v == null) {
                throw new IllegalStateException("sink value function returned null for " + element + " (topic " + topic + ")");
            }
            return new ProducerRecord<>(topic, null, timestamp,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8), v.getBytes(StandardCharsets.UTF_8));
        }
    }
}
