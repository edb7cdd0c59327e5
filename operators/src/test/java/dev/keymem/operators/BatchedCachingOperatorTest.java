package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.ConfiguredModelFactory;
import dev.keymem.operators.model.BatchMemoryModel;
import dev.keymem.operators.model.BatchCachingModel;
import dev.keymem.operators.model.CacheReaderProvider;

import static dev.keymem.operators.BatchedMemoryOperatorTest.assertClose;
import static dev.keymem.operators.BatchedMemoryOperatorTest.assertSameByKey;
import static dev.keymem.operators.BatchedMemoryOperatorTest.concat;
import static dev.keymem.operators.BatchedMemoryOperatorTest.cut;
import static dev.keymem.operators.BatchedMemoryOperatorTest.keys;
import static dev.keymem.operators.BatchedMemoryOperatorTest.perRecordStates;
import static dev.keymem.operators.BatchedMemoryOperatorTest.run;
import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.VOCAB;
import static dev.keymem.operators.OperatorTestSupport.byKey;
import static dev.keymem.operators.OperatorTestSupport.interleaved;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.operators.BatchedMemoryOperatorTest.Advancer;
import dev.keymem.operators.BatchedMemoryOperatorTest.Batched;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched memory operator with Memory Caching (CPU advancer and cache reader, and the resident
 * stand-in for a device advancer) against the per-record {@link KeyedMemoryFunction}: same reads and
 * stored state (caching state and every cached checkpoint) bit for bit, restore mid-batch, key
 * isolation, record-cut invariance, TTL, and the cache reader seam (many keys' reads in one call,
 * forget on fresh keys).
 */
class BatchedCachingOperatorTest {

    /** The memory's read: the ungated sum, SSC (top-2 routing), GRM with learned gates, Soup over deep memory. */
    enum Read { RESIDUAL, SSC, GRM_LEARNED, SOUP_DEEP }

