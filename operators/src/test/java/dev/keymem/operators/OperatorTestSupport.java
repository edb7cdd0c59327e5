package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.ConfiguredModelFactory;

import dev.keymem.models.bmojo.BmojoEvent;
import dev.keymem.models.bmojo.BmojoReport;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.models.bmojo.InMemoryEideticArchive;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.retention.InMemoryArchiveStore;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionEvent;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.cells.CellState;
import java.util.HashMap;
import java.util.TreeMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** Small model, deterministic record streams and harness plumbing shared by the operator tests. */
final class OperatorTestSupport {

    static final int VOCAB = 97;

    private OperatorTestSupport() {
    }

    enum Backend { HASHMAP, ROCKSDB }

    /**
     * The memory types of token streams over the small cell model (KeyedMemoryFunction); EVENTS has its
     * own function and tests, NOVELTY its own class (KeyedNoveltyMemoryTest), RMT needs a trained artifact and
     * has its own tests (RmtOperatorTest).
     */
    static List<MemoryOperatorOptions.MemoryType> tokenTypes() {
        List<MemoryOperatorOptions.MemoryType> l = new ArrayList<>();
        for (MemoryOperatorOptions.MemoryType t : MemoryOperatorOptions.MemoryType.values()) {
            if (t != MemoryOperatorOptions.MemoryType.EVENTS && t != MemoryOperatorOptions.MemoryType.RMT
                    && t != MemoryOperatorOptions.MemoryType.NOVELTY) {
                l.add(t);
            }
        }
        return l;
    }

    /** Every backend with every token-stream memory type. */
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> combinations() {
        List<org.junit.jupiter.params.provider.Arguments> l = new ArrayList<>();
        for (Backend b : Backend.values()) {
            for (MemoryOperatorOptions.MemoryType t : tokenTypes()) {
                l.add(org.junit.jupiter.params.provider.Arguments.of(b, t));
            }
        }
        return l.stream();
    }

    /**
     * The small model with the given memory; caching uses 5-token segments, SSC reads (top 2) and a
     * cap of 4 caches merged oldest-first, so records of 1-11 tokens close segments, route and evict.
     */
    static Configuration options(MemoryOperatorOptions.MemoryType type) {
        Configuration c = options();
        c.set(MemoryOperatorOptions.MEMORY_TYPE, type);
        c.set(MemoryOperatorOptions.CACHING_SEGMENT_LENGTH, 5);
        c.set(MemoryOperatorOptions.CACHING_READ, dev.keymem.models.caching.CachingSettings.ReadVariant.SSC);
        c.set(MemoryOperatorOptions.CACHING_TOP_K, 2);
        c.set(MemoryOperatorOptions.CACHING_MAX_CACHES, 4);
        // B'MOJO: window 3, 2 eidetic entries per head, top-2 of every 4 positions, 2 retrieved every 3
        c.set(MemoryOperatorOptions.BMOJO_WINDOW, 3);
        c.set(MemoryOperatorOptions.BMOJO_CAPACITY, 2);
        c.set(MemoryOperatorOptions.BMOJO_TOP_M, 2);
        c.set(MemoryOperatorOptions.BMOJO_BLOCK_LENGTH, 4);
        c.set(MemoryOperatorOptions.BMOJO_RETRIEVE_K, 2);
        c.set(MemoryOperatorOptions.BMOJO_RETRIEVE_EVERY, 3);
        // STR / CMP: 2 sinks, window 4, blocks of 2, 3 retained, 2 slots per head, archive of 4 (2 recalled)
        c.set(MemoryOperatorOptions.RETENTION_SINKS, 2);
        c.set(MemoryOperatorOptions.RETENTION_WINDOW, 4);
        c.set(MemoryOperatorOptions.RETENTION_BLOCK, 2);
        c.set(MemoryOperatorOptions.RETENTION_RETAINED_CAP, 3);
        c.set(MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS, 2);
        c.set(MemoryOperatorOptions.RETENTION_ARCHIVE_CAP, 4);
        c.set(MemoryOperatorOptions.RETENTION_ARCHIVE_TOP_K, 2);
        return c;
    }

