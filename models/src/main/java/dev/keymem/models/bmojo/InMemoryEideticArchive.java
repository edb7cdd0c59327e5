package dev.keymem.models.bmojo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An {@link EideticArchive} in memory (tests, CPU use): one position-ordered map per head; a full scan per query. */
public final class InMemoryEideticArchive implements EideticArchive {
    private final Map<Integer, TreeMap<Long, EideticEntry>> heads = new TreeMap<>();
    private long size;
    private long queries;

    @Override
    public void put(EideticEntry entry) {
        TreeMap<Long, EideticEntry> m = heads.computeIfAbsent(entry.head(), h -> new TreeMap<>());
        if (m.putIfAbsent(entry.position(), entry) != null) {
            throw new IllegalStateException("archive already holds head " + entry.head() + " position "
                    + entry.position());
        }
        size++;
    }

    @Override
    public List<EideticEntry> nearest(int head, float[] query, int offset, int k) {
        queries++;
        TreeMap<Long, EideticEntry> m = heads.get(head);
        if (m == null || k <= 0) {
            return List.of();
        }
        List<EideticEntry> best = new ArrayList<>(k + 1);
        List<Double> scores = new ArrayList<>(k + 1);
        for (EideticEntry e : m.values()) { // ascending position: a later entry never beats an equal score
            double s = EideticArchive.score(query, offset, e.key());
            int at = best.size();
            while (at > 0 && scores.get(at - 1) < s) {
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
        }
        return best;
    }

    @Override
    public long size() {
        return size;
    }

    /** Retrieval queries answered so far. */
    public long queries() {
        return queries;
    }

    /** All entries of a head, oldest first. */
    public List<EideticEntry> entries(int head) {
        TreeMap<Long, EideticEntry> m = heads.get(head);
        return m == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(m.values()));
    }
}
