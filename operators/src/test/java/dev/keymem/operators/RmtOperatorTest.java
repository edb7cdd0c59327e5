package dev.keymem.operators;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.KeyedMemoryFunctionTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.rmt.FactTask;
import dev.keymem.models.rmt.Rmt;
import dev.keymem.models.rmt.RmtConfig;
import dev.keymem.models.rmt.RmtModel;
import dev.keymem.models.rmt.RmtState;
import dev.keymem.operators.BatchedMemoryOperatorTest.Advancer;
import dev.keymem.operators.BatchedMemoryOperatorTest.Batched;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.model.ConfiguredModelFactory;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.state.RmtStateSerializer;
import dev.keymem.state.StateFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Memory type RMT in the per-record ({@link KeyedMemoryFunction}) and the batched
 * ({@link BatchedMemoryOperator}) operators, in Flink's operator test harness on the heap and RocksDB
 * backends: reads equal a reference computed from the model's own segment runs, per key, whatever the
 * interleaving of keys and the cuts of records; a restore in the middle of a segment continues bit for
 * bit; the batched operator equals the per-record one bit for bit; the trained detect &amp; memorize model
 * answers through the operators. Models: the random-weight parity fixtures of {@code models} (decoder
 * and encoder, segments of 16) and the committed trained artifact (segments of 32).
 */
class RmtOperatorTest {

    static final Path FIXTURES = Path.of("../models/src/test/resources/dev/keymem/models/rmt");
    static final Path TRAINED = Path.of("../training/artifacts/rmt-detect-memorize");

    enum Layout {
        DECODER, ENCODER, ARMT; // ARMT: the associative RMT decoder ("arch": "armt")

        Path dir() {
            return FIXTURES.resolve(name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    enum Op { KEYED, BATCHED }

    static Configuration options(Path artifact) {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.RMT);
        c.set(MemoryOperatorOptions.RMT_ARTIFACT, artifact.toString());
        c.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, 64);
        return c;
    }

    static RmtModel model(Path dir) {
        try {
            return RmtModel.load(dir, ScalarBackend.INSTANCE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The reads of one key's whole stream from the model's segment runs, independent of the operator's
     * pieces: decoder, each segment's logits from one forward over the whole segment (a full one as the
     * write run {@code [memory | segment | memory]}); encoder, the class logits of every prefix of the
     * segment; the memory chained through the write runs of the full segments that more tokens follow.
     */
    static float[] reference(RmtModel model, int[] stream) {
        RmtConfig c = model.config();
        int s = c.segmentSize();
        boolean decoder = c.layout() == RmtConfig.Layout.DECODER;
        int v = decoder ? c.vocabSize() : c.numLabels();
        float[] out = new float[stream.length * v];
        float[] mem = model.initialMemory();
        for (int s0 = 0; s0 < stream.length; s0 += s) {
            int n = Math.min(s, stream.length - s0);
            boolean full = n == s;
            if (decoder) {
                RmtModel.Segment seg = model.forward(mem, stream, s0, n, full, RmtModel.Logits.ALL, false);
                System.arraycopy(seg.logits(), 0, out, s0 * v, n * v);
            } else {
                for (int j = 0; j < n; j++) {
                    float[] l = model.forward(mem, stream, s0, j + 1, false, RmtModel.Logits.LAST, false).logits();
                    System.arraycopy(l, 0, out, (s0 + j) * v, v);
                }
            }
            if (full && s0 + n < stream.length) {
                mem = model.forward(mem, stream, s0, n, true, RmtModel.Logits.NONE, false).memory();
            }
        }
        return out;
    }

    /** Seeded streams, one per key ("rmt-0" ...), of lengths in [minLen, maxLen]. */
    static Map<String, int[]> streams(int keys, int minLen, int maxLen, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int k = 0; k < keys; k++) {
            int[] t = new int[r.nextInt(minLen, maxLen + 1)];
            for (int i = 0; i < t.length; i++) {
                t[i] = r.nextInt(vocab);
            }
            m.put("rmt-" + k, t);
        }
        return m;
    }

    /** The stream cut into records of 1..maxCut tokens (seeded). */
    static List<TokenRecord> cut(String key, int[] stream, int maxCut, SplittableRandom r) {
        List<TokenRecord> l = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            int n = Math.min(stream.length - at, r.nextInt(1, maxCut + 1));
            l.add(new TokenRecord(key, java.util.Arrays.copyOfRange(stream, at, at + n)));
            at += n;
        }
        return l;
    }

