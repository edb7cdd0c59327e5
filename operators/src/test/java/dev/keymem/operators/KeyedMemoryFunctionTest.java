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
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The keyed memory operator in Flink's operator test harness, on the heap and RocksDB backends. */
class KeyedMemoryFunctionTest {

    @ParameterizedTest
    @MethodSource("dev.keymem.operators.OperatorTestSupport#combinations")
    void snapshotMidStreamThenRestoreEqualsAnUninterruptedRun(Backend backend, MemoryType type) throws Exception {
        Configuration opts = options(type);
        List<TokenRecord> records = interleaved(5, 12, System.nanoTime());
        List<String> keys = records.stream().map(r -> r.key).distinct().sorted().collect(Collectors.toList());

        Opened whole = open(backend, opts);
        feed(whole, records);
        List<MemoryReadout> expected = whole.harness.extractOutputValues();
        Map<String, Object> expectedStates = states(whole, keys);
        whole.harness.close();

        int cut = records.size() / 2 + 3;
        Opened first = open(backend, opts);
        feed(first, records.subList(0, cut));
        List<MemoryReadout> got = new ArrayList<>(first.harness.extractOutputValues());
        Map<String, Object> atCut = states(first, keys);
        OperatorSubtaskState snapshot = first.harness.snapshot(1L, 1L);
        first.harness.close();
        if (type == MemoryType.CACHING) {
            assertTrue(atCut.values().stream().anyMatch(v -> !((Map<?, ?>) ((List<?>) v).get(2)).isEmpty()),
                    "no cached checkpoint existed at the snapshot");
            assertTrue(got.stream().collect(Collectors.toMap(r -> r.key, r -> r.startPosition + r.tokens, Math::max))
                    .values().stream().anyMatch(p -> p % 5 != 0), "every key was at a segment boundary");
        }

        Opened second = open(backend, opts, snapshot, null);
        feed(second, records.subList(cut, records.size()));
        got.addAll(second.harness.extractOutputValues());
        Map<String, Object> gotStates = states(second, keys);
        second.harness.close();

        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertReadoutBitwise(expected.get(i), got.get(i));
        }
        assertEquals(expectedStates, gotStates);
    }

    @ParameterizedTest
    @MethodSource("dev.keymem.operators.OperatorTestSupport#combinations")
    void aKeyReadsTheSameInterleavedAsAlone(Backend backend, MemoryType type) throws Exception {
        Configuration opts = options(type);
        List<TokenRecord> records = interleaved(6, 10, System.nanoTime());
        Opened all = open(backend, opts);
        feed(all, records);
        Map<String, List<MemoryReadout>> together = byKey(all.harness.extractOutputValues());
        all.harness.close();
        assertEquals(6, together.size());
        for (Map.Entry<String, List<MemoryReadout>> e : together.entrySet()) {
            Opened alone = open(backend, opts);
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
    @MethodSource("dev.keymem.operators.OperatorTestSupport#combinations")
    void outputsEqualTheModelRunDirectlyAndDoNotDependOnRecordCuts(Backend backend, MemoryType type)
            throws Exception {
        Configuration opts = options(type);
        List<TokenRecord> records = interleaved(3, 8, System.nanoTime());
        Opened o = open(backend, opts);
        feed(o, records);
        Map<String, List<MemoryReadout>> outs = byKey(o.harness.extractOutputValues());
        Map<String, Object> stored = states(o, outs.keySet());
        o.harness.close();
        assertEquals(OperatorTestSupport.directStates(opts, records), stored,
                "what the operator stored differs from the direct run's memory");

        for (Map.Entry<String, List<MemoryReadout>> e : outs.entrySet()) {
            List<TokenRecord> mine = records.stream().filter(r -> r.key.equals(e.getKey())).collect(Collectors.toList());
            List<MemoryReadout> direct = OperatorTestSupport.direct(opts, mine);
            assertEquals(direct.size(), e.getValue().size());
            for (int i = 0; i < direct.size(); i++) {
                assertReadoutBitwise(direct.get(i), e.getValue().get(i));
            }
            // the whole stream as one record: the same reads up to float rounding
            int total = mine.stream().mapToInt(r -> r.tokenIds.length).sum();
            int[] all = new int[total];
            int p = 0;
            for (TokenRecord r : mine) {
                System.arraycopy(r.tokenIds, 0, all, p, r.tokenIds.length);
                p += r.tokenIds.length;
            }
            float[] once = OperatorTestSupport.direct(opts, List.of(new TokenRecord(e.getKey(), all))).get(0).outputs;
            double maxAbs = 0;
            double maxErr = 0;
            int q = 0;
            long position = 0;
            for (MemoryReadout r : e.getValue()) {
                assertEquals(position, r.startPosition);
                position += r.tokens;
                for (float v : r.outputs) {
                    maxAbs = Math.max(maxAbs, Math.abs(once[q]));
                    maxErr = Math.max(maxErr, Math.abs(once[q] - v));
                    q++;
                }
            }
            assertEquals(total, q / (r0(e.getValue()).heads * r0(e.getValue()).valueDim));
            assertTrue(maxAbs > 0, "outputs are all zero");
            assertTrue(maxErr / maxAbs <= 1e-4, "record cuts changed the reads of " + e.getKey() + ": rel err "
                    + maxErr / maxAbs);
        }
    }

    private static MemoryReadout r0(List<MemoryReadout> l) {
        return l.get(0);
    }

    @ParameterizedTest
    @MethodSource("dev.keymem.operators.OperatorTestSupport#combinations")
    void badRecordsGoToDeadLettersWithoutTouchingTheMemory(Backend backend, MemoryType type) throws Exception {
        Configuration opts = options(type);
        List<TokenRecord> good = interleaved(2, 6, 99);
        Opened clean = open(backend, opts);
        feed(clean, good);
        List<MemoryReadout> expected = clean.harness.extractOutputValues();
        clean.harness.close();

        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        Opened o = open(backend, opts, null, metrics);
        List<TokenRecord> bad = OperatorTestSupport.badRecords();
        List<TokenRecord> mixed = OperatorTestSupport.mixIn(good, bad);
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
        Histogram cached = (Histogram) g.get("keymemCachedStatesPerKey");
        Histogram reads = (Histogram) g.get("keymemCacheReadsPerChunk");
        assertEquals(good.size(), cached.getCount());
        assertEquals(good.size(), reads.getCount());
        if (type == MemoryType.CACHING) {
            assertTrue(cached.getStatistics().getMax() >= 1, "no key ever held a cached checkpoint");
            assertTrue(cached.getStatistics().getMax() <= 4, "cap of 4 caches exceeded");
            assertTrue(reads.getStatistics().getMax() >= 1, "no record read a cached checkpoint");
        } else {
            assertEquals(0, cached.getStatistics().getMax());
            assertEquals(0, reads.getStatistics().getMax());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredPlainMemoryStartsAfresh(Backend backend) throws Exception {
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

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredCachingMemoryIsClearedWithAllItsCheckpoints(Backend backend) throws Exception {
        Configuration opts = options(MemoryType.CACHING);
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofSeconds(10));
        Opened o = open(backend, opts);
        TokenRecord r = new TokenRecord("k", new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        o.harness.setProcessingTime(1_000);
        o.harness.processElement(r, 0L);
        o.harness.setProcessingTime(5_000);
        o.harness.processElement(r, 0L);
        o.harness.setProcessingTime(11_000); // the first timer fires, finds a later write and re-arms
        List<?> alive = (List<?>) states(o, List.of("k")).get("k");
        assertEquals(4, ((Map<?, ?>) alive.get(2)).size(), "24 tokens in 5-token segments: 4 caches (cap 4)");
        o.harness.setProcessingTime(15_000);
        List<?> gone = (List<?>) states(o, List.of("k")).get("k");
        assertEquals("none", gone.get(1), "caching state not cleared");
        assertTrue(((Map<?, ?>) gone.get(2)).isEmpty(), "cached checkpoints not cleared");
        o.harness.processElement(r, 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();
        assertEquals(0, outs.get(0).startPosition);
        assertEquals(12, outs.get(1).startPosition);
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