    /** 5-token segments, at most 4 caches merged oldest-first (OperatorTestSupport's caching setup), the given read. */
    static Configuration options(Read read, Advancer a, int maxKeys) {
        Configuration c = BatchedMemoryOperatorTest.options(a, maxKeys, OperatorTestSupport.options(MemoryType.CACHING));
        switch (read) {
            case RESIDUAL -> c.set(MemoryOperatorOptions.CACHING_READ, CachingSettings.ReadVariant.RESIDUAL);
            case SSC -> c.set(MemoryOperatorOptions.CACHING_READ, CachingSettings.ReadVariant.SSC);
            case GRM_LEARNED -> {
                c.set(MemoryOperatorOptions.CACHING_READ, CachingSettings.ReadVariant.GRM);
                c.set(MemoryOperatorOptions.CACHING_GATES, CachingSettings.GateSource.LEARNED);
            }
            case SOUP_DEEP -> {
                c.set(MemoryOperatorOptions.CACHING_READ, CachingSettings.ReadVariant.SOUP);
                c.set(MemoryOperatorOptions.MODEL_CONFIG, "{\"cell\":\"deep\",\"vocab_size\":" + VOCAB
                        + ",\"d_model\":12,\"heads\":2,\"key_dim\":6,\"value_dim\":6,\"chunk_size\":4}");
            }
            default -> throw new IllegalArgumentException(read.name());
        }
        return c;
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of(Backend.ROCKSDB, Read.RESIDUAL, Advancer.CPU),
                Arguments.of(Backend.ROCKSDB, Read.SSC, Advancer.CPU),
                Arguments.of(Backend.ROCKSDB, Read.SSC, Advancer.RESIDENT),
                Arguments.of(Backend.ROCKSDB, Read.GRM_LEARNED, Advancer.RESIDENT_FUNCTION),
                Arguments.of(Backend.HASHMAP, Read.RESIDUAL, Advancer.RESIDENT),
                Arguments.of(Backend.HASHMAP, Read.SOUP_DEEP, Advancer.RESIDENT));
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void outputsAndStoredMemoriesEqualThePerRecordOperator(Backend backend, Read read, Advancer advancer)
            throws Exception {
        Configuration opts = options(read, advancer, 4);
        List<TokenRecord> records = interleaved(6, 10, System.nanoTime());
        List<MemoryReadout> expected = new ArrayList<>();
        Map<String, Object> expectedStates = perRecordStates(backend, opts, records, expected);

        ResidentTestAdvancer.reset();
        Batched b = new Batched(backend, opts, null);
        b.feedToEnd(records);
        List<MemoryReadout> got = b.outputs();
        Map<String, Object> states = b.states(keys(records));
        long steps = b.counter("keymemBatchSteps");
        long batches = b.histogram("keymemBatchKeys").getCount();
        long cachedCounts = b.histogram("keymemCachedStatesPerKey").getCount();
        long maxCached = b.histogram("keymemCachedStatesPerKey").getStatistics().getMax();
        long chunks = b.counter("keymemChunks");
        b.harness.close();

        assertSameByKey(expected, got);
        assertEquals(expectedStates, states, "stored caching states or cached checkpoints differ");
        assertTrue(steps > batches, "no batch held two records of one key (no sub-steps)");
        assertTrue(got.stream().anyMatch(r -> r.startPosition / 5 != (r.startPosition + r.tokens - 1) / 5),
                "no record crossed a segment boundary");
        assertEquals(4, maxCached, "the cap of 4 caches was never reached");
        assertEquals(records.size(), chunks);
        assertEquals(records.size(), cachedCounts, "one keymemCachedStatesPerKey sample per record");
        if (advancer != Advancer.CPU) {
            assertEquals(1, ResidentTestAdvancer.closes.get());
            assertTrue(ResidentTestAdvancer.flushes.get() > 1, "segment closes did not flush the resident advancer");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Read.class, names = {"RESIDUAL", "SSC"})
    void mergedRecordsReadTheSameUpToRounding(Read read) throws Exception {
        List<Map<String, Object>> states = BatchedMemoryOperatorTest.assertMergedRecordsReadTheSameUpToRounding(
                Backend.ROCKSDB, options(read, Advancer.CPU, 3));
        for (String k : states.get(0).keySet()) {
            CachingState x = (CachingState) ((List<?>) states.get(0).get(k)).get(1);
            CachingState y = (CachingState) ((List<?>) states.get(1).get(k)).get(1);
            assertEquals(x.position(), y.position(), k);
            assertEquals(x.caches().size(), y.caches().size(), k);
            BatchedMemoryOperatorTest.assertClose(k + " online state", x.online().data(), y.online().data());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Advancer.class, names = {"CPU", "RESIDENT"})
    void checkpointWithRecordsBufferedThenRestoreEqualsAnUninterruptedRun(Advancer advancer) throws Exception {
        Map<String, Object> atCut = BatchedMemoryOperatorTest.assertRestoreMidBatchEqualsAnUninterruptedRun(
                Backend.ROCKSDB, options(Read.SSC, advancer, 5), interleaved(7, 12, System.nanoTime()));
        assertTrue(atCut.values().stream().anyMatch(v -> !((Map<?, ?>) ((List<?>) v).get(2)).isEmpty()),
                "no cached checkpoint existed at the checkpoint");
        assertTrue(atCut.values().stream().map(v -> ((List<?>) v).get(1))
                        .anyMatch(s -> s instanceof CachingState c && c.position() % 5 != 0),
                "every key was at a segment boundary at the checkpoint");
    }

    @ParameterizedTest
    @EnumSource(value = Advancer.class, names = {"CPU", "RESIDENT"})
    void aKeyReadsTheSameWhateverTheOtherKeysDo(Advancer advancer) throws Exception {
        Configuration opts = options(Read.SSC, advancer, 3);
        long seed = System.nanoTime();
        List<TokenRecord> mine = interleaved(1, 12, seed).stream()
                .map(r -> new TokenRecord("me", r.tokenIds)).collect(Collectors.toList());
        List<MemoryReadout> alone = run(Backend.ROCKSDB, opts, mine);
        for (int variant = 0; variant < 2; variant++) {
            List<TokenRecord> others = interleaved(3 + 2 * variant, 6 + variant, seed + 1 + variant);
            List<TokenRecord> mixed = new ArrayList<>();
            int m = 0;
            for (int i = 0; i < others.size(); i++) { // my records spread among the others'
                mixed.add(others.get(i));
                if (m < mine.size() && (i % 2 == variant || i == others.size() - 1)) {
                    mixed.add(mine.get(m++));
                }
            }
            mixed.addAll(mine.subList(m, mine.size()));
            List<MemoryReadout> together = byKey(run(Backend.ROCKSDB, opts, mixed)).get("me");
            assertEquals(alone.size(), together.size());
            for (int i = 0; i < alone.size(); i++) {
                assertReadoutBitwise(alone.get(i), together.get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Read.class, names = {"RESIDUAL", "SSC", "GRM_LEARNED"})
    void readsDoNotDependOnHowRecordsAreCut(Read read) throws Exception {
        SplittableRandom rnd = new SplittableRandom(System.nanoTime());
        int keys = 4;
        int[][] streams = new int[keys][];
        for (int k = 0; k < keys; k++) {
            streams[k] = rnd.ints(40 + rnd.nextInt(30), 0, VOCAB).toArray();
        }
        Configuration opts = options(read, Advancer.CPU, 3);
        Map<String, List<MemoryReadout>> a = byKey(run(Backend.ROCKSDB, opts, cut(streams, rnd)));
        Map<String, List<MemoryReadout>> b = byKey(run(Backend.ROCKSDB, opts, cut(streams, rnd)));
        assertEquals(keys, a.size());
        for (String k : a.keySet()) {
            assertClose(k, concat(a.get(k)), concat(b.get(k)));
        }
    }

    @Test
    void manyKeysCacheReadsGoInOneReaderCallPerRoundAndFreshKeysAreForgotten() throws Exception {
        Configuration opts = options(Read.RESIDUAL, Advancer.CPU, 4);
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, RecordingCacheReader.Provider.class.getName());
        List<String> keys = List.of("k0", "k1", "k2", "k3");
        SplittableRandom rnd = new SplittableRandom(11);
        List<TokenRecord> records = new ArrayList<>();
        for (int len : new int[] {7, 4}) { // positions 0..6 close segment [0,5); 7..10 close [5,10)
            for (String k : keys) {
                records.add(new TokenRecord(k, rnd.ints(len, 0, VOCAB).toArray()));
            }
        }
        List<MemoryReadout> expected = new ArrayList<>();
        Map<String, Object> expectedStates = perRecordStates(Backend.ROCKSDB, opts, records, expected);

        RecordingCacheReader.reset();
        Batched b = new Batched(Backend.ROCKSDB, opts, null);
        b.feed(records); // two size-triggered batches of 4 keys
        assertEquals(keys, RecordingCacheReader.FORGOTTEN, "every fresh key is forgotten once, before it is read");
        assertEquals(List.of(
                List.of(), // batch 1, round 1: tokens 0..4 of every key, no cache yet
                keys, // round 2: tokens 5..6, one cache per key, all keys in one call
                keys, // batch 2, round 1: tokens 7..9, still one cache each
                List.of("k0", "k0", "k1", "k1", "k2", "k2", "k3", "k3")), // round 2: token 10, two caches each
                RecordingCacheReader.CALLS);
        List<MemoryReadout> got = b.outputs();
        Map<String, Object> states = b.states(keys);
        b.harness.close();
        assertEquals(1, RecordingCacheReader.closes.get(), "the reader was not closed with the operator");
        assertSameByKey(expected, got);
        assertEquals(expectedStates, states);
    }

    @ParameterizedTest
    @EnumSource(value = Advancer.class, names = {"CPU", "RESIDENT"})
    void expiredMemoriesAreClearedAsByThePerRecordOperator(Advancer advancer) throws Exception {
        Configuration opts = options(Read.SSC, advancer, 100);
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofSeconds(10));
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, RecordingCacheReader.Factory.class.getName());
        TokenRecord k = new TokenRecord("k", new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        TokenRecord j = new TokenRecord("j", new int[] {5, 4, 3, 2, 1, 0, 9});
        OperatorTestSupport.Opened o = OperatorTestSupport.open(Backend.ROCKSDB, opts);
        RecordingCacheReader.reset();
        Batched b = new Batched(Backend.ROCKSDB, opts, null);
        List<Map<String, Object>> expectedStates = new ArrayList<>();
        List<Map<String, Object>> gotStates = new ArrayList<>();
        Object[][] schedule = { // processing time, then the records that arrive then
            {1_000L, k, j}, {5_000L, k}, {11_000L}, {15_000L}, {16_000L, k, j}};
        for (Object[] step : schedule) {
            o.harness.setProcessingTime((Long) step[0]);
            b.harness.setProcessingTime((Long) step[0]);
            for (int i = 1; i < step.length; i++) {
                o.harness.processElement((TokenRecord) step[i], 0L);
                b.harness.processElement((TokenRecord) step[i], 0L);
            }
            if (step.length == 1 && advancer == Advancer.CPU) { // after timers fired: what is stored must agree
                // (a resident advancer's states are written at the end of input, k's 11 s one never)
                expectedStates.add(OperatorTestSupport.states(o, List.of("j", "k")));
                gotStates.add(b.states(List.of("j", "k")));
            }
        }
        b.harness.endInput();
        List<MemoryReadout> expected = o.harness.extractOutputValues();
        List<MemoryReadout> got = b.outputs();
        long expiryFlushes = b.counter("keymemFlushesExpiry");
        Map<String, Object> expectedEnd = OperatorTestSupport.states(o, List.of("j", "k"));
        Map<String, Object> gotEnd = b.states(List.of("j", "k"));
        o.harness.close();
        b.harness.close();

        assertEquals(1, expiryFlushes, "j's buffered record was not advanced before j expired at 11 s");
        assertEquals(expectedStates, gotStates);
        assertEquals(expectedEnd, gotEnd);
        assertSameByKey(expected, got);
        assertEquals(0, got.get(got.size() - 1).startPosition, "memory should have expired");
        // fresh at the start, forgotten when cleared, fresh again
        assertEquals(List.of("k", "j", "j", "k", "k", "j"), RecordingCacheReader.FORGOTTEN);
    }

    @ParameterizedTest
    @EnumSource(value = Advancer.class, names = {"CPU", "RESIDENT"})
    void badRecordsGoToTheSameDeadLettersAsThePerRecordOperator(Advancer advancer) throws Exception {
        BatchedMemoryOperatorTest.assertDeadLettersAsThePerRecordOperator(Backend.ROCKSDB,
                OperatorTestSupport.options(MemoryType.CACHING), options(Read.SSC, advancer, 2));
    }

    @Test
    void cacheReaderOptionErrorsNameTheOptionAndTheClass() {
        Configuration opts = options(Read.SSC, Advancer.CPU, 4);
        MemoryModel cpu = new ConfiguredModelFactory(opts).createBatched();
        assertTrue(cpu instanceof BatchCachingModel c && c.reader().name().startsWith("cpu:"), cpu.toString());
        assertTrue(new ConfiguredModelFactory(OperatorTestSupport.options()).createBatched() instanceof BatchMemoryModel);
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, "dev.keymem.NoSuchReader");
        assertMessage(opts, "keymem.batch.cache-reader: class 'dev.keymem.NoSuchReader' not found (expected 'cpu' or a "
                + "CacheReaderProvider class name)");
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, String.class.getName());
        assertMessage(opts, "keymem.batch.cache-reader: class 'java.lang.String' does not implement "
                + "dev.keymem.operators.model.CacheReaderProvider nor java.util.function.Function<CellSpec, CacheReader>");
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, ResidentTestAdvancer.Factory.class.getName());
        assertMessage(opts, "keymem.batch.cache-reader: '" + ResidentTestAdvancer.Factory.class.getName()
                + "' returned " + ResidentTestAdvancer.class.getName() + ", not a CacheReader");
        opts.set(MemoryOperatorOptions.BATCH_CACHE_READER, RecordingCacheReader.NeedsArgument.class.getName());
        assertMessage(opts, "keymem.batch.cache-reader: cannot instantiate '"
                + RecordingCacheReader.NeedsArgument.class.getName()
                + "' (it needs a public no-argument constructor)");
        assertEquals("cpu", MemoryOperatorOptions.BATCH_CACHE_READER.defaultValue());
    }

    private static void assertMessage(Configuration opts, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConfiguredModelFactory(opts).createBatched());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
