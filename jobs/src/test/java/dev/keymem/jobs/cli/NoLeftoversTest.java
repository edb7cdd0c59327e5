package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 9 of issue 14: a run of {@code memctl logs} in its own JVM (java.io.tmpdir pointed at a fresh
 * directory) leaves nothing in the temporary directory (no flink-rpc-akka jar, no minicluster_* or
 * checkpoint directory), and the directory a killed run left behind is removed by the next run.
 */
class NoLeftoversTest {

    static ProcessBuilder memctl(Path tmp, String... args) {
        return memctl(tmp, List.of(), args);
    }

    static ProcessBuilder memctl(Path tmp, List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Memctl.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }

    static String run(ProcessBuilder pb, int expectedExit) throws Exception {
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(expectedExit, p.waitFor(), output);
        return output;
    }

    static List<String> contents(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRunLeavesNothingInTheTempDirectoryAndCleansUpAfterAKilledOne(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[7]: request ok id=" + i + " latency=" + (i % 13) + "ms");
        }
        Path big = dir.resolve("big.log");
        Files.write(big, lines, StandardCharsets.UTF_8);
        // a run killed while its job runs leaves its directory behind ...
        Process killed = memctl(tmp, "logs", "--input", big.toString(), "--output", dir.resolve("k.jsonl").toString())
                .start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(killed.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null && !l.startsWith("[progress]")) {
                // wait until the job runs
            }
            killed.destroyForcibly().waitFor();
        }
        assertTrue(!contents(tmp).isEmpty(), "the killed run left files");
        // ... which the next run removes, leaving nothing of its own
        Path small = dir.resolve("small.log");
        Files.write(small, lines.subList(0, 50), StandardCharsets.UTF_8);
        run(memctl(tmp, "logs", "--input", small.toString(), "--output", dir.resolve("s.jsonl").toString()), 0);
        assertEquals(List.of(), contents(tmp), "left in java.io.tmpdir");
    }

    /** Nor does a run of the context job, nor a run whose job fails on every attempt (exit 1). */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void contextAndFailedRunsLeaveNothing(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of("{\"user\":\"u1\",\"text\":\"I live in Lisbon\"}",
                "{\"user\":\"u1\",\"text\":\"where do I live?\",\"query\":true}"), StandardCharsets.UTF_8);
        run(memctl(tmp, "context", "--input", events.toString(), "--output", dir.resolve("a.jsonl").toString()), 0);
        assertEquals(List.of(), contents(tmp), "left in java.io.tmpdir by memctl context");

        Path notADir = Files.writeString(dir.resolve("not-a-directory"), "x");
        // (a file run's keyed state is the batch state backend: turned off, RocksDB and its bad directory run it)
        String out = run(memctl(tmp, List.of("-Dkeymem.flink.state.backend.rocksdb.localdir=" + notADir.resolve("r"),
                        "-Dkeymem.flink.execution.batch-state-backend.enabled=false"),
                "logs", "--input", events.toString(), "--output", dir.resolve("f.jsonl").toString(),
                "--restart-attempts", "1"), 1);
        assertTrue(out.contains("not-a-directory"), out);
        assertEquals(List.of(), contents(tmp), "left in java.io.tmpdir by a failed run");
    }

    /** Nor does {@code memctl eval context}, whose job runs on an embedded cluster of its own. */
    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anEvaluationLeavesNothing(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        run(memctl(tmp, "eval", "context", "--lengths", "20", "--users", "1", "--fact-users", "1", "--filler", "50",
                "--no-ablation"), 0);
        assertEquals(List.of(), contents(tmp), "left in java.io.tmpdir by memctl eval context");
    }
}
