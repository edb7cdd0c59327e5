package dev.keymem.state;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EntryBuffer;
import dev.keymem.models.cells.CellState;

/**
 * Payload of a key's B'MOJO state (the long-term archive is not in it: its entries are separate
 * {@link EideticEntryPiece} values).
 *
 * <p>Format 2 (written since format 2 exists) holds what the state contains, not its capacity: a young
 * key's ring holds only the positions it has seen, the eidetic store fills up over thousands of tokens,
 * and B'MOJO-F never computes innovations.
 *
 * <pre>
 *   cell      fading memory     (long position, int n, float[n])
 *   int       window            w
 *   int       heads, keyDim, valueDim     H, K, V (shared by the ring and the three buffers)
 *   ring      ringKeys, ringValues, ringOutputs, ringInnovations, each: int n, float[n]: the array's
 *             first n values; the rest of its 2w*H*K, 2w*H*V, 2w*H*V, 2w*H values are zero (trailing
 *             zeros are not written)
 *   buffer    eidetic, candidates, retrieved, each:
 *     int capacity, int[H] count, then per head h: long[count[h]] positions,
 *     float[count[h]] innovations, float[count[h]*K] keys, float[count[h]*V] values
 *     (the entries past a head's count are zero, {@link EntryBuffer}'s invariant, and not written)
 *   long      admitted
 *   long      evicted
 * </pre>
 *
 * <p>Format 1 (read only: checkpoints of earlier builds), in the field order {@link BmojoState}
 * documents, every array at its full capacity:
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
 * Both formats decode to the same state, bit for bit. The ring lengths must agree with the window and the
 * buffers' shape; values the model's constructors reject (an entry count above the capacity, ...) and such
 * disagreements are reported as corruption.
 */
public final class BmojoStatePiece extends BaseStatePiece<BmojoState> {

    public static final BmojoStatePiece INSTANCE = new BmojoStatePiece();
    public static final int CODE = 10;
    public static final int FORMAT = 2;

    private BmojoStatePiece() {
        super("BmojoState", CODE, FORMAT);
    }

    @Override
    public void write(BmojoState v, PayloadWriter out) {
        EntryBuffer eidetic = v.eidetic();
        for (EntryBuffer b : new EntryBuffer[] {v.candidates(), v.retrieved()}) {
            if (b.heads() != eidetic.heads() || b.keyDim() != eidetic.keyDim() || b.valueDim() != eidetic.valueDim()) {
                throw new IllegalArgumentException("B'MOJO entry buffers disagree on their shape: H=" + eidetic.heads()
                        + " K=" + eidetic.keyDim() + " V=" + eidetic.valueDim() + " vs H=" + b.heads() + " K="
                        + b.keyDim() + " V=" + b.valueDim());
            }
        }
        CellStatePiece.writeCell(v.cell(), out);
        out.putInt(v.window());
        out.putInt(eidetic.heads()).putInt(eidetic.keyDim()).putInt(eidetic.valueDim());
        putFilled(v.ringKeys(), out);
        putFilled(v.ringValues(), out);
        putFilled(v.ringOutputs(), out);
        putFilled(v.ringInnovations(), out);
        writeEntries(eidetic, out);
        writeEntries(v.candidates(), out);
        writeEntries(v.retrieved(), out);
        out.putLong(v.admitted());
        out.putLong(v.evicted());
    }

