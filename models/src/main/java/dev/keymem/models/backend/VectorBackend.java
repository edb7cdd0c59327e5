package dev.keymem.models.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded SGEMM on the Vector API (jdk.incubator.vector), for AVX2/FMA machines and wider.
 *
 * <p>The algorithm is the classic Goto/BLIS layering: the k dimension is cut into blocks of
 * {@link #KC}, the n dimension into blocks of {@link #NC}, the m dimension into blocks of {@link #MC}.
 * For each (k, n) block, op(B) is packed into panels of {@link #NR} columns (k-major, zero-padded).
 * A transposed A is packed for each m block into panels of {@link #MR} rows (k-major, zero-padded);
 * an untransposed A is read in place, four rows at a time, when the n block is at most
 * {@link #DIRECT_A_MAX_N} wide (as fast as packing it at the cells' sizes, without the copy), and only
 * its last partial panel is packed.
 * The micro-kernel holds an {@code MR x NR} tile of C (4 x 16 floats: eight 256-bit accumulators)
 * in registers and runs one broadcast-FMA per row and vector per k step. Partial tiles at the edges
 * are computed in full on the zero-padded panels and written back element by element.
 *
 * <p>Products too small to amortise packing ({@code m*n*k < } {@link #SMALL_FLOPS}) run a direct
 * loop. Packing buffers are per thread. Use {@link Backends#java()} to obtain this backend: the class
 * can only load when the JVM was started with {@code --add-modules jdk.incubator.vector}.
 */
public final class VectorBackend implements TensorBackend {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = S.length();

    /** Rows of C per micro-tile. */
    static final int MR = 4;
    /** Columns of C per micro-tile (two 8-float vectors). */
    static final int NR = 16;
    /** k block: a packed B panel (KC x NR floats = 16 KiB) stays in L1. */
    static final int KC = 256;
    /** m block: a packed A block (MC x KC floats = 128 KiB) stays in L2. */
    static final int MC = 128;
    /** n block: a packed B block (KC x NC floats = 2 MiB at most) is streamed from L2/L3. */
    static final int NC = 2048;
    /** Below this many multiply-adds the direct loop beats packing. */
    static final long SMALL_FLOPS = 4096;

    /**
     * Up to this many columns of C per n block an untransposed A is read in place; wider blocks reuse
     * each A panel enough to pay for packing it (measured: 1024^3 NN 55 -> 68 GFLOP/s when packed).
     */
    static final int DIRECT_A_MAX_N = 256;

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    /** The shared instance, looked up reflectively by {@link Backends#java()}; declared after the constants it checks. */
    public static final VectorBackend INSTANCE = new VectorBackend();


    private VectorBackend() {
        if (L != 8) {
            // SPECIES_256 is always 8 floats; this guards the kernel's hard-coded offsets.
            throw new IllegalStateException("unexpected float vector length " + L);
        }
    }

    @Override
    public String name() {
        return "vector";
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
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k < SMALL_FLOPS) {
            smallGemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        Workspace ws = WORKSPACE.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaEff = pc == 0 ? beta : 1f;
                float[] bp = ws.b(kc * roundUp(nc, NR));
                packB(transB, kc, nc, b, bOff, ldb, pc, jc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    float[] ap = ws.a(kc * roundUp(mc, MR));
                    if (!transA && nc <= DIRECT_A_MAX_N) {
                        int mFull = mc - mc % MR;
                        if (mFull < mc) {
                            packA(false, mc - mFull, kc, a, aOff, lda, ic + mFull, pc, ap);
                        }
                        macroKernelRowsA(mc, nc, kc, alpha, a, aOff + ic * lda + pc, lda, ap, bp, betaEff,
                                c, cOff + ic * ldc + jc, ldc, ws.tile);
                    } else {
                        packA(transA, mc, kc, a, aOff, lda, ic, pc, ap);
                        macroKernel(mc, nc, kc, alpha, ap, bp, betaEff, c, cOff + ic * ldc + jc, ldc, ws.tile);
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int r) {
        return (x + r - 1) / r * r;
    }

    /** C = beta * C (beta 0 writes zeros so old NaNs vanish). */
    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** A plain triple loop for tiny products (no packing). */
    private static void smallGemm(boolean transA, boolean transB, int m, int n, int k,
                                  float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                c[ci + j] = beta == 0f ? alpha * s : alpha * s + beta * c[ci + j];
            }
        }
    }

    /**
     * Packs op(A)[ic:ic+mc, pc:pc+kc] into panels of MR rows: panel r holds, for each p, the MR values
     * op(A)[ic + r*MR + 0..MR-1, pc + p]; rows past mc are zero.
     */
    static void packA(boolean transA, int mc, int kc, float[] a, int aOff, int lda, int ic, int pc, float[] ap) {
        int panels = (mc + MR - 1) / MR;
        for (int r = 0; r < panels; r++) {
            int base = r * kc * MR;
            int rows = Math.min(MR, mc - r * MR);
            if (!transA) {
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + r * MR + i) * lda + pc;
                    int dst = base + i;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR] = a[src + p];
                    }
                }
            } else if (rows == MR) {
                // op(A) rows are stored as columns: MR consecutive floats per k step.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + r * MR;
                    int dst = base + p * MR;
                    ap[dst] = a[src];
                    ap[dst + 1] = a[src + 1];
                    ap[dst + 2] = a[src + 2];
                    ap[dst + 3] = a[src + 3];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + r * MR;
                    int dst = base + p * MR;
                    for (int i = 0; i < rows; i++) {
                        ap[dst + i] = a[src + i];
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int i = rows; i < MR; i++) {
                        ap[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: panel q holds, for each p, the NR
     * values op(B)[pc + p, jc + q*NR + 0..NR-1]; columns past nc are zero.
     */
    static void packB(boolean transB, int kc, int nc, float[] b, int bOff, int ldb, int pc, int jc, float[] bp) {
        int panels = (nc + NR - 1) / NR;
        for (int q = 0; q < panels; q++) {
            int base = q * kc * NR;
            int cols = Math.min(NR, nc - q * NR);
            if (!transB) {
                if (cols == NR) {
                    for (int p = 0; p < kc; p++) {
                        int src = bOff + (pc + p) * ldb + jc + q * NR;
                        int dst = base + p * NR;
                        System.arraycopy(b, src, bp, dst, NR);
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int src = bOff + (pc + p) * ldb + jc + q * NR;
                        int dst = base + p * NR;
                        for (int j = 0; j < cols; j++) {
                            bp[dst + j] = b[src + j];
                        }
                        for (int j = cols; j < NR; j++) {
                            bp[dst + j] = 0f;
                        }
                    }
                }
            } else {
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + q * NR + j) * ldb + pc;
                    int dst = base + j;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR] = b[src + p];
                    }
                }
                for (int j = cols; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + j + p * NR] = 0f;
                    }
                }
            }
        }
    }

    private static void writeTile(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int co, int ldc) {
        for (int i = 0; i < mr; i++) {
            int ci = co + i * ldc;
            for (int j = 0; j < nr; j++) {
                float v = alpha * tile[i * NR + j];
                c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
            }
        }
    }

    /**
     * The macro-kernel for an untransposed A read in place: full MR-row panels come straight from A's
     * rows (leading dimension lda, starting at aOff), the last partial panel from {@code apEdge}
     * (packed, zero-padded). Packing A would cost about as much as it saves at these sizes.
     */
    private static void macroKernelRowsA(int mc, int nc, int kc, float alpha, float[] a, int aOff, int lda,
                                         float[] apEdge, float[] bp, float beta, float[] c, int cOff, int ldc,
                                         float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int co = cOff + ir * ldc + jr;
                if (mr == MR) {
                    kernel4x16rows(kc, a, aOff + ir * lda, lda, bp, bo, tile);
                } else {
                    kernel4x16(kc, apEdge, 0, bp, bo, tile);
                }
                if (mr == MR && nr == NR) {
                    storeTile(tile, alpha, beta, c, co, ldc);
                } else {
                    writeTile(tile, mr, nr, alpha, beta, c, co, ldc);
                }
            }
        }
    }

    /** {@link #kernel4x16} with A's four rows read in place: row i at step p is a[ao + i*lda + p]. */
    static void kernel4x16rows(int kc, float[] a, int ao, int lda, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        int a1 = ao + lda;
        int a2 = a1 + lda;
        int a3 = a2 + lda;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[ao + p]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** Runs the micro-kernel over every MR x NR tile of an mc x nc block of C. */
    private static void macroKernel(int mc, int nc, int kc, float alpha, float[] ap, float[] bp,
                                    float beta, float[] c, int cOff, int ldc, float[] tile) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bo = (jr / NR) * kc * NR;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ao = (ir / MR) * kc * MR;
                int co = cOff + ir * ldc + jr;
                kernel4x16(kc, ap, ao, bp, bo, tile);
                if (mr == MR && nr == NR) {
                    storeTile(tile, alpha, beta, c, co, ldc);
                } else {
                    writeTile(tile, mr, nr, alpha, beta, c, co, ldc);
                }
            }
        }
    }

    /**
     * The 4 x 16 micro-kernel: tile[0:4, 0:16] = sum_p ap[p,0:4] (x) bp[p,0:16], with ap and bp packed
     * k-major (4 and 16 floats per k step). Eight accumulators, two B vectors and one broadcast fit
     * the sixteen AVX2 registers (a 6 x 16 tile makes C2 spill and box vectors inside the loop).
     * The alpha/beta epilogue is a separate method on purpose: inlined here it pushes C2 past its
     * inlining node budget, and the vectors of the rows it can no longer inline get boxed.
     */
    static void kernel4x16(int kc, float[] ap, int ao, float[] bp, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        // Indices linear in the counted loop variable p let C2 hoist the range checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ai = ao + p * MR;
            int bi = bo + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = b0.fma(av, c00);
            c01 = b1.fma(av, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(av, c10);
            c11 = b1.fma(av, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(av, c20);
            c21 = b1.fma(av, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(av, c30);
            c31 = b1.fma(av, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** C[0:4, 0:16] = alpha * tile + beta * C (beta 0: C's old contents ignored). */
    static void storeTile(float[] tile, float alpha, float beta, float[] c, int co, int ldc) {
        if (beta == 0f) {
            for (int i = 0; i < MR; i++) {
                int o = co + i * ldc;
                FloatVector.fromArray(S, tile, i * NR).mul(alpha).intoArray(c, o);
                FloatVector.fromArray(S, tile, i * NR + L).mul(alpha).intoArray(c, o + L);
            }
        } else {
            for (int i = 0; i < MR; i++) {
                int o = co + i * ldc;
                FloatVector t0 = FloatVector.fromArray(S, tile, i * NR).mul(alpha);
                FloatVector t1 = FloatVector.fromArray(S, tile, i * NR + L).mul(alpha);
                FloatVector.fromArray(S, c, o).fma(FloatVector.broadcast(S, beta), t0).intoArray(c, o);
                FloatVector.fromArray(S, c, o + L).fma(FloatVector.broadcast(S, beta), t1).intoArray(c, o + L);
            }
        }
    }

    /** Per-thread packing buffers, grown on demand. */
    private static final class Workspace {
        private float[] a = new float[MC * KC];
        private float[] b = new float[KC * 256];
        final float[] tile = new float[MR * NR];

        float[] a(int size) {
            if (a.length < size) {
                a = new float[size];
            }
            return a;
        }

        float[] b(int size) {
            if (b.length < size) {
                b = new float[size];
            }
            return b;
        }
    }
}
