package dev.keymem.models.caching;

import java.util.Objects;

/**
 * One request to a {@link CacheReader}: read the frozen cache {@code cache} of key {@code owner} with
 * {@code rows} queries {@code q [rows,H,K]} and write {@code out [rows,H,V]} (overwritten, not added to).
 *
 * <p>The cached state itself is loaded through {@code store} only if the reader needs it (a device
 * reader that still holds the cache skips the load). A cache's content is identified by
 * {@link #contentKey()}: the owner, the cache id and the first position it summarises (a merge keeps the
 * newer id but widens its span, so a merged cache gets a new content key). Owners are the caller's key
 * objects; {@code null} when the caller names no key (the reader then must not keep the cache).
 */
public record CacheRead(Object owner, CacheSummary cache, CacheStore store, float[] q, int rows, float[] out) {

    public CacheRead {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(out, "out");
        if (rows <= 0) {
            throw new IllegalArgumentException("a cache read needs at least one query row, got " + rows);
        }
    }

    /** What identifies the cache's content among all reads of one reader. */
    public ContentKey contentKey() {
        return new ContentKey(owner, cache.id(), cache.start());
    }

    /** See {@link CacheRead#contentKey()}. */
    public record ContentKey(Object owner, long id, long start) {
    }
}
