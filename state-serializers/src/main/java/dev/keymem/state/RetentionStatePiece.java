package dev.keymem.state;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.retention.CompressedSlots;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import java.util.ArrayList;
import java.util.List;

/**
 * Payload of a key's STR / CMP retention state (the T3 archive entries are separate
 * {@link RetainedTokenPiece} values).
 *
 * <p>Format 2 (written since format 2 exists) is format 1 with the T2 slots sized to their use: after
 * {@code int heads, int slots, int keyDim, int valueDim}, per head h: {@code int n} (the head's slots from n
 * on are all zero: unused, slots fill in index order), {@code double[n] counts, double[n*keyDim] keys,
 * double[n*valueDim] values}. A key whose window has not yet evicted a token stores no slot (format 1 stored
 * 8 * H * C * (1 + K + V) bytes of zeros). It decodes to the same state, bit for bit.
 *
 * <p>Format 1 (read only), in the field order {@link RetentionState} documents:
 *
 * <pre>
 *   long      seed
 *   long      position
 *   cell      innovation cell   (long position, int n, float[n])
 *   double[]  blockQuerySum     (int n, double[n])
 *   4 token lists: sinks, window (T0), retained (T1), recalled (T3), each int n then n tokens in the
 *             {@link RetainedTokenPiece} layout, increasing position
 *   T2        int heads, int slots, int keyDim, int valueDim, double[] counts, double[] keys,
 *             double[] values  (each int n, double[n])
 *   long[]    archivedPositions (int n, long[n])
 *   double[]  archivedScores    (int n, double[n])
 * </pre>
 *
 * Values the model's constructors reject (lists out of position order, a position archived twice,
 * slot arrays that do not fit their shape) are reported as corruption.
 */
public final class RetentionStatePiece extends BaseStatePiece<RetentionState> {

    public static final RetentionStatePiece INSTANCE = new RetentionStatePiece();
    public static final int CODE = 12;
    public static final int FORMAT = 2;
    private static final String[] LISTS = {"sinks", "window", "retained", "recalled"};

    private RetentionStatePiece() {
        super("RetentionState", CODE, FORMAT);
    }

    @Override
    public void write(RetentionState s, PayloadWriter out) {
        write(s, out, false);
    }

    /** Writes {@code s} in format 1 (T2 at full capacity), for tests and pieces that embed format 1. */
    public static void writeFormat1(RetentionState s, PayloadWriter out) {
        write(s, out, true);
    }

    /** Head h's slots up to the last one holding a non-zero bit (count, key or value). */
    static int usedSlots(CompressedSlots c, int h) {
        int k = c.keyDim();
        int v = c.valueDim();
        int n = c.slots();
        while (n > 0) {
            int s = h * c.slots() + n - 1;
            if (!zero(c.counts(), s, 1) || !zero(c.keys(), s * k, k) || !zero(c.values(), s * v, v)) {
                break;
            }
            n--;
        }
        return n;
    }

