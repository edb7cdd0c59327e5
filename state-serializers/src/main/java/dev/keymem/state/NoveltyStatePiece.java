package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.retention.RetentionState;

/**
 * Payload of a key's hot {@link NoveltyState} (a ValueState). Format 2: the cell (format-1 cell layout:
 * {@code long position, int n, float[n]}), {@code int count, long[count] eidetic positions, float[count]
 * innovations}, {@code byte hasRetention} and then, when 1, the {@link RetentionStatePiece} format-2 payload
 * (its T2 slots sized to their use). Format 1 (read only) is the same with the retention state in its format 1.
 */
public final class NoveltyStatePiece extends BaseStatePiece<NoveltyState> {

    public static final NoveltyStatePiece INSTANCE = new NoveltyStatePiece();
    public static final int CODE = 40;
    public static final int FORMAT = 2;

    private NoveltyStatePiece() {
        super("NoveltyState", CODE, FORMAT);
    }

    @Override
    public void write(NoveltyState s, PayloadWriter out) {
        CellStatePiece.writeCell(s.cell(), out);
        long[] positions = s.eideticPositions();
        float[] innovations = s.eideticInnovations();
        out.putInt(positions.length);
        out.putLongs(positions, 0, positions.length);
        out.putFloats(innovations, 0, innovations.length);
        out.putByte(s.retention() == null ? 0 : 1);
        if (s.retention() != null) {
            RetentionStatePiece.INSTANCE.write(s.retention(), out);
        }
    }

    /** Payload bytes of {@code s} in the current format. */
    public static int payloadBytes(NoveltyState s) {
        // the cell's size without s.cell(), which would apply the decays the fused step defers (per item)
        long n = CellStatePiece.payloadBytes(s.cellFloats()) + 4 + 12L * s.eideticCount() + 1;
        if (s.retention() != null) {
            n += RetentionStatePiece.payloadBytes(s.retention());
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    @Override
    public NoveltyState read(int format, PayloadReader in, NoveltyState reuse) throws CorruptStateException {
        if (format != 1 && format != 2) {
            throw in.corrupt("unknown NoveltyState format " + format);
        }
        CellState cell = CellStatePiece.readCell(in, null);
        int count = in.getInt("eidetic count");
        if (count < 0 || 12L * count > in.remaining()) {
            throw in.corrupt("impossible eidetic count " + count + " with " + in.remaining() + " bytes left");
        }
        long[] positions = new long[count];
        in.getLongs(positions, 0, count, "eidetic positions");
        float[] innovations = new float[count];
        in.getFloats(innovations, 0, count, "eidetic innovations");
        int has = in.getByte("hasRetention");
        if (has != 0 && has != 1) {
            throw in.corrupt("hasRetention must be 0 or 1: " + has);
        }
        RetentionState retention = has == 1 ? RetentionStatePiece.INSTANCE.read(format, in, null) : null;
        return new NoveltyState(cell, positions, innovations, retention);
    }

    @Override
    public NoveltyState copy(NoveltyState s) {
        return s.copy();
    }

    @Override
    public NoveltyState empty() {
        return new NoveltyState(new CellState(0), new long[0], new float[0], null);
    }
}
