package dev.keymem.models.cells;

import static dev.keymem.models.cells.MatrixCellFixtures.MATRIX_KINDS;
import static dev.keymem.models.cells.MatrixCellFixtures.SHAPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.cells.MatrixCellFixtures.Shape;
import dev.keymem.models.testing.Float64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The token-by-token matrix cells against the float64 oracle, plus their contract. */
class RecurrentMatrixCellTest {

    static Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (CellKind kind : MATRIX_KINDS) {
            for (boolean normalize : new boolean[] {false, true}) {
                for (boolean nonZero : new boolean[] {false, true}) {
                    for (Shape shape : SHAPES) {
                        list.add(Arguments.of(kind, normalize, nonZero, shape));
                    }
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "{0} norm={1} init={2} {3}")
    @MethodSource("cases")
    void matchesFloat64Reference(CellKind kind, boolean normalize, boolean nonZero, Shape shape) {
        long seed = MatrixCellFixtures.seed(kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell cell = Cells.recurrent(spec);
        TokenChunk c = RandomInputs.chunk(spec, shape.tokens(), seed);
        CellState state = MatrixCellFixtures.initialState(cell, nonZero, seed + 1);
        Float64Reference.Result ref = MatrixCellFixtures.reference(spec, c, state);

        float[] out = new float[shape.tokens() * shape.heads() * shape.valueDim()];
        cell.forward(state, c, out);

        double outErr = Float64Reference.relError(out, ref.out());
        double stateErr = Float64Reference.relError(state.data(), MatrixCellFixtures.referenceState(spec, ref));
        assertTrue(outErr <= 1e-4, "output rel error " + outErr + " seed " + seed);
        assertTrue(stateErr <= 1e-4, "state rel error " + stateErr + " seed " + seed);
    }

    @ParameterizedTest(name = "{0} norm={1} init={2} {3}")
    @MethodSource("cases")
    void cuttingTheStreamChangesNothing(CellKind kind, boolean normalize, boolean nonZero, Shape shape) {
        long seed = MatrixCellFixtures.seed("cuts", kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell cell = Cells.recurrent(spec);
        TokenChunk c = RandomInputs.chunk(spec, shape.tokens(), seed);
        CellState whole = MatrixCellFixtures.initialState(cell, nonZero, seed + 1);
        CellState pieces = whole.copy();

        float[] outWhole = MatrixCellFixtures.runInPieces(cell, whole, c, new int[] {shape.tokens()});
        int[] cuts = MatrixCellFixtures.randomCuts(shape.tokens(), 9, seed + 2);
        float[] outPieces = MatrixCellFixtures.runInPieces(cell, pieces, c, cuts);

        // token by token, the cut cannot change a single operation: results are bit-identical
        assertArrayEquals(outWhole, outPieces, "seed " + seed);
        assertEquals(whole, pieces, "seed " + seed);
    }

    @ParameterizedTest(name = "{0} norm={1} init={2} {3}")
    @MethodSource("cases")
    void readOfFrozenStateMatchesFloat64Read(CellKind kind, boolean normalize, boolean nonZero, Shape shape) {
        long seed = MatrixCellFixtures.seed("read", kind, normalize, nonZero, shape);
        CellSpec spec = shape.spec(kind, normalize);
        MemoryCell cell = Cells.recurrent(spec);
        CellState state = MatrixCellFixtures.initialState(cell, nonZero, seed);
        cell.forward(state, RandomInputs.chunk(spec, shape.tokens(), seed + 1), new float[shape.tokens()
                * shape.heads() * shape.valueDim()]);
        CellState frozen = state.copy();
        int queries = 11;
        float[] q = RandomInputs.chunk(spec, queries, seed + 2).q();
        float[] out = new float[queries * shape.heads() * shape.valueDim()];

        cell.read(state, q, queries, out);

        double err = Float64Reference.relError(out, MatrixCellFixtures.float64Read(spec, state.data(), q, queries));
        assertTrue(err <= 1e-5, "read rel error " + err + " seed " + seed);
        assertEquals(frozen, state, "read must not change the state");
    }

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"LINEAR", "GATED_LINEAR", "DELTA", "GATED_DELTA"})
    void positionAdvancesByTheTokenCount(CellKind kind) {
        CellSpec spec = CellSpec.of(kind, 2, 4, 3, 8);
        MemoryCell cell = Cells.recurrent(spec);
        CellState state = cell.newState();
        assertEquals(0, state.position());
        cell.forward(state, RandomInputs.chunk(spec, 5, 1), new float[5 * 6]);
        assertEquals(5, state.position());
        cell.forward(state, RandomInputs.chunk(spec, 0, 2), new float[0]);
        assertEquals(5, state.position());
        cell.forward(state, RandomInputs.chunk(spec, 3, 3), new float[3 * 6]);
        assertEquals(8, state.position());
        cell.read(state, new float[2 * 8], 2, new float[2 * 6]);
        assertEquals(8, state.position(), "read does not advance");
    }

    @Test
    void stateSizeAndLayout() {
        assertEquals(2 * 4 * 3, Cells.recurrent(CellSpec.of(CellKind.DELTA, 2, 4, 3, 8)).stateSize());
        assertEquals(2 * 4 * 3 + 2 * 4,
                Cells.recurrent(CellSpec.of(CellKind.DELTA, 2, 4, 3, 8).withNormalize(true)).stateSize());
        CellState fresh = Cells.recurrent(CellSpec.of(CellKind.LINEAR, 2, 4, 3, 8)).newState();
        assertEquals(0, fresh.position());
        for (float x : fresh.data()) {
            assertEquals(0f, x);
        }
    }

    /** The linear cell on one token from zero: o = (k . scale q) v; a hand-checkable case. */
    @Test
    void linearCellOnOneTokenIsAnOuterProductRead() {
        CellSpec spec = CellSpec.of(CellKind.LINEAR, 1, 2, 2, 4).withScale(0.5f);
        MemoryCell cell = Cells.recurrent(spec);
        TokenChunk c = new TokenChunk(1, 1, 2, 2, new float[] {1, 2}, new float[] {3, 4}, new float[] {5, -6},
                null, null);
        float[] out = new float[2];
        cell.forward(cell.newState(), c, out);
        float qk = 0.5f * (1 * 3 + 2 * 4);
        assertArrayEquals(new float[] {qk * 5, qk * -6}, out);
    }

    @Test
    void deepKindGivesTheDeepCell() {
        CellSpec deep = CellSpec.of(CellKind.DEEP, 1, 4, 4, 4);
        assertTrue(Cells.recurrent(deep) instanceof DeepRecurrent);
        assertTrue(Cells.chunked(deep, ScalarBackend.INSTANCE) instanceof DeepChunked);
    }

    @Test
    void badInputsAreRejectedClearly() {
        BadInputs.check(Cells::recurrent);
    }
}
