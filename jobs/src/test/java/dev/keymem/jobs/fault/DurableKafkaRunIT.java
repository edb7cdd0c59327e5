package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.cli.Memctl;
import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.logs.LogLineParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 6 of issue 14 and the fault suite's process-level scenarios, in the spirit of Flink's
 * {@code ResumeCheckpointManuallyITCase}: {@code memctl logs --kafka --checkpoint-dir DIR} runs in its own
 * JVM against the in-process KRaft broker; the JVM is killed (SIGKILL) once results are committed, and
 * {@code --resume} continues from the retained checkpoint; another run is stopped by SIGTERM (the handler
 * Ctrl-C also reaches), which stops the job with a savepoint, and {@code --resume} continues from that.
 * A read_committed consumer must see exactly what an uninterrupted run writes, bit for bit: 0 duplicates,
 * 0 losses. Counts are printed.
 *
 * <p>The child JVMs run {@link Memctl} from the test classpath (the module's classes and the unchanged Flink jars)
 * unless the system property {@value #MEMCTL_JAR} names a built memctl jar ({@code
 * -Dkeymem.it.memctlJar=target/memctl.jar}, relative to the module): then they run it as the launcher does,
 * {@code -cp JAR} with the launcher's {@code --add-opens} and (Java 17) {@code --add-modules jdk.incubator.vector},
 * and {@code -Dkeymem.rpc.jar} where the jar's Pekko RPC
 * jar is there and newer ({@code JAR} with {@code -rpc.jar} for {@code .jar}; none where the name does not
 * end in {@code .jar}), so the Kafka, checkpoint, kill,
 * restore and stop-with-savepoint paths run on the classes {@code JarRewrite} changed (Flink's and keymem's lambda
 * call sites made plain classes, Flink's string concatenations inlined). A named jar that is not there fails the
 * test. A plain {@code verify} (the CI's {@code .ci/run}) runs it that way, once, on this build's jar: the jobs
 * module's profile {@code memctl-jar-it} (active where no {@code -Dtest} is given) leaves it out of the {@code test}
 * phase and runs it in {@code integration-test}, after {@code package} has shaded and rewritten memctl.jar and
 * written its class archive and RPC jar, with the property set to {@code target/memctl.jar}; a failure fails the
 * build. Alone on the jar: {@code ./mvnw -B -o -pl jobs -am verify -Pmemctl-jar-it -Dtest=NoSuchTest
 * -Dsurefire.failIfNoSpecifiedTests=false}. With {@code -Dtest=DurableKafkaRunIT} it runs in the {@code test}
 * phase as any test, on the test classpath (or on a jar built before, with {@code
 * -Dkeymem.it.memctlJar=target/memctl.jar}: at the {@code test} phase that jar is the previous build's).
 */
class DurableKafkaRunIT {
    /** The system property naming a memctl jar for the child JVMs (see the class doc). */
    static final String MEMCTL_JAR = "keymem.it.memctlJar";

    static EmbeddedKafka kafka;
    static KafkaConnection conn;
    static int records;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.builder().start();
        conn = KafkaConnection.of(kafka.bootstrapServers(), Map.of());
        kafka.createTopics(2, "dur-logs");
        kafka.createTopics(1, "dur-ref", "dur-killed", "dur-stopped", "dur-dlq-ref", "dur-dlq-killed", "dur-dlq-stopped");
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "logs", "services.log"));
        LogLineParser parser = new LogLineParser(null);
        List<ProducerRecord<byte[], byte[]>> send = new ArrayList<>();
        // enough input that the first checkpoint's transaction (the job runs fast) holds well under half
        for (int i = 0; i < 48_000; i++) {
            String l = lines.get(i % lines.size());
            String source = parser.parse(null, l, i, -1).source;
            send.add(new ProducerRecord<>("dur-logs", source.getBytes(StandardCharsets.UTF_8),
                    l.getBytes(StandardCharsets.UTF_8)));
            if (i % 12_000 == 350) {
                send.add(new ProducerRecord<>("dur-logs", source.getBytes(StandardCharsets.UTF_8),
                        new byte[] {'{', 's', (byte) 0xFF, '}'}));
            }
        }
        KafkaTopics.produce(conn, send);
        records = send.size();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static String[] args(String out, String dlq, String... more) {
        List<String> a = new ArrayList<>(List.of("logs", "--kafka", kafka.bootstrapServers(), "--in-topic", "dur-logs",
                "--out-topic", out, "--dlq-topic", dlq, "--group", "dur-" + out, "--every-lines", "100",
                "--every-seconds", "0", "--checkpoint-ms", "300"));
        a.addAll(List.of(more));
        return a.toArray(new String[0]);
    }

    static int inProcess(String[] args, StringBuilder err) {
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Memctl.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        err.append(e.toString(StandardCharsets.UTF_8));
        return code;
    }

    static Process jvm(Path tmp, Path log, String[] args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(classpath());
        cmd.add(Memctl.class.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The child JVMs' class path options: the test classpath, or the jar {@value #MEMCTL_JAR} names. */
    static List<String> classpath() {
        String named = System.getProperty(MEMCTL_JAR, "");
        if (named.isBlank()) {
            return List.of("-cp", System.getProperty("java.class.path"));
        }
        Path jar = Path.of(named).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), MEMCTL_JAR + " names no file: " + jar);
        List<String> options = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.util=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED"));
        String file = jar.getFileName().toString();
        Path rpc = file.endsWith(".jar")
                ? jar.resolveSibling(file.substring(0, file.length() - ".jar".length()) + "-rpc.jar") : null;
        try {
            if (rpc != null && Files.isRegularFile(rpc)
                    && Files.getLastModifiedTime(rpc).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                options.add("-Dkeymem.rpc.jar=" + rpc);
            }
        } catch (java.io.IOException unreadable) {
            // no RPC jar: Flink extracts Pekko from the memctl jar, as the launcher's runs without it do
        }
        options.addAll(List.of("-cp", jar.toString()));
        return options;
    }

    /** Waits until the run in {@code p} has submitted its job (its signal handlers are in place). */
    static void awaitRunning(Process p, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!Files.readString(log).contains(": running (job ")) {
            assertTrue(p.isAlive(), "the run ended early: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "the job did not start: " + Files.readString(log));
            Thread.sleep(200);
        }
    }

    /** The threads of a run that did not stop in time (jcmd Thread.print), then kills it. */
    static String threadsOf(Process p) throws Exception {
        if (!p.isAlive()) {
            return "";
        }
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String dump = "";
        if (Files.isExecutable(jcmd)) {
            Process d = new ProcessBuilder(jcmd.toString(), Long.toString(p.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            dump = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            d.waitFor(30, TimeUnit.SECONDS);
        }
        p.destroyForcibly().waitFor();
        return "threads:\n" + dump + "\nlog:\n";
    }

    static List<String> committed(String topic) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, topic, true, Duration.ofSeconds(60))) {
            out.add((r.key() == null ? "null" : new String(r.key(), StandardCharsets.UTF_8)) + " " + new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Waits until {@code topic} holds at least {@code n} committed results while {@code p} runs. */
    static void awaitCommitted(String topic, int n, Process p, Path log) throws Exception {
        // one consumer that keeps polling, so the wait ends within a poll of the n-th commit (a fresh
        // consumer per check took long enough for a fast run to commit half its output in between)
        Properties props = conn.allProperties();
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("enable.auto.commit", "false");
        props.remove("group.id");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            int seen = 0;
            while (seen < n) {
                assertTrue(p.isAlive(), "the run ended early: " + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "not enough committed results: " + Files.readString(log));
                seen += c.poll(Duration.ofMillis(100)).count();
            }
        }
    }

    /**
     * An unbounded run is killed (SIGKILL) once results are committed; a second JVM resumes from the retained
     * checkpoint and is stopped by SIGTERM (as by Ctrl-C: stop with savepoint, exit 0, no temporary files
     * left); a third resumes from that savepoint and is stopped once every result of the uninterrupted run is
     * committed. (Unbounded runs: a resumed Kafka source keeps the stopping offsets of the run it resumes, so
     * the final end-of-input summaries, which only bounded runs write, are left out of the comparison.)
     */
    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void aKilledJvmResumesFromItsCheckpointAndASigtermStopsWithASavepoint(@TempDir Path dir) throws Exception {
        StringBuilder err = new StringBuilder();
        assertEquals(0, inProcess(args("dur-ref", "dur-dlq-ref", "--bounded"), err), err.toString());
        List<String> ref = committed("dur-ref").stream().filter(o -> !o.contains("\"final\":true")).toList();
        List<String> refDead = committed("dur-dlq-ref");
        assertTrue(ref.size() > 20, "summaries: " + ref.size());
        assertEquals(4, refDead.size(), "one dead letter per poison record");
        Path chk = dir.resolve("chk");
        String[] run = args("dur-killed", "dur-dlq-killed", "--checkpoint-dir", chk.toString());
        String[] resume = args("dur-killed", "dur-dlq-killed", "--checkpoint-dir", chk.toString(), "--resume");

        Path log1 = dir.resolve("1.log");
        Process p1 = jvm(Files.createDirectories(dir.resolve("tmp1")), log1, run);
        awaitCommitted("dur-killed", 3, p1, log1);
        p1.destroyForcibly().waitFor();
        int afterKill = committed("dur-killed").size();

        Path log2 = dir.resolve("2.log");
        Path tmp2 = Files.createDirectories(dir.resolve("tmp2"));
        Process p2 = jvm(tmp2, log2, resume);
        // a checkpoint commits all results since the one before: on a loaded machine the first commit can come
        // late and hold over half of them (259 of 477 seen), so the kill need only leave a quarter for the two
        // resumed runs to do
        assertTrue(afterKill < ref.size() * 3 / 4, "killed early enough: " + afterKill + " of " + ref.size());
        awaitCommitted("dur-killed", afterKill + (ref.size() - afterKill) / 2, p2, log2);
        p2.destroy(); // SIGTERM, as Ctrl-C
        assertTrue(p2.waitFor(120, TimeUnit.SECONDS), "stopped within 2 minutes: " + threadsOf(p2) + Files.readString(log2));
        String stopped = Files.readString(log2);
        assertEquals(0, p2.exitValue(), stopped);
        assertTrue(stopped.contains("resuming from " + chk.toAbsolutePath()), stopped);
        assertTrue(stopped.contains("stopped with savepoint"), stopped);
        try (var s = Files.list(tmp2)) {
            assertEquals(List.of(), s.toList(), "a stopped run leaves no temporary files");
        }
        int afterStop = committed("dur-killed").size();

        Path log3 = dir.resolve("3.log");
        Process p3 = jvm(Files.createDirectories(dir.resolve("tmp3")), log3, resume);
        awaitCommitted("dur-killed", ref.size(), p3, log3);
        awaitRunning(p3, log3); // p2's savepoint may have committed everything already
        Thread.sleep(5000); // a duplicate would show up here
        p3.destroy();
        assertTrue(p3.waitFor(120, TimeUnit.SECONDS), "stopped within 2 minutes: " + threadsOf(p3) + Files.readString(log3));
        String third = Files.readString(log3);
        assertTrue(third.contains("resuming from " + chk.toAbsolutePath().resolve("savepoints")), third);
        System.out.printf("[fault-suite] SIGKILL after %d outputs, SIGTERM after %d; child JVMs on %s%n", afterKill,
                afterStop, System.getProperty(MEMCTL_JAR, "").isBlank() ? "the test classpath"
                        : Path.of(System.getProperty(MEMCTL_JAR)).toAbsolutePath());
        FaultSuiteIT.compare("SIGKILL + --resume, SIGTERM (stop with savepoint) + --resume", 2, records, ref,
                committed("dur-killed"), refDead, committed("dur-dlq-killed"));
    }
}
