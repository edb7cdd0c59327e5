package dev.keymem.cuda;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * GPU benchmark: parity (GPU vs float64 reference vs CPU cell) and throughput (tokens/s against the
 * number of keys, tokens per key per step and K=V) of {@link CudaGatedDelta}. It lives in the benchmarks
 * module, in the backend's package for its package-private benchmark hooks; without a CUDA driver it
 * prints why and exits 0 (skipped, like the GPU tests).
 *
 * <p>Run on a GPU host through the bundle ({@code cuda/bench-bundle.sh} here, which carries these classes;
 * then {@code .gpu-bundle/run.sh dev.keymem.cuda.GpuBench --parity --out $OUT} there), or where the
 * CUDA libraries are installed: {@code java --add-modules jdk.incubator.vector -cp
 * benchmarks/target/benchmarks.jar dev.keymem.cuda.GpuBench ...}.
 *
 * <pre>
 * java -cp ... dev.keymem.cuda.GpuBench [--parity] [--throughput] [--keys 1,4,16,...] [--tokens 64,256]
 *      [--dims 64,128] [--heads 4] [--tf32] [--out DIR]
 * java -cp ... dev.keymem.cuda.GpuBench --mc-reads [--keys 16,256,1024,4096] [--caches 4] [--rows 1,16,64]
 *      [--dims 64,128] [--heads 4] [--staging-mb 0] [--tf32] [--out DIR]
 * </pre>
 *
 * {@code --mc-reads} benchmarks the Memory Caching reads of {@link CudaCacheReader} instead (see
 * {@link McReadBench}: keys x caches x rows, cold and hot, reads/s and tokens/s).
 *
 * Throughput columns, tokens per second over one batch step (all keys x T tokens):
 * resident (a) = states resident on the device, inputs already on the device (device time of the
 * compute phase of advanceResident, gather/scatter of resident states included); +state (b) = the
 * pipelined advance() with inputs already on the device: device time from the first state upload
 * to the last state download, compute overlapped with the transfers; +input (c) = the same with
 * input upload and output download; wall = the whole advance() call from Java arrays (packing into
 * and out of pinned buffers included).
 */
public final class GpuBench {

    private GpuBench() {
    }

