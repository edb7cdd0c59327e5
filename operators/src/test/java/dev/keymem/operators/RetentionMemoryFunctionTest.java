package dev.keymem.operators;

import static dev.keymem.operators.BmojoMemoryFunctionTest.concat;
import static dev.keymem.operators.BmojoMemoryFunctionTest.events;
import static dev.keymem.operators.BmojoMemoryFunctionTest.ofKey;
import static dev.keymem.operators.BmojoMemoryFunctionTest.recut;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.SignificanceWeights;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The RETENTION (STR / CMP) memory type in the operator harness (heap and RocksDB): tier events and the
 * MapState T3 archive across snapshot / restore, record cuts, interleaving; metrics; TTL; options. The
 * generic harness tests of {@link KeyedMemoryFunctionTest} also run for RETENTION.
 */
class RetentionMemoryFunctionTest {

    static Configuration options() {
        return OperatorTestSupport.options(MemoryType.RETENTION);
    }

    static RetentionState retention(Object keyStates) {
        return (RetentionState) ((List<?>) keyStates).get(5);
    }

    static Map<?, ?> t3(Object keyStates) {
        return (Map<?, ?>) ((List<?>) keyStates).get(6);
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
        assertTrue(atCut.values().stream().anyMatch(v -> !t3(v).isEmpty()), "nothing was archived before the snapshot");
        assertTrue(atCut.values().stream().anyMatch(v -> !retention(v).recalled().isEmpty()),
                "no key had recalled T3 entries at the snapshot");

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
        Set<MemoryEvent.Kind> kinds = gotEvents.stream().map(e -> e.kind).collect(Collectors.toSet());
        assertEquals(EnumSet.of(MemoryEvent.Kind.PINNED, MemoryEvent.Kind.RETAINED, MemoryEvent.Kind.EVICTED,
                MemoryEvent.Kind.COMPRESSED, MemoryEvent.Kind.ARCHIVED, MemoryEvent.Kind.ARCHIVE_DROPPED), kinds,
                "the stream did not exercise every tier move");
        assertEquals(expectedStates, gotStates);
        for (Object v : gotStates.values()) {
            assertEquals(retention(v).archivedCount(), t3(v).size(), "T3 rows != the state's T3 index");
            assertEquals(java.util.Arrays.stream(retention(v).archivedPositions()).boxed().collect(Collectors.toSet()),
                    t3(v).keySet());
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
            assertEquals(-1, e.head);
            assertEquals(0, e.step % 2, "decisions happen at block closes: " + e);
            assertTrue(e.step > e.position, e.toString());
            assertNotEquals(e.from, e.to, e.toString());
            if (e.kind != MemoryEvent.Kind.PINNED) {
                assertTrue(e.score >= 0 && e.score <= 1, e.toString());
            }
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

    /** With row-independent (scalar) projections: outputs, events and stored memories bitwise independent of cuts. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void decisionsOutputsAndStatesDoNotDependOnRecordCuts(Backend backend) throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.BACKEND, "scalar");
        opts.set(MemoryOperatorOptions.CELL_FORM, "recurrent");
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
            assertTrue(ofKey(ea, key).stream().anyMatch(e -> e.kind == MemoryEvent.Kind.ARCHIVED), key);
            assertArrayEquals(KeyedMemoryFunctionTest.bits(concat(ra.get(key))),
                    KeyedMemoryFunctionTest.bits(concat(rb.get(key))), key);
        }
        assertEquals(sa, sb, "stored memories differ between the two cuts");
    }

    @Test
    void keysGetTheirOwnStableDrawSeeds() {
        assertEquals(RetentionKeyMemory.keySeed(0, "user-1"), RetentionKeyMemory.keySeed(0, "user-1"));
        assertNotEquals(RetentionKeyMemory.keySeed(0, "user-1"), RetentionKeyMemory.keySeed(0, "user-2"));
        assertNotEquals(RetentionKeyMemory.keySeed(0, "user-1"), RetentionKeyMemory.keySeed(1, "user-1"));
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
        for (MemoryEvent.Kind k : List.of(MemoryEvent.Kind.PINNED, MemoryEvent.Kind.RETAINED, MemoryEvent.Kind.EVICTED,
                MemoryEvent.Kind.COMPRESSED, MemoryEvent.Kind.ARCHIVED, MemoryEvent.Kind.ARCHIVE_DROPPED)) {
            long n = events.stream().filter(e -> e.kind == k).count();
            String name = "keymemRetention" + RetentionKeyMemory.Metrics.camel(k.name());
            assertEquals(n, ((Counter) g.get(name)).getCount(), name);
        }
        Histogram archived = (Histogram) g.get("keymemArchiveSizePerKey");
        Histogram exact = (Histogram) g.get("keymemRetentionExactTokensPerKey");
        assertEquals(records.size(), archived.getCount());
        assertEquals(records.size(), exact.getCount());
        assertEquals(4, archived.getStatistics().getMax(), "archive cap 4 reached, never exceeded");
        long maxExact = stored.values().stream().mapToLong(v -> retention(v).exactTokens()).max().orElseThrow();
        assertTrue(exact.getStatistics().getMax() >= maxExact);
        assertTrue(exact.getStatistics().getMax() <= 2 + 4 + 2 - 1 + 3 + 2, "more exact tokens than the tiers hold");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredRetentionMemoryIsClearedWithItsArchive(Backend backend) throws Exception {
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
        o.harness.setProcessingTime(11_000);
        assertFalse(t3(states(o, List.of("k")).get("k")).isEmpty(), "nothing archived");
        o.harness.setProcessingTime(15_000);
        Object gone = states(o, List.of("k")).get("k");
        assertEquals("none", ((List<?>) gone).get(5), "retention state not cleared");
        assertTrue(t3(gone).isEmpty(), "T3 archive not cleared");
        o.harness.processElement(r, 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        o.harness.close();
        assertEquals(0, outs.get(2).startPosition, "memory should have expired");
        assertReadoutBitwise(outs.get(0), outs.get(2));
    }

    @Test
    void badRetentionOptionsFailAtBuildNamingTheOption() {
        check(c -> c.set(MemoryOperatorOptions.RETENTION_SINKS, -1), "keymem.retention.sinks must be >= 0");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_BLOCK, 0), "keymem.retention.block must be >= 1");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_WINDOW, 1),
                "keymem.retention.window must be at least keymem.retention.block=2: 1");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_RETAINED_CAP, -1), "keymem.retention.retained-cap must be >= 0");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS, -1),
                "keymem.retention.compressed-slots must be >= 0");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_ARCHIVE_CAP, 0),
                "keymem.retention.archive-top-k needs an archive (keymem.retention.archive-cap > 0)");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_WEIGHTS, "1,2,3"), "keymem.retention.weights must be 6");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_WEIGHTS, "1,2,x,4,5,6"), "keymem.retention.weights has 'x'");
        check(c -> c.set(MemoryOperatorOptions.RETENTION_WEIGHTS, "1,2,3,4,5,0"), "keymem.retention.weights: ageScale");
        Configuration fromStrings = Configuration.fromMap(Map.of("keymem.memory.type", "RETENTION",
                "keymem.retention.window", "8", "keymem.retention.block", "4", "keymem.retention.weights",
                "0.5, 5, -1, 2, -2, 100"));
        ConfiguredModelFactory f = new ConfiguredModelFactory(fromStrings);
        RetentionSettings s = f.retentionSettings();
        assertEquals(8, s.window());
        assertEquals(new SignificanceWeights(0.5, 5, -1, 2, -2, 100), s.weights());
        assertInstanceOf(RetentionMemoryModel.class, f.create());
        RetentionSettings defaults = new ConfiguredModelFactory(Configuration.fromMap(
                Map.of("keymem.memory.type", "RETENTION"))).retentionSettings();
        assertEquals(RetentionSettings.defaults(32), defaults, "option defaults differ from RetentionSettings.defaults");
        IllegalArgumentException batched = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(options()).createBatched());
        assertTrue(batched.getMessage().contains("keymem.memory.type=RETENTION is not supported"), batched.getMessage());
    }

    private static void check(Consumer<Configuration> bad, String message) {
        Configuration c = options();
        bad.accept(c);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyedMemoryFunction.fromOptions(c));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
