package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.logs.JobOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The keyed function in Flink's operator harness: answers after a restore from a snapshot (Memory
 * Caching state, cached states and event store through their serializers) equal the uninterrupted run's,
 * and the event store keeps at most maxEvents events per user.
 */
class UserContextFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> harness(ContextSettings s)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new UserContextFunction(s, UserContextJob.frontEnd(s))), e -> e.user,
                        Types.STRING);
        // any state type that would fall back to Kryo fails the test
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    static List<String> answers(KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof JobOutput j) {
                out.add(j.json);
            }
        }
        return out;
    }

    /** The sample's events of users u0000..u0039 (40 users keep the harness's in-memory snapshot small). */
    static List<ContextEvent> sample() throws Exception {
        ContextEventParser p = new ContextEventParser();
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "events", "users.jsonl"));
        List<ContextEvent> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ContextEvent e = p.parse(null, lines.get(i), i);
            if (Integer.parseInt(e.user.substring(1)) < 40) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void restoreFromASnapshotGivesTheSameAnswers() throws Exception {
        ContextSettings s = ContextSettings.defaults();
        List<ContextEvent> events = sample();
        int cut = events.size() / 2;
        List<String> straight;
        try (var h = harness(s)) {
            h.open();
            for (ContextEvent e : events) {
                h.processElement(new StreamRecord<>(e));
            }
            straight = answers(h);
        }
        List<String> resumed = new ArrayList<>();
        OperatorSubtaskState snap;
        try (var h = harness(s)) {
            h.open();
            for (ContextEvent e : events.subList(0, cut)) {
                h.processElement(new StreamRecord<>(e));
            }
            snap = h.snapshot(1, 1);
            resumed.addAll(answers(h));
        }
        try (var h = harness(s)) {
            h.initializeState(snap);
            h.open();
            for (ContextEvent e : events.subList(cut, events.size())) {
                h.processElement(new StreamRecord<>(e));
            }
            resumed.addAll(answers(h));
        }
        assertTrue(straight.size() > 50, "answers: " + straight.size());
        assertEquals(straight, resumed);
    }

    @Test
    void theEventStoreKeepsTheMostRecentEvents() throws Exception {
        ContextSettings s = new ContextSettings(64, 0.5f, 0.99f, 16, 50, 3);
        ContextEventParser p = new ContextEventParser();
        try (var h = harness(s)) {
            h.open();
            for (int i = 0; i < 6; i++) {
                h.processElement(new StreamRecord<>(p.parse(null, "{\"user\":\"a\",\"text\":\"fact number " + i + "\"}", i)));
            }
            h.processElement(new StreamRecord<>(p.parse(null, "{\"user\":\"a\",\"text\":\"which facts?\",\"query\":true}", 6)));
            JsonNode a = JSON.readTree(answers(h).get(0));
            assertEquals(3, a.get("events_stored").asInt());
            List<Long> offsets = new ArrayList<>();
            a.get("events").forEach(e -> offsets.add(e.get("offset").asLong()));
            offsets.sort(null);
            assertEquals(List.of(3L, 4L, 5L), offsets);
        }
    }
}
