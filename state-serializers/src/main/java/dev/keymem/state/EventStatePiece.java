package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.events.EventState;

/**
 * Payload of an {@link EventState} (the event memory's hot state, one ValueState per key).
 *
 * <p>Format 2 (written since format 2 exists) holds the content, not the capacity: {@code long events, long
 * totalLength, cell (long position, int n, float[n]), int d, int ds, float[ds] segmentSum (its first ds
 * values; the rest of the d are zero), int m (eidetic capacity), int size (eideticSize), int n,
 * long[n] eideticPositions, float[n] eideticScores} (the first n slots, n = size unless a slot past the size
 * holds a non-zero value; the rest of the m slots are zero). A key that has absorbed few events, or whose
 * segment was just closed, stores little.
 *
 * <p>Format 1 (read only): {@code long events, long totalLength, cell (long position, int n, float[n]),
 * int d, float[d] segmentSum, int m, long[m] eideticPositions, float[m] eideticScores, int eideticSize}.
 * Both decode to the same state, bit for bit.
 */
public final class EventStatePiece extends BaseStatePiece<EventState> {

    public static final EventStatePiece INSTANCE = new EventStatePiece();
    public static final int CODE = 14;
    public static final int FORMAT = 2;

    private EventStatePiece() {
        super("EventState", CODE, FORMAT);
    }

    @Override
    public void write(EventState s, PayloadWriter out) {
        out.putLong(s.events()).putLong(s.totalLength());
        CellStatePiece.writeCell(s.cell(), out);
        float[] sum = s.segmentSum();
        int ds = BmojoStatePiece.filled(sum);
        out.putInt(sum.length).putInt(ds);
        out.putFloats(sum, 0, ds);
        int m = s.eideticPositions().length;
        int n = eideticFilled(s);
        out.putInt(m).putInt(s.eideticSize()).putInt(n);
        out.putLongs(s.eideticPositions(), 0, n);
        out.putFloats(s.eideticScores(), 0, n);
    }

    /** Eidetic slots up to the last used or non-zero one. */
    private static int eideticFilled(EventState s) {
        long[] pos = s.eideticPositions();
        float[] scores = s.eideticScores();
        int n = pos.length;
        while (n > s.eideticSize() && pos[n - 1] == 0 && Float.floatToRawIntBits(scores[n - 1]) == 0) {
            n--;
        }
        return n;
    }

    /** Payload bytes of {@code s} in the current format. */
    public static int payloadBytes(EventState s) {
        return 16 + CellStatePiece.payloadBytes(s.cellFloats()) + 8 + 4 * BmojoStatePiece.filled(s.segmentSum()) + 12
                + 12 * eideticFilled(s);
    }

    /** Payload bytes of {@code s} in format 1 (every array at capacity). */
    public static int format1Bytes(EventState s) {
        return 16 + CellStatePiece.payloadBytes(s.cellFloats()) + 4 + 4 * s.segmentSum().length + 4
                + 12 * s.eideticPositions().length + 4;
    }

    /** Writes {@code s} in format 1 (every array at capacity), for tests. */
    static void writeFormat1(EventState s, PayloadWriter out) {
        out.putLong(s.events()).putLong(s.totalLength());
        CellStatePiece.writeCell(s.cell(), out);
        out.putFloatArray(s.segmentSum());
        int m = s.eideticPositions().length;
        out.putInt(m);
        out.putLongs(s.eideticPositions(), 0, m);
        out.putFloats(s.eideticScores(), 0, m);
        out.putInt(s.eideticSize());
    }

    @Override
    public EventState read(int format, PayloadReader in, EventState reuse) throws CorruptStateException {
        if (format != 1 && format != 2) {
            throw in.corrupt("unknown EventState format " + format);
        }
        long events = in.getLong("events");
        long total = in.getLong("totalLength");
        if (events < 0 || total < 0) {
            throw in.corrupt("negative events " + events + " or total length " + total);
        }
        CellState cell = CellStatePiece.readCell(in, null);
        return format == 1 ? readFormat1(in, events, total, cell) : readFormat2(in, events, total, cell);
    }

    private static EventState readFormat2(PayloadReader in, long events, long total, CellState cell)
            throws CorruptStateException {
        int d = in.getInt("segmentSum length");
        int ds = in.getInt("segmentSum stored");
        if (d < 0 || 4L * d > StateFrame.MAX_PAYLOAD_BYTES || ds < 0 || ds > d || ds > in.remaining() / 4) {
            throw in.corrupt("impossible segmentSum of " + d + " values, " + ds + " stored");
        }
        float[] sum = new float[d];
        in.getFloats(sum, 0, ds, "segmentSum");
        int m = in.getInt("eidetic capacity");
        int size = in.getInt("eideticSize");
        int n = in.getInt("eidetic stored");
        if (m < 0 || 12L * m > StateFrame.MAX_PAYLOAD_BYTES || size < 0 || size > m || n < size || n > m
                || n > in.remaining() / 12) {
            throw in.corrupt("impossible eidetic capacity " + m + ", size " + size + " or stored slots " + n);
        }
        long[] pos = new long[m];
        in.getLongs(pos, 0, n, "eideticPositions");
        float[] scores = new float[m];
        in.getFloats(scores, 0, n, "eideticScores");
        return state(in, events, total, cell, sum, pos, scores, size);
    }

    private static EventState readFormat1(PayloadReader in, long events, long total, CellState cell)
            throws CorruptStateException {
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
        return state(in, events, total, cell, sum, pos, scores, size);
    }

    private static EventState state(PayloadReader in, long events, long total, CellState cell, float[] sum, long[] pos,
                                    float[] scores, int size) throws CorruptStateException {
        try {
            return new EventState(events, total, cell, sum, pos, scores, size);
        } catch (IllegalArgumentException e) {
            throw in.corrupt("decoded values are inconsistent: " + e.getMessage());
        }
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
