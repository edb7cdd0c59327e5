package dev.keymem.jobs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain-client helpers for the jobs, tests, the demo and {@code kafka-setup/}: check that topics can be
 * written ({@link #awaitWritable}), produce a batch, read a topic to its end. Client properties of the
 * {@link KafkaConnection} are passed through unchanged.
 */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    /**
     * Sends the records, waits for every acknowledgement and returns the metadata (partition, offset) of
     * each, in order.
     *
     * <p>Defaults (each kept where the connection sets it): {@code acks=all}, an idempotent producer (a
     * retried batch the broker already wrote is not written twice) with ONE request in flight per
     * connection. One in flight is what keeps a slow broker from wedging the producer: with several, a
     * first batch that times out while a later one is written leaves the retried first batch rejected
     * with {@code OutOfOrderSequenceException} until the delivery timeout (KAFKA-14359), which is what a
     * loaded machine (CI, tests beside each other) used to hit. Timeouts are generous for the same reason.
     *
     * @throws IllegalStateException naming the records not acknowledged (topic, index, how many) if a send
     *     fails or is not acknowledged within {@code delivery.timeout.ms} plus a minute
     */
    public static List<RecordMetadata> produce(KafkaConnection conn, List<ProducerRecord<byte[], byte[]>> records) {
        Properties p = producerProperties(conn);
        long deliveryMs = Long.parseLong(p.getProperty("delivery.timeout.ms").trim());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deliveryMs + 60_000);
        List<RecordMetadata> meta = new ArrayList<>(records.size());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        boolean done = false;
        try {
            List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
            for (int i = 0; i < futures.size(); i++) {
                try {
                    meta.add(futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (ExecutionException e) {
                    throw new IllegalStateException("sending record " + i + " of " + records.size() + " to topic '"
                            + records.get(i).topic() + "' failed: " + e.getCause()
                            + unacknowledged(records, futures, i), e.getCause());
                } catch (TimeoutException e) {
                    throw new IllegalStateException("record " + i + " of " + records.size() + " to topic '"
                            + records.get(i).topic() + "' not acknowledged within " + (deliveryMs + 60_000) + " ms"
                            + unacknowledged(records, futures, i), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for acknowledgements"
                            + unacknowledged(records, futures, i), e);
                }
            }
            done = true;
        } finally {
            // on failure do not wait for sends that may never end (close() would wait without a bound)
            producer.close(done ? Duration.ofSeconds(30) : Duration.ZERO);
        }
        return meta;
    }

    /** The producer settings {@link #produce} uses: the connection's, over the defaults described there. */
    static Properties producerProperties(KafkaConnection conn) {
        Properties p = conn.allProperties();
        p.putIfAbsent("acks", "all");
        p.putIfAbsent("enable.idempotence", "true");
        p.putIfAbsent("max.in.flight.requests.per.connection", "1");
        p.putIfAbsent("linger.ms", "5");
        p.putIfAbsent("max.block.ms", "180000");
        p.putIfAbsent("request.timeout.ms", "120000");
        p.putIfAbsent("delivery.timeout.ms", "300000");
        return p;
    }

    /** " (N not acknowledged: topic t1 records a..b, ...)" for the records from {@code from} on not done. */
    private static String unacknowledged(List<ProducerRecord<byte[], byte[]>> records,
                                         List<Future<RecordMetadata>> futures, int from) {
        Map<String, List<Integer>> byTopic = new java.util.TreeMap<>();
        int n = 0;
        for (int i = from; i < futures.size(); i++) {
            Future<RecordMetadata> f = futures.get(i);
            boolean ok = f.isDone();
            if (ok) {
                try {
                    f.get();
                } catch (Exception e) {
                    ok = false;
                }
            }
            if (!ok) {
                n++;
                byTopic.computeIfAbsent(records.get(i).topic(), t -> new ArrayList<>()).add(i);
            }
        }
        StringBuilder sb = new StringBuilder(" (" + n + " of " + records.size() + " records not acknowledged");
        for (Map.Entry<String, List<Integer>> e : byTopic.entrySet()) {
            List<Integer> idx = e.getValue();
            sb.append("; topic '").append(e.getKey()).append("': ").append(idx.size()).append(", indexes ")
                    .append(idx.get(0)).append("..").append(idx.get(idx.size() - 1));
        }
        return sb.append(")").toString();
    }

    /**
     * Waits until every topic exists, every partition has a leader and that leader answers a ListOffsets
     * request for it, and returns each topic's partition count. The last step is what makes a topic created
     * a moment ago safe to write: a broker publishes a new partition's leader in its metadata (what
     * DescribeTopics and a producer see) before its replica manager has created the partition, and a
     * produce request arriving in between fails with a retriable error; a producer with several requests in
     * flight can then have a later batch written first and the failed one rejected as out of order until
     * its delivery timeout (KAFKA-15591 / KAFKA-14359, not fixed in the Kafka we pin). ListOffsets is served
     * by the leader's replica manager, so once it answers, the partition is there.
     *
     * @param missingIsFatal true: a topic that does not exist fails at once with {@link MissingTopicException}
     *     (a job's topics); false: it is waited for like a partition without a leader (a topic just created)
     * @throws MissingTopicException naming the missing topics, when {@code missingIsFatal}
     * @throws IllegalStateException naming what was still wrong (the topic, the partitions without a leader,
     *     the last error) when the topics are not writable within {@code timeout}, or on a non-retriable error
     *     (e.g. authorization), with its cause
     */
    public static Map<String, Integer> awaitWritable(KafkaConnection conn, Collection<String> topics, Duration timeout,
                                                     boolean missingIsFatal) {
        Properties p = conn.allProperties();
        String ms = String.valueOf(Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        p.putIfAbsent("request.timeout.ms", ms);
        p.putIfAbsent("default.api.timeout.ms", ms);
        try (Admin admin = Admin.create(p)) {
            return awaitWritable(admin, conn.bootstrapServers(), topics, timeout, missingIsFatal);
        }
    }

    /** {@link #awaitWritable(KafkaConnection, Collection, Duration, boolean)} with an admin client of the caller's. */
    static Map<String, Integer> awaitWritable(Admin admin, String where, Collection<String> topics, Duration timeout,
                                              boolean missingIsFatal) {
        List<String> names = List.copyOf(new java.util.LinkedHashSet<>(topics));
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem = null; // what the last answer showed wrong
        Throwable cause = null; // the last error
        while (true) {
            int left = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(names,
                        new DescribeTopicsOptions().timeoutMs(left)).topicNameValues();
                Map<String, TopicDescription> desc = new LinkedHashMap<>();
                TreeSet<String> missing = new TreeSet<>();
                for (String t : names) {
                    try {
                        desc.put(t, described.get(t).get());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                            throw e;
                        }
                        missing.add(t);
                    }
                }
                if (!missing.isEmpty()) {
                    if (missingIsFatal) {
                        throw new MissingTopicException(missing, where);
                    }
                    problem = "topics " + missing + " do not exist (yet)";
                } else {
                    List<TopicPartition> leaderless = new ArrayList<>();
                    Map<TopicPartition, OffsetSpec> all = new LinkedHashMap<>();
                    for (TopicDescription d : desc.values()) {
                        for (TopicPartitionInfo pi : d.partitions()) {
                            TopicPartition tp = new TopicPartition(d.name(), pi.partition());
                            all.put(tp, OffsetSpec.latest());
                            if (pi.leader() == null || pi.leader().isEmpty()) {
                                leaderless.add(tp);
                            }
                        }
                    }
                    if (leaderless.isEmpty()) {
                        admin.listOffsets(all, new ListOffsetsOptions().timeoutMs(left)).all().get();
                        Map<String, Integer> counts = new LinkedHashMap<>();
                        desc.forEach((t, d) -> counts.put(t, d.partitions().size()));
                        return counts;
                    }
                    problem = "partitions without a leader: " + leaderless;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw new IllegalStateException("cannot check topics " + names + " at " + where + ": " + e.getCause(),
                            e.getCause());
                }
                cause = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking topics " + names + " at " + where, e);
            }
            if (System.nanoTime() - deadline >= 0) {
                String why = problem == null ? "last error: " + cause
                        : cause == null ? problem : problem + "; last error: " + cause;
                throw new IllegalStateException("topics " + names + " at " + where + " not writable within " + timeout
                        + " (" + why + ")", cause);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking topics " + names + " at " + where, e);
            }
        }
    }

    /** Topics a job needs that do not exist (memctl does not rely on a broker creating topics on first use). */
    public static final class MissingTopicException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final java.util.SortedSet<String> topics;

        MissingTopicException(java.util.SortedSet<String> topics, String where) {
            super((topics.size() == 1 ? "topic " + topics.first() + " does not" : "topics " + topics + " do not")
                    + " exist at " + where);
            this.topics = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(topics));
        }

        /** The missing topics, sorted. */
        public java.util.SortedSet<String> topics() {
            return topics;
        }
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
