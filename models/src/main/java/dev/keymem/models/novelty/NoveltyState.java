package dev.keymem.models.novelty;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.RetentionState;
import java.util.Arrays;

/**
 * One key's hot {@link Novelty} state: the fading cell (its position is the key's item count), the index of
 * the eidetic entries (their positions and innovations; the entries themselves, with their payloads, are
 * store rows) and, when the retention tier is on, its {@link RetentionState}. Its size does not depend on
 * the key's history: at most D*D floats for the cell (a fresh key's cell, until first read, is a packed block of
 * 32 x 32 floats growing to D x D: {@link PackedCell}) + 12 * capacity bytes plus the retention tier's bounded
 * tiers.
 *
 * <p>Field layout (a serializer's order): {@code cell}, {@code count}, {@code positions[count]},
 * {@code innovations[count]}, {@code retention} (or none).
 */
public final class NoveltyState {
    /**
     * The fading cell; null while a fresh state's cell is packed and no reader has asked for it (its canonical
     * array is made then: {@link PackedCell#unpack}). Volatile, as {@link #packed}: {@link #cell()} and
     * {@link #position()} read them without the lock that {@link #settle} writes them under (a snapshot's thread
     * and a copying thread may both read).
     */
    private volatile CellState cell;
    /** The item count while {@link #cell} is null. */
    private long unmadePosition;
    /** The fading cell's floats. */
    private final int cellFloats;
    private long[] positions;
    private float[] innovations;
    private int count;
    private RetentionState retention;
    /** The fading cell's rows' decays not applied yet (the fused step's; null: none); never serialized. */
    private DeferredDecay owed;
    /**
     * The fading cell's packed layout (the packed kernel's; null: the canonical layout); never serialized: the
     * cell's readers see it unpacked.
     */
    private volatile PackedCell packed;
    /** Whether packing the cell was refused (it held an infinity or NaN): the general kernel steps it. */
    private boolean unpackable;

    public NoveltyState(CellState cell, long[] positions, float[] innovations, RetentionState retention) {
        if (positions.length != innovations.length) {
            throw new IllegalArgumentException("eidetic positions (" + positions.length + ") and innovations ("
                    + innovations.length + ") differ in length");
        }
        this.cell = cell;
        this.cellFloats = cell.data().length;
        this.positions = positions.clone();
        this.innovations = innovations.clone();
        this.count = positions.length;
        this.retention = retention;
    }

    /**
     * A fresh state (position 0, no entries, no retention tier) whose all-+0 cell of {@code cellFloats} floats
     * starts as the empty packed cell {@code empty}.
     */
    NoveltyState(PackedCell empty, int cellFloats) {
        if (cellFloats != empty.c * empty.c || empty.m != 0) {
            throw new IllegalArgumentException("an empty packed cell of " + empty.c + " x " + empty.c
                    + " for a cell of " + cellFloats + " floats");
        }
        this.cell = null;
        this.cellFloats = cellFloats;
        this.positions = new long[0];
        this.innovations = new float[0];
        this.packed = empty;
    }

    /** Items seen. */
    public long position() {
        CellState c = cell;
        return c != null ? c.position() : unmadePosition;
    }

    /**
     * The fading cell, every decay applied: a step of {@link Novelty} may leave the decays of rows it does not
     * read to be applied later ({@link DeferredDecay}), which this applies first. Ask again after a later item.
     */
    public CellState cell() {
        if (owed != null || packed != null || cell == null) {
            settle();
        }
        return cell;
    }

    /**
     * Applies the waiting decays. Synchronized: a heap state backend's asynchronous snapshot may serialize this
     * state on its own thread while the task thread copies it (copy-on-write), and both read it through
     * {@link #cell()}; the lock lets only the first apply the decays and the other read the settled cell. (A
     * state the task thread steps is never one a snapshot reads: the backend hands the task a copy.)
     */
    private synchronized void settle() {
        if (packed != null) {
            unpackNow();
        }
        if (owed != null) {
            owed.settle(cell.data());
        }
    }

    /** The fading cell's floats (d_c x d_c), without applying waiting decays. */
    public int cellFloats() {
        return cellFloats;
    }

