package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.cells.CellState;
import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.KeyedMemoryFunction;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import dev.keymem.operators.MemoryReadout;
import dev.keymem.operators.TokenRecord;
import dev.keymem.state.CachedStateSerializer;
import dev.keymem.state.CachingStateSerializer;
import dev.keymem.state.CellStateSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The scenarios GpuOperatorEmulatedTest and GpuOperatorDeviceTest run: Flink's
 * {@link BatchedMemoryOperator}, built from {@link MemoryOperatorOptions} as a user would, in a
 * {@link KeyedOneInputStreamOperatorTestHarness} on the HashMap state backend, once with the CPU
 * advancer and reader (the reference) and once with a CUDA (or emulated CUDA) advancer and reader; every
 * emitted read and every stored state must agree within {@link #TOL} relative (max abs difference / max
 * abs reference value, per key). The RocksDB backend is left out on purpose: its natives (frocksdbjni,
 * 52 MB) do not fit the 64 MiB bundle the GPU host receives, and the operator's RocksDB behaviour does
 * not depend on the advancer (the operators module's own tests cover it).
 */
final class OperatorRuns {

    /** FP32 on a device (or float32 in a different order) vs the CPU cell. */
    static final double TOL = 1e-4;
    static final int VOCAB = 97;
    /** Memory Caching segment length: records of 1..{@link #MAX_RECORD} tokens cross segment boundaries. */
    static final int SEGMENT = 8;
    static final int MAX_RECORD = 20;

    private OperatorRuns() {
    }

    /** A gated-delta model of {@code heads} heads with K = V = {@code kv}, batches of at most 4 keys. */
    static Configuration options(MemoryType type, int heads, int kv, int chunk, String advancer, String reader) {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MODEL_CONFIG, "{\"cell\":\"gated_delta\",\"vocab_size\":" + VOCAB
                + ",\"d_model\":" + Math.max(16, kv) + ",\"heads\":" + heads + ",\"key_dim\":" + kv
                + ",\"value_dim\":" + kv + ",\"chunk_size\":" + chunk + "}");
        c.set(MemoryOperatorOptions.MODEL_SEED, 7L);
        c.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, 64);
        c.set(MemoryOperatorOptions.MEMORY_TYPE, type);
        c.set(MemoryOperatorOptions.CACHING_SEGMENT_LENGTH, SEGMENT);
        c.set(MemoryOperatorOptions.CACHING_READ, CachingSettings.ReadVariant.SSC);
        c.set(MemoryOperatorOptions.CACHING_TOP_K, 2);
        c.set(MemoryOperatorOptions.CACHING_MAX_CACHES, 4);
        c.set(MemoryOperatorOptions.BATCH_MAX_KEYS, 4);
        c.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofHours(1)); // size, checkpoint and end-of-input triggers
        c.set(MemoryOperatorOptions.BATCH_ADVANCER, advancer);
        c.set(MemoryOperatorOptions.BATCH_CACHE_READER, reader);
        return c;
    }

    /** {@code keys} x {@code perKey} records of 1..{@link #MAX_RECORD} tokens, interleaved in a seeded order. */
    static List<TokenRecord> records(int keys, int perKey, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<TokenRecord>> byKey = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<TokenRecord> l = new ArrayList<>();
            for (int i = 0; i < perKey; i++) {
                l.add(new TokenRecord("key-" + k, r.ints(r.nextInt(1, MAX_RECORD + 1), 0, VOCAB).toArray()));
            }
            byKey.add(l);
        }
        int[] next = new int[keys];
        List<TokenRecord> out = new ArrayList<>();
        while (out.size() < keys * perKey) {
            int k = r.nextInt(keys);
            if (next[k] < perKey) {
                out.add(byKey.get(k).get(next[k]++));
            }
        }
        return out;
    }

    static List<String> keys(List<TokenRecord> records) {
        return records.stream().map(r -> r.key).distinct().sorted().toList();
    }

    /** A task metric group whose operator group keeps what is registered on it. */
    static final class Metrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
        final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

        @Override
        public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name, Map<String, String> info) {
            return operator;
        }

        @Override
        public InternalOperatorMetricGroup getOrAddOperator(String name) {
            return operator;
        }
    }

    /** One opened operator instance in a harness (HashMap backend), optionally restored. */
    static final class Run implements AutoCloseable {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final Metrics metrics = new Metrics();
        private int taken;

        Run(Configuration options, OperatorSubtaskState restore) throws Exception {
            harness = new KeyedOneInputStreamOperatorTestHarness<>(BatchedMemoryOperator.fromOptions(options),
                    r -> r.key, Types.STRING,
                    new MockEnvironmentBuilder().setMaxParallelism(128).setMetricGroup(metrics).build());
            harness.setStateBackend(new HashMapStateBackend());
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

        /** As at a checkpoint: the operator runs its buffer (and flushes a resident advancer), then the snapshot. */
        OperatorSubtaskState checkpoint(long id) throws Exception {
            harness.prepareSnapshotPreBarrier(id);
            return harness.snapshot(id, id);
        }

        /** The reads emitted since the last call. */
        List<MemoryReadout> newOutputs() {
            List<MemoryReadout> all = harness.extractOutputValues();
            List<MemoryReadout> fresh = new ArrayList<>(all.subList(taken, all.size()));
            taken = all.size();
            return fresh;
        }

        long counter(String name) {
            return ((Counter) metrics.operator.get(name)).getCount();
        }

        /** Per key: [plain CellState or "none", CachingState or "none", its cached checkpoints by id]. */
        Map<String, List<Object>> states(List<String> keys) throws Exception {
            ValueStateDescriptor<CellState> online = new ValueStateDescriptor<>(KeyedMemoryFunction.ONLINE_STATE,
                    new CellStateSerializer());
            ValueStateDescriptor<CachingState> caching = new ValueStateDescriptor<>(KeyedMemoryFunction.CACHING_STATE,
                    new CachingStateSerializer());
            MapStateDescriptor<Long, CellState> caches = new MapStateDescriptor<>(KeyedMemoryFunction.CACHES_STATE,
                    LongSerializer.INSTANCE, new CachedStateSerializer());
            var backend = harness.getOperator().getKeyedStateBackend();
            Map<String, List<Object>> m = new LinkedHashMap<>();
            for (String k : keys) {
                harness.getOperator().setCurrentKey(k);
                CellState p = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                        online).value();
                CachingState c = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                        caching).value();
                TreeMap<Long, CellState> cached = new TreeMap<>();
                for (Map.Entry<Long, CellState> e : backend.getPartitionedState(VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE, caches).entries()) {
                    cached.put(e.getKey(), e.getValue().copy());
                }
                m.put(k, List.of(p == null ? "none" : p.copy(), c == null ? "none" : c.copy(), cached));
            }
            return m;
        }

        @Override
        public void close() throws Exception {
            harness.close();
        }
    }

    /** The largest relative difference seen by the comparisons of one scenario, for the log. */
    static final class Diff {
        double maxRel;

        /** max |got - ref| / max |ref| (0 when both are all zeros); asserted to be within {@link #TOL}. */
        void close(String what, float[] ref, float[] got) {
            assertEquals(ref.length, got.length, what + ": length");
            double num = 0;
            double den = 0;
            for (int i = 0; i < ref.length; i++) {
                num = Math.max(num, Math.abs((double) got[i] - ref[i]));
                den = Math.max(den, Math.abs(ref[i]));
            }
            double rel = num == 0 ? 0 : num / den;
            assertTrue(rel <= TOL, what + ": relative difference " + rel + " > " + TOL
                    + (Double.isNaN(rel) ? "" : " (max abs difference " + num + ", max abs value " + den + ")"));
            maxRel = Math.max(maxRel, rel);
        }

        /** Same reads, record by record in each key's order; outputs within {@link #TOL} per key. */
        void reads(List<MemoryReadout> ref, List<MemoryReadout> got) {
            Map<String, List<MemoryReadout>> r = byKey(ref);
            Map<String, List<MemoryReadout>> g = byKey(got);
            assertEquals(r.keySet(), g.keySet(), "keys with reads");
            for (String k : r.keySet()) {
                List<MemoryReadout> a = r.get(k);
                List<MemoryReadout> b = g.get(k);
                assertEquals(a.size(), b.size(), k + ": reads");
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).startPosition, b.get(i).startPosition, k + " read " + i + ": start");
                    assertEquals(a.get(i).tokens, b.get(i).tokens, k + " read " + i + ": tokens");
                    assertEquals(a.get(i).heads * a.get(i).valueDim, b.get(i).heads * b.get(i).valueDim, k);
                }
                close(k + " reads", concat(a), concat(b));
            }
        }

        /**
         * Same stored memories: plain states within {@link #TOL}; Memory Caching's bookkeeping (positions,
         * segment sums, cache summaries, computed on the host from the projections) exactly, its online
         * state and every cached checkpoint within {@link #TOL}.
         */
        void states(Map<String, List<Object>> ref, Map<String, List<Object>> got) {
            assertEquals(ref.keySet(), got.keySet());
            for (String k : ref.keySet()) {
                List<Object> a = ref.get(k);
                List<Object> b = got.get(k);
                cell(k + " plain state", a.get(0), b.get(0));
                if (a.get(1) instanceof CachingState x) {
                    assertTrue(b.get(1) instanceof CachingState, k + ": no caching state stored");
                    CachingState y = (CachingState) b.get(1);
                    assertEquals(x.segmentStart(), y.segmentStart(), k);
                    assertEquals(x.nextCacheId(), y.nextCacheId(), k);
                    assertTrue(Arrays.equals(x.segmentKeySum(), y.segmentKeySum()), k + ": segment key sums");
                    assertTrue(Arrays.equals(x.segmentLogDecay(), y.segmentLogDecay()), k + ": segment log decays");
                    assertEquals(x.caches(), y.caches(), k + ": cache summaries");
                    cell(k + " online state", x.online(), y.online());
                } else {
                    assertEquals(a.get(1), b.get(1), k);
                }
                @SuppressWarnings("unchecked")
                Map<Long, CellState> ca = (Map<Long, CellState>) a.get(2);
                @SuppressWarnings("unchecked")
                Map<Long, CellState> cb = (Map<Long, CellState>) b.get(2);
                assertEquals(ca.keySet(), cb.keySet(), k + ": cached checkpoint ids");
                for (Long id : ca.keySet()) {
                    cell(k + " cached checkpoint " + id, ca.get(id), cb.get(id));
                }
            }
        }

        private void cell(String what, Object a, Object b) {
            if (a instanceof CellState x) {
                assertTrue(b instanceof CellState, what + ": missing");
                CellState y = (CellState) b;
                assertEquals(x.position(), y.position(), what + ": position");
                close(what, x.data(), y.data());
            } else {
                assertEquals(a, b, what);
            }
        }
    }

    static Map<String, List<MemoryReadout>> byKey(List<MemoryReadout> outs) {
        Map<String, List<MemoryReadout>> m = new LinkedHashMap<>();
        for (MemoryReadout o : outs) {
            m.computeIfAbsent(o.key, k -> new ArrayList<>()).add(o);
        }
        return m;
    }

    static float[] concat(List<MemoryReadout> reads) {
        int n = reads.stream().mapToInt(r -> r.outputs.length).sum();
        float[] all = new float[n];
        int at = 0;
        for (MemoryReadout r : reads) {
            System.arraycopy(r.outputs, 0, all, at, r.outputs.length);
            at += r.outputs.length;
        }
        return all;
    }

    /** What a restore scenario saw, for the test's own assertions and the log. */
    record Outcome(double maxRel, long stateSyncs, long steps, boolean crossedSegments) {
    }

    /**
     * The records run uninterrupted on {@code cpu} (the reference) and, on {@code device}: the first
     * third, a checkpoint, the second third (its reads are lost, as on a failure), then a fresh operator
     * restored from the checkpoint runs the second and last thirds with a second checkpoint between them
     * and ends its input. Every read emitted up to the first checkpoint and by the restored operator, and
     * every lost read, must equal the reference's; so must all stored memories at the end.
     */
    static Outcome restoreScenario(Configuration cpu, Configuration device, List<TokenRecord> records)
            throws Exception {
        List<String> keys = keys(records);
        List<MemoryReadout> refReads;
        Map<String, List<Object>> refStates;
        try (Run ref = new Run(cpu, null)) {
            ref.feed(records);
            ref.harness.endInput();
            refReads = ref.newOutputs();
            refStates = ref.states(keys);
        }
        int a = records.size() / 3;
        int b = 2 * records.size() / 3;
        List<MemoryReadout> got = new ArrayList<>();
        List<MemoryReadout> lost;
        OperatorSubtaskState snapshot;
        long syncs;
        long steps;
        Map<String, List<Object>> states;
        try (Run first = new Run(device, null)) {
            first.feed(records.subList(0, a));
            snapshot = first.checkpoint(1);
            got.addAll(first.newOutputs());
            first.feed(records.subList(a, b));
            first.checkpoint(2); // never restored: its reads are lost, but they still had to be right
            lost = first.newOutputs();
            syncs = first.counter("keymemStateSyncs");
            steps = first.counter("keymemBatchSteps");
        }
        try (Run second = new Run(device, snapshot)) {
            second.feed(records.subList(a, b));
            second.checkpoint(3);
            second.feed(records.subList(b, records.size()));
            second.harness.endInput();
            got.addAll(second.newOutputs());
            syncs += second.counter("keymemStateSyncs");
            steps += second.counter("keymemBatchSteps");
            states = second.states(keys);
        }
        Diff d = new Diff();
        d.reads(refReads, got);
        Map<String, MemoryReadout> byStart = new LinkedHashMap<>();
        for (MemoryReadout r : refReads) {
            byStart.put(r.key + "@" + r.startPosition, r);
        }
        assertTrue(!lost.isEmpty(), "no reads between the two checkpoints");
        for (MemoryReadout r : lost) {
            MemoryReadout ref = byStart.get(r.key + "@" + r.startPosition);
            assertNotNull(ref, "a lost read at " + r.key + "@" + r.startPosition + " the reference never made");
            assertEquals(ref.tokens, r.tokens);
            d.close("lost read " + r.key + "@" + r.startPosition, ref.outputs, r.outputs);
        }
        d.states(refStates, states);
        boolean crossed = refReads.stream()
                .anyMatch(r -> r.startPosition / SEGMENT != (r.startPosition + r.tokens - 1) / SEGMENT);
        return new Outcome(d.maxRel, syncs, steps, crossed);
    }

    /**
     * Memory Caching with a state TTL of 10 s: every key closes segments, then some keys expire (their
     * caching state and cached checkpoints are cleared, the reader is told to forget them) and start again
     * with new tokens, so their new caches reuse the ids and start positions (the reader's content keys)
     * of the expired ones. Reads and final states are compared with the CPU reference on the same
     * schedule. Returns the largest relative difference.
     */
    static double expiryScenario(Configuration cpu, Configuration device, long seed) throws Exception {
        Duration ttl = Duration.ofSeconds(10);
        cpu.set(MemoryOperatorOptions.STATE_TTL, ttl);
        device.set(MemoryOperatorOptions.STATE_TTL, ttl);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> keys = List.of("k0", "k1", "k2", "k3", "k4");
        // processing time, then the keys that get a record of 13..20 tokens then
        Object[][] schedule = {
            {1_000L, "k0", "k1", "k2", "k3", "k4"}, {2_000L, "k0", "k1", "k2", "k3", "k4"},
            {5_000L, "k0", "k1"}, {12_000L, "k2", "k3", "k4"}, {13_000L, "k2", "k3"},
            {16_000L, "k0", "k1", "k4"}, {17_000L, "k0", "k1", "k2", "k3", "k4"}};
        List<List<TokenRecord>> arrivals = new ArrayList<>();
        for (Object[] step : schedule) {
            List<TokenRecord> l = new ArrayList<>();
            for (int i = 1; i < step.length; i++) {
                l.add(new TokenRecord((String) step[i], rnd.ints(rnd.nextInt(13, MAX_RECORD + 1), 0, VOCAB).toArray()));
            }
            arrivals.add(l);
        }
        List<MemoryReadout> refReads;
        Map<String, List<Object>> refStates;
        List<MemoryReadout> gotReads;
        Map<String, List<Object>> gotStates;
        try (Run ref = new Run(cpu, null); Run dev = new Run(device, null)) {
            for (int s = 0; s < schedule.length; s++) {
                long t = (Long) schedule[s][0];
                ref.harness.setProcessingTime(t);
                dev.harness.setProcessingTime(t);
                ref.feed(arrivals.get(s));
                dev.feed(arrivals.get(s));
            }
            ref.harness.endInput();
            dev.harness.endInput();
            refReads = ref.newOutputs();
            gotReads = dev.newOutputs();
            refStates = ref.states(keys);
            gotStates = dev.states(keys);
        }
        for (String k : List.of("k0", "k1", "k2", "k3")) {
            assertEquals(2, refReads.stream().filter(r -> r.key.equals(k) && r.startPosition == 0).count(),
                    k + " did not start again after expiring");
        }
        Diff d = new Diff();
        d.reads(refReads, gotReads);
        d.states(refStates, gotStates);
        return d.maxRel;
    }
}
