package dev.keymem.models.events;

import dev.keymem.models.cells.CellState;
import java.util.Arrays;
import java.util.Objects;

/**
 * The hot part of one key's event memory, bounded whatever the key's history: the events absorbed, the
 * summed event lengths (for BM25's average length), the fading cell's state, the open segment's running
 * vector sum, and the eidetic tier's index (position and innovation per slot; the entries themselves are
 * in the {@link EventStore}). Mutable; advanced in place by {@link EventMemory}.
 */
public final class EventState {
    private long events;
    private long totalLength;
    private final CellState cell;
    private final float[] segmentSum;
    private final long[] eideticPositions;
    private final float[] eideticScores;
    private int eideticSize;

    public EventState(long events, long totalLength, CellState cell, float[] segmentSum, long[] eideticPositions,
                      float[] eideticScores, int eideticSize) {
        this.events = events;
        this.totalLength = totalLength;
        this.cell = Objects.requireNonNull(cell, "cell");
        this.segmentSum = Objects.requireNonNull(segmentSum, "segmentSum");
        this.eideticPositions = Objects.requireNonNull(eideticPositions, "eideticPositions");
        this.eideticScores = Objects.requireNonNull(eideticScores, "eideticScores");
        if (eideticPositions.length != eideticScores.length || eideticSize < 0 || eideticSize > eideticPositions.length
                || events < 0 || totalLength < 0) {
            throw new IllegalArgumentException("inconsistent event state: events=" + events + " totalLength="
                    + totalLength + " eidetic " + eideticSize + "/" + eideticPositions.length);
        }
        this.eideticSize = eideticSize;
    }

    /** Events absorbed (the next event's position). */
    public long events() {
        return events;
    }

    public long totalLength() {
        return totalLength;
    }

    public CellState cell() {
        return cell;
    }

    public float[] segmentSum() {
        return segmentSum;
    }

    public long[] eideticPositions() {
        return eideticPositions;
    }

    public float[] eideticScores() {
        return eideticScores;
    }

    public int eideticSize() {
        return eideticSize;
    }

    void absorbed(int length) {
        events++;
        totalLength += length;
    }

    void setEideticSize(int size) {
        this.eideticSize = size;
    }

    public EventState copy() {
        return new EventState(events, totalLength, cell.copy(), segmentSum.clone(), eideticPositions.clone(),
                eideticScores.clone(), eideticSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventState s && events == s.events && totalLength == s.totalLength
                && eideticSize == s.eideticSize && cell.equals(s.cell) && Arrays.equals(segmentSum, s.segmentSum)
                && Arrays.equals(eideticPositions, s.eideticPositions) && Arrays.equals(eideticScores, s.eideticScores);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(events) * 31 + cell.hashCode();
    }

    @Override
    public String toString() {
        return "EventState{events=" + events + ", eidetic=" + eideticSize + "}";
    }
}
