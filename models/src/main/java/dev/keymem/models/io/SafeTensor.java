package dev.keymem.models.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a safetensors file: its dtype, its shape (row-major, possibly rank 0 or with
 * zero-sized dimensions) and its elements, held as the little-endian bytes of the file. Values are
 * decoded on request: {@link #toFloats()} and {@link #toDoubles()} for any dtype (exact for F64
 * through {@code toDoubles}, for F32/F16/BF16 through both), {@link #toLongs()} for integer dtypes.
 * Instances are immutable.
 */
public final class SafeTensor {

    /** The most bytes one tensor may hold here: the Java array limit. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private final String name;
    private final SafeTensorsDtype dtype;
    private final long[] shape;
    private final byte[] data;

    private SafeTensor(String name, SafeTensorsDtype dtype, long[] shape, byte[] data) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * A tensor over raw little-endian bytes (taken, not copied); the length must be
     * {@code elementCount(shape) * dtype.size()}.
     */
    public static SafeTensor ofBytes(String name, SafeTensorsDtype dtype, long[] shape, byte[] littleEndian) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(littleEndian, "data");
        long[] s = shape.clone();
        long bytes = byteCount(name, dtype, s);
        if (bytes != littleEndian.length) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + shapeString(s) + " of " + dtype
                    + " needs " + bytes + " bytes, got " + littleEndian.length);
        }
        return new SafeTensor(name, dtype, s, littleEndian);
    }

    /**
     * Encodes float values as a floating dtype: F32 exactly, F64 exactly (widening), F16 and BF16
     * rounded to nearest, ties to even.
     */
    public static SafeTensor ofFloats(String name, SafeTensorsDtype dtype, long[] shape, float[] values) {
        requireFloating(name, dtype);
        ByteBuffer b = allocate(name, dtype, shape, values.length);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().put(values);
            case F64 -> {
                for (float v : values) {
                    b.putDouble(v);
                }
            }
            case BF16 -> {
                for (float v : values) {
                    b.putShort(ReducedFloats.floatToBf16(v));
                }
            }
            case F16 -> {
                for (float v : values) {
                    b.putShort(ReducedFloats.floatToF16(v));
                }
            }
            default -> throw new AssertionError(dtype);
        }
        return new SafeTensor(name, dtype, shape.clone(), b.array());
    }

    /**
     * Encodes double values as a floating dtype: F64 exactly; F32 rounded to nearest even; F16 and
     * BF16 through float (first rounded to float, then to 16 bits).
     */
    public static SafeTensor ofDoubles(String name, SafeTensorsDtype dtype, long[] shape, double[] values) {
        requireFloating(name, dtype);
        if (dtype == SafeTensorsDtype.F64) {
            ByteBuffer b = allocate(name, dtype, shape, values.length);
            b.asDoubleBuffer().put(values);
            return new SafeTensor(name, dtype, shape.clone(), b.array());
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return ofFloats(name, dtype, shape, f);
    }

    /**
     * Encodes integers as an integer dtype (I64, I32, I16, I8, U8, BOOL); a value out of the
     * dtype's range (for BOOL: other than 0 or 1) is rejected.
     */
    public static SafeTensor ofLongs(String name, SafeTensorsDtype dtype, long[] shape, long[] values) {
        if (dtype.isFloating()) {
            throw new IllegalArgumentException("tensor '" + name + "': ofLongs needs an integer dtype, got " + dtype);
        }
        ByteBuffer b = allocate(name, dtype, shape, values.length);
        long min;
        long max;
        switch (dtype) {
            case I64 -> { min = Long.MIN_VALUE; max = Long.MAX_VALUE; }
            case I32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            case I16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case I8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case U8 -> { min = 0; max = 255; }
            case BOOL -> { min = 0; max = 1; }
            default -> throw new AssertionError(dtype);
        }
        for (int i = 0; i < values.length; i++) {
            long v = values[i];
            if (v < min || v > max) {
                throw new IllegalArgumentException("tensor '" + name + "': value " + v + " at index " + i
                        + " does not fit " + dtype);
            }
            switch (dtype.size()) {
                case 8 -> b.putLong(v);
                case 4 -> b.putInt((int) v);
                case 2 -> b.putShort((short) v);
                default -> b.put((byte) v);
            }
        }
        return new SafeTensor(name, dtype, shape.clone(), b.array());
    }

    public String name() {
        return name;
    }

    public SafeTensorsDtype dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension i. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements: the product of the shape (1 for rank 0). */
    public int elementCount() {
        return data.length / dtype.size();
    }

    /** Bytes of data. */
    public int byteSize() {
        return data.length;
    }

    /** A copy of the little-endian bytes. */
    public byte[] toBytes() {
        return data.clone();
    }

    /** The shape as "[2,3]". */
    public String shapeString() {
        return shapeString(shape);
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The elements as floats: exact for F32, F16, BF16; rounded to nearest for F64 and large integers. */
    public float[] toFloats() {
        int n = elementCount();
        float[] out = new float[n];
        ByteBuffer b = buffer();
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble();
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = ReducedFloats.bf16ToFloat(b.getShort());
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = ReducedFloats.f16ToFloat(b.getShort());
                }
            }
            default -> {
                long[] l = toLongs();
                for (int i = 0; i < n; i++) {
                    out[i] = l[i];
                }
            }
        }
        return out;
    }

    /** The elements as doubles: exact for every floating dtype and for integers up to 2^53. */
    public double[] toDoubles() {
        int n = elementCount();
        double[] out = new double[n];
        if (dtype == SafeTensorsDtype.F64) {
            buffer().asDoubleBuffer().get(out);
        } else if (dtype.isFloating()) {
            float[] f = toFloats();
            for (int i = 0; i < n; i++) {
                out[i] = f[i];
            }
        } else {
            long[] l = toLongs();
            for (int i = 0; i < n; i++) {
                out[i] = l[i];
            }
        }
        return out;
    }

    /** The elements of an integer tensor (I64, I32, I16, I8, U8 unsigned, BOOL as 0/1). */
    public long[] toLongs() {
        if (dtype.isFloating()) {
            throw new IllegalStateException("tensor '" + name + "' is " + dtype + ", not an integer dtype");
        }
        int n = elementCount();
        long[] out = new long[n];
        ByteBuffer b = buffer();
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case I64 -> b.getLong();
                case I32 -> b.getInt();
                case I16 -> b.getShort();
                case I8 -> b.get();
                case U8, BOOL -> b.get() & 0xFF;
                default -> throw new AssertionError(dtype);
            };
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafeTensor t && t.name.equals(name) && t.dtype == dtype
                && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "SafeTensor{" + name + ", " + dtype + ", " + shapeString(shape) + "}";
    }

    /** Formats a shape as "[2,3]". */
    public static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append(']').toString();
    }

    /**
     * Bytes a tensor of this shape and dtype needs; rejects negative dimensions and sizes past
     * {@link #MAX_BYTES}.
     */
    static long byteCount(String name, SafeTensorsDtype dtype, long[] shape) {
        long n = dtype.size();
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                        + shapeString(shape));
            }
            if (d != 0 && n > MAX_BYTES / d) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + shapeString(shape) + " of "
                        + dtype + " exceeds " + MAX_BYTES + " bytes");
            }
            n *= d;
        }
        return n;
    }

    private ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void requireFloating(String name, SafeTensorsDtype dtype) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("tensor '" + name + "': floating values need F64, F32, F16 or BF16, got "
                    + dtype);
        }
    }

    private static ByteBuffer allocate(String name, SafeTensorsDtype dtype, long[] shape, int valueCount) {
        Objects.requireNonNull(name, "name");
        long bytes = byteCount(name, dtype, shape);
        if (bytes / dtype.size() != valueCount) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + shapeString(shape) + " holds "
                    + bytes / dtype.size() + " elements, got " + valueCount + " values");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
