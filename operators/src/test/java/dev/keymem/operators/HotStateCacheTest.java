package dev.keymem.operators;

import static dev.keymem.operators.KeyedMemoryFunctionTest.assertReadoutBitwise;
import static dev.keymem.operators.OperatorTestSupport.open;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.OperatorTestSupport.Backend;
import dev.keymem.operators.OperatorTestSupport.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The keyed memory operator's hot-state cache on RocksDB (harness, real backend): a full cache at the
 * snapshot restores bit for bit, evictions write back under the evicted key, the backend holds after
 * a write-back exactly what the direct model holds, TTL timers clear cached keys, the HashMap backend
 * and {@code 0} run without it.
 */
class HotStateCacheTest {

    static Configuration options(MemoryType type, int cacheKeys) {
        Configuration c = OperatorTestSupport.options(type);
        c.set(MemoryOperatorOptions.STATE_CACHE_KEYS, cacheKeys);
        return c;
    }

    @ParameterizedTest
    @EnumSource(value = MemoryType.class, names = {"EVENTS", "RMT", "NOVELTY"}, mode = EnumSource.Mode.EXCLUDE)
    void aFullCacheAtTheSnapshotRestoresBitForBit(MemoryType type) throws Exception {
        Configuration opts = options(type, 3);
        if (type != MemoryType.PLAIN) {
            opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofHours(1)); // the TTL's last write is cached too
        }
        List<TokenRecord> records = OperatorTestSupport.interleaved(7, 30, 11);
        int cut = records.size() / 2;

        Opened whole = open(Backend.ROCKSDB, opts);
        OperatorTestSupport.feed(whole, records);
        List<MemoryReadout> expected = whole.harness.extractOutputValues();
        whole.harness.close();

        Opened first = open(Backend.ROCKSDB, opts);
        OperatorTestSupport.feed(first, records.subList(0, cut));
        HotStateCache cache = ((KeyedMemoryOperator) first.harness.getOperator()).cache();
        assertNotNull(cache, "no cache on RocksDB");
        assertEquals(3, cache.size(), "the cache is not full at the snapshot");
        assertTrue(cache.evictions() > 0 && cache.hits() > 0, "evictions " + cache.evictions() + ", hits " + cache.hits());
        List<MemoryReadout> got = new ArrayList<>(first.harness.extractOutputValues());
        OperatorSubtaskState snapshot = first.harness.snapshot(1L, 1L);
        // records after the snapshot change cached states in place; the snapshot must not see them
        OperatorTestSupport.feed(first, records.subList(cut, cut + 20));
        first.harness.close(); // a failure: the cache's later changes are lost

        Opened second = open(Backend.ROCKSDB, opts, snapshot, null);
        OperatorTestSupport.feed(second, records.subList(cut, records.size()));
        got.addAll(second.harness.extractOutputValues());
        second.harness.close();

