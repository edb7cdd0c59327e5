package dev.keymem.jobs.cli;

import dev.keymem.jobs.recall.RecallBenchmark;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code memctl demo}: the embedded example. Until the streaming jobs land, it runs every matrix
 * cell over the bundled sample ({@code samples/cell-example.safetensors}) in both forms and shows
 * they agree, then runs a short associative-recall comparison of a plain cell and Memory Caching.
 */
final class DemoCommand implements Subcommand {
    static final String SAMPLE = "samples/cell-example.safetensors";

    private final CliOptions options = new CliOptions()
            .option("sample", "FILE", "input tensors q, k, v, beta, g [1,T,H,K] (default " + SAMPLE + ")");

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "the embedded example: every cell on the bundled sample, then a short recall comparison";
    }

    @Override
    public String usage() {
        return "usage: memctl demo [--sample FILE]\n\n" + options.describe();
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException, IOException {
        CliOptions.Parsed p = options.parse(args);
        Path sample = Path.of(p.string("sample", SAMPLE));
        if (!Files.isRegularFile(sample)) {
            throw new UsageException("sample file " + sample + " not found (run from the repository root)");
        }
        SafeTensorsFile f = SafeTensors.read(sample);
        long[] qs = f.require("q").shape();
        if (qs.length != 4 || qs[0] != 1) {
            throw new UsageException("tensor 'q' has shape " + f.require("q").shapeString() + ", expected [1,T,H,K]");
        }
        int t = (int) qs[1];
        int h = (int) qs[2];
        int k = (int) qs[3];
        int v = (int) f.require("v").shape()[3];
        TokenChunk all = new TokenChunk(t, h, k, v, f.require("q").toFloats(), f.require("k").toFloats(),
                f.require("v").toFloats(), f.require("beta").toFloats(), f.require("g").toFloats());
        TensorBackend backend = Backends.java();
        out.printf(Locale.ROOT, "keymem demo: %d tokens, H=%d K=%d V=%d from %s, backend %s%n", t, h, k, v, sample,
                backend.name());
        out.println("cell          chunked vs recurrent (max rel diff)   |o| last token   state norm");
        for (CellKind kind : List.of(CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA, CellKind.GATED_DELTA)) {
            CellSpec spec = CellSpec.of(kind, h, k, v, 64);
            TokenChunk chunk = new TokenChunk(t, h, k, v, all.q(), all.k(), all.v(),
                    kind.usesBeta() ? all.beta() : null, kind.usesGate() ? all.g() : null);
            float[] fast = run(Cells.chunked(spec, backend), chunk, 37);
            float[] ref = run(Cells.recurrent(spec), chunk, t);
            double maxDiff = 0;
            double maxRef = 0;
            for (int i = 0; i < t * h * v; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(fast[i] - ref[i]));
                maxRef = Math.max(maxRef, Math.abs(ref[i]));
            }
            double lastNorm = 0;
            for (int i = (t - 1) * h * v; i < t * h * v; i++) {
                lastNorm += (double) fast[i] * fast[i];
            }
            out.printf(Locale.ROOT, "%-13s %-37.2e %-16.4f %.4f%n", kind.configName(), maxDiff / maxRef,
                    Math.sqrt(lastNorm), fast[t * h * v]);
        }
        out.println();
        out.println("associative recall, 1024-token stream (16 pairs, noise, 32 queries; dim 64):");
        RecallBenchmark.Settings s = new RecallBenchmark.Settings(new int[] {1024}, 16, 32, 64, 16, 64, 8.0, 1);
        out.print(RecallBenchmark.table(s, RecallBenchmark.run(s, backend, null)));
        return Memctl.EXIT_OK;
    }

    /** Runs the cell over the chunk fed in pieces of {@code piece} tokens; returns outputs and, last, the state norm. */
    private static float[] run(MemoryCell cell, TokenChunk chunk, int piece) {
        CellState st = cell.newState();
        int hv = chunk.heads() * chunk.valueDim();
        float[] out = new float[chunk.length() * hv + 1];
        float[] buf = new float[piece * hv];
        for (int from = 0; from < chunk.length(); from += piece) {
            int to = Math.min(chunk.length(), from + piece);
            cell.forward(st, chunk.slice(from, to), buf);
            System.arraycopy(buf, 0, out, from * hv, (to - from) * hv);
        }
        double n = 0;
        for (float x : st.data()) {
            n += (double) x * x;
        }
        out[chunk.length() * hv] = (float) Math.sqrt(n);
        return out;
    }
}
