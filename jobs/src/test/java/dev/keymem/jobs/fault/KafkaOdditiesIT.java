package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.cli.Memctl;
import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTopics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka input that files cannot have, through both jobs' Kafka mode on their own in-process broker (a
 * 600 KB key is kept away from {@link AwkwardCorpusIT}'s broker).
 */
class KafkaOdditiesIT {
    static EmbeddedKafka kafka;
    static KafkaConnection conn;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().start();
        conn = KafkaConnection.of(kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static String memctl(String... args) {
        return AwkwardCorpusIT.memctl(args);
    }

    static List<String> topic(String t) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, t, true, Duration.ofSeconds(60))) {
            out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    static String repeat(String s, int n) {
        return AwkwardCorpusIT.repeat(s, n);
    }

    /**
     * Kafka records files cannot have: tombstones (dead letters), keys (the source / user of a raw line or
     * of JSON without one), a key that is not UTF-8, a key far over any sane size; a topic that does not
     * exist is a usage error (exit 2) found before the job starts (a cluster that does not answer is exit 1
     * after 30 s, not checked here: the wait is the point).
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void kafkaTombstonesKeysAndAMissingTopic() throws Exception {
        kafka.createTopics(1, "ak-logs", "ak-events", "ak-summaries", "ak-answers", "ak-dlq1", "ak-dlq2");
        byte[] web = "web".getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {(byte) 0xFF, 'k'};
        byte[] hugeKey = repeat("k", 600_000).getBytes(StandardCharsets.UTF_8);
        List<ProducerRecord<byte[], byte[]>> send = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            send.add(new ProducerRecord<>("ak-logs", web, ("GET /a/" + i + " 200").getBytes(StandardCharsets.UTF_8)));
        }
        send.add(new ProducerRecord<>("ak-logs", web, null));
        send.add(new ProducerRecord<>("ak-logs", notUtf8, "odd key line".getBytes(StandardCharsets.UTF_8)));
        send.add(new ProducerRecord<>("ak-logs", hugeKey, "huge key line".getBytes(StandardCharsets.UTF_8)));
        send.add(new ProducerRecord<>("ak-logs", web, "{\"message\": \"json without a source\"}"
                .getBytes(StandardCharsets.UTF_8)));
        send.add(new ProducerRecord<>("ak-events", "u1".getBytes(StandardCharsets.UTF_8),
                "{\"text\": \"I live in Lisbon\"}".getBytes(StandardCharsets.UTF_8)));
        send.add(new ProducerRecord<>("ak-events", "u1".getBytes(StandardCharsets.UTF_8), null));
        send.add(new ProducerRecord<>("ak-events", hugeKey,
                "{\"text\": \"where do I live?\", \"query\": true}".getBytes(StandardCharsets.UTF_8)));
        send.add(new ProducerRecord<>("ak-events", "u1".getBytes(StandardCharsets.UTF_8),
                "{\"text\": \"where do I live?\", \"query\": true}".getBytes(StandardCharsets.UTF_8)));
        KafkaTopics.produce(conn, send);
        String bs = kafka.bootstrapServers();
        memctl("logs", "--kafka", bs, "--in-topic", "ak-logs", "--out-topic", "ak-summaries", "--dlq-topic", "ak-dlq1",
                "--bounded");
        long summarized = 0;
        for (String sm : topic("ak-summaries")) {
            summarized += AwkwardCorpusIT.JSON.readTree(sm).get("lines_since_last").asLong();
        }
        List<String> dead = topic("ak-dlq1");
        System.out.printf("[fault-suite] Kafka oddities, logs: records in %d, summarized %d, dead letters %d%n", 14,
                summarized, dead.size());
        assertEquals(14, summarized + dead.size(), "every record summarized or a dead letter: " + dead);
        assertTrue(dead.stream().anyMatch(d -> d.contains("tombstone")), dead.toString());
        memctl("context", "--kafka", bs, "--in-topic", "ak-events", "--out-topic", "ak-answers", "--dlq-topic", "ak-dlq2",
                "--bounded");
        List<String> answers = topic("ak-answers");
        List<String> dead2 = topic("ak-dlq2");
        assertEquals(4, answers.size() + 1 + dead2.size(), "one stored event, the rest answered or dead letters: "
                + answers + dead2);
        assertTrue(answers.stream().anyMatch(a -> a.contains("Lisbon")), answers.toString());

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(new String[] {"logs", "--kafka", bs, "--in-topic", "ak-no-such-topic", "--out-topic",
                "ak-summaries", "--dlq-topic", "ak-dlq1", "--bounded", "--restart-attempts", "0"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, e);
        assertTrue(e.contains("input topic ak-no-such-topic does not exist"), e);
    }
}
