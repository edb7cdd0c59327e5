package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.operators.MemoryAnswer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The answers' writing alone ({@link ContextAnswers#map}, with {@link ContextAnswers#remember} of each stored
 * event) on one thread, replaying a context run: the events of a JSON-lines file in the keyed step's order (by
 * user, file order per user), each stored event's payload encoded once and remembered, and each query that the
 * run's output file answered given that answer (its hits pointing at the stored events' payloads, as the memory
 * hands them back, with the output's positions, scores, tiers and read vector). Prints the thread CPU ms of each
 * repetition (a fresh {@link ContextAnswers} each), their minimum, and an MD5 of the JSON written (equal across
 * builds when the answers are). A measuring program, not a test: {@code java -XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC -cp JAR:jobs/target/test-classes:DEPS dev.keymem.jobs.context.Ctx27AnswersCost EVENTS OUTPUT 5}.
 */
public final class Ctx27AnswersCost {
    private Ctx27AnswersCost() {
    }

    public static void main(String[] a) throws Exception {
        List<ContextEvent> evs = ContextKeyedCost.eventsByUser(Path.of(a[0]));
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> answers = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(a[1]))) {
            JsonNode n = json.readTree(line);
            if (n.has("events")) {
                answers.put(n.get("user").asText() + "@" + n.get("offset").asLong(), n);
            }
        }
        // the replay: per event, its payload (stored events) or its answer (queries)
        Map<String, byte[]> stored = new HashMap<>();
        List<Object> steps = new ArrayList<>();
        int missing = 0;
        for (ContextEvent e : evs) {
            if (!e.query) {
                byte[] p = ContextPayload.encode(e);
                stored.put(e.user + "@" + e.offset, p);
                steps.add(new Object[] {p, e});
                continue;
            }
            JsonNode n = answers.get(e.user + "@" + e.offset);
            if (n == null) {
                continue;
            }
            MemoryAnswer m = new MemoryAnswer();
            m.key = e.user;
            m.position = n.get("position").asLong();
            m.queryPayload = ContextPayload.encode(e);
            List<MemoryAnswer.Hit> hits = new ArrayList<>();
            for (JsonNode h : n.get("events")) {
                byte[] p = stored.get(e.user + "@" + h.get("offset").asLong());
                if (p == null) {
                    missing++;
                    continue;
                }
                hits.add(new MemoryAnswer.Hit(h.get("position").asLong(), p, h.get("score").asDouble(),
                        h.get("tiers").asText()));
            }
            m.hits = hits.toArray(new MemoryAnswer.Hit[0]);
            JsonNode rv = n.get("read_vector");
            m.read = new float[rv.size()];
            for (int i = 0; i < m.read.length; i++) {
                m.read[i] = (float) rv.get(i).asDouble();
            }
            steps.add(new Object[] {m, e});
        }
        int reps = Integer.parseInt(a[2]);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long min = Long.MAX_VALUE;
        String[] out = new String[steps.size()];
        for (int r = 0; r < reps; r++) {
            ContextAnswers f = new ContextAnswers();
            long c0 = tm.getCurrentThreadCpuTime();
            for (int i = 0; i < out.length; i++) {
                Object[] s = (Object[]) steps.get(i);
                if (s[0] instanceof byte[] p) {
                    f.remember(p, (ContextEvent) s[1]);
                } else {
                    out[i] = f.map((MemoryAnswer) s[0], (ContextEvent) s[1]).json;
                }
            }
            long spent = tm.getCurrentThreadCpuTime() - c0;
            min = Math.min(min, spent);
            MessageDigest md = MessageDigest.getInstance("MD5");
            int written = 0;
            for (String s : out) {
                if (s != null) {
                    md.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    written++;
                }
            }
            System.out.printf("rep %d: %.1f ms (%d answers, %d hits missing) md5=%s%n", r, spent / 1e6, written,
                    missing, HexFormat.of().formatHex(md.digest()));
        }
        System.out.printf("min %.1f ms%n", min / 1e6);
    }
}
