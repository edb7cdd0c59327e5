package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.operators.MemoryAnswer;
import dev.keymem.operators.MemoryRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The context job's keyed step in Flink's operator harness at the job's defaults: the front end, the event
 * memory operator and the answer formatter. Answers after a restore from a mid-stream snapshot equal the
 * uninterrupted run's (the same JSON, bit for bit), and a fact is found again after thousands of other
 * events.
 */
class UserContextPipelineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static KeyedOneInputStreamOperatorTestHarness<String, MemoryRecord, MemoryAnswer> harness() throws Exception {
        Configuration c = ContextOptions.resolved(ContextOptions.defaults());
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(EventMemoryFunction.fromOptions(c)), (MemoryRecord r) -> r.key, Types.STRING);
        // any state type that would fall back to Kryo fails the test
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    static List<String> answers(KeyedOneInputStreamOperatorTestHarness<String, MemoryRecord, MemoryAnswer> h) {
        ContextAnswers format = new ContextAnswers();
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof MemoryAnswer a) {
                JobOutput j = format.map(a);
                out.add(j.json);
            }
        }
        return out;
    }

    /** The sample's events of users u0000..u0039. */
    static List<MemoryRecord> sample() throws Exception {
        ContextEventParser p = new ContextEventParser();
        ContextFrontEnd fe = UserContextJob.frontEnd(ContextOptions.defaults());
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "events", "users.jsonl"));
        List<MemoryRecord> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ContextEvent e = p.parse(null, lines.get(i), i);
            if (Integer.parseInt(e.user.substring(1)) < 40) {
                out.add(fe.map(e));
            }
        }
        return out;
    }

    @Test
    void restoreFromASnapshotGivesTheSameAnswers() throws Exception {
        List<MemoryRecord> events = sample();
        int cut = events.size() / 2;
        List<String> straight;
        try (var h = harness()) {
            h.open();
            for (MemoryRecord e : events) {
                h.processElement(new StreamRecord<>(e));
            }
            straight = answers(h);
        }
        List<String> resumed = new ArrayList<>();
        OperatorSubtaskState snap;
        try (var h = harness()) {
            h.open();
            for (MemoryRecord e : events.subList(0, cut)) {
                h.processElement(new StreamRecord<>(e));
            }
            snap = h.snapshot(1, 1);
            resumed.addAll(answers(h));
        }
        try (var h = harness()) {
            h.initializeState(snap);
            h.open();
            for (MemoryRecord e : events.subList(cut, events.size())) {
                h.processElement(new StreamRecord<>(e));
            }
            resumed.addAll(answers(h));
        }
        assertTrue(straight.size() > 50, "answers: " + straight.size());
        assertEquals(straight, resumed);
    }

    @Test
    void aFactIsFoundAfterThousandsOfOtherEvents() throws Exception {
        ContextEventParser p = new ContextEventParser();
        ContextFrontEnd fe = UserContextJob.frontEnd(ContextOptions.defaults());
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(fe.map(p.parse(null,
                    "{\"user\":\"a\",\"text\":\"My sister Beatrix moved to Reykjavik last spring.\"}", 0))));
            for (int i = 1; i <= 3000; i++) {
                h.processElement(new StreamRecord<>(fe.map(p.parse(null, "{\"user\":\"a\",\"text\":\"Just chatting about "
                        + "the weather again, it is nice today number " + i + "\"}", i))));
            }
            h.processElement(new StreamRecord<>(fe.map(p.parse(null,
                    "{\"user\":\"a\",\"text\":\"Where does my sister live now?\",\"query\":true,\"expect\":\"x\"}", 3001))));
            JsonNode a = JSON.readTree(answers(h).get(0));
            assertEquals("x", a.get("expect").asText());
            assertEquals(3000 + 1, a.get("events_stored").asInt());
            assertEquals("My sister Beatrix moved to Reykjavik last spring.", a.get("events").get(0).get("text").asText());
            assertEquals(0, a.get("events").get(0).get("offset").asLong());
        }
    }
}
