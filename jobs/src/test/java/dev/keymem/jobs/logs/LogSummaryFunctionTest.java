package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.text.TextFrontEnd;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The keyed function in Flink's operator harness: time-based summaries, end of input, restore from a snapshot. */
class LogSummaryFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> harness(LogSummarySettings s)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new LogSummaryFunction(s, TextFrontEnd.builder().build())),
                        l -> l.source, Types.STRING);
        // any state type that would fall back to Kryo fails the test
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return h;
    }

    static List<JsonNode> results(KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h)
            throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof JobOutput j && j.isResult()) {
                out.add(JSON.readTree(j.json));
            }
        }
        return out;
    }

    static LogLine line(String source, int i) {
        String text = i % 97 == 50 ? "2026-01-15T08:00:00.000Z ERROR " + source + "[7]: disk on fire sector=" + i
                : "2026-01-15T08:00:00.000Z INFO " + source + "[7]: request ok id=" + i + " latency=" + (i % 13) + "ms";
        return new LogLine(source, text, i, -1);
    }

    @Test
    void summariesAfterTheTimeLimitAndAtTheEndOfInput() throws Exception {
        try (var h = harness(LogSummarySettings.defaults().withEvery(1000, 5000))) {
            h.open();
            h.setProcessingTime(0);
            for (int i = 0; i < 30; i++) {
                h.processElement(new StreamRecord<>(line("web", i)));
            }
            h.processElement(new StreamRecord<>(line("db", 0)));
            assertTrue(results(h).isEmpty(), "no summary before the time limit");
            h.setProcessingTime(5000);
            List<JsonNode> r = results(h);
            assertEquals(2, r.size(), "one time-based summary per source: " + r);
            long total = r.stream().mapToLong(s -> s.get("lines_since_last").asLong()).sum();
            assertEquals(31, total);
            for (int i = 30; i < 40; i++) {
                h.processElement(new StreamRecord<>(line("web", i)));
            }
            h.processWatermark(Long.MAX_VALUE);
            r = results(h);
            assertEquals(3, r.size(), "the end of input flushes web only (db has nothing new): " + r);
            JsonNode last = r.get(2);
            assertEquals("web", last.get("source").asText());
            assertEquals(10, last.get("lines_since_last").asLong());
            assertTrue(last.get("final").asBoolean());
        }
    }

    @Test
    void restoringFromASnapshotGivesTheSameSummaries() throws Exception {
        LogSummarySettings s = LogSummarySettings.defaults().withEvery(120, 0);
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            lines.add(line(i % 3 == 0 ? "db" : "web", i));
        }
        List<JsonNode> straight;
        try (var h = harness(s)) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            straight = results(h);
        }
        List<JsonNode> resumed = new ArrayList<>();
        OperatorSubtaskState snap;
        try (var h = harness(s)) {
            h.open();
            for (LogLine l : lines.subList(0, 257)) {
                h.processElement(new StreamRecord<>(l));
            }
            snap = h.snapshot(1, 1);
            resumed.addAll(results(h));
        }
        try (var h = harness(s)) {
            h.initializeState(snap);
            h.open();
            for (LogLine l : lines.subList(257, lines.size())) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            resumed.addAll(results(h));
        }
        assertTrue(straight.size() >= 5, "summaries: " + straight.size());
        assertEquals(straight, resumed);
    }
}