    /** Every key's stream cut randomly, the keys' records interleaved in a seeded random order. */
    static List<TokenRecord> interleave(Map<String, int[]> streams, int maxCut, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<TokenRecord>> per = new ArrayList<>();
        for (Map.Entry<String, int[]> e : streams.entrySet()) {
            per.add(cut(e.getKey(), e.getValue(), maxCut, r));
        }
        int[] next = new int[per.size()];
        List<TokenRecord> out = new ArrayList<>();
        int left = per.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int k = r.nextInt(per.size());
            if (next[k] < per.get(k).size()) {
                out.add(per.get(k).get(next[k]++));
                left--;
            }
        }
        return out;
    }

    /** A key's reads concatenated in stream order; the records must follow each other without gaps. */
    static Map<String, float[]> concat(List<MemoryReadout> outs) {
        Map<String, List<MemoryReadout>> by = OperatorTestSupport.byKey(outs);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, List<MemoryReadout>> e : by.entrySet()) {
            int total = e.getValue().stream().mapToInt(o -> o.outputs.length).sum();
            float[] all = new float[total];
            int at = 0;
            long pos = 0;
            for (MemoryReadout o : e.getValue()) {
                assertEquals(pos, o.startPosition, e.getKey() + ": records out of order or lost");
                assertEquals(1, o.heads);
                System.arraycopy(o.outputs, 0, all, at, o.outputs.length);
                at += o.outputs.length;
                pos += o.tokens;
            }
            m.put(e.getKey(), all);
        }
        return m;
    }

    /** One operator in a harness (per-record or batched), with the RMT state readable per key. */
    static final class Run {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final Batched batched;

        Run(Op op, Backend b, Configuration options, OperatorSubtaskState restore) throws Exception {
            if (op == Op.KEYED) {
                harness = OperatorTestSupport.open(b, options, restore, null).harness;
                batched = null;
            } else {
                java.time.Duration delay = options.getOptional(MemoryOperatorOptions.BATCH_MAX_DELAY).orElse(null);
                Configuration o = BatchedMemoryOperatorTest.options(Advancer.CPU, 3, options); // no latency trigger
                if (delay != null) {
                    o.set(MemoryOperatorOptions.BATCH_MAX_DELAY, delay); // unless the test sets one
                }
                batched = new Batched(b, o, restore);
                harness = batched.harness;
            }
        }

        void feed(List<TokenRecord> records) throws Exception {
            for (TokenRecord r : records) {
                harness.processElement(r, 0L);
            }
        }

        OperatorSubtaskState checkpoint(long id) throws Exception {
            return batched != null ? batched.checkpoint(id) : harness.snapshot(id, id);
        }

        /** Ends the input (the batched operator runs what it buffered) and returns every output so far. */
        List<MemoryReadout> finish() throws Exception {
            if (batched != null) {
                harness.endInput();
            }
            return harness.extractOutputValues();
        }

        RmtState state(String key) throws Exception {
            OperatorTestSupport.flushHotState(harness.getOperator());
            harness.getOperator().setCurrentKey(key);
            RmtState s = harness.getOperator().getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.rmtDescriptor()).value();
            return s == null ? null : s.copy();
        }

        Map<String, RmtState> states(Iterable<String> keys) throws Exception {
            Map<String, RmtState> m = new LinkedHashMap<>();
            for (String k : keys) {
                m.put(k, state(k));
            }
            return m;
        }

        List<DeadLetter> deadLetters() {
            var q = harness.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS);
            return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
        }
    }

    static Stream<Arguments> backendsOpsLayouts() {
        List<Arguments> l = new ArrayList<>();
        for (Backend b : Backend.values()) {
            for (Op op : Op.values()) {
                for (Layout layout : Layout.values()) {
                    l.add(Arguments.of(b, op, layout));
                }
            }
        }
        return l.stream();
    }

    static void assertBitwise(float[] expected, float[] got, String what) {
        assertEquals(expected.length, got.length, what + ": length");
        assertArrayEquals(bits(expected), bits(got), what);
    }

    /**
     * Keys interleaved record by record: every key's reads equal the reference of its stream alone
     * (isolation: nothing of one key reaches another). Then the same records with a checkpoint taken
     * in the middle of segments (one key exactly at a full, not yet run, segment) and restored into a
     * new operator: outputs and states equal the uninterrupted run bit for bit.
     */
    @ParameterizedTest
    @MethodSource("backendsOpsLayouts")
    void interleavedKeysReadTheirOwnStreamAndARestoreMidSegmentContinuesBitExact(Backend backend, Op op,
                                                                               Layout layout) throws Exception {
        RmtModel model = model(layout.dir());
        int seg = model.config().segmentSize();
        Map<String, int[]> streams = streams(6, 2 * seg + 1, 4 * seg + 7, model.config().vocabSize(), 11);
        List<TokenRecord> first = interleave(streams, 11, 12);
        // a key whose first half ends exactly at a full segment (buffered, not yet run)
        int[] edge = streams(1, 3 * seg, 3 * seg, model.config().vocabSize(), 13).values().iterator().next();
        streams.put("rmt-edge", edge);
        List<TokenRecord> records = new ArrayList<>(first);
        int half = records.size() / 2;
        records.add(half, new TokenRecord("rmt-edge", java.util.Arrays.copyOfRange(edge, 0, seg)));
        records.add(half + 1, new TokenRecord("rmt-edge", java.util.Arrays.copyOfRange(edge, seg, 3 * seg)));
        Configuration options = options(layout.dir());

        Run whole = new Run(op, backend, options, null);
        whole.feed(records);
        List<MemoryReadout> expected = whole.finish();
        Map<String, RmtState> expectedStates = whole.states(streams.keySet());
        whole.harness.close();
        Map<String, float[]> got = concat(expected);
        assertEquals(streams.keySet(), got.keySet());
        for (Map.Entry<String, int[]> e : streams.entrySet()) {
            assertBitwise(reference(model, e.getValue()), got.get(e.getKey()), e.getKey() + " vs its stream alone");
            assertEquals(e.getValue().length, expectedStates.get(e.getKey()).position());
        }

        Run a = new Run(op, backend, options, null);
        a.feed(records.subList(0, half + 1));
        OperatorSubtaskState snap = a.checkpoint(1);
        Map<String, RmtState> atSnapshot = a.states(streams.keySet());
        List<MemoryReadout> before = new ArrayList<>(a.harness.extractOutputValues());
        a.harness.close();
        assertEquals(seg, atSnapshot.get("rmt-edge").buffered(), "the edge key holds a full segment not yet run");
        assertEquals(0, atSnapshot.get("rmt-edge").segments());
        assertTrue(atSnapshot.values().stream().filter(s -> s != null)
                        .anyMatch(s -> s.buffered() > 0 && s.buffered() < seg && s.segments() > 0),
                "no key was in the middle of a later segment at the checkpoint: " + atSnapshot);

        Run b = new Run(op, backend, options, snap);
        assertEquals(atSnapshot, b.states(streams.keySet()), "restored states");
        b.feed(records.subList(half + 1, records.size()));
        List<MemoryReadout> after = b.finish();
        Map<String, RmtState> restoredStates = b.states(streams.keySet());
        b.harness.close();
        List<MemoryReadout> all = new ArrayList<>(before);
        all.addAll(after);
        BatchedMemoryOperatorTest.assertSameByKey(expected, all);
        assertEquals(expectedStates, restoredStates);
    }

    /**
     * One key's stream as one-token records, as random cuts (1..40 tokens, across segment ends) and as
     * records of a whole segment and more: the same reads and the same final state, bit for bit.
     */
    @ParameterizedTest
    @MethodSource("opsLayouts")
    void readsAndStateDoNotDependOnRecordCuts(Op op, Layout layout) throws Exception {
        RmtModel model = model(layout.dir());
        int seg = model.config().segmentSize();
        int[] stream = streams(1, 5 * seg + 3, 5 * seg + 3, model.config().vocabSize(), 21).get("rmt-0");
        List<List<TokenRecord>> cuts = List.of(cut("k", stream, 1, new SplittableRandom(1)),
                cut("k", stream, 40, new SplittableRandom(2)), cut("k", stream, 64, new SplittableRandom(3)),
                fixedCuts("k", stream, seg + 5));
        float[] ref = reference(model, stream);
        RmtState first = null;
        for (List<TokenRecord> records : cuts) {
            Run r = new Run(op, Backend.HASHMAP, options(layout.dir()), null);
            r.feed(records);
            float[] got = concat(r.finish()).get("k");
            RmtState s = r.state("k");
            r.harness.close();
            assertBitwise(ref, got, records.size() + " records");
            if (first == null) {
                first = s;
            }
            assertEquals(first, s, records.size() + " records: final state");
        }
        assertEquals(stream.length, first.position());
        assertEquals(5, first.segments());
    }

    static List<TokenRecord> fixedCuts(String key, int[] stream, int n) {
        List<TokenRecord> l = new ArrayList<>();
        for (int at = 0; at < stream.length; at += n) {
            l.add(new TokenRecord(key, java.util.Arrays.copyOfRange(stream, at, Math.min(stream.length, at + n))));
        }
        return l;
    }

    static Stream<Arguments> opsLayouts() {
        List<Arguments> l = new ArrayList<>();
        for (Op op : Op.values()) {
            for (Layout layout : Layout.values()) {
                l.add(Arguments.of(op, layout));
            }
        }
        return l.stream();
    }

    static Stream<Arguments> backendsLayouts() {
        List<Arguments> l = new ArrayList<>();
        for (Backend b : Backend.values()) {
            for (Layout layout : Layout.values()) {
                l.add(Arguments.of(b, layout));
            }
        }
        return l.stream();
    }

    /**
     * The batched operator (batches of 3 keys, several records of a key per batch; and with
     * keymem.batch.merge-records) emits exactly the per-record operator's readouts and stores the same
     * states, bit for bit; it ran fewer steps than records.
     */
    @ParameterizedTest
    @MethodSource("backendsLayouts")
    void batchedEqualsKeyedBitForBit(Backend backend, Layout layout) throws Exception {
        RmtModel model = model(layout.dir());
        int seg = model.config().segmentSize();
        Map<String, int[]> streams = streams(8, seg, 5 * seg, model.config().vocabSize(), 31);
        List<TokenRecord> records = interleave(streams, 23, 32);
        Configuration options = options(layout.dir());

        Run keyed = new Run(Op.KEYED, backend, options, null);
        keyed.feed(records);
        List<MemoryReadout> expected = keyed.finish();
        Map<String, RmtState> expectedStates = keyed.states(streams.keySet());
        keyed.harness.close();

        for (boolean merge : new boolean[] {false, true}) {
            Configuration o = options(layout.dir());
            o.set(MemoryOperatorOptions.BATCH_MERGE_RECORDS, merge);
            Run batched = new Run(Op.BATCHED, backend, o, null);
            batched.feed(records);
            List<MemoryReadout> got = batched.finish();
            Map<String, RmtState> states = batched.states(streams.keySet());
            long steps = batched.batched.counter("keymemBatchSteps");
            long maxKeys = batched.batched.histogram("keymemBatchKeys").getStatistics().getMax() > 0
                    ? (long) batched.batched.histogram("keymemBatchKeys").getStatistics().getMax() : 0;
            batched.harness.close();
            BatchedMemoryOperatorTest.assertSameByKey(expected, got);
            assertEquals(expectedStates, states, "merge-records=" + merge);
            assertEquals(3, maxKeys, "batches of 3 keys");
            assertTrue(steps < records.size(), steps + " steps for " + records.size() + " records");
        }
    }

    /**
     * The model's batched advance: keys at different offsets in their segments, tokens spanning up to
     * four segments, equal to advancing each key alone, reads and states bit for bit.
     */
    @ParameterizedTest
    @EnumSource(Layout.class)
    void advanceBatchEqualsAdvancingEachKeyAlone(Layout layout) {
        MemoryModel.Rmt m = (MemoryModel.Rmt) new ConfiguredModelFactory(options(layout.dir())).create();
        int seg = model(layout.dir()).config().segmentSize();
        SplittableRandom r = new SplittableRandom(41);
        int keys = 7;
        RmtState[] alone = new RmtState[keys];
        RmtState[] together = new RmtState[keys];
        for (int k = 0; k < keys; k++) {
            alone[k] = m.newState();
            together[k] = m.newState();
        }
        for (int round = 0; round < 4; round++) {
            int[][] ids = new int[keys][];
            float[][] a = new float[keys][];
            float[][] t = new float[keys][];
            for (int k = 0; k < keys; k++) {
                ids[k] = new int[k == 3 ? 0 : r.nextInt(1, 4 * seg)];
                for (int i = 0; i < ids[k].length; i++) {
                    ids[k][i] = r.nextInt(m.vocabSize());
                }
                a[k] = new float[ids[k].length * m.valueDim()];
                t[k] = new float[ids[k].length * m.valueDim()];
                m.advance(alone[k], ids[k], a[k]);
            }
            m.advanceBatch(together, ids, t);
            for (int k = 0; k < keys; k++) {
                assertBitwise(a[k], t[k], "key " + k + " round " + round);
                assertEquals(alone[k], together[k], "key " + k + " round " + round);
            }
        }
    }

    /**
     * The committed trained detect &amp; memorize model through the operators (RocksDB): 8 keys, streams
     * of 1,024 tokens (32 segments) with a fact somewhere in noise and the question at the end, cut into
     * random records and interleaved: the argmax of the last token's logits is the fact's place for every
     * key, and equals {@link Rmt#read} of the models' own stream API fed the same tokens in one piece.
     */
    @ParameterizedTest
    @EnumSource(Op.class)
    void theTrainedModelAnswersThroughTheOperator(Op op) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(TRAINED), "no trained artifact at " + TRAINED);
        RmtModel model = model(TRAINED);
        int noise = model.config().vocabSize() - FactTask.NOISE0;
        int length = 1024;
        Map<String, int[]> streams = new LinkedHashMap<>();
        Map<String, Integer> answers = new LinkedHashMap<>();
        for (int k = 0; k < 8; k++) {
            FactTask.Sample s = FactTask.sample(FactTask.Kind.DETECT_MEMORIZE, length, noise, new SplittableRandom(100 + k));
            int[] t = new int[length];
            s.tokens(0, t, length);
            streams.put("user-" + k, t);
            answers.put("user-" + k, s.answer);
        }
        List<TokenRecord> records = interleave(streams, 64, 7);
        Run run = new Run(op, Backend.ROCKSDB, options(TRAINED), null);
        run.feed(records);
        Map<String, float[]> reads = concat(run.finish());
        Map<String, RmtState> states = run.states(streams.keySet());
        run.harness.close();
        int v = model.config().vocabSize();
        Rmt rmt = new Rmt(model);
        int correct = 0;
        for (String k : streams.keySet()) {
            float[] last = java.util.Arrays.copyOfRange(reads.get(k), (length - 1) * v, length * v);
            RmtState direct = rmt.newState();
            rmt.advance(direct, streams.get(k), 0, length);
            assertBitwise(rmt.read(direct), last, k + ": the operator's last read vs Rmt.read");
            assertEquals(direct, states.get(k), k + ": state");
            if (argmax(last) == answers.get(k)) {
                correct++;
            }
            assertTrue(RmtKeyMemory.payloadBytes(states.get(k)) <= 28 + 4L * (model.config().memoryFloats() + 32),
                    "state bytes per key bounded by memory + one segment + counters, whatever the history");
        }
        assertEquals(8, correct, "keys answered with the fact's place");
    }

    static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Token ids outside the model's vocabulary are dead letters, in both operators; the key's memory stays. */
    @ParameterizedTest
    @EnumSource(Op.class)
    void tokensOutsideTheVocabularyAreDeadLetters(Op op) throws Exception {
        RmtModel model = model(Layout.DECODER.dir());
        int vocab = model.config().vocabSize();
        Run r = new Run(op, Backend.HASHMAP, options(Layout.DECODER.dir()), null);
        r.feed(List.of(new TokenRecord("k", new int[] {1, 2, 3}), new TokenRecord("k", new int[] {4, vocab}),
                new TokenRecord("k", new int[] {5})));
        List<MemoryReadout> outs = r.finish();
        List<DeadLetter> dead = r.deadLetters();
        RmtState s = r.state("k");
        r.harness.close();
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).reason.contains(String.valueOf(vocab)), dead.get(0).reason);
        assertEquals(2, outs.size());
        assertEquals(4, s.position());
        assertBitwise(reference(model, new int[] {1, 2, 3, 5}), concat(outs).get("k"), "reads without the bad record");
    }

    /**
     * keymem.state.ttl: a key idle longer than the TTL (one processing-time timer per key) is cleared
     * and starts afresh from the trained initial memory; a key written within the TTL keeps its memory.
     */
    @ParameterizedTest
    @EnumSource(Op.class)
    void aKeyIdleLongerThanTheTtlStartsAfresh(Op op) throws Exception {
        Configuration opts = options(Layout.DECODER.dir());
        opts.set(MemoryOperatorOptions.STATE_TTL, java.time.Duration.ofSeconds(10));
        opts.set(MemoryOperatorOptions.BATCH_MAX_DELAY, java.time.Duration.ZERO);
        Run r = new Run(op, Backend.ROCKSDB, opts, null);
        TokenRecord rec = new TokenRecord("k", new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
        r.harness.setProcessingTime(1_000);
        r.feed(List.of(rec));
        r.harness.setProcessingTime(5_000);
        r.feed(List.of(rec));
        r.harness.setProcessingTime(11_000); // the first timer finds a later write and re-arms
        assertEquals(34, r.state("k").position());
        r.harness.setProcessingTime(15_001);
        assertEquals(null, r.state("k"), "expired state not cleared");
        r.feed(List.of(rec));
        List<MemoryReadout> outs = r.finish();
        r.harness.close();
        assertEquals(List.of(0L, 17L, 0L), outs.stream().map(o -> o.startPosition).toList());
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    @Test
    void badOptionsFailWhenTheJobIsBuiltNamingTheOption() throws Exception {
        Configuration none = options(Layout.DECODER.dir());
        none.removeConfig(MemoryOperatorOptions.RMT_ARTIFACT);
        IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
                () -> KeyedMemoryFunction.fromOptions(none));
        assertTrue(e1.getMessage().contains("keymem.rmt.artifact"), e1.getMessage());

        Path empty = OperatorTestSupport.tempDir("kmrmt");
        Files.copy(Layout.DECODER.dir().resolve("config.json"), empty.resolve("config.json"));
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> BatchedMemoryOperator.fromOptions(options(empty)));
        assertTrue(e2.getMessage().contains("keymem.rmt.artifact") && e2.getMessage().contains("model.safetensors"),
                e2.getMessage());

        Files.writeString(empty.resolve("model.safetensors"), "x");
        Files.writeString(empty.resolve("config.json"), "{\"layout\":\"decoder\"}");
        IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class,
                () -> KeyedMemoryFunction.fromOptions(options(empty)));
        assertTrue(e3.getMessage().contains("keymem.rmt.artifact") && e3.getMessage().contains("rmt config"),
                e3.getMessage());

        Configuration badBackend = options(Layout.DECODER.dir());
        badBackend.set(MemoryOperatorOptions.RMT_BACKEND, "abacus");
        IllegalArgumentException e4 = assertThrows(IllegalArgumentException.class,
                () -> KeyedMemoryFunction.fromOptions(badBackend));
        assertTrue(e4.getMessage().contains("keymem.rmt.backend"), e4.getMessage());
    }

    /** A token outside the vocabulary fails the model's call before anything of the state changes. */
    @Test
    void aBadTokenFailsBeforeTheStateChanges() {
        MemoryModel.Rmt m = (MemoryModel.Rmt) new ConfiguredModelFactory(options(Layout.DECODER.dir())).create();
        RmtState s = m.newState();
        int[] ok = new int[15];
        m.advance(s, ok, new float[15 * m.valueDim()]);
        RmtState before = s.copy();
        int[] bad = new int[20];
        bad[19] = m.vocabSize();
        assertThrows(IllegalArgumentException.class, () -> m.advance(s, bad, new float[20 * m.valueDim()]));
        assertEquals(before, s);
        assertThrows(IllegalArgumentException.class, () -> m.advanceBatch(new RmtState[] {s},
                new int[][] {bad}, new float[][] {new float[20 * m.valueDim()]}));
        assertEquals(before, s);
    }

    /** The bytes the operators count per write are the serializer's framed bytes. */
    @Test
    void stateBytesAreTheSerializersBytes() throws Exception {
        MemoryModel.Rmt m = (MemoryModel.Rmt) new ConfiguredModelFactory(options(Layout.DECODER.dir())).create();
        RmtState s = m.newState();
        for (int n : new int[] {0, 5, 11, 16, 1}) {
            int[] ids = new int[n];
            m.advance(s, ids, new float[n * m.valueDim()]);
            DataOutputSerializer out = new DataOutputSerializer(256);
            new RmtStateSerializer().serialize(s, out);
            assertEquals(out.length(), StateFrame.OVERHEAD_BYTES + RmtKeyMemory.payloadBytes(s), s.toString());
        }
    }
}
