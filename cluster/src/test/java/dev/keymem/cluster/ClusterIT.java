package dev.keymem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.sample.LogGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both keymem jobs on a real standalone Flink cluster: a JobManager and a TaskManager JVM started by
 * {@code cluster/start.sh} from the Maven-built {@code lib/}, the thin job jar submitted through the REST
 * API, Kafka to Kafka on an in-process KRaft broker, RocksDB with incremental checkpoints.
 *
 * <ol>
 *   <li>a bad argument fails the submission with its message and leaves the JobManager running;</li>
 *   <li>the uninterrupted runs (both jobs at once, parallelism 2) give the reference outputs;</li>
 *   <li>the TaskManager is killed (SIGKILL) mid-run (half the input written, a checkpoint completed,
 *       outputs committed) and another started after the rest of the input arrived: the jobs restart
 *       from their last checkpoint and the committed outputs equal the reference, no duplicates, no
 *       losses;</li>
 *   <li>both jobs are stopped with a savepoint mid-run and resumed from it at another parallelism (logs
 *       2 -> 3, context 2 -> 1): the outputs of the two runs together equal the reference.</li>
 * </ol>
 * The interrupted runs read unbounded and end, once their consumer group has committed the input's end,
 * with a drained stop-with-savepoint (end of input, as a bounded run ends). Each run has its own topics
 * holding the same records at the same offsets.
 * Needs the build's {@code target/flink/lib} and job jar (run through {@code ./mvnw verify}); skips
 * with the reason printed when they are absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** Log lines of the generated input (LogGenerator's services and incidents). */
    static final int LOG_LINES = 12_000;
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

    static Path work;
    static Path jobJar;
    static EmbeddedKafka kafka;
    static KafkaConnection conn;
    static LocalCluster cluster;
    static long queries;
    static Map<String, List<String>> reference = new LinkedHashMap<>();
    static Map<String, List<String>> referenceDead = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path lib = Path.of(System.getProperty("keymem.cluster.lib", "target/flink/lib"));
        jobJar = Path.of(System.getProperty("keymem.cluster.jobjar", "target/flink/usrlib/keymem-jobs-cluster.jar"));
        boolean ready = Files.isDirectory(lib) && Files.isRegularFile(jobJar);
        if (!ready) {
            System.out.println("ClusterIT skipped: " + lib + " or " + jobJar + " missing; they are built by the "
                    + "package phase (./mvnw verify -pl cluster -am)");
        }
        assumeTrue(ready, "cluster lib/ and job jar not built");
        Path home = Path.of(System.getProperty("keymem.cluster.home", "."));
        work = Path.of("target", "it-cluster").toAbsolutePath();
        deleteTree(work);
        Files.createDirectories(work);

        kafka = EmbeddedKafka.builder().logDir(work.resolve("kafka")).start();
        conn = KafkaConnection.of(kafka.bootstrapServers());
        for (String run : RUNS) {
            kafka.createTopics(2, "logs-" + run, "events-" + run, "summaries-" + run, "answers-" + run,
                    "dead-logs-" + run, "dead-context-" + run);
        }
        // Inputs keyed by source / user, so a key's records stay in order in one partition; every run reads
        // its own topic with the same records in the same partitions at the same offsets.
        List<String> lines = LogGenerator.writeSample(work.resolve("input"), LOG_LINES, LogGenerator.SAMPLE_SEED).lines;
        for (String line : lines) {
            Matcher m = SERVICE.matcher(line);
            logInput.add(record(m.find() ? m.group(1) : null, line));
        }
        logInput.add(LOG_LINES / 3, record("api", "{\"source\": \"api\"}")); // poison: no text
        Path events = Path.of(System.getProperty("keymem.samples", "../samples")).resolve("events/users.jsonl");
        for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
            eventInput.add(record(LocalCluster.JSON.readTree(line).get("user").asText(), line));
            queries += line.contains("\"query\":true") ? 1 : 0;
        }
        eventInput.add(eventInput.size() / 3, record("u0001", "{\"user\": \"u0001\"}")); // poison: no text

        cluster = new LocalCluster(home, work.resolve("flink"), lib, jobJar, 4, "1 s");
        cluster.start();
    }

    // Recent (the broker deletes records older than its retention, by timestamp), the same in every run.
    static final long BASE_TIMESTAMP = System.currentTimeMillis() - 60_000;
    static final List<String> RUNS = List.of("ref", "kill", "scale");
    static final Pattern SERVICE = Pattern.compile("\\s([\\w.-]+)\\[\\d+\\]:");
    static final List<String[]> logInput = new ArrayList<>();
    static final List<String[]> eventInput = new ArrayList<>();

    static String[] record(String key, String value) {
        return new String[] {key, value};
    }

    /** Writes records {@code [from, to)} of {@code input} to {@code topic}, in order. */
    static void produce(String topic, List<String[]> input, int from, int to) {
        List<ProducerRecord<byte[], byte[]>> rs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String[] r = input.get(i);
            // A fixed record timestamp (dead letters carry it), the same in every run.
            rs.add(new ProducerRecord<>(topic, null, BASE_TIMESTAMP + i,
                    r[0] == null ? null : r[0].getBytes(StandardCharsets.UTF_8), r[1].getBytes(StandardCharsets.UTF_8)));
        }
        KafkaTopics.produce(conn, rs);
    }

    /** Writes the first half of both inputs for {@code run}. */
    static void produceFirstHalf(String run) {
        produce("logs-" + run, logInput, 0, logInput.size() / 2);
        produce("events-" + run, eventInput, 0, eventInput.size() / 2);
    }

    static void produceSecondHalf(String run) {
        produce("logs-" + run, logInput, logInput.size() / 2, logInput.size());
        produce("events-" + run, eventInput, eventInput.size() / 2, eventInput.size());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    /** The job's arguments for {@code run}: bounded (stops at the input's end) or running until stopped. */
    static List<String> args(String job, String run, boolean bounded) {
        List<String> a = new ArrayList<>(List.of("--job", job, "--kafka", kafka.bootstrapServers(),
                "--group", group(job, run), "--transactional-id-prefix", job + "-" + run));
        if (bounded) {
            a.add("--bounded");
        }
        if (job.equals("logs")) {
            // Count-based summaries only: time-based ones would depend on processing speed.
            a.addAll(List.of("--in-topic", "logs-" + run, "--out-topic", "summaries-" + run, "--dlq-topic",
                    "dead-logs-" + run, "--every-lines", "200", "--every-seconds", "0"));
        } else {
            a.addAll(List.of("--in-topic", "events-" + run, "--out-topic", "answers-" + run, "--dlq-topic",
                    "dead-context-" + run));
        }
        return a;
    }

    static String group(String job, String run) {
        return job + "-" + run;
    }

    static String inTopic(String job, String run) {
        return (job.equals("logs") ? "logs-" : "events-") + run;
    }

    static String outTopic(String job, String run) {
        return (job.equals("logs") ? "summaries-" : "answers-") + run;
    }

    static String deadTopic(String job, String run) {
        return (job.equals("logs") ? "dead-logs-" : "dead-context-") + run;
    }

    /** The committed (read_committed) records of {@code topic} as "key TAB value", sorted. */
    static List<String> committed(String topic) {
        return read(topic, true);
    }

    static List<String> read(String topic, boolean readCommitted) {
        List<ConsumerRecord<byte[], byte[]>> rs = KafkaTopics.readToEnd(conn, topic, readCommitted, Duration.ofMinutes(2));
        return rs.stream().map(r -> (r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)) + "\t"
                + new String(r.value(), StandardCharsets.UTF_8)).sorted().collect(Collectors.toList());
    }

    /** Writes what {@code topic} holds (committed, then everything) under target/it-cluster, for diagnosis. */
    static void dump(String topic) {
        try {
            Files.write(work.resolve(topic + ".committed.txt"), read(topic, true));
            Files.write(work.resolve(topic + ".all.txt"), read(topic, false));
        } catch (java.io.IOException | RuntimeException e) {
            System.out.println("ClusterIT: cannot dump " + topic + ": " + e);
        }
    }

    /**
     * The committed outputs of {@code run} equal the reference's, as multisets (so no duplicates and no
     * losses); dead letters too, with the input topic's name replaced by the reference's.
     */
    static void assertSameOutputs(String job, String run) {
        for (String t : List.of(outTopic(job, run), deadTopic(job, run), outTopic(job, "ref"), deadTopic(job, "ref"))) {
            dump(t);
        }
        List<String> out = committed(outTopic(job, run));
        assertEquals(reference.get(job).size(), out.size(), job + " " + run + ": number of outputs");
        assertEquals(reference.get(job), out, job + " " + run + ": outputs differ from the uninterrupted run");
        List<String> dead = committed(deadTopic(job, run)).stream().map(d -> d.replace(inTopic(job, run),
                inTopic(job, "ref"))).toList();
        assertEquals(referenceDead.get(job), dead, job + " " + run + ": dead letters");
    }

    /**
     * Waits until the job's consumer group has committed the input topic's end offsets (the source commits
     * at each completed checkpoint: every input record is then in the checkpointed state and the outputs it
     * caused are committed), then stops the job with a drained savepoint: the end of input fires the final
     * summaries, as at the end of a bounded run.
     */
    static void drainAtEnd(String job, String jobId, String run) throws Exception {
        Map<TopicPartition, Long> end = new LinkedHashMap<>();
        try (Admin admin = Admin.create(conn.allProperties())) {
            String topic = inTopic(job, run);
            var desc = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            desc.partitions().forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            admin.listOffsets(specs).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            LocalCluster.awaitTrue("group " + group(job, run) + " at " + end, JOB_TIMEOUT, () -> {
                if (!cluster.uncheckedState(jobId).equals("RUNNING")) {
                    throw new IllegalStateException("job " + jobId + " is " + cluster.uncheckedState(jobId));
                }
                try {
                    Map<TopicPartition, OffsetAndMetadata> at = admin.listConsumerGroupOffsets(group(job, run))
                            .partitionsToOffsetAndMetadata().get();
                    return end.entrySet().stream().allMatch(e -> at.get(e.getKey()) != null
                            && at.get(e.getKey()).offset() >= e.getValue());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        cluster.stopWithSavepoint(jobId, true, JOB_TIMEOUT);
    }

    @Test
    @Order(1)
    void badArgumentsFailTheSubmissionNotTheCluster() throws Exception {
        LocalCluster.Response r = cluster.run(jobJar, List.of("--job", "nope"), 1, null);
        assertTrue(r.status() >= 400, "status " + r.status());
        assertTrue(r.body().toString().contains("expected logs or context"), r.body().toString());
        assertEquals(1, cluster.get("/overview").get("taskmanagers").asInt(), "the cluster is still up");
    }

    @Test
    @Order(2)
    void uninterruptedRunsGiveTheReference() throws Exception {
        produceFirstHalf("ref");
        produceSecondHalf("ref");
        String logs = cluster.submit(jobJar, args("logs", "ref", true), 2, null);
        String context = cluster.submit(jobJar, args("context", "ref", true), 2, null);
        cluster.awaitFinished(logs, JOB_TIMEOUT);
        cluster.awaitFinished(context, JOB_TIMEOUT);
        for (String job : List.of("logs", "context")) {
            dump(outTopic(job, "ref"));
            dump(deadTopic(job, "ref"));
            reference.put(job, committed(outTopic(job, "ref")));
            referenceDead.put(job, committed(deadTopic(job, "ref")));
            assertEquals(1, referenceDead.get(job).size(), job + ": the poison record, once: " + referenceDead.get(job));
        }
        // Every line of every source summarized; every query answered.
        long lines = reference.get("logs").stream().mapToLong(s -> json(s).get("lines_since_last").asLong()).sum();
        assertEquals(LOG_LINES, lines, "log lines summarized");
        assertTrue(reference.get("logs").stream().anyMatch(s -> json(s).get("final").asBoolean()));
        assertEquals(queries, reference.get("context").size(), "one answer per query");
        System.out.printf("ClusterIT reference: %d summaries, %d answers%n", reference.get("logs").size(),
                reference.get("context").size());
    }

    @Test
    @Order(3)
    void killedTaskManagerGivesExactlyTheReference() throws Exception {
        assumeTrue(!reference.isEmpty(), "needs the reference run");
        // Half the input, so the jobs are surely mid-stream when the TaskManager dies; the rest arrives while
        // no TaskManager runs.
        produceFirstHalf("kill");
        String logs = cluster.submit(jobJar, args("logs", "kill", false), 2, null);
        String context = cluster.submit(jobJar, args("context", "kill", false), 2, null);
        awaitMidRun(logs, "logs", "kill");
        awaitMidRun(context, "context", "kill");
        assertEquals(1, cluster.killTaskManagers(), "killed TaskManagers");
        produceSecondHalf("kill");
        cluster.startTaskManager();
        drainAtEnd("logs", logs, "kill");
        drainAtEnd("context", context, "kill");
        for (String job : List.of(logs, context)) {
            assertFalse(cluster.exceptions(job).isEmpty(), "job " + job + " was restarted after the TaskManager loss");
        }
        assertSameOutputs("logs", "kill");
        assertSameOutputs("context", "kill");
    }

    @Test
    @Order(4)
    void savepointAndRescaleGiveTheReference() throws Exception {
        assumeTrue(!reference.isEmpty(), "needs the reference run");
        produceFirstHalf("scale");
        String logs = cluster.submit(jobJar, args("logs", "scale", false), 2, null);
        String context = cluster.submit(jobJar, args("context", "scale", false), 2, null);
        awaitMidRun(logs, "logs", "scale");
        awaitMidRun(context, "context", "scale");
        String logsSavepoint = cluster.stopWithSavepoint(logs, false, JOB_TIMEOUT);
        String contextSavepoint = cluster.stopWithSavepoint(context, false, JOB_TIMEOUT);
        produceSecondHalf("scale");
        String logs2 = cluster.submit(jobJar, args("logs", "scale", false), 3, logsSavepoint);
        String context2 = cluster.submit(jobJar, args("context", "scale", false), 1, contextSavepoint);
        drainAtEnd("logs", logs2, "scale");
        drainAtEnd("context", context2, "scale");
        int max = 0;
        for (var v : cluster.get("/jobs/" + logs2).get("vertices")) {
            max = Math.max(max, v.get("parallelism").asInt());
        }
        assertEquals(3, max, "the resumed log job's parallelism");
        assertSameOutputs("logs", "scale");
        assertSameOutputs("context", "scale");
    }

    /** Waits until {@code jobId} is RUNNING with a completed checkpoint and some committed outputs. */
    static void awaitMidRun(String jobId, String job, String run) throws Exception {
        LocalCluster.awaitTrue("a completed checkpoint and outputs of " + job, JOB_TIMEOUT, () -> {
            String s = cluster.uncheckedState(jobId);
            if (!s.equals("RUNNING") && !s.equals("INITIALIZING") && !s.equals("CREATED")) {
                throw new IllegalStateException("job " + jobId + " is " + s + cluster.logs());
            }
            return cluster.uncheckedCheckpoints(jobId) >= 1 && !committed(outTopic(job, run)).isEmpty();
        });
    }

    static com.fasterxml.jackson.databind.JsonNode json(String keyTabValue) {
        try {
            return LocalCluster.JSON.readTree(keyTabValue.substring(keyTabValue.indexOf('\t') + 1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
