package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.cuda.McReadChecks.Driver;
import dev.keymem.cuda.McReadChecks.Owner;
import dev.keymem.cuda.McReadChecks.Recording;
import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.testing.Float64Reference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CudaCacheReader} on the plain-Java emulated device (the same staging layout, pool slots,
 * kd_scatter and pointer-array batched products as on a GPU, computed in float32): Memory Caching run
 * through the batched forward for many keys and rounds equals the CPU reader (1e-5 relative) and the
 * float64 oracle (1e-4); the LRU hits, evicts, forgets owners and keeps owners apart. Runs everywhere;
 * {@link CudaCacheReaderGpuTest} runs the real device.
 */
class CudaCacheReaderTest {

    private static final long MEMORY = 64L << 20;
    private static final double TOL_CPU = 1e-5;
    private static final double TOL_64 = 1e-4;

    /** K*V*H = 30 floats: not a multiple of 4, so pool slots are padded. */
    private static CellSpec odd(CellKind kind) {
        return CellSpec.of(kind, 2, 5, 3, 4);
    }

    private static CellSpec spec(CellKind kind) {
        return CellSpec.of(kind, 2, 8, 6, 4);
    }

    private static CudaCacheReader open(CellSpec spec, CudaCacheReader.Options options, int slotsPerBlock) {
        return CudaCacheReader.emulated(spec, options, MEMORY, slotsPerBlock);
    }

