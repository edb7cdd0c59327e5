package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.novelty.NoveltyEntry;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.NoveltyStatePiece;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The novelty memory (memory type NOVELTY): innovations against a float64 oracle of the gated delta rule,
 * eidetic admission and eviction (rows written only on admission), bounded hot state, the same answers
 * in keyed state as on the heap with many interleaved keys, and a restore mid-stream that reproduces the
 * rest bit for bit.
 */
class KeyedNoveltyMemoryTest {
    static final int D = 16;

    static Configuration options(int capacity, float threshold, boolean retention) {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.NOVELTY);
        c.set(MemoryOperatorOptions.NOVELTY_DIMENSION, D);
        c.set(MemoryOperatorOptions.NOVELTY_EIDETIC_CAPACITY, capacity);
        c.set(MemoryOperatorOptions.NOVELTY_THRESHOLD, threshold);
        c.set(MemoryOperatorOptions.NOVELTY_RETENTION, retention);
        c.set(MemoryOperatorOptions.RETENTION_WINDOW, 8);
        c.set(MemoryOperatorOptions.RETENTION_BLOCK, 4);
        c.set(MemoryOperatorOptions.RETENTION_RETAINED_CAP, 6);
        c.set(MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS, 2);
        c.set(MemoryOperatorOptions.RETENTION_SINKS, 0);
        return c;
    }

    /** A stream of a few recurring "templates" (vectors) with rare new ones, like a log source's. */
    static List<float[]> items(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> templates = new ArrayList<>();
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (templates.isEmpty() || r.nextInt(20) == 0) {
                float[] t = new float[D];
                for (int j = 0; j < D; j++) {
                    t[j] = (float) r.nextGaussian();
                }
                templates.add(t);
            }
            out.add(templates.get(r.nextInt(Math.min(templates.size(), 4 + i / 50)) % templates.size()).clone());
        }
        return out;
    }

    @Test
    void innovationsMatchAFloat64OracleOfTheGatedDeltaRule() throws Exception {
        MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(options(4, 0.5f, false)));
        NoveltyState st = m.newState(1);
        NoveltyStore store = NoveltyStore.inMemory();
        double beta = 0.5;
        double a = 0.98;
        double[][] s = new double[D][D];
        double maxErr = 0;
        for (float[] v : items(400, 3)) {
            double n = 0;
            for (float f : v) {
                n += (double) f * f;
            }
            double[] x = new double[D];
            for (int i = 0; i < D; i++) {
                x[i] = v[i] / Math.sqrt(n);
            }
            // e = ||x - a S^T x||; then S <- a S + beta x (x - a S^T x)^T
            double[] pred = new double[D];
            for (int j = 0; j < D; j++) {
                for (int i = 0; i < D; i++) {
                    pred[j] += a * s[i][j] * x[i];
                }
            }
            double e = 0;
            for (int j = 0; j < D; j++) {
                e += (x[j] - pred[j]) * (x[j] - pred[j]);
            }
            e = Math.sqrt(e);
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    s[i][j] = a * s[i][j] + beta * x[i] * (x[j] - pred[j]);
                }
            }
            NoveltyWrite w = m.write(st, store, v, 0, null);
            maxErr = Math.max(maxErr, Math.abs(w.innovation() - e));
        }
        assertTrue(maxErr < 1e-4, "max |innovation - oracle| = " + maxErr);
    }

    @Test
    void theEideticStoreKeepsTheMostInnovativeItemsAndWritesARowOnlyOnAdmission() throws Exception {
        MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(options(3, 0.3f, false)));
        NoveltyState st = m.newState(1);
        Map<Long, NoveltyEntry> rows = new TreeMap<>();
        int[] puts = {0};
        NoveltyStore store = new NoveltyStore() {
            @Override
            public void put(NoveltyEntry e) {
                rows.put(e.position(), e);
                puts[0]++;
            }

            @Override
            public void remove(long position) {
                rows.remove(position);
            }

            @Override
            public NoveltyEntry get(long position) {
                return rows.get(position);
            }
        };
        List<float[]> xs = items(300, 5);
        List<NoveltyWrite> ws = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            ws.add(m.write(st, store, xs.get(i), i % 7, null));
        }
        long admitted = ws.stream().filter(NoveltyWrite::admitted).count();
        assertEquals(admitted, puts[0], "one row written per admission, none otherwise");
        assertTrue(admitted < xs.size() / 3, "routine items are not admitted: " + admitted);
        assertEquals(3, rows.size());
        // the held entries: the three most innovative items above the threshold (ties: the newer stays)
        List<NoveltyWrite> best = new ArrayList<>(ws.stream().filter(w -> w.innovation() > 0.3f).toList());
        best.sort((p, q) -> p.innovation() != q.innovation() ? Float.compare(q.innovation(), p.innovation())
                : Long.compare(q.position(), p.position()));
        for (NoveltyWrite w : best.subList(0, 3)) {
            assertTrue(rows.containsKey(w.position()), "held: " + w);
            assertEquals((int) (w.position() % 7), rows.get(w.position()).item());
        }
        assertEquals(rows.keySet(), new java.util.TreeSet<>(java.util.Arrays.stream(st.eideticPositions()).boxed().toList()));
    }

    @Test
    void hotStateDoesNotGrowWithTheHistory() throws Exception {
        for (boolean retention : new boolean[] {false, true}) {
            MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(options(8, 0.5f, retention)));
            NoveltyState st = m.newState(1);
            NoveltyStore store = NoveltyStore.inMemory();
            List<float[]> xs = items(20_000, 9);
            int early = 0; // the most hot bytes over items [1000, 2000)
            int max = 0; // ... over [2000, 20000)
            for (int i = 0; i < xs.size(); i++) {
                m.write(st, store, xs.get(i), 0, null);
                int b = NoveltyStatePiece.payloadBytes(st);
                if (i >= 1000 && i < 2000) {
                    early = Math.max(early, b);
                } else if (i >= 2000) {
                    max = Math.max(max, b);
                }
            }
            assertTrue(max <= early, "hot bytes up to 20,000 items " + max + " > up to 2,000 " + early
                    + ", retention " + retention);
            if (!retention) {
                assertEquals(8 + 4 + 4 * D * D + 4 + 12 * 8 + 1, max);
            }
        }
    }

    @Test
    void aNarrowerCellProjectsTheItemsAndKeepsDistinctItemsApart() throws Exception {
        Configuration c = options(4, 0.5f, false);
        c.set(MemoryOperatorOptions.NOVELTY_CELL_DIM, 8);
        MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(c));
        NoveltyState st = m.newState(1);
        NoveltyStore store = NoveltyStore.inMemory();
        List<float[]> xs = items(2000, 13);
        float repeatMax = 0;
        for (int i = 0; i < xs.size(); i++) {
            NoveltyWrite w = m.write(st, store, xs.get(i), 0, null);
            if (i > 0 && java.util.Arrays.equals(xs.get(i), xs.get(i - 1))) {
                repeatMax = Math.max(repeatMax, w.innovation()); // an item right after itself is well predicted
            }
        }
        assertEquals(8 + 4 + 4 * 8 * 8 + 4 + 12 * st.eideticCount() + 1, NoveltyStatePiece.payloadBytes(st));
        assertTrue(repeatMax < 0.75f, "repeat innovation " + repeatMax);
        c.set(MemoryOperatorOptions.NOVELTY_CELL_DIM, D + 1);
        assertThrows(IllegalArgumentException.class, () -> MemoryModelFactory.fromOptions(c));
    }

    /** Emits "key position innovation admitted evicted [retained]" per item; items are "key:seed". */
    static final class Probe extends KeyedProcessFunction<String, String, String> {
        private final Configuration options;
        private transient KeyedNoveltyMemory memory;

        Probe(Configuration options) {
            this.options = options;
        }

        @Override
        public void open(OpenContext ctx) {
            memory = KeyedNoveltyMemory.open(getRuntimeContext(),
                    MemoryModelFactory.fromOptions(KeyedNoveltyMemory.noveltyOptions(options)));
        }

        @Override
        public void processElement(String in, Context ctx, Collector<String> out) throws Exception {
            NoveltyWrite w = memory.of(ctx.getCurrentKey()).write(vector(in), in.hashCode() & 0xff, in.getBytes());
            out.collect(ctx.getCurrentKey() + " " + w + " " + new TreeMap<>(memory.of(ctx.getCurrentKey()).retained()));
        }
    }

    /** {@link Probe} with the hot state in a {@link HotStateOperator}'s cache of {@code keys} keys. */
    static final class CachedProbe extends KeyedProcessFunction<String, String, String> implements HotStateOperator.Owner {
        private final Configuration options;
        private final int keys;
        private transient HotStateOperator.Cache cache;
        private transient KeyedNoveltyMemory memory;

        CachedProbe(Configuration options, int keys) {
            this.options = options;
            this.keys = keys;
        }

        @Override
        public int cacheKeys() {
            return keys;
        }

        @Override
        public void useCache(HotStateOperator.Cache cache) {
            this.cache = cache;
        }

        @Override
        public void open(OpenContext ctx) {
            memory = KeyedNoveltyMemory.open(getRuntimeContext(),
                    MemoryModelFactory.fromOptions(KeyedNoveltyMemory.noveltyOptions(options)), cache);
        }

        @Override
        public void processElement(String in, Context ctx, Collector<String> out) throws Exception {
            NoveltyWrite w = memory.of(ctx.getCurrentKey()).write(vector(in), in.hashCode() & 0xff, in.getBytes());
            out.collect(ctx.getCurrentKey() + " " + w);
        }
    }

    /** keymemStateBytesRead and the outputs of {@code items} on RocksDB, through a cache of {@code keys} keys (0: none). */
    static long bytesRead(Configuration c, int keys, List<String> items, List<String> outputs) throws Exception {
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        CachedProbe p = new CachedProbe(c, keys);
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new HotStateOperator<>(p, p),
                (String s) -> s.substring(0, s.indexOf(':')), Types.STRING,
                new MockEnvironmentBuilder().setMaxParallelism(128).setMetricGroup(metrics).build())) {
            h.setStateBackend(OperatorTestSupport.stateBackend(Backend.ROCKSDB));
            h.open();
            for (String s : items) {
                h.processElement(new StreamRecord<>(s));
            }
            outputs.addAll(outputs(h));
        }
        return ((org.apache.flink.metrics.Counter) metrics.operator.get("keymemStateBytesRead")).getCount();
    }

    /**
     * keymemStateBytesRead counts the hot state read from keyed state: each item's load without a cache (the
     * state's frame), nothing when the cache holds every key, each item's load again when the cache holds one
     * key of 12 (every item misses).
     */
    @Test
    void stateBytesReadCountsOnlyWhatKeyedStateServed() throws Exception {
        Configuration c = options(4, 0.5f, false);
        List<String> items = stream(12, 20, 19);
        List<String> plainOut = new ArrayList<>();
        long plain = bytesRead(c, 0, items, plainOut);
        // the same items alone: the frame of the state before each item, summed
        MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(KeyedNoveltyMemory.noveltyOptions(c)));
        Map<String, NoveltyState> states = new HashMap<>();
        long expected = 0;
        for (String s : items) {
            String key = s.substring(0, s.indexOf(':'));
            NoveltyState st = states.get(key);
            if (st == null) {
                st = m.newState(key.hashCode());
                states.put(key, st);
            } else {
                expected += dev.keymem.state.StateFrame.OVERHEAD_BYTES + NoveltyStatePiece.payloadBytes(st);
            }
            m.write(st, NoveltyStore.inMemory(), vector(s), s.hashCode() & 0xff, s.getBytes());
        }
        assertEquals(expected, plain, "uncached: every item reads its key's state");
        List<String> allOut = new ArrayList<>();
        assertEquals(0, bytesRead(c, 100, items, allOut), "every key cached: nothing read from keyed state");
        List<String> oneOut = new ArrayList<>();
        assertEquals(plain, bytesRead(c, 1, items, oneOut), "one key cached, keys interleaved: every item misses");
        assertEquals(plainOut, allOut);
        assertEquals(plainOut, oneOut);
    }

    static float[] vector(String item) {
        SplittableRandom r = new SplittableRandom(Long.parseLong(item.substring(item.indexOf(':') + 1)));
        float[] v = new float[D];
        for (int j = 0; j < D; j++) {
            v[j] = (float) r.nextGaussian();
        }
        return v;
    }

    static List<String> stream(int keys, int perKey, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                out.add("k" + k + ":" + (r.nextInt(10) == 0 ? 1000 + r.nextInt(1000) : r.nextInt(5)));
            }
        }
        return out;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, String, String> open(Backend b, Configuration c,
                                                                               OperatorSubtaskState restore)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Probe(c)),
                (String s) -> s.substring(0, s.indexOf(':')), Types.STRING,
                new MockEnvironmentBuilder().setMaxParallelism(128).build());
        h.setStateBackend(OperatorTestSupport.stateBackend(b));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static List<String> outputs(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> sr) {
                out.add((String) sr.getValue());
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void interleavedKeysAnswerAsIfAloneAndARestoreMidStreamIsBitIdentical(Backend b) throws Exception {
        Configuration c = options(4, 0.5f, true);
        List<String> all = stream(12, 60, 17);
        List<String> straight;
        try (var h = open(b, c, null)) {
            for (String s : all) {
                h.processElement(new StreamRecord<>(s));
            }
            straight = outputs(h);
        }
        // each key alone, on the heap
        MemoryModel.Novelty m = NoveltyMemory.model(MemoryModelFactory.fromOptions(KeyedNoveltyMemory.noveltyOptions(c)));
        Map<String, NoveltyMemory> alone = new HashMap<>();
        for (int i = 0; i < all.size(); i++) {
            String s = all.get(i);
            String key = s.substring(0, s.indexOf(':'));
            NoveltyMemory mem = alone.computeIfAbsent(key, k -> NoveltyMemory.inMemory(m, k.hashCode()));
            NoveltyWrite w = mem.write(vector(s), 0, null);
            assertEquals(key + " " + w + " " + new TreeMap<>(mem.retained()), straight.get(i), "item " + i);
        }
        // a restore mid-stream
        int cut = all.size() / 2 + 5;
        OperatorSubtaskState snap;
        try (var h = open(b, c, null)) {
            for (String s : all.subList(0, cut)) {
                h.processElement(new StreamRecord<>(s));
            }
            snap = h.snapshot(1, 1);
        }
        try (var h = open(b, c, snap)) {
            for (String s : all.subList(cut, all.size())) {
                h.processElement(new StreamRecord<>(s));
            }
            assertEquals(straight.subList(cut, all.size()), outputs(h));
        }
    }

    @Test
    void badOptionsAndOtherOperatorsAreRefusedWithTheReason() {
        Configuration c = options(4, 0.5f, false);
        c.set(MemoryOperatorOptions.NOVELTY_DECAY, 1.5f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyedNoveltyMemory.noveltyOptions(c));
        assertTrue(e.getMessage().contains("keymem.novelty") && e.getMessage().contains("decay"), e.getMessage());
        Configuration plain = new Configuration();
        e = assertThrows(IllegalArgumentException.class,
                () -> NoveltyMemory.model(MemoryModelFactory.fromOptions(plain)));
        assertTrue(e.getMessage().contains("NOVELTY"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MemoryModelFactory.batchedFromOptions(options(4, 0.5f, false)));
        assertTrue(e.getMessage().contains("NOVELTY"), e.getMessage());
        assertFalse(NoveltyMemory.model(MemoryModelFactory.fromOptions(options(4, 0.5f, false))).retains());
    }
}
