package dev.keymem.models.bmojo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@link EideticArchive} in memory (tests, CPU use): per head, the entries in arrival order with
 * their keys also packed in one flat array, so {@link #nearest} (overridden, same ranking as the
 * interface's) is one linear scan. Not thread-safe.
 */
public final class InMemoryEideticArchive implements EideticArchive {
    private final List<Head> heads = new ArrayList<>();
    private long size;
    private long queries;

    private static final class Head {
        final List<EideticEntry> entries = new ArrayList<>();
        final Set<Long> positions = new HashSet<>();
        float[] keys = new float[0];
        int keyDim = -1;
    }

    private Head head(int h, boolean create) {
        while (create && heads.size() <= h) {
            heads.add(new Head());
        }
        return h < heads.size() ? heads.get(h) : null;
    }

    @Override
    public void put(EideticEntry entry) {
        Head hd = head(entry.head(), true);
        if (!hd.positions.add(entry.position())) {
            throw new IllegalStateException("archive already holds head " + entry.head() + " position "
                    + entry.position());
        }
        int k = entry.key().length;
        if (hd.keyDim < 0) {
            hd.keyDim = k;
        } else if (hd.keyDim != k) {
            throw new IllegalArgumentException("entry key has " + k + " values, the archive's head " + entry.head()
                    + " holds keys of " + hd.keyDim);
        }
        int n = hd.entries.size();
        if ((n + 1) * k > hd.keys.length) {
            hd.keys = Arrays.copyOf(hd.keys, Math.max(16 * k, hd.keys.length * 2));
        }
        System.arraycopy(entry.key(), 0, hd.keys, n * k, k);
        hd.entries.add(entry);
        size++;
    }

    @Override
    public void remove(int head, long position) {
        Head hd = head(head, false);
        if (hd == null || !hd.positions.remove(position)) {
            throw new IllegalStateException("archive holds no entry of head " + head + " at position " + position);
        }
        int n = hd.entries.size();
        int i = 0;
        while (hd.entries.get(i).position() != position) {
            i++;
        }
        hd.entries.remove(i);
        int k = hd.keyDim;
        System.arraycopy(hd.keys, (i + 1) * k, hd.keys, i * k, (n - 1 - i) * k);
        size--;
    }

    @Override
    public long size(int head) {
        Head hd = head(head, false);
        return hd == null ? 0 : hd.entries.size();
    }

    @Override
    public List<EideticEntry> nearest(int head, float[] query, int offset, int k) {
        queries++;
        Head hd = head(head, false);
        if (hd == null || k <= 0 || hd.entries.isEmpty()) {
            return List.of();
        }
        int kd = hd.keyDim;
        int n = hd.entries.size();
        int[] best = new int[Math.min(k, n)];
        double[] bestScore = new double[best.length];
        int have = 0;
        for (int e = 0; e < n; e++) {
            double s = 0; // EideticArchive.score on the packed copy of the key
            int base = e * kd;
            for (int i = 0; i < kd; i++) {
                s += (double) query[offset + i] * hd.keys[base + i];
            }
            long pos = hd.entries.get(e).position();
            int at = have;
            while (at > 0 && better(s, pos, bestScore[at - 1], hd.entries.get(best[at - 1]).position())) {
                at--;
            }
            if (at < best.length) {
                int last = Math.min(have, best.length - 1);
                System.arraycopy(best, at, best, at + 1, last - at);
                System.arraycopy(bestScore, at, bestScore, at + 1, last - at);
                best[at] = e;
                bestScore[at] = s;
                have = Math.min(have + 1, best.length);
            }
        }
        List<EideticEntry> out = new ArrayList<>(have);
        for (int i = 0; i < have; i++) {
            out.add(hd.entries.get(best[i]));
        }
        return out;
    }

    private static boolean better(double s, long pos, double t, long tpos) {
        return EideticArchive.better(s, pos, t, tpos);
    }

    @Override
    public void forEach(int head, java.util.function.Consumer<EideticEntry> visitor) {
        Head hd = head(head, false);
        if (hd != null) {
            hd.entries.forEach(visitor);
        }
    }

    @Override
    public long size() {
        return size;
    }

    /** Retrieval queries answered so far. */
    public long queries() {
        return queries;
    }

    /** All entries of a head, oldest position first. */
    public List<EideticEntry> entries(int head) {
        Head hd = head(head, false);
        if (hd == null) {
            return List.of();
        }
        List<EideticEntry> l = new ArrayList<>(hd.entries);
        l.sort(Comparator.comparingLong(EideticEntry::position));
        return l;
    }
}