    private static boolean zero(double[] a, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (Double.doubleToRawLongBits(a[i]) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void write(RetentionState s, PayloadWriter out, boolean format1) {
        out.putLong(s.seed());
        out.putLong(s.position());
        CellStatePiece.writeCell(s.cell(), out);
        out.putDoubleArray(s.blockQuerySum());
        for (List<RetainedToken> l : List.of(s.sinks(), s.window(), s.retained(), s.recalled())) {
            out.putInt(l.size());
            for (RetainedToken t : l) {
                RetainedTokenPiece.writeToken(t, out);
            }
        }
        CompressedSlots c = s.compressed();
        out.putInt(c.heads()).putInt(c.slots()).putInt(c.keyDim()).putInt(c.valueDim());
        if (format1) {
            out.putDoubleArray(c.counts());
            out.putDoubleArray(c.keys());
            out.putDoubleArray(c.values());
        } else {
            int k = c.keyDim();
            int v = c.valueDim();
            for (int h = 0; h < c.heads(); h++) {
                int n = usedSlots(c, h);
                int s0 = h * c.slots();
                out.putInt(n);
                out.putDoubles(c.counts(), s0, n);
                out.putDoubles(c.keys(), s0 * k, n * k);
                out.putDoubles(c.values(), s0 * v, n * v);
            }
        }
        long[] positions = s.archivedPositions();
        out.putInt(positions.length);
        out.putLongs(positions, 0, positions.length);
        out.putDoubleArray(s.archivedScores());
    }

    /** Payload bytes of {@code s} in format 1 (T2 at full capacity). */
    public static int format1Bytes(RetentionState s) {
        CompressedSlots c = s.compressed();
        long n = payloadBytes(s) - 16L;
        for (int h = 0; h < c.heads(); h++) {
            n -= 4 + 8L * usedSlots(c, h) * (1 + c.keyDim() + c.valueDim());
        }
        return (int) Math.min(Integer.MAX_VALUE, n + 16 + 12 + 8L * (c.counts().length + c.keys().length
                + c.values().length));
    }

    /** Payload bytes of {@code s} in the current format. */
    public static int payloadBytes(RetentionState s) {
        long n = 8 + 8 + CellStatePiece.payloadBytes(s.cell()) + 4 + 8L * s.blockQuerySum().length;
        for (List<RetainedToken> l : List.of(s.sinks(), s.window(), s.retained(), s.recalled())) {
            n += 4;
            for (RetainedToken t : l) {
                n += RetainedTokenPiece.tokenBytes(t);
            }
        }
        CompressedSlots c = s.compressed();
        n += 16;
        for (int h = 0; h < c.heads(); h++) {
            n += 4 + 8L * usedSlots(c, h) * (1 + c.keyDim() + c.valueDim());
        }
        n += 4 + 8L * s.archivedCount() + 4 + 8L * s.archivedCount();
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    @Override
    public RetentionState read(int format, PayloadReader in, RetentionState reuse) throws CorruptStateException {
        if (format != 1 && format != 2) {
            throw in.corrupt("unknown RetentionState format " + format);
        }
        long seed = in.getLong("seed");
        long position = in.getLong("position");
        CellState cell = CellStatePiece.readCell(in, null);
        double[] blockQuerySum = in.getDoubleArray("blockQuerySum");
        List<List<RetainedToken>> lists = new ArrayList<>(4);
        for (String name : LISTS) {
            int n = in.getInt(name + " size");
            // a token takes at least 34 bytes: reject impossible counts before allocating
            if (n < 0 || (long) n * 34 > in.remaining()) {
                throw in.corrupt("impossible " + name + " size " + n + " with " + in.remaining() + " bytes left");
            }
            List<RetainedToken> l = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                l.add(RetainedTokenPiece.readToken(in, name + " " + i + " "));
            }
            lists.add(l);
        }
        int heads = in.getInt("T2 heads");
        int slots = in.getInt("T2 slots");
        int keyDim = in.getInt("T2 keyDim");
        int valueDim = in.getInt("T2 valueDim");
        double[] counts;
        double[] keys;
        double[] values;
        if (format == 1) {
            counts = in.getDoubleArray("T2 counts");
            keys = in.getDoubleArray("T2 keys");
            values = in.getDoubleArray("T2 values");
        } else {
            if (heads < 0 || slots < 0 || keyDim < 0 || valueDim < 0
                    || 8L * heads * slots * (1L + keyDim + valueDim) > StateFrame.MAX_PAYLOAD_BYTES
                    || 4L * heads > in.remaining()) {
                throw in.corrupt("impossible T2 shape H=" + heads + " C=" + slots + " K=" + keyDim + " V=" + valueDim);
            }
            counts = new double[heads * slots];
            keys = new double[heads * slots * keyDim];
            values = new double[heads * slots * valueDim];
            for (int h = 0; h < heads; h++) {
                int n = in.getInt("T2 used slots");
                if (n < 0 || n > slots) {
                    throw in.corrupt("T2 head " + h + " stores " + n + " of " + slots + " slots");
                }
                int s0 = h * slots;
                in.getDoubles(counts, s0, n, "T2 counts");
                in.getDoubles(keys, s0 * keyDim, n * keyDim, "T2 keys");
                in.getDoubles(values, s0 * valueDim, n * valueDim, "T2 values");
            }
        }
        int archived = in.getInt("archivedPositions length");
        if (archived < 0 || 8L * archived > in.remaining()) {
            throw in.corrupt("impossible archived count " + archived + " with " + in.remaining() + " bytes left");
        }
        long[] archivedPositions = new long[archived];
        in.getLongs(archivedPositions, 0, archived, "archivedPositions");
        double[] archivedScores = in.getDoubleArray("archivedScores");
        if (heads < 0 || slots < 0 || keyDim < 0 || valueDim < 0) {
            throw in.corrupt("impossible T2 shape H=" + heads + " C=" + slots + " K=" + keyDim + " V=" + valueDim);
        }
        try {
            CompressedSlots compressed = new CompressedSlots(heads, slots, keyDim, valueDim, counts, keys, values);
            return new RetentionState(seed, position, cell, blockQuerySum, lists.get(0), lists.get(1), lists.get(2),
                    lists.get(3), compressed, archivedPositions, archivedScores);
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(name(), "decoded values are inconsistent: " + e.getMessage(), e);
        }
    }

    @Override
    public RetentionState copy(RetentionState value) {
        return value.copy();
    }

    @Override
    public RetentionState empty() {
        return new RetentionState(0L, 0L, new CellState(0), new double[0], List.of(), List.of(), List.of(), List.of(),
                new CompressedSlots(1, 0, 1, 1), new long[0], new double[0]);
    }
}
