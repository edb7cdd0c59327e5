package dev.keymem.models.events;

import dev.keymem.models.cells.CellState;
import java.util.Arrays;
import java.util.Objects;

/**
 * The hot part of one key's event memory, bounded whatever the key's history: the events absorbed, the
 * summed event lengths (for BM25's average length), the fading cell's state, the open segment's running
 * vector sum, and the eidetic tier's index (position and innovation per slot; the entries themselves are
 * in the {@link EventStore}). Mutable; advanced in place by {@link EventMemory}.
 *
 * <p>A state made by {@link EventMemory#newBatchState} may hold fading writes not yet applied to its cell (their
 * keys or their unit vectors' listed components, in order, at most a fixed number: {@link PendingFading}):
 * {@link #cell()} applies them before it returns, so whoever reads the cell (a query, a serializer,
 * {@link #copy}, {@link #equals}) reads what writing each at once would have left, bit for bit; a state dropped
 * unread never applies them (nor projects the vectors of those waiting as components).
 */
public final class EventState {
    private long events;
    private long totalLength;
    private final CellState cell;
    private final float[] segmentSum;
    private final long[] eideticPositions;
    private final float[] eideticScores;
    private int eideticSize;
    /**
     * Fading writes waiting for {@link #cell()}, in {@code pending}; {@code deferrer} applies them. Null where
     * every write applies at once.
     */
    private EventMemory deferrer;
    private PendingFading pending;

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

    /** The fading cell's state, with every write applied (any waiting ones are applied first). */
    public CellState cell() {
        if (pending != null && pending.writes > 0) {
            settle();
        }
        return cell;
    }

    /** Floats in the fading cell's state (without applying waiting writes: the size does not depend on them). */
    public int cellFloats() {
        return cell.data().length;
    }

    /** The cell as it is, waiting writes not applied ({@link EventMemory}'s writes and their settling). */
    CellState cellAsIs() {
        return cell;
    }

    /** Fading writes wait from now on, as many as {@code buffer} holds (emptied first), applied by {@code memory}. */
    void defer(EventMemory memory, PendingFading buffer) {
        settle();
        buffer.clear();
        this.deferrer = memory;
        this.pending = buffer;
    }

    /** Whether fading writes wait ({@link #defer}). */
    boolean defers() {
        return deferrer != null;
    }

    /** The waiting writes' buffer (null where writes do not wait), for reuse by a recycled state. */
    PendingFading pendingBuffer() {
        return pending;
    }

    /**
     * Makes {@code k[0, dc)} wait as the next fading write; where the buffer is full, the waiting writes are
     * applied first (so a write never waits behind more than the buffer holds).
     */
    void deferWrite(float[] k, int dc) {
        if (!pending.room(dc)) {
            settle();
        }
        pending.addKey(k, dc);
    }

    /**
     * Makes the next fading write wait as the listed components of its unit vector ({@code cols[0, m)},
     * {@code vs[0, m)}: {@link EventMemory#keyOf}'s input), the waiting writes applied first where the buffer is
     * full. Returns false, and keeps nothing, where even an empty buffer has no room for them (the caller then
     * gives the key).
     */
    boolean deferListed(int[] cols, double[] vs, int m) {
        if (!pending.room(m)) {
            settle();
            if (!pending.room(m)) {
                return false;
            }
        }
        pending.addListed(cols, vs, m);
        return true;
    }

    /** Writes waiting, for tests. */
    int pendingWrites() {
        return pending == null ? 0 : pending.writes;
    }

    private void settle() {
        if (pending != null && pending.writes > 0) {
            int n = pending.writes;
            pending.clear(); // emptied first: a failure while applying never applies a write twice
            deferrer.applyPending(cell, pending, n);
        }
    }

    /**
     * Back to {@link EventMemory#newState}'s fresh state in place (every count, array and the cell zero; no
     * writes waiting), keeping the arrays: for a state no longer in use (the previous key's in a batch run).
     */
    void reset() {
        events = 0;
        totalLength = 0;
        if (pending != null) {
            pending.clear();
        }
        Arrays.fill(cell.data(), 0f);
        cell.setPosition(0);
        Arrays.fill(segmentSum, 0f);
        Arrays.fill(eideticPositions, 0L);
        Arrays.fill(eideticScores, 0f);
        eideticSize = 0;
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
        return new EventState(events, totalLength, cell().copy(), segmentSum.clone(), eideticPositions.clone(),
                eideticScores.clone(), eideticSize);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventState s && events == s.events && totalLength == s.totalLength
                && eideticSize == s.eideticSize && cell().equals(s.cell()) && Arrays.equals(segmentSum, s.segmentSum)
                && Arrays.equals(eideticPositions, s.eideticPositions) && Arrays.equals(eideticScores, s.eideticScores);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(events) * 31 + cell().hashCode();
    }

    @Override
    public String toString() {
        return "EventState{events=" + events + ", eidetic=" + eideticSize + "}";
    }
}
