package dev.keymem.operators;

import dev.keymem.operators.model.ConfiguredModelFactory;
import dev.keymem.operators.model.BmojoMemoryModel;

import static dev.keymem.operators.EventMemoryRuns.concat;
import static dev.keymem.operators.EventMemoryRuns.events;
import static dev.keymem.operators.EventMemoryRuns.ofKey;
import static dev.keymem.operators.EventMemoryRuns.recut;
import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.feed;
import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static dev.keymem.operators.OperatorTestSupport.open;
import static dev.keymem.operators.OperatorTestSupport.states;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.operators.EventMemoryRuns.CutRuns;
import dev.keymem.operators.EventMemoryRuns.MetricRun;
import dev.keymem.operators.EventMemoryRuns.RestoreRun;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
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
        RestoreRun run = EventMemoryRuns.restoreRun(backend, options(), interleaved(4, 14, System.nanoTime()));
        assertTrue(run.atCut().values().stream().anyMatch(v -> !archive(v).isEmpty()),
                "nothing was archived before the snapshot");
        assertTrue(run.atCut().values().stream().anyMatch(v -> {
            BmojoState s = bmojo(v);
            return s.retrieved().size(0) + s.retrieved().size(1) > 0;
        }), "no key had retrieved archive entries at the snapshot");
        run.assertSameOutputsEventsAndStates();
        assertTrue(run.gotEvents().stream().anyMatch(e -> e.kind == MemoryEvent.Kind.EVICTED));
        for (Object v : run.gotStates().values()) {
            assertEquals(bmojo(v).evicted(), archive(v).size(), "archive rows != evictions");
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsEqualTheDirectRunAndAKeyInterleavedEqualsItAlone(Backend backend) throws Exception {
        EventMemoryRuns.assertEventsEqualDirectRunAndEachKeyAlone(backend, options(),
                interleaved(5, 10, System.nanoTime()), e -> {
                    assertTrue(e.step >= e.position + 3, "decided before the token left the window: " + e);
                    assertTrue(e.head >= 0 && e.head < 2 && e.score >= 0 && Double.isNaN(e.draw), e.toString());
                    assertEquals(e.kind == MemoryEvent.Kind.ADMITTED ? List.of("WINDOW", "EIDETIC")
                            : List.of("EIDETIC", "ARCHIVE"), List.of(e.from, e.to), e.toString());
                });
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
        EventMemoryRuns.assertBitwiseIndependentOfRecordCuts(backend, opts, MemoryEvent.Kind.EVICTED);
    }

    /** The fast (chunked) form: the same decisions under other cuts, outputs and innovations within rounding. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void chunkedFormDecisionsDoNotDependOnRecordCuts(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(3, 12, System.nanoTime());
        CutRuns c = EventMemoryRuns.cutRuns(backend, options(), records, recut(records, System.nanoTime()));
        for (String key : c.ra().keySet()) {
            List<MemoryEvent> x = ofKey(c.ea(), key);
            List<MemoryEvent> y = ofKey(c.eb(), key);
            assertEquals(x.size(), y.size(), key);
            for (int i = 0; i < x.size(); i++) {
                MemoryEvent p = x.get(i);
                MemoryEvent q = y.get(i);
                assertEquals(List.of(p.kind, p.step, p.head, p.position), List.of(q.kind, q.step, q.head, q.position));
                assertTrue(Math.abs(p.score - q.score) <= 1e-4 * Math.max(1, Math.abs(p.score)), p + " vs " + q);
            }
            float[] u = concat(c.ra().get(key));
            float[] v = concat(c.rb().get(key));
            double maxAbs = 0;
            double maxErr = 0;
            for (int i = 0; i < u.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(u[i]));
                maxErr = Math.max(maxErr, Math.abs(u[i] - v[i]));
            }
            assertTrue(maxAbs > 0 && maxErr / maxAbs <= 1e-4, key + ": rel err " + maxErr / maxAbs);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void metricsCountWhatTheEventsShow(Backend backend) throws Exception {
        MetricRun run = EventMemoryRuns.metricRun(backend, options());
        List<MemoryEvent> events = run.events();
        InterceptingOperatorMetricGroup g = run.metrics();
        long admitted = events.stream().filter(e -> e.kind == MemoryEvent.Kind.ADMITTED).count();
        long evicted = events.stream().filter(e -> e.kind == MemoryEvent.Kind.EVICTED).count();
        assertTrue(admitted > 0 && evicted > 0);
        assertEquals(admitted, ((Counter) g.get("keymemEideticAdmitted")).getCount());
        assertEquals(evicted, ((Counter) g.get("keymemEideticEvicted")).getCount());
        Histogram archived = (Histogram) g.get("keymemArchiveSizePerKey");
        Histogram store = (Histogram) g.get("keymemEideticStoreSize");
        assertEquals(run.records().size(), archived.getCount());
        assertEquals(run.records().size(), store.getCount());
        long maxArchive = run.stored().values().stream().mapToLong(v -> archive(v).size()).max().orElseThrow();
        assertEquals(maxArchive, archived.getStatistics().getMax());
        assertEquals(2 * 2, store.getStatistics().getMax(), "capacity 2 x 2 heads, full once evictions start");
        long scans = ((Counter) g.get("keymemArchiveScans")).getCount();
        assertTrue(scans > 0 && scans <= run.records().size(), "at most one archive scan per record: " + scans);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredBmojoMemoryIsClearedWithItsArchive(Backend backend) throws Exception {
        EventMemoryRuns.assertExpiredMemoryClearedWithItsArchive(backend, options(), 3, BmojoMemoryFunctionTest::archive,
                "B'MOJO", "archive");
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

    /** The small model with an archive of {@link #CAP} entries per head, which the test streams overflow. */
    static Configuration capped() {
        Configuration c = options();
        c.set(MemoryOperatorOptions.BMOJO_ARCHIVE_CAPACITY, CAP);
        return c;
    }

    private static final int CAP = 3;

    /** Rows per head of a stored archive, each at most the cap. */
    private static int[] rowsPerHead(Object keyStates) {
        int[] n = new int[2];
        for (Object e : archive(keyStates).values()) {
            n[((dev.keymem.models.bmojo.EideticEntry) e).head()]++;
        }
        return n;
    }

    private static long count(List<MemoryEvent> events, String key, MemoryEvent.Kind kind) {
        return events.stream().filter(e -> e.key.equals(key) && e.kind == kind).count();
    }

    /**
     * A capped archive across snapshot / restore: outputs, events and every stored state (archive rows
     * included) equal the uninterrupted run; drops happen on both sides of the snapshot; each head keeps
     * at most the cap, and the rows are exactly the evictions minus the drops.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void cappedArchiveHoldsAcrossARestore(Backend backend) throws Exception {
        RestoreRun run = EventMemoryRuns.restoreRun(backend, capped(), interleaved(4, 14, System.nanoTime()));
        run.assertSameOutputsEventsAndStates();
        int before = run.got().size();
        assertTrue(run.atCut().values().stream().anyMatch(v -> archive(v).size() == 2 * CAP),
                "no key filled its archive before the snapshot");
        long dropsAtCut = run.atCut().values().stream().mapToLong(v -> bmojo(v).evicted() - archive(v).size()).sum();
        long dropsAtEnd = run.gotStates().values().stream().mapToLong(v -> bmojo(v).evicted() - archive(v).size()).sum();
        assertTrue(dropsAtCut > 0 && dropsAtEnd > dropsAtCut, "drops before " + dropsAtCut + ", after " + dropsAtEnd
                + " (of " + before + " readouts)");
        for (Map.Entry<String, Object> e : run.gotStates().entrySet()) {
            int[] rows = rowsPerHead(e.getValue());
            assertTrue(rows[0] <= CAP && rows[1] <= CAP, e.getKey() + " rows per head " + rows[0] + ", " + rows[1]);
            long dropped = count(run.gotEvents(), e.getKey(), MemoryEvent.Kind.ARCHIVE_DROPPED);
            assertTrue(dropped > 0, e.getKey());
            assertEquals(bmojo(e.getValue()).evicted() - dropped, archive(e.getValue()).size(),
                    e.getKey() + ": archive rows != evictions - drops");
        }
    }

    /** With the cap, the operator's events (drops included) equal the direct model run's, each key alone too. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void cappedArchiveEventsEqualTheDirectRun(Backend backend) throws Exception {
        long[] drops = {0};
        EventMemoryRuns.assertEventsEqualDirectRunAndEachKeyAlone(backend, capped(),
                interleaved(5, 10, System.nanoTime()), e -> {
                    List<String> fromTo = switch (e.kind) {
                        case ADMITTED -> List.of("WINDOW", "EIDETIC");
                        case EVICTED -> List.of("EIDETIC", "ARCHIVE");
                        case ARCHIVE_DROPPED -> List.of("ARCHIVE", "DROPPED");
                        default -> List.of("unexpected kind " + e.kind);
                    };
                    assertEquals(fromTo, List.of(e.from, e.to), e.toString());
                    assertTrue(e.head >= 0 && e.head < 2 && e.score >= 0 && Double.isNaN(e.draw), e.toString());
                    if (e.kind == MemoryEvent.Kind.ARCHIVE_DROPPED) {
                        drops[0]++;
                    }
                });
        assertTrue(drops[0] > 0, "the cap never dropped anything");
    }

    /** The chunked form with the cap: the same decisions (drops included) and archive under other record cuts. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void cappedDropsDoNotDependOnRecordCuts(Backend backend) throws Exception {
        List<TokenRecord> records = interleaved(3, 12, System.nanoTime());
        CutRuns c = EventMemoryRuns.cutRuns(backend, capped(), records, recut(records, System.nanoTime()));
        for (String key : c.ra().keySet()) {
            List<MemoryEvent> x = ofKey(c.ea(), key);
            List<MemoryEvent> y = ofKey(c.eb(), key);
            assertTrue(x.stream().anyMatch(e -> e.kind == MemoryEvent.Kind.ARCHIVE_DROPPED), key);
            assertEquals(x.stream().map(e -> List.of(e.kind, e.step, e.head, e.position)).toList(),
                    y.stream().map(e -> List.of(e.kind, e.step, e.head, e.position)).toList(), key);
            assertEquals(archive(c.sa().get(key)).keySet(), archive(c.sb().get(key)).keySet(), key);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cappedMetricsCountTheDrops(Backend backend) throws Exception {
        MetricRun run = EventMemoryRuns.metricRun(backend, capped());
        InterceptingOperatorMetricGroup g = run.metrics();
        long dropped = run.events().stream().filter(e -> e.kind == MemoryEvent.Kind.ARCHIVE_DROPPED).count();
        assertTrue(dropped > 0);
        assertEquals(dropped, ((Counter) g.get("keymemArchiveDropped")).getCount());
        Histogram archived = (Histogram) g.get("keymemArchiveSizePerKey");
        assertTrue(archived.getCount() > 0 && archived.getCount() <= run.records().size());
        assertTrue(archived.getStatistics().getMax() <= 2 * CAP, "max " + archived.getStatistics().getMax());
        long maxArchive = run.stored().values().stream().mapToLong(v -> archive(v).size()).max().orElseThrow();
        assertEquals(2 * CAP, maxArchive, "some key's archive is full at the end");
        long scans = ((Counter) g.get("keymemArchiveScans")).getCount();
        assertTrue(scans > 0 && scans <= run.records().size(), "at most one archive scan per record: " + scans);
    }

    @Test
    void archiveCapacityOptionIsValidatedAndRead() {
        check(c -> c.set(MemoryOperatorOptions.BMOJO_ARCHIVE_CAPACITY, -1),
                "keymem.bmojo.archive-capacity must be >= 0 (0 = unbounded archive): -1");
        Configuration fromStrings = Configuration.fromMap(Map.of("keymem.memory.type", "BMOJO",
                "keymem.bmojo.archive-capacity", "5"));
        assertEquals(5, new ConfiguredModelFactory(fromStrings).bmojoSettings().archiveCap());
        assertEquals(0, new ConfiguredModelFactory(Configuration.fromMap(Map.of("keymem.memory.type", "BMOJO",
                "keymem.bmojo.archive-capacity", "0"))).bmojoSettings().archiveCap());
        assertEquals(dev.keymem.models.bmojo.BmojoSettings.DEFAULT_ARCHIVE_CAP,
                new ConfiguredModelFactory(Configuration.fromMap(Map.of("keymem.memory.type", "BMOJO")))
                        .bmojoSettings().archiveCap());
        assertTrue(MemoryOperatorOptions.BMOJO_OPTIONS.contains(MemoryOperatorOptions.BMOJO_ARCHIVE_CAPACITY));
    }

    private static void check(Consumer<Configuration> bad, String message) {
        EventMemoryRuns.assertBuildFails(options(), bad, message);
    }
}
