package dev.keymem.jobs.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.keymem.jobs.kafka.InvalidRecordException;

class UserEventGeneratorTest {
    static final Path SAMPLE = Path.of("..", "samples", "events", "users.jsonl");

    static final Pattern LIVE = Pattern.compile("I live in (\\w+)");
    static final Pattern MOVED = Pattern.compile("moved from \\w+ to (\\w+)");
    static final Pattern FOOD = Pattern.compile("favourite food is (\\w+)");
    static final Pattern PROJECT = Pattern.compile("working on (.+)\\.$");

    @Test
    void queriesExpectTheLatestStatedFact() {
        List<UserEvent> events = new UserEventGenerator(5).generate(120);
        Map<String, Map<String, String>> facts = new HashMap<>();
        int queries = 0, moved = 0;
        Set<String> users = new HashSet<>();
        String lastTs = "";
        for (UserEvent e : events) {
            users.add(e.user);
            assertTrue(e.ts.compareTo(lastTs) > 0, "time order");
            lastTs = e.ts;
            Map<String, String> f = facts.computeIfAbsent(e.user, u -> new HashMap<>());
            if (!e.query) {
                put(f, "city", LIVE.matcher(e.text));
                if (put(f, "city", MOVED.matcher(e.text))) {
                    moved++;
                }
                put(f, "food", FOOD.matcher(e.text));
                put(f, "project", PROJECT.matcher(e.text));
                continue;
            }
            queries++;
            String kind = e.text.contains("city") ? "city" : e.text.contains("food") ? "food" : "project";
            assertNotNull(f.get(kind), "fact stated before query " + e);
            assertEquals(f.get(kind), e.expect, "expected answer of " + e);
        }
        assertEquals(120, users.size());
        assertTrue(queries >= 2 * 120, "queries: " + queries);
        assertTrue(moved > 10, "some users move: " + moved);
    }

    static boolean put(Map<String, String> f, String k, Matcher m) {
        if (m.find()) {
            f.put(k, m.group(1));
            return true;
        }
        return false;
    }

    @Test
    void deterministicAndRoundTrips() throws Exception {
        List<UserEvent> a = new UserEventGenerator(9).generate(20);
        assertEquals(a, new UserEventGenerator(9).generate(20));
        assertNotEquals(a, new UserEventGenerator(10).generate(20));
        for (UserEvent e : a) {
            assertEquals(e, UserEvent.parse(e.toJson()));
        }
    }

    @Test
    void bundledSampleIsCurrent() throws Exception {
        List<String> want = new java.util.ArrayList<>();
        new UserEventGenerator(UserEventGenerator.SAMPLE_SEED).generate(UserEventGenerator.SAMPLE_USERS)
                .forEach(e -> want.add(e.toJson()));
        assertEquals(want, Files.readAllLines(SAMPLE, StandardCharsets.UTF_8),
                "samples/events/users.jsonl is stale: rerun UserEventGenerator");
        assertTrue(Files.size(SAMPLE) < 1_000_000);
    }

    @Test
    void badEventsAreRejectedWithReasons() {
        assertReason("not JSON", "{\"user\": ");
        assertReason("not a JSON object", "[1,2]");
        assertReason("missing field 'user'", "{\"text\":\"hi\"}");
        assertReason("field 'text' must be a non-blank string", "{\"user\":\"u1\",\"text\":\"  \"}");
        assertReason("field 'query' must be true or false", "{\"user\":\"u1\",\"text\":\"hi\",\"query\":\"yes\"}");
        assertReason("field 'type' must be a string", "{\"user\":\"u1\",\"text\":\"hi\",\"type\":3}");
    }

    static void assertReason(String prefix, String json) {
        InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> UserEvent.parse(json));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
