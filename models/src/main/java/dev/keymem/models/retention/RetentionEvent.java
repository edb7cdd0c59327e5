package dev.keymem.models.retention;

/**
 * What happened to one token at a block close, for jobs to show people.
 *
 * @param position    the token's position in the key's stream
 * @param kind        what happened
 * @param from        the tier the token left (for PINNED and RETAINED from T0: {@link Tier#WINDOW})
 * @param to          the tier it entered ({@link Tier#DROPPED} when it left memory)
 * @param blockEnd    the block close at which it happened (exclusive end position of the block)
 * @param slots       COMPRESSED only: the T2 slot chosen per head (else null)
 * @param probability the retention probability at this evaluation (NaN for PINNED; for ARCHIVE_DROPPED the
 *                    archive score the entry was archived with, see {@link SignificanceWeights#archiveScore})
 * @param draw        the token's deterministic draw u(seed, position) when it left the window under
 *                    pressure (NaN otherwise: T1 had room for every exiting token, the token was already in
 *                    T1, or the event is not a RETAINED / EVICTED one)
 * @param features    the raw features at this evaluation (null for PINNED and ARCHIVE_DROPPED)
 */
public record RetentionEvent(long position, Kind kind, Tier from, Tier to, long blockEnd, int[] slots,
                             double probability, double draw, Features features) {

    /** What happened. */
    public enum Kind {
        /** A sink left the window and is pinned forever. */
        PINNED,
        /** Left the window into T1 (admitted by its draw and ranked inside the cap). */
        RETAINED,
        /** Left the exact tiers: rejected by its draw at window exit, or ranked out of T1. */
        EVICTED,
        /** An evicted token folded into T2. */
        COMPRESSED,
        /** An evicted token written to T3. */
        ARCHIVED,
        /** An archived token removed from T3 because the archive was full (the lowest archive score). */
        ARCHIVE_DROPPED
    }

    /** Memory tiers. */
    public enum Tier {
        SINK, WINDOW, RETAINED, COMPRESSED, ARCHIVE, DROPPED
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionEvent e && e.position == position && e.kind == kind && e.from == from
                && e.to == to && e.blockEnd == blockEnd && java.util.Arrays.equals(e.slots, slots)
                && Double.compare(e.probability, probability) == 0 && Double.compare(e.draw, draw) == 0
                && java.util.Objects.equals(e.features, features);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + kind.hashCode();
    }

    @Override
    public String toString() {
        return kind + "@" + position + "(" + from + "->" + to + ", block end " + blockEnd
                + (Double.isNaN(probability) ? "" : String.format(java.util.Locale.ROOT, ", p=%.4f", probability))
                + (Double.isNaN(draw) ? "" : String.format(java.util.Locale.ROOT, ", u=%.4f", draw))
                + (slots == null ? "" : ", slots=" + java.util.Arrays.toString(slots)) + ")";
    }
}