    public static void main(String[] args) throws IOException {
        boolean parity = false;
        boolean throughput = false;
        CudaGatedDelta.Precision precision = CudaGatedDelta.Precision.FP32;
        boolean profile = false;
        boolean plainState = false;
        boolean mcReads = false;
        int[] mcCaches = {4};
        int[] mcRows = {1, 16, 64};
        long stagingMb = 0;
        int[] keys = null;
        int[] tokens = {64, 256};
        int[] dims = {64, 128};
        int heads = 4;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--parity" -> parity = true;
                case "--throughput" -> throughput = true;
                case "--tf32" -> precision = CudaGatedDelta.Precision.TF32;
                case "--precision" -> precision = CudaGatedDelta.Precision.valueOf(args[++i]);
                case "--profile" -> profile = true;
                case "--plain-state" -> plainState = true;
                case "--keys" -> keys = ints(args[++i]);
                case "--mc-reads" -> mcReads = true;
                case "--caches" -> mcCaches = ints(args[++i]);
                case "--rows" -> mcRows = ints(args[++i]);
                case "--staging-mb" -> stagingMb = Long.parseLong(args[++i]);
                case "--tokens" -> tokens = ints(args[++i]);
                case "--dims" -> dims = ints(args[++i]);
                case "--heads" -> heads = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (expected --parity --throughput --profile --precision FP32|TF32_LOCAL|TF32 --keys --tokens --dims --heads --out,"
                        + " or --mc-reads --keys --caches --rows --dims --heads --staging-mb --tf32 --out)");
            }
        }
        if (!parity && !throughput && !profile && !mcReads) {
            parity = true;
            throughput = true;
        }
        String why = CudaGatedDelta.unavailableReason();
        if (why != null) { // skipped like the GPU tests, with the reason printed
            System.err.println("GpuBench: skipped, no CUDA device: " + why);
            return;
        }
        StringBuilder report = new StringBuilder();
        if (mcReads) {
            McReadBench.run(report, keys == null ? new int[] {16, 256, 1024, 4096} : keys, mcCaches, mcRows, dims, heads,
                    stagingMb << 20, precision == CudaGatedDelta.Precision.TF32);
            System.out.println(report);
            if (out != null) {
                Files.createDirectories(out);
                String name = "gpu-bench-mc-reads-" + (precision == CudaGatedDelta.Precision.TF32 ? "tf32" : "fp32")
                        + (stagingMb > 0 ? "-staging" + stagingMb : "") + ".md";
                Files.writeString(out.resolve(name), report.toString());
            }
            return;
        }
        if (keys == null) {
            keys = new int[] {1, 4, 16, 64, 256, 1024, 4096, 16384};
        }
        if (parity) {
            parity(report, heads);
        }
        if (profile) {
            profile(report, keys[keys.length - 1], tokens[tokens.length - 1], dims[dims.length - 1], heads);
        }
        if (throughput) {
            throughput(report, keys, tokens, dims, heads, precision, plainState);
        }
        System.out.println(report);
        if (out != null) {
            Files.createDirectories(out);
            String name = "gpu-bench" + (parity ? "-parity" : "") + (profile ? "-profile" : "")
                    + (throughput ? "-" + precision.name().toLowerCase(Locale.ROOT) + (plainState ? "-plain" : "") : "") + ".md";
            Files.writeString(out.resolve(name), report.toString());
        }
    }

    private static int[] ints(String s) {
        return Arrays.stream(s.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static MemoryCell cpuCell(CellSpec spec, StringBuilder note) {
        try {
            MemoryCell c = Cells.chunked(spec, Backends.java());
            note.append("chunked (").append(Backends.java().getClass().getSimpleName()).append(")");
            return c;
        } catch (UnsupportedOperationException | IllegalStateException e) {
            note.append("recurrent (chunked CPU cell not available: ").append(e.getMessage()).append(")");
            return Cells.recurrent(spec);
        }
    }

    private static void parity(StringBuilder report, int heads) {
        report.append("## Parity (max |x - ref| / max |ref| over outputs and final states)\n\n");
        int[] lengths = {1, 63, 64, 65, 130, 256, 7, 200};
        report.append("Keys of lengths ").append(Arrays.toString(lengths)).append(", H=").append(heads)
                .append(", C=64, random initial states.\n\n");
        report.append("| cell | K=V | GEMM | GPU vs float64 | GPU vs CPU cell | CPU cell vs float64 |\n|---|---|---|---|---|---|\n");
        String cpuNote = null;
        for (CellKind kind : new CellKind[] {CellKind.GATED_DELTA, CellKind.DELTA, CellKind.GATED_LINEAR, CellKind.LINEAR}) {
            for (int d : new int[] {64, 128}) {
                if (kind != CellKind.GATED_DELTA && d == 128) {
                    continue;
                }
                for (CudaGatedDelta.Precision prec : CudaGatedDelta.Precision.values()) {
                    CellSpec spec = CellSpec.of(kind, heads, d, d, 64);
                    StringBuilder note = new StringBuilder();
                    MemoryCell cpu = cpuCell(spec, note);
                    cpuNote = note.toString();
                    try (CudaGatedDelta gpu = CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults().withPrecision(prec))) {
                        double[] e = parityRun(gpu, cpu, lengths, 31 + d);
                        report.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2e | %.2e | %.2e |%n",
                                kind.configName(), d, prec, e[0], e[1], e[2]));
                    }
                }
            }
        }
        report.append("\nCPU cell: ").append(cpuNote).append("\n\n");
    }

    private static void profile(StringBuilder report, int n, int t, int d, int heads) {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, heads, d, d, 64);
        report.append("## Per-operation device time, gated_delta, ").append(n).append(" keys x ").append(t)
                .append(" tokens, H=").append(heads).append(", K=V=").append(d)
                .append(" (ms per step, resident states; a stream sync around each operation)\n\n");
        TokenChunk[] pool = new TokenChunk[8];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = RandomInputs.chunk(spec, t, 2000 + i);
        }
        CellState[] states = new CellState[n];
        TokenChunk[] chunks = new TokenChunk[n];
        float[][] outs = new float[n][];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            states[i] = ParityChecks.randomState(spec, i);
            chunks[i] = pool[i % pool.length];
            outs[i] = new float[t * heads * d];
            ids[i] = i;
        }
        java.util.Map<String, double[]> table = new java.util.LinkedHashMap<>();
        CudaGatedDelta.Precision[] precs = {CudaGatedDelta.Precision.FP32, CudaGatedDelta.Precision.FP32,
            CudaGatedDelta.Precision.TF32_LOCAL, CudaGatedDelta.Precision.TF32, CudaGatedDelta.Precision.TF32};
        boolean[] fused = {true, false, true, true, false};
        for (int p = 0; p < precs.length; p++) {
            try (CudaGatedDelta gpu = CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults().withPrecision(precs[p])
                    .withCacheCapacity(n))) {
                gpu.setFusedStateUpdate(fused[p]);
                gpu.advanceResident(ids, states, chunks, outs);
                gpu.setProfiling(true);
                int reps = 2;
                for (int i = 0; i < reps; i++) {
                    gpu.advanceResident(ids, states, chunks, outs);
                }
                for (var e : gpu.profile().entrySet()) {
                    table.computeIfAbsent(e.getKey(), k -> new double[precs.length])[p] = e.getValue() / reps;
                }
                gpu.setProfiling(false);
            }
        }
        report.append("|operation");
        for (int p = 0; p < precs.length; p++) {
            report.append(" | ").append(precs[p]).append(fused[p] ? ", fused state" : ", plain state");
        }
        report.append(" |\n|---").append("|---".repeat(precs.length)).append("|\n");
        double[] sum = new double[precs.length];
        for (var e : table.entrySet()) {
            report.append("| ").append(e.getKey());
            for (int p = 0; p < precs.length; p++) {
                report.append(String.format(Locale.ROOT, " | %.2f", e.getValue()[p]));
                sum[p] += e.getValue()[p];
            }
            report.append(" |\n");
        }
        report.append("| total");
        for (double x : sum) {
            report.append(String.format(Locale.ROOT, " | %.2f", x));
        }
        report.append(" |\n\n");
    }

    private static void throughput(StringBuilder report, int[] keys, int[] tokens, int[] dims, int heads,
                                   CudaGatedDelta.Precision precision, boolean plainState) {
        report.append("## Throughput, gated_delta, H=").append(heads).append(", C=64, ").append(precision)
                .append(plainState ? ", plain state update (scale + cuBLAS)" : ", fused state update (kd_state)")
                .append(" cuBLAS products (million tokens/s; one step = every key advances T tokens)\n\n");
        boolean first = true;
        for (int d : dims) {
            CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, heads, d, d, 64);
            int maxKeys = Arrays.stream(keys).max().orElse(1);
            try (CudaGatedDelta gpu = CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults().withPrecision(precision)
                    .withCacheCapacity(maxKeys))) {
                gpu.setFusedStateUpdate(!plainState);
                if (first) {
                    report.append("Device: ").append(gpu.deviceDescription()).append("\n\n");
                    report.append("| K=V | T/key | keys | tokens/step | resident (a) | +state (b) | +input (c) | wall | ms: resident compute / plain compute / state up+down / in+out / (c) device total | groups (c) |\n")
                            .append("|---|---|---|---|---|---|---|---|---|---|\n");
                    first = false;
                }
                for (int t : tokens) {
                    TokenChunk[] pool = new TokenChunk[8];
                    for (int i = 0; i < pool.length; i++) {
                        pool[i] = RandomInputs.chunk(spec, t, 1000 + i);
                    }
                    for (int n : keys) {
                        report.append(row(gpu, spec, pool, n, t)).append('\n');
                        System.out.println(report.substring(report.lastIndexOf("\n", report.length() - 2) + 1).trim());
                    }
                }
            }
        }
        report.append('\n');
    }

    private static String row(CudaGatedDelta gpu, CellSpec spec, TokenChunk[] pool, int n, int t) {
        int stateLen = spec.heads() * spec.keyDim() * spec.valueDim();
        SplittableRandom r = new SplittableRandom(n * 31L + t);
        CellState[] states = new CellState[n];
        TokenChunk[] chunks = new TokenChunk[n];
        float[][] outs = new float[n][];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            float[] s = new float[stateLen];
            for (int j = 0; j < 64; j++) {
                s[r.nextInt(stateLen)] = (float) r.nextGaussian();
            }
            states[i] = new CellState(s, 0);
            chunks[i] = pool[i % pool.length];
            outs[i] = new float[t * spec.heads() * spec.valueDim()];
            ids[i] = i;
        }
        long tokens = (long) n * t;
        int reps = tokens >= (1 << 20) ? 2 : 4;
        // (c) and wall: the plain, pipelined call: inputs and states up, outputs and states down
        List<CudaGatedDelta.PhaseTimes> plain = new ArrayList<>();
        for (int i = 0; i < reps + 1; i++) {
            gpu.advance(states, chunks, outs);
            if (i > 0) {
                plain.add(gpu.lastTimes());
            }
        }
        // (b): the same with the inputs already on the device (no input upload, no output download)
        gpu.setBenchmarkSkipInputTransfers(true);
        List<CudaGatedDelta.PhaseTimes> stateOnly = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            gpu.advance(states, chunks, outs);
            stateOnly.add(gpu.lastTimes());
        }
        gpu.setBenchmarkSkipInputTransfers(false);
        // (a): resident: the first call loads the states, the next ones find them on the device
        for (CellState s : states) {
            s.setPosition(0);
        }
        List<CudaGatedDelta.PhaseTimes> res = new ArrayList<>();
        for (int i = 0; i < reps + 1; i++) {
            gpu.advanceResident(ids, states, chunks, outs);
            if (i > 0) {
                res.add(gpu.lastTimes());
            }
        }
        for (long id : ids) {
            gpu.invalidate(id);
        }
        double resident = median(res.stream().mapToDouble(CudaGatedDelta.PhaseTimes::compute).toArray());
        double withState = median(stateOnly.stream().mapToDouble(CudaGatedDelta.PhaseTimes::deviceTotal).toArray());
        double withInput = median(plain.stream().mapToDouble(CudaGatedDelta.PhaseTimes::deviceTotal).toArray());
        double wall = median(plain.stream().mapToDouble(CudaGatedDelta.PhaseTimes::wall).toArray());
        double plainCompute = median(plain.stream().mapToDouble(CudaGatedDelta.PhaseTimes::compute).toArray());
        double stateMove = median(plain.stream().mapToDouble(p -> p.stateUpload() + p.stateDownload()).toArray());
        double io = median(plain.stream().mapToDouble(p -> p.inputUpload() + p.outputDownload()).toArray());
        return String.format(Locale.ROOT, "| %d | %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f / %.2f / %.2f / %.2f / %.2f | %d |",
                spec.keyDim(), t, n, tokens, mtps(tokens, resident), mtps(tokens, withState), mtps(tokens, withInput),
                mtps(tokens, wall), resident, plainCompute, stateMove, io, withInput, plain.get(0).groups());
    }

    private static double mtps(long tokens, double ms) {
        return tokens / (ms * 1e-3) / 1e6;
    }

    private static double median(double[] a) {
        double[] b = a.clone();
        Arrays.sort(b);
        return b.length % 2 == 1 ? b[b.length / 2] : (b[b.length / 2 - 1] + b[b.length / 2]) / 2;
    }

    /** {GPU vs float64, GPU vs CPU cell, CPU cell vs float64}, worst over keys, outputs and states. */
    static double[] parityRun(CudaGatedDelta gpu, MemoryCell cpu, int[] lengths, long seed) {
        CellSpec spec = gpu.spec();
        int n = lengths.length;
        CellState[] g = new CellState[n];
        CellState[] c = new CellState[n];
        CellState[] init = new CellState[n];
        TokenChunk[] chunks = new TokenChunk[n];
        float[][] og = new float[n][];
        float[][] oc = new float[n][];
        for (int i = 0; i < n; i++) {
            init[i] = ParityChecks.randomState(spec, seed * 100 + i);
            g[i] = init[i].copy();
            c[i] = init[i].copy();
            chunks[i] = RandomInputs.chunk(spec, lengths[i], seed * 1000 + i);
            og[i] = ParityChecks.poisoned(lengths[i] * spec.heads() * spec.valueDim());
            oc[i] = new float[og[i].length];
        }
        gpu.advance(g, chunks, og);
        double[] worst = new double[3];
        for (int i = 0; i < n; i++) {
            cpu.forward(c[i], chunks[i], oc[i]);
            TokenChunk k = chunks[i];
            Float64Reference.Result ref = Float64Reference.run(spec.kind(), k.length(), spec.heads(), spec.keyDim(),
                    spec.valueDim(), k.q(), k.k(), k.v(), k.beta(), k.g(), spec.scale(), false,
                    RandomInputs.toDouble(init[i].data()), null);
            worst[0] = Math.max(worst[0], Math.max(Float64Reference.relError(og[i], ref.out()), Float64Reference.relError(g[i].data(), ref.state())));
            worst[1] = Math.max(worst[1], Math.max(Float64Reference.relError(og[i], oc[i]), Float64Reference.relError(g[i].data(), c[i].data())));
            worst[2] = Math.max(worst[2], Math.max(Float64Reference.relError(oc[i], ref.out()), Float64Reference.relError(c[i].data(), ref.state())));
        }
        return worst;
    }
}
