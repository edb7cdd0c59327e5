package dev.keymem.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads a payload written by {@link PayloadWriter}. Every read is bounds-checked: running past the
 * payload or declaring an impossible array length raises a {@link CorruptStateException} naming the
 * state piece, never an index error or a huge allocation.
 */
public final class PayloadReader {

    private final String piece;
    private ByteBuffer buf;

    PayloadReader(String piece) {
        this.piece = piece;
        this.buf = ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Reads over bytes [0, length) of {@code bytes}. */
    void wrap(byte[] bytes, int length) {
        buf = ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * A reader over bytes [0, length) of {@code bytes} whose errors name {@code piece}: for a piece that
     * stores another payload in encoded form (e.g. compacted) and decodes it before reading it.
     */
    public static PayloadReader over(String piece, byte[] bytes, int length) {
        if (length < 0 || length > bytes.length) {
            throw new IllegalArgumentException("length " + length + " outside [0, " + bytes.length + "]");
        }
        PayloadReader r = new PayloadReader(piece);
        r.wrap(bytes, length);
        return r;
    }

    /** Bytes not read yet. */
    public int remaining() {
        return buf.remaining();
    }

    private void need(long bytes, String what) throws CorruptStateException {
        if (bytes < 0 || bytes > buf.remaining()) {
            throw new CorruptStateException(piece, "payload ends while reading " + what + " (needs " + bytes
                    + " bytes, " + buf.remaining() + " left)");
        }
    }

    public int getByte(String what) throws CorruptStateException {
        need(1, what);
        return buf.get() & 0xFF;
    }

    public int getInt(String what) throws CorruptStateException {
        need(4, what);
        return buf.getInt();
    }

    public long getLong(String what) throws CorruptStateException {
        need(8, what);
        return buf.getLong();
    }

    public float getFloat(String what) throws CorruptStateException {
        need(4, what);
        return buf.getFloat();
    }

    /** Reads a length written by {@link PayloadWriter#putFloatArray} and checks it fits what is left. */
    public int getFloatArrayLength(String what) throws CorruptStateException {
        int n = getInt(what + " length");
        if (n < 0) {
            throw new CorruptStateException(piece, "negative length " + n + " for " + what);
        }
        need(4L * n, what);
        return n;
    }

    /** Reads {@code len} floats into {@code dst} from {@code off} in one bulk copy. */
    public void getFloats(float[] dst, int off, int len, String what) throws CorruptStateException {
        need(4L * len, what);
        int pos = buf.position();
        buf.asFloatBuffer().get(dst, off, len);
        buf.position(pos + 4 * len);
    }

    /** Reads {@code len} longs into {@code dst} from {@code off} in one bulk copy. */
    public void getLongs(long[] dst, int off, int len, String what) throws CorruptStateException {
        need(8L * len, what);
        int pos = buf.position();
        buf.asLongBuffer().get(dst, off, len);
        buf.position(pos + 8 * len);
    }

    /** Reads {@code len} raw bytes into {@code dst} from {@code off}. */
    public void getBytes(byte[] dst, int off, int len, String what) throws CorruptStateException {
        need(len, what);
        buf.get(dst, off, len);
    }

    /** Reads {@code len} doubles into {@code dst} from {@code off} in one bulk copy. */
    public void getDoubles(double[] dst, int off, int len, String what) throws CorruptStateException {
        need(8L * len, what);
        int pos = buf.position();
        buf.asDoubleBuffer().get(dst, off, len);
        buf.position(pos + 8 * len);
    }

    public double getDouble(String what) throws CorruptStateException {
        need(8, what);
        return buf.getDouble();
    }

    /** Reads an array written by {@link PayloadWriter#putDoubleArray}, checking its length fits. */
    public double[] getDoubleArray(String what) throws CorruptStateException {
        int n = getInt(what + " length");
        if (n < 0) {
            throw new CorruptStateException(piece, "negative length " + n + " for " + what);
        }
        need(8L * n, what);
        double[] a = new double[n];
        int pos = buf.position();
        buf.asDoubleBuffer().get(a, 0, n);
        buf.position(pos + 8 * n);
        return a;
    }

    /** A corruption error for this piece, for checks a codec makes on decoded values. */
    public CorruptStateException corrupt(String message) {
        return new CorruptStateException(piece, message);
    }
}
