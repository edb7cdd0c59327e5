package dev.keymem.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReducedFloatsTest {

    @Test
    void bf16WideningIsTheTopHalfOfTheFloat() {
        assertEquals(1.0f, ReducedFloats.bf16ToFloat((short) 0x3F80));
        assertEquals(-2.0f, ReducedFloats.bf16ToFloat((short) 0xC000));
        assertEquals(Float.POSITIVE_INFINITY, ReducedFloats.bf16ToFloat((short) 0x7F80));
        assertEquals(0x1p-133f, ReducedFloats.bf16ToFloat((short) 0x0001)); // smallest subnormal
    }

    @Test
    void bf16RoundsToNearestTiesToEven() {
        // 1 + 2^-8 lies halfway between 1 (mantissa ...0) and 1 + 2^-7 (...1): ties go to the even 1.
        assertEquals((short) 0x3F80, ReducedFloats.floatToBf16(1f + 0x1p-8f));
        // 1 + 3*2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): goes up.
        assertEquals((short) 0x3F82, ReducedFloats.floatToBf16(1f + 3 * 0x1p-8f));
        // just above a tie rounds up, just below rounds down
        assertEquals((short) 0x3F81, ReducedFloats.floatToBf16(Math.nextUp(1f + 0x1p-8f)));
        assertEquals((short) 0x3F80, ReducedFloats.floatToBf16(Math.nextDown(1f + 0x1p-8f)));
        assertEquals((short) 0xBF80, ReducedFloats.floatToBf16(-(1f + 0x1p-8f)));
        // the largest float is past the last bf16 halfway point: infinity
        assertEquals((short) 0x7F80, ReducedFloats.floatToBf16(Float.MAX_VALUE));
        assertEquals((short) 0xFF80, ReducedFloats.floatToBf16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(Float.NaN))));
        // a NaN whose payload lives only in the low bits must not become infinity
        float lowNaN = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(ReducedFloats.bf16ToFloat(ReducedFloats.floatToBf16(lowNaN))));
    }

    @Test
    void bf16EveryValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = ReducedFloats.bf16ToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, ReducedFloats.floatToBf16(f), "bf16 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void bf16MatchesANearestEvenReferenceOnRandomFloats() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                continue;
            }
            int bits = Float.floatToRawIntBits(f);
            short down = (short) (bits >>> 16); // truncation toward zero in magnitude
            short up = (short) ((bits >>> 16) + 1);
            double dd = Math.abs((double) f - ReducedFloats.bf16ToFloat(down));
            // past the largest finite bf16, the next step up is 2^128 (where rounding meets infinity)
            double upValue = (up & 0x7FFF) == 0x7F80 ? Math.copySign(0x1p128, f) : ReducedFloats.bf16ToFloat(up);
            double du = Math.abs(upValue - f);
            short expected = dd < du ? down : du < dd ? up : ((down & 1) == 0 ? down : up);
            if ((bits & 0xFFFF) == 0) {
                expected = down;
            }
            assertEquals(expected, ReducedFloats.floatToBf16(f), "float " + f);
        }
    }

    @Test
    void f16WideningKnownValues() {
        assertEquals(1.0f, ReducedFloats.f16ToFloat((short) 0x3C00));
        assertEquals(-2.0f, ReducedFloats.f16ToFloat((short) 0xC000));
        assertEquals(65504f, ReducedFloats.f16ToFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, ReducedFloats.f16ToFloat((short) 0x0001));
        assertEquals(0x1p-14f, ReducedFloats.f16ToFloat((short) 0x0400));
        assertEquals(0.333251953125f, ReducedFloats.f16ToFloat((short) 0x3555));
        assertEquals(Float.NEGATIVE_INFINITY, ReducedFloats.f16ToFloat((short) 0xFC00));
        assertTrue(Float.isNaN(ReducedFloats.f16ToFloat((short) 0x7E00)));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(ReducedFloats.f16ToFloat((short) 0x8000)));
    }

    @Test
    void f16EveryValueSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = ReducedFloats.f16ToFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(ReducedFloats.f16ToFloat(ReducedFloats.floatToF16(f))));
            } else {
                assertEquals((short) h, ReducedFloats.floatToF16(f), "f16 0x" + Integer.toHexString(h));
            }
        }
    }

    @Test
    void f16MatchesANearestEvenReference() {
        // every non-negative finite half value, ascending, as doubles; codes are their indices
        List<Double> values = new ArrayList<>();
        for (int h = 0; h < 0x7C00; h++) {
            values.add((double) ReducedFloats.f16ToFloat((short) h));
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            float f = switch (i % 3) {
                case 0 -> (float) (r.nextDouble() * 70000);
                case 1 -> (float) (r.nextDouble() * 0x1p-13);
                default -> Float.intBitsToFloat(r.nextInt(0x3000_0000, 0x4780_0000));
            };
            if (r.nextBoolean()) {
                f = -f;
            }
            assertEquals(referenceF16(sorted, f), ReducedFloats.floatToF16(f), "float " + f);
        }
        // exact ties: midpoints between consecutive halves go to the even code
        for (int h = 0; h < 0x7BFF; h++) {
            float mid = (float) ((sorted[h] + sorted[h + 1]) / 2); // exact in float
            short expected = (short) ((h & 1) == 0 ? h : h + 1);
            assertEquals(expected, ReducedFloats.floatToF16(mid), "midpoint above 0x" + Integer.toHexString(h));
        }
        assertEquals((short) 0x7C00, ReducedFloats.floatToF16(65520f)); // tie between 65504 and 2^16: even is inf
        assertEquals((short) 0x7BFF, ReducedFloats.floatToF16(Math.nextDown(65520f)));
    }

    private static short referenceF16(double[] sorted, float f) {
        double a = Math.abs((double) f);
        int sign = Float.floatToRawIntBits(f) < 0 ? 0x8000 : 0;
        if (a >= 65520) {
            return (short) (sign | 0x7C00);
        }
        int idx = Arrays.binarySearch(sorted, a);
        int code;
        if (idx >= 0) {
            code = idx;
        } else {
            int hi = -idx - 1;
            int lo = hi - 1;
            double dl = a - sorted[lo];
            double dh = hi < sorted.length ? sorted[hi] - a : Double.POSITIVE_INFINITY;
            code = dl < dh ? lo : dh < dl ? hi : ((lo & 1) == 0 ? lo : hi);
        }
        return (short) (sign | code);
    }
}
