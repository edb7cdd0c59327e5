package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.operators.DeadLetter;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.OutputBounds;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;

/** The guard every job's keyed step runs in: coordinates in failures, bounded results; and bounded dead letters. */
class GuardedKeyedFunctionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Emits a result of {@code n} retained entries per line, and fails on the text "boom". */
    static final class Emitter extends KeyedProcessFunction<String, LogLine, JobOutput> {
        @Override
        public void processElement(LogLine l, Context ctx, Collector<JobOutput> out) {
            if (l.text.equals("boom")) {
                throw new IllegalStateException("cannot digest boom");
            }
            var o = JSON.createObjectNode().put("source", l.source);
            var a = o.putArray("retained");
            for (int i = 0; i < 400; i++) {
                a.addObject().put("text", "line " + i + " " + "x".repeat(100)).put("offset", i);
            }
            out.collect(new JobOutput(JobOutput.RESULT, l.source, o.toString()));
        }
    }

    static LogLine line(String text, long offset) {
        LogLine l = new LogLine("web", text, offset, -1);
        l.topic = "app.log";
        return l;
    }

    @Test
    void aFailureNamesTheRecordsCoordinatesAndKeyAndResultsAreBounded() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput>(new KeyedProcessOperator<>(
                new GuardedKeyedFunction<>(new Emitter(), LogLine::coordinates, Map.of(), 8192)), l -> l.source,
                Types.STRING)) {
            h.open();
            h.processElement(new StreamRecord<>(line("fine", 0)));
            JobOutput o = h.extractOutputValues().get(0);
            assertTrue(o.json.getBytes(StandardCharsets.UTF_8).length <= 8192, o.json.length() + " bytes");
            JsonNode j = JSON.readTree(o.json);
            assertEquals(400, j.get("retained").size() + j.get("retained_cut").asInt(), "kept + cut = all");
            assertEquals(0, j.get("retained").get(0).get("offset").asInt(), "the first entries are kept");
            Exception e = assertThrows(Exception.class, () -> h.processElement(new StreamRecord<>(line("boom", 41))));
            String m = ExceptionUtils.stringifyException(e);
            assertTrue(m.contains("failed while processing record app.log-0@41 of key 'web'"), m);
            assertTrue(m.contains("cannot digest boom"), m);
        }
    }

    @Test
    void aResultWithinTheLimitIsUnchangedAndAHugeStringIsCut() {
        String small = "{\"a\":[1,2,3],\"b\":\"x\"}";
        assertTrue(small == OutputBounds.bound(small, 4096));
        String big = JSON.createObjectNode().put("query", "q".repeat(100_000)).put("user", "u").toString();
        String b = OutputBounds.bound(big, 4096);
        assertTrue(b.length() <= 4096, b.length() + " chars");
        assertTrue(b.contains("\"user\":\"u\"") && b.contains("\u2026[cut]"), b.substring(0, 100));
    }

    @Test
    void aDeadLetterCarriesAtMostTheConfiguredValueBytes() throws Exception {
        byte[] v = "\u0001".repeat(400_000).getBytes(StandardCharsets.UTF_8);
        DeadLetter d = new KafkaRecord("t", 1, 7, 0, null, v).deadLetter("value has 400000 bytes, over the limit");
        String json = d.toJson(1000);
        assertTrue(json.length() < 8000, json.length() + " chars");
        JsonNode j = JSON.readTree(json);
        assertEquals(400_000, j.get("value_bytes").asInt());
        assertTrue(j.get("value_truncated").asBoolean());
        assertEquals(1000, j.get("value").asText().length());
        byte[] bin = new byte[5000];
        bin[0] = (byte) 0xFF;
        JsonNode jb = JSON.readTree(new KafkaRecord("t", 1, 8, 0, null, bin).deadLetter("bad").toJson(300));
        assertEquals(300, java.util.Base64.getDecoder().decode(jb.get("valueBase64").asText()).length);
        assertEquals(5000, jb.get("value_bytes").asInt());
    }
}