    /** A small gated-delta model (fast in tests), plain memory. */
    static Configuration options() {
        Configuration c = new Configuration();
        c.set(MemoryOperatorOptions.MODEL_CONFIG, "{\"cell\":\"gated_delta\",\"vocab_size\":" + VOCAB
                + ",\"d_model\":12,\"heads\":2,\"key_dim\":6,\"value_dim\":5,\"chunk_size\":4}");
        c.set(MemoryOperatorOptions.MODEL_SEED, 7L);
        c.set(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD, 64);
        return c;
    }

    static StateBackend stateBackend(Backend b) {
        if (b == Backend.HASHMAP) {
            return new HashMapStateBackend();
        }
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(tempDir("kmrdb").toString());
        return rocks;
    }

    /** A fresh directory under /tmp (short paths for RocksDB), deleted when the JVM exits. */
    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }

    static final class Opened {
        final KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness;
        final KeyedMemoryFunction function;
        final TaskMetricGroup metrics;

        Opened(KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> harness,
               KeyedMemoryFunction function, TaskMetricGroup metrics) {
            this.harness = harness;
            this.function = function;
            this.metrics = metrics;
        }
    }

    /** Opens a harness (restoring {@code restore} when not null). */
    static Opened open(Backend b, Configuration options, OperatorSubtaskState restore, TaskMetricGroup metrics)
            throws Exception {
        KeyedMemoryFunction fn = KeyedMemoryFunction.fromOptions(options);
        MockEnvironmentBuilder env = new MockEnvironmentBuilder().setMaxParallelism(128);
        if (metrics != null) {
            env.setMetricGroup(metrics);
        }
        MockEnvironment mock = env.build();
        KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> h =
                new KeyedOneInputStreamOperatorTestHarness<>(fn.operator(), r -> r.key, Types.STRING,
                        mock);
        h.setStateBackend(stateBackend(b));
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return new Opened(h, fn, metrics);
    }

    static Opened open(Backend b) throws Exception {
        return open(b, options(), null, null);
    }

    static Opened open(Backend b, Configuration options) throws Exception {
        return open(b, options, null, null);
    }

    /** keys x records, interleaved in a seeded random order; each key's records keep their order. */
    static List<TokenRecord> interleaved(int keys, int recordsPerKey, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<TokenRecord>> perKey = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            List<TokenRecord> l = new ArrayList<>();
            for (int i = 0; i < recordsPerKey; i++) {
                int[] ids = new int[r.nextInt(1, 12)];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = r.nextInt(VOCAB);
                }
                l.add(new TokenRecord("key-" + k, ids));
            }
            perKey.add(l);
        }
        int[] next = new int[keys];
        List<TokenRecord> out = new ArrayList<>();
        int left = keys * recordsPerKey;
        while (left > 0) {
            int k = r.nextInt(keys);
            if (next[k] < recordsPerKey) {
                out.add(perKey.get(k).get(next[k]++));
                left--;
            }
        }
        return out;
    }

    /**
     * Five bad records of key-0 and key-1: no tokens, null token ids, 65 tokens (over the limit of 64),
     * token id {@link #VOCAB} at index 2, token id -3.
     */
    static List<TokenRecord> badRecords() {
        return List.of(
                new TokenRecord("key-0", new int[0]),
                new TokenRecord("key-1", null),
                new TokenRecord("key-0", new int[65]),
                new TokenRecord("key-1", new int[] {1, 2, VOCAB}),
                new TokenRecord("key-0", new int[] {-3}));
    }

    /** {@code good} with {@code bad.get(i)} inserted at index 2 + 2 i. */
    static List<TokenRecord> mixIn(List<TokenRecord> good, List<TokenRecord> bad) {
        List<TokenRecord> mixed = new ArrayList<>(good);
        for (int i = 0; i < bad.size(); i++) {
            mixed.add(2 + 2 * i, bad.get(i));
        }
        return mixed;
    }

    static void feed(Opened o, List<TokenRecord> records) throws Exception {
        for (TokenRecord r : records) {
            o.harness.processElement(r, 0L);
        }
    }

    /** Outputs grouped by key, in emission order. */
    static Map<String, List<MemoryReadout>> byKey(List<MemoryReadout> outs) {
        Map<String, List<MemoryReadout>> m = new LinkedHashMap<>();
        for (MemoryReadout o : outs) {
            m.computeIfAbsent(o.key, k -> new ArrayList<>()).add(o);
        }
        return m;
    }

    /**
     * Everything stored for each key, as comparable copies: [CellState (plain), CachingState, sorted
     * map of its cached checkpoints (caching), BmojoState, sorted map of its archived entries (B'MOJO),
     * RetentionState, sorted map of its T3 tokens (STR / CMP)];
     * "none" / empty where the memory type does not use a state.
     */
    static Map<String, Object> states(Opened o, Iterable<String> keys) throws Exception {
        return states(o.harness, o.function.onlineDescriptor(), keys);
    }

    /** {@link #states(Opened, Iterable)} of any keyed memory operator's harness (the plain state read through {@code online}). */
    static Map<String, Object> states(KeyedOneInputStreamOperatorTestHarness<String, TokenRecord, MemoryReadout> h,
                                      org.apache.flink.api.common.state.ValueStateDescriptor<CellState> online,
                                      Iterable<String> keys) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        flushHotState(h.getOperator());
        var backend = h.getOperator().getKeyedStateBackend();
        for (String k : keys) {
            h.getOperator().setCurrentKey(k);
            CellState plain = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    online).value();
            CachingState caching = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.cachingDescriptor()).value();
            TreeMap<Long, CellState> caches = new TreeMap<>();
            for (Map.Entry<Long, CellState> e : backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.cachesDescriptor()).entries()) {
                caches.put(e.getKey(), e.getValue().copy());
            }
            BmojoState bmojo = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                    KeyedMemoryFunction.bmojoDescriptor()).value();
            TreeMap<Long, EideticEntry> archive = new TreeMap<>();
            for (Map.Entry<Long, EideticEntry> e : backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.archiveDescriptor()).entries()) {
                archive.put(e.getKey(), e.getValue());
            }
            RetentionState retention = backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.retentionDescriptor()).value();
            TreeMap<Long, RetainedToken> t3 = new TreeMap<>();
            for (Map.Entry<Long, RetainedToken> e : backend.getPartitionedState(VoidNamespace.INSTANCE,
                    VoidNamespaceSerializer.INSTANCE, KeyedMemoryFunction.t3Descriptor()).entries()) {
                t3.put(e.getKey(), e.getValue().copy());
            }
            m.put(k, List.of(plain == null ? "none" : plain.copy(), caching == null ? "none" : caching.copy(), caches,
                    bmojo == null ? "none" : bmojo.copy(), archive, retention == null ? "none" : retention.copy(), t3));
        }
        return m;
    }

    /**
     * Writes a keyed memory operator's hot-state cache back to keyed state (what the next checkpoint
     * would hold), for tests that read keyed state directly.
     */
    static void flushHotState(Object operator) throws java.io.IOException {
        HotStateCache cache = operator instanceof KeyedMemoryOperator k ? k.cache()
                : operator instanceof BatchedMemoryOperator b ? b.cache() : null;
        if (cache != null) {
            cache.flush();
        }
    }

    /** The key's records run through the model directly (no Flink): the reads per record. */
    static List<MemoryReadout> direct(Configuration options, List<TokenRecord> records) {
        return direct(options, records, new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), null);
    }

    /** A direct run's archived entries keyed as the operator's MapState keys them. */
    static TreeMap<Long, EideticEntry> archiveMap(InMemoryEideticArchive archive, int heads) {
        TreeMap<Long, EideticEntry> m = new TreeMap<>();
        for (int h = 0; h < heads; h++) {
            for (EideticEntry e : archive.entries(h)) {
                m.put(EideticEntry.archiveKey(h, e.position(), heads), e);
            }
        }
        return m;
    }

    /** The events a direct run of B'MOJO reports, in the form the operator emits them (records in order). */
    static List<MemoryEvent> directEvents(Configuration options, List<TokenRecord> records) {
        List<MemoryEvent> events = new ArrayList<>();
        direct(options, records, new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), events);
        return events;
    }

    /** The states a direct run leaves, in the form {@link #states} returns. */
    static Map<String, Object> directStates(Configuration options, List<TokenRecord> records) {
        Map<String, Object> states = new HashMap<>();
        Map<String, InMemoryCacheStore> stores = new HashMap<>();
        Map<String, InMemoryEideticArchive> archives = new HashMap<>();
        Map<String, InMemoryArchiveStore> t3Stores = new HashMap<>();
        direct(options, records, states, stores, archives, t3Stores, null);
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : states.entrySet()) {
            if (e.getValue() instanceof CachingState c) {
                TreeMap<Long, CellState> caches = new TreeMap<>();
                InMemoryCacheStore store = stores.get(e.getKey());
                for (long id : store.ids()) {
                    caches.put(id, store.peek(id).copy());
                }
                m.put(e.getKey(), List.of("none", c.copy(), caches, "none", new TreeMap<>(), "none", new TreeMap<>()));
            } else if (e.getValue() instanceof BmojoState b) {
                m.put(e.getKey(), List.of("none", "none", new TreeMap<>(), b.copy(),
                        archiveMap(archives.get(e.getKey()), b.eidetic().heads()), "none", new TreeMap<>()));
            } else if (e.getValue() instanceof RetentionState r) {
                TreeMap<Long, RetainedToken> t3 = new TreeMap<>();
                t3Stores.get(e.getKey()).forEach(t -> t3.put(t.position(), t.copy()));
                m.put(e.getKey(), List.of("none", "none", new TreeMap<>(), "none", new TreeMap<>(), r.copy(), t3));
            } else {
                m.put(e.getKey(), List.of(((CellState) e.getValue()).copy(), "none", new TreeMap<Long, CellState>(),
                        "none", new TreeMap<>(), "none", new TreeMap<>()));
            }
        }
        return m;
    }

    private static List<MemoryReadout> direct(Configuration options, List<TokenRecord> records,
                                              Map<String, Object> states, Map<String, InMemoryCacheStore> stores,
                                              Map<String, InMemoryEideticArchive> archives,
                                              Map<String, InMemoryArchiveStore> t3Stores, List<MemoryEvent> events) {
        MemoryModel model = new ConfiguredModelFactory(options).create();
        List<MemoryReadout> out = new ArrayList<>();
        for (TokenRecord r : records) {
            float[] o = new float[r.tokenIds.length * model.heads() * model.valueDim()];
            long start;
            if (model instanceof MemoryModel.Caching c) {
                CachingState s = (CachingState) states.computeIfAbsent(r.key, k -> c.newState());
                start = s.position();
                c.advance(s, stores.computeIfAbsent(r.key, k -> new InMemoryCacheStore()), r.tokenIds, o);
            } else if (model instanceof MemoryModel.Retention rm) {
                long seed = options.get(MemoryOperatorOptions.RETENTION_SEED);
                RetentionState s = (RetentionState) states.computeIfAbsent(r.key,
                        k -> rm.newState(RetentionKeyMemory.keySeed(seed, k)));
                start = s.position();
                List<RetentionEvent> evs = rm.advance(s, t3Stores.computeIfAbsent(r.key, k -> new InMemoryArchiveStore()),
                        r.tokenIds, o);
                if (events != null) {
                    for (RetentionEvent e : evs) {
                        events.add(MemoryEvent.of(r.key, e));
                    }
                }
            } else if (model instanceof MemoryModel.Bmojo b) {
                BmojoState s = (BmojoState) states.computeIfAbsent(r.key, k -> b.newState());
                start = s.position();
                BmojoReport rep = b.advance(s, archives.computeIfAbsent(r.key, k -> new InMemoryEideticArchive()),
                        r.tokenIds, o);
                if (events != null) {
                    for (BmojoEvent e : rep.events()) {
                        events.add(MemoryEvent.of(r.key, e));
                    }
                }
            } else {
                MemoryModel.Plain p = (MemoryModel.Plain) model;
                CellState s = (CellState) states.computeIfAbsent(r.key, k -> p.newState());
                start = s.position();
                p.advance(s, r.tokenIds, o);
            }
            out.add(new MemoryReadout(r.key, start, r.tokenIds.length, model.heads(), model.valueDim(), o));
        }
        return out;
    }
}
