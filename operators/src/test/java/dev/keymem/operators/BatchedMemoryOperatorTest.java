package dev.keymem.operators;

import dev.keymem.operators.model.ConfiguredModelFactory;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.VOCAB;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import dev.keymem.operators.OperatorTestSupport.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched memory operator in Flink's operator test harness, on the heap and RocksDB backends,
 * with the CPU advancer and a resident (write-back on flush) stand-in for a device advancer.
 */
class BatchedMemoryOperatorTest {

    /** The CPU advancer; the resident stand-in through a provider; the same through a JDK Function factory. */
    enum Advancer { CPU, RESIDENT, RESIDENT_FUNCTION }

    static Stream<Arguments> combinations() {
        List<Arguments> l = new ArrayList<>();
        for (Backend b : Backend.values()) {
            for (Advancer a : Advancer.values()) {
                if (a != Advancer.RESIDENT_FUNCTION || b == Backend.HASHMAP) { // the factory path once is enough
                    l.add(Arguments.of(b, a));
                }
            }
        }
        return l.stream();
    }

    /** The small plain model; batches of at most {@code maxKeys} keys, no latency trigger. */
    static Configuration options(Advancer a, int maxKeys) {
        return options(a, maxKeys, OperatorTestSupport.options());
    }

    /** {@code base} with batches of at most {@code maxKeys} keys, no latency trigger, the advancer {@code a}. */
    static Configuration options(Advancer a, int maxKeys, Configuration base) {
        Configuration c = base;
        c.set(MemoryOperatorOptions.BATCH_MAX_KEYS, maxKeys);
        c.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1));
        if (a == Advancer.RESIDENT) {
            c.set(MemoryOperatorOptions.BATCH_ADVANCER, ResidentTestAdvancer.Provider.class.getName());
        } else if (a == Advancer.RESIDENT_FUNCTION) {
            c.set(MemoryOperatorOptions.BATCH_ADVANCER, ResidentTestAdvancer.Factory.class.getName());
        }
        return c;
    }

    static final class Batched {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();

        Batched(Backend b, Configuration options, OperatorSubtaskState restore) throws Exception {
            harness = new KeyedOneInputStreamOperatorTestHarness<>(BatchedMemoryOperator.fromOptions(options),
                    r -> r.key, Types.STRING,
                    new MockEnvironmentBuilder().setMaxParallelism(128).setMetricGroup(metrics).build());
            harness.setStateBackend(OperatorTestSupport.stateBackend(b));
            if (restore != null) {
                harness.initializeState(restore);
            }
            harness.open();
        }

        void feed(List<TokenRecord> records) throws Exception {
            for (TokenRecord r : records) {
                harness.processElement(r, 0L);
            }
        }

        /** Feeds the records, then ends the input. */
        void feedToEnd(List<TokenRecord> records) throws Exception {
            feed(records);
            harness.endInput();
        }

        /** As at a checkpoint: flush before the barrier, then snapshot. */
        OperatorSubtaskState checkpoint(long id) throws Exception {
            harness.prepareSnapshotPreBarrier(id);
            return harness.snapshot(id, id);
        }

        List<MemoryReadout> outputs() {
            return harness.extractOutputValues();
        }

        long counter(String name) {
            return ((Counter) group().get(name)).getCount();
        }

        Histogram histogram(String name) {
            return (Histogram) group().get(name);
        }

        InterceptingOperatorMetricGroup group() {
            return metrics.operator;
        }

        /** Everything stored for each key, as {@link OperatorTestSupport#states(OperatorTestSupport.Opened, Iterable)} gives it. */
        Map<String, Object> states(Iterable<String> keys) throws Exception {
            return OperatorTestSupport.states(harness, KeyedMemoryFunction.onlineDescriptor(Duration.ZERO), keys);
        }
    }

    /** The per-record operator's outputs (added to {@code outs}) and stored memories for the same records. */
    static Map<String, Object> perRecordStates(Backend b, Configuration options, List<TokenRecord> records,
                                               List<MemoryReadout> outs) throws Exception {
        OperatorTestSupport.Opened o = OperatorTestSupport.open(b, options);
        OperatorTestSupport.feed(o, records);
        outs.addAll(o.harness.extractOutputValues());
        Map<String, Object> m = OperatorTestSupport.states(o, keys(records));
        o.harness.close();
        return m;
    }

    static void assertSameByKey(List<MemoryReadout> expected, List<MemoryReadout> got) {
        Map<String, List<MemoryReadout>> e = byKey(expected);
        Map<String, List<MemoryReadout>> g = byKey(got);
        assertEquals(e.keySet(), g.keySet());
        for (String k : e.keySet()) {
            assertEquals(e.get(k).size(), g.get(k).size(), k);
            for (int i = 0; i < e.get(k).size(); i++) {
                assertReadoutBitwise(e.get(k).get(i), g.get(k).get(i));
            }
        }
    }

    static List<String> keys(List<TokenRecord> records) {
        return records.stream().map(r -> r.key).distinct().sorted().collect(Collectors.toList());
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void outputsAndStatesEqualThePerRecordOperator(Backend backend, Advancer advancer) throws Exception {
        List<TokenRecord> records = interleaved(6, 10, System.nanoTime());
        List<MemoryReadout> expected = new ArrayList<>();
        Map<String, Object> expectedStates = perRecordStates(backend, OperatorTestSupport.options(), records, expected);

        ResidentTestAdvancer.reset();
        Batched b = new Batched(backend, options(advancer, 4), null);
        b.feedToEnd(records);
        List<MemoryReadout> got = b.outputs();
        Map<String, Object> states = b.states(keys(records));
        long steps = b.counter("keymemBatchSteps");
        long sizeFlushes = b.counter("keymemFlushesSize");
        long endFlushes = b.counter("keymemFlushesEndOfInput");
        Histogram batchKeys = b.histogram("keymemBatchKeys");
        b.harness.close();

        assertSameByKey(expected, got);
        assertEquals(expectedStates, states);
        // the end of input flushes what is left, if the last record did not fill a batch
        assertTrue(sizeFlushes >= 1 && endFlushes <= 1, sizeFlushes + " size flushes, " + endFlushes + " at the end");
        assertEquals(sizeFlushes + endFlushes, batchKeys.getCount());
        assertEquals(4, batchKeys.getStatistics().getMax(), "a size-triggered batch holds max-keys keys");
        assertTrue(steps > batchKeys.getCount(), "no batch held two records of one key (no sub-steps)");
        assertEquals(records.size(), b.counter("keymemChunks"));
        assertEquals(records.stream().mapToLong(r -> r.tokenIds.length).sum(), b.counter("keymemTokens"));
        if (advancer != Advancer.CPU) {
            assertEquals(steps, ResidentTestAdvancer.BATCH_KEYS.size(), "one advancer call per sub-step");
            assertEquals(1, ResidentTestAdvancer.flushes.get(), "resident states flushed once, at the end of input");
            assertEquals(1, ResidentTestAdvancer.closes.get());
            assertEquals(1, b.counter("keymemStateSyncs"));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aResidentAdvancerIsFlushedEarlyWhenTooManyStatesAreHeld(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(9, 6, System.nanoTime());
        List<MemoryReadout> expected = new ArrayList<>();
        Map<String, Object> expectedStates = perRecordStates(backend, OperatorTestSupport.options(), records, expected);

        Configuration opts = options(Advancer.RESIDENT, 2);
        opts.set(MemoryOperatorOptions.BATCH_MAX_HELD_STATES, 4);
        ResidentTestAdvancer.reset();
        Batched b = new Batched(backend, opts, null);
        b.feed(records);
        long early = b.counter("keymemStateSyncs");
        b.harness.endInput();
        List<MemoryReadout> got = b.outputs();
        Map<String, Object> states = b.states(keys(records));
        b.harness.close();
        assertTrue(early >= 2, "only " + early + " early syncs with 9 keys and at most 4 states held");
        assertEquals(ResidentTestAdvancer.flushes.get(), b.counter("keymemStateSyncs"));
        assertSameByKey(expected, got);
        assertEquals(expectedStates, states);
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void checkpointWithRecordsBufferedThenRestoreEqualsAnUninterruptedRun(Backend backend, Advancer advancer)
            throws Exception {
        assertRestoreMidBatchEqualsAnUninterruptedRun(backend, options(advancer, 5), interleaved(7, 12, System.nanoTime()));
    }

    /**
     * Runs {@code records} uninterrupted, and again with a checkpoint taken while records are buffered
     * (past the middle), restored into a new harness that takes the rest: outputs and stored memories
     * must be equal. Returns what was stored at the checkpoint.
     */
    static Map<String, Object> assertRestoreMidBatchEqualsAnUninterruptedRun(Backend backend, Configuration opts,
                                                                            List<TokenRecord> records) throws Exception {
        List<String> keys = keys(records);
        Batched whole = new Batched(backend, opts, null);
        whole.feedToEnd(records);
        List<MemoryReadout> expected = whole.outputs();
        Map<String, Object> expectedStates = whole.states(keys);
        whole.harness.close();

        Batched first = new Batched(backend, opts, null);
        int cut = 0;
        while (cut < records.size() / 2 || first.outputs().size() == cut) { // stop past the middle, mid-batch
            first.feed(records.subList(cut, cut + 1));
            cut++;
        }
        assertTrue(cut < records.size() && first.outputs().size() < cut, "nothing was buffered at the checkpoint");
        OperatorSubtaskState snapshot = first.checkpoint(1L);
        List<MemoryReadout> got = new ArrayList<>(first.outputs());
        assertEquals(cut, got.size(), "the barrier did not flush the buffer");
        assertEquals(1, first.counter("keymemFlushesCheckpoint"));
        Map<String, Object> atCut = first.states(keys);
        first.harness.close();

        Batched second = new Batched(backend, opts, snapshot);
        second.feed(records.subList(cut, records.size()));
        second.harness.endInput();
        got.addAll(second.outputs());
        Map<String, Object> gotStates = second.states(keys);
        second.harness.close();

        assertSameByKey(expected, got);
        assertEquals(expectedStates, gotStates);
        return atCut;
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void aKeyReadsTheSameInterleavedAsAlone(Backend backend, Advancer advancer) throws Exception {
        Configuration opts = options(advancer, 3);
        List<TokenRecord> records = interleaved(6, 8, System.nanoTime());
        Batched all = new Batched(backend, opts, null);
        all.feedToEnd(records);
        Map<String, List<MemoryReadout>> together = byKey(all.outputs());
        all.harness.close();
        assertEquals(6, together.size());
        for (Map.Entry<String, List<MemoryReadout>> e : together.entrySet()) {
            Batched alone = new Batched(backend, opts, null);
            alone.feed(records.stream().filter(r -> r.key.equals(e.getKey())).collect(Collectors.toList()));
            alone.harness.endInput();
            List<MemoryReadout> solo = alone.outputs();
            alone.harness.close();
            assertEquals(solo.size(), e.getValue().size());
            for (int i = 0; i < solo.size(); i++) {
                assertReadoutBitwise(solo.get(i), e.getValue().get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readsDoNotDependOnHowRecordsAreCut(Backend backend) throws Exception {
        SplittableRandom rnd = new SplittableRandom(System.nanoTime());
        int keys = 4;
        int[][] streams = new int[keys][];
        for (int k = 0; k < keys; k++) {
            streams[k] = rnd.ints(40 + rnd.nextInt(30), 0, VOCAB).toArray();
        }
        Map<String, List<MemoryReadout>> a = byKey(run(backend, options(Advancer.CPU, 3), cut(streams, rnd)));
        Map<String, List<MemoryReadout>> b = byKey(run(backend, options(Advancer.CPU, 3), cut(streams, rnd)));
        assertEquals(keys, a.size());
        for (String k : a.keySet()) {
            assertClose(k, concat(a.get(k)), concat(b.get(k)));
        }
    }

    /** The batched operator's outputs for {@code records} (then the end of input). */
    static List<MemoryReadout> run(Backend backend, Configuration opts, List<TokenRecord> records) throws Exception {
        Batched b = new Batched(backend, opts, null);
        b.feedToEnd(records);
        List<MemoryReadout> outs = b.outputs();
        b.harness.close();
        return outs;
    }

    /** A key's reads, record after record, checking the positions run on. */
    static float[] concat(List<MemoryReadout> outs) {
        float[] all = new float[outs.stream().mapToInt(r -> r.outputs.length).sum()];
        int p = 0;
        long position = 0;
        for (MemoryReadout r : outs) {
            assertEquals(position, r.startPosition, r.key);
            position += r.tokens;
            System.arraycopy(r.outputs, 0, all, p, r.outputs.length);
            p += r.outputs.length;
        }
        return all;
    }

    /** max abs error / max abs value <= 1e-4, on values that are not all zero. */
    static void assertClose(String what, float[] x, float[] y) {
        assertEquals(x.length, y.length, what);
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < x.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(x[i]));
            maxErr = Math.max(maxErr, Math.abs(x[i] - y[i]));
        }
        assertTrue(maxAbs > 0, what + ": all zero");
        assertTrue(maxErr / maxAbs <= 1e-4, what + ": rel err " + maxErr / maxAbs);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void mergedRecordsRunOneStepPerBatchAndReadTheSameUpToRounding(Backend backend) throws Exception {
        List<Map<String, Object>> states = assertMergedRecordsReadTheSameUpToRounding(backend, options(Advancer.CPU, 3));
        for (String k : states.get(0).keySet()) {
            CellState xs = (CellState) ((List<?>) states.get(0).get(k)).get(0);
            CellState ys = (CellState) ((List<?>) states.get(1).get(k)).get(0);
            assertEquals(xs.position(), ys.position(), k);
            assertClose(k + " state", xs.data(), ys.data());
        }
    }

    /**
     * One hot key and a few cold ones through the per-record operator and the batched one with
     * merged records ({@code opts} plus merging and a token trigger): one step per batch, reads equal
     * up to rounding. Returns the stored memories: per-record, batched.
     */
    static List<Map<String, Object>> assertMergedRecordsReadTheSameUpToRounding(Backend backend, Configuration opts)
            throws Exception {
        SplittableRandom rnd = new SplittableRandom(System.nanoTime());
        List<TokenRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) { // one hot key and a few cold ones
            String key = rnd.nextInt(4) == 0 ? "cold-" + rnd.nextInt(3) : "hot";
            records.add(new TokenRecord(key, rnd.ints(1 + rnd.nextInt(11), 0, VOCAB).toArray()));
        }
        opts.set(MemoryOperatorOptions.BATCH_MERGE_RECORDS, true);
        opts.set(MemoryOperatorOptions.BATCH_MAX_TOKENS, 120);
        List<MemoryReadout> expected = new ArrayList<>();
        Map<String, Object> expectedStates = perRecordStates(backend, opts, records, expected);

        Batched b = new Batched(backend, opts, null);
        b.feedToEnd(records);
        List<MemoryReadout> got = b.outputs();
        Map<String, Object> states = b.states(keys(records));
        long steps = b.counter("keymemBatchSteps");
        long batches = b.histogram("keymemBatchKeys").getCount();
        b.harness.close();

        assertEquals(batches, steps, "merged records: one step per batch");
        assertTrue(records.size() > 2 * batches, "batches held too few records to merge any");
        Map<String, List<MemoryReadout>> e = byKey(expected);
        Map<String, List<MemoryReadout>> g = byKey(got);
        assertEquals(e.keySet(), g.keySet());
        for (String k : e.keySet()) {
            assertEquals(e.get(k).size(), g.get(k).size(), k);
            for (int i = 0; i < e.get(k).size(); i++) {
                assertEquals(e.get(k).get(i).startPosition, g.get(k).get(i).startPosition, k);
                assertEquals(e.get(k).get(i).tokens, g.get(k).get(i).tokens, k);
            }
            assertClose(k, concat(e.get(k)), concat(g.get(k)));
        }
        return List.of(expectedStates, states);
    }

    /** Each key's stream cut into records of 1..15 tokens, keys interleaved at random. */
    static List<TokenRecord> cut(int[][] streams, SplittableRandom rnd) {
        int[] at = new int[streams.length];
        List<TokenRecord> out = new ArrayList<>();
        int left = streams.length;
        while (left > 0) {
            int k = rnd.nextInt(streams.length);
            if (at[k] == streams[k].length) {
                continue;
            }
            int n = Math.min(1 + rnd.nextInt(15), streams[k].length - at[k]);
            out.add(new TokenRecord("key-" + k, java.util.Arrays.copyOfRange(streams[k], at[k], at[k] + n)));
            at[k] += n;
            if (at[k] == streams[k].length) {
                left--;
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theLatencyTriggerFiresAfterMaxDelay(Backend backend) throws Exception {
        Configuration opts = options(Advancer.CPU, 100);
        opts.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofMillis(100));
        Batched b = new Batched(backend, opts, null);
        List<TokenRecord> records = interleaved(3, 2, 5);
        b.harness.setProcessingTime(1_000);
        b.feed(records.subList(0, 4));
        b.harness.setProcessingTime(1_050);
        b.feed(records.subList(4, 6));
        b.harness.setProcessingTime(1_099);
        assertEquals(0, b.outputs().size(), "advanced before the delay passed");
        b.harness.setProcessingTime(1_100);
        assertEquals(6, b.outputs().size(), "the latency trigger did not flush the buffer");
        assertEquals(1, b.counter("keymemFlushesDelay"));
        assertEquals(records.stream().mapToInt(r -> r.tokenIds.length).sum(),
                b.histogram("keymemBatchTokens").getStatistics().getMax(), "tokens of the delayed batch");
        // the next record arms a fresh timer
        b.feed(records.subList(0, 1));
        b.harness.setProcessingTime(1_199);
        assertEquals(6, b.outputs().size());
        b.harness.setProcessingTime(1_200);
        assertEquals(7, b.outputs().size());
        assertEquals(2, b.counter("keymemFlushesDelay"));
        assertEquals(0, b.counter("keymemFlushesSize"));
        b.harness.close();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void withoutDelayEveryRecordIsAdvancedAtOnceAndExpiredMemoriesStartAfresh(Backend backend) throws Exception {
        Configuration opts = options(Advancer.CPU, 100);
        opts.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ZERO);
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofSeconds(10));
        Batched b = new Batched(backend, opts, null);
        TokenRecord r = new TokenRecord("k", new int[] {1, 2, 3});
        b.harness.setStateTtlProcessingTime(1_000);
        b.harness.processElement(r, 0L);
        assertEquals(1, b.outputs().size(), "max-delay 0 must advance the record at once");
        b.harness.setStateTtlProcessingTime(5_000);
        b.harness.processElement(r, 0L);
        b.harness.setStateTtlProcessingTime(5_000 + 10_001);
        b.harness.processElement(r, 0L);
        List<MemoryReadout> outs = b.outputs();
        assertEquals(3, b.counter("keymemFlushesDelay"));
        b.harness.close();
        assertEquals(0, outs.get(0).startPosition);
        assertEquals(3, outs.get(1).startPosition);
        assertEquals(0, outs.get(2).startPosition, "memory should have expired");
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    @Test
    void aWatermarkIsForwardedOnlyAfterTheBufferedRecordsOutputs() throws Exception {
        Batched b = new Batched(Backend.HASHMAP, options(Advancer.CPU, 100), null);
        b.harness.processElement(new TokenRecord("a", new int[] {1, 2}), 10L);
        b.harness.processElement(new TokenRecord("b", new int[] {3}), 11L);
        b.harness.processWatermark(new Watermark(11L));
        List<Object> out = new ArrayList<>(b.harness.getOutput());
        b.harness.close();
        assertEquals(3, out.size(), out.toString());
        assertEquals(10L, ((StreamRecord<?>) out.get(0)).getTimestamp(), "outputs keep their record's timestamp");
        assertEquals(11L, ((StreamRecord<?>) out.get(1)).getTimestamp());
        assertEquals(new Watermark(11L), out.get(2));
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void badRecordsGoToTheSameDeadLettersAsThePerRecordOperator(Backend backend, Advancer advancer)
            throws Exception {
        assertDeadLettersAsThePerRecordOperator(backend, OperatorTestSupport.options(), options(advancer, 2));
    }

    /** Good records of two keys with bad ones among them: the same reads and dead letters (reasons, positions). */
    static void assertDeadLettersAsThePerRecordOperator(Backend backend, Configuration perRecordOptions,
                                                        Configuration batchedOptions) throws Exception {
        List<TokenRecord> good = interleaved(2, 6, 99);
        List<TokenRecord> bad = OperatorTestSupport.badRecords();
        List<TokenRecord> mixed = OperatorTestSupport.mixIn(good, bad);
        OperatorTestSupport.Opened perRecord = OperatorTestSupport.open(backend, perRecordOptions);
        OperatorTestSupport.feed(perRecord, mixed);
        List<MemoryReadout> expected = perRecord.harness.extractOutputValues();
        List<DeadLetter> expectedDead = deadLetters(perRecord.harness);
        perRecord.harness.close();

        Batched b = new Batched(backend, batchedOptions, null);
        b.feedToEnd(mixed);
        List<MemoryReadout> got = b.outputs();
        List<DeadLetter> dead = deadLetters(b.harness);
        assertEquals(bad.size(), b.counter("keymemDeadLetters"));
        assertEquals(good.size(), b.counter("keymemChunks"));
        b.harness.close();

        assertSameByKey(expected, got);
        assertEquals(bad.size(), expectedDead.size());
        assertEquals(expectedDead, dead, "dead letters (reasons and positions) differ from the per-record operator's");
        assertTrue(dead.stream().anyMatch(d -> d.position > 0), "no dead letter came after a key's first tokens");
    }

    private static List<DeadLetter> deadLetters(KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, ?> h) {
        var q = h.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void bmojoRetentionAndUnknownAdvancersAreRefusedWithAClearError() {
        for (MemoryOperatorOptions.MemoryType type : List.of(MemoryOperatorOptions.MemoryType.BMOJO,
                MemoryOperatorOptions.MemoryType.RETENTION)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () ->
                    BatchedMemoryOperator.fromOptions(OperatorTestSupport.options(type)));
            assertTrue(refused.getMessage().contains("PLAIN, CACHING and RMT memories only: keymem.memory.type=" + type
                    + " is not supported"), refused.getMessage());
        }

        Configuration opts = OperatorTestSupport.options();
        opts.set(MemoryOperatorOptions.BATCH_ADVANCER, "dev.keymem.NoSuchProvider");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(opts).createBatched());
        assertTrue(unknown.getMessage().contains("keymem.batch.advancer: class 'dev.keymem.NoSuchProvider' not found"),
                unknown.getMessage());

        opts.set(MemoryOperatorOptions.BATCH_ADVANCER, String.class.getName());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(opts).createBatched());
        assertTrue(wrong.getMessage().contains("does not implement dev.keymem.operators.model.BatchAdvancerProvider nor "
                        + "java.util.function.Function"),
                wrong.getMessage());

        Configuration zero = OperatorTestSupport.options();
        zero.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 0);
        IllegalArgumentException keys = assertThrows(IllegalArgumentException.class,
                () -> BatchedMemoryOperator.fromOptions(zero));
        assertTrue(keys.getMessage().contains("keymem.batch.max-keys must be positive: 0"), keys.getMessage());
    }
}
