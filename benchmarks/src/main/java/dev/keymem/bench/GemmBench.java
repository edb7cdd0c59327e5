package dev.keymem.bench;

import dev.keymem.models.backend.TensorBackend;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread SGEMM rate of each backend: C = A B (beta 0) on dense row-major operands. The shape
 * parameter is {@code m x n x k} plus the transposes (N/T for A, then B). The score is calls/s
 * (wall clock); {@link CpuCounters} adds 2mnk FLOPs per call and the thread's CPU time, from which
 * summarize.py derives GFLOP/s on both clocks.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dkeymem.nd4j.threads=1"})
@Threads(1)
@State(Scope.Thread)
public class GemmBench {

    @Param({"scalar", "vector", "nd4j"})
    public String backend;

    @Param({"512x512x512NN", "1024x1024x1024NN", "64x128x128NN", "64x128x128TN", "64x128x128NT", "64x128x128TT",
            "64x64x128NN", "64x128x64NN", "128x128x64NN"})
    public String shape;

    private TensorBackend b;
    private int m;
    private int n;
    private int k;
    private boolean transA;
    private boolean transB;
    private float[] a;
    private float[] bm;
    private float[] c;

    @Setup
    public void setup() {
        b = BenchBackends.byName(backend);
        String[] dims = shape.substring(0, shape.length() - 2).split("x");
        m = Integer.parseInt(dims[0]);
        n = Integer.parseInt(dims[1]);
        k = Integer.parseInt(dims[2]);
        transA = shape.charAt(shape.length() - 2) == 'T';
        transB = shape.charAt(shape.length() - 1) == 'T';
        SplittableRandom r = new SplittableRandom(1);
        a = random(r, m * k);
        bm = random(r, k * n);
        c = new float[m * n];
    }

    private static float[] random(SplittableRandom r, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Benchmark
    public float[] gemm(CpuCounters counters) {
        long t0 = CpuCounters.now();
        b.gemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, bm, 0, transB ? k : n, 0f, c, 0, n);
        counters.add(t0, 2L * m * n * k);
        return c;
    }
}
