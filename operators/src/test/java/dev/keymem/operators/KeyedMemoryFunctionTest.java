package dev.keymem.operators;

import static dev.keymem.operators.OperatorTestSupport.VOCAB;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.feed;
import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static dev.keymem.operators.OperatorTestSupport.open;
import static dev.keymem.operators.OperatorTestSupport.options;
import static dev.keymem.operators.OperatorTestSupport.states;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellState;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The keyed memory operator in Flink's operator test harness, on the heap and RocksDB backends. */
class KeyedMemoryFunctionTest {

    @ParameterizedTest
    @EnumSource(Backend.class)
    void snapshotMidStreamThenRestoreEqualsAnUninterruptedRun(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(5, 12, System.nanoTime());
        List<String> keys = records.stream().map(r -> r.key).distinct().sorted().collect(Collectors.toList());

        Opened whole = open(backend);
        feed(whole, records);
        List<MemoryReadout> expected = whole.harness.extractOutputValues();
        Map<String, CellState> expectedStates = states(whole, keys);
        whole.harness.close();

        int cut = records.size() / 2 + 3;
        Opened first = open(backend);
        feed(first, records.subList(0, cut));
        List<MemoryReadout> got = new ArrayList<>(first.harness.extractOutputValues());
        OperatorSubtaskState snapshot = first.harness.snapshot(1L, 1L);
        first.harness.close();

        Opened second = open(backend, options(), snapshot, null);
        feed(second, records.subList(cut, records.size()));
        got.addAll(second.harness.extractOutputValues());
        Map<String, CellState> gotStates = states(second, keys);
        second.harness.close();

        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertReadoutBitwise(expected.get(i), got.get(i));
        }
        for (String k : keys) {
            CellState e = expectedStates.get(k);
            CellState g = gotStates.get(k);
            assertNotNull(g, "no state restored for " + k);
            assertEquals(e.position(), g.position(), k);
            assertArrayEquals(bits(e.data()), bits(g.data()), "state of " + k);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aKeyReadsTheSameInterleavedAsAlone(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(6, 10, System.nanoTime());
        Opened all = open(backend);
        feed(all, records);
        Map<String, List<MemoryReadout>> together = byKey(all.harness.extractOutputValues());
        all.harness.close();
        assertEquals(6, together.size());
        for (Map.Entry<String, List<MemoryReadout>> e : together.entrySet()) {
            Opened alone = open(backend);
            feed(alone, records.stream().filter(r -> r.key.equals(e.getKey())).collect(Collectors.toList()));
            List<MemoryReadout> solo = alone.harness.extractOutputValues();
            alone.harness.close();
            assertEquals(solo.size(), e.getValue().size());
            for (int i = 0; i < solo.size(); i++) {
                assertReadoutBitwise(solo.get(i), e.getValue().get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void outputsMatchTheModelAndDoNotDependOnHowTheStreamIsCut(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(1, 8, System.nanoTime());
        Opened o = open(backend);
        feed(o, records);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();

        int total = records.stream().mapToInt(r -> r.tokenIds.length).sum();
        int[] all = new int[total];
        int p = 0;
        for (TokenRecord r : records) {
            System.arraycopy(r.tokenIds, 0, all, p, r.tokenIds.length);
            p += r.tokenIds.length;
        }
        MemoryModel model = new ConfiguredModelFactory(options()).create();
        CellState s = model.newState();
        float[] direct = new float[total * model.heads() * model.valueDim()];
        model.advance(s, all, direct);

        long position = 0;
        int hv = model.heads() * model.valueDim();
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < outs.size(); i++) {
            MemoryReadout r = outs.get(i);
            assertEquals(position, r.startPosition);
            assertEquals(records.get(i).tokenIds.length, r.tokens);
            assertEquals(r.tokens * hv, r.outputs.length);
            for (int j = 0; j < r.outputs.length; j++) {
                double d = direct[(int) position * hv + j];
                maxAbs = Math.max(maxAbs, Math.abs(d));
                maxErr = Math.max(maxErr, Math.abs(d - r.outputs[j]));
            }
            position += r.tokens;
        }
        assertEquals(total, position);
        assertTrue(maxAbs > 0, "outputs are all zero");
        assertTrue(maxErr / maxAbs <= 1e-5, "record cut changed outputs: rel err " + maxErr / maxAbs);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void badRecordsGoToDeadLettersWithoutTouchingTheMemory(Backend backend) throws Exception {
        List<TokenRecord> good = interleaved(2, 6, 99);
        Opened clean = open(backend);
        feed(clean, good);
        List<MemoryReadout> expected = clean.harness.extractOutputValues();
        clean.harness.close();

        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        Opened o = open(backend, options(), null, metrics);
        List<TokenRecord> bad = List.of(
                new TokenRecord("key-0", new int[0]),
                new TokenRecord("key-1", null),
                new TokenRecord("key-0", new int[65]),
                new TokenRecord("key-1", new int[] {1, 2, VOCAB}),
                new TokenRecord("key-0", new int[] {-3}));
        List<TokenRecord> mixed = new ArrayList<>(good);
        for (int i = 0; i < bad.size(); i++) {
            mixed.add(2 + 2 * i, bad.get(i));
        }
        feed(o, mixed);
        List<MemoryReadout> got = o.harness.extractOutputValues();
        List<DeadLetter> dead = o.harness.getSideOutput(KeyedMemoryFunction.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue).collect(Collectors.toList());
        o.harness.close();

        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertReadoutBitwise(expected.get(i), got.get(i));
        }
        assertEquals(bad.size(), dead.size());
        assertTrue(dead.get(0).reason.contains("empty"), dead.get(0).toString());
        assertEquals(0, dead.get(0).tokens);
        assertTrue(dead.get(1).reason.contains("no token ids"), dead.get(1).toString());
        assertEquals(-1, dead.get(1).tokens);
        assertTrue(dead.get(2).reason.contains("65 tokens exceed keymem.record.max-tokens=64"), dead.get(2).reason);
        assertTrue(dead.get(3).reason.contains("token id " + VOCAB + " at index 2"), dead.get(3).reason);
        assertTrue(dead.get(4).reason.contains("token id -3 at index 0"), dead.get(4).reason);
        for (int i = 0; i < bad.size(); i++) {
            DeadLetter d = dead.get(i);
            assertEquals(bad.get(i).key, d.key);
            long expectedPosition = 0;
            int before = 2 + 2 * i;
            for (TokenRecord r : mixed.subList(0, before)) {
                if (r.key.equals(d.key) && !bad.contains(r)) {
                    expectedPosition += r.tokenIds.length;
                }
            }
            assertEquals(expectedPosition, d.position, d.toString());
            assertTrue(d.toString().contains("key '" + d.key + "' at position " + d.position), d.toString());
        }

        InterceptingOperatorMetricGroup g = metrics.operator;
        assertEquals(bad.size(), ((Counter) g.get("keymemDeadLetters")).getCount());
        long tokens = good.stream().mapToInt(r -> r.tokenIds.length).sum();
        assertEquals(tokens, ((Counter) g.get("keymemTokens")).getCount());
        assertEquals(good.size(), ((Counter) g.get("keymemChunks")).getCount());
        assertTrue(((Counter) g.get("keymemStateBytesWritten")).getCount() > good.size() * 4L * 2 * 6 * 5);
        assertEquals(good.size(), ((Histogram) g.get("keymemCachedStatesPerKey")).getCount());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredMemoryStartsAfresh(Backend backend) throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.STATE_TTL, java.time.Duration.ofSeconds(10));
        Opened o = open(backend, opts, null, null);
        TokenRecord r = new TokenRecord("k", new int[] {1, 2, 3});
        o.harness.setStateTtlProcessingTime(1_000);
        o.harness.processElement(r, 0L);
        o.harness.setStateTtlProcessingTime(5_000);
        o.harness.processElement(r, 0L);
        o.harness.setStateTtlProcessingTime(5_000 + 10_001);
        o.harness.processElement(r, 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();
        assertEquals(0, outs.get(0).startPosition);
        assertEquals(3, outs.get(1).startPosition);
        assertEquals(0, outs.get(2).startPosition, "memory should have expired");
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    static void assertReadoutBitwise(MemoryReadout e, MemoryReadout g) {
        assertEquals(e.key, g.key);
        assertEquals(e.startPosition, g.startPosition, e.key);
        assertEquals(e.tokens, g.tokens, e.key);
        assertEquals(e.heads, g.heads);
        assertEquals(e.valueDim, g.valueDim);
        assertArrayEquals(bits(e.outputs), bits(g.outputs), () -> e.key + " at " + e.startPosition);
    }

    static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }
}
