package dev.keymem.models.bmojo;

import java.util.List;

/**
 * Long-term storage of one key's evicted eidetic entries (the storage seam: the Flink operator backs
 * it with a RocksDB MapState scoped to the current key, keyed by
 * {@link EideticEntry#archiveKey(int, long, int)}). B'MOJO only puts entries and asks for the nearest
 * ones; it never reads the archive otherwise, so the archive's growth (TTL, caps) is the storage's
 * business.
 */
public interface EideticArchive {

    /** Stores an evicted entry; (head, position) is never put twice. Takes ownership of the arrays. */
    void put(EideticEntry entry);

    /**
     * The k entries of {@code head} with the largest dot product {@code query . key} (query at
     * {@code query[offset .. offset+K)}), best first; ties: the lower position first. Fewer when the
     * archive holds fewer. The returned arrays must not be modified by the caller.
     */
    List<EideticEntry> nearest(int head, float[] query, int offset, int k);

    /** Entries stored (all heads). */
    long size();

    /**
     * The ranking every implementation must follow: larger dot product first, then lower position.
     * The dot product is accumulated in double in index order.
     */
    static double score(float[] query, int offset, float[] key) {
        double d = 0;
        for (int i = 0; i < key.length; i++) {
            d += (double) query[offset + i] * key[i];
        }
        return d;
    }
}
