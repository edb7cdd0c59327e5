package dev.keymem.operators;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.feed;
import static dev.keymem.operators.OperatorTestSupport.open;
import static dev.keymem.operators.OperatorTestSupport.states;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Harness runs and checks shared by the tests of the memory types that emit events and keep a MapState
 * archive (BMOJO, RETENTION): snapshot / restore against an uninterrupted run, the direct run and
 * key isolation, record cuts, metrics, TTL and bad options. Each test adds its type's own assertions.
 */
final class EventMemoryRuns {

    private EventMemoryRuns() {
    }

    /** The memory events the harness emitted on the side output, in order (empty when none). */
    static List<MemoryEvent> events(Opened o) {
        var q = o.harness.getSideOutput(KeyedMemoryFunction.MEMORY_EVENTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    /** The events of one key, in order. */
    static List<MemoryEvent> ofKey(List<MemoryEvent> events, String key) {
        return events.stream().filter(e -> e.key.equals(key)).collect(Collectors.toList());
    }

    /** Each key's stream cut into records at fresh random points (same tokens, same order). */
    static List<TokenRecord> recut(List<TokenRecord> records, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, List<Integer>> tokens = new LinkedHashMap<>();
        for (TokenRecord t : records) {
            List<Integer> l = tokens.computeIfAbsent(t.key, k -> new ArrayList<>());
            for (int id : t.tokenIds) {
                l.add(id);
            }
        }
        List<TokenRecord> out = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> e : tokens.entrySet()) {
            List<Integer> l = e.getValue();
            for (int i = 0; i < l.size(); ) {
                int n = Math.min(l.size() - i, r.nextInt(1, 30));
                out.add(new TokenRecord(e.getKey(), l.subList(i, i + n).stream().mapToInt(Integer::intValue).toArray()));
                i += n;
            }
        }
        return out;
    }

    /** One key's outputs concatenated, checking that the records follow each other without a gap. */
    static float[] concat(List<MemoryReadout> l) {
        int n = l.stream().mapToInt(r -> r.outputs.length).sum();
        float[] out = new float[n];
        int p = 0;
        long position = 0;
        for (MemoryReadout r : l) {
            assertEquals(position, r.startPosition);
            position += r.tokens;
            System.arraycopy(r.outputs, 0, out, p, r.outputs.length);
            p += r.outputs.length;
        }
        return out;
    }

    /** An uninterrupted run and the same records cut by a snapshot / restore after {@code cut} records. */
    record RestoreRun(List<MemoryReadout> expected, List<MemoryEvent> expectedEvents, Map<String, Object> expectedStates,
                      Map<String, Object> atCut, List<MemoryReadout> got, List<MemoryEvent> gotEvents,
                      Map<String, Object> gotStates) {

        /** Outputs bitwise, events and every stored state of the two runs equal. */
        void assertSameOutputsEventsAndStates() {
            assertEquals(expected.size(), got.size());
            for (int i = 0; i < expected.size(); i++) {
                assertReadoutBitwise(expected.get(i), got.get(i));
            }
            assertEquals(expectedEvents, gotEvents);
            assertEquals(expectedStates, gotStates);
        }
    }

    /** Runs {@code records} whole, then again with a snapshot / restore just after the middle. */
    static RestoreRun restoreRun(Backend backend, Configuration opts, List<TokenRecord> records) throws Exception {
        List<String> keys = records.stream().map(r -> r.key).distinct().sorted().collect(Collectors.toList());

        Opened whole = open(backend, opts);
        feed(whole, records);
        List<MemoryReadout> expected = whole.harness.extractOutputValues();
        List<MemoryEvent> expectedEvents = events(whole);
        Map<String, Object> expectedStates = states(whole, keys);
        whole.harness.close();

        int cut = records.size() / 2 + 1;
        Opened first = open(backend, opts);
        feed(first, records.subList(0, cut));
        List<MemoryReadout> got = new ArrayList<>(first.harness.extractOutputValues());
        List<MemoryEvent> gotEvents = new ArrayList<>(events(first));
        Map<String, Object> atCut = states(first, keys);
        OperatorSubtaskState snapshot = first.harness.snapshot(1L, 1L);
        first.harness.close();

        Opened second = open(backend, opts, snapshot, null);
        feed(second, records.subList(cut, records.size()));
        got.addAll(second.harness.extractOutputValues());
        gotEvents.addAll(events(second));
        Map<String, Object> gotStates = states(second, keys);
        second.harness.close();
        return new RestoreRun(expected, expectedEvents, expectedStates, atCut, got, gotEvents, gotStates);
    }

    /**
     * The events of all keys together equal the direct run's, each passes {@code eachEvent}, and each key
     * run alone has events, the same as its share of the interleaved run.
     */
    static void assertEventsEqualDirectRunAndEachKeyAlone(Backend backend, Configuration opts,
                                                          List<TokenRecord> records, Consumer<MemoryEvent> eachEvent)
            throws Exception {
        Opened all = open(backend, opts);
        feed(all, records);
        List<MemoryEvent> together = events(all);
        Map<String, List<MemoryReadout>> outs = byKey(all.harness.extractOutputValues());
        all.harness.close();
        assertEquals(OperatorTestSupport.directEvents(opts, records), together);
        together.forEach(eachEvent);
        for (String key : outs.keySet()) {
            Opened alone = open(backend, opts);
            feed(alone, records.stream().filter(r -> r.key.equals(key)).collect(Collectors.toList()));
            List<MemoryEvent> solo = events(alone);
            alone.harness.close();
            assertFalse(solo.isEmpty(), key + " had no events");
            assertEquals(solo, ofKey(together, key));
        }
    }

    /** The same records run as given ({@code a}) and recut ({@code b}): outputs, events and states by key. */
    record CutRuns(Map<String, List<MemoryReadout>> ra, Map<String, List<MemoryReadout>> rb, List<MemoryEvent> ea,
                   List<MemoryEvent> eb, Map<String, Object> sa, Map<String, Object> sb) {
    }

    /** Runs {@code records} and {@code other} (the same tokens cut otherwise) in two harnesses. */
    static CutRuns cutRuns(Backend backend, Configuration opts, List<TokenRecord> records, List<TokenRecord> other)
            throws Exception {
        Opened a = open(backend, opts);
        feed(a, records);
        Opened b = open(backend, opts);
        feed(b, other);
        Map<String, List<MemoryReadout>> ra = byKey(a.harness.extractOutputValues());
        Map<String, List<MemoryReadout>> rb = byKey(b.harness.extractOutputValues());
        List<MemoryEvent> ea = events(a);
        List<MemoryEvent> eb = events(b);
        Map<String, Object> sa = states(a, ra.keySet());
        Map<String, Object> sb = states(b, ra.keySet());
        a.harness.close();
        b.harness.close();
        return new CutRuns(ra, rb, ea, eb, sa, sb);
    }

    /**
     * Interleaved records and a fresh recut of them give each key the same events (with at least one of
     * {@code kind}), bitwise the same outputs, and the same stored memories.
     */
    static void assertBitwiseIndependentOfRecordCuts(Backend backend, Configuration opts, MemoryEvent.Kind kind)
            throws Exception {
        List<TokenRecord> records = OperatorTestSupport.interleaved(3, 12, System.nanoTime());
        CutRuns c = cutRuns(backend, opts, records, recut(records, System.nanoTime()));
        for (String key : c.ra().keySet()) {
            assertEquals(ofKey(c.ea(), key), ofKey(c.eb(), key), key);
            assertTrue(ofKey(c.ea(), key).stream().anyMatch(e -> e.kind == kind), key);
            assertArrayEquals(KeyedMemoryFunctionTest.bits(concat(c.ra().get(key))),
                    KeyedMemoryFunctionTest.bits(concat(c.rb().get(key))), key);
        }
        assertEquals(c.sa(), c.sb(), "stored memories differ between the two cuts");
    }

    /** A run with captured metrics: the records, the events, the stored states and the operator's metrics. */
    record MetricRun(List<TokenRecord> records, List<MemoryEvent> events, Map<String, Object> stored,
                     InterceptingOperatorMetricGroup metrics) {
    }

    /** Runs 3 keys x 10 records (seed 5) with captured metrics. */
    static MetricRun metricRun(Backend backend, Configuration opts) throws Exception {
        List<TokenRecord> records = OperatorTestSupport.interleaved(3, 10, 5);
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        Opened o = open(backend, opts, null, metrics);
        feed(o, records);
        List<MemoryEvent> events = events(o);
        Map<String, Object> stored = states(o, byKey(o.harness.extractOutputValues()).keySet());
        o.harness.close();
        return new MetricRun(records, events, stored, metrics.operator);
    }

    /**
     * With {@code opts} and a 10 s TTL: a key written at 1 s and 5 s keeps its archive at 11 s (the first timer re-arms),
     * has its state (at {@code stateIndex} of {@link OperatorTestSupport#states}) and its archive cleared at
     * 15 s, and then starts afresh, reading what its first record read.
     */
    static void assertExpiredMemoryClearedWithItsArchive(Backend backend, Configuration opts, int stateIndex,
                                                         Function<Object, Map<?, ?>> archive, String stateName,
                                                         String archiveName) throws Exception {
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofSeconds(10));
        Opened o = open(backend, opts);
        int[] ids = new int[30];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 37 + 11) % OperatorTestSupport.VOCAB;
        }
        TokenRecord r = new TokenRecord("k", ids);
        o.harness.setProcessingTime(1_000);
        o.harness.processElement(r, 0L);
        o.harness.setProcessingTime(5_000);
        o.harness.processElement(r, 0L);
        o.harness.setProcessingTime(11_000); // the first timer finds a later write and re-arms
        assertFalse(archive.apply(states(o, List.of("k")).get("k")).isEmpty(), "nothing archived");
        o.harness.setProcessingTime(15_000);
        Object gone = states(o, List.of("k")).get("k");
        assertEquals("none", ((List<?>) gone).get(stateIndex), stateName + " state not cleared");
        assertTrue(archive.apply(gone).isEmpty(), archiveName + " not cleared");
        o.harness.processElement(r, 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();
        assertEquals(0, outs.get(2).startPosition, "memory should have expired");
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    /** {@code options} changed by {@code bad} fail to build, with a message containing {@code message}. */
    static void assertBuildFails(Configuration options, Consumer<Configuration> bad, String message) {
        bad.accept(options);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KeyedMemoryFunction.fromOptions(options));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
