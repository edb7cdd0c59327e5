package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetentionEvent.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Outputs, events, states and archives never depend on chunking, and survive a state copy mid-stream. */
class RetentionChunkingTest {

    @ParameterizedTest
    @EnumSource(value = CellKind.class, names = {"DELTA", "GATED_DELTA", "LINEAR", "DEEP"})
    void identicalUnderRandomCuts(CellKind kind) {
        CellSpec spec = RetentionFixtures.spec(kind, 2, 8);
        TieredRetention m = RetentionFixtures.model(spec, RetentionFixtures.small(8), true);
        TokenChunk stream = RetentionFixtures.stream(spec, 700, 11);
        RetentionFixtures.Run whole = RetentionFixtures.run(m, stream, new int[0], 42L);
        assertTrue(whole.events().stream().anyMatch(e -> e.kind() == Kind.RETAINED), "some token retained");
        assertTrue(whole.events().stream().anyMatch(e -> e.kind() == Kind.COMPRESSED), "some token compressed");
        assertTrue(whole.events().stream().anyMatch(e -> e.kind() == Kind.ARCHIVE_DROPPED), "archive overflowed");
        assertTrue(whole.state().recalled().size() == 3, "recall filled");
        for (int seed = 0; seed < 4; seed++) {
            int[] cuts = RetentionFixtures.randomCuts(stream.length(), seed % 2 == 0 ? 5 : 37, seed);
            RetentionFixtures.Run cut = RetentionFixtures.run(m, stream, cuts, 42L);
            assertArrayEquals(whole.out(), cut.out(), "outputs, cuts seed " + seed);
            assertEquals(whole.events(), cut.events(), "events, cuts seed " + seed);
            assertEquals(whole.state(), cut.state(), "state, cuts seed " + seed);
            assertEquals(whole.archive(), cut.archive(), "archive, cuts seed " + seed);
        }
    }

    @Test
    void recurrentAndChunkedInnovationCellsGiveTheSameDecisions() {
        CellSpec spec = RetentionFixtures.spec(CellKind.GATED_DELTA, 2, 8);
        TokenChunk stream = RetentionFixtures.stream(spec, 400, 5);
        RetentionFixtures.Run a = RetentionFixtures.run(
                RetentionFixtures.model(spec, RetentionFixtures.small(8), true), stream, new int[0], 1L);
        RetentionFixtures.Run b = RetentionFixtures.run(
                RetentionFixtures.model(spec, RetentionFixtures.small(8), false), stream, new int[] {13, 200}, 1L);
        List<Long> ra = positions(a.events(), Kind.RETAINED);
        List<Long> rb = positions(b.events(), Kind.RETAINED);
        assertEquals(ra, rb, "the two cell forms differ only by float rounding; decisions match on this stream");
        assertTrue(dev.keymem.models.testing.Float64Reference.relError(a.out(), b.out()) < 1e-4);
    }

    @Test
    void copyMidStreamAndContinueIsIdentical() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 8);
        TieredRetention m = RetentionFixtures.model(spec, RetentionFixtures.small(8), true);
        TokenChunk stream = RetentionFixtures.stream(spec, 600, 3);
        int hv = 2 * 8;
        RetentionFixtures.Run whole = RetentionFixtures.run(m, stream, new int[0], 9L);
        for (int split : new int[] {1, 77, 256, 301}) {
            RetentionState st = m.newState(9L);
            InMemoryArchiveStore ar = new InMemoryArchiveStore();
            float[] out = new float[stream.length() * hv];
            List<RetentionEvent> ev = new ArrayList<>();
            RetentionFixtures.runInto(m, st, ar, stream, 0, split, RetentionFixtures.randomCuts(600, 20, split), out, ev);
            RetentionState restored = st.copy();
            InMemoryArchiveStore restoredArchive = ar.copy();
            assertEquals(st, restored);
            // the original goes on (and is then discarded): the copy must not share mutable parts with it
            RetentionFixtures.runInto(m, st, ar, stream, split, 600, new int[0], new float[600 * hv], new ArrayList<>());
            RetentionFixtures.runInto(m, restored, restoredArchive, stream, split, 600,
                    RetentionFixtures.randomCuts(600, 9, split + 1), out, ev);
            assertArrayEquals(whole.out(), out, "outputs after restore at " + split);
            assertEquals(whole.events(), ev, "events after restore at " + split);
            assertEquals(whole.state(), restored, "state after restore at " + split);
            assertEquals(whole.archive(), restoredArchive, "archive after restore at " + split);
        }
    }

    @Test
    void differentKeySeedsDrawDifferently() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 1, 8);
        TieredRetention m = RetentionFixtures.model(spec, RetentionFixtures.small(8), true);
        TokenChunk stream = RetentionFixtures.stream(spec, 600, 3);
        RetentionFixtures.Run a = RetentionFixtures.run(m, stream, new int[0], 1L);
        RetentionFixtures.Run b = RetentionFixtures.run(m, stream, new int[0], 2L);
        assertTrue(!a.events().equals(b.events()), "the key seed drives the draws");
    }

    private static List<Long> positions(List<RetentionEvent> events, Kind kind) {
        List<Long> p = new ArrayList<>();
        for (RetentionEvent e : events) {
            if (e.kind() == kind) {
                p.add(e.position());
            }
        }
        return p;
    }
}
