package dev.keymem.cuda;

import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Test-local plug-ins for the batched operator's {@code keymem.batch.advancer} and
 * {@code keymem.batch.cache-reader} options: the CUDA classes ({@link CudaGatedDelta},
 * {@link ResidentCudaAdvancer}, {@link CudaCacheReader}) on the plain-Java {@link EmulatedDevice}, so the
 * operator wiring runs in CI without a GPU. Shapes are those of GpuOperatorEmulatedTest: chunk 16, a
 * resident cache of 5 keys (fewer than the test's keys, so it evicts), reader pools of 64 caches (keeps
 * every key's caches) or 6 (evicts). Every instance the operator opens is recorded in
 * {@link #OPENED} so the test can check what the device saw.
 */
public final class EmulatedCudaFunctions {

    /** Emulated device memory per instance. */
    static final long MEMORY = 32L << 20;
    static final int CHUNK = 16;
    static final int RESIDENT_KEYS = 5;

    /** Every advancer and reader the operator opened through these classes, in order. */
    static final List<Object> OPENED = new CopyOnWriteArrayList<>();

    private EmulatedCudaFunctions() {
    }

    static CudaGatedDelta.Options advancerOptions() {
        return new CudaGatedDelta.Options(CHUNK, CudaGatedDelta.Precision.FP32, RESIDENT_KEYS, 4L << 20);
    }

    /** The stateless {@link CudaGatedDelta} (states travel both ways every step), as CudaAdvancerFunction. */
    public static final class Stateless implements Function<CellSpec, BatchAdvancer> {
        @Override
        public BatchAdvancer apply(CellSpec spec) {
            CudaGatedDelta a = CudaGatedDelta.emulated(spec, advancerOptions(), MEMORY);
            OPENED.add(a);
            return a;
        }
    }

    /** The resident, Flushable {@link ResidentCudaAdvancer}, as ResidentCudaAdvancerFunction. */
    public static final class Resident implements Function<CellSpec, BatchAdvancer> {
        @Override
        public BatchAdvancer apply(CellSpec spec) {
            ResidentCudaAdvancer a = new ResidentCudaAdvancer(CudaGatedDelta.emulated(spec, advancerOptions(), MEMORY));
            OPENED.add(a);
            return a;
        }
    }

    static CudaCacheReader reader(CellSpec spec, int caches) {
        long slot = 4L * spec.heads() * spec.keyDim() * spec.valueDim();
        CudaCacheReader r = CudaCacheReader.emulated(spec,
                CudaCacheReader.Options.defaults().withCapacityBytes(caches * slot), MEMORY, 0);
        OPENED.add(r);
        return r;
    }

    /** {@link CudaCacheReader} with room for 64 caches (keeps them all here), as CudaCacheReaderFunction. */
    public static final class Reader implements Function<CellSpec, CacheReader> {
        @Override
        public CacheReader apply(CellSpec spec) {
            return reader(spec, 64);
        }
    }

    /** {@link CudaCacheReader} with room for 6 caches only: it evicts and reloads within the run. */
    public static final class SmallReader implements Function<CellSpec, CacheReader> {
        @Override
        public CacheReader apply(CellSpec spec) {
            return reader(spec, 6);
        }
    }

    /**
     * A deliberately broken reader: {@link CudaCacheReader} whose {@code forget} is dropped, so a key that
     * starts again is served its expired caches. Used once to show the expiry scenario detects it.
     */
    public static final class ForgetfulReader implements Function<CellSpec, CacheReader> {
        @Override
        public CacheReader apply(CellSpec spec) {
            CudaCacheReader r = reader(spec, 64);
            return new Broken(r);
        }
    }

    private static final class Broken implements CacheReader, AutoCloseable {
        private final CudaCacheReader inner;

        Broken(CudaCacheReader inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "no-forget-" + inner.name();
        }

        @Override
        public void read(List<CacheRead> reads) {
            inner.read(reads);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
