package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class HashingEmbedderTest {

    /**
     * Plain reference: builds the explicit sparse feature map (feature -> summed signed weight per
     * dimension) in a map, then densifies and normalises in double.
     */
    static double[] reference(int[] ids, int d, long seed, double wu, double wb) {
        Map<Integer, Double> sparse = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            long hu = HashingEmbedder.featureHash(seed, 0x9E3779B97F4A7C15L, ids[i], 0);
            sparse.merge((int) Math.floorMod(hu, (long) d), (hu >>> 63) == 1 ? -wu : wu, Double::sum);
            if (i > 0) {
                long hb = HashingEmbedder.featureHash(seed, 0xC2B2AE3D27D4EB4FL, ids[i - 1], ids[i]);
                sparse.merge((int) Math.floorMod(hb, (long) d), (hb >>> 63) == 1 ? -wb : wb, Double::sum);
            }
        }
        double[] v = new double[d];
        sparse.forEach((k, w) -> v[k] += w);
        double n = Math.sqrt(Arrays.stream(v).map(x -> x * x).sum());
        if (n > 0) {
            for (int j = 0; j < d; j++) {
                v[j] /= n;
            }
        }
        return v;
    }

    @Test
    void matchesTheReferenceOnRandomInputs() {
        SplittableRandom r = new SplittableRandom(42);
        for (int trial = 0; trial < 300; trial++) {
            int d = 1 + r.nextInt(300);
            long seed = r.nextLong();
            double wu = r.nextDouble(0.1, 2), wb = r.nextDouble(0, 2);
            int[] ids = r.ints(r.nextInt(0, 80), 0, 200_000).toArray();
            float[] got = new HashingEmbedder(d, seed, wu, wb).embedTokens(ids);
            double[] want = reference(ids, d, seed, wu, wb);
            for (int j = 0; j < d; j++) {
                assertEquals(want[j], got[j], 1e-6, "trial " + trial + " dim " + j);
            }
        }
    }

    @Test
    void unitNormAndZeroForEmpty() {
        HashingEmbedder e = new HashingEmbedder(64);
        float[] v = e.embedTokens(new int[] {1, 2, 3, 4, 5});
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        assertEquals(1.0, n, 1e-6);
        assertArrayEquals(new float[64], e.embedTokens(new int[0]));
    }

    @Test
    void deterministicAndSeedDependent() {
        int[] ids = {15339, 1917, 42, 7, 7, 7};
        assertArrayEquals(new HashingEmbedder(32, 5, 1, 0.5).embedTokens(ids),
                new HashingEmbedder(32, 5, 1, 0.5).embedTokens(ids.clone()));
        assertFalse(Arrays.equals(new HashingEmbedder(32, 5, 1, 0.5).embedTokens(ids),
                new HashingEmbedder(32, 6, 1, 0.5).embedTokens(ids)));
        // Order matters through the bigrams.
        assertFalse(Arrays.equals(new HashingEmbedder(32).embedTokens(new int[] {1, 2, 3}),
                new HashingEmbedder(32).embedTokens(new int[] {3, 2, 1})));
    }

    /**
     * Guards stability across versions and machines: vectors already stored in memories depend on this
     * exact hash. The pinned values were produced by this implementation once; a change here is a
     * format change.
     */
    @Test
    void pinnedVector() {
        float[] v = new HashingEmbedder(8).embedTokens(new int[] {15339, 1917});
        int nonZero = 0;
        for (float x : v) {
            if (x != 0) {
                nonZero++;
            }
        }
        assertTrue(nonZero >= 1 && nonZero <= 3, Arrays.toString(v));
        assertEquals(PINNED, Arrays.toString(v));
    }

    static final String PINNED = "[0.0, 0.0, 0.0, -0.8944272, 0.0, 0.0, -0.4472136, 0.0]";

    @Test
    void sharedTokensMeanCloserVectors() {
        HashingEmbedder e = new HashingEmbedder(256);
        float[] a = e.embedTokens(new int[] {10, 20, 30, 40, 50, 60});
        float[] b = e.embedTokens(new int[] {10, 20, 30, 40, 50, 61});
        float[] c = e.embedTokens(new int[] {70, 80, 90, 100, 110, 120});
        assertTrue(dot(a, b) > 0.6, "near: " + dot(a, b));
        assertTrue(Math.abs(dot(a, c)) < 0.3, "far: " + dot(a, c));
    }

    @Test
    void badSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new HashingEmbedder(0));
        assertThrows(IllegalArgumentException.class, () -> new HashingEmbedder(8, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HashingEmbedder(8, 0, Double.NaN, 1));
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
