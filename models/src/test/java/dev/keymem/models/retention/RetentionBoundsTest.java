package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetentionEvent.Kind;
import dev.keymem.models.testing.RandomInputs;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Every bound holds over a million tokens on one key; sinks are never evicted; tokens are conserved. */
class RetentionBoundsTest {

    @Test
    void boundsHoldOverAMillionTokens() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 1, 4);
        RetentionSettings s = RetentionSettings.defaults(4).withTiers(4, 8, 8, 4, 2).withArchive(16, 1);
        TieredRetention m = RetentionFixtures.model(spec, s, false);
        RetentionState st = m.newState(123L);
        InMemoryArchiveStore archive = new InMemoryArchiveStore();
        SplittableRandom r = new SplittableRandom(7);
        long total = 1_000_000;
        long evicted = 0;
        long retainedEvents = 0;
        long maxBytes = 0;
        int[] chunkNo = {0};
        while (st.position() < total) {
            int n = (int) Math.min(total - st.position(), 1 + r.nextInt(64));
            TokenChunk c = RandomInputs.chunk(spec, n, r.nextLong());
            List<RetentionEvent> ev = m.forward(st, archive, c, new float[n * 4]);
            for (RetentionEvent e : ev) {
                if (e.kind() == Kind.EVICTED) {
                    evicted++;
                    assertTrue(e.position() >= s.sinks(), () -> "sink evicted: " + e);
                }
                if (e.kind() == Kind.RETAINED) {
                    retainedEvents++;
                }
                if (e.kind() == Kind.ARCHIVE_DROPPED) {
                    assertTrue(e.position() >= s.sinks(), () -> "sink dropped: " + e);
                }
            }
            assertTrue(st.sinks().size() <= s.sinks(), () -> "sinks " + st.sinks().size());
            assertTrue(st.window().size() <= s.window() + s.block() - 1, () -> "window " + st.window().size());
            assertTrue(st.retained().size() <= s.retainedCap(), () -> "retained " + st.retained().size());
            assertTrue(st.recalled().size() <= s.archiveTopK(), () -> "recalled " + st.recalled().size());
            assertTrue(st.archivedCount() <= s.archiveCap(), () -> "archived " + st.archivedCount());
            assertEquals(st.archivedCount(), archive.size(), "archive index and store agree");
            assertTrue(st.compressed().used(0) <= s.compressedSlots());
            assertTrue(st.exactTokens() <= s.maxExactTokens(), () -> "exact tokens " + st.exactTokens());
            maxBytes = Math.max(maxBytes, st.bytes());
            // conservation: every token is a sink, in T0, in T1, or was evicted exactly once
            assertEquals(st.position(), st.sinks().size() + st.window().size() + st.retained().size() + evicted,
                    () -> "conservation at chunk " + chunkNo[0]);
            double folded = 0;
            for (double cnt : st.compressed().counts()) {
                folded += cnt;
            }
            assertEquals((double) evicted, folded, "every evicted token folded into T2 once");
            chunkNo[0]++;
        }
        assertEquals(total, st.position());
        Set<Long> sinkPositions = new HashSet<>();
        st.sinks().forEach(t -> sinkPositions.add(t.position()));
        assertEquals(Set.of(0L, 1L, 2L, 3L), sinkPositions, "the first s tokens are pinned");
        assertEquals(s.retainedCap(), st.retained().size(), "T1 is full after a long stream");
        assertEquals(s.compressedSlots(), st.compressed().used(0), "T2 is full after a long stream");
        assertEquals(s.archiveCap(), archive.size(), "T3 is full after a long stream");
        assertTrue(retainedEvents >= s.retainedCap() && evicted > total / 2, "both admissions and evictions happen: retained " + retainedEvents + " evicted " + evicted);
        // a bound on the state's size that does not grow with the stream
        long perToken = 8 + 4L * (4 + 4) + 4 + 4 + 4 + 8 + 8;
        long bound = 8 * 3 + 4L * m.cell().stateSize() + 8 * 4 + s.maxExactTokens() * perToken
                + 8L * (s.compressedSlots() * (1 + 4 + 4)) + 8L * s.archiveCap() + 16;
        assertTrue(maxBytes <= bound, "state bytes " + maxBytes + " <= " + bound);
    }

    @Test
    void sinksNeverEvictedEvenWithNoRetainedCapacity() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 4);
        RetentionSettings s = RetentionSettings.defaults(4).withTiers(5, 8, 4, 0, 0);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        RetentionState st = m.newState(1L);
        TokenChunk c = RandomInputs.chunk(spec, 500, 2);
        List<RetentionEvent> ev = m.forward(st, null, c, new float[500 * 8]);
        for (RetentionEvent e : ev) {
            if (e.position() < 5) {
                assertEquals(Kind.PINNED, e.kind(), "sink event " + e);
            } else {
                assertTrue(e.kind() == Kind.EVICTED, "with T1 cap 0 and no T2/T3 every other token is evicted: " + e);
                assertEquals(RetentionEvent.Tier.DROPPED, e.to());
            }
        }
        assertEquals(5, st.sinks().size());
        assertEquals(0, st.retained().size());
        assertEquals(500 - 5 - st.window().size(),
                ev.stream().filter(e -> e.kind() == Kind.EVICTED).count());
    }
}
