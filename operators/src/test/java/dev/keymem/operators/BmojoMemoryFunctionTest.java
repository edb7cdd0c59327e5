package dev.keymem.operators;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.feed;
import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static dev.keymem.operators.OperatorTestSupport.open;
import static dev.keymem.operators.OperatorTestSupport.states;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The BMOJO memory type in the operator harness (heap and RocksDB): events (admitted / evicted) and the
 * MapState archive across snapshot / restore, record cuts, interleaving; metrics; TTL; options. The
 * generic harness tests of {@link KeyedMemoryFunctionTest} also run for BMOJO (outputs and every state,
 * archive rows included).
 */
class BmojoMemoryFunctionTest {

    static Configuration options() {
        return OperatorTestSupport.options(MemoryType.BMOJO);
    }

    static List<MemoryEvent> events(Opened o) {
        var q = o.harness.getSideOutput(KeyedMemoryFunction.MEMORY_EVENTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    static List<MemoryEvent> ofKey(List<MemoryEvent> events, String key) {
        return events.stream().filter(e -> e.key.equals(key)).collect(Collectors.toList());
    }

    @SuppressWarnings("unchecked")
    static Map<Long, ?> archive(Object keyStates) {
        return (Map<Long, ?>) ((List<?>) keyStates).get(4);
    }

    static BmojoState bmojo(Object keyStates) {
        return (BmojoState) ((List<?>) keyStates).get(3);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsAndArchiveAfterARestoreEqualAnUninterruptedRun(Backend backend) throws Exception {
        Configuration opts = options();
        List<TokenRecord> records = interleaved(4, 14, System.nanoTime());
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
        assertTrue(atCut.values().stream().anyMatch(v -> !archive(v).isEmpty()), "nothing was archived before the snapshot");
        assertTrue(atCut.values().stream().anyMatch(v -> {
            BmojoState s = bmojo(v);
            return s.retrieved().size(0) + s.retrieved().size(1) > 0;
        }), "no key had retrieved archive entries at the snapshot");

        Opened second = open(backend, opts, snapshot, null);
        feed(second, records.subList(cut, records.size()));
        got.addAll(second.harness.extractOutputValues());
        gotEvents.addAll(events(second));
        Map<String, Object> gotStates = states(second, keys);
        second.harness.close();

        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertReadoutBitwise(expected.get(i), got.get(i));
        }
        assertEquals(expectedEvents, gotEvents);
        assertTrue(gotEvents.stream().anyMatch(e -> e.kind == MemoryEvent.Kind.EVICTED));
        assertEquals(expectedStates, gotStates);
        for (Object v : gotStates.values()) {
            assertEquals(bmojo(v).evicted(), archive(v).size(), "archive rows != evictions");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsEqualTheDirectRunAndAKeyInterleavedEqualsItAlone(Backend backend) throws Exception {
        Configuration opts = options();
        List<TokenRecord> records = interleaved(5, 10, System.nanoTime());
        Opened all = open(backend, opts);
        feed(all, records);
        List<MemoryEvent> together = events(all);
        Map<String, List<MemoryReadout>> outs = byKey(all.harness.extractOutputValues());
        all.harness.close();
        assertEquals(OperatorTestSupport.directEvents(opts, records), together);
        for (MemoryEvent e : together) {
            assertTrue(e.step >= e.position + 3, "decided before the token left the window: " + e);
            assertTrue(e.head >= 0 && e.head < 2 && e.score >= 0 && Double.isNaN(e.draw), e.toString());
            assertEquals(e.kind == MemoryEvent.Kind.ADMITTED ? List.of("WINDOW", "EIDETIC") : List.of("EIDETIC", "ARCHIVE"),
                    List.of(e.from, e.to), e.toString());
        }
        for (String key : outs.keySet()) {
            Opened alone = open(backend, opts);
            feed(alone, records.stream().filter(r -> r.key.equals(key)).collect(Collectors.toList()));
            List<MemoryEvent> solo = events(alone);
            alone.harness.close();
            assertFalse(solo.isEmpty(), key + " had no events");
            assertEquals(solo, ofKey(together, key));
        }
    }

    /** Each key's stream cut into records at fresh random points (same tokens, same order). */
    static List<TokenRecord> recut(List<TokenRecord> records, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, List<Integer>> tokens = new java.util.LinkedHashMap<>();
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

    /**
     * The reference (recurrent) form with the scalar backend (projections that do not depend on how many
     * tokens a record has): outputs, events and stored memories bitwise independent of record cuts.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void recurrentFormDecisionsAndOutputsDoNotDependOnRecordCuts(Backend backend) throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.CELL_FORM, "recurrent");
        opts.set(MemoryOperatorOptions.BACKEND, "scalar");
        opts.set(MemoryOperatorOptions.BMOJO_ADMISSION, dev.keymem.models.bmojo.BmojoSettings.Admission.THRESHOLD);
        opts.set(MemoryOperatorOptions.BMOJO_THRESHOLD, 0.5f);
        List<TokenRecord> records = interleaved(3, 12, System.nanoTime());
        List<TokenRecord> other = recut(records, System.nanoTime());
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
        for (String key : ra.keySet()) {
            assertEquals(ofKey(ea, key), ofKey(eb, key), key);
            assertTrue(ofKey(ea, key).stream().anyMatch(e -> e.kind == MemoryEvent.Kind.EVICTED), key);
            assertArrayEquals(KeyedMemoryFunctionTest.bits(concat(ra.get(key))),
                    KeyedMemoryFunctionTest.bits(concat(rb.get(key))), key);
        }
        assertEquals(sa, sb, "stored memories differ between the two cuts");
    }

    /** The fast (chunked) form: the same decisions under other cuts, outputs and innovations within rounding. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void chunkedFormDecisionsDoNotDependOnRecordCuts(Backend backend) throws Exception {
        Configuration opts = options();
        List<TokenRecord> records = interleaved(3, 12, System.nanoTime());
        List<TokenRecord> other = recut(records, System.nanoTime());
        Opened a = open(backend, opts);
        feed(a, records);
        Opened b = open(backend, opts);
        feed(b, other);
        Map<String, List<MemoryReadout>> ra = byKey(a.harness.extractOutputValues());
        Map<String, List<MemoryReadout>> rb = byKey(b.harness.extractOutputValues());
        List<MemoryEvent> ea = events(a);
        List<MemoryEvent> eb = events(b);
        a.harness.close();
        b.harness.close();
        for (String key : ra.keySet()) {
            List<MemoryEvent> x = ofKey(ea, key);
            List<MemoryEvent> y = ofKey(eb, key);
            assertEquals(x.size(), y.size(), key);
            for (int i = 0; i < x.size(); i++) {
                MemoryEvent p = x.get(i);
                MemoryEvent q = y.get(i);
                assertEquals(List.of(p.kind, p.step, p.head, p.position), List.of(q.kind, q.step, q.head, q.position));
                assertTrue(Math.abs(p.score - q.score) <= 1e-4 * Math.max(1, Math.abs(p.score)), p + " vs " + q);
            }
            float[] u = concat(ra.get(key));
            float[] v = concat(rb.get(key));
            double maxAbs = 0;
            double maxErr = 0;
            for (int i = 0; i < u.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(u[i]));
                maxErr = Math.max(maxErr, Math.abs(u[i] - v[i]));
            }
            assertTrue(maxAbs > 0 && maxErr / maxAbs <= 1e-4, key + ": rel err " + maxErr / maxAbs);
        }
    }

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

    @ParameterizedTest
    @EnumSource(Backend.class)
    void metricsCountWhatTheEventsShow(Backend backend) throws Exception {
        Configuration opts = options();
        List<TokenRecord> records = interleaved(3, 10, 5);
        CapturingTaskMetricGroup metrics = new CapturingTaskMetricGroup();
        Opened o = open(backend, opts, null, metrics);
        feed(o, records);
        List<MemoryEvent> events = events(o);
        Map<String, Object> stored = states(o, byKey(o.harness.extractOutputValues()).keySet());
        o.harness.close();
        InterceptingOperatorMetricGroup g = metrics.operator;
        long admitted = events.stream().filter(e -> e.kind == MemoryEvent.Kind.ADMITTED).count();
        long evicted = events.stream().filter(e -> e.kind == MemoryEvent.Kind.EVICTED).count();
        assertTrue(admitted > 0 && evicted > 0);
        assertEquals(admitted, ((Counter) g.get("keymemEideticAdmitted")).getCount());
        assertEquals(evicted, ((Counter) g.get("keymemEideticEvicted")).getCount());
        Histogram archived = (Histogram) g.get("keymemArchiveSizePerKey");
        Histogram store = (Histogram) g.get("keymemEideticStoreSize");
        assertEquals(records.size(), archived.getCount());
        assertEquals(records.size(), store.getCount());
        long maxArchive = stored.values().stream().mapToLong(v -> archive(v).size()).max().orElseThrow();
        assertEquals(maxArchive, archived.getStatistics().getMax());
        assertEquals(2 * 2, store.getStatistics().getMax(), "capacity 2 x 2 heads, full once evictions start");
        long scans = ((Counter) g.get("keymemArchiveScans")).getCount();
        assertTrue(scans > 0 && scans <= records.size(), "at most one archive scan per record: " + scans);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredBmojoMemoryIsClearedWithItsArchive(Backend backend) throws Exception {
        Configuration opts = options();
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
        assertFalse(archive(states(o, List.of("k")).get("k")).isEmpty(), "nothing archived");
        o.harness.setProcessingTime(15_000);
        Object gone = states(o, List.of("k")).get("k");
        assertEquals("none", ((List<?>) gone).get(3), "B'MOJO state not cleared");
        assertTrue(archive(gone).isEmpty(), "archive not cleared");
        o.harness.processElement(r, 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();
        assertEquals(0, outs.get(2).startPosition, "memory should have expired");
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    /** Capacity 0 is B'MOJO-F (fading only): no events, no archive rows, reads equal the direct run. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void fadingOnlyKeepsNoEntries(Backend backend) throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.BMOJO_CAPACITY, 0);
        List<TokenRecord> records = interleaved(3, 8, System.nanoTime());
        Opened o = open(backend, opts);
        feed(o, records);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        List<MemoryEvent> events = events(o);
        Map<String, Object> stored = states(o, byKey(outs).keySet());
        o.harness.close();
        assertTrue(events.isEmpty(), events.toString());
        for (Object v : stored.values()) {
            assertTrue(archive(v).isEmpty());
            assertEquals(0, bmojo(v).admitted());
        }
        List<MemoryReadout> direct = OperatorTestSupport.direct(opts, records);
        assertEquals(direct.size(), outs.size());
        for (int i = 0; i < direct.size(); i++) {
            assertReadoutBitwise(direct.get(i), outs.get(i));
        }
    }

    @Test
    void eventsCanBeTurnedOff() throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.MEMORY_EVENTS_ENABLED, false);
        Opened o = open(Backend.HASHMAP, opts);
        feed(o, interleaved(2, 8, 3));
        assertTrue(events(o).isEmpty());
        assertEquals(16, o.harness.extractOutputValues().size());
        o.harness.close();
    }

    @Test
    void badBmojoOptionsFailAtBuildNamingTheOption() {
        check(c -> c.set(MemoryOperatorOptions.BMOJO_WINDOW, 0), "keymem.bmojo.window must be >= 1: 0");
        check(c -> c.set(MemoryOperatorOptions.BMOJO_CAPACITY, -1), "keymem.bmojo.capacity must be >= 0");
        check(c -> {
            c.set(MemoryOperatorOptions.BMOJO_ADMISSION, dev.keymem.models.bmojo.BmojoSettings.Admission.THRESHOLD);
            c.set(MemoryOperatorOptions.BMOJO_THRESHOLD, Float.NaN);
        }, "keymem.bmojo.threshold must not be NaN");
        check(c -> c.set(MemoryOperatorOptions.BMOJO_TOP_M, 5), "keymem.bmojo.top-m must lie in [1, keymem.bmojo.block-length=4]");
        check(c -> c.set(MemoryOperatorOptions.BMOJO_BLOCK_LENGTH, 0), "keymem.bmojo.block-length must be >= 1");
        check(c -> c.set(MemoryOperatorOptions.BMOJO_RETRIEVE_K, -2), "keymem.bmojo.retrieve-k must be >= 0");
        check(c -> c.set(MemoryOperatorOptions.BMOJO_RETRIEVE_EVERY, 0), "keymem.bmojo.retrieve-every must be >= 1");
        // string values as a job's configuration file gives them
        Configuration fromStrings = Configuration.fromMap(Map.of("keymem.memory.type", "BMOJO",
                "keymem.bmojo.window", "8", "keymem.bmojo.admission", "THRESHOLD", "keymem.bmojo.threshold", "1.5"));
        ConfiguredModelFactory f = new ConfiguredModelFactory(fromStrings);
        assertEquals(8, f.bmojoSettings().window());
        assertEquals(1.5f, f.bmojoSettings().threshold());
        assertInstanceOf(BmojoMemoryModel.class, f.create());
        assertEquals(dev.keymem.models.bmojo.BmojoSettings.defaults(),
                new ConfiguredModelFactory(Configuration.fromMap(Map.of("keymem.memory.type", "BMOJO"))).bmojoSettings());
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(MemoryEvent.class));
        IllegalArgumentException batched = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(options()).createBatched());
        assertTrue(batched.getMessage().contains("keymem.memory.type=BMOJO is not supported"), batched.getMessage());
    }

    private static void check(Consumer<Configuration> bad, String message) {
        Configuration c = options();
        bad.accept(c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyedMemoryFunction.fromOptions(c));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
