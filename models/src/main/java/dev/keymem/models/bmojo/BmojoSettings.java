package dev.keymem.models.bmojo;

import java.util.Objects;

/**
 * Settings of B'MOJO (docs/design/mechanisms.md section 3). Validated on construction.
 *
 * <ul>
 *   <li>{@code window} (w &gt;= 1): the read of the token at position p sees the raw tokens of the
 *       positions [p-w+1, p] (the window) and the fading tokens of the positions [p-2w+1, p-w].</li>
 *   <li>{@code capacity}: eidetic entries kept per head. 0 turns the eidetic memory and the long-term
 *       archive off: that is B'MOJO-F, the fading-only variant.</li>
 *   <li>{@code admission}: {@link Admission#THRESHOLD} admits a token whose innovation is above
 *       {@code threshold} (strictly); {@link Admission#TOP_M} admits the {@code topM} most innovative
 *       tokens of every aligned block of {@code blockLength} positions [nB, (n+1)B) (ties: the older).</li>
 *   <li>{@code retrieveK}: long-term entries retrieved per head (0 = no retrieval);
 *       {@code retrieveEvery} (R): retrieval happens at every position that is a multiple of R, with that
 *       token's query, and the retrieved set serves the reads of positions [nR, (n+1)R).</li>
 *   <li>{@code archiveCap}: long-term archive entries kept <b>per head</b> (0 = unbounded, the behaviour
 *       before the cap existed). Per head because retrieval is per head: each head's retrievable set is
 *       then bounded on its own, whatever the other heads admit. When an eviction would make a head's
 *       archive hold more than archiveCap entries, the entry with the lowest innovation among the
 *       archive's entries and the newly evicted one is dropped for good (ties: the older, i.e. the lower
 *       position; positions are unique per head, so the choice is a total order on the entries' own
 *       values: it depends neither on how the stream is cut into chunks nor on the storage's iteration
 *       order). Lowest innovation mirrors the eidetic store's eviction rule, so the archive keeps the
 *       archiveCap most surprising tokens it has ever been given; the older loses a tie because, like
 *       the eidetic store, B'MOJO favours recent context when nothing else separates two entries.</li>
 * </ul>
 */
public record BmojoSettings(
        int window,
        int capacity,
        Admission admission,
        float threshold,
        int topM,
        int blockLength,
        int retrieveK,
        int retrieveEvery,
        int archiveCap) {

    /** How tokens are admitted into the eidetic store (when they leave the window). */
    public enum Admission { THRESHOLD, TOP_M }

    public BmojoSettings {
        Objects.requireNonNull(admission, "admission");
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1: " + window);
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 (0 = B'MOJO-F): " + capacity);
        }
        if (admission == Admission.THRESHOLD && Float.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN");
        }
        if (blockLength < 1) {
            throw new IllegalArgumentException("blockLength must be >= 1: " + blockLength);
        }
        if (admission == Admission.TOP_M && (topM < 1 || topM > blockLength)) {
            throw new IllegalArgumentException(
                    "topM must be in [1, blockLength=" + blockLength + "] for TOP_M admission: " + topM);
        }
        if (topM < 0) {
            throw new IllegalArgumentException("topM must be >= 0: " + topM);
        }
        if (retrieveK < 0) {
            throw new IllegalArgumentException("retrieveK must be >= 0: " + retrieveK);
        }
        if (retrieveEvery < 1) {
            throw new IllegalArgumentException("retrieveEvery must be >= 1: " + retrieveEvery);
        }
        if (archiveCap < 0) {
            throw new IllegalArgumentException("archiveCap must be >= 0 (0 = unbounded): " + archiveCap);
        }
    }

    /** Settings with an unbounded archive (archiveCap 0). */
    public BmojoSettings(int window, int capacity, Admission admission, float threshold, int topM, int blockLength,
                         int retrieveK, int retrieveEvery) {
        this(window, capacity, admission, threshold, topM, blockLength, retrieveK, retrieveEvery, 0);
    }

    /** B'MOJO-F with window w: no eidetic memory, no archive. */
    public static BmojoSettings fading(int window) {
        return new BmojoSettings(window, 0, Admission.THRESHOLD, Float.POSITIVE_INFINITY, 0, 1, 0, 1);
    }

    /**
     * The archive cap of {@link #defaults()}: 2048 entries per head, 512 times the default retrieveK and
     * about 32k tokens' worth of default admissions (4 per 64 positions), so retrieval's scan of a head's
     * archive stays bounded while the archive still reaches far back.
     */
    public static final int DEFAULT_ARCHIVE_CAP = 2048;

    /**
     * Window 64, 64 eidetic entries per head, top-4 of every 64 positions, 4 entries retrieved every 64
     * positions, at most {@link #DEFAULT_ARCHIVE_CAP} archived entries per head. (The constructor without
     * archiveCap leaves the archive unbounded, as before the cap existed.)
     */
    public static BmojoSettings defaults() {
        return new BmojoSettings(64, 64, Admission.TOP_M, 0f, 4, 64, 4, 64, DEFAULT_ARCHIVE_CAP);
    }

    /** Whether the eidetic memory (and the archive) is on. */
    public boolean eidetic() {
        return capacity > 0;
    }

    public BmojoSettings withWindow(int w) {
        return new BmojoSettings(w, capacity, admission, threshold, topM, blockLength, retrieveK, retrieveEvery,
                archiveCap);
    }

    public BmojoSettings withCapacity(int c) {
        return new BmojoSettings(window, c, admission, threshold, topM, blockLength, retrieveK, retrieveEvery,
                archiveCap);
    }

    public BmojoSettings withThreshold(float tau) {
        return new BmojoSettings(window, capacity, Admission.THRESHOLD, tau, topM, blockLength, retrieveK,
                retrieveEvery, archiveCap);
    }

    public BmojoSettings withTopM(int m, int block) {
        return new BmojoSettings(window, capacity, Admission.TOP_M, threshold, m, block, retrieveK, retrieveEvery,
                archiveCap);
    }

    public BmojoSettings withRetrieval(int k, int every) {
        return new BmojoSettings(window, capacity, admission, threshold, topM, blockLength, k, every, archiveCap);
    }

    /** The same settings with at most {@code cap} archived entries per head (0 = unbounded). */
    public BmojoSettings withArchiveCap(int cap) {
        return new BmojoSettings(window, capacity, admission, threshold, topM, blockLength, retrieveK, retrieveEvery,
                cap);
    }

    /** Whether the long-term archive is bounded (archiveCap &gt; 0). */
    public boolean archiveCapped() {
        return archiveCap > 0;
    }
}
