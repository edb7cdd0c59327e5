package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file run that ended well ends its JVM at once ({@link JobCli#quickExit}, {@code Runtime.halt} in
 * {@link Memctl#main}): only after such a run, not with {@code -Dkeymem.file-run.quick-exit=false}; and a JVM
 * ended that way has written everything: results on stdout, dead letters and progress on stderr, exit code 0
 * (a failed run's exit code is covered by {@link NoLeftoversTest} and {@link MemctlAwkwardInputTest}).
 */
class QuickExitTest {

    private static final List<String> LINES = List.of("2026-01-15T08:00:00.000Z INFO web[7]: request ok id=1",
            "2026-01-15T08:00:01.000Z INFO web[7]: request ok id=2", "", "2026-01-15T08:00:02.000Z WARN db[9]: slow");

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFileRunThatEndedWellAsksForIt(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.log"), LINES, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(Memctl.EXIT_USAGE, Memctl.run(new String[] {"logs", "--input", dir.resolve("missing.log")
                .toString()}, e, e));
        int code = Memctl.run(new String[] {"logs", "--input", in.toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--dead-letters", dir.resolve("dl.jsonl").toString()}, e, e);
        assertEquals(Memctl.EXIT_OK, code, err.toString(StandardCharsets.UTF_8));
        assertTrue(JobCli.quickExit());
        String before = System.getProperty(JobCli.QUICK_EXIT_PROPERTY);
        try {
            System.setProperty(JobCli.QUICK_EXIT_PROPERTY, "false");
            assertFalse(JobCli.quickExit());
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
}
