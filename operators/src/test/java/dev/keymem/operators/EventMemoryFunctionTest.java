package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.events.EventHit;
import dev.keymem.models.events.EventMemory;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.InMemoryEventStore;
import dev.keymem.operators.OperatorTestSupport.Backend;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The event memory operator on both state backends: isolation, restore, dead letters, caps. */
class EventMemoryFunctionTest {

    static Configuration options() {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.EVENTS_DIMENSION, 64);
        c.set(MemoryOperatorOptions.EVENTS_CELL_DIM, 16);
        c.set(MemoryOperatorOptions.EVENTS_SEGMENT, 16);
        c.set(MemoryOperatorOptions.EVENTS_WINDOW, 8);
        c.set(MemoryOperatorOptions.EVENTS_EIDETIC, 8);
        return c;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MemoryRecord, MemoryAnswer> open(
            Backend b, Configuration options, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(EventMemoryFunction.fromOptions(options)), (MemoryRecord r) -> r.key,
                Types.STRING, new MockEnvironmentBuilder().setMaxParallelism(128).build());
        h.setStateBackend(OperatorTestSupport.stateBackend(b));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /** Users' interleaved events (terms over a small shared vocabulary, payload = "user#i") and queries. */
    static List<MemoryRecord> interleaved(int users, int perUser, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] next = new int[users];
        List<MemoryRecord> out = new ArrayList<>();
        for (int n = 0; n < users * perUser; n++) {
            int u = r.nextInt(users);
            String key = "user-" + u;
            int[] terms = new int[2 + r.nextInt(6)];
            for (int i = 0; i < terms.length; i++) {
                terms[i] = (int) Math.floor(Math.pow(60, r.nextDouble()));
            }
            if (r.nextInt(5) == 0) {
                out.add(MemoryRecord.query(key, terms, null, ("q" + n).getBytes(StandardCharsets.UTF_8)));
            } else {
                out.add(MemoryRecord.event(key, terms, null, (key + "#" + next[u]++).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private static List<MemoryAnswer> answers(KeyedOneInputStreamOperatorTestHarness<String, MemoryRecord, MemoryAnswer> h) {
        List<MemoryAnswer> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr && sr.getValue() instanceof MemoryAnswer a) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The answers to {@code records}: those before {@code cut} from one operator, the rest from a second one
     * restored from the first one's snapshot.
     */
    private static List<MemoryAnswer> acrossARestore(Backend b, Configuration c, List<MemoryRecord> records, int cut)
            throws Exception {
        var first = open(b, c, null);
        for (MemoryRecord r : records.subList(0, cut)) {
            first.processElement(r, 0);
        }
        List<MemoryAnswer> got = new ArrayList<>(answers(first));
        OperatorSubtaskState snap = first.snapshot(1L, 1L);
        first.close();
        var second = open(b, c, snap);
        for (MemoryRecord r : records.subList(cut, records.size())) {
            second.processElement(r, 0);
        }
        got.addAll(answers(second));
        second.close();
        return got;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void manyInterleavedUsersAnswerAsIfAlone(Backend b) throws Exception {
        Configuration c = options();
        List<MemoryRecord> records = interleaved(40, 60, 17);
        List<MemoryAnswer> got = run(b, c, records);
        // Each user alone, on the heap store: the same answers, bit for bit.
        List<MemoryAnswer> expected = aloneOnTheHeap(c, records);
        assertEquals(expected.size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(expected.get(i), got.get(i), "answer " + i);
            for (MemoryAnswer.Hit hit : got.get(i).hits) {
                assertTrue(new String(hit.payload, StandardCharsets.UTF_8).startsWith(got.get(i).key + "#"),
                        "another user's event in an answer of " + got.get(i).key);
            }
        }
        assertTrue(got.stream().mapToInt(a -> a.hits.length).sum() > got.size() * 3);
    }

    /**
     * Records grouped by key, as a batch run orders them (the store then keeps a key's term frequencies across
     * its records and drops them at the next key), with a snapshot and restore in the middle of a key's run:
     * the answers of each user alone on the heap store, bit for bit.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersInTurnAnswerAsIfAloneAcrossARestore(Backend b) throws Exception {
        Configuration c = options();
        List<MemoryRecord> records = new ArrayList<>(interleaved(6, 150, 29));
        records.sort(java.util.Comparator.comparing((MemoryRecord r) -> r.key)); // stable: per key in order
        int cut = records.size() / 2 + 7;
        assertEquals(records.get(cut - 1).key, records.get(cut).key, "the cut is inside a key's run");
        List<MemoryAnswer> got = acrossARestore(b, c, records, cut);
        List<MemoryAnswer> expected = aloneOnTheHeap(c, records);
        assertEquals(expected, got);
        assertTrue(got.stream().mapToInt(a -> a.hits.length).sum() > got.size() * 3);
    }

    /**
     * {@link #usersInTurnAnswerAsIfAloneAcrossARestore} with the archive cap on (rows dropped) and the store's
     * copy of the recent archive rows far smaller than a key's history (it wraps around many times).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersInTurnAnswerAsIfAloneWithASmallArchiveCopyAndDroppedRows(Backend b) throws Exception {
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_ARCHIVE_CAP, 40);
        List<MemoryRecord> records = new ArrayList<>(interleaved(5, 200, 31));
        records.sort(java.util.Comparator.comparing((MemoryRecord r) -> r.key));
        int saved = MapStateEventStore.recentMax;
        MapStateEventStore.recentMax = 16;
        List<MemoryAnswer> got;
        try {
            got = run(b, c, records);
        } finally {
            MapStateEventStore.recentMax = saved;
        }
        assertEquals(aloneOnTheHeap(c, records), got);
        assertTrue(got.stream().mapToInt(a -> a.hits.length).sum() > got.size() * 3);
    }

    /**
     * {@link #usersInTurnAnswerAsIfAloneWithASmallArchiveCopyAndDroppedRows} for the store's copy of the postings:
     * copies that stop growing long before a key's history ends (reads past them from keyed state), and with
     * a postings cap the oldest posting of a term dropped at every write (its copy dropped and started over).
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void usersInTurnAnswerAsIfAloneWithSmallPostingsCopiesAndDroppedPostings(Backend b) throws Exception {
        for (int postingsCap : new int[] {0, 5}) {
            Configuration c = options();
            c.set(MemoryOperatorOptions.EVENTS_POSTINGS_CAP, postingsCap);
            c.set(MemoryOperatorOptions.EVENTS_POSTINGS_READ, 8);
            List<MemoryRecord> records = new ArrayList<>(interleaved(5, 200, 37));
            records.sort(java.util.Comparator.comparing((MemoryRecord r) -> r.key));
            int saved = MapStateEventStore.KnownFrequencies.listedMax;
            MapStateEventStore.KnownFrequencies.listedMax = 300;
            List<MemoryAnswer> got;
            try {
                got = run(b, c, records);
            } finally {
                MapStateEventStore.KnownFrequencies.listedMax = saved;
            }
            assertEquals(aloneOnTheHeap(c, records), got, "postings cap " + postingsCap);
            assertTrue(got.stream().mapToInt(a -> a.hits.length).sum() > got.size() * 3);
        }
    }

    /** The answers of one operator on {@code b} fed {@code records} in order. */
    private static List<MemoryAnswer> run(Backend b, Configuration c, List<MemoryRecord> records) throws Exception {
        var h = open(b, c, null);
        for (MemoryRecord r : records) {
            h.processElement(r, 0);
        }
        List<MemoryAnswer> got = answers(h);
        h.close();
        return got;
    }

    /** The answers of each key's memory alone on the heap store ({@link InMemoryEventStore}), in record order. */
    private static List<MemoryAnswer> aloneOnTheHeap(Configuration c, List<MemoryRecord> records) {
        EventMemory m = new EventMemory(MemoryOperatorOptions.eventSettings(c));
        Map<String, EventState> states = new HashMap<>();
        Map<String, InMemoryEventStore> stores = new HashMap<>();
        List<MemoryAnswer> expected = new ArrayList<>();
        for (MemoryRecord r : records) {
            EventState st = states.computeIfAbsent(r.key, k -> m.newState());
            InMemoryEventStore store = stores.computeIfAbsent(r.key, k -> new InMemoryEventStore());
            if (!r.query) {
                m.write(st, store, r.tokenIds, null, r.payload);
                continue;
            }
            MemoryAnswer a = new MemoryAnswer();
            a.key = r.key;
            a.position = st.events();
            a.queryPayload = r.payload;
            EventMemory.Answer ans = m.query(st, store, r.tokenIds, null, 5);
            a.hits = ans.hits().stream().map(x -> new MemoryAnswer.Hit(x.position(), x.payload(), x.score(),
                    EventHit.tierNames(x.tiers()))).toArray(MemoryAnswer.Hit[]::new);
            a.read = ans.read() == null ? new float[16] : ans.read();
            expected.add(a);
        }
        return expected;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, MemoryRecord, MemoryAnswer> openCached(
            Configuration options, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(EventMemoryFunction.fromOptions(options).operator(),
                (MemoryRecord r) -> r.key, Types.STRING, new MockEnvironmentBuilder().setMaxParallelism(128).build());
        h.setStateBackend(OperatorTestSupport.stateBackend(Backend.ROCKSDB));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /**
     * The write-back cache (EventMemoryOperator on RocksDB), with the archive and postings caps on so that rows
     * are also dropped, at budgets that evict after every record, now and then, and never: the same answers as
     * the plain operator; a snapshot taken with unwritten rows in the cache restores, into the cached and into
     * the plain operator, to the same answers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1 b", "64 kb", "64 mb"})
    void theWriteBackCacheChangesNoAnswerAndLosesNothingAtASnapshot(String budget) throws Exception {
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_ARCHIVE_CAP, 40);
        c.set(MemoryOperatorOptions.EVENTS_POSTINGS_CAP, 12);
        c.set(MemoryOperatorOptions.EVENTS_CACHE_BYTES, org.apache.flink.configuration.MemorySize.parse(budget));
        List<MemoryRecord> records = interleaved(12, 150, 29);
        var plain = open(Backend.ROCKSDB, c, null);
        for (MemoryRecord r : records) {
            plain.processElement(r, 0);
        }
        List<MemoryAnswer> expected = answers(plain);
        plain.close();

        int cut = records.size() / 2;
        var first = openCached(c, null);
        for (MemoryRecord r : records.subList(0, cut)) {
            first.processElement(r, 0);
        }
        List<MemoryAnswer> got = new ArrayList<>(answers(first));
        EventMemoryOperator<?, ?> op = (EventMemoryOperator<?, ?>) first.getOperator();
        assertTrue(op.cachedMemory() != null, "the cache is used on RocksDB");
        if (!budget.equals("1 b")) {
            assertTrue(op.unwrittenKeys() > 0, "unwritten rows at the snapshot");
        }
        OperatorSubtaskState snap = first.snapshot(1L, 1L);
        assertEquals(0, op.unwrittenKeys());
        int before = got.size();
        for (MemoryRecord r : records.subList(cut, records.size())) {
            first.processElement(r, 0);
        }
        assertEquals(expected, answers(first), "cached, uninterrupted");
        first.close();
        for (boolean cachedRestore : new boolean[] {true, false}) {
            var second = cachedRestore ? openCached(c, snap) : open(Backend.ROCKSDB, c, snap);
            for (MemoryRecord r : records.subList(cut, records.size())) {
                second.processElement(r, 0);
            }
            List<MemoryAnswer> all = new ArrayList<>(got.subList(0, before));
            all.addAll(answers(second));
            second.close();
            assertEquals(expected, all, "restored into the " + (cachedRestore ? "cached" : "plain") + " operator");
        }
    }

    /** keymemStateBytesRead of {@code records} run through a fresh operator (cached or plain, RocksDB). */
    private static long bytesRead(Configuration c, boolean cached, List<MemoryRecord> records, int snapshotAt)
            throws Exception {
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        EventMemoryFunction f = EventMemoryFunction.fromOptions(c);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(cached ? f.operator() : new KeyedProcessOperator<>(f),
                (MemoryRecord r) -> r.key, Types.STRING,
                new MockEnvironmentBuilder().setMaxParallelism(128).setMetricGroup(metrics).build());
        h.setStateBackend(OperatorTestSupport.stateBackend(Backend.ROCKSDB));
        h.open();
        for (int i = 0; i < records.size(); i++) {
            if (i == snapshotAt) {
                h.snapshot(1L, 1L);
            }
            h.processElement(records.get(i), 0);
        }
        h.close();
        return ((org.apache.flink.metrics.Counter) metrics.operator.get("keymemStateBytesRead")).getCount();
    }

    /**
     * keymemStateBytesRead counts what was read from keyed state: nothing while the write-back cache serves every
     * record (fresh keys, all in the cache), some after a write-back has dropped the clean rows or when the cache
     * evicts after every record, never more than the uncached operator reads.
     */
    @Test
    void stateBytesReadCountsOnlyWhatKeyedStateServed() throws Exception {
        Configuration c = options();
        List<MemoryRecord> records = interleaved(12, 40, 31);
        long plain = bytesRead(c, false, records, -1);
        assertTrue(plain > 0, "the uncached operator reads its state");
        c.set(MemoryOperatorOptions.EVENTS_CACHE_BYTES, org.apache.flink.configuration.MemorySize.parse("64 mb"));
        assertEquals(0, bytesRead(c, true, records, -1), "every record served by the cache");
        long afterWriteBack = bytesRead(c, true, records, records.size() / 2);
        assertTrue(afterWriteBack > 0 && afterWriteBack < plain, afterWriteBack + " vs uncached " + plain);
        c.set(MemoryOperatorOptions.EVENTS_CACHE_BYTES, org.apache.flink.configuration.MemorySize.parse("1 b"));
        long evicting = bytesRead(c, true, records, -1);
        assertTrue(evicting > afterWriteBack && evicting <= plain, evicting + " vs uncached " + plain);
    }

    /** The answers and the state-byte metrics of {@code records} through one operator on Flink's batch backend. */
    private record BatchRun(List<MemoryAnswer> answers, long bytesRead, long bytesWritten, boolean batchRows,
                            boolean spilled) {
    }

    private static BatchRun onTheBatchBackend(Configuration c, boolean eventMemoryOperator, List<MemoryRecord> records)
            throws Exception {
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        EventMemoryFunction f = EventMemoryFunction.fromOptions(c);
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                eventMemoryOperator ? f.operator() : new KeyedProcessOperator<>(f), (MemoryRecord r) -> r.key,
                Types.STRING, new MockEnvironmentBuilder().setMaxParallelism(128).setMetricGroup(metrics).build());
        h.setStateBackend(new org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionStateBackend());
        h.open();
        for (MemoryRecord r : records) {
            h.processElement(r, 0);
        }
        boolean used = f.eventMemory().batchRows() != null;
        boolean spilled = used && f.eventMemory().batchRows().spilled(); // the last key's
        List<MemoryAnswer> got = answers(h);
        h.close();
        var read = (org.apache.flink.metrics.Counter) metrics.operator.get("keymemStateBytesRead");
        var written = (org.apache.flink.metrics.Counter) metrics.operator.get("keymemStateBytesWritten");
        return new BatchRun(got, read.getCount(), written.getCount(), used, spilled);
    }

    /**
     * On Flink's batch backend (one key's state at a time, records grouped by key as a BATCH run sorts them),
     * EventMemoryOperator keeps the rows in plain arrays ({@link BatchEventStore}): the same answers as the
     * plain operator, whose rows are in keyed state there (the reference), and as each user alone on the heap
     * store, and the same state-byte metrics; with and without the archive and postings caps.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void batchRowsGiveTheAnswersAndMetricsOfKeyedStateRows(int variant) throws Exception {
        Configuration c = options();
        // 2: every key's rows spill to keyed state in the middle of its run (postings past position 90)
        int savedMax = BatchEventStore.positionMax;
        BatchEventStore.positionMax = variant == 2 ? 90 : savedMax;
        try {
            batchRowsAgainstKeyedStateRows(c, variant == 1, variant == 2);
        } finally {
            BatchEventStore.positionMax = savedMax;
        }
    }

    private static void batchRowsAgainstKeyedStateRows(Configuration c, boolean capped, boolean spills)
            throws Exception {
        if (capped) {
            c.set(MemoryOperatorOptions.EVENTS_ARCHIVE_CAP, 40);
            c.set(MemoryOperatorOptions.EVENTS_POSTINGS_CAP, 5);
            c.set(MemoryOperatorOptions.EVENTS_POSTINGS_READ, 8);
        }
        List<MemoryRecord> records = new ArrayList<>(interleaved(6, 200, 41));
        records.sort(java.util.Comparator.comparing((MemoryRecord r) -> r.key)); // stable: per key in order
        BatchRun keyed = onTheBatchBackend(c, false, records);
        BatchRun batch = onTheBatchBackend(c, true, records);
        assertTrue(batch.batchRows() && !keyed.batchRows(), "batch rows only under EventMemoryOperator");
        assertEquals(spills, batch.spilled(), "the last key spilled");
        assertEquals(aloneOnTheHeap(c, records), keyed.answers());
        assertEquals(keyed.answers(), batch.answers());
        assertTrue(keyed.bytesRead() > 0 && keyed.bytesWritten() > 0);
        assertEquals(keyed.bytesRead(), batch.bytesRead(), "keymemStateBytesRead");
        assertEquals(keyed.bytesWritten(), batch.bytesWritten(), "keymemStateBytesWritten");
        assertTrue(batch.answers().stream().mapToInt(a -> a.hits.length).sum() > batch.answers().size() * 3);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void restoreMidStreamGivesBitIdenticalAnswers(Backend b) throws Exception {
        Configuration c = options();
        List<MemoryRecord> records = interleaved(12, 80, 23);
        var whole = open(b, c, null);
        for (MemoryRecord r : records) {
            whole.processElement(r, 0);
        }
        List<MemoryAnswer> expected = answers(whole);
        whole.close();

        assertEquals(expected, acrossARestore(b, c, records, records.size() / 2));
    }

    @Test
    void badRecordsBecomeDeadLettersAndNeverReachTheMemory() throws Exception {
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD, 8);
        var h = open(Backend.HASHMAP, c, null);
        h.processElement(MemoryRecord.event("a", new int[0], null, null), 0);
        h.processElement(MemoryRecord.event("a", new int[] {1}, new float[3], null), 0);
        h.processElement(MemoryRecord.event("a", new int[] {1}, null, new byte[9]), 0);
        float[] nan = new float[64];
        nan[5] = Float.NaN;
        h.processElement(MemoryRecord.event("a", new int[] {1}, nan, null), 0);
        h.processElement(MemoryRecord.event("a", new int[] {1, 2}, null, "ok".getBytes()), 0);
        h.processElement(MemoryRecord.query("a", new int[] {2}, null, null), 0);
        var dead = h.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS);
        assertEquals(4, dead.size());
        List<MemoryAnswer> a = answers(h);
        assertEquals(1, a.size());
        assertEquals(1, a.get(0).position);
        assertArrayEquals("ok".getBytes(), a.get(0).hits[0].payload);
        h.close();
    }

    @Test
    void queriesOnAnEmptyKeyAnswerEmptyAndTokenModelsAreRefused() throws Exception {
        var h = open(Backend.HASHMAP, options(), null);
        h.processElement(MemoryRecord.query("nobody", new int[] {1}, null, "x".getBytes()), 0);
        MemoryAnswer a = answers(h).get(0);
        assertEquals(0, a.hits.length);
        assertArrayEquals("x".getBytes(), a.queryPayload);
        h.close();
        Configuration plain = OperatorTestSupport.options();
        var f = new EventMemoryFunction(dev.keymem.operators.model.MemoryModelFactory.fromOptions(plain), options());
        var h2 = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(f), (MemoryRecord r) -> r.key,
                Types.STRING);
        Exception e = assertThrows(Exception.class, h2::open);
        assertTrue(String.valueOf(e.getMessage()).contains("KeyedMemoryFunction"), e.getMessage());
    }

    @Test
    void archiveCapEmitsDropsAndAdmissionsOnTheSideOutput() throws Exception {
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_ARCHIVE_CAP, 16);
        var h = open(Backend.ROCKSDB, c, null);
        for (int i = 0; i < 40; i++) {
            h.processElement(MemoryRecord.event("k", new int[] {i, i + 1000}, null, null), 0);
        }
        var events = h.getSideOutput(KeyedMemoryFunction.MEMORY_EVENTS);
        long dropped = events.stream().filter(e -> e.getValue().kind == MemoryEvent.Kind.ARCHIVE_DROPPED).count();
        long admitted = events.stream().filter(e -> e.getValue().kind == MemoryEvent.Kind.ADMITTED).count();
        assertEquals(24, dropped);
        assertTrue(admitted >= 8);
        h.close();
        assertThrows(IllegalArgumentException.class, () -> {
            Configuration bad = options();
            bad.set(MemoryOperatorOptions.EVENTS_ARCHIVE_CAP, 4);
            EventMemoryFunction.fromOptions(bad);
        });
    }
    @Test
    void archiveRowsExpireWithTheirTtlWhileTheEideticTierStays() throws Exception {
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_ARCHIVE_TTL, java.time.Duration.ofSeconds(1));
        c.set(MemoryOperatorOptions.EVENTS_EIDETIC, 2);
        c.set(MemoryOperatorOptions.EVENTS_WINDOW, 2);
        var h = open(Backend.ROCKSDB, c, null);
        h.setStateTtlProcessingTime(0);
        for (int i = 0; i < 20; i++) {
            h.processElement(MemoryRecord.event("k", new int[] {7, 100 + i}, null, ("e" + i).getBytes()), 0);
        }
        h.setStateTtlProcessingTime(10_000);
        h.processElement(MemoryRecord.event("k", new int[] {7, 999}, null, "fresh".getBytes()), 0);
        h.processElement(MemoryRecord.query("k", new int[] {7}, null, null), 0);
        MemoryAnswer a = answers(h).get(0);
        assertEquals(21, a.position);
        assertTrue(a.hits.length >= 2 && a.hits.length <= 3, "hits: " + a.hits.length);
        for (MemoryAnswer.Hit hit : a.hits) {
            // expired archive rows, postings and statistics are invisible: only the eidetic tier (hot, no TTL)
            // and the fresh event remain
            assertTrue(hit.tiers.contains("eidetic") || "fresh".equals(new String(hit.payload)), hit.tiers);
        }
        h.close();
    }

    @Test
    void aLearnedProjectionFileReplacesTheSeededOneAndABadOneFailsAtBuildTime(@org.junit.jupiter.api.io.TempDir
                                                                                 java.nio.file.Path dir) throws Exception {
        float[] p = new float[16 * 64];
        for (int i = 0; i < 16; i++) {
            p[i * 64 + i] = 1f; // keep the first 16 dimensions
        }
        java.nio.file.Path good = dir.resolve("proj.safetensors");
        dev.keymem.models.io.SafeTensors.write(good, List.of(dev.keymem.models.io.SafeTensor.ofFloats(
                "events.projection", dev.keymem.models.io.SafeTensorsDtype.F32, new long[] {16, 64}, p)));
        List<float[]> reads = new ArrayList<>();
        for (java.nio.file.Path file : new java.nio.file.Path[] {null, good}) {
            Configuration c = options();
            if (file != null) {
                c.set(MemoryOperatorOptions.EVENTS_PROJECTION_FILE, file.toString());
            }
            var h = open(Backend.HASHMAP, c, null);
            for (MemoryRecord r : interleaved(1, 30, 3)) {
                h.processElement(r, 0);
            }
            h.processElement(MemoryRecord.query("user-0", new int[] {1, 2}, null, null), 0);
            List<MemoryAnswer> a = answers(h);
            reads.add(a.get(a.size() - 1).read);
            h.close();
        }
        assertTrue(!java.util.Arrays.equals(reads.get(0), reads.get(1)), "the projection is used");
        java.nio.file.Path bad = dir.resolve("bad.safetensors");
        dev.keymem.models.io.SafeTensors.write(bad, List.of(dev.keymem.models.io.SafeTensor.ofFloats(
                "events.projection", dev.keymem.models.io.SafeTensorsDtype.F32, new long[] {8, 64}, new float[8 * 64])));
        Configuration c = options();
        c.set(MemoryOperatorOptions.EVENTS_PROJECTION_FILE, bad.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventMemoryFunction.fromOptions(c));
        assertTrue(e.getMessage().contains("keymem.events.projection-file") && e.getMessage().contains("[16, 64]"),
                e.getMessage());
    }
}
