package dev.keymem.models.cells;

/**
 * Small dense helpers of the chunked cells, on row-major c x c blocks with leading dimension ld.
 * All work here is O(c^2) or O(c^3 / 6) per chunk and head, small beside the chunk's products.
 */
final class ChunkMath {

    private ChunkMath() {
    }

    /**
     * The smallest per-token log decay the chunked form sums: exp(-200) is 0 in float, so clamping
     * changes no result, yet it keeps the cumulative sums finite when a gate is -infinity (a hard
     * reset), where differences of infinite sums would be NaN.
     */
    static final double MIN_LOG_DECAY = -200;

    /**
     * Cumulative log decays within a chunk: {@code G[t] = g[t0] + ... + g[t]} for the head's gates
     * {@code g[(t0+t)*H + h]} (each clamped at {@link #MIN_LOG_DECAY}), summed in double; fills
     * {@code eG[t] = exp(G[t])}.
     */
    static void cumulativeGates(float[] g, int t0, int heads, int h, int c, double[] gcum, float[] eG) {
        double acc = 0;
        for (int t = 0; t < c; t++) {
            acc += Math.max(g[(t0 + t) * heads + h], MIN_LOG_DECAY);
            gcum[t] = acc;
            eG[t] = (float) Math.exp(acc);
        }
    }

    /** Rows between two anchor rows of {@link #decayMatrix}. */
    static final int DECAY_BLOCK = 16;

    /**
     * The decay matrix {@code D[t][i] = exp(G[t] - G[i])} for i &lt;= t, 0 above the diagonal.
     * Never a quotient of exponentials (which could overflow): every factor is the exp of a
     * non-positive difference. To save exps, the rows are grouped in blocks of {@link #DECAY_BLOCK}
     * starting at an anchor row m: anchor rows and the entries within a block are direct exps; an
     * entry left of its block is the product of two of them,
     * {@code D[t][i] = D[t][m] * D[m][i]} (i &lt; m &lt;= t), both factors in (0, 1].
     */
    static void decayMatrix(double[] gcum, int c, float[] d, int ld) {
        for (int t = 0; t < c; t++) {
            int row = t * ld;
            int m = t - t % DECAY_BLOCK;
            double gt = gcum[t];
            int directFrom = t == m ? 0 : m;
            for (int i = directFrom; i < t; i++) {
                d[row + i] = (float) Math.exp(gt - gcum[i]);
            }
            d[row + t] = 1f;
            if (directFrom > 0) {
                float dtm = d[row + m];
                int anchor = m * ld;
                for (int i = 0; i < m; i++) {
                    d[row + i] = dtm * d[anchor + i];
                }
            }
            for (int i = t + 1; i < c; i++) {
                d[row + i] = 0f;
            }
        }
    }

    /**
     * Keeps the lower triangle including the diagonal of m, times {@code scale * d} (d null: all
     * ones); zeros above.
     */
    static void maskCausal(float[] m, float[] d, float scale, int c, int ld) {
        for (int t = 0; t < c; t++) {
            int row = t * ld;
            if (d != null) {
                for (int i = 0; i <= t; i++) {
                    m[row + i] *= scale * d[row + i];
                }
            } else {
                for (int i = 0; i <= t; i++) {
                    m[row + i] *= scale;
                }
            }
            for (int i = t + 1; i < c; i++) {
                m[row + i] = 0f;
            }
        }
    }

    /**
     * The delta rules' strictly lower {@code A[t][i] = beta_t d[t][i] kk[t][i]} (i &lt; t), in place
     * over kk; the diagonal and above are set to 0. d may be null (all ones).
     */
    static void deltaCoupling(float[] kk, float[] d, float[] beta, int t0, int heads, int h, int c, int ld) {
        for (int t = 0; t < c; t++) {
            int row = t * ld;
            float b = beta[(t0 + t) * heads + h];
            for (int i = 0; i < t; i++) {
                kk[row + i] *= d == null ? b : b * d[row + i];
            }
            for (int i = t; i < c; i++) {
                kk[row + i] = 0f;
            }
        }
    }

    /** Scales row t of the rows x cols block at off (leading dimension ld) by s[t]. */
    static void scaleRows(float[] m, int off, int ld, int rows, int cols, float[] s, int sOff) {
        for (int t = 0; t < rows; t++) {
            float f = s[sOff + t];
            int row = off + t * ld;
            for (int j = 0; j < cols; j++) {
                m[row + j] *= f;
            }
        }
    }

    /**
     * dst[j][i] = src[i][j] for the rows x cols block of src at off (leading dimension lds); dst has
     * leading dimension ldd. Four source rows at a time, so that each destination row gets four
     * consecutive floats per pass.
     */
    static void transpose(float[] src, int off, int lds, int rows, int cols, float[] dst, int ldd) {
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int r0 = off + i * lds;
            int r1 = r0 + lds;
            int r2 = r1 + lds;
            int r3 = r2 + lds;
            for (int j = 0; j < cols; j++) {
                int d = j * ldd + i;
                dst[d] = src[r0 + j];
                dst[d + 1] = src[r1 + j];
                dst[d + 2] = src[r2 + j];
                dst[d + 3] = src[r3 + j];
            }
        }
        for (; i < rows; i++) {
            int r = off + i * lds;
            for (int j = 0; j < cols; j++) {
                dst[j * ldd + i] = src[r + j];
            }
        }
    }
}
