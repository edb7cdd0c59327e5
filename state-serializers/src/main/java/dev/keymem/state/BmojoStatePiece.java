package dev.keymem.state;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.cells.CellState;

/**
 * Payload of a key's B'MOJO state (the long-term archive is not in it: its entries are separate
 * {@link EideticEntryPiece} values). Format 1, in the field order {@link BmojoState} documents:
 *
 * <pre>
 *   cell      fading memory     (long position, int n, float[n])
 *   int       window            w
 *   float[]   ringKeys          (int n, float[n])   n = 2w*H*K
 *   float[]   ringValues        (int n, float[n])   n = 2w*H*V
 *   float[]   ringOutputs       (int n, float[n])   n = 2w*H*V
 *   float[]   ringInnovations   (int n, float[n])   n = 2w*H
 *   buffer    eidetic, candidates, retrieved, each:
 *     int heads, int capacity, int keyDim, int valueDim, int[heads] count,
 *     long[heads*cap] positions, float[heads*cap] innovations,
 *     float[heads*cap*keyDim] keys, float[heads*cap*valueDim] values     (no length prefixes)
 *   long      admitted
 *   long      evicted
 * </pre>
 *
 * The ring lengths must agree with the window and the buffers' shape; values the model's constructors
 * reject (an entry count above the capacity, ...) and such disagreements are reported as corruption.
 */
public final class BmojoStatePiece extends BaseStatePiece<BmojoState> {

    public static final BmojoStatePiece INSTANCE = new BmojoStatePiece();
    public static final int CODE = 10;
    public static final int FORMAT = 1;

    private BmojoStatePiece() {
        super("BmojoState", CODE, FORMAT);
    }

    @Override
    public void write(BmojoState v, PayloadWriter out) {
        CellStatePiece.writeCell(v.cell(), out);
        out.putInt(v.window());
        out.putFloatArray(v.ringKeys());
        out.putFloatArray(v.ringValues());
        out.putFloatArray(v.ringOutputs());
        out.putFloatArray(v.ringInnovations());
        writeBuffer(v.eidetic(), out);
        writeBuffer(v.candidates(), out);
        writeBuffer(v.retrieved(), out);
        out.putLong(v.admitted());
        out.putLong(v.evicted());
    }

    private static void writeBuffer(EntryBuffer b, PayloadWriter out) {
        out.putInt(b.heads()).putInt(b.capacity()).putInt(b.keyDim()).putInt(b.valueDim());
        for (int c : b.counts()) {
            out.putInt(c);
        }
        out.putLongs(b.positions(), 0, b.positions().length);
        out.putFloats(b.innovations(), 0, b.innovations().length);
        out.putFloats(b.keys(), 0, b.keys().length);
        out.putFloats(b.values(), 0, b.values().length);
    }

