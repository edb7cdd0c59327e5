package dev.keymem.cuda;

import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.cells.CellSpec;
import java.io.Serializable;
import java.util.function.Function;

/**
 * Plugs the CUDA Memory Caching reads into the batched keyed operator without the operators module
 * depending on CUDA: set {@code keymem.batch.cache-reader: dev.keymem.cuda.CudaCacheReaderFunction} and
 * put the keymem-cuda jar (with the JavaCPP CUDA presets) on the task managers' classpath. Each operator
 * instance opens device 0 with {@link CudaCacheReader.Options#defaults()} (FP32 products, a quarter of
 * the free device memory, at most 4 GiB, for resident caches). The reader it returns is
 * {@link AutoCloseable}: close it with the operator instance (that frees its device pool).
 *
 * <p>Only the matrix cells with a linear read are supported (linear, gated_linear, delta, gated_delta,
 * no normaliser); another spec is rejected with an IllegalArgumentException naming it. Without a usable
 * CUDA device {@link #apply} throws an IllegalStateException naming what is missing (natives, driver,
 * device).
 */
public final class CudaCacheReaderFunction implements Function<CellSpec, CacheReader>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public CacheReader apply(CellSpec spec) {
        CudaCacheReader.checkSpec(spec);
        String missing = CudaCacheReader.unavailableReason();
        if (missing != null) {
            throw new IllegalStateException("keymem.batch.cache-reader " + getClass().getName()
                    + " needs a CUDA device: " + missing);
        }
        return CudaCacheReader.open(spec, CudaCacheReader.Options.defaults());
    }
}
