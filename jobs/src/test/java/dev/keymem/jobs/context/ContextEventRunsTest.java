package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.serde.HardStrings;
import dev.keymem.operators.EventMemoryOperator;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaRecordSerializer;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.operators.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
        char[] c = new char[r.nextInt(r.nextInt(20) == 0 ? r.nextInt(10) == 0 ? 40_000 : 3000 : 30)];
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
            List<String> added = new ArrayList<>();
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
                added.add(fields(e));
                if (r.nextInt(30) == 0) { // read while it is written
                    assertEquals(added.get(i), fields(run.get(i)));
                }
            }
            out.clear();
            ContextEventRun.Serializer.INSTANCE.serialize(run, out);
            ContextEventRun back = ContextEventRun.Serializer.INSTANCE.deserialize(
                    new DataInputDeserializer(out.getCopyOfBuffer()));
            ContextEventRun copy = ContextEventRun.Serializer.INSTANCE.copy(run);
            assertEquals(n, back.size());
            assertEquals(n, copy.size());
            for (int i = 0; i < n; i++) {
                assertEquals(added.get(i), fields(back.get(i)));
                assertEquals(fields(run.get(i)), fields(back.get(i)));
                assertEquals(fields(run.get(i)), fields(copy.get(i)));
            }
            // copy(in, out) copies the bytes as they are
            DataOutputSerializer again = new DataOutputSerializer(256);
            ContextEventRun.Serializer.INSTANCE.copy(new DataInputDeserializer(out.getCopyOfBuffer()), again);
            assertEquals(new String(out.getCopyOfBuffer(), "ISO-8859-1"), new String(again.getCopyOfBuffer(), "ISO-8859-1"));
        }
    }

    // --- the parse step and the gathering in one operator

    /** A record's value: the kinds of lines a file of events holds, plain ones most, and every kind of odd one. */
    private static byte[] line(SplittableRandom r, String[] users) {
        String user = users[r.nextInt(users.length)];
        String text = switch (r.nextInt(20)) {
            case 16 -> "line one\\nline two \\\"q\\\" \\u00e9 " + r.nextInt(100); // escapes
            case 17 -> "## md " + r.nextInt(100) + "\\n\\n```java\\nx = 1;\\n```\\t\\/";
            case 18 -> r.nextBoolean() ? "\\t\\n " : "\\u2003\\u000b"; // white space only, escaped
            case 19 -> "\\u2003x \\ud83d\\ude00 " + r.nextInt(100);
            case 12 -> "Gr\u00fc\u00dfe aus K\u00f6ln \ud83d\ude00 " + r.nextInt(100) + (r.nextBoolean() ? " ?" : "");
            case 13 -> r.nextBoolean() ? "\u2003\u3000" : " \u00a0 "; // white space only (U+2003), or not
            case 14 -> "\u00e9".repeat(8192 - 2 + r.nextInt(4)) + (r.nextBoolean() ? "x" : ""); // around the limit
            case 15 -> "\u65e5\u672c " + r.nextInt(50);
            case 0 -> "caf\u00e9 \"quoted\" \\ tab\t";
            case 1 -> "lone \\ud800 surrogate escaped";
            case 2 -> "   ";
            case 3 -> "";
            case 4 -> r.nextInt(8) == 0 ? "x".repeat(16 * 1024 - 3 + r.nextInt(6)) // around the text limit
                    : "x".repeat(r.nextInt(3000)); // cut, or kept; runs over several chunks
            case 5 -> "caf\u00e9 raw";
            default -> "text " + r.nextInt(1000) + " ".repeat(r.nextInt(3)) + "?";
        };
        StringBuilder b = new StringBuilder(r.nextInt(20) == 0 ? " {" : "{");
        String userJson = user == null ? "null" : "\"" + user + "\"";
        if (user != null && r.nextInt(10) == 0) { // the same user, escaped
            userJson = "\"" + user.replace("u", "\\u0075").replace(" ", "\\t") + "\"";
        }
        b.append("\"user\":").append(userJson);
        b.append(",\"text\":\"").append(text).append('"');
        switch (r.nextInt(8)) {
            case 0 -> { }
            case 1 -> b.append(",\"type\":\"query\"");
            case 2 -> b.append(",\"type\":null");
            case 3 -> b.append(",\"type\":\"Anna\"");
            case 4 -> b.append(",\"type\":\"qu\u00e9ry\"");
            default -> b.append(",\"type\":\"profile\"");
        }
        if (r.nextInt(4) == 0) {
            b.append(",\"query\":").append(new String[] {"true", "false", "null", "\"yes\"", "1"}[r.nextInt(5)]);
        }
        if (r.nextInt(3) == 0) {
            b.append(r.nextBoolean() ? ",\"expect\":\"Oslo\"" : ",\"expect\":\"Z\u00fcrich\"");
        }
        if (r.nextBoolean()) {
            b.append(r.nextInt(10) == 0 ? " , " : ",").append("\"ts\":\"2026-01-15T08:00:0").append(r.nextInt(10))
                    .append("Z\"");
        }
        if (r.nextInt(30) == 0) {
            b.append(",\"user\":\"").append(users[r.nextInt(users.length)]).append('"'); // the last one wins
        }
        if (r.nextInt(30) == 0) {
            b.append(",\"n\":[1,{\"a\":2}]");
        }
        if (r.nextInt(5) == 0) { // a nested payload beside the fields
            b.append(",\"meta\": {\"device\": {\"os\": \"ios\", \"v\": ").append(r.nextInt(20))
                    .append(".5}, \"geo\": {\"lat\": -").append(r.nextInt(90)).append(".0526e0, \"city\": \"Z\\u00fcrich\"}, ")
                    .append("\"tags\": [\"a\", \"b\"], \"flags\": {\"beta\": ").append(r.nextBoolean()).append("}}");
        }
        b.append('}');
        if (r.nextInt(40) == 0) {
            b.append(r.nextBoolean() ? " trailing" : " \u00e9");
        }
        String v = b.toString();
        if (r.nextInt(25) == 0) {
            return (r.nextBoolean() ? ContextEventParserTest.object(r) : "not json").getBytes(StandardCharsets.UTF_8);
        }
        byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(60)) {
            case 0 -> new byte[0];
            case 1 -> Arrays.copyOf(bytes, bytes.length + 1); // a NUL at the end
            case 2 -> concat(bytes, new byte[] {(byte) 0xC3}); // invalid UTF-8
            case 3 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes); // a byte order mark
            case 4 -> r.nextInt(4) != 0 ? bytes
                    : ("{\"user\":\"u1\",\"text\":\"" + "y".repeat(70 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 5 -> null;
            case 6 -> concat(bytes, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a surrogate: not UTF-8
            case 7 -> concat(bytes, new byte[] {(byte) 0xC0, (byte) 0xAF}); // overlong
            case 8 -> concat(bytes, ((r.nextBoolean() ? " " : "") + v).getBytes(StandardCharsets.UTF_8)); // glued
            default -> bytes;
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The serialized run: its header and its events' bytes. */
    private static String bytes(ContextEventRun run) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ContextEventRun.Serializer.INSTANCE.serialize(run, out);
        return Base64.getEncoder().encodeToString(out.getCopyOfBuffer());
    }

    /** Runs (stamp and bytes) and dead letters, in the order an operator emitted them, side by side. */
    private static List<String> emitted(List<Object> out, Iterable<?> dead) throws Exception {
        List<String> got = new ArrayList<>();
        for (Object o : out) {
            if (o instanceof StreamRecord<?> sr) {
                got.add("run " + sr.getTimestamp() + " " + bytes((ContextEventRun) sr.getValue()));
            } else {
                got.add(String.valueOf(o));
            }
        }
        if (dead != null) {
            for (Object o : dead) {
                DeadLetter d = (DeadLetter) ((StreamRecord<?>) o).getValue();
                got.add("dead " + d.toJson(4096));
            }
        }
        return got;
    }

    /**
     * The parse-and-gather operator emits the runs (byte for byte, stamped alike, in the same order) and the dead
     * letters of the parse step followed by the gather step: on random lines of every kind (plain ASCII ones,
     * escapes (escaped users too), nested payloads, non-ASCII, blank and missing fields, query flags and types,
     * repeated fields, texts around the text
     * limit, records over the size limit, empty, null, NUL, invalid UTF-8, byte order marks, not JSON), with or
     * without keys, some from another topic or partition, many users or few, under tight and default limits,
     * cut by watermarks.
     */
    @Test
    void parseAndGatherInOneGivesTheRunsOfParseThenGather() throws Exception {
        RecordLimits limits = RecordLimits.defaults();
        SplittableRandom r = new SplittableRandom(31);
        int plain = 0;
        int utf8 = 0;
        int[] at = new int[ContextEventParser.SPANS];
        EventFieldReader reader = new EventFieldReader();
        int read = 0;
        for (int round = 0; round < 8; round++) {
            int users = new int[] {1, 3, 40, 2_000}[round % 4];
            String[] names = new String[users + 3];
            for (int u = 0; u < users; u++) {
                names[u] = "u" + u;
            }
            names[users] = "u\u00e9";
            names[users + 1] = "  ";
            names[users + 2] = null;
            int[] l = round < 4 ? new int[] {256, 64 * 1024, 16 << 20, 256 << 10}
                    : new int[] {1 + r.nextInt(8), 1 + r.nextInt(5_000), 1 + r.nextInt(30_000), 1 + r.nextInt(300)};
            ContextEventRuns.ParseGather fused = new ContextEventRuns.ParseGather(limits, l[0], l[1], l[2], l[3]);
            ContextEventRuns.Gather gather = new ContextEventRuns.Gather(l[0], l[1], l[2], l[3]);
            RecordParser<ContextEvent> parser = UserContextJob.parser(limits);
            List<String> wantDead = new ArrayList<>();
            try (var f = new OneInputStreamOperatorTestHarness<KafkaRecord, ContextEventRun>(fused,
                    KafkaRecordSerializer.TYPE.createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl()));
                 var g = gatherHarness(gather)) {
                f.setup(ContextEventRun.Serializer.INSTANCE);
                f.open();
                String topic = "events.jsonl";
                for (int i = 0; i < 2_000; i++) {
                    KafkaRecord rec = new KafkaRecord(r.nextInt(200) == 0 ? "other.jsonl" : topic,
                            r.nextInt(200) == 0 ? 1 : 0, i, -1, r.nextInt(10) == 0 ? "k".getBytes(StandardCharsets.UTF_8)
                            : null, line(r, names));
                    if (r.nextInt(500) == 0) {
                        f.processWatermark(new Watermark(i));
                        g.processWatermark(new Watermark(i));
                    }
                    KafkaRecord before = new KafkaRecord(rec.topic, rec.partition, rec.offset, rec.timestamp,
                            rec.key == null ? null : rec.key.clone(), rec.value == null ? null : rec.value.clone());
                    if (rec.value != null && !ContextEventParser.spans(rec.value, at)
                            && ContextEventParser.spansUtf8(rec.value, at)) {
                        utf8++;
                    } else if (rec.value != null && !ContextEventParser.spans(rec.value, at)
                            && reader.read(rec.value)) {
                        read++;
                    }
                    // the fast path skips the UTF-8 reading where the ASCII one failed for another reason: same path
                    assertEquals(fused.fastPathReference(rec.value), fused.fastPath(rec.value), "record " + i);
                    f.processElement(new StreamRecord<>(rec, i));
                    // the serializer's copy between chained operators is the record itself: nothing may change it
                    assertEquals(before, rec, "the parse step keeps its record as it was");
                    try {
                        ContextEvent e = parser.parse(rec);
                        g.processElement(new StreamRecord<>(e, i));
                        plain += e.ascii ? 1 : 0;
                    } catch (InvalidRecordException x) {
                        wantDead.add("dead " + rec.deadLetter(x.getMessage()).toJson(4096));
                    }
                }
                f.endInput();
                g.endInput();
                List<String> want = emitted(new ArrayList<>(g.getOutput()), null);
                want.addAll(wantDead);
                List<String> got = emitted(new ArrayList<>(f.getOutput()), f.getSideOutput(KafkaIO.DEAD_LETTERS));
                assertTrue(wantDead.size() > 50, wantDead.size() + " dead letters");
                assertEquals(want.size(), got.size(), "round " + round);
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i), got.get(i), "round " + round + ", output " + i);
                }
            }
        }
        assertTrue(plain > 2_000, plain + " plain events");
        assertTrue(utf8 > 1_000, utf8 + " plain UTF-8 records");
        assertTrue(read > 2_000, read + " records the field reader reads");
    }

    /**
     * A fast path that throws on a record (a bug in {@link ContextEventParser#spans} or {@link EventFieldReader#read}
     * would fail the job at every restart) leaves the record to the parser: the same runs and dead letters leave as
     * with fast paths that do not throw.
     */
    @Test
    void aFastPathThatThrowsLeavesTheRecordToTheParser() throws Exception {
        RecordLimits limits = RecordLimits.defaults();
        SplittableRandom r = new SplittableRandom(7);
        String[] names = {"u1", "u2", "u3", "u\u00e9", "  ", null};
        List<KafkaRecord> records = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            records.add(new KafkaRecord("events.jsonl", 0, i, -1, null, line(r, names)));
        }
        int[] thrown = new int[1];
        ContextEventRuns.ParseGather failing = new ContextEventRuns.ParseGather(limits) {
            private static final long serialVersionUID = 1L;

            @Override
            int fastPath(byte[] b) {
                int path = super.fastPath(b);
                if (path != PARSER && thrown[0]++ % 3 != 2) {
                    if (thrown[0] % 2 == 0) {
                        throw new StackOverflowError();
                    }
                    throw new IllegalStateException("a bug in a fast path");
                }
                return path;
            }
        };
        List<String> want = parseGather(new ContextEventRuns.ParseGather(limits), records);
        assertEquals(want, parseGather(failing, records));
        assertTrue(thrown[0] > 200, thrown[0] + " records on a fast path, two in three of them thrown");
        assertTrue(want.stream().anyMatch(x -> x.startsWith("dead ")), "dead letters too");
    }

    private static List<String> parseGather(ContextEventRuns.ParseGather op, List<KafkaRecord> records)
            throws Exception {
        try (var f = new OneInputStreamOperatorTestHarness<KafkaRecord, ContextEventRun>(op,
                KafkaRecordSerializer.TYPE.createSerializer(
                        new org.apache.flink.api.common.serialization.SerializerConfigImpl()))) {
            f.setup(ContextEventRun.Serializer.INSTANCE);
            f.open();
            for (int i = 0; i < records.size(); i++) {
                f.processElement(new StreamRecord<>(records.get(i), i));
            }
            f.endInput();
            return emitted(new ArrayList<>(f.getOutput()), f.getSideOutput(KafkaIO.DEAD_LETTERS));
        }
    }

    /** Open runs by user: the same runs, in the same order, as a LinkedHashMap, through puts, removals, drains. */
    @Test
    void openRunsKeepTheOrderOfALinkedHashMap() {
        SplittableRandom r = new SplittableRandom(37);
        ContextEventRuns.OpenRuns open = new ContextEventRuns.OpenRuns();
        java.util.LinkedHashMap<String, ContextEventRuns.Open> ref = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 200_000; i++) {
            // users with colliding hash codes ("Aa", "BB") and non-ASCII ones among them
            String user = switch (r.nextInt(10)) {
                case 0 -> (r.nextBoolean() ? "Aa" : "BB") + (r.nextBoolean() ? "Aa" : "BB") + r.nextInt(3);
                case 1 -> "\u00e9" + r.nextInt(50);
                default -> "u" + r.nextInt(r.nextInt(10) == 0 ? 100_000 : 3_000);
            };
            byte[] b = ContextEventRuns.OpenRuns.ascii(user);
            int h = user.hashCode();
            ContextEventRuns.Open o = b != null && r.nextBoolean()
                    ? open.get(("x" + user + "y").getBytes(StandardCharsets.ISO_8859_1), 1, 1 + b.length,
                            ContextEventRuns.OpenRuns.hash(b, 0, b.length))
                    : open.get(user, h);
            assertEquals(ref.get(user), o, user);
            if (o == null) {
                o = new ContextEventRuns.Open(new ContextEventRun(user, "t", 0, 2), b, h, false, 0);
                open.put(o);
                ref.put(user, o);
            } else if (r.nextInt(3) == 0) {
                open.remove(o);
                ref.remove(user);
            }
            if (r.nextInt(20_000) == 0) {
                List<ContextEventRuns.Open> drained = new ArrayList<>();
                open.drain(drained::add);
                assertEquals(new ArrayList<>(ref.values()), drained, "opening order");
                ref.clear();
            }
            assertEquals(ref.size(), open.size());
        }
        List<ContextEventRuns.Open> drained = new ArrayList<>();
        open.drain(drained::add);
        assertEquals(new ArrayList<>(ref.values()), drained, "opening order");
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
