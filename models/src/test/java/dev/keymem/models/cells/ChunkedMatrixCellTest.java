package dev.keymem.models.cells;

import static dev.keymem.models.cells.MatrixCellFixtures.MATRIX_KINDS;
import static dev.keymem.models.cells.MatrixCellFixtures.SHAPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.MatrixCellFixtures.Shape;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chunked matrix cells against the recurrent form and the float64 oracle, on every Java backend
 * present (scalar, and the Vector API one once it exists).
 */
class ChunkedMatrixCellTest {

    /** Float tolerance between two float32 computations of the same thing in a different order. */
    private static final double FLOAT_TOL = 2e-5;

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (TensorBackend backend : MatrixCellFixtures.backends()) {
            for (CellKind kind : MATRIX_KINDS) {
                for (boolean normalize : new boolean[] {false, true}) {
                    for (boolean nonZero : new boolean[] {false, true}) {
                        for (Shape shape : SHAPES) {
                            list.add(Arguments.of(backend.name(), kind, normalize, nonZero, shape));
                        }
                    }
                }
            }
        }
        return list.stream();
    }

    /** The cases of every backend other than the scalar one, which the others are compared with. */
    static Stream<Arguments> nonScalarCases() {
        return cases().filter(a -> !a.get()[0].equals(ScalarBackend.INSTANCE.name()));
    }

    private static TensorBackend backend(String name) {
        return MatrixCellFixtures.backends().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0} {1} norm={2} init={3} {4}")
    @MethodSource("cases")
    void equalsRecurrentAndFloat64Reference(String backend, CellKind kind, boolean normalize, boolean nonZero,
                                            Shape shape) {
        long seed = MatrixCellFixtures.seed(kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell chunked = Cells.chunked(spec, backend(backend));
        MemoryCell recurrent = Cells.recurrent(spec);
        TokenChunk c = RandomInputs.chunk(spec, shape.tokens(), seed);
        CellState sc = MatrixCellFixtures.initialState(chunked, nonZero, seed + 1);
        CellState sr = sc.copy();
        Float64Reference.Result ref = MatrixCellFixtures.reference(spec, c, sc);
        int n = shape.tokens() * shape.heads() * shape.valueDim();
        float[] oc = new float[n];
        float[] or = new float[n];

        chunked.forward(sc, c, oc);
        recurrent.forward(sr, c, or);

        double[] refState = MatrixCellFixtures.referenceState(spec, ref);
        String ctx = " seed " + seed;
        assertTrue(Float64Reference.relError(oc, ref.out()) <= 1e-4,
                "chunked output vs float64: " + Float64Reference.relError(oc, ref.out()) + ctx);
        assertTrue(Float64Reference.relError(sc.data(), refState) <= 1e-4,
                "chunked state vs float64: " + Float64Reference.relError(sc.data(), refState) + ctx);
        assertTrue(Float64Reference.relError(oc, or) <= FLOAT_TOL,
                "chunked output vs recurrent: " + Float64Reference.relError(oc, or) + ctx);
        assertTrue(Float64Reference.relError(sc.data(), sr.data()) <= FLOAT_TOL,
                "chunked state vs recurrent: " + Float64Reference.relError(sc.data(), sr.data()) + ctx);
        assertEquals(sr.position(), sc.position());
    }

    @ParameterizedTest(name = "{0} {1} norm={2} init={3} {4}")
    @MethodSource("cases")
    void cuttingTheStreamChangesNothing(String backend, CellKind kind, boolean normalize, boolean nonZero,
                                        Shape shape) {
        long seed = MatrixCellFixtures.seed("cuts", kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell cell = Cells.chunked(spec, backend(backend));
        TokenChunk c = RandomInputs.chunk(spec, shape.tokens(), seed);
        CellState whole = MatrixCellFixtures.initialState(cell, nonZero, seed + 1);
        CellState pieces = whole.copy();

        float[] outWhole = MatrixCellFixtures.runInPieces(cell, whole, c, new int[] {shape.tokens()});
        int[] cuts = MatrixCellFixtures.randomCuts(shape.tokens(), 2 * shape.chunk() + 3, seed + 2);
        float[] outPieces = MatrixCellFixtures.runInPieces(cell, pieces, c, cuts);

        String ctx = " cuts " + java.util.Arrays.toString(cuts) + " seed " + seed;
        assertTrue(Float64Reference.relError(outPieces, outWhole) <= FLOAT_TOL,
                "outputs: " + Float64Reference.relError(outPieces, outWhole) + ctx);
        assertTrue(Float64Reference.relError(pieces.data(), whole.data()) <= FLOAT_TOL,
                "state: " + Float64Reference.relError(pieces.data(), whole.data()) + ctx);
        assertEquals(whole.position(), pieces.position());
    }

    @ParameterizedTest(name = "{0} {1} norm={2} init={3} {4}")
    @MethodSource("cases")
    void readOfFrozenStateMatchesFloat64Read(String backend, CellKind kind, boolean normalize, boolean nonZero,
                                             Shape shape) {
        long seed = MatrixCellFixtures.seed("read", kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell cell = Cells.chunked(spec, backend(backend));
        CellState state = MatrixCellFixtures.initialState(cell, nonZero, seed);
        cell.forward(state, RandomInputs.chunk(spec, shape.tokens(), seed + 1),
                new float[shape.tokens() * shape.heads() * shape.valueDim()]);
        CellState frozen = state.copy();
        int queries = 13;
        float[] q = RandomInputs.chunk(spec, queries, seed + 2).q();
        float[] out = new float[queries * shape.heads() * shape.valueDim()];

        cell.read(state, q, queries, out);

        double err = Float64Reference.relError(out, MatrixCellFixtures.float64Read(spec, state.data(), q, queries));
        assertTrue(err <= 1e-5, "read rel error " + err + " seed " + seed);
        assertEquals(frozen, state, "read must not change the state");
    }

    /** Every other Java backend against the scalar one. */
    @ParameterizedTest(name = "{0} {1} norm={2} init={3} {4}")
    @MethodSource("nonScalarCases")
    void backendsAgree(String backend, CellKind kind, boolean normalize, boolean nonZero, Shape shape) {
        long seed = MatrixCellFixtures.seed("backends", kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell other = Cells.chunked(spec, backend(backend));
        MemoryCell scalar = Cells.chunked(spec, ScalarBackend.INSTANCE);
        TokenChunk c = RandomInputs.chunk(spec, shape.tokens(), seed);
        CellState so = MatrixCellFixtures.initialState(other, nonZero, seed + 1);
        CellState ss = so.copy();
        int n = shape.tokens() * shape.heads() * shape.valueDim();
        float[] oo = new float[n];
        float[] os = new float[n];
        other.forward(so, c, oo);
        scalar.forward(ss, c, os);
        assertTrue(Float64Reference.relError(oo, os) <= FLOAT_TOL, "outputs seed " + seed);
        assertTrue(Float64Reference.relError(so.data(), ss.data()) <= FLOAT_TOL, "state seed " + seed);
    }

    /** A long stream with strong decays and many chunks stays accurate (no overflow of decay ratios). */
    @Test
    void longGatedStreamStaysAccurate() {
        for (CellKind kind : new CellKind[] {CellKind.GATED_LINEAR, CellKind.GATED_DELTA}) {
            CellSpec spec = CellSpec.of(kind, 2, 16, 16, 64);
            long seed = MatrixCellFixtures.seed("long", kind);
            TokenChunk c = RandomInputs.chunk(spec, 700, seed);
            for (int i = 0; i < c.g().length; i++) {
                c.g()[i] *= 10; // decays down to exp(-3) per token, exp(-190) over a chunk
            }
            for (TensorBackend b : MatrixCellFixtures.backends()) {
                MemoryCell cell = Cells.chunked(spec, b);
                CellState st = cell.newState();
                Float64Reference.Result ref = MatrixCellFixtures.reference(spec, c, st);
                float[] out = new float[700 * 2 * 16];
                cell.forward(st, c, out);
                assertTrue(Float64Reference.relError(out, ref.out()) <= 1e-4, b.name() + " seed " + seed);
                assertTrue(Float64Reference.relError(st.data(), ref.state()) <= 1e-4, b.name() + " seed " + seed);
            }
        }
    }

    /** A gate of -infinity (a hard reset) in mid-chunk: the chunked form must not produce NaN. */
    @Test
    void hardResetGateMatchesRecurrent() {
        for (CellKind kind : new CellKind[] {CellKind.GATED_LINEAR, CellKind.GATED_DELTA}) {
            CellSpec spec = CellSpec.of(kind, 2, 8, 6, 16).withNormalize(true);
            long seed = MatrixCellFixtures.seed("reset", kind);
            TokenChunk c = RandomInputs.chunk(spec, 40, seed);
            c.g()[5 * 2] = Float.NEGATIVE_INFINITY;      // token 5, head 0
            c.g()[21 * 2 + 1] = Float.NEGATIVE_INFINITY; // token 21, head 1
            c.g()[22 * 2 + 1] = Float.NEGATIVE_INFINITY; // token 22, head 1
            MemoryCell recurrent = Cells.recurrent(spec);
            CellState sr = MatrixCellFixtures.initialState(recurrent, true, seed + 1);
            Float64Reference.Result ref = MatrixCellFixtures.reference(spec, c, sr);
            float[] or = new float[40 * 12];
            recurrent.forward(sr, c, or);
            for (TensorBackend b : MatrixCellFixtures.backends()) {
                MemoryCell chunked = Cells.chunked(spec, b);
                CellState sc = MatrixCellFixtures.initialState(chunked, true, seed + 1);
                float[] oc = new float[40 * 12];
                chunked.forward(sc, c, oc);
                assertTrue(Float64Reference.relError(oc, ref.out()) <= 1e-4, b.name() + " seed " + seed);
                assertTrue(Float64Reference.relError(oc, or) <= FLOAT_TOL, b.name() + " seed " + seed);
                assertTrue(Float64Reference.relError(sc.data(), sr.data()) <= FLOAT_TOL, b.name() + " seed " + seed);
            }
        }
    }

    @Test
    void positionAdvancesByTheTokenCount() {
        for (CellKind kind : MATRIX_KINDS) {
            CellSpec spec = CellSpec.of(kind, 2, 4, 3, 4);
            MemoryCell cell = Cells.chunked(spec, ScalarBackend.INSTANCE);
            CellState state = cell.newState();
            cell.forward(state, RandomInputs.chunk(spec, 9, 1), new float[9 * 6]);
            assertEquals(9, state.position());
            cell.forward(state, RandomInputs.chunk(spec, 0, 2), new float[0]);
            assertEquals(9, state.position());
            cell.read(state, new float[8], 1, new float[6]);
            assertEquals(9, state.position(), "read does not advance");
        }
    }

    @Test
    void absurdChunkSizesAreRefused() {
        CellSpec spec = CellSpec.of(CellKind.DELTA, 1, 4, 4, ChunkedMatrixCell.MAX_CHUNK + 1);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Cells.chunked(spec, ScalarBackend.INSTANCE));
        assertTrue(e.getMessage().contains("chunk size"), e.getMessage());
    }

    @Test
    void badInputsAreRejectedClearly() {
        for (TensorBackend b : MatrixCellFixtures.backends()) {
            BadInputs.check(spec -> Cells.chunked(spec, b));
        }
    }
}
