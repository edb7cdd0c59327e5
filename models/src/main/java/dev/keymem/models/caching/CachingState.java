package dev.keymem.models.caching;

import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All mutable per-key Memory Caching data except the cached states themselves (those live in a
 * {@link CacheStore}, one entry per cache). Small enough to scan once per chunk and to live in one
 * Flink ValueState.
 *
 * <p>Field layout (the order a serializer writes them): {@code online} (the online {@link CellState}:
 * its float data and its position = tokens seen by this key), {@code segmentStart} (long, position of the
 * current segment's first token), {@code segmentKeySum} (double [H*K], exact sum of the current segment's
 * keys; the count is {@code online.position() - segmentStart}), {@code segmentLogDecay} (double [H], sum of
 * g over the current segment), {@code nextCacheId} (long, the id the next cache gets; ids only grow), and
 * {@code caches} (the {@link CacheSummary} list, oldest first; ids strictly increase along it).
 */
public final class CachingState {
    private CellState online;
    private long segmentStart;
    private final double[] segmentKeySum;
    private final double[] segmentLogDecay;
    private long nextCacheId;
    private final List<CacheSummary> caches;

    public CachingState(CellState online, long segmentStart, double[] segmentKeySum, double[] segmentLogDecay,
                        long nextCacheId, List<CacheSummary> caches) {
        if (segmentStart > online.position()) {
            throw new IllegalArgumentException(
                    "segmentStart " + segmentStart + " is after the online position " + online.position());
        }
        this.online = online;
        this.segmentStart = segmentStart;
        this.segmentKeySum = segmentKeySum;
        this.segmentLogDecay = segmentLogDecay;
        this.nextCacheId = nextCacheId;
        this.caches = new ArrayList<>(caches);
        for (int i = 1; i < this.caches.size(); i++) {
            if (this.caches.get(i).id() <= this.caches.get(i - 1).id()) {
                throw new IllegalArgumentException("cache ids must increase along the list: " + this.caches);
            }
        }
    }

    public CellState online() {
        return online;
    }

    void setOnline(CellState s) {
        online = s;
    }

    /** Tokens seen by this key. */
    public long position() {
        return online.position();
    }

    public long segmentStart() {
        return segmentStart;
    }

    void setSegmentStart(long p) {
        segmentStart = p;
    }

    public long segmentCount() {
        return online.position() - segmentStart;
    }

    /** The current segment's exact key sum [H*K] (read only for callers). */
    public double[] segmentKeySum() {
        return segmentKeySum;
    }

    public double[] segmentLogDecay() {
        return segmentLogDecay;
    }

    public long nextCacheId() {
        return nextCacheId;
    }

    long takeCacheId() {
        return nextCacheId++;
    }

    /** The cache summaries, oldest first (read only for callers). */
    public List<CacheSummary> caches() {
        return java.util.Collections.unmodifiableList(caches);
    }

    List<CacheSummary> mutableCaches() {
        return caches;
    }

    void resetSegment(long start) {
        segmentStart = start;
        Arrays.fill(segmentKeySum, 0.0);
        Arrays.fill(segmentLogDecay, 0.0);
    }

    /** A deep copy (the cached states in the store are not copied). */
    public CachingState copy() {
        List<CacheSummary> cs = new ArrayList<>();
        for (CacheSummary c : caches) {
            cs.add(c.copy());
        }
        return new CachingState(online.copy(), segmentStart, segmentKeySum.clone(), segmentLogDecay.clone(),
                nextCacheId, cs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CachingState s && s.online.equals(online) && s.segmentStart == segmentStart
                && Arrays.equals(s.segmentKeySum, segmentKeySum) && Arrays.equals(s.segmentLogDecay, segmentLogDecay)
                && s.nextCacheId == nextCacheId && s.caches.equals(caches);
    }

    @Override
    public int hashCode() {
        return online.hashCode() * 31 + caches.size();
    }

    @Override
    public String toString() {
        return "CachingState{position=" + position() + ", segmentStart=" + segmentStart + ", caches=" + caches + "}";
    }
}
