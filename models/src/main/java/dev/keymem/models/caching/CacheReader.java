package dev.keymem.models.caching;

import dev.keymem.models.cells.MemoryCell;
import java.util.List;
import java.util.Objects;

/**
 * The read seam of Memory Caching: performs many {@link CacheRead}s (caches of many keys, each with
 * its own query rows) in one call. The CPU form reads cache after cache with the cell's
 * {@link MemoryCell#read}; a device form (the cuda module) packs the reads into one device step and may
 * keep hot caches on the device between calls, which is safe because a cache is frozen: its content
 * never changes under one {@link CacheRead#contentKey()}.
 */
public interface CacheReader {

    String name();

    /** Performs every read; each writes its own {@code out}. Reads are independent of each other. */
    void read(List<CacheRead> reads);

    /**
     * The caller starts {@code owner} afresh (a new or expired key): anything kept for that owner must be
     * dropped, since its cache ids start again from 0.
     */
    default void forget(Object owner) {
    }

    /** The CPU form: {@link MemoryCell#read} per request, loading each cache from its store. */
    static CacheReader of(MemoryCell cell) {
        Objects.requireNonNull(cell, "cell");
        return new CacheReader() {
            @Override
            public String name() {
                return "cpu:" + cell.getClass().getSimpleName();
            }

            @Override
            public void read(List<CacheRead> reads) {
                for (CacheRead r : reads) {
                    cell.read(r.store().load(r.cache().id()), r.q(), r.rows(), r.out());
                }
            }
        };
    }
}
