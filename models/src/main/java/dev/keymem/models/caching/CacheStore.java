package dev.keymem.models.caching;

import dev.keymem.models.cells.CellState;

/**
 * Where one key's cached states live, one entry per cache id (the Flink operator backs it with a
 * RocksDB MapState scoped to the current key, so SSC deserialises only the caches it routes to).
 * {@link #store} takes ownership of the state passed in; the state {@link #load} returns must not be
 * modified by the caller (Memory Caching only reads it).
 */
public interface CacheStore {

    /** The cached state with this id; throws IllegalStateException when absent. */
    CellState load(long cacheId);

    void store(long cacheId, CellState state);

    void remove(long cacheId);
}
