package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the repository's {@code memctl} bash launcher in a scratch copy of the repository layout,
 * with a stub {@code java} (via JAVA_HOME) that records its arguments and a stub {@code mvnw} that
 * "builds" the jar, so neither Maven nor a real JVM start is needed.
 */
class MemctlScriptTest {

    @TempDir
    Path root;

    Path javaHome;

    @BeforeEach
    void layout() throws IOException {
        Path script = Path.of("..", "memctl").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(script), "the launcher script should be at " + script);
        Files.copy(script, root.resolve("memctl"), StandardCopyOption.COPY_ATTRIBUTES);
        executable(root.resolve("memctl"), Files.readString(script));
        Files.createDirectories(root.resolve("jobs/target"));
        javaHome = root.resolve("jdk");
        Files.createDirectories(javaHome.resolve("bin"));
        // stub java: records its arguments, writes to both streams, exits with $STUB_EXIT
        executable(javaHome.resolve("bin/java"), """
                #!/usr/bin/env bash
                for a in "$@"; do
                  case "$a" in -XX:AOTCacheOutput=*) # an AOT cache's training run: its own record, the cache written
                    printf '%s\\n' "$@" > "$STUB_ARGS.train"
                    echo "training chatter"
                    if [ "${STUB_TRAIN_EXIT:-0}" = "0" ]; then echo cache > "${a#-XX:AOTCacheOutput=}"; fi
                    exit "${STUB_TRAIN_EXIT:-0}" ;;
                  esac
                done
                printf '%s\\n' "$@" > "$STUB_ARGS"
                printf '%s\\n' "${GLIBC_TUNABLES-unset}" > "$STUB_ARGS.glibc"
                # a JVM's notices: the incubator module's where it is in the boot layer, the compiler directives'
                # count where a file of them is given
                prev=""
                for a in "$@"; do
                  if [ "$prev $a" = "--add-modules jdk.incubator.vector" ]; then
                    echo "WARNING: Using incubator modules: jdk.incubator.vector" >&2
                  fi
                  case "$a" in -XX:CompilerDirectivesFile=*) echo "2 compiler directives added" >&2 ;; esac
                  prev="$a"
                done
                if [ -n "${STUB_STDERR:-}" ]; then echo "$STUB_STDERR" >&2; fi
                echo "stub stdout"
                echo "memctl cell: a real error line" >&2
                exit "${STUB_EXIT:-0}"
                """);
        // stub mvnw: records its arguments and creates the jar
        executable(root.resolve("mvnw"), """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > mvnw.args
                echo "maven chatter"
                touch jobs/target/memctl.jar
                """);
    }

    record Result(int code, String out, String err) {
    }

    /** Extra environment of the next runs. */
    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    private Result run(Path script, String exitCode, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(Files.createTempDirectory(root, "cwd").toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("STUB_ARGS", root.resolve("java.args").toString());
        pb.environment().put("STUB_EXIT", exitCode);
        pb.environment().remove("MEMCTL_JAVA_OPTS");
        pb.environment().remove("MEMCTL_REBUILD");
        pb.environment().remove("MEMCTL_RPC");
        pb.environment().remove("MEMCTL_JIT");
        pb.environment().remove("MEMCTL_LOG_C2_BYTES");
        pb.environment().remove("MEMCTL_LOG_C2_LINES");
        pb.environment().remove("MEMCTL_HEAP");
        pb.environment().remove("MEMCTL_MEM_BYTES");
        pb.environment().remove("MEMCTL_CDS_DUMP");
        pb.environment().remove("MEMCTL_THP");
        pb.environment().remove("MEMCTL_SMALL_INPUT_BYTES");
        pb.environment().remove("MEMCTL_CDS");
        pb.environment().remove("MEMCTL_AOT");
        pb.environment().remove("MEMCTL_MALLOC");
        pb.environment().remove("GLIBC_TUNABLES");
        // the kernel's huge page setting as this machine has it would change the arguments: none unless a test says
        pb.environment().put("MEMCTL_THP_SETTING", root.resolve("no-thp-setting").toString());
        pb.environment().putAll(env);
        if ("".equals(env.get("JAVA_HOME"))) { // no JAVA_HOME: java from PATH
            pb.environment().remove("JAVA_HOME");
        }
        Path out = root.resolve("stdout");
        Path err = root.resolve("stderr");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "script timed out");
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void buildsOnFirstRunThenRunsTheJarPassingArgumentsAndExitCode() throws Exception {
        Result first = run(root.resolve("memctl"), "2", "cell", "--kind", "a b", "--in", "x");
        assertEquals(2, first.code, first.err);
        assertTrue(first.err.startsWith("memctl: building memctl (first run) with ./mvnw -q -DskipTests package "
                + "-pl jobs -am ..."), first.err);
        assertEquals(List.of("-q", "-DskipTests", "package", "-pl", "jobs", "-am"),
                Files.readAllLines(root.resolve("mvnw.args")));
        assertTrue(first.err.contains("maven chatter"), "build output goes to stderr: " + first.err);
        assertEquals("stub stdout\n", first.out);
        assertEquals(main(List.of("--add-modules", "jdk.incubator.vector"), "cell", "--kind", "a b", "--in", "x"),
                Files.readAllLines(root.resolve("java.args")));

        Files.delete(root.resolve("mvnw.args"));
        Result second = run(root.resolve("memctl"), "0", "--help");
        assertEquals(0, second.code);
        assertFalse(Files.exists(root.resolve("mvnw.args")), "no rebuild when the jar exists");
        assertEquals("memctl cell: a real error line\n", second.err, "only the JVM's incubator notice is dropped");
        assertEquals("stub stdout\n", second.out);
        assertEquals(7, run(root.resolve("memctl"), "7").code);
    }

    @Test
    void worksThroughASymlinkAndReportsAFailedBuild() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("memctl"), root.resolve("memctl"));
        Result r = run(link, "0", "x");
        assertEquals(0, r.code, r.err);
        List<String> linked = Files.readAllLines(root.resolve("java.args"));
        assertEquals(root.resolve("jobs/target/memctl.jar").toString(), linked.get(linked.indexOf("-cp") + 1));

        Files.delete(root.resolve("jobs/target/memctl.jar"));
        executable(root.resolve("mvnw"), "#!/usr/bin/env bash\necho 'compilation failed' >&2\nexit 5\n");
        Result failed = run(root.resolve("memctl"), "0", "x");
        assertEquals(5, failed.code);
        assertTrue(failed.err.contains("memctl: the build failed (exit 5)"), failed.err);
    }

    @Test
    void findsJavaOnThePathWithoutJavaHomeAndFollowsARelativeSymlink() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("memctl"), Path.of("..", "memctl"));
        env.put("JAVA_HOME", "");
        env.put("PATH", root.resolve("empty-dir") + ":" + javaHome.resolve("bin") + ":" + System.getenv("PATH"));
        Result r = run(link, "3", "x");
        assertEquals(3, r.code, r.err);
        assertEquals(main(List.of("--add-modules", "jdk.incubator.vector"), "x"),
                Files.readAllLines(root.resolve("java.args")));
        assertEquals("stub stdout\n", r.out);
        // no java on PATH either
        env.put("PATH", root.resolve("empty-dir").toString());
        Result none = run(root.resolve("memctl"), "0", "x");
        assertEquals(1, none.code);
        assertEquals("memctl: no java found: set JAVA_HOME or put a Java 17+ java on PATH\n", none.err);
    }

    /**
     * {@code before}, then the jar on the class path with memctl's main class and the manifest's Add-Opens as
     * options (not {@code -jar}, which opens the jar once more), then {@code args}.
     */
    private List<String> main(List<String> before, String... args) {
        List<String> out = new ArrayList<>(before);
        out.addAll(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
                "java.base/java.util=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
                "-cp", root.resolve("jobs/target/memctl.jar").toString(), "dev.keymem.jobs.cli.Memctl"));
        out.addAll(List.of(args));
        return out;
    }

    /** Makes the stub java a Java of this version (its home's release file, as a JDK has it). */
    private void javaVersion(String version) throws IOException {
        Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"stub\"\nJAVA_VERSION=\"" + version + "\"\n"
                + "JAVA_VERSION_DATE=\"2026-01-20\"\n");
    }

    private List<String> javaArgs() throws IOException {
        return Files.readAllLines(root.resolve("java.args"));
    }

    @Test
    void java25FileRunsWithC1AloneUseTheAotCacheWithoutTheIncubatorModule() throws Exception {
        javaVersion("25.0.1");
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 60_000));
        Path cache = Files.writeString(root.resolve("jobs/target/memctl-java25.0.1.aot"), "cache");
        recordJar(cache, jar);
        Files.writeString(root.resolve("jobs/target/memctl.jsa"), "archive");
        List<String> aot = List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off",
                "-Djdk.reflect.useNativeAccessorOnly=true");
        for (String cmd : List.of("logs", "context")) {
            Result r = run(root.resolve("memctl"), "0", cmd, "--input", "x");
            assertEquals(0, r.code, r.err);
            assertEquals("memctl cell: a real error line\n", r.err, "nothing said about the cache");
            List<String> args = javaArgs();
            assertTrue(Collections.indexOfSubList(args, aot) > 0, cmd + ": " + args);
            assertFalse(args.contains("--add-modules"), cmd + ": " + args);
            assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), cmd + ": " + args);
            assertEquals("--sun-misc-unsafe-memory-access=allow", args.get(0), cmd + ": " + args);
            assertTrue(args.contains("-XX:TieredStopAtLevel=1"), cmd + ": " + args);
        }
        assertFalse(Files.exists(root.resolve("java.args.train")), "no training run while the cache is there");

        // runs that may use the Vector API keep the module and go without the cache: over Kafka, MEMCTL_JIT=full,
        // other commands; MEMCTL_AOT=0 and MEMCTL_CDS=0 turn it off
        List<List<String>> keep = List.of(List.of("logs", "--input", "x", "--kafka", "k:9092"), List.of("cell"));
        for (List<String> a : keep) {
            assertEquals(0, run(root.resolve("memctl"), "0", a.toArray(new String[0])).code);
            List<String> args = javaArgs();
            assertEquals(List.of("--add-modules", "jdk.incubator.vector", "--sun-misc-unsafe-memory-access=allow"),
                    args.subList(0, 3), a + ": " + args);
            assertFalse(args.stream().anyMatch(x -> x.startsWith("-XX:AOTCache")), a + ": " + args);
        }
        for (String[] off : new String[][] {{"MEMCTL_JIT", "full"}, {"MEMCTL_AOT", "0"}, {"MEMCTL_CDS", "0"}}) {
            env.put(off[0], off[1]);
            assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
            List<String> args = javaArgs();
            // C1 alone (all but MEMCTL_JIT=full): no module, as on any Java
            assertEquals(off[0].equals("MEMCTL_JIT"), args.contains("--add-modules"), off[0] + ": " + args);
            assertFalse(args.stream().anyMatch(x -> x.startsWith("-XX:AOTCache")), off[0] + ": " + args);
            env.remove(off[0]);
        }

        // a jar built after the cache: the cache is made again (the stub's training writes it)
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t));
        Files.createDirectories(root.resolve("samples/events"));
        Files.createDirectories(root.resolve("samples/logs"));
        Files.writeString(root.resolve("samples/events/users.jsonl"), "{}\n");
        Files.writeString(root.resolve("samples/logs/services.log"), "a\n");
        Result r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals("memctl: making the AOT cache for Java 25.0.1 (once per build of the jar): " + cache + "\n"
                + "memctl cell: a real error line\n", r.err);
        assertTrue(Files.exists(root.resolve("java.args.train")), "the training ran");
        assertEquals("cache\n", Files.readString(cache), "the cache written anew");
        assertTrue(Collections.indexOfSubList(javaArgs(), aot) > 0, javaArgs().toString());
    }

    @Test
    void theAotCacheIsMadeAtFirstUseFromBothJobsOverTheSamplesAndAFailureOnlyLosesIt() throws Exception {
        javaVersion("26-ea");
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 60_000));
        Path cache = root.resolve("jobs/target/memctl-java26-ea.aot");

        // no samples to train on: one line, and the run goes on without the module and the cache
        Result r = run(root.resolve("memctl"), "3", "context", "--input", "x");
        assertEquals(3, r.code, "the run's own exit code");
        assertEquals("memctl: making the AOT cache for Java 26-ea (once per build of the jar): " + cache + "\n"
                + "memctl: could not make the AOT cache (see " + cache + ".log); running without it\n"
                + "memctl cell: a real error line\n", r.err);
        assertFalse(javaArgs().stream().anyMatch(a -> a.startsWith("-XX:AOTCache") || a.equals("--add-modules")),
                javaArgs().toString());
        assertTrue(Files.exists(Path.of(cache + ".failed")));
        // not tried again for this jar: no line
        r = run(root.resolve("memctl"), "0", "context", "--input", "x");
        assertEquals("memctl cell: a real error line\n", r.err);

        // a new jar (built after that failure) and the samples: the training run (both jobs, C1 alone, as the
        // runs) makes it
        Files.setLastModifiedTime(Path.of(cache + ".failed"), java.nio.file.attribute.FileTime.fromMillis(t - 50_000));
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 40_000));
        Files.createDirectories(root.resolve("samples/events"));
        Files.createDirectories(root.resolve("samples/logs"));
        Files.writeString(root.resolve("samples/events/users.jsonl"), "{}\n");
        Files.writeString(root.resolve("samples/logs/services.log"), "a\n");
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals("memctl: making the AOT cache for Java 26-ea (once per build of the jar): " + cache + "\n"
                + "memctl cell: a real error line\n", r.err);
        assertEquals("cache\n", Files.readString(cache));
        assertFalse(Files.exists(Path.of(cache + ".failed")));
        assertTrue(Files.readString(Path.of(cache + ".log")).contains("training chatter"));
        List<String> train = Files.readAllLines(root.resolve("java.args.train"));
        String tmp = train.stream().filter(a -> a.startsWith("-XX:AOTCacheOutput=")).findFirst().orElseThrow()
                .substring("-XX:AOTCacheOutput=".length());
        assertTrue(tmp.startsWith(cache + ".tmp."), tmp);
        assertEquals(List.of("-cp", jar.toString(), "dev.keymem.jobs.cli.ClassArchiveTraining",
                "context", "--input", root.resolve("samples/events/users.jsonl").toString(), "--output",
                tmp + ".context.jsonl", "--then", "logs", "--input", root.resolve("samples/logs/services.log").toString(),
                "--output", tmp + ".logs.jsonl"), train.subList(train.indexOf("-cp"), train.size()));
        assertTrue(train.containsAll(List.of("-XX:TieredStopAtLevel=1", "-Djdk.reflect.useNativeAccessorOnly=true",
                "--sun-misc-unsafe-memory-access=allow", "-XX:-AOTRecordTraining")), train.toString());
        assertFalse(train.contains("--add-modules"), train.toString());
        assertTrue(Collections.indexOfSubList(javaArgs(), List.of("-XX:AOTCache=" + cache)) > 0, javaArgs().toString());
        try (var left = Files.list(root.resolve("jobs/target"))) {
            assertEquals(List.of("memctl-java26-ea.aot", "memctl-java26-ea.aot.jarid", "memctl-java26-ea.aot.log",
                    "memctl.jar"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "the training's outputs removed");
        }
        // used from then on without a word
        Files.delete(root.resolve("java.args.train"));
        r = run(root.resolve("memctl"), "0", "context", "--input", "x");
        assertEquals("memctl cell: a real error line\n", r.err);
        assertFalse(Files.exists(root.resolve("java.args.train")));

        // a failed training run for a newer jar: said once, then the run without it
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t + 60_000));
        env.put("STUB_TRAIN_EXIT", "1");
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertTrue(r.err.contains("memctl: could not make the AOT cache (see " + cache + ".log); running without it\n"),
                r.err);
        assertFalse(javaArgs().stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), javaArgs().toString());
        assertTrue(javaArgs().contains("-XX:TieredStopAtLevel=1"));
    }

    /** Writes what the launcher records beside a cache it made: the jar's size and mtime (s). */
    private static void recordJar(Path cache, Path jar) throws IOException {
        Files.writeString(Path.of(cache + ".jarid"), Files.size(jar) + " "
                + Files.getLastModifiedTime(jar).to(java.util.concurrent.TimeUnit.SECONDS) + "\n");
    }

    @Test
    void aJarReplacedByAnOlderFileGetsANewCache() throws Exception {
        javaVersion("25.0.1");
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 60_000));
        Path cache = root.resolve("jobs/target/memctl-java25.0.1.aot");
        samples();
        Result r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals(0, r.code, r.err);
        assertTrue(Files.exists(root.resolve("java.args.train")), "the training ran");
        assertTrue(javaArgs().contains("-XX:AOTCache=" + cache), javaArgs().toString());
        Files.delete(root.resolve("java.args.train"));

        // the jar replaced by an older build (cp -p): the cache is newer than it but not made from it
        Files.writeString(jar, "an older build");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 3_600_000));
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals("memctl: making the AOT cache for Java 25.0.1 (once per build of the jar): " + cache + "\n"
                + "memctl cell: a real error line\n", r.err);
        assertTrue(Files.exists(root.resolve("java.args.train")), "the training ran again");
        assertTrue(javaArgs().contains("-XX:AOTCache=" + cache), javaArgs().toString());

        // a failure is remembered for that jar only: an older one tries again
        Files.delete(root.resolve("java.args.train"));
        env.put("STUB_TRAIN_EXIT", "1");
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 7_200_000));
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertTrue(r.err.contains("could not make the AOT cache"), r.err);
        assertFalse(javaArgs().contains("-XX:AOTCache=" + cache), javaArgs().toString());
        Files.delete(root.resolve("java.args.train"));
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals("memctl cell: a real error line\n", r.err, "not tried again for this jar");
        assertFalse(Files.exists(root.resolve("java.args.train")));
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 10_800_000));
        run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertTrue(Files.exists(root.resolve("java.args.train")), "an older jar than the failed one: tried again");
    }

    @Test
    void aRunWhileAnotherMakesTheCacheGoesOnWithoutItAndAStaleLockIsIgnored() throws Exception {
        javaVersion("25.0.1");
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Path cache = root.resolve("jobs/target/memctl-java25.0.1.aot");
        samples();
        Path lock = Files.createDirectory(Path.of(cache + ".lock"));
        Result r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals(0, r.code, r.err);
        assertEquals("memctl: making the AOT cache for Java 25.0.1 (once per build of the jar): " + cache + "\n"
                + "memctl: another run is making the AOT cache (" + lock + "); running without it\n"
                + "memctl cell: a real error line\n", r.err);
        assertFalse(Files.exists(root.resolve("java.args.train")), "no second training run");
        assertFalse(javaArgs().stream().anyMatch(a -> a.startsWith("-XX:AOTCache")), javaArgs().toString());
        assertTrue(Files.isDirectory(lock), "the other run's lock left alone");
        assertFalse(Files.exists(Path.of(cache + ".failed")), "not a failure");

        // a lock older than 10 minutes (its run killed): taken over, the cache made, the lock removed
        Files.setLastModifiedTime(lock,
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 11 * 60_000));
        r = run(root.resolve("memctl"), "0", "logs", "--input", "x");
        assertEquals(0, r.code, r.err);
        assertTrue(Files.exists(root.resolve("java.args.train")), "the training ran");
        assertTrue(javaArgs().contains("-XX:AOTCache=" + cache), javaArgs().toString());
        assertFalse(Files.exists(lock), "the lock removed");
        assertTrue(Files.exists(jar));
    }

    private void samples() throws IOException {
        Files.createDirectories(root.resolve("samples/events"));
        Files.createDirectories(root.resolve("samples/logs"));
        Files.writeString(root.resolve("samples/events/users.jsonl"), "{}\n");
        Files.writeString(root.resolve("samples/logs/services.log"), "a\n");
    }

    @Test
    void java17AndJava24RunsKeepTheirOptions() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        for (String v : List.of("17.0.15", "24")) {
            javaVersion(v);
            Files.writeString(root.resolve("jobs/target/memctl-java" + v + ".aot"), "cache");
            assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x", "--kafka", "k:9092").code);
            List<String> args = javaArgs();
            assertEquals(List.of("--add-modules", "jdk.incubator.vector"), args.subList(0, 2), v + ": " + args);
            assertEquals(v.equals("24"), args.contains("--sun-misc-unsafe-memory-access=allow"), v + ": " + args);
            assertFalse(args.stream().anyMatch(a -> a.contains("AOT")), v + ": " + args);
            assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
            args = javaArgs();
            assertFalse(args.contains("--add-modules"), v + ": " + args);
            assertEquals(v.equals("24"), args.contains("--sun-misc-unsafe-memory-access=allow"), v + ": " + args);
            assertFalse(args.stream().anyMatch(a -> a.contains("AOT")), v + ": " + args);
        }
    }

    @Test
    void fileRunsWithC1AloneGoWithoutTheVectorModuleAndTheirStderrUnfiltered() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Files.createDirectories(root.resolve("jobs/jit"));
        Path directives = Files.writeString(root.resolve("jobs/jit/c2-vector-api.json"), "[]");
        Path small = Files.writeString(root.resolve("small.log"), "a line\n".repeat(10));
        // a line the launcher's filter would drop: it reaches stderr only where there is no filter
        String probe = "3 compiler directives added";
        env.put("STUB_STDERR", probe);
        String both = probe + "\nmemctl cell: a real error line\n";
        for (List<String> a : List.of(List.of("logs", "--input", small.toString()),
                List.of("logs", "--input=" + small), List.of("context", "--input", small.toString(), "--output", "o"))) {
            Result r = run(root.resolve("memctl"), "4", a.toArray(new String[0]));
            assertEquals(4, r.code, a + ": the exit code passes through");
            assertEquals("stub stdout\n", r.out, a.toString());
            assertEquals(both, r.err, a + ": stderr as the JVM wrote it");
            List<String> args = javaArgs();
            assertFalse(args.contains("--add-modules"), a + ": " + args);
            assertTrue(args.contains("-XX:TieredStopAtLevel=1"), a + ": " + args);
            assertEquals(a, args.subList(args.size() - a.size(), args.size()), a + ": " + args);
        }
        // runs that may use the Vector API keep the module, and the JVM's notices (and the probe) are dropped:
        // over Kafka, the demo, the other commands, MEMCTL_JIT=full, a log file past the C2 line limit
        List<List<String>> keep = List.of(List.of("logs", "--input", small.toString(), "--kafka", "k:9092"),
                List.of("demo", "--input", small.toString()), List.of("cell"));
        for (List<String> a : keep) {
            Result r = run(root.resolve("memctl"), "0", a.toArray(new String[0]));
            assertEquals("memctl cell: a real error line\n", r.err, a.toString());
            assertEquals(List.of("--add-modules", "jdk.incubator.vector"), javaArgs().subList(0, 2), a.toString());
        }
        env.put("MEMCTL_JIT", "full");
        Result full = run(root.resolve("memctl"), "0", "context", "--input", small.toString());
        assertEquals("memctl cell: a real error line\n", full.err);
        assertEquals(List.of("--add-modules", "jdk.incubator.vector"), javaArgs().subList(0, 2));
        env.remove("MEMCTL_JIT");
        env.put("MEMCTL_LOG_C2_LINES", "5");
        Result c2 = run(root.resolve("memctl"), "0", "logs", "--input", small.toString());
        assertEquals("memctl cell: a real error line\n", c2.err, "the directives' count and the probe dropped");
        assertTrue(javaArgs().contains("-XX:CompilerDirectivesFile=" + directives), javaArgs().toString());
        assertEquals(List.of("--add-modules", "jdk.incubator.vector"), javaArgs().subList(0, 2));
        env.remove("MEMCTL_LOG_C2_LINES");
        // standard input: C1 alone, so no module either
        assertEquals(0, run(root.resolve("memctl"), "0", "logs").code);
        assertFalse(javaArgs().contains("--add-modules"), javaArgs().toString());
        // such a run whose user names the module or a directives file in MEMCTL_JAVA_OPTS: the JVM's notices (and
        // the probe) are dropped again (review 28c F1)
        for (String opts : List.of("-XX:TieredStopAtLevel=4 --add-modules jdk.incubator.vector",
                "--add-modules=jdk.incubator.vector", "-XX:CompilerDirectivesFile=" + directives)) {
            env.put("MEMCTL_JAVA_OPTS", opts);
            Result r = run(root.resolve("memctl"), "0", "logs", "--input", small.toString());
            assertEquals("memctl cell: a real error line\n", r.err, opts);
            assertTrue(String.join(" ", javaArgs()).contains(opts), opts + ": " + javaArgs());
        }
        env.remove("MEMCTL_JAVA_OPTS");
    }

    @Test
    void findsItsRootAsAPhysicalPathThroughDotsAndLinkedFolders() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        String jar = root.toRealPath().resolve("jobs/target/memctl.jar").toString();
        Path sub = Files.createDirectories(root.resolve("sub/deeper"));
        Path linked = Files.createSymbolicLink(root.resolve("sub/linked-root"), root);
        Path outside = Files.createSymbolicLink(root.resolve("sub/deeper/up"), Path.of("../.."));
        for (Path script : List.of(root.resolve("memctl"), root.resolve("sub/deeper/../../memctl"),
                root.resolve("sub/./../memctl"), linked.resolve("memctl"), outside.resolve("memctl"),
                sub.resolve("up/sub/linked-root/memctl"), Path.of("..", "memctl"), Path.of("../sub/linked-root/memctl"),
                Path.of("../sub/deeper/up/./memctl"))) {
            assertEquals(0, run(script, "0", "x").code, script.toString());
            List<String> args = javaArgs();
            assertEquals(jar, args.get(args.indexOf("-cp") + 1), script.toString());
        }
    }

    @Test
    void theManifestsAddOpensAreTheLaunchersOptions() throws Exception {
        // the launcher gives the Add-Opens of the jar's manifest (what -jar would apply) as options
        String pom = Files.readString(Path.of("pom.xml"));
        int at = pom.indexOf("<Add-Opens>");
        assertTrue(at > 0, "jobs/pom.xml's manifest has Add-Opens");
        String opens = pom.substring(at + "<Add-Opens>".length(), pom.indexOf("</Add-Opens>", at));
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        assertEquals(0, run(root.resolve("memctl"), "0", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        List<String> given = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).equals("--add-opens")) {
                given.add(args.get(i + 1).replace("=ALL-UNNAMED", ""));
            }
        }
        assertEquals(List.of(opens.trim().split("\\s+")), given);
    }

    @Test
    void namesTheBuildsCl100kImageOnlyWhileItIsNewerThanTheJar() throws Exception {
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 60_000));
        String property = "-D" + dev.keymem.jobs.text.Cl100kImage.PROPERTY + "=";
        Path image = root.resolve("jobs/target/memctl-cl100k.bin");
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertFalse(args.stream().anyMatch(a -> a.startsWith(property)), "no image: " + args);
        env.put("MEMCTL_CDS_DUMP", "1");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", "x").code);
        args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.contains(property + image), "the training run writes it: " + args);
        env.remove("MEMCTL_CDS_DUMP");
        Files.createFile(image);
        for (String cmd : List.of("logs", "context")) {
            assertEquals(0, run(root.resolve("memctl"), "0", cmd, "--input", "x").code);
            args = Files.readAllLines(root.resolve("java.args"));
            assertTrue(args.contains(property + image), cmd + ": " + args);
        }

        // a jar built after it (a build that skipped or failed its training run): not named, the ranks are parsed
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t + 60_000));
        for (String cmd : List.of("logs", "context")) {
            assertEquals(0, run(root.resolve("memctl"), "0", cmd, "--input", "x").code);
            args = Files.readAllLines(root.resolve("java.args"));
            assertFalse(args.stream().anyMatch(a -> a.startsWith(property)), cmd + ": " + args);
        }
    }

    @Test
    void usesTheBuildsRpcJarOnlyWhileItIsNewerThanTheJar() throws Exception {
        Path jar = Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Path rpc = Files.createFile(root.resolve("jobs/target/memctl-rpc.jar"));
        long t = System.currentTimeMillis();
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t - 60_000));
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.contains("-D" + MemctlRpcSystemLoader.JAR_PROPERTY + "=" + rpc), args.toString());

        // a jar built after it: not used (it may belong to another build)
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(t + 60_000));
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        args = Files.readAllLines(root.resolve("java.args"));
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-D" + MemctlRpcSystemLoader.JAR_PROPERTY)),
                args.toString());
    }

    @Test
    void memctlRpcPekkoTurnsTheInJvmRpcSystemOff() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        String off = "-D" + dev.keymem.jobs.rpc.LocalRpcSystem.PROPERTY + "=false";
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        assertFalse(Files.readAllLines(root.resolve("java.args")).contains(off));
        env.put("MEMCTL_RPC", "pekko");
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.contains(off), args.toString());
    }

    @Test
    void logRunsTakeC1AloneUpToTheLineLimitAndC2ForTheKernelBeyondIt() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Files.createDirectories(root.resolve("jobs/jit"));
        Path directives = Files.writeString(root.resolve("jobs/jit/c2-vector-api.json"), "[]");
        // 40 long lines (24,040 bytes) and 60 short ones (660 bytes): the gate counts lines, not bytes
        Path longLines = Files.writeString(root.resolve("long.log"), ("x".repeat(600) + "\n").repeat(40));
        Path shortLines = Files.writeString(root.resolve("short.log"), "short line\n".repeat(60));
        // a folder: its first file's lines' mean length over all its bytes, 30 + 30 lines
        Path dir = Files.createDirectories(root.resolve("logs"));
        Files.writeString(dir.resolve("a.log"), "a line\n".repeat(30));
        Files.writeString(dir.resolve("b.log"), "b line\n".repeat(30));
        String c1 = "-XX:TieredStopAtLevel=1";
        String c2 = "-XX:CompilerDirectivesFile=" + directives;
        env.put("MEMCTL_LOG_C2_LINES", "50");
        for (String cmd : List.of("logs", "demo")) {
            assertEquals(List.of(c1), jit(cmd, "--input", longLines.toString()), cmd + ": 40 lines");
            assertEquals(List.of(c2), jit(cmd, "--input", shortLines.toString()), cmd + ": 60 lines");
            assertEquals(List.of(c1), jit(cmd, "--input=" + dir.resolve("a.log")), cmd + ": 30 lines");
            assertEquals(List.of(c2), jit(cmd, "--input=" + dir), cmd + ": a folder of 60 lines");
        }
        assertEquals(List.of(c1), jit("logs"), "standard input: C1 alone");
        env.put("MEMCTL_LOG_C2_LINES", "60");
        assertEquals(List.of(c1), jit("logs", "--input", shortLines.toString()), "60 lines, not above 60");
        // past the first MiB the count is estimated: 3 MiB of 64-byte lines are 49,152 lines, 16,384 of them in
        // the first MiB
        Path big = Files.writeString(root.resolve("big.log"), ("y".repeat(63) + "\n").repeat(3 << 14));
        env.put("MEMCTL_LOG_C2_LINES", "49151");
        assertEquals(List.of(c2), jit("logs", "--input", big.toString()));
        env.put("MEMCTL_LOG_C2_LINES", "49152");
        assertEquals(List.of(c1), jit("logs", "--input", big.toString()));
        // the byte gate of before, where MEMCTL_LOG_C2_BYTES is set
        env.put("MEMCTL_LOG_C2_BYTES", "1000");
        assertEquals(List.of(c2), jit("logs", "--input", longLines.toString()), "24,040 bytes > 1,000");
        assertEquals(List.of(c1), jit("logs", "--input", shortLines.toString()), "660 bytes");
        env.remove("MEMCTL_LOG_C2_BYTES");
        env.put("MEMCTL_LOG_C2_LINES", "50");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", dir.toString()).code);
        assertTrue(Files.readAllLines(root.resolve("java.args")).contains(c1), "context runs stay C1-only");
        env.put("MEMCTL_JIT", "full");
        assertEquals(List.of(), jit("logs", "--input", dir.toString()));
    }

    @Test
    void smallFileRunsRaiseTheCompileThresholds() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Files.createDirectories(root.resolve("jobs/jit"));
        Files.writeString(root.resolve("jobs/jit/c2-vector-api.json"), "[]");
        List<String> raised = List.of("-XX:Tier3InvocationThreshold=1000", "-XX:Tier3MinInvocationThreshold=500",
                "-XX:Tier3CompileThreshold=5000");
        Path small = Files.writeString(root.resolve("small.log"), "a line\n".repeat(100)); // 700 bytes
        Path dir = Files.createDirectories(root.resolve("in"));
        Files.writeString(dir.resolve("a.log"), "a line\n".repeat(100));
        Files.writeString(dir.resolve("b.log"), "a line\n".repeat(100));
        for (String cmd : List.of("logs", "context")) {
            assertEquals(raised, thresholds(cmd, "--input", small.toString()), cmd + ": 700 bytes");
            assertEquals(raised, thresholds(cmd, "--input=" + small), cmd + ": --input=");
            // a folder: its files' bytes summed (du -sb, which adds the folder's own entry)
            assertEquals(raised, thresholds(cmd, "--input", dir.toString()), cmd + ": a folder of 1,400 bytes");
            env.put("MEMCTL_SMALL_INPUT_BYTES", "1399");
            assertEquals(List.of(), thresholds(cmd, "--input", dir.toString()), cmd + ": 1,400 bytes > 1,399");
            env.put("MEMCTL_SMALL_INPUT_BYTES", "0");
            assertEquals(List.of(), thresholds(cmd, "--input", small.toString()), cmd + ": turned off");
            env.remove("MEMCTL_SMALL_INPUT_BYTES");
            assertEquals(List.of(), thresholds(cmd), cmd + ": standard input");
            assertEquals(List.of(), thresholds(cmd, "--input", root.resolve("missing").toString()), cmd + ": none");
            assertEquals(List.of(), thresholds(cmd, "--input", small.toString(), "--kafka", "k:9092"), cmd + ": Kafka");
            env.put("MEMCTL_JIT", "full");
            assertEquals(List.of(), thresholds(cmd, "--input", small.toString()), cmd + ": MEMCTL_JIT=full");
            env.remove("MEMCTL_JIT");
        }
        // more than 1 MiB (the default): the JVM's thresholds
        Path big = Files.writeString(root.resolve("big.log"), ("z".repeat(99) + "\n").repeat(10_486));
        assertEquals(List.of(), thresholds("logs", "--input", big.toString()), "1,048,600 bytes");
        Path edge = Files.writeString(root.resolve("edge.log"), ("z".repeat(1023) + "\n").repeat(1024));
        assertEquals(raised, thresholds("context", "--input", edge.toString()), "1,048,576 bytes");
        // C2 for the kernel (a log file of more lines than MEMCTL_LOG_C2_LINES): the JVM's thresholds
        env.put("MEMCTL_LOG_C2_LINES", "50");
        assertEquals(List.of(), thresholds("logs", "--input", small.toString()), "C2 for the kernel");
        env.remove("MEMCTL_LOG_C2_LINES");
        // options of MEMCTL_JAVA_OPTS come after them
        env.put("MEMCTL_JAVA_OPTS", "-XX:Tier3InvocationThreshold=200");
        assertEquals(List.of(raised.get(0), raised.get(1), raised.get(2), "-XX:Tier3InvocationThreshold=200"),
                thresholds("logs", "--input", small.toString()));
    }

    /** The compile threshold options of a run of memctl with these arguments, in order. */
    private List<String> thresholds(String... args) throws Exception {
        Result r = run(root.resolve("memctl"), "0", args);
        assertEquals(0, r.code, r.err);
        return Files.readAllLines(root.resolve("java.args")).stream().filter(a -> a.startsWith("-XX:Tier3")).toList();
    }

    /** The JIT options, C1 alone or C2's directives, of a run of memctl with these arguments. */
    private List<String> jit(String... args) throws Exception {
        Result r = run(root.resolve("memctl"), "0", args);
        assertEquals(0, r.code, r.err);
        return Files.readAllLines(root.resolve("java.args")).stream()
                .filter(a -> a.equals("-XX:TieredStopAtLevel=1") || a.startsWith("-XX:CompilerDirectivesFile="))
                .toList();
    }

    @Test
    void contextFileRunsStartWithAGibibyteHeapOrAQuarterOfASmallerMemory() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        assertEquals(List.of("-Xms1024m", "-Xmn128m"), heapArgs("context", "--input", "x"));
        // a laptop or CI box with less memory: a quarter of it, which is the JVM's default maximum heap
        env.put("MEMCTL_MEM_BYTES", String.valueOf(2L << 30));
        assertEquals(List.of("-Xms512m", "-Xmn128m"), heapArgs("context", "--input", "x"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(3_000_000_000L));
        assertEquals(List.of("-Xms715m", "-Xmn128m"), heapArgs("context", "--input", "x"), "whole MiB, rounded down");
        // under 384 MiB of initial heap: the JVM's young generation (a third of it)
        env.put("MEMCTL_MEM_BYTES", String.valueOf(1536L << 20));
        assertEquals(List.of("-Xms384m", "-Xmn128m"), heapArgs("context", "--input", "x"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(1532L << 20));
        assertEquals(List.of("-Xms383m"), heapArgs("context", "--input", "x"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(200L << 20));
        assertEquals(List.of(), heapArgs("context", "--input", "x"), "under 64 MiB: the JVM's default");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        // runs over Kafka and other commands keep the JVM's default heap (log file runs: their young generation)
        assertEquals(List.of("-Xmn32m"), heapArgs("logs", "--input", "x"));
        assertEquals(List.of(), heapArgs("demo", "--input", "x"));
        assertEquals(List.of(), heapArgs("context", "--kafka", "k:9092"));
        assertEquals(List.of(), heapArgs("cell"));
        // the user's own heap sizes or collector win, and MEMCTL_HEAP=default turns it off
        for (String opts : List.of("-Xmx300m", "-Xms2g", "-Xmn64m", "-XX:MaxHeapSize=1g", "-XX:InitialRAMPercentage=5",
                "-XX:NewRatio=3", "-XX:+UseParallelGC")) {
            env.put("MEMCTL_JAVA_OPTS", "-Dx=1 " + opts);
            assertEquals(List.of(), heapArgs("context", "--input", "x"), opts);
        }
        env.remove("MEMCTL_JAVA_OPTS");
        env.put("MEMCTL_HEAP", "default");
        assertEquals(List.of(), heapArgs("context", "--input", "x"));
        env.remove("MEMCTL_HEAP");
        // the class archive's training run keeps the JVM's defaults (the archive serves every run)
        env.put("MEMCTL_CDS_DUMP", "1");
        assertEquals(List.of(), heapArgs("context", "--input", "x", "--then", "logs", "--input", "y"));
        env.remove("MEMCTL_CDS_DUMP");
        // without MEMCTL_MEM_BYTES: this machine's memory (or its container's limit), at most 1 GiB
        env.remove("MEMCTL_MEM_BYTES");
        List<String> own = heapArgs("context", "--input", "x");
        assertTrue(!own.isEmpty() && own.get(0).matches("-Xms[0-9]+m"), own.toString());
        long mib = Long.parseLong(own.get(0).substring(4, own.get(0).length() - 1));
        assertTrue(mib >= 64 && mib <= 1024, own.toString());
        assertEquals(mib >= 384 ? List.of(own.get(0), "-Xmn128m") : List.of(own.get(0)), own,
                "the young generation is set exactly when the initial heap is at least 384 MiB");
        // the collector and JIT flags come before it, MEMCTL_JAVA_OPTS after (the user's options win)
        env.put("MEMCTL_JAVA_OPTS", "-Dx=1");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.indexOf("-XX:+UseSerialGC") < args.indexOf(own.get(0))
                && args.indexOf(own.get(0)) < args.indexOf("-Dx=1"), args.toString());
    }

    @Test
    void contextFileRunsWithTheirOwnHeapStartWithSmallTlabs() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        List<String> tlab = List.of("-XX:TLABSize=64k");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        assertEquals(tlab, tlabArgs("context", "--input", "x", "--output", "y"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(2L << 30));
        assertEquals(tlab, tlabArgs("context", "--input", "x"), "with a smaller heap of the launcher's too");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(200L << 20));
        assertEquals(List.of(), tlabArgs("context", "--input", "x"), "no heap of the launcher's: the JVM's TLABs");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        // log runs (a small young generation, small first TLABs anyway), the demo, Kafka, the training run
        assertEquals(List.of(), tlabArgs("logs", "--input", "x"));
        assertEquals(List.of(), tlabArgs("demo", "--input", "x"));
        assertEquals(List.of(), tlabArgs("context", "--kafka", "k:9092"));
        assertEquals(List.of(), tlabArgs("cell"));
        env.put("MEMCTL_CDS_DUMP", "1");
        assertEquals(List.of(), tlabArgs("context", "--input", "x", "--then", "logs", "--input", "y"));
        env.remove("MEMCTL_CDS_DUMP");
        // it goes with the launcher's heap: the user's heap sizes, collector or MEMCTL_HEAP=default turn both off
        for (String opts : List.of("-Xms2g", "-Xmx300m", "-XX:+UseParallelGC")) {
            env.put("MEMCTL_JAVA_OPTS", "-Dx=1 " + opts);
            assertEquals(List.of(), tlabArgs("context", "--input", "x"), opts);
        }
        env.put("MEMCTL_JAVA_OPTS", "-Dx=1");
        env.put("MEMCTL_HEAP", "default");
        assertEquals(List.of(), tlabArgs("context", "--input", "x"));
        env.remove("MEMCTL_HEAP");
        // the user's own first TLAB size replaces it (and the launcher's heap stays)
        env.put("MEMCTL_JAVA_OPTS", "-XX:TLABSize=1m");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertEquals(List.of("-XX:TLABSize=1m"), args.stream().filter(a -> a.startsWith("-XX:TLABSize")).toList());
        assertTrue(args.contains("-Xms1024m") && args.contains("-Xmn128m"), args.toString());
        // after the heap's initial size, before MEMCTL_JAVA_OPTS
        env.put("MEMCTL_JAVA_OPTS", "-Dx=1");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", "x").code);
        args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.indexOf("-Xms1024m") < args.indexOf("-Xmn128m")
                && args.indexOf("-Xmn128m") < args.indexOf(tlab.get(0))
                && args.indexOf(tlab.get(0)) < args.indexOf("-Dx=1"), args.toString());
    }

    @Test
    void logFileRunsGetASmallYoungGenerationThatTenuresAtOnce() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        List<String> young = List.of("-Xmn32m", "-XX:MaxTenuringThreshold=0");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        assertEquals(young, youngArgs("logs", "--input", "x"));
        env.put("MEMCTL_MEM_BYTES", String.valueOf(1L << 30));
        assertEquals(young, youngArgs("logs", "--input", "x"), "a 256 MiB default maximum heap");
        env.put("MEMCTL_MEM_BYTES", String.valueOf((1L << 30) - (1L << 20)));
        assertEquals(List.of(), youngArgs("logs", "--input", "x"), "under 256 MiB: the JVM's default");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        // over Kafka, the demo, context runs (their own heap) and the class archive's training run: the defaults
        assertEquals(List.of(), youngArgs("logs", "--kafka", "k:9092"));
        assertEquals(List.of(), youngArgs("demo", "--input", "x"));
        assertEquals(List.of("-Xmn128m"), youngArgs("context", "--input", "x"), "context's own (no tenuring)");
        env.put("MEMCTL_CDS_DUMP", "1");
        assertEquals(List.of(), youngArgs("logs", "--input", "x"));
        env.remove("MEMCTL_CDS_DUMP");
        // the user's own sizes, tenuring or collector win, and MEMCTL_HEAP=default turns it off
        for (String opts : List.of("-Xmx300m", "-Xms2g", "-Xmn64m", "-XX:MaxNewSize=1g", "-XX:MaxRAMPercentage=5",
                "-XX:NewRatio=3", "-XX:MaxTenuringThreshold=4", "-XX:+UseParallelGC")) {
            env.put("MEMCTL_JAVA_OPTS", "-Dx=1 " + opts);
            assertEquals(List.of(), youngArgs("logs", "--input", "x"), opts);
        }
        env.put("MEMCTL_JAVA_OPTS", "-XX:MaxTenuringThreshold=4");
        assertEquals(List.of("-Xms1024m", "-Xmn128m"), heapArgs("context", "--input", "x"),
                "context's heap ignores tenuring");
        env.remove("MEMCTL_JAVA_OPTS");
        env.put("MEMCTL_HEAP", "default");
        assertEquals(List.of(), youngArgs("logs", "--input", "x"));
        env.remove("MEMCTL_HEAP");
        // after the collector, before MEMCTL_JAVA_OPTS
        env.put("MEMCTL_JAVA_OPTS", "-Dx=1");
        assertEquals(0, run(root.resolve("memctl"), "0", "logs", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.indexOf("-XX:+UseSerialGC") < args.indexOf("-Xmn32m")
                && args.indexOf("-XX:MaxTenuringThreshold=0") < args.indexOf("-Dx=1"), args.toString());
    }

    @Test
    void logAndContextFileRunsAskForTransparentHugePagesWhereTheKernelGivesThemOnRequest() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        Path setting = root.resolve("thp-enabled");
        env.put("MEMCTL_THP_SETTING", setting.toString());
        List<String> thp = List.of("-XX:+UseTransparentHugePages");
        Files.writeString(setting, "always [madvise] never\n");
        assertEquals(thp, pageArgs("logs", "--input", "x"));
        assertEquals(thp, pageArgs("context", "--input", "x", "--output", "y"));
        // over Kafka, the demo, the other commands and the class archive's training run: the JVM's default
        assertEquals(List.of(), pageArgs("logs", "--kafka", "k:9092"));
        assertEquals(List.of(), pageArgs("context", "--input", "x", "--kafka=k:9092"));
        assertEquals(List.of(), pageArgs("demo", "--input", "x"));
        assertEquals(List.of(), pageArgs("cell", "--input", "x"));
        env.put("MEMCTL_CDS_DUMP", "1");
        assertEquals(List.of(), pageArgs("logs", "--input", "x"));
        env.remove("MEMCTL_CDS_DUMP");
        // MEMCTL_THP=0 and the user's own page options turn it off
        env.put("MEMCTL_THP", "0");
        assertEquals(List.of(), pageArgs("logs", "--input", "x"));
        env.remove("MEMCTL_THP");
        for (String opts : List.of("-XX:-UseTransparentHugePages", "-XX:+UseTransparentHugePages",
                "-XX:+UseLargePages", "-XX:-UseLargePages", "-XX:+UseLargePagesIndividualAllocation")) {
            env.put("MEMCTL_JAVA_OPTS", "-Dx=1 " + opts);
            assertEquals(List.of(opts), pageArgs("context", "--input", "x"), opts);
        }
        env.remove("MEMCTL_JAVA_OPTS");
        // a kernel that gives them to all memory, none, or a setting it cannot read: nothing to ask
        Files.writeString(setting, "[always] madvise never\n");
        assertEquals(List.of(), pageArgs("logs", "--input", "x"));
        Files.writeString(setting, "always madvise [never]\n");
        assertEquals(List.of(), pageArgs("logs", "--input", "x"));
        Files.delete(setting);
        assertEquals(List.of(), pageArgs("logs", "--input", "x"));
        // after the heap's options, before MEMCTL_JAVA_OPTS
        Files.writeString(setting, "always [madvise] never\n");
        env.put("MEMCTL_MEM_BYTES", String.valueOf(24L << 30));
        env.put("MEMCTL_JAVA_OPTS", "-Dx=1");
        assertEquals(0, run(root.resolve("memctl"), "0", "context", "--input", "x").code);
        List<String> args = Files.readAllLines(root.resolve("java.args"));
        assertTrue(args.indexOf("-Xms1024m") < args.indexOf(thp.get(0))
                && args.indexOf(thp.get(0)) < args.indexOf("-Dx=1"), args.toString());
    }

    @Test
    void logAndContextFileRunsGetOneMallocArenaGrownInHugePages() throws Exception {
        Files.createFile(root.resolve("jobs/target/memctl.jar"));
        String tunables = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";
        assertEquals(tunables, glibcTunables("logs", "--input", "x"));
        assertEquals(tunables, glibcTunables("context", "--input", "x", "--output", "y"));
        // over Kafka and the other commands: glibc's defaults
        assertEquals("unset", glibcTunables("logs", "--kafka", "k:9092"));
        assertEquals("unset", glibcTunables("context", "--input", "x", "--kafka=k:9092"));
        assertEquals("unset", glibcTunables("cell", "--input", "x"));
        assertEquals("unset", glibcTunables("demo", "--input", "x"));
        // MEMCTL_MALLOC=0 turns it off; the user's own GLIBC_TUNABLES (even empty) is kept as it is
        env.put("MEMCTL_MALLOC", "0");
        assertEquals("unset", glibcTunables("logs", "--input", "x"));
        env.remove("MEMCTL_MALLOC");
        env.put("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0");
        assertEquals("glibc.malloc.tcache_count=0", glibcTunables("logs", "--input", "x"));
        env.put("GLIBC_TUNABLES", "");
        assertEquals("", glibcTunables("context", "--input", "x"));
        env.remove("GLIBC_TUNABLES");
    }

    /** The GLIBC_TUNABLES the stub java ran with ("unset" where it had none). */
    private String glibcTunables(String... args) throws Exception {
        assertEquals(0, run(root.resolve("memctl"), "0", args).code);
        return Files.readString(root.resolve("java.args.glibc")).strip();
    }

    /** The page size options (-XX:*UseTransparentHugePages, -XX:*UseLargePages*) of a launcher run. */
    private List<String> pageArgs(String... args) throws Exception {
        assertEquals(0, run(root.resolve("memctl"), "0", args).code);
        return Files.readAllLines(root.resolve("java.args")).stream()
                .filter(a -> a.matches("-XX:[+-](UseTransparentHugePages|UseLargePages.*)"))
                .toList();
    }

    /** The TLAB size options (-XX:TLABSize) the launcher adds to a run. */
    private List<String> tlabArgs(String... args) throws Exception {
        assertEquals(0, run(root.resolve("memctl"), "0", args).code);
        return Files.readAllLines(root.resolve("java.args")).stream()
                .filter(a -> a.startsWith("-XX:TLABSize"))
                .toList();
    }

    /** The young generation's options (-Xmn, -XX:MaxTenuringThreshold) the launcher adds to a run. */
    private List<String> youngArgs(String... args) throws Exception {
        assertEquals(0, run(root.resolve("memctl"), "0", args).code);
        return Files.readAllLines(root.resolve("java.args")).stream()
                .filter(a -> a.startsWith("-Xmn") || a.startsWith("-XX:MaxTenuringThreshold"))
                .filter(a -> !(env.getOrDefault("MEMCTL_JAVA_OPTS", "").contains(a)))
                .toList();
    }

    /** The heap size options (-Xms, -Xmx, -Xmn) of a launcher run with these arguments. */
    private List<String> heapArgs(String... args) throws Exception {
        assertEquals(0, run(root.resolve("memctl"), "0", args).code);
        return Files.readAllLines(root.resolve("java.args")).stream()
                .filter(a -> a.startsWith("-Xms") || a.startsWith("-Xmx") || a.startsWith("-Xmn"))
                .filter(a -> !(env.getOrDefault("MEMCTL_JAVA_OPTS", "").contains(a)))
                .toList();
    }

    private static void executable(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
