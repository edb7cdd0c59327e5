package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.ParseOrDeadLetter;
import dev.keymem.operators.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The parse step of the public parse ({@link EmbeddedJobs#parse} with {@link LogSummaryJob#parser}) sends on a
 * refused CRI piece's stand-in after its dead letter; {@link LogLine#isStandIn()} tells it apart from a line.
 */
class LogLineStandInTest {
    @Test
    void aRefusedCriPieceYieldsADeadLetterAndAStandIn() throws Exception {
        byte[] broken = "2026-01-01T00:00:01Z stdout P broken x".getBytes(StandardCharsets.UTF_8);
        broken[broken.length - 1] = (byte) 0xFF; // starts no UTF-8 character: refused
        byte[] empty = "2026-01-01T00:00:02Z stdout F ".getBytes(StandardCharsets.UTF_8);
        List<byte[]> values = List.of(broken, "2026-01-01T00:00:03Z stdout F done".getBytes(StandardCharsets.UTF_8),
                "plain line".getBytes(StandardCharsets.UTF_8), empty);
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(
                new ParseOrDeadLetter<>(LogSummaryJob.parser("svc"), LogLineSerializer.TYPE))) {
            for (int i = 0; i < values.size(); i++) {
                h.processElement(new KafkaRecord("pod.log", 0, i, -1, null, values.get(i)), i);
            }
            List<String> dead = new ArrayList<>();
            for (StreamRecord<DeadLetter> d : h.getSideOutput(KafkaIO.DEAD_LETTERS)) {
                dead.add(d.getValue().offset + ": " + d.getValue().reason);
            }
            assertEquals(List.of("0: value is not valid UTF-8"), dead);
            List<LogLine> lines = h.extractOutputValues();
            assertEquals(4, lines.size(), lines.toString());
            LogLine s = lines.get(0);
            assertTrue(s.isStandIn());
            assertEquals("", s.text);
            assertEquals(0, s.offset);
            for (LogLine l : lines.subList(1, 4)) {
                assertFalse(l.isStandIn(), l.toString());
            }
            assertEquals("plain line", lines.get(2).text);
        }
    }
}
