package dev.keymem.jobs.logs.mining;

import java.util.Arrays;
import org.apache.flink.annotation.Internal;

/**
 * The ids a source's summary follows its period with (heap only, never state): the templates its lines counted
 * ({@code LogSummarizer}) and the clusters its miner removed ({@link MinerState#recordRemovals}). A growable list of
 * ids tagged with the period it follows, bounded by a max: past {@code max} ids the period is dropped (its ids
 * and array released; the summary then walks the whole ledger, which costs about as much as following that many
 * ids). The array starts at {@link #FIRST_LENGTH} ints, doubles up to {@code max}, and is renewed at
 * {@link #FIRST_LENGTH} at the next {@link #restart} where the period before used under a quarter of a long one
 * (so it does not keep the high-water size of one churning period) or where it is longer than the new max.
 *
 * <p>A fresh object follows nothing ({@link #holds} is false and {@link #add} does nothing) until its first
 * {@link #restart}.
 */
@Internal
public final class FollowedIds {
    /** The length an array starts with and is renewed at. */
    static final int FIRST_LENGTH = 16;

    /** The ids, the first {@link #size}; null: none (a fresh object, or a dropped period). */
    private int[] ids;
    private int size;
    private int max;
    private long tag;
    private boolean dropped = true;

    /**
     * Starts following a period tagged {@code tag} of at most {@code max} ids: no ids, and an array renewed at
     * {@link #FIRST_LENGTH} where there is none, where the period before used under a quarter of a long one
     * (longer than {@code 4 * FIRST_LENGTH}), or where it is longer than {@code max(max, FIRST_LENGTH)}.
     */
    public void restart(long tag, int max) {
        if (ids == null || ids.length > 4 * FIRST_LENGTH && size < ids.length / 4
                || ids.length > Math.max(max, FIRST_LENGTH)) {
            ids = new int[FIRST_LENGTH];
        }
        this.tag = tag;
        this.max = max;
        size = 0;
        dropped = false;
    }

    /** Adds an id to the period; the id past {@code max} drops the period (ids and array), which then ignores adds. */
    public void add(int id) {
        if (dropped) {
            return;
        }
        if (size >= max) {
            dropped = true;
            ids = null;
            size = 0;
            return;
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, Math.min(size * 2, max));
        }
        ids[size++] = id;
    }

    /** Whether this object follows the period tagged {@code tag} and has all of its ids (not dropped). */
    public boolean holds(long tag) {
        return !dropped && this.tag == tag;
    }

    /** Whether the period was dropped (more than its max ids) or none was started. */
    public boolean dropped() {
        return dropped;
    }

    /** The ids of the period so far (0 when dropped). */
    public int size() {
        return size;
    }

    /** The {@code i}th id of the period, in the order added ({@code i < size()}). */
    public int get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i + " of " + size);
        }
        return ids[i];
    }

    /** The ids of the period, in the order added (a fresh array). */
    public int[] toArray() {
        return ids == null ? new int[0] : Arrays.copyOf(ids, size);
    }

    /** The length of the array held, -1 where none is (tests: the bound and the shrink). */
    public int capacity() {
        return ids == null ? -1 : ids.length;
    }
}
