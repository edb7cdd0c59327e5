package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTopics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file run that ended well ends its JVM at once ({@link JobCli#quickExit}, {@code Runtime.halt} in
 * {@link Memctl#main}): only after such a run (not after a usage failure, {@code --help} or a bounded Kafka run,
 * also when a file run came before them in the same JVM), not when a signal came, and not with
 * {@code -Dkeymem.file-run.quick-exit=false}; such a JVM is halted (its shutdown hooks do not run) and has
 * written everything: results on stdout, dead letters and progress on stderr, exit
 * code 0 (a failed run's exit code is covered by {@link NoLeftoversTest} and {@link MemctlAwkwardInputTest}).
 */
class QuickExitTest {

    private static final List<String> LINES = List.of("2026-01-15T08:00:00.000Z INFO web[7]: request ok id=1",
            "2026-01-15T08:00:01.000Z INFO web[7]: request ok id=2", "", "2026-01-15T08:00:02.000Z WARN db[9]: slow");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void onlyAFileRunThatEndedWellAsksForIt(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.log"), LINES, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] fileRun = {"logs", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString(),
            "--dead-letters", dir.resolve("dl.jsonl").toString()};

        Memctl.Outcome usage = Memctl.execute(new String[] {"logs", "--input", dir.resolve("missing.log")
                .toString()}, e, e);
        assertEquals(Memctl.EXIT_USAGE, usage.code());
        assertFalse(JobCli.quickExit(usage, false, false), "after a usage failure");

        Memctl.Outcome file = Memctl.execute(fileRun, e, e);
        assertEquals(Memctl.EXIT_OK, file.code(), err.toString(StandardCharsets.UTF_8));
        assertTrue(JobCli.quickExit(file, false, false), "after a file run that ended well");
        assertFalse(JobCli.quickExit(file, true, false), "a signal came: the JVM's shutdown decides");

        // after a file run in the same JVM, a later command that is no file run does not inherit it
        Memctl.Outcome usageAfter = Memctl.execute(new String[] {"logs", "--every-lines", "x", "--input",
            in.toString()}, e, e);
        assertEquals(Memctl.EXIT_USAGE, usageAfter.code());
        assertFalse(usageAfter.fileRunEnded(), "a usage failure after a file run");
        Memctl.Outcome help = Memctl.execute(new String[] {"--help"}, e, e);
        assertEquals(Memctl.EXIT_OK, help.code());
        assertFalse(JobCli.quickExit(help, false, false), "--help after a file run");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().start()) {
            kafka.createTopics(1, "qe-logs", "qe-summaries", "qe-dlq");
            KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (String line : LINES) {
                records.add(new ProducerRecord<>("qe-logs", line.getBytes(StandardCharsets.UTF_8)));
            }
            KafkaTopics.produce(conn, records);
            err.reset();
            Memctl.Outcome onKafka = Memctl.execute(new String[] {"logs", "--kafka", kafka.bootstrapServers(),
                "--bounded", "--in-topic", "qe-logs", "--out-topic", "qe-summaries", "--dlq-topic", "qe-dlq",
                "--group", "qe", "--parallelism", "1", "--checkpoint-ms", "300"}, e, e);
            assertEquals(Memctl.EXIT_OK, onKafka.code(), err.toString(StandardCharsets.UTF_8));
            assertFalse(JobCli.quickExit(onKafka, false, false), "after a bounded Kafka run");
        }

        Memctl.Outcome again = Memctl.execute(fileRun, e, e);
        assertTrue(JobCli.quickExit(again, false, false), "a file run after other commands");
        String before = System.getProperty(JobCli.QUICK_EXIT_PROPERTY);
        try {
            System.setProperty(JobCli.QUICK_EXIT_PROPERTY, "false");
            assertFalse(JobCli.quickExit(again, false, false));
        } finally {
            if (before == null) {
                System.clearProperty(JobCli.QUICK_EXIT_PROPERTY);
            } else {
                System.setProperty(JobCli.QUICK_EXIT_PROPERTY, before);
            }
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJvmEndedAtOnceHasWrittenEverything(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path in = Files.write(dir.resolve("in.log"), LINES, StandardCharsets.UTF_8);
        Process p = NoLeftoversTest.memctl(tmp, "logs", "--input", in.toString()).redirectErrorStream(false)
                .redirectError(dir.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        String err = Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
        assertEquals(2, out.lines().count(), out + err); // one summary per source
        assertTrue(out.lines().allMatch(l -> l.startsWith("{") && l.endsWith("}")), out);
        assertEquals(1, err.lines().filter(l -> l.startsWith("dead letter: ")).count(), err);
        assertTrue(err.contains("memctl logs: done in ") && err.contains("2 summaries, 1 dead letters"), err);
        assertEquals(List.of(), NoLeftoversTest.contents(tmp), "left in java.io.tmpdir");
    }

    /** {@link Memctl#main} with a shutdown hook that writes the file named by the first argument (a halt skips it). */
    static final class HookProbe {
        public static void main(String[] args) {
            Path marker = Path.of(args[0]);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(marker, "hooks ran");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
            Memctl.main(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
    }

    /**
     * The halt is taken: after a file run that ended well the JVM's shutdown hooks do not run (exit code 0); with
     * {@code -Dkeymem.file-run.quick-exit=false}, and after a usage failure, they do.
     */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileRunThatEndedWellSkipsTheShutdownHooks(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path in = Files.write(dir.resolve("in.log"), LINES, StandardCharsets.UTF_8);
        String[][] cases = {{"true", "0", "no"}, {"false", "0", "yes"}, {"true", "2", "yes"}};
        for (String[] c : cases) {
            Path marker = dir.resolve("hooks-" + c[0] + "-" + c[1]);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-D" + JobCli.QUICK_EXIT_PROPERTY + "=" + c[0],
                    "-cp", System.getProperty("java.class.path"), HookProbe.class.getName(), marker.toString(),
                    "logs", "--input", c[1].equals("0") ? in.toString() : dir.resolve("missing.log").toString(),
                    "--output", dir.resolve("out.jsonl").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Integer.parseInt(c[1]), p.waitFor(), out);
            assertEquals(c[2].equals("yes"), Files.exists(marker), "hooks ran, quick exit " + c[0] + ": " + out);
        }
    }

    @Test
    void notWhereFlightRecorderOrAJavaAgentMayWriteOnExit() {
        assertFalse(JobCli.exitHooksWanted(List.of("-Xmx512m", "-XX:+UseSerialGC", "-agentpath:/x/libprof.so=start"),
                false), "plain options and a native agent (it sees the VM's end under halt too)");
        assertTrue(JobCli.exitHooksWanted(List.of(), true), "a recorder started by jcmd");
        for (String o : List.of("-XX:StartFlightRecording", "-XX:StartFlightRecording=filename=r.jfr",
                "-XX:+FlightRecorder", "-XX:FlightRecorderOptions=repository=x", "-javaagent:jacoco.jar=destfile=x")) {
            assertTrue(JobCli.exitHooksWanted(List.of("-Xmx512m", o), false), o);
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFlightRecordingOfAFileRunIsWrittenAndItsRepositoryRemoved(@TempDir Path dir) throws Exception {
        // with Runtime.halt the recording was an empty file and JFR's repository stayed in java.io.tmpdir
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path in = Files.write(dir.resolve("in.log"), LINES, StandardCharsets.UTF_8);
        Path jfr = dir.resolve("run.jfr");
        NoLeftoversTest.run(NoLeftoversTest.memctl(tmp, List.of("-XX:StartFlightRecording=filename=" + jfr),
                "logs", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString()), 0);
        assertTrue(Files.size(jfr) > 0, "the recording is written");
        assertEquals(List.of(), NoLeftoversTest.contents(tmp), "left in java.io.tmpdir");
    }
}
