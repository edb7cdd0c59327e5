package dev.keymem.models.novelty;

/**
 * The fading cell's decays that {@link NoveltyKernel.Sparse} has not applied yet, per row, kept with a key's
 * {@link NoveltyState}: a row of a zero coordinate of the item is only decayed and flushed in a step ({@code
 * s_ij = flush(a s_ij)}), and nothing of the step reads it while its values are finite, so such a row's decays
 * can wait until a step reads the row (its coordinate is not 0) or anyone reads the state ({@link
 * NoveltyState#cell()} settles them). Settling does the same operations in the same order on each value as the
 * steps would have ({@code n} times {@code v = v * a}, then the flush; a flush to +0 in between is the same as
 * one at the end, because |v * a| &lt;= |v| while |a| &lt;= 1 and a flushed +0 stays +0), so the cell is bit for
 * bit the one of stepping every row every time. A row is deferred only while it is known to hold finite values
 * only (a step whose row holds an infinity or NaN adds the row's NaN products to the innovation in that step).
 */
final class DeferredDecay {
    /** A row's waiting decays are applied before they reach this count (its values are all 0 by then). */
    static final int LIMIT = 1 << 20;

    final int c;
    /** Per row: decays by {@link #factor} not yet applied. */
    final int[] due;
    /** Per row: holds finite values only (known since the kernel last wrote or scanned it). */
    final boolean[] clean;
    /** The decay factor the waiting decays are of. */
    float factor;

    DeferredDecay(int c) {
        this.c = c;
        this.due = new int[c];
        this.clean = new boolean[c];
    }

    /**
     * Applies every row's waiting decays to {@code s} (c x c) and forgets which rows are clean (the caller may
     * change the values).
     */
    void settle(float[] s) {
        for (int i = 0; i < c; i++) {
            if (due[i] > 0) {
                catchUp(s, i * c, c, due[i], factor);
                due[i] = 0;
            }
            clean[i] = false;
        }
    }

    /** Whether any decay waits. */
    boolean owing() {
        for (int i = 0; i < c; i++) {
            if (due[i] > 0) {
                return true;
            }
        }
        return false;
    }

    private static final int FLUSH_BITS = Float.floatToRawIntBits(NoveltyKernel.FLUSH);

    /**
     * {@link NoveltyKernel#flush} on the bits, its results bit for bit: +0 where |v| &lt; FLUSH (or v is -0), else v
     * (NaN with its payload included). An int compare of the bits and a branch: C1 compiles it to fewer instructions
     * than the branch-free mask {@code b & ~(((b & 0x7fffffff) - FLUSH_BITS) >> 31)} it replaced (10-20% less
     * kernel time on the log job's items under C1: docs/benchmarks.md, "The log job's novelty kernel under C1"),
     * and to far faster code than the float compare of {@link NoveltyKernel#flush}; the values a kernel flushes
     * are few, so the branch is predicted.
     */
    static float flushed(float v) {
        return (Float.floatToRawIntBits(v) & 0x7fffffff) < FLUSH_BITS ? 0f : v;
    }

    /**
     * The reference of {@link #catchUp}: n steps of {@code v = flush(v * a)} on each of the row's c values, one
     * after another (the steps' own operations).
     */
    static void catchUpReference(float[] s, int row, int c, int n, float a) {
        for (int k = row; k < row + c; k++) {
            float v = s[k];
            for (int q = 0; q < n; q++) {
                v = NoveltyKernel.flush(v * a);
            }
            s[k] = v;
        }
    }

