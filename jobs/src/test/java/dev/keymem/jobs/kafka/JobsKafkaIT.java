package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.LogLineParser;
import dev.keymem.jobs.logs.LogSummarizerTest;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both jobs Kafka to Kafka on the in-process KRaft broker and a MiniCluster, both on 127.0.0.1, with
 * RocksDB state and one injected failure after a checkpoint (so records after it are processed twice):
 * a read_committed consumer sees each expected summary / answer exactly once, each poison record lands
 * in the dead-letter topic once with its reason and coordinates while the job goes on, and no answer
 * holds another user's event.
 */
class JobsKafkaIT {
    private static final String NO_TEXT = "JSON log record has no text (no string in message, text, line, msg, log, "
            + "MESSAGE, event, @m, @message, textPayload, jsonPayload.message, short_message, body, @mt, Message, "
            + "body.stringValue, Body)";
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(KafkaExactlyOnceIT.loopback())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        kafka.createTopics(2, "logs", "user-events");
        kafka.createTopics(1, "log-summaries", "user-context", "dead-letters-logs", "dead-letters-users");
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static StreamExecutionEnvironment env(Path dir) {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("pipeline.generic-types", "false");
        conf.setString("execution.checkpointing.interval", "200 ms");
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.setString("execution.checkpointing.dir", dir.resolve("chk").toUri().toString());
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "100 ms");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void logSummariesExactlyOncePoisonToDeadLetters(@TempDir Path dir) throws Exception {
        KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "logs", "services.log")).subList(0, 1000);
        LogLineParser parser = new LogLineParser(null);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<Integer, String> poison = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String source = parser.parse(null, lines.get(i), i, -1).source;
            records.add(new ProducerRecord<>("logs", bytes(source), bytes(lines.get(i))));
            if (i == 300) {
                poison.put(records.size(), "value is not valid UTF-8");
                records.add(new ProducerRecord<>("logs", bytes("db"), new byte[] {'o', (byte) 0xc3, (byte) 0x28}));
            } else if (i == 600) {
                poison.put(records.size(), "value is blank");
                records.add(new ProducerRecord<>("logs", bytes("auth"), bytes("   ")));
            } else if (i == 700) {
                poison.put(records.size(), NO_TEXT);
                records.add(new ProducerRecord<>("logs", bytes("payments"), bytes("{\"source\":\"payments\"}")));
            }
        }
        List<RecordMetadata> meta = KafkaTopics.produce(conn, records);

        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(100, 0);
        KafkaExactlyOnceIT.FailOnceAfterCheckpoint.ARMED.set(true);
        KafkaExactlyOnceIT.FailOnceAfterCheckpoint.FAILED.set(false);
        StreamExecutionEnvironment env = env(dir);
        EmbeddedJobs.toKafka(LogSummaryJob.build(EmbeddedJobs.fromKafka(env, conn, "logs", "it-logs", true)
                .map(new KafkaExactlyOnceIT.FailOnceAfterCheckpoint()), null, settings,
                TextFrontEnd.builder().build()), conn, "log-summaries", "dead-letters-logs", "it-logs");
        env.execute("logs-kafka-it");
        assertTrue(KafkaExactlyOnceIT.FailOnceAfterCheckpoint.FAILED.get(), "the job was meant to fail once");

        // Expected: the summarizer run directly over each source's lines in order (keys go to one partition each).
        Map<String, String> expected = new HashMap<>();
        for (JsonNode s : LogSummarizerTest.run(lines, settings)) {
            expected.put(s.get("source").asText() + "#" + s.get("summary").asLong(), s.toString());
        }
        Map<String, Integer> copies = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, "log-summaries", true,
                Duration.ofSeconds(30))) {
            JsonNode s = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            String id = s.get("source").asText() + "#" + s.get("summary").asLong();
            assertEquals(s.get("source").asText(), new String(r.key(), StandardCharsets.UTF_8));
            // Kafka offsets differ from line numbers: compare all but the offsets.
            assertEquals(KafkaTestSupport.summaryWithoutOffsets(JSON.readTree(expected.get(id))),
                    KafkaTestSupport.summaryWithoutOffsets(s), "summary " + id);
            copies.merge(id, 1, Integer::sum);
        }
        assertEquals(expected.keySet(), copies.keySet(), "summaries seen by read_committed");
        copies.forEach((id, n) -> assertEquals(1, n, "copies of summary " + id));
        System.out.println(copies.size() + " summaries exactly once; read_uncommitted sees "
                + KafkaTopics.readToEnd(conn, "log-summaries", false, Duration.ofSeconds(30)).size());

        KafkaTestSupport.assertDeadLetters(conn, "dead-letters-logs", "logs", records, meta, poison);
    }

    @Test
    void userAnswersExactlyOnceNeverAnotherUsersEvents(@TempDir Path dir) throws Exception {
        KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
        List<String> events = Files.readAllLines(Path.of("..", "samples", "events", "users.jsonl")).subList(0, 1200);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<Integer, String> poison = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            String user = JSON.readTree(events.get(i)).get("user").asText();
            records.add(new ProducerRecord<>("user-events", bytes(user), bytes(events.get(i))));
            if (i == 400) {
                poison.put(records.size(), "user event has no text");
                records.add(new ProducerRecord<>("user-events", bytes(user), bytes("{\"user\":\"" + user + "\"}")));
            }
        }
        List<RecordMetadata> meta = KafkaTopics.produce(conn, records);
        // user -> (partition, offset) -> text of the user's own non-query events; and the queries
        Map<String, Map<Long, String>> own = new HashMap<>();
        Set<String> queries = new HashSet<>(); // user@offset (a user's events are all in one partition)
        for (int i = 0; i < records.size(); i++) {
            if (poison.containsKey(i)) {
                continue;
            }
            JsonNode n = JSON.readTree(new String(records.get(i).value(), StandardCharsets.UTF_8));
            if (n.path("query").asBoolean(false)) {
                queries.add(n.get("user").asText() + "@" + meta.get(i).offset());
            } else {
                own.computeIfAbsent(n.get("user").asText(), u -> new HashMap<>()).put(meta.get(i).offset(),
                        n.get("text").asText());
            }
        }

        KafkaExactlyOnceIT.FailOnceAfterCheckpoint.ARMED.set(true);
        KafkaExactlyOnceIT.FailOnceAfterCheckpoint.FAILED.set(false);
        StreamExecutionEnvironment env = env(dir);
        EmbeddedJobs.toKafka(UserContextJob.build(EmbeddedJobs.fromKafka(env, conn, "user-events", "it-users", true)
                .map(new KafkaExactlyOnceIT.FailOnceAfterCheckpoint())), conn,
                "user-context", "dead-letters-users", "it-users");
        env.execute("users-kafka-it");
        assertTrue(KafkaExactlyOnceIT.FailOnceAfterCheckpoint.FAILED.get(), "the job was meant to fail once");

        Map<String, Integer> answered = new HashMap<>();
        Set<String> users = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, "user-context", true,
                Duration.ofSeconds(30))) {
            JsonNode a = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            String user = a.get("user").asText();
            assertEquals(user, new String(r.key(), StandardCharsets.UTF_8));
            users.add(user);
            Map<Long, String> mine = own.getOrDefault(user, Map.of());
            for (JsonNode e : a.get("events")) {
                assertEquals(mine.get(e.get("offset").asLong()), e.get("text").asText(),
                        "answer for " + user + " holds an event that is not the user's own: " + e);
            }
            String at = user + "@" + a.get("offset").asLong();
            assertTrue(queries.contains(at), "answer to a query: " + a);
            answered.merge(at, 1, Integer::sum);
        }
        assertEquals(queries, answered.keySet(), "every query answered (read_committed)");
        answered.forEach((q, n) -> assertEquals(1, n, "copies of the answer to " + q));
        assertTrue(users.size() > 20, "many interleaved users: " + users.size());
        System.out.println(answered.size() + " answers exactly once for " + users.size() + " users");

        KafkaTestSupport.assertDeadLetters(conn, "dead-letters-users", "user-events", records, meta, poison);
    }
}
