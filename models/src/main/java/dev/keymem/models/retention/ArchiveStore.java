package dev.keymem.models.retention;

import java.util.function.Consumer;

/**
 * T3: where one key's archived tokens live, one entry per token position (the Flink operator backs it
 * with a RocksDB MapState scoped to the current key). {@link #put} takes ownership of the entry; entries
 * handed out must not be modified by the caller. The model scans the archive at most once per block
 * close (for the T3 recall), never per token.
 */
public interface ArchiveStore {

    void put(RetainedToken token);

    /** The entry at this position; throws IllegalStateException when absent. */
    RetainedToken get(long position);

    void remove(long position);

    /** Visits every entry, in any order. */
    void forEach(Consumer<RetainedToken> visitor);
}
