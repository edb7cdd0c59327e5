package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
}
