package dev.keymem.jobs.cli;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsDtype;
import dev.keymem.models.io.SafeTensorsFile;
import dev.keymem.models.io.SafeTensorsFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code memctl cell}: runs one matrix memory cell over a safetensors file of PyTorch-layout inputs
 * and writes the outputs and final states, each batch entry as an independent stream starting from
 * its initial state. See docs/memctl.md.
 */
final class CellCommand implements Subcommand {

    static final int DEFAULT_CHUNK = 64;
    private static final List<String> KINDS = List.of("linear", "gated_linear", "delta", "gated_delta");
    private static final List<String> BACKENDS = List.of("java", "scalar");
    private static final List<String> FORMS = List.of("chunked", "recurrent");

    private final CliOptions options = new CliOptions()
            .option("kind", "KIND", "linear | gated_linear | delta | gated_delta (required)")
            .option("in", "IN.safetensors", "input tensors q, k, v [, beta, g, initial_state] (required)")
            .option("out", "OUT.safetensors", "output tensors o, final_state (required; replaced)")
            .option("chunk", "N", "tokens per chunk of the chunked form (default " + DEFAULT_CHUNK + ")")
            .option("scale", "S", "read scale applied to q (default K^-1/2)")
            .flag("normalize", "divide reads by (scale q . running key sum) + 1e-10")
            .option("backend", "NAME", "java (Vector API when available) | scalar (default java)")
            .option("form", "FORM", "chunked | recurrent (token-by-token reference) (default chunked)");

    @Override
    public String name() {
        return "cell";
    }

    @Override
    public String summary() {
        return "run a matrix memory cell over q, k, v tensors in a safetensors file";
    }

