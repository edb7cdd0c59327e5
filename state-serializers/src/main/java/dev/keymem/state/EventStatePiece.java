package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.events.EventState;

/**
 * Payload of an {@link EventState} (the event memory's hot state, one ValueState per key). Format 1:
 * {@code long events, long totalLength, cell (long position, int n, float[n]), int d, float[d] segmentSum,
 * int m, long[m] eideticPositions, float[m] eideticScores, int eideticSize}.
 */
public final class EventStatePiece extends BaseStatePiece<EventState> {

    public static final EventStatePiece INSTANCE = new EventStatePiece();
    public static final int CODE = 14;
    public static final int FORMAT = 1;

    private EventStatePiece() {
        super("EventState", CODE, FORMAT);
    }

    @Override
    public void write(EventState s, PayloadWriter out) {
        out.putLong(s.events()).putLong(s.totalLength());
        CellStatePiece.writeCell(s.cell(), out);
        out.putFloatArray(s.segmentSum());
        int m = s.eideticPositions().length;
        out.putInt(m);
        out.putLongs(s.eideticPositions(), 0, m);
        out.putFloats(s.eideticScores(), 0, m);
        out.putInt(s.eideticSize());
    }

    /** Payload bytes of {@code s} in the current format. */
    public static int payloadBytes(EventState s) {
        return 16 + CellStatePiece.payloadBytes(s.cell()) + 4 + 4 * s.segmentSum().length + 4
                + 12 * s.eideticPositions().length + 4;
    }

    @Override
    public EventState read(int format, PayloadReader in, EventState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown EventState format " + format);
        }
        long events = in.getLong("events");
        long total = in.getLong("totalLength");
        if (events < 0 || total < 0) {
            throw in.corrupt("negative events " + events + " or total length " + total);
        }
        CellState cell = CellStatePiece.readCell(in, null);
        int d = in.getFloatArrayLength("segmentSum");
        float[] sum = new float[d];
        in.getFloats(sum, 0, d, "segmentSum");
        int m = in.getInt("eidetic capacity");
        if (m < 0 || m > in.remaining() / 12) {
            throw in.corrupt("impossible eidetic capacity " + m);
        }
        long[] pos = new long[m];
        in.getLongs(pos, 0, m, "eideticPositions");
        float[] scores = new float[m];
        in.getFloats(scores, 0, m, "eideticScores");
        int size = in.getInt("eideticSize");
        if (size < 0 || size > m) {
            throw in.corrupt("eidetic size " + size + " outside [0, " + m + "]");
        }
        return new EventState(events, total, cell, sum, pos, scores, size);
    }

    @Override
    public EventState copy(EventState s) {
        return s.copy();
    }

    @Override
    public EventState empty() {
        return new EventState(0, 0, new CellState(0), new float[0], new long[0], new float[0], 0);
    }
}
