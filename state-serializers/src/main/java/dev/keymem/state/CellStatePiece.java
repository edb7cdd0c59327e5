package dev.keymem.state;

import dev.keymem.models.cells.CellState;

/**
 * Payload of a {@link CellState}. Format 1: {@code long position, int n, float[n] data}.
 */
public final class CellStatePiece extends BaseStatePiece<CellState> {

    public static final CellStatePiece INSTANCE = new CellStatePiece();
    public static final int CODE = 1;
    public static final int FORMAT = 1;

    private CellStatePiece() {
        super("CellState", CODE, FORMAT);
    }

    @Override
    public void write(CellState value, PayloadWriter out) {
        writeCell(value, out);
    }

    /** The format-1 cell layout, shared by every piece that embeds a cell state. */
    static void writeCell(CellState value, PayloadWriter out) {
        out.putLong(value.position());
        out.putFloatArray(value.data());
    }

    /** Reads the format-1 cell layout, filling {@code reuse} when its size fits. */
    static CellState readCell(PayloadReader in, CellState reuse) throws CorruptStateException {
        long position = in.getLong("position");
        if (position < 0) {
            throw in.corrupt("negative position " + position);
        }
        int n = in.getFloatArrayLength("data");
        CellState s = reuse != null && reuse.data().length == n ? reuse : new CellState(n);
        in.getFloats(s.data(), 0, n, "data");
        s.setPosition(position);
        return s;
    }

    /** Payload bytes of {@code value} in the current format. */
    public static int payloadBytes(CellState value) {
        return payloadBytes(value.data().length);
    }

    /** Payload bytes of a cell state of {@code floats} floats in the current format. */
    public static int payloadBytes(int floats) {
        return 8 + 4 + 4 * floats;
    }

    @Override
    public CellState read(int format, PayloadReader in, CellState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown CellState format " + format);
        }
        return readCell(in, reuse);
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
