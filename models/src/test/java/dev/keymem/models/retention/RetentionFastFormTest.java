package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.testing.Float64Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast (segment) form {@link TieredRetention#forward} against the token-by-token
 * {@link TieredRetention#forwardReference} and a float64 oracle, on random shapes, settings and cuts.
 */
class RetentionFastFormTest {

    /** Random tier settings for key dim d, every feature possibly on. */
    private static RetentionSettings randomSettings(SplittableRandom r, int d) {
        int block = 1 + r.nextInt(8);
        int window = block + r.nextInt(12);
        int archiveCap = r.nextBoolean() ? 0 : 5 + r.nextInt(20);
        int topK = archiveCap == 0 ? 0 : r.nextInt(4);
        return RetentionSettings.defaults(d).withTiers(r.nextInt(4), window, block, r.nextInt(15), r.nextInt(5))
                .withArchive(archiveCap, topK);
    }

    private static RetentionFixtures.Run runReference(TieredRetention m, TokenChunk stream, long seed) {
        RetentionState st = m.newState(seed);
        InMemoryArchiveStore archive = new InMemoryArchiveStore();
        float[] out = new float[stream.length() * stream.heads() * stream.valueDim()];
        List<RetentionEvent> events = m.forwardReference(st, archive, stream, out);
        return new RetentionFixtures.Run(out, events, st, archive);
    }

    @Test
    void fastEqualsReferenceOnRandomShapesAndCuts() {
        SplittableRandom r = new SplittableRandom(2024);
        CellKind[] kinds = {CellKind.DELTA, CellKind.GATED_DELTA, CellKind.LINEAR};
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int trial = 0; trial < 12; trial++) {
            int h = 1 + r.nextInt(3);
            int d = 4 << r.nextInt(3);
            CellSpec spec = RetentionFixtures.spec(kinds[trial % kinds.length], h, d);
            RetentionSettings s = randomSettings(r, d);
            TieredRetention m = RetentionFixtures.model(spec, s, true);
            int len = 150 + r.nextInt(250);
            TokenChunk stream = RetentionFixtures.stream(spec, len, 100 + trial);
            String what = "trial " + trial + " H=" + h + " D=" + d + " " + s;
            RetentionFixtures.Run ref = runReference(m, stream, trial);
            RetentionFixtures.Run whole = RetentionFixtures.run(m, stream, new int[0], trial);
            RetentionFixtures.Run cut = RetentionFixtures.run(m, stream,
                    RetentionFixtures.randomCuts(len, 1 + r.nextInt(20), trial), trial);
            double err = Float64Reference.relError(whole.out(), toDouble(ref.out()));
            assertTrue(err <= 1e-5, "fast vs reference outputs, " + what + ": " + err);
            assertSameDecisions(ref, whole, what);
            for (RetentionEvent e : ref.events()) {
                seen.add(e.kind() + (Double.isNaN(e.draw()) ? "" : "+draw"));
            }
            // the fast form itself does not depend on the cuts, bitwise
            assertArrayEquals(whole.out(), cut.out(), "fast outputs under cuts, " + what);
            assertEquals(whole.events(), cut.events(), "fast events under cuts, " + what);
            assertEquals(whole.state(), cut.state(), "fast state under cuts, " + what);
            assertEquals(whole.archive(), cut.archive(), "fast archive under cuts, " + what);
        }
        assertTrue(seen.containsAll(List.of("EVICTED+draw", "RETAINED+draw", "COMPRESSED", "ARCHIVE_DROPPED",
                "PINNED")), "the random streams exercise every decision: " + seen);
    }

    @Test
    void fastReadsAndMassesMatchTheFloat64OracleWithinABlock() {
        int h = 2;
        int d = 8;
        CellSpec spec = RetentionFixtures.spec(CellKind.GATED_DELTA, h, d);
        RetentionSettings s = RetentionFixtures.small(d);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        TokenChunk stream = RetentionFixtures.stream(spec, 400, 71);
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 6; trial++) {
            int start = 200 + 8 * r.nextInt(20) + r.nextInt(4); // inside a block; the segment stays in it
            int c = 1 + r.nextInt(8 - start % 8 - 1);
            RetentionState st = m.newState(1L);
            InMemoryArchiveStore ar = new InMemoryArchiveStore();
            m.forward(st, ar, stream.slice(0, start), new float[start * h * d]);
            RetentionState before = st.copy();
            TokenChunk seg = stream.slice(start, start + c);
            float[] out = new float[c * h * d];
            assertTrue(m.forward(st, ar, seg, out).isEmpty(), "no block closes inside the segment");
            // oracle per query over the tiers as the query saw them
            double[] ref = new double[c * h * d];
            java.util.Map<Long, Double> mass = new java.util.HashMap<>();
            for (int t = 0; t < c; t++) {
                long p = start + t;
                List<RetainedToken> massed = new ArrayList<>(st.sinks());
                for (RetainedToken w : st.window()) {
                    if (w.position() <= p) {
                        massed.add(w);
                    }
                }
                massed.addAll(st.retained());
                List<RetainedToken> all = new ArrayList<>(massed);
                all.addAll(st.recalled());
                List<double[]> weights = new ArrayList<>();
                double[] o = RetentionFixtures.unionOracle(all, st.compressed(), s.scale(), seg.q(), t * h * d, h, d, weights);
                System.arraycopy(o, 0, ref, t * h * d, h * d);
                for (int i = 0; i < massed.size(); i++) {
                    if (massed.get(i).position() < p) {
                        double add = 0;
                        for (double[] w : weights) {
                            add += w[i];
                        }
                        mass.merge(massed.get(i).position(), add / h, Double::sum);
                    }
                }
            }
            double err = Float64Reference.relError(out, ref);
            assertTrue(err <= 1e-4, "fast read vs float64 oracle, trial " + trial + ": " + err);
            java.util.Map<Long, Double> massBefore = new java.util.HashMap<>();
            for (List<RetainedToken> l : List.of(before.sinks(), before.window(), before.retained())) {
                l.forEach(x -> massBefore.put(x.position(), x.mass()));
            }
            for (List<RetainedToken> l : List.of(st.sinks(), st.window(), st.retained())) {
                for (RetainedToken x : l) {
                    double got = x.mass() - massBefore.getOrDefault(x.position(), 0.0);
                    assertEquals(mass.getOrDefault(x.position(), 0.0), got, 1e-6,
                            "mass of position " + x.position() + ", trial " + trial);
                }
            }
        }
    }

    @Test
    void aBlockedBackendStillMatchesTheReference() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, 2, 16);
        RetentionSettings s = RetentionFixtures.small(16);
        TieredRetention ref = RetentionFixtures.model(spec, s, true);
        TieredRetention fast = new TieredRetention(Cells.chunked(spec, Backends.java()), s, Backends.java());
        TokenChunk stream = RetentionFixtures.stream(spec, 300, 13);
        RetentionFixtures.Run a = runReference(ref, stream, 3L);
        RetentionFixtures.Run b = RetentionFixtures.run(fast, stream, RetentionFixtures.randomCuts(300, 12, 3), 3L);
        assertTrue(Float64Reference.relError(b.out(), toDouble(a.out())) <= 1e-5, "outputs, backend "
                + Backends.java().name());
        assertSameDecisions(a, b, "backend " + Backends.java().name());
    }

    /** Same events (kinds, positions, tiers, slots, draws exactly; probabilities and features within 1e-5), same final tiers. */
    static void assertSameDecisions(RetentionFixtures.Run ref, RetentionFixtures.Run fast, String what) {
        assertEquals(ref.events().size(), fast.events().size(), "event count, " + what);
        for (int i = 0; i < ref.events().size(); i++) {
            RetentionEvent a = ref.events().get(i);
            RetentionEvent b = fast.events().get(i);
            String at = "event " + i + " (" + a + " vs " + b + "), " + what;
            assertTrue(a.position() == b.position() && a.kind() == b.kind() && a.from() == b.from()
                    && a.to() == b.to() && a.blockEnd() == b.blockEnd()
                    && java.util.Arrays.equals(a.slots(), b.slots()), at);
            assertEquals(Double.doubleToLongBits(a.draw()), Double.doubleToLongBits(b.draw()), at);
            assertClose(a.probability(), b.probability(), at);
            assertEquals(a.features() == null, b.features() == null, at);
            if (a.features() != null) {
                assertClose(a.features().mass(), b.features().mass(), at);
                assertEquals(a.features().innovation(), b.features().innovation(), 0.0, at);
                assertEquals(a.features().age(), b.features().age(), at);
                assertEquals(a.features().relevance(), b.features().relevance(), 0.0, at);
            }
        }
        RetentionState x = ref.state();
        RetentionState y = fast.state();
        assertEquals(x.position(), y.position(), what);
        assertEquals(x.cell(), y.cell(), "innovation cell state, " + what);
        assertArrayEquals(x.blockQuerySum(), y.blockQuerySum(), what);
        assertEquals(x.compressed(), y.compressed(), "T2, " + what);
        assertArrayEquals(x.archivedPositions(), y.archivedPositions(), what);
        assertEquals(ref.archive().size(), fast.archive().size(), what);
        List<List<RetainedToken>> tx = List.of(x.sinks(), x.window(), x.retained(), x.recalled());
        List<List<RetainedToken>> ty = List.of(y.sinks(), y.window(), y.retained(), y.recalled());
        for (int l = 0; l < tx.size(); l++) {
            assertEquals(tx.get(l).size(), ty.get(l).size(), "tier " + l + " size, " + what);
            for (int i = 0; i < tx.get(l).size(); i++) {
                RetainedToken a = tx.get(l).get(i);
                RetainedToken b = ty.get(l).get(i);
                String at = "tier " + l + " entry " + i + ", " + what;
                assertEquals(a.position(), b.position(), at);
                assertArrayEquals(a.k(), b.k(), at);
                assertArrayEquals(a.v(), b.v(), at);
                assertEquals(Float.floatToIntBits(a.innovation()), Float.floatToIntBits(b.innovation()), at);
                assertClose(a.mass(), b.mass(), at + " mass");
                assertClose(a.probability(), b.probability(), at + " probability");
            }
        }
    }

    private static void assertClose(double a, double b, String what) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            assertEquals(Double.isNaN(a), Double.isNaN(b), what);
            return;
        }
        assertEquals(a, b, 1e-5 * Math.max(1.0, Math.abs(a)), what);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
