package dev.keymem.models.retention;

import java.util.Arrays;

/**
 * T2: evicted tokens folded into a fixed number of slots per head. A slot is the running mean of the
 * keys and values of the tokens assigned to it and their count n. A token is folded head by head: into
 * the first unused slot while one is left, else into the slot whose mean key has the largest cosine
 * with the token's key (ties: the lowest slot index); then n += 1, kbar += (k - kbar) / n,
 * vbar += (v - vbar) / n (double precision). A read sees a slot as one attention entry with logit
 * scale q . kbar + ln(n) and value vbar: exactly the attention n copies of (kbar, vbar) would get.
 *
 * <p>Serialised layout: {@code counts} (double [H*C]; 0 = unused), {@code keys} (double [H*C*K]),
 * {@code values} (double [H*C*V]), head-major, slot-minor. Slots fill in index order, so the used slots
 * of a head are those with a positive count.
 */
public final class CompressedSlots {
    private final int heads;
    private final int slots;
    private final int keyDim;
    private final int valueDim;
    private final double[] counts;
    private final double[] keys;
    private final double[] values;

    public CompressedSlots(int heads, int slots, int keyDim, int valueDim) {
        this(heads, slots, keyDim, valueDim, new double[heads * slots], new double[heads * slots * keyDim],
                new double[heads * slots * valueDim]);
    }

    public CompressedSlots(int heads, int slots, int keyDim, int valueDim, double[] counts, double[] keys,
                           double[] values) {
        if (counts.length != heads * slots || keys.length != heads * slots * keyDim
                || values.length != heads * slots * valueDim) {
            throw new IllegalArgumentException("compressed slots arrays have lengths " + counts.length + ", "
                    + keys.length + ", " + values.length + "; H=" + heads + " C=" + slots + " K=" + keyDim + " V="
                    + valueDim + " needs " + heads * slots + ", " + heads * slots * keyDim + ", "
                    + heads * slots * valueDim);
        }
        this.heads = heads;
        this.slots = slots;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.counts = counts;
        this.keys = keys;
        this.values = values;
    }

    public int heads() {
        return heads;
    }

    public int slots() {
        return slots;
    }

    public int keyDim() {
        return keyDim;
    }

    public int valueDim() {
        return valueDim;
    }

    public double[] counts() {
        return counts;
    }

    public double[] keys() {
        return keys;
    }

    public double[] values() {
        return values;
    }

    /** Used slots of head h. */
    public int used(int h) {
        int n = 0;
        while (n < slots && counts[h * slots + n] > 0) {
            n++;
        }
        return n;
    }

    /**
     * Folds a token into every head and returns the slot chosen per head (or null when there are no
     * slots).
     */
    int[] fold(float[] k, float[] v) {
        if (slots == 0) {
            return null;
        }
        int[] chosen = new int[heads];
        for (int h = 0; h < heads; h++) {
            int used = used(h);
            int s;
            if (used < slots) {
                s = used;
            } else {
                s = 0;
                double best = Double.NEGATIVE_INFINITY;
                double kn = 0;
                for (int x = 0; x < keyDim; x++) {
                    kn += (double) k[h * keyDim + x] * k[h * keyDim + x];
                }
                for (int c = 0; c < slots; c++) {
                    int kb = (h * slots + c) * keyDim;
                    double dot = 0;
                    double sn = 0;
                    for (int x = 0; x < keyDim; x++) {
                        dot += keys[kb + x] * k[h * keyDim + x];
                        sn += keys[kb + x] * keys[kb + x];
                    }
                    double cos = (kn == 0 || sn == 0) ? 0 : dot / Math.sqrt(kn * sn);
                    if (cos > best) {
                        best = cos;
                        s = c;
                    }
                }
            }
            int i = h * slots + s;
            double n = counts[i] + 1;
            counts[i] = n;
            for (int x = 0; x < keyDim; x++) {
                keys[i * keyDim + x] += (k[h * keyDim + x] - keys[i * keyDim + x]) / n;
            }
            for (int x = 0; x < valueDim; x++) {
                values[i * valueDim + x] += (v[h * valueDim + x] - values[i * valueDim + x]) / n;
            }
            chosen[h] = s;
        }
        return chosen;
    }

    public long bytes() {
        return 8L * (counts.length + keys.length + values.length);
    }

    public CompressedSlots copy() {
        return new CompressedSlots(heads, slots, keyDim, valueDim, counts.clone(), keys.clone(), values.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CompressedSlots c && c.heads == heads && c.slots == slots && Arrays.equals(c.counts, counts)
                && Arrays.equals(c.keys, keys) && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }
}
