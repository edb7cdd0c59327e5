package dev.keymem.models.retention;

import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * All mutable per-key retention data except the T3 archive entries (those live in an
 * {@link ArchiveStore}, one entry per position).
 *
 * <p>Field layout (the order a serializer writes them): {@code seed} (long, the key's draw seed),
 * {@code position} (long, tokens seen), {@code cell} (the innovation cell's {@link CellState} as of the
 * last block close: its floats and its position), {@code blockQuerySum} (double [H*K], sum of the
 * current block's raw queries), {@code sinks}, {@code window} (T0), {@code retained} (T1) and
 * {@code recalled} (T3 entries recalled for the current block) as lists of {@link RetainedToken} in
 * increasing position, {@code compressed} (T2, {@link CompressedSlots}), {@code archivedPositions}
 * (long []) and {@code archivedScores} (double []): the T3 index, one (position, archive score at
 * eviction, see {@link SignificanceWeights#archiveScore}) pair per archived token, in drop order
 * (increasing score, ties: older position first; the first pair is dropped when the archive is over
 * its cap).
 */
public final class RetentionState {
    private final long seed;
    private long position;
    private final CellState cell;
    private final double[] blockQuerySum;
    private final List<RetainedToken> sinks;
    private final List<RetainedToken> window;
    private final List<RetainedToken> retained;
    private final List<RetainedToken> recalled;
    private final CompressedSlots compressed;
    private final java.util.TreeSet<ArchivedRef> archived;

    public RetentionState(long seed, long position, CellState cell, double[] blockQuerySum, List<RetainedToken> sinks,
                          List<RetainedToken> window, List<RetainedToken> retained, List<RetainedToken> recalled,
                          CompressedSlots compressed, long[] archivedPositions, double[] archivedScores) {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        this.seed = seed;
        this.position = position;
        this.cell = cell;
        this.blockQuerySum = blockQuerySum;
        this.sinks = new ArrayList<>(sinks);
        this.window = new ArrayList<>(window);
        this.retained = new ArrayList<>(retained);
        this.recalled = new ArrayList<>(recalled);
        this.compressed = compressed;
        if (archivedPositions.length != archivedScores.length) {
            throw new IllegalArgumentException("archived positions (" + archivedPositions.length
                    + ") and scores (" + archivedScores.length + ") differ in length");
        }
        this.archived = new java.util.TreeSet<>();
        for (int i = 0; i < archivedPositions.length; i++) {
            if (!this.archived.add(new ArchivedRef(archivedScores[i], archivedPositions[i]))) {
                throw new IllegalArgumentException("position " + archivedPositions[i] + " archived twice");
            }
        }
        for (List<RetainedToken> l : List.of(this.sinks, this.window, this.retained, this.recalled)) {
            for (int i = 1; i < l.size(); i++) {
                if (l.get(i).position() <= l.get(i - 1).position()) {
                    throw new IllegalArgumentException("token lists must be in increasing position: " + l);
                }
            }
        }
    }

    public long seed() {
        return seed;
    }

    /** Tokens seen by this key. */
    public long position() {
        return position;
    }

    void advance() {
        position++;
    }

    public CellState cell() {
        return cell;
    }

    public double[] blockQuerySum() {
        return blockQuerySum;
    }

    public List<RetainedToken> sinks() {
        return Collections.unmodifiableList(sinks);
    }

    /** T0, oldest first. */
    public List<RetainedToken> window() {
        return Collections.unmodifiableList(window);
    }

    /** T1, oldest first. */
    public List<RetainedToken> retained() {
        return Collections.unmodifiableList(retained);
    }

    /** The T3 entries recalled for the current block. */
    public List<RetainedToken> recalled() {
        return Collections.unmodifiableList(recalled);
    }

    public CompressedSlots compressed() {
        return compressed;
    }

    /** Archived positions in drop order (lowest score first, ties: older first). */
    public long[] archivedPositions() {
        long[] a = new long[archived.size()];
        int i = 0;
        for (ArchivedRef r : archived) {
            a[i++] = r.position();
        }
        return a;
    }

    /** The archive scores of {@link #archivedPositions()} at their eviction, same order. */
    public double[] archivedScores() {
        double[] a = new double[archived.size()];
        int i = 0;
        for (ArchivedRef r : archived) {
            a[i++] = r.score();
        }
        return a;
    }

    public int archivedCount() {
        return archived.size();
    }

    List<RetainedToken> mutableSinks() {
        return sinks;
    }

    List<RetainedToken> mutableWindow() {
        return window;
    }

    List<RetainedToken> mutableRetained() {
        return retained;
    }

    List<RetainedToken> mutableRecalled() {
        return recalled;
    }

    java.util.TreeSet<ArchivedRef> mutableArchived() {
        return archived;
    }

    /** Exact tokens held in this state (sinks, T0, T1, recalled). */
    public int exactTokens() {
        return sinks.size() + window.size() + retained.size() + recalled.size();
    }

    /**
     * Bytes of this state as laid out above (the serializer adds its own framing): what one key costs in
     * the operator's value state, the archive entries excluded.
     */
    public long bytes() {
        long b = 8 + 8 + 8 + 4L * cell.data().length + 8L * blockQuerySum.length + compressed.bytes()
                + 16L * archived.size() + 4 * 4;
        for (List<RetainedToken> l : List.of(sinks, window, retained, recalled)) {
            for (RetainedToken t : l) {
                b += t.bytes();
            }
        }
        return b;
    }

    /** A deep copy (the archive store is not copied). */
    public RetentionState copy() {
        return new RetentionState(seed, position, cell.copy(), blockQuerySum.clone(), copyAll(sinks), copyAll(window),
                copyAll(retained), copyAll(recalled), compressed.copy(), archivedPositions(),
                archivedScores());
    }

    private static List<RetainedToken> copyAll(List<RetainedToken> l) {
        List<RetainedToken> c = new ArrayList<>(l.size());
        for (RetainedToken t : l) {
            c.add(t.copy());
        }
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetentionState s && s.seed == seed && s.position == position && s.cell.equals(cell)
                && Arrays.equals(s.blockQuerySum, blockQuerySum) && s.sinks.equals(sinks) && s.window.equals(window)
                && s.retained.equals(retained) && s.recalled.equals(recalled) && s.compressed.equals(compressed)
                && s.archived.equals(archived);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "RetentionState{position=" + position + ", sinks=" + sinks.size() + ", window=" + window.size()
                + ", retained=" + retained.size() + ", recalled=" + recalled.size() + ", archived=" + archived.size()
                + "}";
    }

    /** One T3 index entry; ordered by score, then position (the drop order). */
    record ArchivedRef(double score, long position) implements Comparable<ArchivedRef> {
        @Override
        public int compareTo(ArchivedRef o) {
            int c = Double.compare(score, o.score);
            return c != 0 ? c : Long.compare(position, o.position);
        }
    }
}
