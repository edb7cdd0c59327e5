package dev.keymem.models.bmojo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Long-term storage of one key's evicted eidetic entries (the storage seam: the Flink operator backs
 * it with a RocksDB MapState scoped to the current key, keyed by
 * {@link EideticEntry#archiveKey(int, long, int)}). An implementation needs only {@link #put},
 * {@link #forEach} and {@link #size}; the ranking of {@link #nearest} is defined here once (an
 * implementation may override it for speed but must return exactly the same list). B'MOJO puts
 * evicted entries and asks for the nearest ones once per retrieval block (every R positions, per head);
 * it never removes entries, so the archive's growth (TTL, caps) is the storage's business.
 */
public interface EideticArchive {

    /** Stores an evicted entry; (head, position) is never put twice. Takes ownership of the arrays. */
    void put(EideticEntry entry);

    /** Visits every entry of {@code head}, in any order. Entries handed out must not be modified. */
    void forEach(int head, Consumer<EideticEntry> visitor);

    /** Entries stored (all heads). */
    long size();

    /**
     * The k entries of {@code head} with the largest {@link #score} against the query at
     * {@code query[offset .. offset+K)}, best first; ties: the lower position first. Fewer when the
     * archive holds fewer.
     */
    default List<EideticEntry> nearest(int head, float[] query, int offset, int k) {
        if (k <= 0) {
            return List.of();
        }
        List<EideticEntry> best = new ArrayList<>(k + 1);
        List<Double> scores = new ArrayList<>(k + 1);
        forEach(head, e -> {
            double s = score(query, offset, e.key());
            int at = best.size();
            while (at > 0 && better(s, e.position(), scores.get(at - 1), best.get(at - 1).position())) {
                at--;
            }
            if (at < k) {
                best.add(at, e);
                scores.add(at, s);
                if (best.size() > k) {
                    best.remove(k);
                    scores.remove(k);
                }
            }
        });
        return best;
    }

    /** The retrieval score: the dot product query . key, accumulated in double in index order. */
    static double score(float[] query, int offset, float[] key) {
        double d = 0;
        for (int i = 0; i < key.length; i++) {
            d += (double) query[offset + i] * key[i];
        }
        return d;
    }

    /** Whether (score s, position p) ranks before (t, q): larger score, then lower position. */
    static boolean better(double s, long p, double t, long q) {
        return s > t || (s == t && p < q);
    }
}
