package dev.keymem.state;

import dev.keymem.models.cells.CellState;

/**
 * Payload of one cached checkpoint of Memory Caching (one MapState entry per cache id). The layout
 * is the cell layout of {@link CellStatePiece} (format 1: {@code long position, int n, float[n]}),
 * under its own code and name so that a corrupted entry is reported as a cached checkpoint.
 */
public final class CachedStatePiece extends BaseStatePiece<CellState> {

    public static final CachedStatePiece INSTANCE = new CachedStatePiece();
    public static final int CODE = 3;
    public static final int FORMAT = 1;

    private CachedStatePiece() {
        super("CachedCheckpoint", CODE, FORMAT);
    }

    @Override
    public void write(CellState value, PayloadWriter out) {
        CellStatePiece.writeCell(value, out);
    }

    @Override
    public CellState read(int format, PayloadReader in, CellState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown CachedCheckpoint format " + format);
        }
        return CellStatePiece.readCell(in, reuse);
    }

    @Override
    public CellState copy(CellState value) {
        return value.copy();
    }

    @Override
    public CellState empty() {
        return new CellState(0);
    }
}