    /** Writes {@code v} in format 1, every array at full capacity (for tests and pieces that embed format 1). */
    public static void writeFormat1(BmojoState v, PayloadWriter out) {
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

    /** Values of {@code a} up to its last non-zero one (bitwise: a -0.0 is kept). */
    static int filled(float[] a) {
        int n = a.length;
        while (n > 0 && Float.floatToRawIntBits(a[n - 1]) == 0) {
            n--;
        }
        return n;
    }

    private static void putFilled(float[] a, PayloadWriter out) {
        int n = filled(a);
        out.putInt(n);
        out.putFloats(a, 0, n);
    }

    private static void writeEntries(EntryBuffer b, PayloadWriter out) {
        int cap = b.capacity();
        out.putInt(cap);
        int[] count = b.counts();
        for (int c : count) {
            out.putInt(c);
        }
        int k = b.keyDim();
        int val = b.valueDim();
        for (int h = 0; h < count.length; h++) {
            int n = count[h];
            int s = h * cap;
            out.putLongs(b.positions(), s, n);
            out.putFloats(b.innovations(), s, n);
            out.putFloats(b.keys(), s * k, n * k);
            out.putFloats(b.values(), s * val, n * val);
        }
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
        long n = CellStatePiece.payloadBytes(v.cell()) + 4 + 12 + 4L * 4
                + 4L * (filled(v.ringKeys()) + filled(v.ringValues()) + filled(v.ringOutputs())
                + filled(v.ringInnovations()))
                + entriesBytes(v.eidetic()) + entriesBytes(v.candidates()) + entriesBytes(v.retrieved()) + 16;
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static long entriesBytes(EntryBuffer b) {
        long entries = 0;
        for (int c : b.counts()) {
            entries += c;
        }
        return 4 + 4L * b.heads() + entries * (8 + 4 + 4L * b.keyDim() + 4L * b.valueDim());
    }

    /** Payload bytes of {@code v} in format 1 (every array at capacity). */
    public static int format1Bytes(BmojoState v) {
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
        if (format == 2) {
            return readFormat2(in);
        }
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

    private BmojoState readFormat2(PayloadReader in) throws CorruptStateException {
        CellState cell = CellStatePiece.readCell(in, null);
        int window = in.getInt("window");
        int heads = in.getInt("heads");
        int keyDim = in.getInt("keyDim");
        int valueDim = in.getInt("valueDim");
        if (window < 1 || heads < 1 || keyDim < 1 || valueDim < 1) {
            throw in.corrupt("impossible shape w=" + window + " H=" + heads + " K=" + keyDim + " V=" + valueDim);
        }
        if (3 * 4L * heads > in.remaining()) {
            throw in.corrupt(heads + " heads need " + 12L * heads + " bytes of entry counts, " + in.remaining()
                    + " left");
        }
        long slots = 2L * window * heads;
        float[] ringKeys = filledFloats(in, "ringKeys", slots * keyDim);
        float[] ringValues = filledFloats(in, "ringValues", slots * valueDim);
        float[] ringOutputs = filledFloats(in, "ringOutputs", slots * valueDim);
        float[] ringInnovations = filledFloats(in, "ringInnovations", slots);
        EntryBuffer eidetic = readEntries(in, "eidetic", heads, keyDim, valueDim);
        EntryBuffer candidates = readEntries(in, "candidates", heads, keyDim, valueDim);
        EntryBuffer retrieved = readEntries(in, "retrieved", heads, keyDim, valueDim);
        long admitted = in.getLong("admitted");
        long evicted = in.getLong("evicted");
        if (admitted < 0 || evicted < 0 || evicted > admitted) {
            throw in.corrupt("impossible counters admitted=" + admitted + " evicted=" + evicted);
        }
        try {
            return new BmojoState(cell, window, ringKeys, ringValues, ringOutputs, ringInnovations, eidetic, candidates,
                    retrieved, admitted, evicted);
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(name(), "decoded values are inconsistent: " + e.getMessage(), e);
        }
    }

    /** An array of {@code length} values whose first n are stored (int n, float[n]); the rest are zero. */
    private static float[] filledFloats(PayloadReader in, String what, long length) throws CorruptStateException {
        int n = in.getFloatArrayLength(what);
        if (n > length) {
            throw in.corrupt(what + " stores " + n + " values but the window and shape hold " + length);
        }
        if (4 * length > StateFrame.MAX_PAYLOAD_BYTES) {
            throw in.corrupt(what + " of " + length + " values exceeds the payload limit at full capacity");
        }
        float[] a = new float[(int) length];
        in.getFloats(a, 0, n, what);
        return a;
    }

    private static EntryBuffer readEntries(PayloadReader in, String name, int heads, int keyDim, int valueDim)
            throws CorruptStateException {
        int capacity = in.getInt(name + " capacity");
        if (capacity < 0 || (long) heads * capacity * (12 + 4L * keyDim + 4L * valueDim) > StateFrame.MAX_PAYLOAD_BYTES) {
            throw in.corrupt(name + " buffer has an impossible capacity " + capacity + " for H=" + heads + " K="
                    + keyDim + " V=" + valueDim);
        }
        int[] count = new int[heads];
        long entries = 0;
        for (int h = 0; h < heads; h++) {
            count[h] = in.getInt(name + " count");
            if (count[h] < 0 || count[h] > capacity) {
                throw in.corrupt(name + " buffer: entry count " + count[h] + " of head " + h + " outside [0,"
                        + capacity + "]");
            }
            entries += count[h];
        }
        long bytes = entries * (8 + 4 + 4L * keyDim + 4L * valueDim);
        if (bytes > in.remaining()) {
            throw in.corrupt(name + " buffer of " + entries + " entries (K=" + keyDim + " V=" + valueDim + ") needs "
                    + bytes + " bytes, " + in.remaining() + " left");
        }
        int slots = heads * capacity;
        long[] positions = new long[slots];
        float[] innovations = new float[slots];
        float[] keys = new float[slots * keyDim];
        float[] values = new float[slots * valueDim];
        for (int h = 0; h < heads; h++) {
            int n = count[h];
            int s = h * capacity;
            in.getLongs(positions, s, n, name + " positions");
            in.getFloats(innovations, s, n, name + " innovations");
            in.getFloats(keys, s * keyDim, n * keyDim, name + " keys");
            in.getFloats(values, s * valueDim, n * valueDim, name + " values");
        }
        try {
            return new EntryBuffer(heads, capacity, keyDim, valueDim, count, positions, innovations, keys, values);
        } catch (IllegalArgumentException e) {
            throw in.corrupt(name + " buffer is inconsistent: " + e.getMessage());
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
