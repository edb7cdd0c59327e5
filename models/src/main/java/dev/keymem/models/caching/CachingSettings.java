package dev.keymem.models.caching;

import java.util.Objects;

/**
 * Settings of Memory Caching (docs/design/mechanisms.md section 2). Validated on construction; the combinations
 * that depend on the cell (independent carry-over with a merging structure) are checked by
 * {@link MemoryCaching}'s constructor.
 *
 * <ul>
 *   <li>{@code segmentation}, {@code segmentLength}: segments are cut by token position at every
 *       multiple of {@code segmentLength} (L). With {@link Segmentation#CONSTANT} each cut makes one
 *       cache. With {@link Segmentation#LOGARITHMIC} L is the finest segment; after each cut the two
 *       newest caches are merged while they summarise the same number of tokens (a binary counter), so
 *       after n tokens the caches cover the binary expansion of floor(n/L) units, oldest and largest
 *       first: at most floor(log2(n/L)) + 1 caches, old tokens in coarse segments.</li>
 *   <li>{@code carryOver}: {@link CarryOver#CHECKPOINT} (the next segment starts from the cached state)
 *       or {@link CarryOver#INDEPENDENT} (the next segment starts from the cell's fresh state).</li>
 *   <li>{@code read}: {@link ReadVariant}; {@code topK} is the number of caches SSC keeps per token.</li>
 *   <li>{@code gates}: {@link GateSource#PARAM_FREE} (u = q, the raw query) or {@link GateSource#LEARNED}
 *       (the caller supplies u [T,H,K] with every chunk). {@code gatesPerHead}: one gate per head (logit
 *       r_{h,i} = &lt;u_h, mu_{i,h}&gt;) or one gate shared by all heads (logit = sum over heads).</li>
 *   <li>{@code maxCaches}: cap on the cached states per key (0 = no cap) with the {@code eviction}
 *       rule applied when a new cache pushes the count over the cap.</li>
 *   <li>{@code ttlMode}, {@code ttl}: optional time to live of cached states, in tokens
 *       ({@link TtlMode#POSITION}) or in the units of the caller's timestamps ({@link TtlMode#TIMESTAMP}).
 *       Expiry is evaluated at segment closes (and on an explicit {@link MemoryCaching#expire} call), so
 *       outputs never depend on chunking: at a close at position P by a token with timestamp ts, a cache
 *       is removed when P - cache.end &gt;= ttl (POSITION) or ts - cache.timestamp &gt;= ttl (TIMESTAMP; a
 *       cache's timestamp is that of its last token). Order at a close: new cache, logarithmic merges,
 *       TTL, cap.</li>
 * </ul>
 */
