package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Jackson's ObjectMapper is made only when a record needs it: a fresh JVM that parses plain events with the job's
 * parser, encodes their payloads and loads the answers' class does not initialise ObjectMapper's class (its
 * start-up, ~20 ms of CPU, was paid by every context run while the three classes made their mappers eagerly); the
 * same JVM then parsing an event with an escape (the tree's way) does, and gets the event the reference reads;
 * {@link UserContextJob#trainJsonForms} (the class archive's training of those forms) reads its event back.
 */
class ContextMapperFirstUseTest {

    private static final String MAPPER = "com/fasterxml/jackson/databind/ObjectMapper";

    /** The fresh JVM's steps: plain events first, then (with the argument "escaped") one with an escape. */
    public static void main(String[] args) throws Exception {
        RecordParser<ContextEvent> parser = UserContextJob.parser();
        for (int i = 0; i < 20; i++) {
            String line = "{\"user\": \"u" + i + "\", \"text\": \"These days I'm working on a marathon " + i
                    + ".\", \"type\": \"chat\", \"ts\": \"2026-03-01T09:00:00Z\"}";
            ContextEvent e = parser.parse(record(line));
            ContextPayload.encode(e);
        }
        Class.forName(ContextAnswers.class.getName(), true, ContextMapperFirstUseTest.class.getClassLoader());
        System.out.println("plain done");
        if (args.length > 0) {
            String line = "{\"user\": \"u\\u0031\", \"text\": \"a \\\"quoted\\\" word\", \"ts\": \"t\"}";
            ContextEvent e = parser.parse(record(line));
            ContextEvent ref = new ContextEventParser().parseTree(null, line, 0);
            System.out.println("escaped " + e.user + "|" + e.text + "|" + e.ts + " ref " + ref.user + "|" + ref.text
                    + "|" + ref.ts);
            ContextEvent trained = UserContextJob.trainJsonForms();
            System.out.println("trained " + trained.text + "|" + trained.type + "|" + trained.ts);
        }
    }

    private static KafkaRecord record(String line) {
        return new KafkaRecord("t", 0, 0, 0, null, line.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> run(boolean escaped) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+init=info", "-Xshare:off", "-cp", System.getProperty("java.class.path"),
                ContextMapperFirstUseTest.class.getName()));
        if (escaped) {
            cmd.add("escaped");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    private static int mapperInitAt(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("'" + MAPPER + "'") && lines.get(i).contains("nitializ")) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void plainEventsDoNotMakeTheMapperAndAnEscapedOneDoes() throws Exception {
        List<String> plain = run(false);
        assertTrue(plain.contains("plain done"), String.join("\n", plain));
        assertEquals(-1, mapperInitAt(plain), "ObjectMapper initialised by plain events");

        List<String> escaped = run(true);
        int done = escaped.indexOf("plain done");
        int at = mapperInitAt(escaped);
        assertTrue(done >= 0 && at > done, "ObjectMapper initialised at line " + at + ", plain done at " + done);
        String result = escaped.stream().filter(l -> l.startsWith("escaped ")).findFirst().orElseThrow();
        assertEquals("escaped u1|a \"quoted\" word|t ref u1|a \"quoted\" word|t", result);
        String trained = escaped.stream().filter(l -> l.startsWith("trained ")).findFirst().orElseThrow();
        assertEquals("trained a \"quoted\" word|chat|t", trained); // a payload holds no user (the key)
    }
}
