package dev.keymem.bench;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tokens per second of one key's memory cell, single thread: each invocation advances the state
 * (carried from call to call) over {@link #TOKENS} tokens with H = 4 heads, K = V = dim, chunk 64.
 * The primary score is tokens/s on the wall clock ({@code @OperationsPerInvocation}).
 * {@link CpuCounters} adds the thread's CPU time and, for the chunked matrix cells, the FLOPs of
 * the chunked algorithm's products (see {@link #chunkedMacsPerToken}); summarize.py derives
 * tokens/s and the effective GFLOP/s per CPU second from them.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dkeymem.nd4j.threads=1"})
@Threads(1)
public class CellBench {

    /** Tokens per benchmark call. */
    public static final int TOKENS = 1024;
    public static final int HEADS = 4;
    public static final int CHUNK = 64;

    /**
     * Multiply-adds per token and head of the chunked matrix cells' products, with c = C = 64 (all
     * products are computed in full, the causal c x c ones included):
     * <ul>
     *   <li>every kind: Q~ S0, K^T U (c K V each) and Q~ K^T (c c K), scores U (c c V);</li>
     *   <li>delta kinds in addition: K S0 (c K V), K K^T (c c K), (I+A)^-1 rhs (c c V).</li>
     * </ul>
     * Divided by c per token: linear kinds 2KV + CK + CV, delta kinds 3KV + 2CK + 2CV.
     * The O(c^2) and O(c^3/6) element-wise and triangular-solve work is not counted.
     */
    public static double chunkedMacsPerToken(CellKind kind, int k, int v) {
        if (kind.usesBeta()) {
            return 3.0 * k * v + 2.0 * CHUNK * k + 2.0 * CHUNK * v;
        }
        return 2.0 * k * v + 1.0 * CHUNK * k + 1.0 * CHUNK * v;
    }

    /** Cell settings shared by both forms. */
    @State(Scope.Thread)
    public abstract static class Base {
        @Param({"linear", "gated_linear", "delta", "gated_delta", "deep"})
        public String kind;

        @Param({"64", "128"})
        public int dim;

        MemoryCell cell;
        CellState state;
        TokenChunk chunk;
        float[] out;
        CellSpec spec;

        void init(MemoryCell memoryCell) {
            cell = memoryCell;
            state = cell.newState();
            chunk = randomChunk(spec, TOKENS, 42);
            out = new float[TOKENS * HEADS * dim];
        }

        CellSpec spec() {
            return CellSpec.of(CellKind.fromName(kind), HEADS, dim, dim, CHUNK);
        }
    }

    /** The recurrent (token by token) form. */
    public static class Recurrent extends Base {
        @Setup
        public void setup() {
            spec = spec();
            init(Cells.recurrent(spec));
        }
    }

    /** The chunked form on a tensor backend. */
    public static class Chunked extends Base {
        @Param({"scalar", "vector", "nd4j"})
        public String backend;

        @Setup
        public void setup() {
            spec = spec();
            init(Cells.chunked(spec, BenchBackends.byName(backend)));
        }
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float[] recurrent(Recurrent s, CpuCounters counters) {
        long t0 = CpuCounters.now();
        s.cell.forward(s.state, s.chunk, s.out);
        counters.add(t0, 0);
        return s.out;
    }

    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public float[] chunked(Chunked s, CpuCounters counters) {
        long t0 = CpuCounters.now();
        s.cell.forward(s.state, s.chunk, s.out);
        CellKind kind = s.spec.kind();
        counters.add(t0, kind == CellKind.DEEP ? 0 : (long) (2 * HEADS * TOKENS * chunkedMacsPerToken(kind, s.dim, s.dim)));
        return s.out;
    }

    /**
     * Inputs shaped like a trained model's (as in the models tests): keys L2-normalised per head,
     * gaussian queries and values, beta in (0.05, 0.95), log decays in [-0.3, 0].
     */
    static TokenChunk randomChunk(CellSpec spec, int tokens, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int h = spec.heads();
        int k = spec.keyDim();
        int v = spec.valueDim();
        float[] q = new float[tokens * h * k];
        float[] keys = new float[tokens * h * k];
        float[] vals = new float[tokens * h * v];
        float[] beta = new float[tokens * h];
        float[] g = new float[tokens * h];
        for (int th = 0; th < tokens * h; th++) {
            double norm = 0;
            for (int i = 0; i < k; i++) {
                double kv = r.nextGaussian();
                keys[th * k + i] = (float) kv;
                q[th * k + i] = (float) r.nextGaussian();
                norm += kv * kv;
            }
            double inv = 1.0 / Math.sqrt(norm);
            for (int i = 0; i < k; i++) {
                keys[th * k + i] = (float) (keys[th * k + i] * inv);
            }
            for (int j = 0; j < v; j++) {
                vals[th * v + j] = (float) r.nextGaussian();
            }
            beta[th] = (float) (0.05 + 0.9 * r.nextDouble());
            g[th] = (float) (-0.3 * r.nextDouble());
        }
        CellKind kind = spec.kind();
        return new TokenChunk(tokens, h, k, v, q, keys, vals, kind.usesBeta() ? beta : null,
                kind.usesGate() ? g : null);
    }
}