public record CachingSettings(
        Segmentation segmentation,
        int segmentLength,
        CarryOver carryOver,
        ReadVariant read,
        int topK,
        GateSource gates,
        boolean gatesPerHead,
        int maxCaches,
        Eviction eviction,
        TtlMode ttlMode,
        long ttl) {

    /** How segments are cut. */
    public enum Segmentation { CONSTANT, LOGARITHMIC }

    /** What the online state starts from after a segment closes. */
    public enum CarryOver { CHECKPOINT, INDEPENDENT }

    /** How the online state and the caches are combined for a read. */
    public enum ReadVariant {
        /** o = S_t(q) + sum_i C_i(q). */
        RESIDUAL,
        /** Gated Residual Memory: o = gamma_on S_t(q) + sum_i gamma_i C_i(q). */
        GRM,
        /** Memory Soup: o = (gamma_on S_t + sum_i gamma_i C_i)(q), the state arrays mixed. */
        SOUP,
        /** Sparse Selective Caching: GRM over the top-k caches per token plus the online state. */
        SSC;

        public boolean gated() {
            return this != RESIDUAL;
        }
    }

    /** Where the gate queries u come from. */
    public enum GateSource { PARAM_FREE, LEARNED }

    /** What happens when a new cache exceeds the cap. */
    public enum Eviction {
        /** Merge the two oldest caches into one (see {@link MemoryCaching} for the exact merge). */
        MERGE_OLDEST,
        /**
         * Drop the cache (never the newest) with the least routing mass per exposure: the gate weight it
         * received summed over (token, gate) reads, divided by the (token, gate) reads made while it
         * existed (see {@link CacheSummary}); ties: the oldest. Needs a gated read.
         */
        DROP_LEAST_ROUTED
    }

    /** Time to live of cached states. */
    public enum TtlMode { NONE, POSITION, TIMESTAMP }

    public CachingSettings {
        Objects.requireNonNull(segmentation, "segmentation");
        Objects.requireNonNull(carryOver, "carryOver");
        Objects.requireNonNull(read, "read");
        Objects.requireNonNull(gates, "gates");
        Objects.requireNonNull(eviction, "eviction");
        Objects.requireNonNull(ttlMode, "ttlMode");
        if (segmentLength <= 0) {
            throw new IllegalArgumentException("segmentLength must be positive: " + segmentLength);
        }
        if (topK <= 0) {
            throw new IllegalArgumentException("topK must be positive: " + topK);
        }
        if (maxCaches < 0) {
            throw new IllegalArgumentException("maxCaches must be >= 0 (0 = no cap): " + maxCaches);
        }
        if (ttl < 0) {
            throw new IllegalArgumentException("ttl must be >= 0: " + ttl);
        }
        if (ttlMode != TtlMode.NONE && ttl == 0) {
            throw new IllegalArgumentException("ttlMode " + ttlMode + " needs a positive ttl");
        }
        if (ttlMode == TtlMode.NONE && ttl != 0) {
            throw new IllegalArgumentException("ttl " + ttl + " given but ttlMode is NONE");
        }
        if (maxCaches > 0 && eviction == Eviction.DROP_LEAST_ROUTED && !read.gated()) {
            throw new IllegalArgumentException(
                    "eviction DROP_LEAST_ROUTED needs a gated read (GRM, SOUP or SSC), not " + read
                            + ": the residual read routes every token to every cache");
        }
    }

    /** Constant segments of 256 tokens, checkpoint carry-over, GRM with parameter-free per-head gates, no cap, no TTL. */
    public static CachingSettings defaults() {
        return new CachingSettings(Segmentation.CONSTANT, 256, CarryOver.CHECKPOINT, ReadVariant.GRM, 2,
                GateSource.PARAM_FREE, true, 0, Eviction.MERGE_OLDEST, TtlMode.NONE, 0L);
    }

    public CachingSettings withSegmentation(Segmentation s, int length) {
        return new CachingSettings(s, length, carryOver, read, topK, gates, gatesPerHead, maxCaches, eviction,
                ttlMode, ttl);
    }

    public CachingSettings withCarryOver(CarryOver c) {
        return new CachingSettings(segmentation, segmentLength, c, read, topK, gates, gatesPerHead, maxCaches,
                eviction, ttlMode, ttl);
    }

    public CachingSettings withRead(ReadVariant r) {
        return new CachingSettings(segmentation, segmentLength, carryOver, r, topK, gates, gatesPerHead, maxCaches,
                eviction, ttlMode, ttl);
    }

    public CachingSettings withTopK(int k) {
        return new CachingSettings(segmentation, segmentLength, carryOver, read, k, gates, gatesPerHead, maxCaches,
                eviction, ttlMode, ttl);
    }

    public CachingSettings withGates(GateSource g, boolean perHead) {
        return new CachingSettings(segmentation, segmentLength, carryOver, read, topK, g, perHead, maxCaches,
                eviction, ttlMode, ttl);
    }

    public CachingSettings withCap(int max, Eviction e) {
        return new CachingSettings(segmentation, segmentLength, carryOver, read, topK, gates, gatesPerHead, max, e,
                ttlMode, ttl);
    }

    public CachingSettings withTtl(TtlMode mode, long newTtl) {
        return new CachingSettings(segmentation, segmentLength, carryOver, read, topK, gates, gatesPerHead, maxCaches,
                eviction, mode, newTtl);
    }
}
