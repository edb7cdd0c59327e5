package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.exceptions.RpcLoaderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive's training run ({@link ClassArchiveTraining}): its commands split at {@code --then}, run one
 * after another in one JVM whose clusters share one Pekko RPC system ({@link MemctlRpcSystemLoader}) loaded from
 * the RPC jar the run writes, leaving nothing in the temporary directory; without its properties the loader
 * declines, and it loads the RPC system from a jar only where the jar is the nested one.
 */
class ClassArchiveTrainingTest {

    @Test
    void splitsTheCommandsAtThen() {
        assertEquals(List.of(List.of("context", "--input", "a"), List.of("logs", "--input", "b")),
                ClassArchiveTraining.commands(new String[] {"context", "--input", "a", "--then", "logs", "--input",
                        "b", "--then"}));
        assertEquals(List.of(), ClassArchiveTraining.commands(new String[] {"--then"}));
    }

    @Test
    void theLoaderDeclinesUnlessAsked() {
        assertFalse(Boolean.getBoolean(MemctlRpcSystemLoader.SHARED_PROPERTY));
        assertNull(System.getProperty(MemctlRpcSystemLoader.JAR_PROPERTY));
        assertThrows(RpcLoaderException.class, () -> new MemctlRpcSystemLoader().loadRpcSystem(new Configuration()));
    }

    @Test
    void loadsTheRpcSystemFromTheWrittenJarOnly(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("rpc.jar");
        MemctlRpcSystemLoader.writeJar(jar);
        assertEquals(List.of("rpc.jar"), NoLeftoversTest.contents(dir), "no temporary file left");
        assertEquals(jar, MemctlRpcSystemLoader.usableJar(jar.toString()));
        try (RpcSystem rpc = MemctlRpcSystemLoader.fromJar(jar)) {
            assertEquals("org.apache.flink.runtime.rpc.CleanupOnCloseRpcSystem", rpc.getClass().getName());
            assertTrue(rpc.getMaximumMessageSizeInBytes(new Configuration()) > 0);
        }
        assertTrue(Files.exists(jar), "the jar stays for the next run");
        // not the nested jar (e.g. one of another build): not used; nor a missing one
        Files.write(jar, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertNull(MemctlRpcSystemLoader.usableJar(jar.toString()));
        assertNull(MemctlRpcSystemLoader.usableJar(dir.resolve("none.jar").toString()));
        assertNull(MemctlRpcSystemLoader.usableJar(""));
        assertNull(MemctlRpcSystemLoader.usableJar(null));
        // a jar without an RPC system: Flink's own loader is tried next
        Path empty = dir.resolve("empty.jar");
        new java.util.jar.JarOutputStream(Files.newOutputStream(empty)).close();
        assertThrows(RpcLoaderException.class, () -> MemctlRpcSystemLoader.fromJar(empty));
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void runsBothJobsInOneJvmAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path events = dir.resolve("events.jsonl");
        Files.write(events, List.of("{\"user\":\"u1\",\"text\":\"I live in Lisbon\"}",
                "{\"user\":\"u1\",\"text\":\"where do I live?\",\"query\":true}"), StandardCharsets.UTF_8);
        Path logs = dir.resolve("app.log");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            lines.add("2026-01-15T08:00:00.000Z INFO web[7]: request ok id=" + i + " latency=" + (i % 13) + "ms");
        }
        Files.write(logs, lines, StandardCharsets.UTF_8);
        Path rpcJar = dir.resolve("memctl-rpc.jar");
        Path answers = dir.resolve("answers.jsonl");
        Path summaries = dir.resolve("summaries.jsonl");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-D" + MemctlRpcSystemLoader.JAR_PROPERTY + "=" + rpcJar, "-cp",
                System.getProperty("java.class.path"),
                ClassArchiveTraining.class.getName(),
                "context", "--input", events.toString(), "--output", answers.toString(), ClassArchiveTraining.THEN,
                "logs", "--input", logs.toString(), "--output", summaries.toString()));
        String out = NoLeftoversTest.run(new ProcessBuilder(cmd).redirectErrorStream(true), 0);
        assertTrue(out.contains("memctl context: done") && out.contains("memctl logs: done"), out);
        assertEquals(1, Files.readAllLines(answers).size(), out);
        assertFalse(Files.readAllLines(summaries).isEmpty(), out);
        assertEquals(List.of(), NoLeftoversTest.contents(tmp), "left in java.io.tmpdir");
        assertEquals(rpcJar, MemctlRpcSystemLoader.usableJar(rpcJar.toString()), "the RPC jar written");
    }
}