    /**
     * Row {@code row} of s (c values, all finite) after {@code n} steps of {@code v = flush(v * a)}, |a| &lt;= 1:
     * the products one after another ({@code v * a}, rounded, n times) and one flush at the end, or fewer products
     * where the values of a group have all fallen below the flush threshold (each then ends as +0). The early
     * stop is tested after every eight products, and only once every value of the group (eight or four values;
     * a lone value is tested after each product) is below the threshold: a group with one larger value keeps the
     * others multiplying, into the subnormal range (where a multiply may be slow; not measured) and down to +-0,
     * which the final flush makes +0 as the reference's flushes do.
     * Four values at a time (independent products for C1's code; n = 1 and 2, a row silent for one or two steps,
     * without the loop of products), eight for n up to 8; for n over 8 eight values a loop (eight chains of
     * products, where four left C1's code waiting on each product), the rest of the row four at a time. The
     * row's leading and trailing +0s stay +0. Its results are
     * {@link #catchUpReference}'s, bit for bit (the argument is the class doc's).
     */
    static void catchUp(float[] s, int row, int c, int n, float a) {
        int k = row;
        int end = row + c;
        while (k < end && Float.floatToRawIntBits(s[k]) == 0) {
            k++;
        }
        while (end > k && Float.floatToRawIntBits(s[end - 1]) == 0) {
            end--;
        }
        if (n == 1) { // one product each (a row silent for one step): the most frequent case in a log source's rows
            for (; k + 4 <= end; k += 4) {
                s[k] = flushed(s[k] * a);
                s[k + 1] = flushed(s[k + 1] * a);
                s[k + 2] = flushed(s[k + 2] * a);
                s[k + 3] = flushed(s[k + 3] * a);
            }
        } else if (n == 2) { // (v * a) * a, without a loop of products
            for (; k + 4 <= end; k += 4) {
                s[k] = flushed(s[k] * a * a);
                s[k + 1] = flushed(s[k + 1] * a * a);
                s[k + 2] = flushed(s[k + 2] * a * a);
                s[k + 3] = flushed(s[k + 3] * a * a);
            }
        } else if (n <= 8) { // few products: all of them, no test for an early stop (the result is the same)
            for (; k + 8 <= end; k += 8) { // eight values a loop of products: C1 pays its loop once per eight
                float v0 = s[k];
                float v1 = s[k + 1];
                float v2 = s[k + 2];
                float v3 = s[k + 3];
                float v4 = s[k + 4];
                float v5 = s[k + 5];
                float v6 = s[k + 6];
                float v7 = s[k + 7];
                for (int q = 0; q < n; q++) {
                    v0 *= a;
                    v1 *= a;
                    v2 *= a;
                    v3 *= a;
                    v4 *= a;
                    v5 *= a;
                    v6 *= a;
                    v7 *= a;
                }
                s[k] = flushed(v0);
                s[k + 1] = flushed(v1);
                s[k + 2] = flushed(v2);
                s[k + 3] = flushed(v3);
                s[k + 4] = flushed(v4);
                s[k + 5] = flushed(v5);
                s[k + 6] = flushed(v6);
                s[k + 7] = flushed(v7);
            }
        } else { // many products: eight values a loop, so eight independent chains of products (C1's code was
            // latency-bound with four), with the early stop once all eight are below the threshold
            for (; k + 8 <= end; k += 8) {
                float v0 = s[k];
                float v1 = s[k + 1];
                float v2 = s[k + 2];
                float v3 = s[k + 3];
                float v4 = s[k + 4];
                float v5 = s[k + 5];
                float v6 = s[k + 6];
                float v7 = s[k + 7];
                for (int m = n; m > 0; ) {
                    int r = Math.min(m, 8);
                    m -= r;
                    for (int q = 0; q < r; q++) {
                        v0 *= a;
                        v1 *= a;
                        v2 *= a;
                        v3 *= a;
                        v4 *= a;
                        v5 *= a;
                        v6 *= a;
                        v7 *= a;
                    }
                    int big = ((Float.floatToRawIntBits(v0) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v1) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v2) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v3) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v4) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v5) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v6) & 0x7fffffff) - FLUSH_BITS)
                            & ((Float.floatToRawIntBits(v7) & 0x7fffffff) - FLUSH_BITS);
                    if (big < 0) { // all eight below the threshold: each is flushed to +0 whatever follows
                        break;
                    }
                }
                s[k] = flushed(v0);
                s[k + 1] = flushed(v1);
                s[k + 2] = flushed(v2);
                s[k + 3] = flushed(v3);
                s[k + 4] = flushed(v4);
                s[k + 5] = flushed(v5);
                s[k + 6] = flushed(v6);
                s[k + 7] = flushed(v7);
            }
        }
        for (; k + 4 <= end; k += 4) {
            float v0 = s[k];
            float v1 = s[k + 1];
            float v2 = s[k + 2];
            float v3 = s[k + 3];
            for (int m = n; m > 0; ) {
                int r = Math.min(m, 8);
                m -= r;
                for (int q = 0; q < r; q++) {
                    v0 *= a;
                    v1 *= a;
                    v2 *= a;
                    v3 *= a;
                }
                int big = ((Float.floatToRawIntBits(v0) & 0x7fffffff) - FLUSH_BITS)
                        & ((Float.floatToRawIntBits(v1) & 0x7fffffff) - FLUSH_BITS)
                        & ((Float.floatToRawIntBits(v2) & 0x7fffffff) - FLUSH_BITS)
                        & ((Float.floatToRawIntBits(v3) & 0x7fffffff) - FLUSH_BITS);
                if (big < 0) { // all four below the threshold: each is flushed to +0 whatever follows
                    break;
                }
            }
            s[k] = flushed(v0);
            s[k + 1] = flushed(v1);
            s[k + 2] = flushed(v2);
            s[k + 3] = flushed(v3);
        }
        for (; k < end; k++) {
            float v = s[k];
            for (int m = n; m > 0 && (Float.floatToRawIntBits(v) & 0x7fffffff) >= FLUSH_BITS; m--) {
                v *= a;
            }
            s[k] = flushed(v);
        }
    }
}
