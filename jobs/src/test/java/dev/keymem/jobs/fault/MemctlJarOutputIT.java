package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.cli.Memctl;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Review 24a F2 and 24c F5: the built, rewritten memctl jar (keymem's and Flink's lambda sites made plain classes
 * and Flink's string concatenations inlined by {@code JarRewrite}) gives the same answers and the same dead letters
 * as the unrewritten classes. The log job over {@code samples/logs/services.log} and the context job over {@code
 * samples/events/users.jsonl}, each followed by lines every file run dead-letters ({@link #badLogLines}, {@link
 * #badEventLines}: blank, not UTF-8, over {@code --max-record-bytes}, not JSON, JSON
 * past Jackson's nesting and number limits, not an object, glued objects, text after the object, no text / user,
 * a field of the wrong JSON type), each run twice in a child JVM, {@code memctl logs|context --input F --output O
 * --dead-letters D}: once on the jar that {@value DurableKafkaRunIT#MEMCTL_JAR} names, with the JVM options {@link
 * DurableKafkaRunIT#classpath()} gives its jar mode, and once on the test classpath (the module's classes and the
 * unchanged Flink jars). Their sorted outputs must be equal and not empty; their dead letters, sorted by line, must
 * be equal record by record (the whole dead-letter JSON: reason, topic, partition, offset, key, timestamp, value,
 * value size), and be exactly the appended lines. Nothing is compared with a stored digest or a stored
 * reason: a change of the jobs' answers or messages changes both sides; the rewrite changing one side fails. Each
 * dead letter's reason must be of the class its line was written for ({@link #REASON_CLASSES}, a part of the reason
 * that names the code path, review 25c F6), so the paths the lines cover cannot shrink unseen.
 *
 * <p>It runs where the property names a jar: a plain {@code verify} (the CI's {@code .ci/run}) runs it once, in
 * the jobs module's {@code memctl-jar-it} execution after {@code package} (as {@code DurableKafkaRunIT}); a
 * failure fails the build. Without the property (a {@code -Dtest} run without {@code -Dkeymem.it.memctlJar}) it
 * skips with a printed reason. Inputs, outputs, dead letters and the child JVMs' temporary files go under {@code
 * target/memctl-jar-output/} (the inputs are deleted after a passing run).
 *
 * <p>Left out: a line over the reader's line bound (a sixteenth of the heap: 48 MiB here), whose record is cut by
 * {@code FileLineFormat} and dead-lettered by the same code as the line over {@code --max-record-bytes}; it cost
 * ~1-4 CPU s a run (measured at load ~20, two pairs: a 4,003-line log run 5.6 and 7.7 CPU s, with one 50 MiB
 * line more 9.2 and 8.4), four runs a build.
 */
class MemctlJarOutputIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The child JVMs' heap. */
    private static final int HEAP_MIB = 768;

    @Test
    @Timeout(450) // four child runs of at most 100 s each
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
        Map<String, Map<Long, String>> bad = new LinkedHashMap<>();
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("logs", withBadLines(dir.resolve("logs-in.log"),
                Path.of("..", "samples", "logs", "services.log"), badLogLines(), bad.computeIfAbsent("logs",
                        k -> new TreeMap<>())));
        inputs.put("context", withBadLines(dir.resolve("context-in.jsonl"),
                Path.of("..", "samples", "events", "users.jsonl"), badEventLines(), bad.computeIfAbsent("context",
                        k -> new TreeMap<>())));
        for (Map.Entry<String, Path> run : inputs.entrySet()) {
            String job = run.getKey();
            String in = run.getValue().toString();
            Run a = memctl(dir, job + "-jar", jar, job, in);
            Run b = memctl(dir, job + "-classes", unrewritten, job, in);
            assertFalse(b.output.isEmpty(), job + " gave no output on the test classpath");
            if (!a.output.equals(b.output)) {
                int i = 0;
                while (i < Math.min(a.output.size(), b.output.size()) && a.output.get(i).equals(b.output.get(i))) {
                    i++;
                }
                throw new AssertionError(job + ": the rewritten jar's sorted output (" + a.output.size()
                        + " lines) differs from the unrewritten classes' (" + b.output.size() + ") at line " + i + ": "
                        + (i < a.output.size() ? a.output.get(i) : "(end)") + " vs "
                        + (i < b.output.size() ? b.output.get(i) : "(end)"));
            }
            Map<Long, String> expected = bad.get(job);
            assertEquals(expected.keySet(), b.deadLetters.keySet(), job + ": the lines dead-lettered on the test "
                    + "classpath are not the appended bad lines: " + b.deadLetters.values());
            assertSameDeadLetters(job, a.deadLetters, b.deadLetters);
            // the comparison itself fails where one reason differs (a mutant of the jar side's first dead letter)
            Map<Long, JsonNode> mutant = new TreeMap<>(a.deadLetters);
            Map.Entry<Long, JsonNode> first = a.deadLetters.entrySet().iterator().next();
            JsonNode changed = first.getValue().deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) changed).put("reason",
                    changed.get("reason").asText() + "!");
            mutant.put(first.getKey(), changed);
            assertThrows(AssertionError.class, () -> assertSameDeadLetters(job, mutant, b.deadLetters));
            int kinds = assertReasonClasses(job, expected, b.deadLetters);
            // and the class check fails where a line gets another path's reason (the last line's for the first's)
            Map<Long, JsonNode> swapped = new TreeMap<>(b.deadLetters);
            swapped.put(first.getKey(), ((TreeMap<Long, JsonNode>) swapped).lastEntry().getValue());
            assertThrows(AssertionError.class, () -> assertReasonClasses(job, expected, swapped));
            // and the one-class check fails where a class is over-broad (one that finds every reason added)
            java.util.Set<String> broad = new java.util.HashSet<>(REASON_CLASSES.values());
            broad.add("^value");
            List<String> reasons = b.deadLetters.values().stream().map(d -> d.get("reason").asText()).toList();
            assertThrows(AssertionError.class, () -> assertOneClassEach(job, reasons, broad));
            for (Map.Entry<Long, JsonNode> d : b.deadLetters.entrySet()) {
                System.out.println("MemctlJarOutputIT " + job + " dead letter, line " + d.getKey() + " ("
                        + expected.get(d.getKey()) + "): " + d.getValue().get("reason").asText());
            }
            System.out.println("MemctlJarOutputIT " + job + ": " + a.output.size() + " output lines, "
                    + a.deadLetters.size() + " dead letters, equal, " + kinds + " distinct reasons");
        }
        for (Path in : inputs.values()) {
            Files.deleteIfExists(in);
        }
    }

    /**
     * Fails unless {@code jar} and {@code classes} hold the same dead letters line by line, the reason first, then
     * every field of the dead-letter JSON (a file run's records carry timestamp -1: nothing differs run to run).
     */
    static void assertSameDeadLetters(String job, Map<Long, JsonNode> jar, Map<Long, JsonNode> classes) {
        for (Map.Entry<Long, JsonNode> e : classes.entrySet()) {
            JsonNode a = jar.get(e.getKey());
            JsonNode b = e.getValue();
            if (a == null) {
                throw new AssertionError(job + ": line " + e.getKey() + " is a dead letter on the test classpath ("
                        + b.get("reason") + ") but not on the rewritten jar");
            }
            if (!a.get("reason").equals(b.get("reason"))) {
                throw new AssertionError(job + ": line " + e.getKey() + "'s dead-letter reason differs: rewritten jar "
                        + a.get("reason") + ", unrewritten classes " + b.get("reason"));
            }
            if (!a.equals(b)) {
                throw new AssertionError(job + ": line " + e.getKey() + "'s dead letter differs: rewritten jar "
                        + abbreviate(a) + ", unrewritten classes " + abbreviate(b));
            }
        }
        for (Long line : jar.keySet()) {
            if (!classes.containsKey(line)) {
                throw new AssertionError(job + ": line " + line + " is a dead letter on the rewritten jar ("
                        + jar.get(line).get("reason") + ") but not on the test classpath");
            }
        }
    }

    /**
     * Fails unless each dead letter's reason is of the class its line was written for ({@link #REASON_CLASSES}: a
     * part of the reason that names the code path, found in it), so that two paths made one, or a line that no
     * longer reaches its path, fail here (review 25c F6), and unless each reason is of one class only
     * ({@link #assertOneClassEach}); returns the number of distinct reasons.
     */
    static int assertReasonClasses(String job, Map<Long, String> written, Map<Long, JsonNode> deadLetters) {
        java.util.Set<String> reasons = new java.util.HashSet<>();
        for (Map.Entry<Long, String> w : written.entrySet()) {
            String reasonClass = REASON_CLASSES.get(w.getValue());
            assertTrue(reasonClass != null, job + ": no reason class for " + w.getValue());
            JsonNode d = deadLetters.get(w.getKey());
            assertTrue(d != null, job + ": line " + w.getKey() + " (" + w.getValue() + ") is no dead letter");
            String reason = d.get("reason").asText();
            assertTrue(java.util.regex.Pattern.compile(reasonClass).matcher(reason).find(), job + ": line "
                    + w.getKey() + " (" + w.getValue() + ") has reason '" + reason + "', not of class /" + reasonClass
                    + "/");
            reasons.add(reason);
        }
        assertOneClassEach(job, reasons, new java.util.HashSet<>(REASON_CLASSES.values()));
        return reasons.size();
    }

    /**
     * Fails unless each reason is found by exactly one of the distinct reason classes {@code patterns}: the classes
     * exclude each other on the reasons met, so a class made over-broad later ({@code ^value}) fails here, as would
     * two classes that name one path (review26a F5).
     */
    static void assertOneClassEach(String job, java.util.Collection<String> reasons,
            java.util.Collection<String> patterns) {
        for (String reason : reasons) {
            List<String> found = patterns.stream()
                    .filter(p -> java.util.regex.Pattern.compile(p).matcher(reason).find()).toList();
            assertTrue(found.size() == 1, job + ": reason '" + reason + "' is of " + found.size() + " classes "
                    + found);
        }
    }

    /**
     * Each bad line's reason class, by its description in {@link #badLogLines} and {@link #badEventLines}: a regular
     * expression found in the reason, the part that names the path (Jackson's own words for its parse errors). A
     * class names a code path, not a whole message: the checks stay the two runs' comparison.
     */
    static final Map<String, String> REASON_CLASSES = Map.ofEntries(
            Map.entry("empty", "^value is blank$"),
            Map.entry("blank", "^value is blank$"),
            Map.entry("Latin-1, not UTF-8", "^value is not valid UTF-8$"),
            Map.entry("truncated UTF-8 sequence", "^value is not valid UTF-8$"),
            Map.entry("over --max-record-bytes", "^value has \\d+ bytes, over the limit of 65536$"),
            Map.entry("unterminated JSON", "^value is not valid JSON: Unexpected end-of-input"),
            Map.entry("JSON syntax error", "^value is not valid JSON: Unexpected character"),
            Map.entry("NUL inside a JSON string", "^value is not valid JSON: Illegal unquoted character"),
            Map.entry("two JSON objects glued", "^value has more after its JSON object"),
            Map.entry("text after the object", "^value has 't' after its JSON object"),
            Map.entry("NUL after the object", "^value has a NUL byte after its JSON object"),
            Map.entry("control character after the object", "^value has control character U\\+0001 after its JSON"),
            Map.entry("nested 1,100 levels", "^value is not valid JSON: .*nesting depth"),
            Map.entry("number of 1,100 digits", "^value is not valid JSON: Number value length"),
            Map.entry("JSON, no text field", "^JSON log record has no text"),
            Map.entry("JSON, message a number", "^JSON log record has no text"),
            Map.entry("JSON, message an array", "^JSON log record has no text"),
            Map.entry("JSON array", "^value is not a JSON object$"),
            Map.entry("JSON string", "^value is not a JSON object$"),
            Map.entry("no user", "^user event has no user$"),
            Map.entry("user a number", "^user event has no user$"),
            Map.entry("user blank", "^user event has no user$"),
            Map.entry("no text", "^user event has no text$"),
            Map.entry("text an object", "^user event has no text$"));

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() <= 400 ? s : s.substring(0, 400) + "...";
    }

    /** A line of {@code chars} copies of {@code c}. */
    private static String repeat(char c, int chars) {
        return String.valueOf(c).repeat(chars);
    }

    /** Over {@code --max-record-bytes} (64 KiB), under the reader's line bound. */
    private static final int OVER_RECORD = 70_000;

    /** Lines the log job dead-letters, by what is wrong with them (each one line, without its line end). */
    static Map<String, byte[]> badLogLines() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        common(m, "{\"message\":\"");
        m.put("JSON, no text field", utf8("{\"level\":\"INFO\",\"ts\":\"2026-01-15T08:00:00Z\"}"));
        m.put("JSON, message a number", utf8("{\"message\":42,\"service\":\"api\"}"));
        m.put("JSON, message an array", utf8("{\"msg\":[\"a\",\"b\"]}"));
        return m;
    }

    /** Lines the context job dead-letters, by what is wrong with them. */
    static Map<String, byte[]> badEventLines() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        common(m, "{\"user\":\"u0001\",\"text\":\"");
        m.put("JSON array", utf8("[1,2,3]"));
        m.put("JSON string", utf8("\"just a string\""));
        m.put("no user", utf8("{\"text\":\"I like tea\",\"type\":\"chat\"}"));
        m.put("user a number", utf8("{\"user\":17,\"text\":\"I like tea\"}"));
        m.put("user blank", utf8("{\"user\":\"  \",\"text\":\"I like tea\"}"));
        m.put("no text", utf8("{\"user\":\"u0002\",\"type\":\"chat\"}"));
        m.put("text an object", utf8("{\"user\":\"u0002\",\"text\":{\"a\":1}}"));
        return m;
    }

    /** The dead letters of both jobs; {@code open} starts a JSON object whose text string is still open. */
    private static void common(Map<String, byte[]> m, String open) {
        m.put("empty", new byte[0]);
        m.put("blank", utf8(" \t  "));
        byte[] latin1 = "Caf\u00e9 cr\u00e8me: connexion refus\u00e9e".getBytes(StandardCharsets.ISO_8859_1);
        m.put("Latin-1, not UTF-8", latin1);
        m.put("truncated UTF-8 sequence", new byte[] {'o', 'k', ' ', (byte) 0xE2, (byte) 0x82, ' ', 'x'});
        m.put("over --max-record-bytes", utf8(open + repeat('a', OVER_RECORD) + "\"}"));
        m.put("unterminated JSON", utf8(open + "never closed"));
        m.put("JSON syntax error", utf8(open + "x\",}"));
        m.put("NUL inside a JSON string", utf8(open + "a\u0000b\"}"));
        m.put("two JSON objects glued", utf8(open + "a\"}" + open + "b\"}"));
        m.put("text after the object", utf8(open + "a\"} trailing"));
        m.put("NUL after the object", utf8(open + "a\"}\u0000"));
        m.put("control character after the object", utf8(open + "a\"}\u0001"));
        m.put("nested 1,100 levels", utf8(open + "a\",\"deep\":" + "[".repeat(1100) + "]".repeat(1100) + "}"));
        m.put("number of 1,100 digits", utf8(open + "a\",\"n\":" + repeat('7', 1100) + "}"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Writes {@code sample}'s bytes then the {@code lines} (each ended by a line feed) to {@code to}; puts each
     * appended line's 0-based line number and description in {@code at}.
     */
    static Path withBadLines(Path to, Path sample, Map<String, byte[]> lines, Map<Long, String> at) throws IOException {
        byte[] head = Files.readAllBytes(sample.toAbsolutePath());
        assertTrue(head.length > 0 && head[head.length - 1] == '\n', sample + " does not end with a line feed");
        long line = 0;
        for (byte b : head) {
            if (b == '\n') {
                line++;
            }
        }
        try (OutputStream out = Files.newOutputStream(to)) {
            out.write(head);
            for (Map.Entry<String, byte[]> e : lines.entrySet()) {
                for (byte b : e.getValue()) {
                    assertTrue(b != '\n' && b != '\r', e.getKey() + " holds a line end");
                }
                out.write(e.getValue());
                out.write('\n');
                at.put(line++, e.getKey());
            }
        }
        return to;
    }

    /** One child run's sorted output lines and its dead letters by line number. */
    record Run(List<String> output, Map<Long, JsonNode> deadLetters) {
    }

    /** Runs {@code memctl JOB --input IN --output O --dead-letters D} in a child JVM. */
    static Run memctl(Path dir, String name, List<String> classpath, String job, String in) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve(name + "-tmp"));
        Path out = dir.resolve(name + ".out");
        Path dead = dir.resolve(name + ".dead");
        Path log = dir.resolve(name + ".log");
        Files.deleteIfExists(out);
        Files.deleteIfExists(dead);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MIB + "m", "-Djava.io.tmpdir=" + tmp));
        cmd.addAll(classpath);
        cmd.add(Memctl.class.getName());
        cmd.addAll(List.of(job, "--input", in, "--output", out.toString(), "--dead-letters", dead.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(100, TimeUnit.SECONDS)) {
                throw new AssertionError(name + " did not end in 100 s: " + Files.readString(log));
            }
        } finally {
            // also when the test's own timeout interrupts the wait: no child JVM outlives the test
            if (p.isAlive()) {
                p.destroyForcibly().waitFor();
            }
        }
        assertEquals(0, p.exitValue(), name + " failed: " + Files.readString(log));
        assertTrue(Files.isRegularFile(out), name + " wrote no output: " + Files.readString(log));
        assertTrue(Files.isRegularFile(dead), name + " wrote no dead letters: " + Files.readString(log));
        List<String> lines = new ArrayList<>(Files.readAllLines(out, StandardCharsets.UTF_8));
        lines.sort(null);
        Map<Long, JsonNode> dl = new TreeMap<>();
        for (String s : Files.readAllLines(dead, StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(s);
            JsonNode prev = dl.put(n.get("offset").asLong(), n);
            assertTrue(prev == null, name + ": two dead letters of line " + n.get("offset") + ": " + prev + ", " + s);
        }
        return new Run(lines, dl);
    }
}
