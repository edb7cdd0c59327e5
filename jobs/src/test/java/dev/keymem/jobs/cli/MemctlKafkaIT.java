package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.operators.DeadLetter;
import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTestSupport;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.logs.LogLineParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka mode of {@code memctl logs} and {@code memctl context}, run through the CLI entry point
 * ({@link Memctl#run}) as a user would, against the in-process KRaft broker on 127.0.0.1: exit code 0,
 * the startup line names the topics, a read_committed consumer sees each summary / answer once on
 * {@code --out-topic}, equal (all but offsets) to what the file mode of the same command writes for the
 * same records, and each poison record once on {@code --dlq-topic} with its reason. Plus the Kafka usage
 * errors (exit 2 and the message).
 */
class MemctlKafkaIT {
    private static final String NO_TEXT = "JSON log record has no text (no string in message, text, line, msg, log, "
            + "MESSAGE, event, @m, @message, textPayload, jsonPayload.message, short_message, body, @mt, Message, "
            + "body.stringValue, Body)";
    static final ObjectMapper JSON = new ObjectMapper();

    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        kafka.createTopics(2, "cli-logs", "cli-events");
        kafka.createTopics(1, "cli-summaries", "cli-answers", "cli-dlq-logs", "cli-dlq-events");
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** The result of one in-process memctl run. */
    record Run(int code, String out, String err) {
    }

    static Run memctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void logsOverKafkaMatchFileModeAndSendPoisonToTheDeadLetterTopic(@TempDir Path dir) throws Exception {
        KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
        // 80 sample lines as JSON records {source, timestamp, message}, keyed by source; three poison records.
        List<String> raw = Files.readAllLines(Path.of("..", "samples", "logs", "services.log")).subList(0, 80);
        LogLineParser parser = new LogLineParser(null);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> fileLines = new ArrayList<>(); // the same records for the file mode (valid UTF-8 only)
        Map<Integer, String> poison = new LinkedHashMap<>();
        Map<String, Long> linesPerSource = new TreeMap<>();
        for (int i = 0; i < raw.size(); i++) {
            var line = parser.parse(null, raw.get(i), i, -1);
            ObjectNode n = JSON.createObjectNode();
            n.put("source", line.source);
            n.put("timestamp", line.timestamp);
            n.put("message", raw.get(i));
            records.add(new ProducerRecord<>("cli-logs", bytes(line.source), bytes(n.toString())));
            fileLines.add(n.toString());
            linesPerSource.merge(line.source, 1L, Long::sum);
            if (i == 20) {
                poison.put(records.size(), "value is not valid UTF-8");
                records.add(new ProducerRecord<>("cli-logs", bytes("db"), new byte[] {'o', (byte) 0xc3, (byte) 0x28}));
            } else if (i == 40) {
                poison.put(records.size(), "value is blank");
                records.add(new ProducerRecord<>("cli-logs", bytes("auth"), bytes("   ")));
                fileLines.add("   ");
            } else if (i == 60) {
                poison.put(records.size(), NO_TEXT);
                records.add(new ProducerRecord<>("cli-logs", bytes("payments"), bytes("{\"source\":\"payments\"}")));
                fileLines.add("{\"source\":\"payments\"}");
            }
        }
        assertTrue(linesPerSource.size() >= 3, "several sources: " + linesPerSource);
        List<RecordMetadata> meta = KafkaTopics.produce(conn, records);
        Path config = dir.resolve("client.properties");
        Files.writeString(config, "security.protocol=PLAINTEXT\nclient.dns.lookup=use_all_dns_ips\n");

        Run run = memctl("logs", "--kafka", kafka.bootstrapServers(), "--kafka-config", config.toString(), "--bounded",
                "--every-lines", "5", "--every-seconds", "0", "--in-topic", "cli-logs", "--out-topic", "cli-summaries",
                "--dlq-topic", "cli-dlq-logs", "--group", "it-cli-logs", "--parallelism", "1",
                "--checkpoint-ms", "300");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("memctl logs: cli-logs -> cli-summaries (exactly once), dead letters -> "
                + "cli-dlq-logs, at " + kafka.bootstrapServers() + " (bounded)"), run.err());
        assertEquals("", run.out(), "Kafka mode writes nothing on stdout");

        // File mode, same records: its summaries are the expectation (all but offsets).
        Path in = dir.resolve("logs.jsonl");
        Path sums = dir.resolve("summaries.jsonl");
        Path dead = dir.resolve("dead.jsonl");
        Files.write(in, fileLines);
        Run file = memctl("logs", "--input", in.toString(), "--output", sums.toString(), "--dead-letters",
                dead.toString(), "--every-lines", "5", "--every-seconds", "0", "--parallelism", "1");
        assertEquals(0, file.code(), file.err());
        Map<String, JsonNode> expected = byId(Files.readAllLines(sums), s -> s.get("source").asText() + "#"
                + s.get("summary").asLong());
        List<String> fileDead = new ArrayList<>();
        for (String l : Files.readAllLines(dead)) {
            fileDead.add(DeadLetter.fromJson(l).reason);
        }
        assertEquals(List.of("value is blank", NO_TEXT), fileDead);

        Map<String, Integer> copies = new HashMap<>();
        Map<String, Long> summarized = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, "cli-summaries", true,
                Duration.ofSeconds(30))) {
            JsonNode s = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            String source = s.get("source").asText();
            String id = source + "#" + s.get("summary").asLong();
            assertEquals(source, new String(r.key(), StandardCharsets.UTF_8), "record key of " + id);
            assertTrue(expected.containsKey(id), "summary " + id + " not in the file mode's " + expected.keySet());
            assertEquals(KafkaTestSupport.summaryWithoutOffsets(expected.get(id)),
                    KafkaTestSupport.summaryWithoutOffsets(s), "summary " + id);
            copies.merge(id, 1, Integer::sum);
            summarized.merge(source, s.get("lines_since_last").asLong(), Long::sum);
        }
        assertEquals(expected.keySet(), copies.keySet(), "summaries seen by read_committed");
        copies.forEach((id, n) -> assertEquals(1, n, "copies of summary " + id));
        assertEquals(linesPerSource, summarized, "every valid line summarized once, per source");

        KafkaTestSupport.assertDeadLetters(conn, "cli-dlq-logs", "cli-logs", records, meta, poison);
    }

    @Test
    void contextOverKafkaMatchesFileModeAndSendsPoisonToTheDeadLetterTopic(@TempDir Path dir) throws Exception {
        KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
        // All events of the first four users that ask a query in the sample, in order; two poison records.
        List<String> all = Files.readAllLines(Path.of("..", "samples", "events", "users.jsonl"));
        Set<String> users = new LinkedHashSet<>();
        for (String l : all) {
            JsonNode n = JSON.readTree(l);
            if (n.path("query").asBoolean(false) && users.size() < 4) {
                users.add(n.get("user").asText());
            }
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> fileLines = new ArrayList<>();
        Map<Integer, String> poison = new LinkedHashMap<>();
        int queries = 0;
        for (String l : all) {
            JsonNode n = JSON.readTree(l);
            String user = n.get("user").asText();
            if (!users.contains(user)) {
                continue;
            }
            queries += n.path("query").asBoolean(false) ? 1 : 0;
            records.add(new ProducerRecord<>("cli-events", bytes(user), bytes(l)));
            fileLines.add(l);
            if (records.size() == 5) {
                poison.put(records.size(), "user event has no text");
                String p = "{\"user\":\"" + user + "\"}";
                records.add(new ProducerRecord<>("cli-events", bytes(user), bytes(p)));
                fileLines.add(p);
            } else if (records.size() == 12) {
                poison.put(records.size(), "value is not a JSON object");
                String p = "[\"who am I?\"]";
                records.add(new ProducerRecord<>("cli-events", bytes(user), bytes(p)));
                fileLines.add(p);
            }
        }
        assertTrue(queries >= 4, "queries: " + queries);
        List<RecordMetadata> meta = KafkaTopics.produce(conn, records);

        Run run = memctl("context", "--kafka", kafka.bootstrapServers(), "--bounded", "--top", "3", "--in-topic",
                "cli-events", "--out-topic", "cli-answers", "--dlq-topic", "cli-dlq-events", "--group",
                "it-cli-context", "--parallelism", "1", "--checkpoint-ms", "300");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("memctl context: cli-events -> cli-answers (exactly once), dead letters -> "
                + "cli-dlq-events, at " + kafka.bootstrapServers() + " (bounded)"), run.err());

        Path in = dir.resolve("events.jsonl");
        Files.write(in, fileLines);
        Run file = memctl("context", "--input", in.toString(), "--top", "3", "--parallelism", "1");
        assertEquals(0, file.code(), file.err());
        // queries read without writing: two queries of a user may share a position, so the query text joins the id
        Function<JsonNode, String> idOf = a -> a.get("user").asText() + "#" + a.get("position").asLong() + "#"
                + a.get("query").asText();
        Map<String, JsonNode> expected = byId(file.out().lines().toList(), idOf);
        assertEquals(queries, expected.size(), "file mode: one answer per query");
        assertEquals(poison.size(), file.err().lines().filter(l -> l.startsWith("dead letter: ")).count(),
                "file mode: the same poison records are dead letters (on stderr): " + file.err());

        Map<String, Integer> copies = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, "cli-answers", true,
                Duration.ofSeconds(30))) {
            JsonNode a = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            String id = idOf.apply(a);
            assertEquals(a.get("user").asText(), new String(r.key(), StandardCharsets.UTF_8), "record key of " + id);
            assertTrue(expected.containsKey(id), "answer " + id + " not in the file mode's " + expected.keySet());
            assertEquals(answerWithoutOffsets(expected.get(id)), answerWithoutOffsets(a), "answer " + id);
            assertTrue(a.get("events").size() > 0, "answer " + id + " holds past events");
            copies.merge(id, 1, Integer::sum);
        }
        assertEquals(expected.keySet(), copies.keySet(), "answers seen by read_committed");
        copies.forEach((id, n) -> assertEquals(1, n, "copies of answer " + id));

        KafkaTestSupport.assertDeadLetters(conn, "cli-dlq-events", "cli-events", records, meta, poison);
    }

    @Test
    void kafkaUsageErrorsExitTwoWithTheMessage(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("lines.log");
        Files.writeString(in, "hello\n");
        String bootstrap = kafka.bootstrapServers();
        List<String> tempBefore = checkpointDirs();
        for (String command : List.of("logs", "context")) {
            Run both = memctl(command, "--input", in.toString(), "--kafka", bootstrap, "--bounded");
            assertEquals(2, both.code(), both.err());
            assertEquals("memctl " + command + ": give either --input FILE or --kafka BOOTSTRAP, not both\n",
                    both.err().replace("\r", ""));
        }
        Run noKafka = memctl("logs", "--input", in.toString(), "--kafka-config", dir.resolve("c.properties").toString());
        assertEquals(2, noKafka.code(), noKafka.err());
        assertTrue(noKafka.err().contains("option --kafka-config needs --kafka BOOTSTRAP"), noKafka.err());
        Path missing = dir.resolve("missing.properties");
        Run noConfig = memctl("context", "--kafka", bootstrap, "--kafka-config", missing.toString());
        assertEquals(2, noConfig.code(), noConfig.err());
        assertTrue(noConfig.err().contains("Kafka client config " + missing + " not found"), noConfig.err());
        // An output topic that does not exist: exit 2 before the job starts, and memctl does not let the broker
        // create it on first write (which a cluster may forbid, and which races the first writes: KAFKA-15591).
        Run noOut = memctl("logs", "--kafka", bootstrap, "--bounded", "--in-topic", "cli-logs", "--out-topic",
                "cli-no-such-out", "--dlq-topic", "cli-dlq-logs");
        assertEquals(2, noOut.code(), noOut.err());
        assertTrue(noOut.err().contains("memctl logs: output topic cli-no-such-out does not exist at " + bootstrap
                + " (create it first, e.g. kafka-setup/create-topics.sh)"), noOut.err());
        Run noDlq = memctl("context", "--kafka", bootstrap, "--bounded", "--in-topic", "cli-events", "--out-topic",
                "cli-answers", "--dlq-topic", "cli-no-such-dlq");
        assertEquals(2, noDlq.code(), noDlq.err());
        assertTrue(noDlq.err().contains("memctl context: output topic cli-no-such-dlq does not exist at " + bootstrap),
                noDlq.err());
        // The demo's fixed output topics, not created on this broker: the same check, before the demo writes its sample.
        Run demo = memctl("demo", "--kafka", bootstrap, "--sample", "../samples/logs/services.log", "--incidents",
                "../samples/logs/incidents.json");
        assertEquals(2, demo.code(), demo.err());
        assertTrue(demo.err().contains("memctl demo: output topics [dead-letters, log-summaries] do not exist at "
                + bootstrap), demo.err());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties())) {
            Set<String> topics = admin.listTopics().names().get();
            assertTrue(!topics.contains("cli-no-such-out") && !topics.contains("cli-no-such-dlq"), topics.toString());
            assertTrue(!topics.contains("logs") && !topics.contains("log-summaries") && !topics.contains("dead-letters"),
                    topics.toString());
        }
        Run badParallelism = memctl("logs", "--input", in.toString(), "--parallelism", "0");
        assertEquals(2, badParallelism.code(), badParallelism.err());
        assertEquals(tempBefore, checkpointDirs(), "a usage error left a checkpoint directory behind");
    }

    /** The memctl run (and former checkpoint) directories in the temporary folder, sorted. */
    private static List<String> checkpointDirs() throws Exception {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("memctl-") && (n.contains("-chk") || n.contains("-run-")))
                    .sorted().toList();
        }
    }

    private static Map<String, JsonNode> byId(List<String> lines, Function<JsonNode, String> id) throws Exception {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                JsonNode n = JSON.readTree(l);
                assertEquals(null, m.put(id.apply(n), n), "one output per id: " + l);
            }
        }
        return m;
    }

    /** An answer without the query's and past events' offsets (Kafka offsets differ from line numbers). */
    private static JsonNode answerWithoutOffsets(JsonNode a) {
        ObjectNode c = a.deepCopy();
        c.remove("offset");
        c.get("events").forEach(e -> ((ObjectNode) e).remove("offset"));
        return c;
    }
}