    /**
     * The fading cell in its canonical layout, rows possibly owing decays ({@link #owed}); for {@link Novelty}'s
     * step on the general kernel.
     */
    CellState rawCell() {
        if (packed != null) {
            unpack();
        }
        return cell;
    }

    private synchronized void unpack() {
        if (packed != null) {
            unpackNow();
        }
    }

    /** Puts the packed cell into the canonical layout (its array made now where this state has no cell yet). */
    private void unpackNow() {
        installUnpacked(packed.unpack());
    }

    /** Takes {@code canonical} (the packed cell's canonical array, unpacked) as the cell and forgets the packing. */
    private void installUnpacked(float[] canonical) {
        if (cell == null) {
            cell = new CellState(canonical, unmadePosition);
        } else if (canonical != cell.data()) { // (a packed cell made by pack() unpacks into the cell's array)
            throw new IllegalStateException("the packed cell unpacked into another array");
        }
        packed = null;
    }

    /**
     * The fading cell packed for the packed kernel (c x c, decays by {@code factor}): as it is, or packed now
     * (every owed decay applied first); null where the cell holds an infinity or NaN (it is not packed: the
     * general kernel steps it, now and later).
     */
    PackedCell packed(int c, float factor) {
        PackedCell p = packed;
        if (p != null && p.c == c && Float.floatToRawIntBits(p.factor) == Float.floatToRawIntBits(factor)) {
            return p;
        }
        if (unpackable) {
            return null;
        }
        if (p != null || owed != null) {
            settle();
            owed = null;
        }
        packed = PackedCell.pack(cell.data(), c, factor);
        unpackable = packed == null;
        return packed;
    }

    /** Counts a packed step's item (the cell's position). */
    void advancePacked() {
        if (cell != null) {
            cell.advance(1);
        } else {
            unmadePosition++;
        }
    }

    /**
     * Forgets the packed layout after a step that put the cell back into its canonical layout, {@code canonical}
     * (the packed cell's {@link PackedCell#home}).
     */
    void unpacked(float[] canonical) {
        installUnpacked(canonical);
    }

    /** The deferred decays of this state's c x c cell, made on first use. */
    DeferredDecay owed(int c) {
        if (owed == null || owed.c != c) {
            if (owed != null) {
                settle();
            }
            owed = new DeferredDecay(c);
        }
        return owed;
    }

    /** The retention tier's state, or null when the tier is off. */
    public RetentionState retention() {
        return retention;
    }

    /** Replaces the retention tier's state (a migration). */
    public void setRetention(RetentionState r) {
        this.retention = r;
    }

    /** Eidetic entries held. */
    public int eideticCount() {
        return count;
    }

    /** The held entries' positions, in admission order. */
    public long[] eideticPositions() {
        return Arrays.copyOf(positions, count);
    }

    /** The held entries' innovations, in the order of {@link #eideticPositions()}. */
    public float[] eideticInnovations() {
        return Arrays.copyOf(innovations, count);
    }

    long positionAt(int i) {
        return positions[i];
    }

    float innovationAt(int i) {
        return innovations[i];
    }

    void add(long position, float innovation) {
        if (count == positions.length) {
            int n = Math.max(4, count * 2);
            positions = Arrays.copyOf(positions, n);
            innovations = Arrays.copyOf(innovations, n);
        }
        positions[count] = position;
        innovations[count] = innovation;
        count++;
    }

    void removeAt(int i) {
        System.arraycopy(positions, i + 1, positions, i, count - i - 1);
        System.arraycopy(innovations, i + 1, innovations, i, count - i - 1);
        count--;
    }

    public NoveltyState copy() {
        return new NoveltyState(cell().copy(), eideticPositions(), eideticInnovations(),
                retention == null ? null : retention.copy());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoveltyState s && cell().equals(s.cell())
                && Arrays.equals(eideticPositions(), s.eideticPositions())
                && Arrays.equals(eideticInnovations(), s.eideticInnovations())
                && java.util.Objects.equals(retention, s.retention);
    }

    @Override
    public int hashCode() {
        return cell().hashCode() * 31 + count;
    }
}
