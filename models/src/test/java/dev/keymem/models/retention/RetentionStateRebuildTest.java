package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A state rebuilt from its documented fields only (what a serializer writes and reads) continues bit for
 * bit; bad inputs are refused with errors naming them.
 */
class RetentionStateRebuildTest {

    /** Rebuilds a state field by field through the public constructors, as a deserialiser would. */
    static RetentionState rebuild(RetentionState s) {
        CompressedSlots c = s.compressed();
        return new RetentionState(s.seed(), s.position(), new CellState(s.cell().data().clone(), s.cell().position()),
                s.blockQuerySum().clone(), tokens(s.sinks()), tokens(s.window()), tokens(s.retained()),
                tokens(s.recalled()), new CompressedSlots(c.heads(), c.slots(), c.keyDim(), c.valueDim(),
                c.counts().clone(), c.keys().clone(), c.values().clone()),
                s.archivedPositions(), s.archivedScores());
    }

    private static List<RetainedToken> tokens(List<RetainedToken> l) {
        List<RetainedToken> r = new ArrayList<>();
        for (RetainedToken t : l) {
            r.add(new RetainedToken(t.position(), t.k().clone(), t.v().clone(),
                    t.beta() == null ? null : t.beta().clone(), t.g() == null ? null : t.g().clone(),
                    t.innovation(), t.mass(), t.probability()));
        }
        return r;
    }

    @Test
    void rebuiltStateContinuesBitForBit() {
        CellSpec spec = RetentionFixtures.spec(CellKind.GATED_DELTA, 2, 8);
        TieredRetention m = RetentionFixtures.model(spec, RetentionFixtures.small(8), true);
        TokenChunk stream = RetentionFixtures.stream(spec, 500, 12);
        RetentionFixtures.Run whole = RetentionFixtures.run(m, stream, new int[0], 3L);
        for (int split : new int[] {13, 250, 333}) {
            RetentionState st = m.newState(3L);
            InMemoryArchiveStore ar = new InMemoryArchiveStore();
            float[] out = new float[500 * 16];
            List<RetentionEvent> ev = new ArrayList<>();
            RetentionFixtures.runInto(m, st, ar, stream, 0, split, new int[0], out, ev);
            RetentionState back = rebuild(st);
            assertEquals(st, back);
            RetentionFixtures.runInto(m, back, ar.copy(), stream, split, 500, new int[0], out, ev);
            assertArrayEquals(whole.out(), out, "outputs after rebuild at " + split);
            assertEquals(whole.events(), ev, "events after rebuild at " + split);
            assertEquals(whole.state(), back, "state after rebuild at " + split);
        }
        assertTrue(whole.state().bytes() > 0);
    }

    @Test
    void badInputsAreNamed() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 8);
        RetentionSettings s = RetentionFixtures.small(8);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        RetentionState st = m.newState(1L);
        TokenChunk c = RetentionFixtures.stream(spec, 4, 1);
        assertMessage("needs an ArchiveStore", () -> m.forward(st, null, c, new float[64]));
        assertMessage("out must hold", () -> m.forward(st, new InMemoryArchiveStore(), c, new float[3]));
        TokenChunk wrong = RetentionFixtures.stream(RetentionFixtures.spec(CellKind.DELTA, 1, 8), 4, 1);
        assertMessage("does not match", () -> m.forward(st, new InMemoryArchiveStore(), wrong, new float[64]));
        assertMessage("q must hold", () -> m.read(st, new float[3], 1, new float[16]));
        assertMessage("window 4 must be at least the block 8",
                () -> RetentionSettings.defaults(8).withTiers(1, 4, 8, 1, 1));
        assertMessage("needs an archive", () -> RetentionSettings.defaults(8).withArchive(0, 2));
        assertMessage("normaliser", () -> new TieredRetention(
                dev.keymem.models.cells.Cells.recurrent(spec.withNormalize(true)), s));
        assertMessage("increasing position", () -> new RetentionState(1L, 0L, new CellState(1), new double[1],
                List.of(), List.of(token(5), token(4)), List.of(), List.of(), new CompressedSlots(1, 0, 1, 1),
                new long[0], new double[0]));
        assertMessage("archived twice", () -> new RetentionState(1L, 0L, new CellState(1), new double[1],
                List.of(), List.of(), List.of(), List.of(), new CompressedSlots(1, 0, 1, 1),
                new long[] {3, 3}, new double[] {0.5, 0.5}));
        InMemoryArchiveStore ar = new InMemoryArchiveStore();
        ar.put(token(1));
        assertMessage("already archived", () -> ar.put(token(1)));
        assertMessage("no archived token at position 2", () -> ar.get(2));
    }

    private static RetainedToken token(long p) {
        return new RetainedToken(p, new float[1], new float[1], null, null, 0f, 0.0, 0.5);
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(part), "expected '" + part + "' in: "
                + e.getMessage());
    }
}
