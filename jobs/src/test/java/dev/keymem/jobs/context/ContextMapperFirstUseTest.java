package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
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
 * start-up, ~45 ms of CPU a run with the class archive, was paid by every context run while the three classes made
 * their mappers eagerly); the same JVM then parsing a malformed record with the job's parser does, at that record
 * (the plain readers decline it; the job's streaming Jackson way, whose parser comes from the mapper's factory, makes
 * the mapper, and the tree's parse refuses it: a dead letter), and refuses it as the reference
 * ({@link ContextEventParser#parseTree}) does. An event with escapes after it is read by the job's parser as the
 * reference reads it (the job reads it without the mapper; this checks the event, not the mapper), and
 * {@link UserContextJob#trainJsonForms} (the class archive's training of those forms) reads its event back.
 */
class ContextMapperFirstUseTest {

    private static final String MAPPER = "com/fasterxml/jackson/databind/ObjectMapper";

    /**
     * The fresh JVM's steps: plain events first, then (with the argument "malformed") a malformed record through the
     * job's parser and the reference, an event with an escape, and the archive's training.
     */
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
            String malformed = "{\"user\": \"u1\", \"text\": \"broken";
            String refusal = "read";
            try {
                parser.parse(record(malformed));
            } catch (InvalidRecordException x) {
                refusal = x.getMessage();
            }
            System.out.println("malformed done");
            String refRefusal = "read";
            try {
                new ContextEventParser().parseTree(null, malformed, 0);
            } catch (InvalidRecordException x) {
                refRefusal = x.getMessage();
            }
            System.out.println("malformed " + refusal.equals(refRefusal) + " " + refusal);
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

    private static List<String> run(boolean malformed) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+init=info", "-Xshare:off", "-cp", System.getProperty("java.class.path"),
                ContextMapperFirstUseTest.class.getName()));
        if (malformed) {
            cmd.add("malformed");
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
    void plainEventsDoNotMakeTheMapperAndAMalformedOneDoes() throws Exception {
        List<String> plain = run(false);
        assertTrue(plain.contains("plain done"), String.join("\n", plain));
        assertEquals(-1, mapperInitAt(plain), "ObjectMapper initialised by plain events");

        List<String> malformed = run(true);
        int done = malformed.indexOf("plain done");
        int refused = malformed.indexOf("malformed done");
        int at = mapperInitAt(malformed);
        // made by the job's parser at the malformed record, not by the reference called after it
        assertTrue(done >= 0 && at > done && refused > at,
                "ObjectMapper initialised at line " + at + ", plain done at " + done + ", malformed done at " + refused);
        String refusal = malformed.stream().filter(l -> l.startsWith("malformed ") && !l.equals("malformed done"))
                .findFirst().orElseThrow();
        assertTrue(refusal.startsWith("malformed true value is not valid JSON: "), refusal);
        String result = malformed.stream().filter(l -> l.startsWith("escaped ")).findFirst().orElseThrow();
        assertEquals("escaped u1|a \"quoted\" word|t ref u1|a \"quoted\" word|t", result);
        String trained = malformed.stream().filter(l -> l.startsWith("trained ")).findFirst().orElseThrow();
        assertEquals("trained a \"quoted\" word|chat|t", trained); // a payload holds no user (the key)
    }
}