    private static CudaCacheReader open(CellSpec spec) {
        return open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(1L << 20), 0);
    }

    private static CachingSettings settings(ReadVariant read, int segment) {
        return CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, segment).withRead(read).withTopK(2);
    }

    // ------------------------------------------------------------------------------------------
    // Direct reads

    @Test
    void directReadsEqualTheCellReadForManyRowCounts() {
        CellSpec spec = odd(CellKind.GATED_DELTA);
        MemoryCell cell = Cells.recurrent(spec);
        try (CudaCacheReader reader = open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(1L << 20), 3)) {
            SplittableRandom r = new SplittableRandom(5);
            InMemoryCacheStore store = new InMemoryCacheStore();
            for (int id = 0; id < 7; id++) {
                store.store(id, McReadChecks.randomState(spec, 100 + id));
            }
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            for (int call = 0; call < 3; call++) {
                List<CacheRead> reads = new ArrayList<>();
                List<float[]> expected = new ArrayList<>();
                List<double[]> exact = new ArrayList<>();
                for (int x = 0; x < 12; x++) {
                    int id = r.nextInt(7);
                    int rows = 1 + r.nextInt(9);
                    // q and out longer than needed: only the first rows*H*K / rows*H*V are used / written
                    float[] q = McReadChecks.gaussian(rows * hk + 5, call * 100L + x);
                    float[] out = new float[rows * hv + 4];
                    Arrays.fill(out, 7f);
                    reads.add(new CacheRead(new Owner("k" + (id % 2)), summary(id, 0), store, q, rows, out));
                    float[] want = new float[rows * hv];
                    cell.read(store.peek(id), q, rows, want);
                    expected.add(want);
                    exact.add(McReadChecks.float64Read(spec, store.peek(id).data(), q, rows));
                }
                reader.read(reads);
                for (int x = 0; x < reads.size(); x++) {
                    float[] out = reads.get(x).out();
                    double e = Float64Reference.relError(out, expected.get(x));
                    assertTrue(e <= TOL_CPU, "read " + x + " vs cell.read: " + e);
                    assertTrue(Float64Reference.relError(out, exact.get(x)) <= TOL_64);
                    for (int t = expected.get(x).length; t < out.length; t++) {
                        assertEquals(7f, out[t], "out beyond rows*H*V must stay untouched");
                    }
                }
            }
            CudaCacheReader.Stats s = reader.stats();
            assertEquals(36, s.reads());
            assertTrue(s.misses() <= 14, "at most 7 ids x 2 owners are loaded: " + s);
            assertEquals(36, s.hits() + s.misses());
            assertTrue(s.hits() > 0, s.toString());
        }
    }

    private static CacheSummary summary(long id, long start) {
        return new CacheSummary(id, start, start + 1, 1, new double[0], new double[0], 0L, 0, 0, 0);
    }

    @Test
    void readsPassingTheSameQueriesShareOneUploadedCopy() {
        CellSpec spec = spec(CellKind.DELTA);
        InMemoryCacheStore store = new InMemoryCacheStore();
        for (int id = 0; id < 4; id++) {
            store.store(id, McReadChecks.randomState(spec, 10 + id));
        }
        int hk = spec.heads() * spec.keyDim();
        int hv = spec.heads() * spec.valueDim();
        float[] q = McReadChecks.gaussian(5 * hk, 3);
        long[] uploaded = new long[2];
        List<float[]> outs = new ArrayList<>();
        for (int shared = 0; shared < 2; shared++) {
            try (CudaCacheReader reader = open(spec)) {
                List<CacheRead> reads = new ArrayList<>();
                for (int id = 0; id < 4; id++) {
                    reads.add(new CacheRead(new Owner("a"), summary(id, 0), store, shared == 1 ? q : q.clone(), 5,
                            new float[5 * hv]));
                }
                // a read of the same array with fewer rows gets a region of its own
                reads.add(new CacheRead(new Owner("a"), summary(0, 0), store, q, 2, new float[2 * hv]));
                reader.read(reads);
                uploaded[shared] = reader.stats().uploadedBytes();
                for (CacheRead r : reads) {
                    outs.add(r.out());
                }
            }
        }
        assertEquals(uploaded[0] - 3L * 5 * hk * 4, uploaded[1], "three copies of q [5,H,K] saved");
        for (int x = 0; x < 5; x++) {
            assertTrue(Arrays.equals(outs.get(x), outs.get(5 + x)), "read " + x);
        }
        float[] want = new float[2 * hv];
        Cells.recurrent(spec).read(store.peek(0), q, 2, want);
        assertTrue(Float64Reference.relError(outs.get(9), want) <= TOL_CPU);
    }

    // ------------------------------------------------------------------------------------------
    // Memory Caching through the batched forward

    @ParameterizedTest
    @EnumSource(value = ReadVariant.class, names = {"RESIDUAL", "GRM", "SSC", "SOUP"})
    void batchedForwardMatchesCpuAndFloat64(ReadVariant read) {
        for (CellKind kind : new CellKind[] {CellKind.GATED_DELTA, CellKind.LINEAR}) {
            CellSpec spec = kind == CellKind.LINEAR ? odd(kind) : spec(kind);
            try (CudaCacheReader reader = open(spec)) {
                Driver d = new Driver(spec, settings(read, 5), reader, TOL_CPU, TOL_64).keys(9, "key");
                d.rounds(6, 9, 11 + read.ordinal());
                CudaCacheReader.Stats s = reader.stats();
                assertTrue(s.reads() > 50 && s.hits() > 0, "the rounds read caches, some of them again: " + s);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void everyMatrixCellWithSparseSelectiveCaching(CellKind kind) {
        CellSpec spec = spec(kind);
        try (CudaCacheReader reader = open(spec)) {
            new Driver(spec, settings(ReadVariant.SSC, 3), reader, TOL_CPU, TOL_64).keys(6, "k").rounds(5, 8, 3);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Segmentation.class)
    void mergedCachesGetNewContentKeysAndAreNeverReadStale(Segmentation segmentation) {
        // independent carry-over: a merge rewrites the kept (newer) id's content to exp(G_B) C_A + C_B and
        // widens its start. With a cap of 2 and MERGE_OLDEST the kept id has been read before the merge,
        // so only the start in the content key tells the new content from the old.
        CellSpec spec = spec(CellKind.GATED_LINEAR);
        CachingSettings s = CachingSettings.defaults().withSegmentation(segmentation, 3)
                .withCarryOver(CarryOver.INDEPENDENT).withRead(ReadVariant.RESIDUAL)
                .withCap(2, CachingSettings.Eviction.MERGE_OLDEST);
        try (CudaCacheReader reader = open(spec)) {
            Recording rec = new Recording(reader);
            Driver d = new Driver(spec, s, rec, TOL_CPU, TOL_64).keys(5, "m");
            d.rounds(8, 7, 21);
            assertEquals(rec.keys.size(), reader.stats().misses(),
                    "each distinct content key is loaded once when the pool holds them all");
            assertEquals(rec.loads, reader.stats().misses(), "a hit never loads from the store");
            long merged = rec.keys.stream().map(k -> k.owner() + ":" + k.id()).distinct().count();
            assertTrue(merged < rec.keys.size(), "some id was read with two different starts");
        }
    }

    @Test
    void hitsSkipTheStoreAndTheUpload() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (CudaCacheReader reader = open(spec)) {
            Recording rec = new Recording(reader);
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 4), rec, TOL_CPU, TOL_64).keys(8, "h");
            d.rounds(6, 10, 31);
            CudaCacheReader.Stats s = reader.stats();
            assertEquals(rec.reads, s.reads());
            assertEquals(rec.keys.size(), s.misses(), s.toString());
            assertEquals(s.reads(), s.hits() + s.misses());
            assertEquals(rec.loads, s.misses());
            assertTrue(s.hits() > s.misses(), "residual reads of old caches hit: " + s);
            assertEquals(0, s.evictions());
            assertEquals(rec.keys.size(), s.residentCaches());
            long stateBytes = 4L * spec.heads() * spec.keyDim() * spec.valueDim();
            assertEquals(s.residentCaches() * stateBytes, s.residentBytes());
            assertTrue(s.uploadedBytes() >= s.misses() * stateBytes);
            assertEquals(rec.nonEmptyCalls, s.passes(), "one pass per call under the default staging budget");
        }
    }

    @Test
    void aSmallPoolEvictsAndStaysExact() {
        CellSpec spec = odd(CellKind.DELTA);
        long slot = 4L * 32; // 30 floats padded to 32
        try (CudaCacheReader reader = open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(3 * slot), 2)) {
            assertEquals(3, reader.capacityCaches());
            Recording rec = new Recording(reader);
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 3), rec, TOL_CPU, TOL_64).keys(6, "e");
            d.rounds(6, 9, 41);
            CudaCacheReader.Stats s = reader.stats();
            assertTrue(s.evictions() > 0, s.toString());
            assertTrue(s.residentCaches() <= 3);
            assertTrue(s.passes() > s.calls(), "calls needing more than 3 caches run in several passes: " + s);
            assertEquals(rec.loads, s.misses());
        }
    }

    @Test
    void aPoolOfOneCacheAndATinyStagingBudgetStillReadEverything() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        long slot = 4L * spec.heads() * spec.keyDim() * spec.valueDim();
        try (CudaCacheReader reader = open(spec, new CudaCacheReader.Options(slot, 64, false), 1)) {
            new Driver(spec, settings(ReadVariant.GRM, 3), reader, TOL_CPU, TOL_64).keys(4, "t").rounds(4, 7, 51);
            CudaCacheReader.Stats s = reader.stats();
            assertEquals(s.reads(), s.passes(), "a 64-byte budget runs one read per pass: " + s);
        }
    }

    @Test
    void ownersWithEqualIdsAndStartsNeverShareCaches() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (CudaCacheReader reader = open(spec)) {
            Recording rec = new Recording(reader);
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 4), rec, TOL_CPU, TOL_64).keys(2, "twin");
            // both keys take chunks of the same lengths (so their caches have the same ids and starts)
            // but different tokens
            for (int round = 0; round < 5; round++) {
                d.round(new int[] {6, 6}, 61 + round);
            }
            assertEquals(rec.keys.size(), reader.stats().residentCaches());
            long ids = rec.keys.stream().map(k -> k.id() + ":" + k.start()).distinct().count();
            assertEquals(rec.keys.size(), 2 * ids, "every (id, start) was read for both owners");
        }
    }

    @Test
    void forgetDropsOnlyThatOwnerAndARestartedKeyReadsItsNewCaches() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (CudaCacheReader reader = open(spec)) {
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 4), reader, TOL_CPU, TOL_64).keys(3, "f");
            for (int round = 0; round < 4; round++) {
                d.round(new int[] {5, 5, 5}, 71 + round);
            }
            Owner gone = d.keys.get(1).owner;
            CacheSummary c0 = d.keys.get(1).dev.caches().get(0);
            CacheRead.ContentKey k0 = new CacheRead.ContentKey(gone, c0.id(), c0.start());
            CacheRead.ContentKey other = new CacheRead.ContentKey(d.keys.get(0).owner, c0.id(), c0.start());
            assertTrue(reader.isResident(k0) && reader.isResident(other));
            long owned = d.keys.get(1).dev.caches().stream()
                    .filter(c -> reader.isResident(new CacheRead.ContentKey(gone, c.id(), c.start()))).count();
            int before = reader.stats().residentCaches();
            reader.forget(gone);
            assertFalse(reader.isResident(k0));
            assertTrue(reader.isResident(other), "other owners keep their caches");
            assertEquals(before - owned, reader.stats().residentCaches());
            // the key restarts from position 0 with new tokens: the same ids and starts, new content
            d.keys.get(1).restart(d.devMc, d.settings, spec);
            for (int round = 0; round < 4; round++) {
                d.round(new int[] {5, 5, 5}, 171 + round);
            }
        }
    }

    @Test
    void withoutForgetARestartedKeyWouldReadItsOldCaches() {
        // shows that hits really come from the device pool: a restart without forget() serves the old
        // content (this is the misuse forget() exists for)
        CellSpec spec = spec(CellKind.LINEAR);
        try (CudaCacheReader reader = open(spec)) {
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 4), reader, Double.MAX_VALUE, Double.MAX_VALUE)
                    .keys(1, "s");
            for (int round = 0; round < 3; round++) {
                d.round(new int[] {5}, 81 + round);
            }
            d.keys.get(0).restart(d.devMc, d.settings, spec);
            double e = 0;
            for (int round = 0; round < 3; round++) {
                e = Math.max(e, d.round(new int[] {5}, 181 + round).vsCpu());
            }
            assertTrue(e > 1e-2, "stale caches give different reads: " + e);
        }
    }

    @Test
    void readsWithoutOwnerAreNotKept() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        MemoryCell cell = Cells.recurrent(spec);
        try (CudaCacheReader reader = open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(1L << 20), 2)) {
            InMemoryCacheStore store = new InMemoryCacheStore();
            store.store(0, McReadChecks.randomState(spec, 1));
            store.store(1, McReadChecks.randomState(spec, 2));
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            for (int call = 0; call < 2; call++) {
                List<CacheRead> reads = new ArrayList<>();
                for (int x = 0; x < 4; x++) {
                    reads.add(new CacheRead(null, summary(x % 2, 0), store, McReadChecks.gaussian(3 * hk, x), 3,
                            new float[3 * hv]));
                }
                reader.read(reads);
                for (CacheRead r : reads) {
                    float[] want = new float[3 * hv];
                    cell.read(store.peek(r.cache().id()), r.q(), 3, want);
                    assertTrue(Float64Reference.relError(r.out(), want) <= TOL_CPU);
                }
            }
            CudaCacheReader.Stats s = reader.stats();
            assertEquals(0, s.residentCaches());
            assertEquals(8, s.misses());
            assertEquals(0, s.hits());
            assertEquals(8, store.loads());
        }
    }

    @Test
    void aFailedLoadLeavesNoHalfLoadedCacheBehind() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        MemoryCell cell = Cells.recurrent(spec);
        try (CudaCacheReader reader = open(spec)) {
            InMemoryCacheStore good = new InMemoryCacheStore();
            good.store(0, McReadChecks.randomState(spec, 1));
            CacheStore broken = new CacheStore() {
                @Override
                public CellState load(long id) {
                    throw new IllegalStateException("store down");
                }

                @Override
                public void store(long id, CellState state) {
                }

                @Override
                public void remove(long id) {
                }
            };
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            Owner a = new Owner("a");
            List<CacheRead> reads = List.of(
                    new CacheRead(a, summary(0, 0), good, McReadChecks.gaussian(2 * hk, 1), 2, new float[2 * hv]),
                    new CacheRead(new Owner("b"), summary(0, 0), broken, McReadChecks.gaussian(2 * hk, 2), 2, new float[2 * hv]));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> reader.read(reads));
            assertEquals("store down", e.getMessage());
            assertFalse(reader.isResident(new CacheRead.ContentKey(a, 0, 0)),
                    "the failed pass's caches were never uploaded, so they are not kept");
            // the next call loads it again and reads the right values
            CacheRead again = new CacheRead(a, summary(0, 0), good, McReadChecks.gaussian(2 * hk, 3), 2, new float[2 * hv]);
            reader.read(List.of(again));
            float[] want = new float[2 * hv];
            cell.read(good.peek(0), again.q(), 2, want);
            assertTrue(Float64Reference.relError(again.out(), want) <= TOL_CPU);
            assertTrue(reader.isResident(again.contentKey()));
        }
    }

    @Test
    void moreProductsThanOneBatchedCallTakesAreCutIntoSeveralCalls() {
        CellSpec spec = odd(CellKind.DELTA);
        MemoryCell cell = Cells.recurrent(spec);
        int hk = spec.heads() * spec.keyDim();
        int hv = spec.heads() * spec.valueDim();
        int n = CudaCacheReader.MAX_BATCH / spec.heads() + 7; // one row count, one pass: > MAX_BATCH (read, head) pairs
        try (CudaCacheReader reader = open(spec)) {
            InMemoryCacheStore store = new InMemoryCacheStore();
            for (int id = 0; id < 5; id++) {
                store.store(id, McReadChecks.randomState(spec, 300 + id));
            }
            float[] q = McReadChecks.gaussian(n * hk, 41);
            List<CacheRead> reads = new ArrayList<>();
            Owner o = new Owner("k");
            for (int x = 0; x < n; x++) {
                reads.add(new CacheRead(o, summary(x % 5, 0), store, Arrays.copyOfRange(q, x * hk, (x + 1) * hk), 1, new float[hv]));
            }
            reader.read(reads);
            assertEquals(1, reader.stats().passes());
            float[] want = new float[hv];
            for (int x = 0; x < n; x++) {
                CacheRead r = reads.get(x);
                cell.read(store.peek(x % 5), r.q(), 1, want);
                assertTrue(Float64Reference.relError(r.out(), want) <= TOL_CPU, "read " + x);
            }
        }
    }

    @Test
    void aLoadFailingWithAnErrorGivesItsSlotBack() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        MemoryCell cell = Cells.recurrent(spec);
        long slotBytes = 4L * spec.heads() * spec.keyDim() * spec.valueDim();
        // a pool of exactly one cache: a slot lost by the failed load would leave none for the next read
        try (CudaCacheReader reader = open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(slotBytes), 0)) {
            assertEquals(1, reader.capacityCaches());
            CacheStore failing = new CacheStore() {
                @Override
                public CellState load(long id) {
                    throw new AssertionError("store corrupted");
                }

                @Override
                public void store(long id, CellState state) {
                }

                @Override
                public void remove(long id) {
                }
            };
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            CacheRead bad = new CacheRead(new Owner("a"), summary(0, 0), failing, McReadChecks.gaussian(hk, 1), 1, new float[hv]);
            assertThrows(AssertionError.class, () -> reader.read(List.of(bad)));
            InMemoryCacheStore good = new InMemoryCacheStore();
            good.store(0, McReadChecks.randomState(spec, 2));
            CacheRead next = new CacheRead(new Owner("b"), summary(0, 0), good, McReadChecks.gaussian(hk, 3), 1, new float[hv]);
            reader.read(List.of(next));
            float[] want = new float[hv];
            cell.read(good.peek(0), next.q(), 1, want);
            assertTrue(Float64Reference.relError(next.out(), want) <= TOL_CPU);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Arguments and the plug-in function

    @Test
    void rejectsSpecsWithoutALinearReadNamingThem() {
        IllegalArgumentException deep = assertThrows(IllegalArgumentException.class,
                () -> CudaCacheReader.emulated(CellSpec.of(CellKind.DEEP, 1, 8, 8, 8), CudaCacheReader.Options.defaults(), MEMORY, 0));
        assertTrue(deep.getMessage().contains("deep"), deep.getMessage());
        IllegalArgumentException norm = assertThrows(IllegalArgumentException.class,
                () -> CudaCacheReader.emulated(spec(CellKind.LINEAR).withNormalize(true), CudaCacheReader.Options.defaults(), MEMORY, 0));
        assertTrue(norm.getMessage().contains("linear with the normaliser"), norm.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CudaCacheReaderFunction().apply(spec(CellKind.DELTA).withNormalize(true)));
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> CudaCacheReader.emulated(spec(CellKind.DELTA), CudaCacheReader.Options.defaults().withCapacityBytes(100), MEMORY, 0));
        assertTrue(small.getMessage().contains("holds no cache"), small.getMessage());
    }

    @Test
    void rejectsShortQueriesAndOutputsBeforeTouchingTheDevice() {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        try (CudaCacheReader reader = open(spec)) {
            InMemoryCacheStore store = new InMemoryCacheStore();
            store.store(0, McReadChecks.randomState(spec, 1));
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            IllegalArgumentException q = assertThrows(IllegalArgumentException.class, () -> reader.read(List.of(
                    new CacheRead(new Owner("a"), summary(0, 0), store, new float[2 * hk - 1], 2, new float[2 * hv]))));
            assertTrue(q.getMessage().contains("q has"), q.getMessage());
            IllegalArgumentException o = assertThrows(IllegalArgumentException.class, () -> reader.read(List.of(
                    new CacheRead(new Owner("a"), summary(0, 0), store, new float[2 * hk], 2, new float[2 * hv - 1]))));
            assertTrue(o.getMessage().contains("out has"), o.getMessage());
            InMemoryCacheStore wrong = new InMemoryCacheStore();
            wrong.store(0, new CellState(5));
            IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> reader.read(List.of(
                    new CacheRead(new Owner("a"), summary(0, 0), wrong, new float[2 * hk], 2, new float[2 * hv]))));
            assertTrue(w.getMessage().contains("expected " + spec.heads() * spec.keyDim() * spec.valueDim()), w.getMessage());
            assertEquals(0, store.loads());
            assertEquals(0, reader.stats().residentCaches());
        }
    }

    @Test
    void theFunctionOpensTheDeviceOrNamesWhatIsMissing() throws Exception {
        CellSpec spec = spec(CellKind.GATED_DELTA);
        String missing = CudaCacheReader.unavailableReason();
        if (missing != null) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CudaCacheReaderFunction().apply(spec));
            assertTrue(e.getMessage().contains("keymem.batch.cache-reader") && e.getMessage().contains("needs a CUDA device")
                    && e.getMessage().contains(missing), e.getMessage());
        } else {
            CacheReader r = new CudaCacheReaderFunction().apply(spec);
            assertTrue(r instanceof CudaCacheReader);
            ((AutoCloseable) r).close();
        }
    }

    @Test
    void theFunctionIsSerializable() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new CudaCacheReaderFunction());
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertTrue(in.readObject() instanceof CudaCacheReaderFunction);
        }
    }

    @Test
    void aClosedReaderRefusesReads() {
        CudaCacheReader reader = open(spec(CellKind.LINEAR));
        reader.close();
        reader.close();
        assertThrows(IllegalStateException.class, () -> reader.read(List.of()));
        assertNotEquals("", reader.name());
    }
}
