package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code memctl} launcher on a real Java 25 or newer with the built jar: the first file run makes the AOT cache
 * beside the jar (saying so in one line), the next one uses it (the JVM reports its AOT-linked classes), and both
 * write what the test's own Java (17) writes through the launcher. Skips, with the reason printed, where there is
 * no Java 25+ (MEMCTL_TEST_JAVA25_HOME, else the first /usr/lib/jvm/* whose release file says 25 or newer) or no
 * jobs/target/memctl.jar (a build that has not packaged the module yet).
 */
class MemctlAotCacheTest {

    @Test
    @Timeout(value = 400, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void java25MakesTheCacheOnceThenRunsFromItWithTheSameOutput(@TempDir Path root) throws Exception {
        Optional<Path> java25 = java25Home();
        Path jar = Path.of("target", "memctl.jar").toAbsolutePath();
        if (java25.isEmpty() || !Files.isRegularFile(jar)) {
            String why = java25.isEmpty() ? "no Java 25 or newer (set MEMCTL_TEST_JAVA25_HOME)" : "no " + jar;
            System.out.println("MemctlAotCacheTest skipped: " + why);
            Assumptions.abort(why);
        }
        Path script = Path.of("..", "memctl").toAbsolutePath().normalize();
        Files.copy(script, root.resolve("memctl"));
        Files.createDirectories(root.resolve("jobs/target"));
        Files.createSymbolicLink(root.resolve("jobs/target/memctl.jar"), jar);
        Files.createSymbolicLink(root.resolve("samples"), Path.of("..", "samples").toAbsolutePath().normalize());
        Path tmp = Files.createDirectories(root.resolve("tmp"));
        Path input = root.resolve("app.log");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            lines.add("2026-01-15T08:00:" + String.format("%02d", i) + ".000Z INFO web[7]: request ok id=" + i
                    + " latency=" + (i % 13) + "ms");
            if (i % 10 == 3) {
                lines.add("2026-01-15T08:00:" + String.format("%02d", i) + ".500Z WARN db[3]: slow query table=users"
                        + " took " + (100 + i) + "ms");
            }
        }
        Files.write(input, lines, StandardCharsets.UTF_8);

        Path cache = root.resolve("jobs/target/memctl-java" + version(java25.get()) + ".aot");
        Result first = run(root, java25.get(), "", input, root.resolve("first.jsonl"));
        assertEquals(0, first.code, first.err);
        assertTrue(first.err.startsWith("memctl: making the AOT cache for Java " + version(java25.get())
                + " (once per build of the jar): " + cache + "\n"), first.err);
        assertTrue(Files.size(cache) > 1_000_000, "the cache: " + cache);
        assertFalse(first.err.contains("WARNING"), "no JVM warnings: " + first.err);

        Path log = root.resolve("aot.log");
        Result second = run(root, java25.get(), "-Xlog:aot=info:file=" + log, input, root.resolve("second.jsonl"));
        assertEquals(0, second.code, second.err);
        assertFalse(second.err.contains("AOT cache"), "nothing said about the cache: " + second.err);
        assertFalse(second.err.contains("WARNING"), "no JVM warnings: " + second.err);
        String aot = Files.readString(log);
        assertTrue(aot.contains("Using AOT-linked classes: true"), aot);

        Result java17 = run(root, Path.of(System.getProperty("java.home")), "", input, root.resolve("java17.jsonl"));
        assertEquals(0, java17.code, java17.err);
        List<String> expected = sorted(root.resolve("java17.jsonl"));
        assertFalse(expected.isEmpty(), java17.err);
        assertEquals(expected, sorted(root.resolve("first.jsonl")));
        assertEquals(expected, sorted(root.resolve("second.jsonl")));
        assertEquals(List.of(), NoLeftoversTest.contents(tmp), "left in java.io.tmpdir");
        try (Stream<Path> s = Files.list(root.resolve("jobs/target"))) {
            assertEquals(List.of(cache.getFileName().toString(), cache.getFileName() + ".jarid",
                    cache.getFileName() + ".log", "memctl.jar"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "beside the jar");
        }
    }

    record Result(int code, String err) {
    }

    private static Result run(Path root, Path javaHome, String opts, Path input, Path output) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("memctl").toString(), "logs", "--input",
                input.toString(), "--output", output.toString());
        for (String k : List.of("MEMCTL_JAR", "MEMCTL_REBUILD", "MEMCTL_JIT", "MEMCTL_AOT", "MEMCTL_CDS", "MEMCTL_HEAP",
                "MEMCTL_RPC", "MEMCTL_CDS_DUMP", "MEMCTL_LOG_C2_BYTES", "MEMCTL_LOG_C2_LINES")) {
            pb.environment().remove(k);
        }
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("MEMCTL_JAVA_OPTS", "-Djava.io.tmpdir=" + root.resolve("tmp") + " " + opts);
        Path err = Files.createTempFile(root, "err", ".txt");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "memctl timed out");
        return new Result(p.exitValue(), Files.readString(err));
    }

    private static List<String> sorted(Path file) throws IOException {
        return Files.readAllLines(file).stream().sorted().toList();
    }

    /** A Java 25 or newer: MEMCTL_TEST_JAVA25_HOME, else the first under /usr/lib/jvm by name. */
    static Optional<Path> java25Home() throws IOException {
        String given = System.getenv("MEMCTL_TEST_JAVA25_HOME");
        if (given != null && !given.isEmpty()) {
            return Optional.of(Path.of(given)).filter(h -> feature(h) >= 25);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(jvms)) {
            return s.sorted().filter(h -> feature(h) >= 25 && Files.isExecutable(h.resolve("bin/java"))).findFirst();
        }
    }

    /** JAVA_VERSION in the home's release file, as the launcher reads it; empty where there is none. */
    static String version(Path home) {
        try {
            for (String l : Files.readAllLines(home.resolve("release"))) {
                if (l.startsWith("JAVA_VERSION=")) {
                    return l.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private static int feature(Path home) {
        String v = version(home);
        int i = 0;
        while (i < v.length() && Character.isDigit(v.charAt(i))) {
            i++;
        }
        return i == 0 ? 0 : Integer.parseInt(v.substring(0, i));
    }
}
