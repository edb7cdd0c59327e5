package dev.keymem.models.backend;

/** Plain-Java products: the fallback when the Vector API module is absent, and the oracle for the others. */
public final class ScalarBackend implements TensorBackend {

    public static final ScalarBackend INSTANCE = new ScalarBackend();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] = 0f;
                }
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
            for (int p = 0; p < k; p++) {
                float av = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
                if (av == 0f) {
                    continue;
                }
                if (transB) {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bOff + j * ldb + p];
                    }
                } else {
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bp + j];
                    }
                }
            }
        }
    }
}
