package dev.keymem.models.caching;

import java.util.Arrays;

/**
 * The small, always-loaded description of one cached state: what routing reads instead of the state.
 *
 * <p>Field layout (the order a serializer writes them): {@code id} (long, the {@link CacheStore} key),
 * {@code start}, {@code end} (long token positions: the cache summarises the segment [start, end); after
 * a merge it is the union of the merged segments, which may have gaps if a segment in between was
 * dropped), {@code count} (long, tokens summarised), {@code keySum} (double [H*K], the exact running sum
 * of the summarised keys, so the mean key per head is {@code keySum / count}), {@code logDecay} (double
 * [H], the sum of the decays g over the summarised tokens; 0 for cells without decay), {@code timestamp}
 * (long, the caller's timestamp of the last summarised token, 0 when none was given), {@code routingMass}
 * (double, the gate mass gamma the cache received, summed over (token, gate) pairs: one gate per head,
 * or one per token when gates are shared), {@code routedCount} (long, (token, gate) reads in which the
 * cache was selected: all of them for GRM and Soup, the top-k ones for SSC) and {@code exposure} (long,
 * (token, gate) reads made while the cache existed). A merged cache sums the statistics of both.
 *
 * <p>Sums are kept in double; with keys of norm about 1 a segment would need ~1e9 tokens before the
 * double sum lost float32 accuracy, so no compensated summation is used.
 */
public final class CacheSummary {
    private final long id;
    private long start;
    private final long end;
    private long count;
    private final double[] keySum;
    private final double[] logDecay;
    private final long timestamp;
    private double routingMass;
    private long routedCount;
    private long exposure;

    public CacheSummary(long id, long start, long end, long count, double[] keySum, double[] logDecay,
                        long timestamp, double routingMass, long routedCount, long exposure) {
        if (end < start || count < 0 || count > end - start) {
            throw new IllegalArgumentException("bad cache span [" + start + "," + end + ") count " + count);
        }
        this.id = id;
        this.start = start;
        this.end = end;
        this.count = count;
        this.keySum = keySum;
        this.logDecay = logDecay;
        this.timestamp = timestamp;
        this.routingMass = routingMass;
        this.routedCount = routedCount;
        this.exposure = exposure;
    }

    public long id() {
        return id;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public long count() {
        return count;
    }

    /** The exact key sum [H*K]; the caller must not modify it. */
    public double[] keySum() {
        return keySum;
    }

    /** Sum of g per head [H] over the summarised tokens. */
    public double[] logDecay() {
        return logDecay;
    }

    public long timestamp() {
        return timestamp;
    }

    public double routingMass() {
        return routingMass;
    }

    public long routedCount() {
        return routedCount;
    }

    public long exposure() {
        return exposure;
    }

    /** The mean key of head h, element i: keySum / count. */
    public double mean(int index) {
        return count == 0 ? 0.0 : keySum[index] / count;
    }

    /** Routing mass per exposure: the score DROP_LEAST_ROUTED ranks by (0 when never exposed). */
    public double routingRate() {
        return exposure == 0 ? 0.0 : routingMass / exposure;
    }

    void addRouting(double mass, long routed, long exposed) {
        routingMass += mass;
        routedCount += routed;
        exposure += exposed;
    }

    /** Folds an older summary into this one: exact sums and counts. */
    void absorbOlder(CacheSummary older) {
        start = older.start;
        count += older.count;
        for (int i = 0; i < keySum.length; i++) {
            keySum[i] += older.keySum[i];
        }
        for (int i = 0; i < logDecay.length; i++) {
            logDecay[i] += older.logDecay[i];
        }
        routingMass += older.routingMass;
        routedCount += older.routedCount;
        exposure += older.exposure;
    }

    public CacheSummary copy() {
        return new CacheSummary(id, start, end, count, keySum.clone(), logDecay.clone(), timestamp, routingMass,
                routedCount, exposure);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CacheSummary s && s.id == id && s.start == start && s.end == end && s.count == count
                && Arrays.equals(s.keySum, keySum) && Arrays.equals(s.logDecay, logDecay)
                && s.timestamp == timestamp && Double.compare(s.routingMass, routingMass) == 0
                && s.routedCount == routedCount && s.exposure == exposure;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Long.hashCode(end);
    }

    @Override
    public String toString() {
        return "CacheSummary{id=" + id + ", [" + start + "," + end + "), count=" + count + ", mass=" + routingMass
                + "/" + exposure + "}";
    }
}
