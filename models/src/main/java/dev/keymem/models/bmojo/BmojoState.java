package dev.keymem.models.bmojo;

import dev.keymem.models.cells.CellState;
import java.util.Arrays;

/**
 * All per-key B'MOJO data except the long-term archive (that lives in an {@link EideticArchive}).
 * Bounded: its size depends only on the shapes and the settings, never on the stream length.
 *
 * <p>Field layout (the order a serializer writes them):
 * <ol>
 *   <li>{@code cell}: the fading memory's {@link CellState} (float data + position); its position is
 *       the number of tokens this key has seen, so the next token has position {@code cell.position()}.</li>
 *   <li>{@code ringKeys} float [2w*H*K], {@code ringValues} float [2w*H*V], {@code ringOutputs} float
 *       [2w*H*V], {@code ringInnovations} float [2w*H]: the raw k and v, the cell's read output o and the
 *       innovation at arrival of the last 2w positions; position p lives in slot {@code p mod 2w}
 *       (layout {@code [slot,H,*]}). Slots of positions not yet seen are zero; innovations are zero when
 *       the eidetic memory is off (B'MOJO-F does not compute them).</li>
 *   <li>{@code eidetic}: the eidetic store, an {@link EntryBuffer} of capacity {@code capacity},
 *       entries per head in increasing position order.</li>
 *   <li>{@code candidates}: the TOP_M admission's best candidates of the open block, an
 *       {@link EntryBuffer} of capacity {@code topM} (0 for THRESHOLD admission or capacity 0).</li>
 *   <li>{@code retrieved}: the long-term entries retrieved for the current retrieval block, an
 *       {@link EntryBuffer} of capacity {@code retrieveK} (0 when off).</li>
 *   <li>{@code admitted}, {@code evicted}: long totals (all heads) of admissions and evictions.</li>
 * </ol>
 */
public final class BmojoState {
    private final CellState cell;
    private final int window;
    private final float[] ringKeys;
    private final float[] ringValues;
    private final float[] ringOutputs;
    private final float[] ringInnovations;
    private final EntryBuffer eidetic;
    private final EntryBuffer candidates;
    private final EntryBuffer retrieved;
    private long admitted;
    private long evicted;

    public BmojoState(CellState cell, int window, float[] ringKeys, float[] ringValues, float[] ringOutputs,
                      float[] ringInnovations, EntryBuffer eidetic, EntryBuffer candidates, EntryBuffer retrieved,
                      long admitted, long evicted) {
        if (cell == null || eidetic == null || candidates == null || retrieved == null) {
            throw new IllegalArgumentException("B'MOJO state parts must not be null");
        }
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1: " + window);
        }
        this.cell = cell;
        this.window = window;
        this.ringKeys = ringKeys;
        this.ringValues = ringValues;
        this.ringOutputs = ringOutputs;
        this.ringInnovations = ringInnovations;
        this.eidetic = eidetic;
        this.candidates = candidates;
        this.retrieved = retrieved;
        this.admitted = admitted;
        this.evicted = evicted;
    }

    /** The fading memory (cell state). */
    public CellState cell() {
        return cell;
    }

    /** Tokens seen by this key = the position of the next token. */
    public long position() {
        return cell.position();
    }

    public int window() {
        return window;
    }

    /** Slots in the ring (2w). */
    public int ringSlots() {
        return 2 * window;
    }

    /** The ring slot of a position. */
    public int slot(long position) {
        return (int) Math.floorMod(position, (long) ringSlots());
    }

    public float[] ringKeys() {
        return ringKeys;
    }

    public float[] ringValues() {
        return ringValues;
    }

    public float[] ringOutputs() {
        return ringOutputs;
    }

    public float[] ringInnovations() {
        return ringInnovations;
    }

    public EntryBuffer eidetic() {
        return eidetic;
    }

    public EntryBuffer candidates() {
        return candidates;
    }

    public EntryBuffer retrieved() {
        return retrieved;
    }

    public long admitted() {
        return admitted;
    }

    public long evicted() {
        return evicted;
    }

    void countAdmitted() {
        admitted++;
    }

    void countEvicted() {
        evicted++;
    }

    /** A deep copy (the archive is not copied). */
    public BmojoState copy() {
        return new BmojoState(cell.copy(), window, ringKeys.clone(), ringValues.clone(), ringOutputs.clone(),
                ringInnovations.clone(), eidetic.copy(), candidates.copy(), retrieved.copy(), admitted, evicted);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BmojoState s && s.cell.equals(cell) && s.window == window
                && Arrays.equals(s.ringKeys, ringKeys) && Arrays.equals(s.ringValues, ringValues)
                && Arrays.equals(s.ringOutputs, ringOutputs) && Arrays.equals(s.ringInnovations, ringInnovations)
                && s.eidetic.equals(eidetic) && s.candidates.equals(candidates) && s.retrieved.equals(retrieved)
                && s.admitted == admitted && s.evicted == evicted;
    }

    @Override
    public int hashCode() {
        return cell.hashCode() * 31 + eidetic.hashCode();
    }

    @Override
    public String toString() {
        return "BmojoState{position=" + position() + ", window=" + window + ", eidetic=" + eidetic + ", admitted="
                + admitted + ", evicted=" + evicted + "}";
    }
}
