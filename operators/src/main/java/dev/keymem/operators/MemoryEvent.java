package dev.keymem.operators;

import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What a memory did with one token's entry while it advanced over a record, emitted on
 * {@link KeyedMemoryFunction#MEMORY_EVENTS} (one record per event, in the order they happened,
 * after the record's {@link MemoryReadout}) so that a job can show what was kept and why. A Flink
 * POJO.
 *
 * <p>B'MOJO (memory type BMOJO): {@link Kind#ADMITTED} (from {@code WINDOW} to {@code EIDETIC}) the
 * token at {@code position} entered head {@code head}'s eidetic store (exact k, v kept);
 * {@link Kind#EVICTED} (from {@code EIDETIC} to {@code ARCHIVE}) it left the store (the lowest innovation
 * when the store overflowed; possibly the token just admitted) and went to the long-term archive, from
 * which it can still be retrieved; {@link Kind#ARCHIVE_DROPPED} (from {@code ARCHIVE} to {@code DROPPED})
 * the head's archive was full ({@code keymem.bmojo.archive-capacity}) and this entry, the lowest
 * innovation among the archive's and the one evicted at the same step (ties: the older), left it for
 * good (possibly the entry whose EVICTED event comes just before). {@code score} is the token's
 * innovation {@code ||v - S^T k||} at arrival; {@code step} is the stream position of the token whose step made the decision (decisions
 * happen when a token leaves the w-token window, so {@code step >= position + w}); {@code draw} is NaN.
 *
 * <p>STR / CMP (memory type RETENTION): the tier moves of a block close ({@link Kind#PINNED},
 * {@link Kind#RETAINED}, {@link Kind#EVICTED}, {@link Kind#COMPRESSED}, {@link Kind#ARCHIVED},
 * {@link Kind#ARCHIVE_DROPPED}); {@code from} / {@code to} are the tiers (SINK, WINDOW, RETAINED,
 * COMPRESSED, ARCHIVE, DROPPED), {@code step} the block's end position, {@code head} -1 (decisions
 * are per token, over all heads), {@code score} the retention probability (the significance; NaN for
 * PINNED; for ARCHIVE_DROPPED the archive score), {@code draw} the token's deterministic draw (NaN
 * where none was made).
 */
@PublicEvolving
public class MemoryEvent {

    /** Event kinds. */
    public enum Kind {
        /** The token's exact entry was admitted into the eidetic store. */
        ADMITTED,
        /** B'MOJO: the entry left the eidetic store for the long-term archive. STR / CMP: the token left the
         *  exact tiers (rejected by its draw at window exit, or ranked out of T1). */
        EVICTED,
        /** STR / CMP: a sink left the window and is pinned forever. */
        PINNED,
        /** STR / CMP: the token left the window into T1 (admitted by its draw, ranked inside the cap). */
        RETAINED,
        /** STR / CMP: an evicted token folded into the T2 slots. */
        COMPRESSED,
        /** STR / CMP: an evicted token written to the T3 archive. */
        ARCHIVED,
        /** STR / CMP: an archived token dropped from the full T3 archive (the lowest archive score). B'MOJO: an
         *  entry dropped from a head's full long-term archive (the lowest innovation). */
        ARCHIVE_DROPPED
    }

    public String key;
    public Kind kind;
    /** Stream position of the token being processed when it happened. */
    public long step;
    public int head;
    /** Stream position of the token the entry holds. */
    public long position;
    /** Why: the innovation at arrival (B'MOJO), the retention probability (STR / CMP). */
    public float score;
    /** The tier the entry left and the one it entered (e.g. WINDOW, EIDETIC, ARCHIVE). */
    public String from;
    public String to;
    /** The random draw that decided (NaN where none was made, always for B'MOJO). */
    public double draw = Double.NaN;

    public MemoryEvent() {
    }

    public MemoryEvent(String key, Kind kind, long step, int head, long position, float score) {
        this.key = key;
        this.kind = kind;
        this.step = step;
        this.head = head;
        this.position = position;
        this.score = score;
    }

    public MemoryEvent(String key, Kind kind, long step, int head, long position, float score, String from, String to,
                       double draw) {
        this(key, kind, step, head, position, score);
        this.from = from;
        this.to = to;
        this.draw = draw;
    }

    /** The operator's form of a B'MOJO event. */
    static MemoryEvent of(String key, dev.keymem.models.bmojo.BmojoEvent e) {
        return switch (e.type()) {
            case ADMITTED -> new MemoryEvent(key, Kind.ADMITTED, e.step(), e.head(), e.position(), e.innovation(),
                    "WINDOW", "EIDETIC", Double.NaN);
            case EVICTED -> new MemoryEvent(key, Kind.EVICTED, e.step(), e.head(), e.position(), e.innovation(),
                    "EIDETIC", "ARCHIVE", Double.NaN);
            case DROPPED -> new MemoryEvent(key, Kind.ARCHIVE_DROPPED, e.step(), e.head(), e.position(),
                    e.innovation(), "ARCHIVE", "DROPPED", Double.NaN);
        };
    }

    /** The operator's form of a STR / CMP event. */
    static MemoryEvent of(String key, dev.keymem.models.retention.RetentionEvent e) {
        return new MemoryEvent(key, Kind.valueOf(e.kind().name()), e.blockEnd(), -1, e.position(),
                (float) e.probability(), e.from().name(), e.to().name(), e.draw());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryEvent e && Objects.equals(key, e.key) && kind == e.kind && step == e.step
                && head == e.head && position == e.position
                && Float.floatToRawIntBits(score) == Float.floatToRawIntBits(e.score) && Objects.equals(from, e.from)
                && Objects.equals(to, e.to) && Double.doubleToLongBits(draw) == Double.doubleToLongBits(e.draw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, kind, step, head, position);
    }

    @Override
    public String toString() {
        return key + ": " + kind + " head " + head + " token@" + position + " " + from + "->" + to + " (score " + score
                + (Double.isNaN(draw) ? "" : ", draw " + draw) + ") at step " + step;
    }
}
