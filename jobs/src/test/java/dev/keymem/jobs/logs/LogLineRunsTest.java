package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaRecordSerializer;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.operators.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.core.memory.DataOutputSerializer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link LogLineRuns.Gather}: each source's lines come out in runs, in their order, each run stamped with its first
 * line's timestamp, none over its limits; everything open leaves at the buffer limits, before a watermark and at
 * the end of the input.
 */
class LogLineRunsTest {

    /** Feeds {@code lines} (stamped with their offsets), then a watermark or the end; returns what came out. */
    private static List<Object> gather(LogLineRuns.Gather g, List<LogLine> lines, boolean watermark, boolean end)
            throws Exception {
        try (OneInputStreamOperatorTestHarness<LogLine, LogLineRun> h = new OneInputStreamOperatorTestHarness<>(g,
                LogLineSerializer.INSTANCE)) {
            h.setup(LogLineRun.Serializer.INSTANCE);
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(l, l.offset));
            }
            if (watermark) {
                h.processWatermark(new Watermark(Long.MAX_VALUE));
            }
            if (end) {
                h.endInput();
            }
            return new ArrayList<>(h.getOutput());
        }
    }

    /**
     * Many short lines of many sources (the shape where each line's and run's own objects outweigh its text): at
     * the default limits the gatherer flushes once the lines' and runs' heap estimate reaches the budget, long
     * before the line limit, so the lines it holds stay within {@link LogLineRuns#MAX_BUFFERED_BYTES} of heap.
     */
    @Test
    void manyShortLinesOfManySourcesFlushWithinTheByteBudget() throws Exception {
        int sources = 100_000;
        try (var h = new OneInputStreamOperatorTestHarness<LogLine, LogLineRun>(new LogLineRuns.Gather(),
                LogLineSerializer.INSTANCE)) {
            h.setup(LogLineRun.Serializer.INSTANCE);
            h.open();
            int fed = 0;
            long counted = 0;
            while (h.getOutput().isEmpty() && fed < 3 * sources) {
                String source = "src-" + (fed % sources);
                String text = "ok " + fed;
                counted += text.length() + LogLineRuns.LINE_BYTES
                        + (fed < sources ? source.length() + LogLineRuns.RUN_BYTES : 0);
                h.processElement(new StreamRecord<>(new LogLine(source, text, fed, -1), fed));
                fed++;
            }
            assertTrue(fed < sources, "flushed after " + fed + " lines");
            assertEquals(fed, h.getOutput().size(), "every open run (one line each) leaves at the flush");
            assertTrue(counted >= LogLineRuns.MAX_BUFFERED_BYTES, "flushed early: " + counted);
            assertTrue(counted - LogLineRuns.MAX_BUFFERED_BYTES < 1024, "flushed late: " + counted);
        }
    }

    private static List<LogLine> lines(SplittableRandom r, int n, int sources) {
        List<LogLine> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            LogLine l = new LogLine("s" + r.nextInt(sources), "line " + i + " " + "x".repeat(r.nextInt(30)), i, -1);
            l.topic = "f.log";
            out.add(l);
        }
        return out;
    }

    /** Checks the runs against the lines: per source the same lines in the same order, stamps and limits. */
    private static int check(List<LogLine> in, List<Object> out, int maxLines) {
        Map<String, List<Long>> want = new HashMap<>();
        for (LogLine l : in) {
            want.computeIfAbsent(l.source, k -> new ArrayList<>()).add(l.offset);
        }
        Map<String, List<Long>> got = new HashMap<>();
        Map<String, Long> lastStamp = new HashMap<>();
        int runs = 0;
        for (Object o : out) {
            if (!(o instanceof StreamRecord<?> sr)) {
                continue;
            }
            LogLineRun run = (LogLineRun) sr.getValue();
            runs++;
            assertTrue(run.size() >= 1 && run.size() <= maxLines, run.toString());
            assertEquals(run.line(0).offset, sr.getTimestamp(), "a run's stamp is its first line's");
            Long before = lastStamp.put(run.source(), sr.getTimestamp());
            assertTrue(before == null || before < sr.getTimestamp(), "a source's runs leave in order");
            for (int i = 0; i < run.size(); i++) {
                LogLine l = run.line(i);
                assertEquals(run.source(), l.source);
                assertEquals("f.log", l.topic);
                assertEquals(in.get((int) l.offset).text, l.text);
                got.computeIfAbsent(l.source, k -> new ArrayList<>()).add(l.offset);
            }
        }
        assertEquals(want, got, "each source's lines, in order");
        return runs;
    }

    @Test
    void runsKeepEachSourcesLinesInOrderWithinTheLimits() throws Exception {
        SplittableRandom r = new SplittableRandom(9);
        List<LogLine> in = lines(r, 5000, 7);
        int runs = check(in, gather(new LogLineRuns.Gather(), in, false, true), LogLineRuns.MAX_LINES);
        assertTrue(runs < 100, runs + " runs");
        // small limits: runs of at most 5 lines, 200 chars; everything leaves at 30 lines or 2,000 chars buffered
        runs = check(in, gather(new LogLineRuns.Gather(5, 200, 2000, 30), in, false, true), 5);
        assertTrue(runs >= 1000, runs + " runs");
        // many sources, one line each: a run per line
        List<LogLine> many = lines(r, 3000, 1_000_000);
        check(many, gather(new LogLineRuns.Gather(64, 10_000, 100_000, 100), many, false, true), 64);
    }

    @Test
    void aWatermarkPassesAfterEveryLineBeforeIt() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        List<LogLine> in = lines(r, 300, 4);
        List<Object> out = gather(new LogLineRuns.Gather(), in, true, false);
        assertTrue(out.get(out.size() - 1) instanceof Watermark, "the watermark last: " + out.get(out.size() - 1));
        check(in, out, LogLineRuns.MAX_LINES);
    }

    @Test
    void aLineFromAnotherTopicStartsANewRun() throws Exception {
        List<LogLine> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LogLine l = new LogLine("s", "t" + i, i, -1);
            l.topic = i < 3 ? "a" : "b";
            in.add(l);
        }
        List<Object> out = gather(new LogLineRuns.Gather(), in, false, true);
        assertEquals(2, out.size(), out.toString());
        assertEquals("a", ((LogLineRun) ((StreamRecord<?>) out.get(0)).getValue()).line(2).topic);
        assertEquals("b", ((LogLineRun) ((StreamRecord<?>) out.get(1)).getValue()).line(0).topic);
    }

    /** A random log record's value: plain lines, JSON lines with and without a source, and refused ones. */
    private static byte[] value(SplittableRandom r, int sources) {
        String src = "svc" + r.nextInt(sources);
        String msg = "user " + r.nextInt(1000) + " logged in from 10.0.0." + r.nextInt(256) + " x".repeat(r.nextInt(40));
        switch (r.nextInt(14)) {
            case 0:
                return null; // a tombstone: dead letter
            case 1:
                return "   ".getBytes(StandardCharsets.UTF_8); // blank: dead letter
            case 2:
                return "{\"source\": \"a\", broken".getBytes(StandardCharsets.UTF_8); // not JSON: dead letter
            case 3:
                return new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}; // not UTF-8: dead letter
            case 4:
                return ("{\"source\": \"" + src + "\", \"message\": \"caf\u00e9 " + msg + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            case 5:
                return ("[1, 2]").getBytes(StandardCharsets.UTF_8);
            case 6:
            case 7:
                return ("{\"source\":\"" + src + "\",\"level\":\"INFO\",\"message\":\"" + msg + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
            case 8:
                return ("x".repeat(70_000)).getBytes(StandardCharsets.UTF_8); // over the size limit: dead letter
            case 9: // a CRI piece, refused where it holds an invalid byte: a dead letter, then its stand-in
                byte[] b = ("2026-01-01T00:00:01Z stdout " + (r.nextBoolean() ? 'P' : 'F') + " " + msg)
                        .getBytes(StandardCharsets.UTF_8);
                if (r.nextBoolean()) {
                    b[b.length - 2] = (byte) 0xFF;
                }
                return b;
            default:
                return ("2024-01-0" + (1 + r.nextInt(9)) + " 12:00:0" + r.nextInt(10) + " " + src + "[" + r.nextInt(99)
                        + "]: " + msg).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A deep copy (the serializer's copy is the record itself). */
    static KafkaRecord copy(KafkaRecord r) {
        return new KafkaRecord(r.topic, r.partition, r.offset, r.timestamp,
                r.key == null ? null : r.key.clone(), r.value == null ? null : r.value.clone());
    }

    /** What an operator emitted: each run as its serialized bytes and stamp, then each dead letter's JSON. */
    private static List<String> emitted(List<Object> out, ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead)
            throws Exception {
        List<String> got = new ArrayList<>();
        DataOutputSerializer bytes = new DataOutputSerializer(1024);
        for (Object o : out) {
            if (o instanceof StreamRecord<?> sr) {
                bytes.clear();
                LogLineRun.Serializer.INSTANCE.serialize((LogLineRun) sr.getValue(), bytes);
                got.add("run @" + (sr.hasTimestamp() ? sr.getTimestamp() : "-") + " "
                        + Base64.getEncoder().encodeToString(bytes.getCopyOfBuffer()));
            } else {
                got.add(o.toString());
            }
        }
        if (dead != null) {
            for (StreamRecord<DeadLetter> d : dead) {
                got.add("dead " + d.getValue().toJson(4096));
            }
        }
        return got;
    }

    /**
     * The parse-and-gather operator emits the runs (byte for byte, stamped alike, in the same order) and the dead
     * letters (with their coordinates) of the parse step followed by the gather step: on random records (plain
     * lines, JSON lines with a source, non-ASCII, blank, null, not JSON, not UTF-8, over the size limit), with or
     * without keys, some from another topic or partition, few sources or many, under default and tight limits,
     * cut by watermarks.
     */
    @Test
    void parseAndGatherInOneGivesTheRunsOfParseThenGather() throws Exception {
        SplittableRandom r = new SplittableRandom(41);
        for (int round = 0; round < 4; round++) {
            int sources = new int[] {1, 5, 2_000, 40}[round];
            int[] l = round < 2 ? new int[] {LogLineRuns.MAX_LINES, LogLineRuns.MAX_CHARS,
                    (int) LogLineRuns.MAX_BUFFERED_BYTES, LogLineRuns.MAX_BUFFERED_LINES}
                    : new int[] {1 + r.nextInt(8), 1 + r.nextInt(5_000), 1 + r.nextInt(30_000), 1 + r.nextInt(300)};
            String fixed = round == 1 ? "fixed" : null;
            RecordParser<LogLine> parser = LogSummaryJob.parser(fixed, RecordLimits.defaults());
            LogLineRuns.ParseGather fused = new LogLineRuns.ParseGather(LogSummaryJob.parser(fixed,
                    RecordLimits.defaults()), l[0], l[1], l[2], l[3]);
            List<String> wantDead = new ArrayList<>();
            int standIns = 0;
            try (var f = new OneInputStreamOperatorTestHarness<KafkaRecord, LogLineRun>(fused,
                    KafkaRecordSerializer.TYPE.createSerializer(new SerializerConfigImpl()));
                 var g = new OneInputStreamOperatorTestHarness<LogLine, LogLineRun>(
                         new LogLineRuns.Gather(l[0], l[1], l[2], l[3]), LogLineSerializer.INSTANCE)) {
                f.setup(LogLineRun.Serializer.INSTANCE);
                f.open();
                g.setup(LogLineRun.Serializer.INSTANCE);
                g.open();
                for (int i = 0; i < 2_000; i++) {
                    KafkaRecord rec = new KafkaRecord(r.nextInt(200) == 0 ? "other.log" : "f.log",
                            r.nextInt(200) == 0 ? 1 : 0, i, -1,
                            r.nextInt(10) == 0 ? ("k" + r.nextInt(3)).getBytes(StandardCharsets.UTF_8) : null,
                            value(r, sources));
                    if (r.nextInt(500) == 0) {
                        f.processWatermark(new Watermark(i));
                        g.processWatermark(new Watermark(i));
                    }
                    KafkaRecord before = copy(rec);
                    f.processElement(new StreamRecord<>(rec, i));
                    assertEquals(before, rec, "the parse step keeps its record as it was");
                    try {
                        LogLine line = parser.parse(rec);
                        g.processElement(new StreamRecord<>(line, i));
                    } catch (InvalidRecordException x) {
                        wantDead.add("dead " + rec.deadLetter(x.getMessage()).toJson(4096));
                        if (x.standIn() != null) { // as ParseOrDeadLetter sends it on
                            standIns++;
                            g.processElement(new StreamRecord<>((LogLine) x.standIn(), i));
                        }
                    }
                }
                f.endInput();
                g.endInput();
                List<String> want = emitted(new ArrayList<>(g.getOutput()), null);
                want.addAll(wantDead);
                List<String> got = emitted(new ArrayList<>(f.getOutput()), f.getSideOutput(KafkaIO.DEAD_LETTERS));
                assertTrue(wantDead.size() > 300, wantDead.size() + " dead letters");
                assertTrue(standIns > 20, standIns + " refused CRI pieces");
                assertTrue(want.size() > wantDead.size() + 5, want.size() + " outputs");
                assertEquals(want.size(), got.size(), "round " + round);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i), got.get(i), "round " + round + ", output " + i);
                }
                assertTrue(got.stream().anyMatch(s -> s.contains("\"offset\":")), "dead letters name their line");
            }
        }
    }
}
