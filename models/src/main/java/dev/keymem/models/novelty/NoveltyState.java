package dev.keymem.models.novelty;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.RetentionState;
import java.util.Arrays;

/**
 * One key's hot {@link Novelty} state: the fading cell (its position is the key's item count), the index of
 * the eidetic entries (their positions and innovations; the entries themselves, with their payloads, are
 * store rows) and, when the retention tier is on, its {@link RetentionState}. Its size does not depend on
 * the key's history: D*D + 12 * capacity bytes plus the retention tier's bounded tiers.
 *
 * <p>Field layout (a serializer's order): {@code cell}, {@code count}, {@code positions[count]},
 * {@code innovations[count]}, {@code retention} (or none).
 */
public final class NoveltyState {
    private final CellState cell;
    private long[] positions;
    private float[] innovations;
    private int count;
    private RetentionState retention;

    public NoveltyState(CellState cell, long[] positions, float[] innovations, RetentionState retention) {
        if (positions.length != innovations.length) {
            throw new IllegalArgumentException("eidetic positions (" + positions.length + ") and innovations ("
                    + innovations.length + ") differ in length");
        }
        this.cell = cell;
        this.positions = positions.clone();
        this.innovations = innovations.clone();
        this.count = positions.length;
        this.retention = retention;
    }

    /** Items seen. */
    public long position() {
        return cell.position();
    }

    public CellState cell() {
        return cell;
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
        return new NoveltyState(cell.copy(), eideticPositions(), eideticInnovations(),
                retention == null ? null : retention.copy());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoveltyState s && cell.equals(s.cell)
                && Arrays.equals(eideticPositions(), s.eideticPositions())
                && Arrays.equals(eideticInnovations(), s.eideticInnovations())
                && java.util.Objects.equals(retention, s.retention);
    }

    @Override
    public int hashCode() {
        return cell.hashCode() * 31 + count;
    }
}
