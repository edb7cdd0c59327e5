package dev.keymem.models.cells;

import dev.keymem.models.backend.TensorBackend;

/**
 * Solves {@code (I + A) X = R} in place over R for a strictly lower-triangular c x c matrix A (the
 * delta rules' UT transform: X = (I + A)^-1 R without forming the whole inverse). Blocked forward
 * substitution with blocks of {@link #BLOCK} rows: for each block b, in order,
 * <pre>
 *   R_b = R_b - A[b][0:b) X[0:b)        (one product through the backend)
 *   X_b = (I + A[b][b])^-1 R_b          (the small diagonal block inverted, then one product)
 * </pre>
 * so nearly all the work runs in the backend's products (alpha = 1, beta = 0 only). Holds scratch
 * buffers: not thread-safe.
 */
final class UnitLowerSolver {

    /** Rows per block of the blocked solve. */
    static final int BLOCK = 16;

    private final TensorBackend backend;
    private final float[] diagInverse = new float[BLOCK * BLOCK];
    private final float[] row = new float[BLOCK];
    private final float[] block;

    /** A solver for right-hand sides of up to {@code maxCols} columns. */
    UnitLowerSolver(TensorBackend backend, int maxCols) {
        this.backend = backend;
        this.block = new float[BLOCK * maxCols];
    }

    /**
     * Overwrites the c x n matrix r (leading dimension ldr) with (I + a)^-1 r, a being c x c with
     * leading dimension lda, read strictly below its diagonal only.
     */
    void solveInPlace(float[] a, int lda, int c, float[] r, int ldr, int n) {
        for (int b0 = 0; b0 < c; b0 += BLOCK) {
            int bs = Math.min(BLOCK, c - b0);
            if (b0 > 0) {
                backend.gemm(false, false, bs, n, b0, 1f, a, b0 * lda, lda, r, 0, ldr, 0f, block, 0, n);
                for (int t = 0; t < bs; t++) {
                    int rt = (b0 + t) * ldr;
                    int bt = t * n;
                    for (int j = 0; j < n; j++) {
                        r[rt + j] -= block[bt + j];
                    }
                }
            }
            unitLowerInverse(a, b0 * lda + b0, lda, bs, diagInverse, BLOCK, row);
            backend.gemm(false, false, bs, n, bs, 1f, diagInverse, 0, BLOCK, r, b0 * ldr, ldr, 0f, block, 0, n);
            for (int t = 0; t < bs; t++) {
                System.arraycopy(block, t * n, r, (b0 + t) * ldr, n);
            }
        }
    }

    /**
     * {@code inv = (I + a)^-1} for the strictly lower part of the m x m block of a at aOff (leading
     * dimension lda), by forward substitution row by row: {@code inv[t] = e_t - sum_{j<t} a[t][j] inv[j]}.
     * The row is built in {@code acc} (length m or more) so that the loop reads and writes different arrays.
     */
    static void unitLowerInverse(float[] a, int aOff, int lda, int m, float[] inv, int ldi, float[] acc) {
        for (int t = 0; t < m; t++) {
            for (int i = 0; i < m; i++) {
                acc[i] = 0f;
            }
            acc[t] = 1f;
            int at = aOff + t * lda;
            for (int j = 0; j < t; j++) {
                float atj = a[at + j];
                int rj = j * ldi;
                for (int i = 0; i <= j; i++) {
                    acc[i] -= atj * inv[rj + i];
                }
            }
            System.arraycopy(acc, 0, inv, t * ldi, m);
        }
    }
}
