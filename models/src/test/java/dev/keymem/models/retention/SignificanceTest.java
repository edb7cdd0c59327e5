package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.retention.RetentionEvent.Kind;
import dev.keymem.models.retention.RetentionEvent.Tier;
import dev.keymem.models.testing.Float64Reference;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Probabilities follow the formula, decisions follow the draws and the ranking, innovation is M's error. */
class SignificanceTest {

    @Test
    void probabilityIsTheDocumentedSigmoid() {
        SignificanceWeights w = new SignificanceWeights(0.7, 3.0, -0.4, 1.3, -1.1, 100.0);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            Features f = new Features(r.nextDouble() * 20, r.nextDouble() * 2, r.nextInt(100000),
                    r.nextDouble() * 2 - 1, 1 + r.nextInt(500));
            double z = 0.7 * Math.log(1 + f.readSlots() * f.mass() / Math.max(1, f.age())) + 3.0 * f.innovation()
                    - 0.4 * Math.log(1 + f.age() / 100.0) + 1.3 * f.relevance() - 1.1;
            assertEquals(1 / (1 + Math.exp(-z)), w.probability(f), 1e-12);
            double zNoAge = z + 0.4 * Math.log(1 + f.age() / 100.0);
            assertEquals(1 / (1 + Math.exp(-zNoAge)), w.archiveScore(f), 1e-12);
        }
    }

    @Test
    void drawsAreUniformAndDependOnlyOnSeedAndPosition() {
        double sum = 0;
        int n = 100_000;
        for (int p = 0; p < n; p++) {
            double u = Draws.uniform(77L, p);
            assertTrue(u >= 0 && u < 1);
            sum += u;
        }
        assertEquals(0.5, sum / n, 0.01);
        assertEquals(Draws.uniform(3L, 12345L), Draws.uniform(3L, 12345L));
        assertTrue(Draws.uniform(3L, 12345L) != Draws.uniform(4L, 12345L));
    }

    @Test
    void eventsFollowFormulaDrawsAndRanking() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 8);
        RetentionSettings s = RetentionFixtures.small(8);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        TokenChunk stream = RetentionFixtures.stream(spec, 800, 4);
        RetentionState st = m.newState(31L);
        InMemoryArchiveStore ar = new InMemoryArchiveStore();
        int b = s.block();
        int retained = 0;
        int rankedOut = 0;
        int underCapacity = 0;
        int dropped = 0;
        for (int start = 0; start < 800; start += b) {
            List<RetentionEvent> ev = m.forward(st, ar, stream.slice(start, start + b), new float[b * 16]);
            double minKept = Double.POSITIVE_INFINITY;
            for (RetainedToken t : st.retained()) {
                minKept = Math.min(minKept, t.probability());
            }
            double minArchived = Double.POSITIVE_INFINITY;
            long[] ap = st.archivedPositions();
            double[] pp = st.archivedScores();
            for (int i = 0; i < ap.length; i++) {
                minArchived = Math.min(minArchived, pp[i]);
                assertEquals(ap[i], ar.get(ap[i]).position(), "index and archive agree");
            }
            for (RetentionEvent e : ev) {
                if (e.kind() == Kind.ARCHIVE_DROPPED) {
                    dropped++;
                    assertTrue(e.probability() <= minArchived, "dropped " + e + " above an archived p " + minArchived);
                }
                if (e.kind() != Kind.RETAINED && e.kind() != Kind.EVICTED) {
                    continue;
                }
                assertNotNull(e.features());
                assertEquals(s.weights().probability(e.features()), e.probability(), 0.0, "p of " + e);
                assertEquals(st.position() - e.position(), e.features().age());
                boolean drawn = !Double.isNaN(e.draw());
                if (drawn) {
                    assertEquals(Tier.WINDOW, e.from());
                    assertEquals(Draws.uniform(31L, e.position()), e.draw(), 0.0);
                } else if (e.from() == Tier.WINDOW) {
                    underCapacity++;
                }
                if (e.kind() == Kind.RETAINED) {
                    retained++;
                    assertTrue(!drawn || e.draw() < e.probability(), "retained only when u < p: " + e);
                } else if (e.from() == Tier.RETAINED || !drawn || e.draw() < e.probability()) {
                    // ranked out of T1: no kept token may have a lower probability
                    rankedOut++;
                    assertTrue(st.retained().size() == s.retainedCap() && e.probability() <= minKept,
                            "ranked out while a lower-p token stayed: " + e + " min kept " + minKept);
                }
            }
        }
        assertTrue(retained > 0 && rankedOut > 0 && underCapacity > 0 && dropped > 0,
                "retained " + retained + " ranked out " + rankedOut + " admitted without a draw " + underCapacity
                        + " dropped from T3 " + dropped);
    }

    @Test
    void innovationIsThePredictionErrorOfTheCellAtTheBlockStart() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 8);
        RetentionSettings s = RetentionFixtures.small(8).withArchive(0, 0);
        TieredRetention m = RetentionFixtures.model(spec, s, false);
        TokenChunk stream = RetentionFixtures.stream(spec, 16, 9);
        RetentionState st = m.newState(1L);
        m.forward(st, null, stream, new float[16 * 16]);
        // block 0 (positions 0..7) against the zero state; block 1 against the state after block 0
        Float64Reference.Result afterFirst = Float64Reference.run(CellKind.DELTA, 8, 2, 8, 8,
                stream.k(), stream.k(), stream.v(), stream.beta(), null, 1.0, false, null, null);
        for (RetainedToken t : st.window()) {
            int p = (int) t.position();
            double e = 0;
            for (int h = 0; h < 2; h++) {
                double err = 0;
                double vn = 0;
                for (int j = 0; j < 8; j++) {
                    double pred = 0;
                    if (p >= 8) {
                        for (int i = 0; i < 8; i++) {
                            pred += afterFirst.state()[h * 64 + i * 8 + j] * stream.k()[(p * 2 + h) * 8 + i];
                        }
                    }
                    double v = stream.v()[(p * 2 + h) * 8 + j];
                    err += (v - pred) * (v - pred);
                    vn += v * v;
                }
                e += Math.sqrt(err) / (Math.sqrt(vn) + 1e-6);
            }
            assertEquals(e / 2, t.innovation(), 1e-4 * Math.max(1, e / 2), "innovation of position " + p);
        }
    }
}
