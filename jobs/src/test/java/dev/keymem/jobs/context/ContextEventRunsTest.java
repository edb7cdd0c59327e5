package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.serde.HardStrings;
import dev.keymem.operators.EventMemoryOperator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextEventRuns}: the gather step emits each user's events in runs, in their order, stamped with the
 * first event's timestamp, within its limits, and holds nothing at a watermark, a checkpoint barrier or the end;
 * the run serializer gives every field back; the keyed step over runs answers exactly as the per-event step, and
 * a checkpoint that cuts the stream (runs flushed at the barrier, the event memory's cache written back) restores,
 * into the runs operator and into the per-event one, to the same answers for the rest of the stream.
 */
class ContextEventRunsTest {

    /** Feeds {@code events} (stamped with their offsets) into a gather step; returns its output so far. */
    private static OneInputStreamOperatorTestHarness<ContextEvent, ContextEventRun> gatherHarness(
            ContextEventRuns.Gather g) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<ContextEvent, ContextEventRun>(g, ContextEventSerializer.INSTANCE);
        h.setup(ContextEventRun.Serializer.INSTANCE);
        h.open();
        return h;
    }

    private static List<ContextEventRun> runs(List<Object> out) {
        List<ContextEventRun> runs = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof StreamRecord<?> sr) {
                ContextEventRun run = (ContextEventRun) sr.getValue();
                assertEquals(run.get(0).offset, sr.getTimestamp(), "a run's stamp is its first event's");
                runs.add(run);
            }
        }
        return runs;
    }

    /** Per user the same events, field for field, in the same order; runs within {@code maxEvents}. */
    private static void check(List<ContextEvent> in, List<ContextEventRun> runs, int maxEvents) {
        Map<String, List<String>> want = new HashMap<>();
        for (ContextEvent e : in) {
            want.computeIfAbsent(e.user, k -> new ArrayList<>()).add(fields(e));
        }
        Map<String, List<String>> got = new HashMap<>();
        Map<String, Long> last = new HashMap<>();
        for (ContextEventRun run : runs) {
            assertTrue(run.size() >= 1 && run.size() <= maxEvents, run.toString());
            Long before = last.put(run.user(), run.get(0).offset);
            assertTrue(before == null || before < run.get(0).offset, "a user's runs leave in order");
            for (int i = 0; i < run.size(); i++) {
                ContextEvent e = run.get(i);
                assertEquals(run.user(), e.user);
                got.computeIfAbsent(e.user, k -> new ArrayList<>()).add(fields(e));
            }
        }
        assertEquals(want, got, "each user's events, in order");
    }

    private static String fields(ContextEvent e) {
        return e.user + "|" + e.text + "|" + e.type + "|" + e.query + "|" + e.expect + "|" + e.ts + "|" + e.offset
                + "|" + e.topic + "|" + e.partition;
    }

    @Test
    void runsKeepEachUsersEventsInOrderWithinTheLimits() throws Exception {
        List<ContextEvent> in = ContextCacheRestoreTest.stream(3);
        for (int[] limits : new int[][] {{256, 64 * 1024, 8 << 20, 128 << 10}, {5, 200, 2000, 30}, {1, 1, 1, 1},
                {64, 10_000, 100_000, 100}}) {
            try (var h = gatherHarness(new ContextEventRuns.Gather(limits[0], limits[1], limits[2], limits[3]))) {
                for (ContextEvent e : in) {
                    h.processElement(new StreamRecord<>(e, e.offset));
                }
                h.endInput();
                List<ContextEventRun> runs = runs(new ArrayList<>(h.getOutput()));
                check(in, runs, limits[0]);
                if (limits[0] == 256) {
                    // 40 users of up to 30 events: one run each; 3 of 300: two runs each
                    assertEquals(46, runs.size(), "default limits: one run per 256 events of a user");
                }
            }
        }
    }

    @Test
    void nothingIsHeldAtAWatermarkOrABarrier() throws Exception {
        List<ContextEvent> in = ContextCacheRestoreTest.stream(4);
        int cut = in.size() / 3;
        try (var h = gatherHarness(new ContextEventRuns.Gather())) {
            for (ContextEvent e : in.subList(0, cut)) {
                h.processElement(new StreamRecord<>(e, e.offset));
            }
            h.processWatermark(new Watermark(cut));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertTrue(out.get(out.size() - 1) instanceof Watermark, "the watermark passes after the runs");
            check(in.subList(0, cut), runs(out), 256);
            int seen = out.size();
            for (ContextEvent e : in.subList(cut, 2 * cut)) {
                h.processElement(new StreamRecord<>(e, e.offset));
            }
            h.prepareSnapshotPreBarrier(1);
            h.snapshot(1, 1);
            out = new ArrayList<>(h.getOutput());
            check(in.subList(cut, 2 * cut), runs(out.subList(seen, out.size())), 256);
        }
    }

    @Test
    void anEventFromAnotherTopicOrPartitionStartsANewRun() throws Exception {
        List<ContextEvent> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ContextEvent e = event("u", "text " + i, i);
            e.topic = i < 2 ? "a" : "b";
            e.partition = i < 4 ? 0 : 1;
            in.add(e);
        }
        try (var h = gatherHarness(new ContextEventRuns.Gather())) {
            for (ContextEvent e : in) {
                h.processElement(new StreamRecord<>(e, e.offset));
            }
            h.endInput();
            List<ContextEventRun> runs = runs(new ArrayList<>(h.getOutput()));
            assertEquals(3, runs.size());
            check(in, runs, 2);
        }
    }

    private static ContextEvent event(String user, String text, long offset) {
        ContextEvent e = new ContextEvent();
        e.user = user;
        e.text = text;
        e.offset = offset;
        return e;
    }

    private static String randomString(SplittableRandom r) {
        return HardStrings.random(r, 6, 30, 3);
    }

    /** Null or random ASCII (with '?'). */
    private static String asciiString(SplittableRandom r) {
        if (r.nextInt(6) == 0) {
            return null;
        }
        char[] c = new char[r.nextInt(r.nextInt(20) == 0 ? 3000 : 30)];
        for (int i = 0; i < c.length; i++) {
            c[i] = r.nextInt(8) == 0 ? '?' : (char) r.nextInt(1, 128);
        }
        return new String(c);
    }

    /**
     * Every field of every event comes back as it went (nulls, '?', unpaired surrogates, repeated types, ASCII
     * strings written as their bytes).
     */
    @Test
    void theRunSerializerGivesEveryFieldBack() throws Exception {
        SplittableRandom r = new SplittableRandom(9);
        DataOutputSerializer out = new DataOutputSerializer(256);
        String[] types = {null, "profile", "Anna", "\ud800"};
        for (int t = 0; t < 500; t++) {
            ContextEventRun run = new ContextEventRun(randomString(r), randomString(r), r.nextInt(), 1);
            int n = r.nextInt(40);
            for (int i = 0; i < n; i++) {
                ContextEvent e = new ContextEvent();
                e.user = run.user;
                e.topic = run.topic;
                e.partition = run.partition;
                e.text = randomString(r);
                e.type = r.nextBoolean() ? types[r.nextInt(types.length)] : randomString(r);
                e.expect = randomString(r);
                e.ts = randomString(r);
                if (r.nextBoolean()) { // as the parser's hand-written reading gives them: ASCII, flagged so
                    e.ascii = true;
                    e.text = asciiString(r);
                    e.type = r.nextBoolean() ? types[r.nextInt(3)] : asciiString(r);
                    e.expect = asciiString(r);
                    e.ts = asciiString(r);
                }
                e.query = r.nextBoolean();
                e.offset = r.nextLong();
                run.add(e);
            }
            out.clear();
            ContextEventRun.Serializer.INSTANCE.serialize(run, out);
            ContextEventRun back = ContextEventRun.Serializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer()));
            ContextEventRun copy = ContextEventRun.Serializer.INSTANCE.copy(run);
            assertEquals(n, back.size());
            assertEquals(n, copy.size());
            for (int i = 0; i < n; i++) {
                assertEquals(fields(run.get(i)), fields(back.get(i)));
                assertEquals(fields(run.get(i)), fields(copy.get(i)));
            }
            // copy(in, out) copies the bytes as they are
            DataOutputSerializer again = new DataOutputSerializer(256);
            ContextEventRun.Serializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), again);
            assertEquals(new String(out.getCopyOfBuffer(), "ISO-8859-1"), new String(again.getCopyOfBuffer(), "ISO-8859-1"));
        }
    }

    // --- the keyed step over runs, on RocksDB, cut by a checkpoint

    private static <I> KeyedOneInputStreamOperatorTestHarness<String, I, JobOutput> keyed(
            OneInputStreamOperator<I, JobOutput> op, org.apache.flink.api.java.functions.KeySelector<I, String> key,
            OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, I, JobOutput>(op, key, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static EventMemoryOperator<ContextEventRun, JobOutput> runsOperator(String cacheBytes) {
        return UserContextJob.runsOperator(ContextCacheRestoreTest.options(cacheBytes), RecordLimits.defaults());
    }

    /** The runs the gather step makes of {@code events}, flushed at the end (as before a barrier). */
    private static List<ContextEventRun> gathered(List<ContextEvent> events, ContextEventRuns.Gather g)
            throws Exception {
        try (var h = gatherHarness(g)) {
            for (ContextEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.offset));
            }
            h.prepareSnapshotPreBarrier(1);
            return runs(new ArrayList<>(h.getOutput()));
        }
    }

    private static List<String> feedRuns(KeyedOneInputStreamOperatorTestHarness<String, ContextEventRun, JobOutput> h,
                                         List<ContextEventRun> runs) throws Exception {
        int before = h.extractOutputValues().size();
        for (ContextEventRun r : runs) {
            h.processElement(new StreamRecord<>(r, r.get(0).offset));
        }
        List<String> out = new ArrayList<>();
        List<JobOutput> all = h.extractOutputValues();
        for (JobOutput o : all.subList(before, all.size())) {
            out.add(o.json);
        }
        return out;
    }

    @Test
    void aCheckpointThatCutsTheRunsRestoresToTheSameAnswers() throws Exception {
        List<ContextEvent> events = ContextCacheRestoreTest.stream(6);
        int cut = events.size() * 2 / 5;
        List<ContextEvent> first = events.subList(0, cut);
        List<ContextEvent> rest = events.subList(cut, events.size());
        // reference: the per-event keyed function, one uninterrupted run
        List<String> refFirst;
        List<String> refRest;
        try (var h = keyed(new KeyedProcessOperator<>(UserContextJob.keyedFunction(ContextCacheRestoreTest.routed())),
                (ContextEvent e) -> e.user, null)) {
            refFirst = ContextCacheRestoreTest.feed(h, first);
            refRest = ContextCacheRestoreTest.feed(h, rest);
        }
        assertTrue(refFirst.size() > 20 && refRest.size() > 20, refFirst.size() + " / " + refRest.size());
        // small runs (7 events), so that runs of one user are split at the barrier and others are whole
        List<ContextEventRun> runsFirst = gathered(first, new ContextEventRuns.Gather(7, 1 << 20, 1 << 20, 50));
        List<ContextEventRun> runsRest = gathered(rest, new ContextEventRuns.Gather(7, 1 << 20, 1 << 20, 50));
        for (String cache : new String[] {"8 kb", "64 mb"}) {
            OperatorSubtaskState snapshot;
            try (var h = keyed(runsOperator(cache), ContextEventRun::user, null)) {
                assertEquals(sorted(refFirst), sorted(feedRuns(h, runsFirst)), "answers before the checkpoint");
                snapshot = h.snapshot(1, 1);
                assertEquals(sorted(refRest), sorted(feedRuns(h, runsRest)), "answers after the checkpoint");
            }
            try (var h = keyed(runsOperator(cache), ContextEventRun::user, snapshot)) {
                assertEquals(sorted(refRest), sorted(feedRuns(h, runsRest)), "restored into the runs operator, " + cache);
            }
            try (var h = keyed(UserContextJob.operator(ContextCacheRestoreTest.options(cache)),
                    (ContextEvent e) -> e.user, snapshot)) {
                assertEquals(sorted(refRest), sorted(ContextCacheRestoreTest.feed(h, rest)),
                        "restored into the per-event operator, " + cache);
            }
        }
    }

    /** Answers in a canonical order: runs reorder users against each other, never one user's events. */
    private static List<String> sorted(List<String> answers) {
        List<String> s = new ArrayList<>(answers);
        s.sort(null);
        return s;
    }

    // --- whole jobs on the embedded cluster

    private static List<String> run(List<dev.keymem.jobs.kafka.KafkaRecord> records, java.nio.file.Path dir,
                                    boolean batch, boolean runs) throws Exception {
        var env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment(
                dev.keymem.jobs.logs.EmbeddedJobs.config(dir, 50, 2));
        if (batch) {
            env.setRuntimeMode(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
        }
        // each record stamped with its place in the list, as a file run stamps a line with its number: a batch
        // run's keyed input is sorted by key, then by that stamp
        var in = dev.keymem.jobs.logs.EmbeddedJobs.fromRecords(env, records).assignTimestampsAndWatermarks(
                        org.apache.flink.api.common.eventtime.WatermarkStrategy
                                .<dev.keymem.jobs.kafka.KafkaRecord>noWatermarks()
                                .withTimestampAssigner((r, t) -> r.timestamp)).setParallelism(1);
        UserContextJob.Outputs o = UserContextJob.buildParts(in, ContextOptions.defaults(), RecordLimits.defaults(),
                runs);
        List<String> out = new ArrayList<>();
        dev.keymem.jobs.logs.EmbeddedJobs.collect(o.keyed().union(o.parseDeadLetters()), "runs-test",
                j -> out.add((j.isResult() ? "answer " : "dead ") + j.json));
        out.sort(null);
        return out;
    }

    /**
     * The job with runs gives the answers and dead letters (reason and coordinates) of the job without: in batch
     * mode (as a file run) and in streaming mode with a checkpoint every 50 ms (runs cut at every barrier).
     */
    @Test
    void theJobWithRunsGivesTheSameOutputs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        List<dev.keymem.jobs.kafka.KafkaRecord> records = dev.keymem.jobs.logs.EmbeddedJobs.fileRecords(
                java.nio.file.Path.of("..", "samples", "events", "users.jsonl"));
        String[] poison = {"{\"text\":\"no user here\"}", "not json", "{\"user\":\"u1\"}", "",
            "{\"user\":\"u\u00e9\",\"text\":\"caf\u00e9 \ud83d\ude00\",\"type\":\"profile\"}",
            "{\"user\":\"u1\",\"text\":\"lone \\ud800 surrogate\"}"};
        for (int i = 0; i < poison.length; i++) {
            records.add(50 + 300 * i, new dev.keymem.jobs.kafka.KafkaRecord("users.jsonl", 0, 90_000 + i, -1, null,
                    poison[i].getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        for (int i = 0; i < records.size(); i++) {
            records.get(i).timestamp = i;
        }
        List<String> reference = run(records, dir.resolve("a"), true, false);
        assertTrue(reference.stream().filter(x -> x.startsWith("dead ")).count() >= 4, reference.toString());
        assertTrue(reference.stream().filter(x -> x.startsWith("answer ")).count() > 100);
        assertEquals(reference, run(records, dir.resolve("b"), true, true), "batch, runs");
        assertEquals(reference, run(records, dir.resolve("c"), false, true), "streaming with checkpoints, runs");
    }
}