    @Override
    public String usage() {
        return "usage: memctl cell --kind KIND --in IN.safetensors --out OUT.safetensors [--chunk N] [--scale S]\n"
                + "                   [--normalize] [--backend java|scalar] [--form chunked|recurrent]\n\n"
                + "Runs each batch entry b of the input through the cell, from initial_state[b] (zeros if absent).\n\n"
                + "options:\n" + options.describe() + "\n"
                + "input tensors (F32 or F64; F16/BF16 also read):\n"
                + "  q, k            [B,T,H,K]\n"
                + "  v               [B,T,H,V]\n"
                + "  beta            [B,T,H]   delta, gated_delta\n"
                + "  g               [B,T,H]   gated_linear, gated_delta (log-space decay, <= 0)\n"
                + "  initial_state   [B,H,K,V] optional, zeros if absent\n"
                + "  initial_key_sums [B,H,K]  optional with --normalize, zeros if absent\n"
                + "output tensors (F32):\n"
                + "  o               [B,T,H,V]\n"
                + "  final_state     [B,H,K,V]\n"
                + "  final_key_sums  [B,H,K]   with --normalize\n\n"
                + "exit codes: 0 success, 1 failure while running, 2 bad option or bad input\n";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
        CliOptions.Parsed p = options.parse(args);
        String kindName = p.required("kind");
        CellKind kind = CellKind.fromName(p.choice("kind", KINDS, kindName));
        Path in = path(p, "in");
        Path outPath = path(p, "out");
        int chunk = p.positiveInt("chunk", DEFAULT_CHUNK);
        Float scaleOption = p.positiveFloat("scale");
        boolean normalize = p.flag("normalize");
        String backendName = p.choice("backend", BACKENDS, "java");
        String form = p.choice("form", FORMS, "chunked");

        CellInputs x = CellInputs.from(read(in), kind, normalize);
        float scale = scaleOption != null ? scaleOption : CellSpec.defaultScale(x.keyDim);
        CellSpec spec = new CellSpec(kind, x.heads, x.keyDim, x.valueDim, chunk, scale, normalize, null);
        MemoryCell cell;
        String backendLabel;
        if (form.equals("chunked")) {
            TensorBackend backend = Backends.byName(backendName);
            cell = Cells.chunked(spec, backend);
            backendLabel = backend.name();
        } else {
            cell = Cells.recurrent(spec); // plain loops: no tensor backend
            backendLabel = "none";
        }

        long started = System.nanoTime();
        Result r = compute(cell, x);
        double seconds = (System.nanoTime() - started) / 1e9;

        List<SafeTensor> outputs = new ArrayList<>();
        outputs.add(SafeTensor.ofFloats("o", SafeTensorsDtype.F32,
                new long[] {x.batch, x.tokens, x.heads, x.valueDim}, r.o));
        outputs.add(SafeTensor.ofFloats("final_state", SafeTensorsDtype.F32,
                new long[] {x.batch, x.heads, x.keyDim, x.valueDim}, r.state));
        if (normalize) {
            outputs.add(SafeTensor.ofFloats("final_key_sums", SafeTensorsDtype.F32,
                    new long[] {x.batch, x.heads, x.keyDim}, r.keySums));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("producer", "memctl cell");
        meta.put("kind", kind.configName());
        meta.put("scale", Float.toString(scale));
        meta.put("normalize", Boolean.toString(normalize));
        meta.put("form", form);
        meta.put("chunk", Integer.toString(chunk));
        meta.put("backend", backendLabel);
        try {
            SafeTensors.write(outPath, outputs, meta);
        } catch (IOException | RuntimeException e) {
            err.println("memctl cell: cannot write output " + outPath + ": " + Memctl.oneLine(e.toString()));
            return Memctl.EXIT_FAILURE;
        }
        out.printf(Locale.ROOT, "memctl cell: wrote %s: o [%d,%d,%d,%d], final_state [%d,%d,%d,%d] "
                        + "(%s, %s form, backend %s, %.3f s)%n",
                outPath, x.batch, x.tokens, x.heads, x.valueDim, x.batch, x.heads, x.keyDim, x.valueDim,
                kind.configName(), form, backendLabel, seconds);
        return Memctl.EXIT_OK;
    }

    /** Outputs [B,T,H,V], final states [B,H,K,V], final key sums [B,H,K] (zeros without normaliser). */
    record Result(float[] o, float[] state, float[] keySums) {
    }

    /** Runs every batch entry as its own stream. */
    static Result compute(MemoryCell cell, CellInputs x) {
        int B = x.batch;
        int T = x.tokens;
        int H = x.heads;
        int K = x.keyDim;
        int V = x.valueDim;
        int hkv = H * K * V;
        int thk = T * H * K;
        int thv = T * H * V;
        int th = T * H;
        float[] o = new float[B * thv];
        float[] finalState = new float[B * hkv];
        float[] finalKeySums = new float[B * H * K];
        float[] ob = new float[thv];
        for (int b = 0; b < B; b++) {
            TokenChunk c = new TokenChunk(T, H, K, V,
                    Arrays.copyOfRange(x.q, b * thk, (b + 1) * thk),
                    Arrays.copyOfRange(x.k, b * thk, (b + 1) * thk),
                    Arrays.copyOfRange(x.v, b * thv, (b + 1) * thv),
                    x.beta == null ? null : Arrays.copyOfRange(x.beta, b * th, (b + 1) * th),
                    x.g == null ? null : Arrays.copyOfRange(x.g, b * th, (b + 1) * th));
            CellState state = cell.newState();
            float[] s = state.data();
            if (x.initialState != null) {
                System.arraycopy(x.initialState, b * hkv, s, 0, hkv);
            }
            boolean sums = s.length >= hkv + H * K;
            if (x.initialKeySums != null && sums) {
                System.arraycopy(x.initialKeySums, b * H * K, s, hkv, H * K);
            }
            cell.forward(state, c, ob);
            System.arraycopy(ob, 0, o, b * thv, thv);
            System.arraycopy(s, 0, finalState, b * hkv, hkv);
            if (sums) {
                System.arraycopy(s, hkv, finalKeySums, b * H * K, H * K);
            }
        }
        return new Result(o, finalState, finalKeySums);
    }

    private static Path path(CliOptions.Parsed p, String option) throws UsageException {
        String s = p.required(option);
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new UsageException("option --" + option + " has value '" + s + "', not a valid path");
        }
    }

    private static SafeTensorsFile read(Path in) throws UsageException {
        if (!Files.exists(in)) {
            throw new UsageException("option --in: file " + in + " does not exist");
        }
        if (Files.isDirectory(in)) {
            throw new UsageException("option --in: " + in + " is a directory, expected a safetensors file");
        }
        try {
            return SafeTensors.read(in);
        } catch (SafeTensorsFormatException e) {
            throw new UsageException("cannot read input " + e.getMessage());
        } catch (IOException e) {
            throw new UsageException("cannot read input " + in + ": " + e);
        }
    }
}