    /** Payload bytes of {@code v} in the current format. */
    public static int payloadBytes(BmojoState v) {
        long n = CellStatePiece.payloadBytes(v.cell()) + 4 + 4L * 4
                + 4L * (v.ringKeys().length + v.ringValues().length + v.ringOutputs().length
                + v.ringInnovations().length)
                + bufferBytes(v.eidetic()) + bufferBytes(v.candidates()) + bufferBytes(v.retrieved()) + 16;
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static long bufferBytes(EntryBuffer b) {
        long slots = (long) b.heads() * b.capacity();
        return 16 + 4L * b.heads() + slots * (8 + 4 + 4L * b.keyDim() + 4L * b.valueDim());
    }

    @Override
    public BmojoState read(int format, PayloadReader in, BmojoState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown BmojoState format " + format);
        }
        CellState cell = CellStatePiece.readCell(in, null);
        int window = in.getInt("window");
        if (window < 1) {
            throw in.corrupt("window " + window + " is not positive");
        }
        float[] ringKeys = floats(in, "ringKeys");
        float[] ringValues = floats(in, "ringValues");
        float[] ringOutputs = floats(in, "ringOutputs");
        float[] ringInnovations = floats(in, "ringInnovations");
        EntryBuffer eidetic = readBuffer(in, "eidetic");
        EntryBuffer candidates = readBuffer(in, "candidates");
        EntryBuffer retrieved = readBuffer(in, "retrieved");
        long admitted = in.getLong("admitted");
        long evicted = in.getLong("evicted");
        if (admitted < 0 || evicted < 0 || evicted > admitted) {
            throw in.corrupt("impossible counters admitted=" + admitted + " evicted=" + evicted);
        }
        int heads = eidetic.heads();
        int keyDim = eidetic.keyDim();
        int valueDim = eidetic.valueDim();
        for (EntryBuffer b : new EntryBuffer[] {candidates, retrieved}) {
            if (b.heads() != heads || b.keyDim() != keyDim || b.valueDim() != valueDim) {
                throw in.corrupt("entry buffers disagree on their shape: H=" + heads + " K=" + keyDim + " V="
                        + valueDim + " vs H=" + b.heads() + " K=" + b.keyDim() + " V=" + b.valueDim());
            }
        }
        long slots = 2L * window;
        ringLength(in, "ringKeys", ringKeys.length, slots * heads * keyDim);
        ringLength(in, "ringValues", ringValues.length, slots * heads * valueDim);
        ringLength(in, "ringOutputs", ringOutputs.length, slots * heads * valueDim);
        ringLength(in, "ringInnovations", ringInnovations.length, slots * heads);
        try {
            return new BmojoState(cell, window, ringKeys, ringValues, ringOutputs, ringInnovations, eidetic, candidates,
                    retrieved, admitted, evicted);
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(name(), "decoded values are inconsistent: " + e.getMessage(), e);
        }
    }

    private static void ringLength(PayloadReader in, String what, int have, long want) throws CorruptStateException {
        if (have != want) {
            throw in.corrupt(what + " has " + have + " values but the window and shape need " + want);
        }
    }

    private static float[] floats(PayloadReader in, String what) throws CorruptStateException {
        int n = in.getFloatArrayLength(what);
        float[] a = new float[n];
        in.getFloats(a, 0, n, what);
        return a;
    }

    private static EntryBuffer readBuffer(PayloadReader in, String name) throws CorruptStateException {
        int heads = in.getInt(name + " heads");
        int capacity = in.getInt(name + " capacity");
        int keyDim = in.getInt(name + " keyDim");
        int valueDim = in.getInt(name + " valueDim");
        if (heads < 1 || capacity < 0 || keyDim < 1 || valueDim < 1) {
            throw in.corrupt(name + " buffer has an impossible shape H=" + heads + " capacity=" + capacity + " K="
                    + keyDim + " V=" + valueDim);
        }
        long slots = (long) heads * capacity;
        long bytes = 4L * heads + slots * (8 + 4 + 4L * keyDim + 4L * valueDim);
        if (bytes > in.remaining()) {
            throw in.corrupt(name + " buffer of H=" + heads + " capacity=" + capacity + " K=" + keyDim + " V="
                    + valueDim + " needs " + bytes + " bytes, " + in.remaining() + " left");
        }
        int[] count = new int[heads];
        for (int h = 0; h < heads; h++) {
            count[h] = in.getInt(name + " count");
        }
        long[] positions = new long[(int) slots];
        in.getLongs(positions, 0, positions.length, name + " positions");
        float[] innovations = new float[(int) slots];
        in.getFloats(innovations, 0, innovations.length, name + " innovations");
        float[] keys = new float[(int) (slots * keyDim)];
        in.getFloats(keys, 0, keys.length, name + " keys");
        float[] values = new float[(int) (slots * valueDim)];
        in.getFloats(values, 0, values.length, name + " values");
        try {
            return new EntryBuffer(heads, capacity, keyDim, valueDim, count, positions, innovations, keys, values);
        } catch (IllegalArgumentException e) {
            throw in.corrupt(name + " buffer is inconsistent: " + e.getMessage());
        }
    }

    @Override
    public BmojoState copy(BmojoState value) {
        return value.copy();
    }

    @Override
    public BmojoState empty() {
        return new BmojoState(new CellState(0), 1, new float[0], new float[0], new float[0], new float[0],
                new EntryBuffer(1, 0, 1, 1), new EntryBuffer(1, 0, 1, 1), new EntryBuffer(1, 0, 1, 1), 0L, 0L);
    }
}
