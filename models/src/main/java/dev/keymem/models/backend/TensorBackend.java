package dev.keymem.models.backend;

/**
 * Dense products on row-major float arrays, the primitive the chunked cells are written against.
 * Implementations: {@link ScalarBackend} (plain Java), the Vector API backend (when the incubator
 * module is present), and ND4J (module keymem-nd4j-backend). A GPU backend advances whole batches
 * through {@link dev.keymem.models.cells.BatchAdvancer} instead.
 */
public interface TensorBackend {

    String name();

    /**
     * C = alpha * op(A) op(B) + beta * C with op(X) = X or X^T; op(A) is m x k, op(B) is k x n, C is m x n.
     * Matrices are row-major with leading dimensions lda, ldb, ldc (elements between rows) and start at
     * the given offsets. When beta is 0, C's previous contents are ignored (NaN does not propagate).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);
}
