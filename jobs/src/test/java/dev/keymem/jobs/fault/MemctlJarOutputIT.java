package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.cli.Memctl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Review 24a F2: the built, rewritten memctl jar (keymem's and Flink's lambda sites made plain classes and Flink's
 * string concatenations inlined by {@code JarRewrite}) gives the same answers as the unrewritten classes. The log
 * job over {@code samples/logs/services.log} and the context job over {@code samples/events/users.jsonl} each run
 * twice in a child JVM, {@code memctl logs|context --input F --output O}: once on the jar that {@value
 * DurableKafkaRunIT#MEMCTL_JAR} names, with the JVM options {@link DurableKafkaRunIT#classpath()} gives its jar
 * mode, and once on the test classpath (the module's classes and the unchanged Flink jars); their sorted outputs
 * must be equal and not empty. Nothing is compared with a stored digest: a change of the jobs' answers changes
 * both sides.
 *
 * <p>It runs where the property names a jar: a plain {@code verify} (the CI's {@code .ci/run}) runs it once, in
 * the jobs module's {@code memctl-jar-it} execution after {@code package} (as {@code DurableKafkaRunIT}); a
 * failure fails the build. Without the property (a {@code -Dtest} run without {@code -Dkeymem.it.memctlJar}) it
 * skips with a printed reason. Outputs and the child JVMs' temporary files go under {@code
 * target/memctl-jar-output/}.
 */
class MemctlJarOutputIT {

    @Test
    @Timeout(240)
    void theRewrittenJarAnswersAsTheUnrewrittenClasses() throws Exception {
        String named = System.getProperty(DurableKafkaRunIT.MEMCTL_JAR, "");
        if (named.isBlank()) {
            System.out.println("MemctlJarOutputIT skipped: no -D" + DurableKafkaRunIT.MEMCTL_JAR
                    + " names a built memctl jar (a plain verify sets it)");
        }
        Assumptions.assumeFalse(named.isBlank(), "no memctl jar named");
        Path dir = Path.of("target", "memctl-jar-output").toAbsolutePath();
        Files.createDirectories(dir);
        List<String> jar = DurableKafkaRunIT.classpath();
        List<String> unrewritten = List.of("-cp", System.getProperty("java.class.path"));
        String[][] runs = {
            {"logs", Path.of("..", "samples", "logs", "services.log").toAbsolutePath().toString()},
            {"context", Path.of("..", "samples", "events", "users.jsonl").toAbsolutePath().toString()}};
        for (String[] run : runs) {
            List<String> a = memctl(dir, run[0] + "-jar", jar, run[0], run[1]);
            List<String> b = memctl(dir, run[0] + "-classes", unrewritten, run[0], run[1]);
            assertFalse(b.isEmpty(), run[0] + " gave no output on the test classpath");
            if (!a.equals(b)) {
                int i = 0;
                while (i < Math.min(a.size(), b.size()) && a.get(i).equals(b.get(i))) {
                    i++;
                }
                throw new AssertionError(run[0] + ": the rewritten jar's sorted output (" + a.size()
                        + " lines) differs from the unrewritten classes' (" + b.size() + ") at line " + i + ": "
                        + (i < a.size() ? a.get(i) : "(end)") + " vs " + (i < b.size() ? b.get(i) : "(end)"));
            }
            System.out.println("MemctlJarOutputIT " + run[0] + ": " + a.size() + " output lines, equal");
        }
    }

    /** Runs {@code memctl JOB --input IN --output O} in a child JVM; its sorted output lines. */
    static List<String> memctl(Path dir, String name, List<String> classpath, String job, String in)
            throws Exception {
        Path tmp = Files.createDirectories(dir.resolve(name + "-tmp"));
        Path out = dir.resolve(name + ".out");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m", "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(classpath);
        cmd.add(Memctl.class.getName());
        cmd.addAll(List.of(job, "--input", in, "--output", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(100, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not end in 100 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), name + " failed: " + Files.readString(log));
        assertTrue(Files.isRegularFile(out), name + " wrote no output: " + Files.readString(log));
        List<String> lines = new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
        lines.sort(null);
        return lines;
    }
}
