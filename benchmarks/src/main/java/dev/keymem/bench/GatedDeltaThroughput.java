package dev.keymem.bench;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;

/**
 * A quick timing loop (not a test, not a benchmark of record): tokens/s of the chunked and the
 * recurrent gated_delta cell at H=4, K=V=128, C=64, and the backend's single-thread rate on the
 * 64x128x128 products the chunked form is made of, all in this thread's CPU time. Run:
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * dev.keymem.bench.GatedDeltaThroughput [seconds-per-measure [rounds [chunk]]]}.
 */
public final class GatedDeltaThroughput {

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private GatedDeltaThroughput() {
    }

    /** This thread's CPU time (ns): on a shared machine it does not count the time others run. */
    private static long now() {
        return THREADS.getCurrentThreadCpuTime();
    }

    public static void main(String[] args) {
        System.out.println("java " + Runtime.version() + ", vector API module present: " + Backends.vectorApiAvailable());
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2.0;
        int H = 4;
        int K = 128;
        int V = 128;
        int C = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int T = 1024;
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, H, K, V, C);
        TokenChunk chunk = RandomInputs.chunk(spec, T, 42);
        float[] out = new float[T * H * V];
        List<TensorBackend> backends = new ArrayList<>();
        backends.add(ScalarBackend.INSTANCE);
        if (!Backends.java().name().equals("scalar")) {
            backends.add(Backends.java());
        }
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        // the machine may be shared: interleave the measures over several rounds and keep each one's best
        double rec = 0;
        double[] gemm = new double[backends.size()];
        double[] chunked = new double[backends.size()];
        for (int r = 0; r < rounds; r++) {
            rec = Math.max(rec, tokensPerSecond(Cells.recurrent(spec), chunk, out, seconds));
            for (int i = 0; i < backends.size(); i++) {
                gemm[i] = Math.max(gemm[i], gemmFlops(backends.get(i), C, K, V, seconds));
                chunked[i] = Math.max(chunked[i], tokensPerSecond(Cells.chunked(spec, backends.get(i)), chunk, out,
                        seconds));
            }
        }
        System.out.printf("recurrent gated_delta H=%d K=%d V=%d: %.0f tokens/s%n", H, K, V, rec);
        // a backend whose products do nothing: what is left is the chunked form's own work
        TensorBackend none = new TensorBackend() {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            }
        };
        double overhead = 0;
        for (int r = 0; r < rounds; r++) {
            overhead = Math.max(overhead, tokensPerSecond(Cells.chunked(spec, none), chunk, out, seconds));
        }
        System.out.printf("chunked gated_delta work outside the products alone: %.0f tokens/s (%.1f us per chunk"
                + " and head)%n", overhead, 1e6 * C / overhead / H);
        for (int i = 0; i < backends.size(); i++) {
            TensorBackend b = backends.get(i);
            double gemmRate = gemm[i];
            double tps = chunked[i];
            double cellFlops = tps * productFlopsPerToken(spec, chunk, out);
            System.out.printf("backend %s: gemm 64x128x128 %.2f GFLOP/s; chunked gated_delta C=%d: %.0f tokens/s"
                            + " (%.2f GFLOP/s in its products = %.0f%% of the gemm rate; %.1fx recurrent)%n",
                    b.name(), gemmRate / 1e9, C, tps, cellFlops / 1e9, 100 * cellFlops / gemmRate, tps / rec);
        }
    }

    /** Counts the flops (2 m n k per product) one pass over {@code chunk} asks of its backend, per token. */
    private static double productFlopsPerToken(CellSpec spec, TokenChunk chunk, float[] out) {
        long[] flops = {0};
        TensorBackend counting = new TensorBackend() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
                flops[0] += 2L * m * n * k;
                ScalarBackend.INSTANCE.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            }
        };
        MemoryCell cell = Cells.chunked(spec, counting);
        cell.forward(cell.newState(), chunk, out);
        return (double) flops[0] / chunk.length();
    }

    private static double tokensPerSecond(MemoryCell cell, TokenChunk chunk, float[] out, double seconds) {
        CellState state = cell.newState();
        long tokens = 0;
        long warmEnd = now() + (long) (seconds * 0.5e9);
        while (now() < warmEnd) {
            cell.forward(state, chunk, out);
            java.util.Arrays.fill(state.data(), 0f);
        }
        long start = now();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            cell.forward(state, chunk, out);
            java.util.Arrays.fill(state.data(), 0f);
            tokens += chunk.length();
            now = now();
        } while (now < end);
        return tokens / ((now - start) / 1e9);
    }

    /** FLOP/s of C[m x n] = A[m x k] B[k x n] on one thread. */
    private static double gemmFlops(TensorBackend b, int m, int k, int n, double seconds) {
        float[] a = new float[m * k];
        float[] bb = new float[k * n];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) * 0.1f;
        }
        for (int i = 0; i < bb.length; i++) {
            bb[i] = (i % 5) * 0.1f;
        }
        long calls = 0;
        long warmEnd = now() + (long) (seconds * 0.5e9);
        while (now() < warmEnd) {
            b.gemm(false, false, m, n, k, 1f, a, 0, k, bb, 0, n, 0f, c, 0, n);
        }
        long start = now();
        long end = start + (long) (seconds * 1e9);
        long now;
        do {
            b.gemm(false, false, m, n, k, 1f, a, 0, k, bb, 0, n, 0f, c, 0, n);
            calls++;
            now = now();
        } while (now < end);
        return calls * 2.0 * m * n * k / ((now - start) / 1e9);
    }
}
