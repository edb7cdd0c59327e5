package dev.keymem.operators;

import dev.keymem.operators.model.ConfiguredModelFactory;
import dev.keymem.operators.model.RetentionMemoryModel;

import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.retention.SignificanceWeights;
import dev.keymem.operators.EventMemoryRuns.MetricRun;
import dev.keymem.operators.EventMemoryRuns.RestoreRun;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
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
        RestoreRun run = EventMemoryRuns.restoreRun(backend, options(), interleaved(4, 14, System.nanoTime()));
        assertTrue(run.atCut().values().stream().anyMatch(v -> !t3(v).isEmpty()),
                "nothing was archived before the snapshot");
        assertTrue(run.atCut().values().stream().anyMatch(v -> !retention(v).recalled().isEmpty()),
                "no key had recalled T3 entries at the snapshot");
        run.assertSameOutputsEventsAndStates();
        Set<MemoryEvent.Kind> kinds = run.gotEvents().stream().map(e -> e.kind).collect(Collectors.toSet());
        assertEquals(EnumSet.of(MemoryEvent.Kind.PINNED, MemoryEvent.Kind.RETAINED, MemoryEvent.Kind.EVICTED,
                MemoryEvent.Kind.COMPRESSED, MemoryEvent.Kind.ARCHIVED, MemoryEvent.Kind.ARCHIVE_DROPPED), kinds,
                "the stream did not exercise every tier move");
        for (Object v : run.gotStates().values()) {
            assertEquals(retention(v).archivedCount(), t3(v).size(), "T3 rows != the state's T3 index");
            assertEquals(java.util.Arrays.stream(retention(v).archivedPositions()).boxed().collect(Collectors.toSet()),
                    t3(v).keySet());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsEqualTheDirectRunAndAKeyInterleavedEqualsItAlone(Backend backend) throws Exception {
        EventMemoryRuns.assertEventsEqualDirectRunAndEachKeyAlone(backend, options(),
                interleaved(5, 10, System.nanoTime()), e -> {
                    assertEquals(-1, e.head);
                    assertEquals(0, e.step % 2, "decisions happen at block closes: " + e);
                    assertTrue(e.step > e.position, e.toString());
                    assertNotEquals(e.from, e.to, e.toString());
                    if (e.kind != MemoryEvent.Kind.PINNED) {
                        assertTrue(e.score >= 0 && e.score <= 1, e.toString());
                    }
                });
    }

    /** With row-independent (scalar) projections: outputs, events and stored memories bitwise independent of cuts. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void decisionsOutputsAndStatesDoNotDependOnRecordCuts(Backend backend) throws Exception {
        Configuration opts = options();
        opts.set(MemoryOperatorOptions.BACKEND, "scalar");
        opts.set(MemoryOperatorOptions.CELL_FORM, "recurrent");
        EventMemoryRuns.assertBitwiseIndependentOfRecordCuts(backend, opts, MemoryEvent.Kind.ARCHIVED);
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
        MetricRun run = EventMemoryRuns.metricRun(backend, options());
        List<MemoryEvent> events = run.events();
        InterceptingOperatorMetricGroup g = run.metrics();
        for (MemoryEvent.Kind k : List.of(MemoryEvent.Kind.PINNED, MemoryEvent.Kind.RETAINED, MemoryEvent.Kind.EVICTED,
                MemoryEvent.Kind.COMPRESSED, MemoryEvent.Kind.ARCHIVED, MemoryEvent.Kind.ARCHIVE_DROPPED)) {
            long n = events.stream().filter(e -> e.kind == k).count();
            String name = "keymemRetention" + RetentionKeyMemory.Metrics.camel(k.name());
            assertEquals(n, ((Counter) g.get(name)).getCount(), name);
        }
        Histogram archived = (Histogram) g.get("keymemArchiveSizePerKey");
        Histogram exact = (Histogram) g.get("keymemRetentionExactTokensPerKey");
        assertEquals(run.records().size(), archived.getCount());
        assertEquals(run.records().size(), exact.getCount());
        assertEquals(4, archived.getStatistics().getMax(), "archive cap 4 reached, never exceeded");
        long maxExact = run.stored().values().stream().mapToLong(v -> retention(v).exactTokens()).max().orElseThrow();
        assertTrue(exact.getStatistics().getMax() >= maxExact);
        assertTrue(exact.getStatistics().getMax() <= 2 + 4 + 2 - 1 + 3 + 2, "more exact tokens than the tiers hold");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void expiredRetentionMemoryIsClearedWithItsArchive(Backend backend) throws Exception {
        EventMemoryRuns.assertExpiredMemoryClearedWithItsArchive(backend, options(), 5, RetentionMemoryFunctionTest::t3,
                "retention", "T3 archive");
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
        EventMemoryRuns.assertBuildFails(options(), bad, message);
    }
}