        assertEquals(expected.size(), got.size());
        for (int i = 0; i < expected.size(); i++) {
            assertReadoutBitwise(expected.get(i), got.get(i));
        }
    }

    /** A full cache at the snapshot, restored at parallelism 2 (key groups split): each key continues bit for bit. */
    @Test
    void aFullCacheAtTheSnapshotRescalesBitForBit() throws Exception {
        Configuration opts = options(MemoryType.CACHING, 3);
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofHours(1));
        List<TokenRecord> records = OperatorTestSupport.interleaved(9, 20, 13);
        int cut = records.size() / 2;
        Opened whole = open(Backend.ROCKSDB, opts);
        OperatorTestSupport.feed(whole, records);
        java.util.Map<String, List<MemoryReadout>> expected = OperatorTestSupport.byKey(whole.harness.extractOutputValues());
        whole.harness.close();

        Opened first = open(Backend.ROCKSDB, opts);
        OperatorTestSupport.feed(first, records.subList(0, cut));
        assertEquals(3, ((KeyedMemoryOperator) first.harness.getOperator()).cache().size());
        List<MemoryReadout> got = new ArrayList<>(first.harness.extractOutputValues());
        OperatorSubtaskState snapshot = first.harness.snapshot(1L, 1L);
        first.harness.close();

        int parallelism = 2;
        List<org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout>>
                subtasks = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            var h = new org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<>(
                    KeyedMemoryFunction.fromOptions(opts).operator(), (TokenRecord r) -> r.key,
                    org.apache.flink.api.common.typeinfo.Types.STRING, 128, parallelism, i);
            h.setStateBackend(OperatorTestSupport.stateBackend(Backend.ROCKSDB));
            h.initializeState(org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, 128, 1, parallelism, i));
            h.open();
            subtasks.add(h);
        }
        for (TokenRecord r : records.subList(cut, records.size())) {
            int i = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(r.key, 128,
                    parallelism);
            subtasks.get(i).processElement(r, 0L);
        }
        for (var h : subtasks) {
            got.addAll(h.extractOutputValues());
            h.close();
        }
        java.util.Map<String, List<MemoryReadout>> byKey = OperatorTestSupport.byKey(got);
        assertEquals(expected.keySet(), byKey.keySet());
        for (String k : expected.keySet()) {
            assertEquals(expected.get(k).size(), byKey.get(k).size(), k);
            for (int i = 0; i < expected.get(k).size(); i++) {
                assertReadoutBitwise(expected.get(k).get(i), byKey.get(k).get(i));
            }
        }
    }

    /** The batched operator (2 keys per step) with a cache of 3 keys, full at the checkpoint: restores bit for bit. */
    @ParameterizedTest
    @EnumSource(value = MemoryType.class, names = {"PLAIN", "CACHING"})
    void theBatchedOperatorsFullCacheAtTheCheckpointRestoresBitForBit(MemoryType type) throws Exception {
        Configuration opts = options(type, 3);
        opts.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 2);
        opts.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1));
        List<TokenRecord> records = OperatorTestSupport.interleaved(7, 20, 17);
        int cut = records.size() / 2;
        BatchedMemoryOperatorTest.Batched whole = new BatchedMemoryOperatorTest.Batched(Backend.ROCKSDB, opts, null);
        whole.feedToEnd(records);
        List<MemoryReadout> expected = whole.outputs();
        whole.harness.close();

        BatchedMemoryOperatorTest.Batched first = new BatchedMemoryOperatorTest.Batched(Backend.ROCKSDB, opts, null);
        first.feed(records.subList(0, cut));
        OperatorSubtaskState snapshot = first.checkpoint(1L);
        HotStateCache cache = ((BatchedMemoryOperator) first.harness.getOperator()).cache();
        assertEquals(3, cache.size(), "the cache is not full at the checkpoint");
        assertTrue(cache.evictions() > 0);
        List<MemoryReadout> got = new ArrayList<>(first.outputs());
        first.feed(records.subList(cut, cut + 20));
        first.harness.close();
        BatchedMemoryOperatorTest.Batched second = new BatchedMemoryOperatorTest.Batched(Backend.ROCKSDB, opts, snapshot);
        second.feedToEnd(records.subList(cut, records.size()));
        got.addAll(second.outputs());
        second.harness.close();
        java.util.Map<String, List<MemoryReadout>> e = OperatorTestSupport.byKey(expected);
        java.util.Map<String, List<MemoryReadout>> g = OperatorTestSupport.byKey(got);
        assertEquals(e.keySet(), g.keySet());
        for (String k : e.keySet()) {
            assertEquals(e.get(k).size(), g.get(k).size(), k);
            for (int i = 0; i < e.get(k).size(); i++) {
                assertReadoutBitwise(e.get(k).get(i), g.get(k).get(i));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = MemoryType.class, names = {"EVENTS", "RMT", "NOVELTY"}, mode = EnumSource.Mode.EXCLUDE)
    void keyedStateAfterWriteBackEqualsTheDirectModel(MemoryType type) throws Exception {
        Configuration opts = options(type, 2);
        List<TokenRecord> records = OperatorTestSupport.interleaved(5, 20, 5);
        Opened o = open(Backend.ROCKSDB, opts);
        OperatorTestSupport.feed(o, records);
        Set<String> keys = new TreeSet<>();
        records.forEach(r -> keys.add(r.key));
        assertEquals(OperatorTestSupport.directStates(opts, records), OperatorTestSupport.states(o, keys));
        o.harness.close();
    }

    @Test
    void ttlTimersClearCachedKeys() throws Exception {
        Configuration opts = options(MemoryType.CACHING, 8);
        opts.set(MemoryOperatorOptions.STATE_TTL, Duration.ofMillis(100));
        Opened o = open(Backend.ROCKSDB, opts);
        o.harness.setProcessingTime(0);
        o.harness.processElement(new TokenRecord("a", new int[] {1, 2, 3}), 0L);
        o.harness.processElement(new TokenRecord("b", new int[] {4, 5, 6}), 0L);
        o.harness.setProcessingTime(60);
        o.harness.processElement(new TokenRecord("b", new int[] {7}), 0L);
        o.harness.setProcessingTime(130); // a expired (written at 0); b lives until 160
        o.harness.processElement(new TokenRecord("a", new int[] {8}), 0L);
        o.harness.processElement(new TokenRecord("b", new int[] {9}), 0L);
        List<MemoryReadout> outs = o.harness.extractOutputValues();
        assertEquals(0L, outs.get(3).startPosition, "a's memory outlived its TTL in the cache");
        assertEquals(4L, outs.get(4).startPosition, "b's memory was lost");
        o.harness.close();
    }

    @Test
    void theByteBudgetBoundsTheKeys() throws Exception {
        Configuration opts = options(MemoryType.PLAIN, 100);
        // the small model's state: 2 heads x 6 x 5 floats = 240 bytes; 800 bytes hold 3 keys
        opts.set(MemoryOperatorOptions.STATE_CACHE_MAX_BYTES, org.apache.flink.configuration.MemorySize.parse("800b"));
        Opened o = open(Backend.ROCKSDB, opts);
        for (int k = 0; k < 5; k++) {
            o.harness.processElement(new TokenRecord("k" + k, new int[] {k}), 0L);
        }
        HotStateCache cache = ((KeyedMemoryOperator) o.harness.getOperator()).cache();
        assertEquals(3, cache.capacity());
        assertEquals(3, cache.size());
        assertEquals(2, cache.evictions());
        o.harness.close();
    }

    @Test
    void noCacheOnHashMapOrWhenDisabled() throws Exception {
        Opened heap = open(Backend.HASHMAP, options(MemoryType.PLAIN, 16));
        heap.harness.processElement(new TokenRecord("a", new int[] {1}), 0L);
        assertNull(((KeyedMemoryOperator) heap.harness.getOperator()).cache());
        heap.harness.close();
        Opened off = open(Backend.ROCKSDB, options(MemoryType.PLAIN, 0));
        off.harness.processElement(new TokenRecord("a", new int[] {1}), 0L);
        assertNull(((KeyedMemoryOperator) off.harness.getOperator()).cache());
        off.harness.close();
    }
}
