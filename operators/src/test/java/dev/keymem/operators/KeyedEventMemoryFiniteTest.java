package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link KeyedEventMemory#allFinite} against {@link Float#isFinite} of each value (the reference form). */
class KeyedEventMemoryFiniteTest {
    private static boolean reference(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    /** Every sign and exponent (with random significands), alone and in a vector of finite values. */
    @Test
    void everyExponentAsFloatIsFiniteSaysAtEveryPlace() {
        SplittableRandom r = new SplittableRandom(3);
        int nonFinite = 0;
        for (int se = 0; se < 512; se++) {
            for (int m : new int[] {0, 1, 0x7fffff, 0x400000, r.nextInt(1 << 23)}) {
                float f = Float.intBitsToFloat(se << 23 | m);
                assertEquals(Float.isFinite(f), KeyedEventMemory.allFinite(new float[] {f}), "bits " + (se << 23 | m));
                int n = 1 + r.nextInt(11);
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (float) (r.nextDouble() * 2 - 1);
                }
                v[r.nextInt(n)] = f;
                assertEquals(reference(v), KeyedEventMemory.allFinite(v), "bits " + (se << 23 | m) + " in " + n);
                nonFinite += Float.isFinite(f) ? 0 : 1;
            }
        }
        assertEquals(2 * 5, nonFinite); // the two all-ones exponents: +-infinity (significand 0) and NaNs
    }

    @Test
    void randomVectorsAsTheReference() {
        SplittableRandom r = new SplittableRandom(5);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 0f, Float.MIN_NORMAL, Float.intBitsToFloat(0xffc00001)};
        int bad = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            int n = trial % 3 == 0 ? 256 : r.nextInt(10);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = r.nextInt(40) == 0 ? specials[r.nextInt(specials.length)] : Float.intBitsToFloat(r.nextInt());
            }
            boolean ref = reference(v);
            assertEquals(ref, KeyedEventMemory.allFinite(v), "trial " + trial);
            bad += ref ? 0 : 1;
        }
        assertTrue(bad > 1_000 && bad < 19_000, "vectors with a value not finite: " + bad);
        assertTrue(KeyedEventMemory.allFinite(new float[0]));
        assertFalse(KeyedEventMemory.allFinite(new float[] {1f, 2f, 3f, 4f, Float.NaN}));
    }
}
