package dev.keymem.state;

import dev.keymem.models.retention.RetainedToken;

/**
 * Payload of one archived (T3) STR / CMP token, one MapState value per position. Format 1, the token
 * layout {@link RetainedToken} documents (shared with the tokens inside {@link RetentionStatePiece}):
 *
 * <pre>
 *   long      position
 *   float[]   k            (int n, float[n])
 *   float[]   v            (int n, float[n])
 *   byte      has beta, then float[] beta (int n, float[n]) when 1
 *   byte      has g,    then float[] g    (int n, float[n]) when 1
 *   float     innovation   (NaN until the token's block closes)
 *   double    mass
 *   double    probability  (NaN before the first evaluation)
 * </pre>
 */
public final class RetainedTokenPiece extends BaseStatePiece<RetainedToken> {

    public static final RetainedTokenPiece INSTANCE = new RetainedTokenPiece();
    public static final int CODE = 13;
    public static final int FORMAT = 1;

    private RetainedTokenPiece() {
        super("RetainedToken", CODE, FORMAT);
    }

    @Override
    public void write(RetainedToken t, PayloadWriter out) {
        writeToken(t, out);
    }

    static void writeToken(RetainedToken t, PayloadWriter out) {
        out.putLong(t.position());
        out.putFloatArray(t.k());
        out.putFloatArray(t.v());
        writeOptional(t.beta(), out);
        writeOptional(t.g(), out);
        out.putFloat(t.innovation());
        out.putDouble(t.mass());
        out.putDouble(t.probability());
    }

    private static void writeOptional(float[] a, PayloadWriter out) {
        if (a == null) {
            out.putByte(0);
        } else {
            out.putByte(1);
            out.putFloatArray(a);
        }
    }

    /** Payload bytes of a token in the current format. */
    public static long tokenBytes(RetainedToken t) {
        return 8 + 4 + 4L * t.k().length + 4 + 4L * t.v().length + 1 + (t.beta() == null ? 0 : 4 + 4L * t.beta().length)
                + 1 + (t.g() == null ? 0 : 4 + 4L * t.g().length) + 4 + 8 + 8;
    }

    /** Payload bytes of {@code t} in the current format. */
    public static int payloadBytes(RetainedToken t) {
        return (int) tokenBytes(t);
    }

    static RetainedToken readToken(PayloadReader in, String at) throws CorruptStateException {
        long position = in.getLong(at + "position");
        if (position < 0) {
            throw in.corrupt(at + "negative position " + position);
        }
        float[] k = floats(in, at + "k");
        float[] v = floats(in, at + "v");
        float[] beta = optional(in, at + "beta");
        float[] g = optional(in, at + "g");
        float innovation = in.getFloat(at + "innovation");
        double mass = in.getDouble(at + "mass");
        double probability = in.getDouble(at + "probability");
        return new RetainedToken(position, k, v, beta, g, innovation, mass, probability);
    }

    private static float[] floats(PayloadReader in, String what) throws CorruptStateException {
        int n = in.getFloatArrayLength(what);
        float[] a = new float[n];
        in.getFloats(a, 0, n, what);
        return a;
    }

    private static float[] optional(PayloadReader in, String what) throws CorruptStateException {
        int flag = in.getByte(what + " flag");
        if (flag == 0) {
            return null;
        }
        if (flag != 1) {
            throw in.corrupt("bad presence flag " + flag + " for " + what);
        }
        return floats(in, what);
    }

    @Override
    public RetainedToken read(int format, PayloadReader in, RetainedToken reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown RetainedToken format " + format);
        }
        return readToken(in, "");
    }

    @Override
    public RetainedToken copy(RetainedToken t) {
        return t.copy();
    }

    @Override
    public RetainedToken empty() {
        return new RetainedToken(0L, new float[0], new float[0], null, null, Float.NaN, 0.0, Double.NaN);
    }
}
