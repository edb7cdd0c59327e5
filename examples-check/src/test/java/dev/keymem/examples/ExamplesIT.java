package dev.keymem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code examples/verify.sh}: keymem installed into a private local repository, {@code examples/}
 * copied elsewhere and built there as a fresh project depending only on the BOM and the coordinates,
 * both example jobs run, as an IDE runs them (embedded MiniCluster) and submitted through
 * {@code cluster/submit.sh} to a standalone cluster of {@code cluster/start.sh} (JobManager and
 * TaskManager JVMs on 127.0.0.1), and their output checked. {@code -Dkeymem.skipExamples=true} skips it.
 */
class ExamplesIT {
    @Test
    void freshProjectBuildsAndRunsBothJobs() throws Exception {
        boolean skip = Boolean.getBoolean("keymem.skipExamples");
        if (skip) {
            System.out.println("ExamplesIT skipped: -Dkeymem.skipExamples=true");
        }
        assumeFalse(skip, "keymem.skipExamples");
        Path repo = Path.of(System.getProperty("keymem.repo", "..")).toAbsolutePath().normalize();
        Path log = repo.resolve("examples/target/verify.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder("bash", repo.resolve("examples/verify.sh").toString()).directory(repo.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // The script's own defaults (free ports, its own cluster directory), whatever this shell has set.
        pb.environment().keySet().removeIf(k -> k.startsWith("KEYMEM_"));
        pb.environment().put("KEYMEM_EXAMPLES_CLUSTER", "1");
        String m2 = System.getProperty("keymem.m2", "");
        if (!m2.isBlank() && Files.isDirectory(Path.of(m2))) {
            pb.environment().put("KEYMEM_M2_TAIL", m2);
        }
        Process p = pb.start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(done, "verify.sh did not finish in 15 minutes:\n" + out);
        assertEquals(0, p.exitValue(), "verify.sh failed:\n" + out);
        assertTrue(out.contains("verify: both jobs ran on the standalone cluster"), out);
        assertTrue(out.contains("verify: ok"), out);
    }
}
