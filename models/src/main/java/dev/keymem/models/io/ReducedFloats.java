package dev.keymem.models.io;

/**
 * Conversions between {@code float} and the 16-bit floating formats bfloat16 (BF16: 1 sign, 8
 * exponent, 7 mantissa bits) and IEEE 754 binary16 (F16: 1 sign, 5 exponent, 10 mantissa bits).
 * Narrowing rounds to nearest, ties to even, as PyTorch does; overflow gives infinity; NaN stays
 * NaN (quiet, sign kept). Widening is exact. The 16-bit values travel as the low 16 bits of a
 * {@code short}.
 */
public final class ReducedFloats {

    private ReducedFloats() {
    }

    /** The float with the same value as a bfloat16 (exact). */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** The bfloat16 nearest to {@code f}, ties to even. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) { // NaN: keep sign and top payload bits, force quiet
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** The float with the same value as an IEEE binary16 (exact). */
    public static float f16ToFloat(short f16) {
        int h = f16 & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f; // subnormal (or zero): exact
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** The IEEE binary16 nearest to {@code f}, ties to even. */
    public static short floatToF16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) { // infinity or NaN
            int nan = abs > 0x7F800000 ? 0x200 | ((abs >>> 13) & 0x3FF) : 0;
            return (short) (sign | 0x7C00 | nan);
        }
        if (abs >= 0x477FF000) { // >= 65520: rounds to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs < 0x38800000) { // below 2^-14: a subnormal half (or zero, or the smallest normal)
            float units = Float.intBitsToFloat(abs) * 0x1p24f; // exact: a power-of-two scale
            return (short) (sign | (int) Math.rint(units)); // rint rounds half to even
        }
        int exp = (abs >>> 23) - 127 + 15;
        int mant = abs & 0x7FFFFF;
        int h = (exp << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // a carry out of the mantissa correctly bumps the exponent
        }
        return (short) (sign | h);
    }
}
