package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keymem.cuda.McReadChecks.Driver;
import dev.keymem.cuda.McReadChecks.Owner;
import dev.keymem.cuda.McReadChecks.Recording;
import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheSummary;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.testing.Float64Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link CudaCacheReader} on the real device (NVRTC-compiled kd_scatter, cuBLAS pointer-array batched
 * SGEMM, pinned transfers): Memory Caching through the batched forward for many keys and rounds against
 * the float64 oracle (1e-3 relative; FP32 products) and the CPU reader (1e-4), with evictions, several
 * pool blocks and passes, forget and restart. Skipped, with the reason printed, where no CUDA device is
 * usable (as on CI); {@link CudaCacheReaderTest} runs the same checks on the emulated device everywhere.
 */
class CudaCacheReaderGpuTest {

    private static final double TOL_CPU = 1e-4;
    private static final double TOL_64 = 1e-3;
    private static String missing;

    @BeforeAll
    static void probe() {
        missing = CudaCacheReader.unavailableReason();
        if (missing != null) {
            System.out.println("CudaCacheReaderGpuTest SKIPPED: " + missing);
        }
    }

    @BeforeEach
    void requireDevice() {
        assumeTrue(missing == null, () -> "no CUDA device usable here: " + missing);
    }

    private static CachingSettings settings(ReadVariant read, int segment) {
        return CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, segment).withRead(read).withTopK(2);
    }

    private static CudaCacheReader open(CellSpec spec) {
        return CudaCacheReader.open(spec, CudaCacheReader.Options.defaults().withCapacityBytes(256L << 20));
    }

    private static void report(String what, Driver d, CudaCacheReader reader) {
        System.out.println("GPU MC reads " + what + ": max rel error vs float64 " + d.worst.vsFloat64() + ", vs CPU reads "
                + d.worst.vsCpu() + " (CPU reads vs float64 " + d.worst.cpuVsFloat64() + "); " + reader.stats()
                + " on " + reader.name());
    }

    @ParameterizedTest
    @EnumSource(value = ReadVariant.class, names = {"RESIDUAL", "GRM", "SSC", "SOUP"})
    void batchedForwardMatchesFloat64(ReadVariant read) {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        try (CudaCacheReader reader = open(spec)) {
            Driver d = new Driver(spec, settings(read, 32), reader, TOL_CPU, TOL_64).keys(24, "key");
            d.rounds(5, 100, 301 + read.ordinal());
            assertTrue(reader.stats().hits() > 0 && reader.stats().misses() > 0, reader.stats().toString());
            report(read + " gated_delta H=4 K=V=64", d, reader);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void everyMatrixCellK128(CellKind kind) {
        CellSpec spec = CellSpec.of(kind, 4, 128, 128, 64);
        try (CudaCacheReader reader = open(spec)) {
            Driver d = new Driver(spec, settings(ReadVariant.SSC, 48), reader, TOL_CPU, TOL_64).keys(8, "k");
            d.rounds(4, 130, 311 + kind.ordinal());
            report("SSC " + kind.configName() + " H=4 K=V=128", d, reader);
        }
    }

    @Test
    void oddShapesPadTheirSlots() {
        for (CellSpec spec : new CellSpec[] {CellSpec.of(CellKind.DELTA, 3, 12, 20, 16), CellSpec.of(CellKind.LINEAR, 2, 5, 3, 4)}) {
            try (CudaCacheReader reader = open(spec)) {
                Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 5), reader, TOL_CPU, TOL_64).keys(10, "o");
                d.rounds(6, 17, 321);
                report("RESIDUAL odd shape H=" + spec.heads() + " K=" + spec.keyDim() + " V=" + spec.valueDim(), d, reader);
            }
        }
    }

    @Test
    void mergedCachesAreNeverReadStale() {
        CellSpec spec = CellSpec.of(CellKind.GATED_LINEAR, 4, 64, 64, 64);
        CachingSettings s = CachingSettings.defaults().withSegmentation(Segmentation.CONSTANT, 16)
                .withCarryOver(CarryOver.INDEPENDENT).withRead(ReadVariant.RESIDUAL)
                .withCap(2, CachingSettings.Eviction.MERGE_OLDEST);
        try (CudaCacheReader reader = open(spec)) {
            Recording rec = new Recording(reader);
            Driver d = new Driver(spec, s, rec, TOL_CPU, TOL_64).keys(12, "m");
            d.rounds(6, 40, 331);
            assertEquals(rec.keys.size(), reader.stats().misses());
            assertEquals(rec.loads, reader.stats().misses());
            report("merged independent caches", d, reader);
        }
    }

    @Test
    void aSmallPoolInSeveralBlocksEvictsAndStaysExact() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        long slot = 4L * 4 * 64 * 64;
        try (CudaCacheReader reader = CudaCacheReader.open(spec,
                new CudaCacheReader.Options(7 * slot, 2 * slot, false), 3)) {
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 16), reader, TOL_CPU, TOL_64).keys(6, "e");
            d.rounds(6, 60, 341);
            CudaCacheReader.Stats st = reader.stats();
            assertTrue(st.evictions() > 0 && st.passes() > st.calls(), st.toString());
            assertTrue(st.residentCaches() <= 7);
            report("7-cache pool in blocks of 3, 2-cache staging", d, reader);
        }
    }

    @Test
    void forgetAndRestart() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        try (CudaCacheReader reader = open(spec)) {
            Driver d = new Driver(spec, settings(ReadVariant.RESIDUAL, 16), reader, TOL_CPU, TOL_64).keys(3, "f");
            for (int round = 0; round < 4; round++) {
                d.round(new int[] {20, 20, 20}, 351 + round);
            }
            Owner gone = d.keys.get(1).owner;
            CacheSummary c0 = d.keys.get(1).dev.caches().get(0);
            reader.forget(gone);
            assertFalse(reader.isResident(new CacheRead.ContentKey(gone, c0.id(), c0.start())));
            assertTrue(reader.isResident(new CacheRead.ContentKey(d.keys.get(0).owner, c0.id(), c0.start())));
            d.keys.get(1).restart(d.devMc, d.settings, spec);
            for (int round = 0; round < 4; round++) {
                d.round(new int[] {20, 20, 20}, 451 + round);
            }
        }
    }

    @Test
    void manyDirectReadsOfManyRowCounts() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 64, 64, 64);
        try (CudaCacheReader reader = open(spec)) {
            SplittableRandom r = new SplittableRandom(361);
            InMemoryCacheStore store = new InMemoryCacheStore();
            for (int id = 0; id < 50; id++) {
                store.store(id, McReadChecks.randomState(spec, 500 + id));
            }
            int hk = spec.heads() * spec.keyDim();
            int hv = spec.heads() * spec.valueDim();
            double worst = 0;
            for (int call = 0; call < 3; call++) {
                List<CacheRead> reads = new ArrayList<>();
                List<double[]> exact = new ArrayList<>();
                for (int x = 0; x < 400; x++) {
                    int id = r.nextInt(50);
                    int rows = 1 + r.nextInt(r.nextBoolean() ? 8 : 300);
                    float[] q = McReadChecks.gaussian(rows * hk, call * 1000L + x);
                    reads.add(new CacheRead(new Owner("k" + (id % 3)), new CacheSummary(id, 0, 1, 1, new double[0],
                            new double[0], 0L, 0, 0, 0), store, q, rows, new float[rows * hv]));
                    exact.add(McReadChecks.float64Read(spec, store.peek(id).data(), q, rows));
                }
                reader.read(reads);
                for (int x = 0; x < reads.size(); x++) {
                    double e = Float64Reference.relError(reads.get(x).out(), exact.get(x));
                    assertTrue(e <= TOL_64, "call " + call + " read " + x + ": " + e);
                    worst = Math.max(worst, e);
                }
            }
            System.out.println("GPU direct reads (1200 reads, 1..300 rows): max rel error vs float64 " + worst + "; "
                    + reader.stats());
        }
    }

    @Test
    void tf32ProductsStayWithin1e2() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 4, 128, 128, 64);
        try (CudaCacheReader reader = CudaCacheReader.open(spec,
                CudaCacheReader.Options.defaults().withCapacityBytes(256L << 20).withTf32(true))) {
            Driver d = new Driver(spec, settings(ReadVariant.GRM, 32), reader, 1e-2, 1e-2).keys(8, "t");
            d.rounds(4, 100, 371);
            report("GRM TF32 K=V=128", d, reader);
        }
    }

    /**
     * Direct reads of {@code spec} (n reads of 1..maxRows rows over 20 caches, one call) against the
     * float64 oracle; returns the worst relative error.
     */
    private static double directReads(CudaCacheReader reader, CellSpec spec, int n, int maxRows, double tol, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        InMemoryCacheStore store = new InMemoryCacheStore();
        for (int id = 0; id < 20; id++) {
            store.store(id, McReadChecks.randomState(spec, seed + id));
        }
        int hk = spec.heads() * spec.keyDim();
        int hv = spec.heads() * spec.valueDim();
        List<CacheRead> reads = new ArrayList<>();
        List<double[]> exact = new ArrayList<>();
        for (int x = 0; x < n; x++) {
            int id = r.nextInt(20);
            int rows = 1 + r.nextInt(maxRows);
            float[] q = McReadChecks.gaussian(rows * hk, seed * 7919 + x);
            reads.add(new CacheRead(new Owner("k" + (id % 3)), new CacheSummary(id, 0, 1, 1, new double[0],
                    new double[0], 0L, 0, 0, 0), store, q, rows, new float[rows * hv]));
            exact.add(McReadChecks.float64Read(spec, store.peek(id).data(), q, rows));
        }
        reader.read(reads);
        double worst = 0;
        for (int x = 0; x < reads.size(); x++) {
            double e = Float64Reference.relError(reads.get(x).out(), exact.get(x));
            assertTrue(e <= tol, spec + " read " + x + ": " + e);
            worst = Math.max(worst, e);
        }
        return worst;
    }

    /**
     * TF32 (cuBLAS "fast native" math) with product pointers that are not 16-byte aligned: K % 4 == 0 but
     * V % 4 != 0 puts the output of every odd head at a 4- or 12-byte offset; K % 4 != 0 misaligns the
     * queries. cuBLAS documents alignment advice for pointer-array batched products in these modes; this
     * checks that the reader's pointers are accepted and the results right (no misaligned-address error).
     */
    @Test
    void tf32WithUnalignedProductPointers() {
        for (CellSpec spec : new CellSpec[] {CellSpec.of(CellKind.DELTA, 3, 8, 3, 16), CellSpec.of(CellKind.LINEAR, 3, 64, 5, 16),
            CellSpec.of(CellKind.GATED_DELTA, 2, 5, 3, 4), CellSpec.of(CellKind.DELTA, 3, 12, 20, 16)}) {
            try (CudaCacheReader reader = CudaCacheReader.open(spec,
                    CudaCacheReader.Options.defaults().withCapacityBytes(64L << 20).withTf32(true))) {
                double worst = directReads(reader, spec, 300, 40, 1e-2, 811);
                System.out.println("GPU TF32 unaligned " + spec + ": max rel error vs float64 " + worst);
            }
        }
    }

    /** One pass with far more (read, head) pairs than 65535 (the reader cuts them into several cuBLAS calls). */
    @Test
    void oneCallWithMoreThan65535Products() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 8, 16, 16, 16);
        try (CudaCacheReader reader = open(spec)) {
            double worst = directReads(reader, spec, 12000, 1, TOL_64, 9001); // one row count: one group of 96000 products
            assertEquals(1, reader.stats().passes(), "all reads in one pass");
            System.out.println("GPU 12000 reads x 8 heads in one pass: max rel error vs float64 " + worst + "; " + reader.stats());
        }
    }
}
