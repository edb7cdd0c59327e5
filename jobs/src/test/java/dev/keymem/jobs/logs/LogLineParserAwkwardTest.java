package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaRecordSerializer;
import dev.keymem.jobs.kafka.ParseOrDeadLetter;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.operators.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Awkward log records users feed the parser (found by feeding generated awkward files to {@code memctl logs}): each
 * ends in a line or a refusal (a dead letter), never in an exception that fails the job, and the parse of the
 * record's bytes agrees with the parse of its text.
 */
class LogLineParserAwkwardTest {
    private static LogLine both(LogLineParser p, String value, long recordTimestamp) throws Exception {
        LogLine a = p.parse(null, value, 3, recordTimestamp);
        LogLine b = p.parse(null, new KafkaRecord("t", 0, 3, recordTimestamp, null,
                value.getBytes(StandardCharsets.UTF_8)), 1 << 16);
        assertEquals(a.source + "|" + a.text + "|" + a.timestamp, b.source + "|" + b.text + "|" + b.timestamp, value);
        return a;
    }

    /**
     * A time that {@link java.time.Instant#parse} reads but that is beyond epoch milliseconds (years up to
     * +-999999999) failed the whole job with {@code ArithmeticException: long overflow}: it is no time stamp, so the
     * record's own time is kept, as for a time that does not parse.
     */
    @Test
    void aTimeBeyondEpochMillisecondsKeepsTheRecordsTime() throws Exception {
        LogLineParser p = new LogLineParser(null);
        for (String t : new String[] {"+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
            "+292278994-08-17T07:12:55.808Z"}) {
            for (String field : new String[] {"ts", "time", "timestamp", "@timestamp"}) {
                LogLine l = both(p, "{\"source\":\"svc\",\"message\":\"m\",\"" + field + "\":\"" + t + "\"}", 77);
                assertEquals(77, l.timestamp, field + " " + t);
                assertEquals("m", l.text);
            }
        }
        assertEquals(-1, LogLineParser.parseInstant("+999999999-12-31T23:59:59Z", -1));
        assertEquals(-1, LogLineParser.parseInstantReference("+999999999-12-31T23:59:59Z", -1));
        // still read where it fits
        assertEquals(253402300799000L, LogLineParser.parseInstant("9999-12-31T23:59:59Z", -1));
        assertEquals(3093527980800000L, LogLineParser.parseInstant("+100000-01-01T00:00:00Z", -1));
    }

    /** The log job's parser, but one that throws what a parser's bug (or a library's limit) throws on two records. */
    static RecordParser<LogLine> failingOn1And2() {
        RecordParser<LogLine> real = LogSummaryJob.parser("svc", RecordLimits.defaults());
        return r -> {
            if (r.offset == 1) {
                throw new ArithmeticException("long overflow");
            }
            if (r.offset == 2) {
                throw new StackOverflowError();
            }
            return real.parse(r);
        };
    }

    static KafkaRecord record(long offset, String value) {
        return new KafkaRecord("a.log", 0, offset, -1, null, value.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> reasons(Iterable<StreamRecord<DeadLetter>> dead) {
        List<String> out = new ArrayList<>();
        if (dead != null) {
            for (StreamRecord<DeadLetter> d : dead) {
                out.add(d.getValue().offset + " " + d.getValue().reason);
            }
        }
        return out;
    }

    /**
     * A parser that throws on a record (not a refusal) failed the job on that record at every restart, and the
     * job then ended without the records after it: both parse steps, the plain one and the log job's
     * parse-and-gather, dead-letter that record with the exception in the reason and go on.
     */
    @Test
    void aParserFailingOnARecordDeadLettersItAndTheJobGoesOn() throws Exception {
        List<String> want = List.of("1 parser failed on this record: java.lang.ArithmeticException: long overflow",
                "2 parser failed on this record: java.lang.StackOverflowError");
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new ParseOrDeadLetter<>(failingOn1And2(),
                LogLineSerializer.TYPE))) {
            for (int i = 0; i < 4; i++) {
                h.processElement(record(i, "line " + i), i);
            }
            List<String> texts = new ArrayList<>();
            for (LogLine l : h.extractOutputValues()) {
                texts.add(l.offset + " " + l.text);
            }
            assertEquals(List.of("0 line 0", "3 line 3"), texts);
            assertEquals(want, reasons(h.getSideOutput(KafkaIO.DEAD_LETTERS)));
        }
        try (var f = new OneInputStreamOperatorTestHarness<KafkaRecord, LogLineRun>(
                new LogLineRuns.ParseGather(failingOn1And2()),
                KafkaRecordSerializer.TYPE.createSerializer(new SerializerConfigImpl()))) {
            f.setup(LogLineRun.Serializer.INSTANCE);
            f.open();
            for (int i = 0; i < 4; i++) {
                f.processElement(new StreamRecord<>(record(i, "line " + i), i));
            }
            f.endInput();
            List<String> texts = new ArrayList<>();
            for (Object o : f.getOutput()) {
                if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof LogLineRun run) {
                    for (int k = 0; k < run.size(); k++) {
                        texts.add(run.get(k).offset + " " + run.get(k).text);
                    }
                }
            }
            assertEquals(List.of("0 line 0", "3 line 3"), texts);
            assertEquals(want, reasons(f.getSideOutput(KafkaIO.DEAD_LETTERS)));
        }
        String cut = dev.keymem.jobs.kafka.RecordParsers.failed(new IllegalStateException("x\n".repeat(400)));
        assertTrue(cut.length() < 400 && !cut.contains("\n"), cut);
    }
}
