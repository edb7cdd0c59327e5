package dev.keymem.state;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte buffer that a {@link StatePiece} writes its payload into: scalars one by one and
 * float/long arrays in bulk (one memory copy, no boxing). Payload numbers are little-endian.
 * Not thread-safe; a serializer owns one and reuses it.
 */
public final class PayloadWriter {

    private ByteBuffer buf;

    public PayloadWriter(int initialCapacity) {
        buf = ByteBuffer.allocate(Math.max(16, initialCapacity)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Empties the buffer for the next payload. */
    public void reset() {
        buf.clear();
    }

    /** Bytes written so far. */
    public int size() {
        return buf.position();
    }

    /** The backing array; valid bytes are [0, size()). */
    public byte[] array() {
        return buf.array();
    }

    private void ensure(long extra) {
        long need = (long) buf.position() + extra;
        if (need > StateFrame.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("state payload of " + need + " bytes exceeds the limit of "
                    + StateFrame.MAX_PAYLOAD_BYTES + " bytes");
        }
        if (need > buf.capacity()) {
            int cap = (int) Math.min(StateFrame.MAX_PAYLOAD_BYTES, Math.max(need, 2L * buf.capacity()));
            int pos = buf.position();
            buf = ByteBuffer.wrap(Arrays.copyOf(buf.array(), cap)).order(ByteOrder.LITTLE_ENDIAN);
            buf.position(pos);
        }
    }

    public PayloadWriter putByte(int v) {
        ensure(1);
        buf.put((byte) v);
        return this;
    }

    public PayloadWriter putInt(int v) {
        ensure(4);
        buf.putInt(v);
        return this;
    }

    public PayloadWriter putLong(long v) {
        ensure(8);
        buf.putLong(v);
        return this;
    }

    public PayloadWriter putFloat(float v) {
        ensure(4);
        buf.putFloat(v);
        return this;
    }

    /** Writes {@code len} floats of {@code a} from {@code off} in one bulk copy (no length prefix). */
    public PayloadWriter putFloats(float[] a, int off, int len) {
        ensure(4L * len);
        int pos = buf.position();
        buf.asFloatBuffer().put(a, off, len);
        buf.position(pos + 4 * len);
        return this;
    }

    /** Writes an int length followed by the whole array. */
    public PayloadWriter putFloatArray(float[] a) {
        putInt(a.length);
        return putFloats(a, 0, a.length);
    }

    /** Writes {@code len} longs of {@code a} from {@code off} in one bulk copy (no length prefix). */
    public PayloadWriter putLongs(long[] a, int off, int len) {
        ensure(8L * len);
        int pos = buf.position();
        buf.asLongBuffer().put(a, off, len);
        buf.position(pos + 8 * len);
        return this;
    }

    /** Writes {@code len} raw bytes of {@code a} from {@code off} (no length prefix). */
    public PayloadWriter putBytes(byte[] a, int off, int len) {
        ensure(len);
        buf.put(a, off, len);
        return this;
    }

    public PayloadWriter putDouble(double v) {
        ensure(8);
        buf.putDouble(v);
        return this;
    }

    /** Writes an int length followed by the whole array, in one bulk copy. */
    public PayloadWriter putDoubleArray(double[] a) {
        putInt(a.length);
        return putDoubles(a, 0, a.length);
    }

    /** Writes {@code len} doubles of {@code a} from {@code off} in one bulk copy (no length prefix). */
    public PayloadWriter putDoubles(double[] a, int off, int len) {
        ensure(8L * len);
        int pos = buf.position();
        buf.asDoubleBuffer().put(a, off, len);
        buf.position(pos + 8 * len);
        return this;
    }
}
