package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.logs.EmbeddedJobs;
import dev.keymem.jobs.logs.JobOutput;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user context job on an embedded MiniCluster (127.0.0.1, RocksDB, checkpoints, parallelism 2)
 * over the bundled sample of interleaved users: one answer per query, every answered event is one of
 * that user's own earlier events (never another user's), and a poison event becomes a dead letter.
 */
class UserContextJobTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void answersOnlyFromTheUsersOwnPastEvents(@TempDir Path dir) throws Exception {
        List<KafkaRecord> records = EmbeddedJobs.fileRecords(Path.of("..", "samples", "events", "users.jsonl"));
        records.add(100, new KafkaRecord("users.jsonl", 0, 77_777, -1, null,
                "{\"text\":\"no user here\"}".getBytes(StandardCharsets.UTF_8)));
        // user -> (offset -> text) of the user's non-query events, and the queries
        Map<String, Map<Long, String>> own = new HashMap<>();
        Set<Long> queries = new HashSet<>();
        for (KafkaRecord r : records) {
            JsonNode n = JSON.readTree(new String(r.value, StandardCharsets.UTF_8));
            if (!n.has("user")) {
                continue;
            }
            if (n.path("query").asBoolean(false)) {
                queries.add(r.offset);
            } else {
                own.computeIfAbsent(n.get("user").asText(), u -> new HashMap<>()).put(r.offset, n.get("text").asText());
            }
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
                EmbeddedJobs.config(dir, 200, 2));
        List<JobOutput> outs = new ArrayList<>();
        EmbeddedJobs.collect(UserContextJob.build(EmbeddedJobs.fromRecords(env, records)),
                "user-context-test", outs::add);

        Set<Long> answered = new HashSet<>();
        int dead = 0;
        int withExpected = 0;
        int users = 0;
        Set<String> answeredUsers = new HashSet<>();
        for (JobOutput o : outs) {
            if (!o.isResult()) {
                dead++;
                JsonNode d = JSON.readTree(o.json);
                assertEquals("user event has no user", d.get("reason").asText());
                assertEquals(77_777, d.get("offset").asLong());
                continue;
            }
            JsonNode a = JSON.readTree(o.json);
            String user = a.get("user").asText();
            assertEquals(o.key, user);
            answeredUsers.add(user);
            long qOffset = a.get("offset").asLong();
            assertTrue(answered.add(qOffset), "one answer per query: " + qOffset);
            assertEquals(32, a.get("read_vector").size());
            Map<Long, String> mine = own.getOrDefault(user, Map.of());
            boolean hit = false;
            for (JsonNode e : a.get("events")) {
                long off = e.get("offset").asLong();
                assertEquals(mine.get(off), e.get("text").asText(),
                        "answer for " + user + " holds an event that is not one of the user's own: " + e);
                assertTrue(off < qOffset, "answer holds a later event: " + e);
                hit |= a.has("expect") && e.get("text").asText().contains(a.get("expect").asText());
            }
            withExpected += hit ? 1 : 0;
        }
        users = answeredUsers.size();
        assertEquals(queries, answered, "every query answered exactly once");
        assertEquals(1, dead);
        assertTrue(users > 20, "many interleaved users: " + users);
        System.out.printf("%d answers for %d users; expected fact among the answered events in %d%n", answered.size(),
                users, withExpected);
        assertFalse(answered.isEmpty());
        assertTrue(withExpected > answered.size() / 2, "relevant events are found for most queries: " + withExpected
                + " of " + answered.size());
    }
}
