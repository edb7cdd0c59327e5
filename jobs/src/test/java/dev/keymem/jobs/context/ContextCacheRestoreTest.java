package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.models.events.EventState;
import dev.keymem.operators.EventMemoryFunction;
import dev.keymem.operators.EventMemoryOperator;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.state.EventStateSerializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The context job's write-back cache ({@code keymem.events.cache-bytes}, EventMemoryOperator) changes no
 * answer and loses nothing at a checkpoint: on RocksDB, the job's operator with the cache (a budget that
 * evicts on almost every record, one that evicts now and then, and one that holds every user) answers
 * exactly as the uncached keyed function does; a snapshot taken while the cache holds unwritten events of
 * every user (the barrier arrives with the cache full) restores, into the cached operator and into the plain
 * uncached one, to the same answers for the rest of the stream and to the same hot state of every user, bit
 * for bit.
 */
class ContextCacheRestoreTest {

    static final String[] WORDS = {"cat", "dog", "berlin", "oslo", "lisbon", "guitar", "piano", "doctor", "nurse",
        "teacher", "sister", "brother", "trip", "car", "bike", "book", "course", "birthday", "allergy", "peanut",
        "weekend", "work", "live", "name", "city", "coffee", "tea", "garden", "river", "mountain"};

    /** 40 users with 4-30 events and 3 users with 300 (their segments close and route), interleaved, seeded. */
    static List<ContextEvent> stream(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<ContextEvent>> perUser = new ArrayList<>();
        for (int u = 0; u < 43; u++) {
            int n = u < 40 ? 4 + r.nextInt(27) : 300;
            List<ContextEvent> l = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ContextEvent e = new ContextEvent();
                e.user = "user-" + u;
                StringBuilder t = new StringBuilder();
                int words = 2 + r.nextInt(9);
                for (int w = 0; w < words; w++) {
                    t.append(w == 0 ? "" : " ").append(WORDS[(int) Math.floor(Math.pow(WORDS.length, r.nextDouble()))]);
                }
                e.query = i > 2 && r.nextInt(5) == 0;
                e.text = e.query ? "where is my " + t : "I have a " + t + " (" + i + ")";
                e.type = e.query || r.nextBoolean() ? null : "speaker" + r.nextInt(3);
                e.ts = "2026-01-01T00:00:" + (i % 60) + "Z";
                e.topic = "t";
                l.add(e);
            }
            perUser.add(l);
        }
        List<ContextEvent> out = new ArrayList<>();
        int[] next = new int[perUser.size()];
        int left = perUser.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int u = r.nextInt(perUser.size());
            if (next[u] < perUser.get(u).size()) {
                ContextEvent e = perUser.get(u).get(next[u]++);
                e.offset = out.size();
                out.add(e);
                left--;
            }
        }
        return out;
    }

    static Configuration options(String cacheBytes) {
        Configuration c = routed();
        c.set(MemoryOperatorOptions.EVENTS_CACHE_BYTES, MemorySize.parse(cacheBytes));
        return c;
    }

    /** The job's defaults with the operator's segment routing (the job has none), so that its reads cross restores too. */
    static Configuration routed() {
        Configuration c = ContextOptions.defaults();
        c.set(MemoryOperatorOptions.EVENTS_ROUTE_K, 2);
        return c;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> harness(
            OneInputStreamOperator<ContextEvent, JobOutput> op, OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(op, e -> e.user,
                Types.STRING);
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        h.setStateBackend(rocks);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static List<String> feed(KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> h,
                             List<ContextEvent> events) throws Exception {
        int before = h.extractOutputValues().size();
        for (ContextEvent e : events) {
            h.processElement(new StreamRecord<>(e));
        }
        List<String> out = new ArrayList<>();
        List<JobOutput> all = h.extractOutputValues();
        for (JobOutput o : all.subList(before, all.size())) {
            out.add(o.json);
        }
        return out;
    }

    /** Every user's hot state as keyed state holds it (bit for bit comparable). */
    static Map<String, EventState> hotStates(KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> h,
                                             List<ContextEvent> events) throws Exception {
        AbstractStreamOperator<JobOutput> op = (AbstractStreamOperator<JobOutput>) h.getOperator();
        Map<String, EventState> m = new LinkedHashMap<>();
        var d = new ValueStateDescriptor<>(EventMemoryFunction.STATE, new EventStateSerializer());
        for (ContextEvent e : events) {
            if (!m.containsKey(e.user)) {
                op.setCurrentKey(e.user);
                m.put(e.user, op.getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE, d).value());
            }
        }
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"8 kb", "200 kb", "64 mb"})
    void aSnapshotWithTheCacheFullRestoresToTheSameAnswers(String budget) throws Exception {
        List<ContextEvent> events = stream(5);
        int cut = events.size() * 3 / 5;
        List<ContextEvent> first = events.subList(0, cut);
        List<ContextEvent> rest = events.subList(cut, events.size());

        // reference: the plain keyed function, no cache, one uninterrupted run
        List<String> refFirst;
        List<String> refRest;
        Map<String, EventState> refStates;
        try (var h = harness(new KeyedProcessOperator<>(UserContextJob.keyedFunction(routed())),
                null)) {
            refFirst = feed(h, first);
            refRest = feed(h, rest);
            refStates = hotStates(h, events);
        }
        assertTrue(refRest.size() > 50, "queries after the cut: " + refRest.size());

        // the job's operator with the cache: same answers; snapshot with unwritten events of every user
        OperatorSubtaskState snapshot;
        try (var h = harness(UserContextJob.operator(options(budget)), null)) {
            assertEquals(refFirst, feed(h, first), "answers before the snapshot, cache " + budget);
            int unwritten = ((EventMemoryOperator<?, ?>) h.getOperator()).unwrittenKeys();
            // 8 kb: every user is written back (evicted) after its record; 200 kb: a few users stay; 64 mb: all
            int least = budget.equals("8 kb") ? 0 : budget.equals("200 kb") ? 1 : 43;
            assertTrue(unwritten >= least, "users with unwritten events at the barrier: " + unwritten + ", cache "
                    + budget);
            snapshot = h.snapshot(1, 1);
            assertEquals(0, ((EventMemoryOperator<?, ?>) h.getOperator()).unwrittenKeys(), "written back at the barrier");
            assertEquals(refRest, feed(h, rest), "answers after the snapshot, cache " + budget);
        }
        assertNotNull(snapshot);

        // restored into the cached operator
        try (var h = harness(UserContextJob.operator(options(budget)), snapshot)) {
            assertEquals(refRest, feed(h, rest), "answers after restoring into the cached operator, cache " + budget);
            h.snapshot(2, 2); // writes the cache back
            assertEquals(refStates, hotStates(h, events), "hot states after the restored run");
        }
        // restored into the plain operator: the snapshot holds everything by itself
        try (var h = harness(new KeyedProcessOperator<>(UserContextJob.keyedFunction(routed())),
                snapshot)) {
            assertEquals(refRest, feed(h, rest), "answers after restoring into the uncached operator, cache " + budget);
            assertEquals(refStates, hotStates(h, events), "hot states after the uncached restored run");
        }
    }
}
