package dev.keymem.models.cells;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.testing.RandomInputs;
import java.util.function.Function;
import org.junit.jupiter.api.function.Executable;

/** The bad-input checks every matrix cell form must pass. */
final class BadInputs {

    private BadInputs() {
    }

    static void check(Function<CellSpec, MemoryCell> factory) {
        // missing beta for the delta rules
        for (CellKind kind : new CellKind[] {CellKind.DELTA, CellKind.GATED_DELTA}) {
            CellSpec spec = CellSpec.of(kind, 2, 4, 3, 4);
            MemoryCell cell = factory.apply(spec);
            TokenChunk c = RandomInputs.chunk(spec, 5, 1);
            TokenChunk noBeta = new TokenChunk(5, 2, 4, 3, c.q(), c.k(), c.v(), null, c.g());
            expect(() -> cell.forward(cell.newState(), noBeta, new float[30]), "beta");
        }
        // missing g for the gated cells
        for (CellKind kind : new CellKind[] {CellKind.GATED_LINEAR, CellKind.GATED_DELTA}) {
            CellSpec spec = CellSpec.of(kind, 2, 4, 3, 4);
            MemoryCell cell = factory.apply(spec);
            TokenChunk c = RandomInputs.chunk(spec, 5, 1);
            TokenChunk noG = new TokenChunk(5, 2, 4, 3, c.q(), c.k(), c.v(), c.beta(), null);
            expect(() -> cell.forward(cell.newState(), noG, new float[30]), "g");
        }
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 4, 3, 4).withNormalize(true);
        MemoryCell cell = factory.apply(spec);
        // a chunk of another shape (K=5 instead of 4)
        TokenChunk otherShape = RandomInputs.chunk(CellSpec.of(CellKind.GATED_DELTA, 2, 5, 3, 4), 5, 2);
        expect(() -> cell.forward(cell.newState(), otherShape, new float[30]), "K=5");
        // a chunk of the other head count
        TokenChunk otherHeads = RandomInputs.chunk(CellSpec.of(CellKind.GATED_DELTA, 3, 4, 3, 4), 5, 2);
        expect(() -> cell.forward(cell.newState(), otherHeads, new float[45]), "H=3");
        TokenChunk c = RandomInputs.chunk(spec, 5, 3);
        // output too short
        expect(() -> cell.forward(cell.newState(), c, new float[29]), "output");
        // a state of the wrong size (e.g. made without the normaliser)
        expect(() -> cell.forward(new CellState(2 * 4 * 3), c, new float[30]), "state");
        expect(() -> cell.forward(null, c, new float[30]), "state");
        expect(() -> cell.forward(cell.newState(), null, new float[30]), "chunk");
        // read: short q, short out, negative count, wrong state
        expect(() -> cell.read(cell.newState(), new float[7], 1, new float[6]), "q");
        expect(() -> cell.read(cell.newState(), new float[8], 1, new float[5]), "output");
        expect(() -> cell.read(cell.newState(), new float[8], -1, new float[6]), "negative");
        expect(() -> cell.read(new CellState(3), new float[8], 1, new float[6]), "state");
    }

    private static void expect(Executable call, String mention) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(mention),
                "message should mention '" + mention + "': " + e.getMessage());
    }
}
