package dev.keymem.models.cells;

import java.util.Arrays;

/**
 * The per-key state of a memory cell: a flat float array whose layout the cell defines (for the
 * matrix cells {@code [H,K,V]} row-major, followed by the running key sum {@code [H,K]} when the
 * normaliser is on), plus the number of tokens the state has absorbed. The position matters to
 * cells and memories that cut the stream by token position (deep mini-batches, Memory Caching
 * segments), so that outputs never depend on how a stream is cut into chunks.
 */
public final class CellState {
    private final float[] data;
    private long position;

    public CellState(float[] data, long position) {
        this.data = data;
        this.position = position;
    }

    public CellState(int size) {
        this(new float[size], 0L);
    }

    /** The raw state; cells update it in place. */
    public float[] data() {
        return data;
    }

    /** Tokens absorbed so far. */
    public long position() {
        return position;
    }

    public void advance(long tokens) {
        position += tokens;
    }

    public void setPosition(long position) {
        this.position = position;
    }

    public CellState copy() {
        return new CellState(data.clone(), position);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CellState s && s.position == position && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + Long.hashCode(position);
    }

    @Override
    public String toString() {
        return "CellState{floats=" + data.length + ", position=" + position + "}";
    }
}
