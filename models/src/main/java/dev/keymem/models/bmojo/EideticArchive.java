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
 * evicted entries and asks for the nearest ones once per retrieval block (every R positions, per head).
 * With {@link BmojoSettings#archiveCap()} &gt; 0, B'MOJO itself bounds each head's archive: before
 * putting into a head that already holds archiveCap entries it asks for {@link #lowest} and either
 * {@link #remove}s that entry or drops the new one (the rule is {@link #dropsBefore}); an
 * implementation only has to store, count and remove, so every implementation keeps exactly the same
 * entries. With archiveCap 0 nothing is ever removed and growth is the storage's business (TTL).
 */
public interface EideticArchive {

    /** Stores an evicted entry; (head, position) is never put twice. Takes ownership of the arrays. */
    void put(EideticEntry entry);

    /** Visits every entry of {@code head}, in any order. Entries handed out must not be modified. */
    void forEach(int head, Consumer<EideticEntry> visitor);

    /** Entries stored (all heads). */
    long size();

    /** Entries stored for {@code head}; the default counts them with {@link #forEach}. */
    default long size(int head) {
        long[] n = {0};
        forEach(head, e -> n[0]++);
        return n[0];
    }

    /**
     * Removes the entry of {@code head} at {@code position} (B'MOJO calls it only for an entry the archive
     * holds, when its cap drops it). Archives used only with an unbounded cap need not support it.
     */
    default void remove(int head, long position) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot remove entries: use it with "
                + "archiveCap 0 (unbounded)");
    }

    /**
     * The entry of {@code head} that the cap drops first ({@link #dropsBefore} against every other entry
     * of the head), or null when the head holds none. The default scans with {@link #forEach}.
     */
    default EideticEntry lowest(int head) {
        EideticEntry[] low = {null};
        forEach(head, e -> {
            if (low[0] == null || dropsBefore(e, low[0])) {
                low[0] = e;
            }
        });
        return low[0];
    }

    /**
     * The cap's drop order: whether {@code a} is dropped before {@code b}: lower innovation, then (equal
     * innovations, compared as {@link Float#compare}) the older, i.e. the lower position. A total order
     * on the entries of one head (positions are unique there), so the dropped entry never depends on
     * storage iteration order or on chunking.
     */
    static boolean dropsBefore(EideticEntry a, EideticEntry b) {
        int c = Float.compare(a.innovation(), b.innovation());
        return c < 0 || (c == 0 && a.position() < b.position());
    }

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
