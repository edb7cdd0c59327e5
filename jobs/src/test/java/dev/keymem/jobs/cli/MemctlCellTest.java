package dev.keymem.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsDtype;
import dev.keymem.models.io.SafeTensorsFile;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end: writes random inputs with the safetensors writer, runs {@code memctl cell} in-process,
 * reads the output and compares it with the float64 reference, batch entry by batch entry.
 */
class MemctlCellTest {

    /** Fresh each run; fix with -Dkeymem.seed=N to reproduce a failure (messages print it). */
    static final long BASE_SEED = Long.getLong("keymem.seed", System.nanoTime());

    static final int B = 2;
    static final int T = 37;
    static final int H = 3;
    static final int K = 8;
    static final int V = 5;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : err.lines().toList();
        }
    }

    static Run memctl(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Memctl.run(args, o, e);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Random inputs [B,T,H,*] plus an optional initial state, as float values and as tensors. */
    static final class Inputs {
        final float[] q = new float[B * T * H * K];
        final float[] k = new float[B * T * H * K];
        final float[] v = new float[B * T * H * V];
        final float[] beta = new float[B * T * H];
        final float[] g = new float[B * T * H];
        float[] state;
        float[] keySums;

        Inputs(CellKind kind, boolean normalize, long seed) {
            CellSpec spec = CellSpec.of(kind, H, K, V, 16).withNormalize(normalize);
            for (int b = 0; b < B; b++) {
                TokenChunk c = RandomInputs.chunk(CellSpec.of(CellKind.GATED_DELTA, H, K, V, 16), T, seed + b,
                        spec.normalize());
                System.arraycopy(c.q(), 0, q, b * T * H * K, T * H * K);
                System.arraycopy(c.k(), 0, k, b * T * H * K, T * H * K);
                System.arraycopy(c.v(), 0, v, b * T * H * V, T * H * V);
                System.arraycopy(c.beta(), 0, beta, b * T * H, T * H);
                System.arraycopy(c.g(), 0, g, b * T * H, T * H);
            }
        }

        void randomInitialState(long seed, boolean positive) {
            SplittableRandom r = new SplittableRandom(seed);
            state = new float[B * H * K * V];
            for (int i = 0; i < state.length; i++) {
                double x = 0.5 * r.nextGaussian();
                state[i] = (float) (positive ? Math.abs(x) : x);
            }
        }

        void randomKeySums(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            keySums = new float[B * H * K];
            for (int i = 0; i < keySums.length; i++) {
                keySums[i] = (float) (0.1 + 3 * r.nextDouble());
            }
        }

        /** Writes the inputs the kind needs (plus optional ones) in the given dtype. */
        Path write(Path file, CellKind kind, SafeTensorsDtype dtype) throws IOException {
            List<SafeTensor> ts = new ArrayList<>();
            ts.add(tensor("q", dtype, q, B, T, H, K));
            ts.add(tensor("k", dtype, k, B, T, H, K));
            ts.add(tensor("v", dtype, v, B, T, H, V));
            if (kind.usesBeta()) {
                ts.add(tensor("beta", dtype, beta, B, T, H));
            }
            if (kind.usesGate()) {
                ts.add(tensor("g", dtype, g, B, T, H));
            }
            if (state != null) {
                ts.add(tensor("initial_state", dtype, state, B, H, K, V));
            }
            if (keySums != null) {
                ts.add(tensor("initial_key_sums", dtype, keySums, B, H, K));
            }
            SafeTensors.write(file, ts);
            return file;
        }
    }

    static SafeTensor tensor(String name, SafeTensorsDtype dtype, float[] values, long... shape) {
        return SafeTensor.ofFloats(name, dtype, shape, values);
    }

    static float[] slice(float[] a, int b, int per) {
        return a == null ? null : Arrays.copyOfRange(a, b * per, (b + 1) * per);
    }

    static double[] sliceD(float[] a, int b, int per) {
        return a == null ? null : RandomInputs.toDouble(slice(a, b, per));
    }

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (CellKind kind : new CellKind[] {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA,
                CellKind.GATED_DELTA}) {
            for (boolean initial : new boolean[] {false, true}) {
                for (SafeTensorsDtype dtype : new SafeTensorsDtype[] {SafeTensorsDtype.F32, SafeTensorsDtype.F64}) {
                    for (String form : new String[] {"chunked", "recurrent"}) {
                        list.add(Arguments.of(kind, initial, dtype, form));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} initial={1} {2} {3}")
    @MethodSource("cases")
    void matchesTheFloat64Reference(CellKind kind, boolean initial, SafeTensorsDtype dtype, String form)
            throws IOException {
        long seed = BASE_SEED + 1000L * kind.ordinal() + (initial ? 100 : 0) + dtype.ordinal() * 10L
                + form.length();
        Inputs in = new Inputs(kind, false, seed);
        if (initial) {
            in.randomInitialState(seed + 7, false);
        }
        Path inFile = in.write(dir.resolve("in.safetensors"), kind, dtype);
        Path outFile = dir.resolve("out.safetensors");
        Run r = memctl("cell", "--kind", kind.configName(), "--in", inFile.toString(), "--out", outFile.toString(),
                "--chunk", "16", "--form", form);
        assertEquals(0, r.code, "seed " + seed + " stderr: " + r.err);
        assertEquals("", r.err);
        assertTrue(r.out.contains("wrote"), r.out);
        checkAgainstReference(kind, in, outFile, CellSpec.defaultScale(K), false, seed);
    }

    @ParameterizedTest(name = "{0} normalised")
    @MethodSource("kinds")
    void normalisedWithScaleAndInitialKeySums(CellKind kind) throws IOException {
        long seed = BASE_SEED + 77 + kind.ordinal();
        Inputs in = new Inputs(kind, true, seed);
        in.randomInitialState(seed + 1, true);
        in.randomKeySums(seed + 2);
        Path inFile = in.write(dir.resolve("in.safetensors"), kind, SafeTensorsDtype.F32);
        Path outFile = dir.resolve("out.safetensors");
        Run r = memctl("cell", "--kind=" + kind.configName(), "--in", inFile.toString(), "--out",
                outFile.toString(), "--chunk", "5", "--scale", "0.5", "--normalize", "--backend", "scalar");
        assertEquals(0, r.code, "seed " + seed + " stderr: " + r.err);
        checkAgainstReference(kind, in, outFile, 0.5, true, seed);
    }

    static Stream<CellKind> kinds() {
        return Stream.of(CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA, CellKind.GATED_DELTA);
    }

    private static void checkAgainstReference(CellKind kind, Inputs in, Path outFile, double scale,
                                              boolean normalize, long seed) throws IOException {
        SafeTensorsFile out = SafeTensors.read(outFile);
        SafeTensor o = out.require("o");
        SafeTensor s = out.require("final_state");
        assertEquals(SafeTensorsDtype.F32, o.dtype());
        assertEquals(SafeTensorsDtype.F32, s.dtype());
        assertArrayEquals(new long[] {B, T, H, V}, o.shape());
        assertArrayEquals(new long[] {B, H, K, V}, s.shape());
        assertEquals(normalize, out.contains("final_key_sums"));
        assertEquals(kind.configName(), out.metadata().get("kind"));
        float[] of = o.toFloats();
        float[] sf = s.toFloats();
        float[] zf = normalize ? out.require("final_key_sums").toFloats() : null;
        for (int b = 0; b < B; b++) {
            Float64Reference.Result ref = Float64Reference.run(kind, T, H, K, V,
                    slice(in.q, b, T * H * K), slice(in.k, b, T * H * K), slice(in.v, b, T * H * V),
                    kind.usesBeta() ? slice(in.beta, b, T * H) : null,
                    kind.usesGate() ? slice(in.g, b, T * H) : null,
                    scale, normalize, sliceD(in.state, b, H * K * V), sliceD(in.keySums, b, H * K));
            double eo = Float64Reference.relError(slice(of, b, T * H * V), ref.out());
            double es = Float64Reference.relError(slice(sf, b, H * K * V), ref.state());
            String where = kind + " batch " + b + " seed " + seed;
            assertTrue(eo <= 1e-4, "o rel error " + eo + " " + where);
            assertTrue(es <= 1e-4, "final_state rel error " + es + " " + where);
            if (normalize) {
                double ez = Float64Reference.relError(slice(zf, b, H * K), ref.keySums());
                assertTrue(ez <= 1e-4, "final_key_sums rel error " + ez + " " + where);
            }
        }
    }

    @Test
    void batchEntriesAreIndependentStreams() throws IOException {
        // the same stream in both entries gives identical outputs; swapping entries swaps outputs
        Inputs in = new Inputs(CellKind.GATED_DELTA, false, BASE_SEED + 5);
        int per = T * H * K;
        System.arraycopy(in.q, 0, in.q, per, per);
        System.arraycopy(in.k, 0, in.k, per, per);
        System.arraycopy(in.v, 0, in.v, T * H * V, T * H * V);
        System.arraycopy(in.beta, 0, in.beta, T * H, T * H);
        System.arraycopy(in.g, 0, in.g, T * H, T * H);
        Path inFile = in.write(dir.resolve("in.safetensors"), CellKind.GATED_DELTA, SafeTensorsDtype.F32);
        Path outFile = dir.resolve("out.safetensors");
        Run r = memctl("cell", "--kind", "gated_delta", "--in", inFile.toString(), "--out", outFile.toString());
        assertEquals(0, r.code, r.err);
        float[] o = SafeTensors.read(outFile).require("o").toFloats();
        assertArrayEquals(slice(o, 0, T * H * V), slice(o, 1, T * H * V));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void bf16InputsAreReadAsTheirExactValues(String form) throws IOException {
        long seed = BASE_SEED + 31;
        Inputs in = new Inputs(CellKind.DELTA, false, seed);
        in.randomInitialState(seed + 1, false);
        Path inFile = in.write(dir.resolve("in.safetensors"), CellKind.DELTA, SafeTensorsDtype.BF16);
        // the reference sees exactly the values the file holds: the inputs rounded to bf16
        for (float[] a : new float[][] {in.q, in.k, in.v, in.beta, in.state}) {
            float[] rounded = SafeTensor.ofFloats("x", SafeTensorsDtype.BF16, new long[] {a.length}, a).toFloats();
            System.arraycopy(rounded, 0, a, 0, a.length);
        }
        Path outFile = dir.resolve("out.safetensors");
        Run r = memctl("cell", "--kind", "delta", "--in", inFile.toString(), "--out", outFile.toString(),
                "--form", form, "--chunk", "8");
        assertEquals(0, r.code, r.err);
        checkAgainstReference(CellKind.DELTA, in, outFile, CellSpec.defaultScale(K), false, seed);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void zeroTokensPassTheInitialStateThrough(String form) throws IOException {
        float[] state = new float[B * H * K * V];
        for (int i = 0; i < state.length; i++) {
            state[i] = i * 0.25f - 3;
        }
        Path inFile = dir.resolve("empty.safetensors");
        SafeTensors.write(inFile, List.of(
                tensor("q", SafeTensorsDtype.F32, new float[0], B, 0, H, K),
                tensor("k", SafeTensorsDtype.F32, new float[0], B, 0, H, K),
                tensor("v", SafeTensorsDtype.F32, new float[0], B, 0, H, V),
                tensor("g", SafeTensorsDtype.F32, new float[0], B, 0, H),
                tensor("initial_state", SafeTensorsDtype.F64, state, B, H, K, V)));
        Path outFile = dir.resolve("out.safetensors");
        Run r = memctl("cell", "--kind", "gated_linear", "--in", inFile.toString(), "--out", outFile.toString(),
                "--form", form);
        assertEquals(0, r.code, r.err);
        SafeTensorsFile out = SafeTensors.read(outFile);
        assertArrayEquals(new long[] {B, 0, H, V}, out.require("o").shape());
        assertArrayEquals(state, out.require("final_state").toFloats());
    }

    static Stream<String> forms() {
        return Stream.of("chunked", "recurrent");
    }

    // ----------------------------------------------------------------------------- help, usage

    @Test
    void helpPrintsUsageAndExitsZero() {
        Run top = memctl("--help");
        assertEquals(0, top.code);
        assertTrue(top.out.contains("usage: memctl <command>"), top.out);
        assertTrue(top.out.contains("cell"), top.out);
        Run cell = memctl("cell", "--help");
        assertEquals(0, cell.code);
        assertTrue(cell.out.contains("--kind KIND"), cell.out);
        assertTrue(cell.out.contains("initial_state   [B,H,K,V]"), cell.out);
        assertEquals(cell.out, memctl("help", "cell").out);
        Run none = memctl();
        assertEquals(2, none.code);
        assertTrue(none.err.contains("usage: memctl"), none.err);
    }

    // ------------------------------------------------------------------------------ bad input

    /** Writes a valid gated_delta input (B=2 T=10 H=4 K=16 V=32) with some tensors replaced or removed. */
    private Path input(String drop, SafeTensor... replace) throws IOException {
        int b = 2, t = 10, h = 4, kd = 16, vd = 32;
        List<SafeTensor> ts = new ArrayList<>(List.of(
                tensor("q", SafeTensorsDtype.F32, new float[b * t * h * kd], b, t, h, kd),
                tensor("k", SafeTensorsDtype.F32, new float[b * t * h * kd], b, t, h, kd),
                tensor("v", SafeTensorsDtype.F32, new float[b * t * h * vd], b, t, h, vd),
                tensor("beta", SafeTensorsDtype.F32, new float[b * t * h], b, t, h),
                tensor("g", SafeTensorsDtype.F32, new float[b * t * h], b, t, h)));
        ts.removeIf(x -> x.name().equals(drop));
        for (SafeTensor r : replace) {
            ts.removeIf(x -> x.name().equals(r.name()));
            ts.add(r);
        }
        Path p = dir.resolve("bad-" + System.nanoTime() + ".safetensors");
        SafeTensors.write(p, ts);
        return p;
    }

    private void assertBad(Path in, String kind, String expectedFragment, String... extra) {
        Path out = dir.resolve("never.safetensors");
        List<String> args = new ArrayList<>(List.of("cell", "--kind", kind, "--in", in.toString(), "--out",
                out.toString()));
        args.addAll(List.of(extra));
        assertBadArgs(args.toArray(String[]::new), expectedFragment);
        assertTrue(Files.notExists(out), "no output on bad input");
    }

    private static void assertBadArgs(String[] args, String expectedFragment) {
        Run r = memctl(args);
        assertEquals(2, r.code, "exit code for " + Arrays.toString(args) + "; stderr: " + r.err);
        assertEquals(1, r.errLines().size(), "exactly one line on stderr: " + r.err);
        assertTrue(r.err.startsWith("memctl"), r.err);
        assertTrue(r.err.contains(expectedFragment), "stderr '" + r.err.strip() + "' lacks '" + expectedFragment + "'");
        assertEquals("", r.out);
    }

    @Test
    void theBriefsExampleMessageExactly() throws IOException {
        Path in = input(null, tensor("v", SafeTensorsDtype.F32, new float[3 * 10 * 4 * 32], 3, 10, 4, 32));
        Run r = memctl("cell", "--kind", "delta", "--in", in.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code);
        assertEquals("memctl cell: tensor 'v' has shape [3,10,4,32], expected [2,10,4,V] with B=2 T=10 H=4 from q",
                r.err.strip());
    }

    @Test
    void missingTensorsAreNamed() throws IOException {
        assertBad(input("q"), "linear", "tensor 'q' is missing, expected [B,T,H,K]");
        assertBad(input("k"), "linear", "tensor 'k' is missing, expected [2,10,4,16] = [B,T,H,K] from q");
        assertBad(input("v"), "linear", "tensor 'v' is missing, expected [2,10,4,V] with B=2 T=10 H=4 from q");
        assertBad(input("beta"), "delta", "tensor 'beta' is missing, expected [2,10,4] = [B,T,H] from q (kind delta");
        assertBad(input("g"), "gated_linear", "tensor 'g' is missing, expected [2,10,4] = [B,T,H] from q");
        assertBad(input("g"), "gated_delta", "tensor 'g' is missing");
        // kinds that do not use beta or g do not need them
        Run ok = memctl("cell", "--kind", "linear", "--in", input("g").toString(), "--out",
                dir.resolve("ok.safetensors").toString());
        assertEquals(0, ok.code, ok.err);
    }

    @Test
    void wrongRanksAndShapesAreNamed() throws IOException {
        assertBad(input(null, tensor("q", SafeTensorsDtype.F32, new float[2 * 10 * 16], 2, 10, 16)), "linear",
                "tensor 'q' has shape [2,10,16], expected [B,T,H,K] (rank 4)");
        assertBad(input(null, tensor("q", SafeTensorsDtype.F32, new float[0], 2, 10, 0, 16)), "linear",
                "tensor 'q' has shape [2,10,0,16], expected [B,T,H,K] with H >= 1 and K >= 1");
        assertBad(input(null, tensor("k", SafeTensorsDtype.F32, new float[2 * 10 * 4 * 8], 2, 10, 4, 8)), "linear",
                "tensor 'k' has shape [2,10,4,8], expected [2,10,4,16] = [B,T,H,K] from q");
        assertBad(input(null, tensor("k", SafeTensorsDtype.F32, new float[2 * 9 * 4 * 16], 2, 9, 4, 16)), "linear",
                "tensor 'k' has shape [2,9,4,16]");
        assertBad(input(null, tensor("v", SafeTensorsDtype.F32, new float[2 * 10 * 5 * 32], 2, 10, 5, 32)), "linear",
                "tensor 'v' has shape [2,10,5,32], expected [2,10,4,V]");
        assertBad(input(null, tensor("v", SafeTensorsDtype.F32, new float[2 * 10 * 4 * 32], 2, 10, 4, 32, 1)), "linear",
                "tensor 'v' has shape [2,10,4,32,1]");
        assertBad(input(null, tensor("v", SafeTensorsDtype.F32, new float[0], 2, 10, 4, 0)), "linear",
                "V >= 1");
        assertBad(input(null, tensor("beta", SafeTensorsDtype.F32, new float[20], 2, 10)), "delta",
                "tensor 'beta' has shape [2,10], expected [2,10,4] = [B,T,H] from q");
        assertBad(input(null, tensor("g", SafeTensorsDtype.F32, new float[2 * 10 * 4], 2, 10, 4, 1)), "gated_delta",
                "tensor 'g' has shape [2,10,4,1], expected [2,10,4] = [B,T,H] from q");
        assertBad(input(null, tensor("initial_state", SafeTensorsDtype.F32, new float[2 * 4 * 32 * 16], 2, 4, 32, 16)),
                "linear", "tensor 'initial_state' has shape [2,4,32,16], expected [2,4,16,32] = [B,H,K,V] from q and v");
        assertBad(input(null, tensor("initial_key_sums", SafeTensorsDtype.F32, new float[2 * 4], 2, 4)),
                "linear", "tensor 'initial_key_sums' has shape [2,4], expected [2,4,16] = [B,H,K] from q", "--normalize");
    }

    @Test
    void outputsTooLargeToWriteAreRejectedUpFront() throws IOException {
        // zero tokens make the inputs tiny, but the final state [B,H,K,V] would need 320 GB
        assertBad(input(null,
                        tensor("q", SafeTensorsDtype.F32, new float[0], 2, 0, 4, 100_000),
                        tensor("k", SafeTensorsDtype.F32, new float[0], 2, 0, 4, 100_000),
                        tensor("v", SafeTensorsDtype.F32, new float[0], 2, 0, 4, 100_000)),
                "linear", "output 'final_state' [B,H,K,V] would hold 80000000000 floats");
    }

    @Test
    void badDtypesAndValuesAreNamed() throws IOException {
        assertBad(input(null, SafeTensor.ofLongs("q", SafeTensorsDtype.I32, new long[] {2, 10, 4, 16},
                new long[2 * 10 * 4 * 16])), "linear", "tensor 'q' has dtype I32, expected a floating dtype");
        assertBad(input(null, SafeTensor.ofLongs("beta", SafeTensorsDtype.I64, new long[] {2, 10, 4},
                new long[80])), "delta", "tensor 'beta' has dtype I64");
        float[] v = new float[2 * 10 * 4 * 32];
        v[1 * 10 * 4 * 32 + 3 * 4 * 32 + 2 * 32 + 5] = Float.NaN;
        assertBad(input(null, tensor("v", SafeTensorsDtype.F32, v, 2, 10, 4, 32)), "linear",
                "tensor 'v' has a non-finite value (NaN) at index [1,3,2,5]");
        double[] huge = new double[2 * 10 * 4 * 16];
        huge[0] = 1e300;
        assertBad(input(null, SafeTensor.ofDoubles("k", SafeTensorsDtype.F64, new long[] {2, 10, 4, 16}, huge)),
                "linear", "tensor 'k' has a non-finite value (Infinity) at index [0,0,0,0] (after conversion to float)");
    }

    @Test
    void badFilesAreNamed() throws IOException {
        Path missing = dir.resolve("nope.safetensors");
        assertBad(missing, "linear", "option --in: file " + missing + " does not exist");
        assertBad(dir, "linear", "is a directory");
        Path good = input(null);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 10));
        assertBad(truncated, "linear", "cannot read input " + truncated + ": ");
        Path text = dir.resolve("text.safetensors");
        Files.writeString(text, "hello, this is not a tensor file\n");
        assertBad(text, "linear", "cannot read input " + text + ": header length");
    }

    @Test
    void badOptionsAreNamed() throws IOException {
        String in = input(null).toString();
        String out = dir.resolve("o.safetensors").toString();
        assertBadArgs(new String[] {"cell", "--kind", "deep", "--in", in, "--out", out},
                "option --kind has value 'deep', expected one of linear|gated_linear|delta|gated_delta");
        assertBadArgs(new String[] {"cell", "--kind", "fast", "--in", in, "--out", out}, "option --kind has value 'fast'");
        assertBadArgs(new String[] {"cell", "--in", in, "--out", out}, "option --kind is required");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--out", out}, "option --in is required");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in}, "option --out is required");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--chunk", "0"},
                "option --chunk has value '0', expected a positive integer");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--chunk", "x"},
                "option --chunk has value 'x'");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--scale", "-1"},
                "option --scale has value '-1', expected a positive finite number");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--scale", "NaN"},
                "option --scale has value 'NaN'");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--backend", "gpu"},
                "option --backend has value 'gpu', expected one of java|scalar");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--form", "fast"},
                "option --form has value 'fast'");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--frobnicate"},
                "unknown option '--frobnicate'");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "extra"},
                "unexpected argument 'extra'");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--kind", "delta", "--in", in, "--out", out},
                "option --kind given more than once");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out"}, "option --out needs a value");
        assertBadArgs(new String[] {"cell", "--kind", "linear", "--in", in, "--out", out, "--normalize=yes"},
                "option --normalize takes no value");
        assertBadArgs(new String[] {"frobnicate"}, "memctl: unknown command 'frobnicate'");
    }

    @Test
    void anUnwritableOutputIsAFailureWithOneLine() throws IOException {
        String in = input(null).toString();
        Path out = dir.resolve("no-such-dir").resolve("o.safetensors");
        Run r = memctl("cell", "--kind", "linear", "--in", in, "--out", out.toString());
        assertEquals(1, r.code, r.err);
        assertEquals(1, r.errLines().size(), r.err);
        assertTrue(r.err.startsWith("memctl cell: cannot write output " + out), r.err);
    }
}
