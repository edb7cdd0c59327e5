package dev.keymem.nd4j;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link TensorBackend} on ND4J (nd4j-native, OpenBLAS sgemm). Each product copies op(A), op(B) and,
 * when beta is not 0, C into off-heap ND4J arrays (reused per thread and shape), runs one
 * {@code Nd4j.gemm}, and copies C back. The copies and ND4J's per-op overhead (microseconds) make
 * it slower than the Vector API backend on the small products of the chunked cells; it pays off
 * only for large products (see docs/benchmarks.md).
 *
 * <p>Threads: OpenBLAS and ND4J's OpenMP pool read {@code OMP_NUM_THREADS} when the natives load;
 * for single-core measurements start the JVM with {@code OMP_NUM_THREADS=1}, or call
 * {@link #setThreads(int)} (which sets both the BLAS and the ND4J op thread counts).
 */
public final class Nd4jBackend implements TensorBackend {

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    public Nd4jBackend() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    @Override
    public String name() {
        return "nd4j";
    }

    /** Sets the OpenBLAS and ND4J op thread counts (1 for single-core measurements). */
    public static void setThreads(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive: " + threads);
        }
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /** The number of threads OpenBLAS uses. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        Backends.checkGemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        Scratch s = SCRATCH.get();
        INDArray ad = s.a(transA ? k : m, transA ? m : k);
        INDArray bd = s.b(transB ? n : k, transB ? k : n);
        INDArray cd = s.c(m, n);
        put(ad, a, aOff, lda);
        put(bd, b, bOff, ldb);
        if (beta != 0f) {
            put(cd, c, cOff, ldc);
        }
        Nd4j.gemm(ad, bd, cd, transA, transB, alpha, beta);
        get(cd, c, cOff, ldc);
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, ci, ci + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** Copies a rows x cols row-major block (leading dimension ld) into a dense off-heap array. */
    private static void put(INDArray dst, float[] src, int off, int ld) {
        int rows = (int) dst.rows();
        int cols = (int) dst.columns();
        FloatPointer p = new FloatPointer(dst.data().addressPointer());
        if (ld == cols) {
            p.put(src, off, rows * cols);
        } else {
            for (int i = 0; i < rows; i++) {
                p.position((long) i * cols).put(src, off + i * ld, cols);
            }
        }
    }

    /** Copies a dense off-heap rows x cols array into a row-major block with leading dimension ld. */
    private static void get(INDArray srcArr, float[] dst, int off, int ld) {
        int rows = (int) srcArr.rows();
        int cols = (int) srcArr.columns();
        FloatPointer p = new FloatPointer(srcArr.data().addressPointer());
        if (ld == cols) {
            p.get(dst, off, rows * cols);
        } else {
            for (int i = 0; i < rows; i++) {
                p.position((long) i * cols).get(dst, off + i * ld, cols);
            }
        }
    }

    /** Per-thread dense operands, one per role, re-created only when the shape changes. */
    private static final class Scratch {
        private INDArray a;
        private INDArray b;
        private INDArray c;

        INDArray a(int rows, int cols) {
            a = fit(a, rows, cols);
            return a;
        }

        INDArray b(int rows, int cols) {
            b = fit(b, rows, cols);
            return b;
        }

        INDArray c(int rows, int cols) {
            c = fit(c, rows, cols);
            return c;
        }

        private static INDArray fit(INDArray x, int rows, int cols) {
            if (x != null && x.rows() == rows && x.columns() == cols) {
                return x;
            }
            return Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'c');
        }
    }
}
