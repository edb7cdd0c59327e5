package dev.keymem.models.bmojo;

import static dev.keymem.models.bmojo.BmojoHarness.asOracleEvents;
import static dev.keymem.models.bmojo.BmojoHarness.assertSeparated;
import static dev.keymem.models.bmojo.BmojoHarness.maxDiffRel;
import static dev.keymem.models.bmojo.BmojoHarness.oneChunk;
import static dev.keymem.models.bmojo.BmojoHarness.oracle;
import static dev.keymem.models.bmojo.BmojoHarness.randomCuts;
import static dev.keymem.models.bmojo.BmojoHarness.run;
import static dev.keymem.models.bmojo.BmojoHarness.thresholdInGap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.bmojo.BmojoHarness.Run;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.BmojoFloat64Reference;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The per-head archive cap of B'MOJO ({@link BmojoSettings#archiveCap()}): oracle, forms, chunking, drop rule. */
class BmojoArchiveCapTest {

    private static final CellKind[] MATRIX = {CellKind.LINEAR, CellKind.GATED_LINEAR, CellKind.DELTA,
            CellKind.GATED_DELTA};

    private static Bmojo reference(CellSpec spec, BmojoSettings s) {
        return new Bmojo(Cells.recurrent(spec), s);
    }

    private static Bmojo fast(CellSpec spec, BmojoSettings s) {
        return new Bmojo(Cells.chunked(spec, Backends.java()), s);
    }

    /** Capped settings: small eidetic store and archive so that evictions and drops are frequent. */
    private static List<BmojoSettings> capped(SplittableRandom r, int w, double[] innovations) {
        float tau = thresholdInGap(innovations);
        int cap = 1 + r.nextInt(3);
        int block = 3 + r.nextInt(6);
        int m = 1 + r.nextInt(Math.min(3, block));
        List<BmojoSettings> l = new ArrayList<>();
        l.add(BmojoSettings.fading(w).withCapacity(cap).withThreshold(tau).withRetrieval(1 + r.nextInt(3),
                1 + r.nextInt(8)).withArchiveCap(1 + r.nextInt(4)));
        l.add(BmojoSettings.fading(w).withCapacity(cap).withTopM(m, block).withRetrieval(1 + r.nextInt(3),
                1 + r.nextInt(8)).withArchiveCap(1 + r.nextInt(4)));
        return l;
    }

    private static long count(List<BmojoEvent> events, BmojoEvent.Type type) {
        return events.stream().filter(e -> e.type() == type).count();
    }

    /** Both forms with a small cap (drops happen) against the float64 oracle: outputs, events, final archive. */
    @Test
    void bothFormsMatchFloat64ReferenceWithDrops() {
        long seed = 500;
        long drops = 0;
        for (CellKind kind : MATRIX) {
            seed++;
            SplittableRandom r = new SplittableRandom(seed);
            int h = 1 + r.nextInt(3);
            int k = 4 + r.nextInt(5);
            int v = 3 + r.nextInt(5);
            int w = 1 + r.nextInt(6);
            int tokens = 200 + r.nextInt(100);
            CellSpec spec = CellSpec.of(kind, h, k, v, 8);
            TokenChunk in = RandomInputs.chunk(spec, tokens, seed * 7919);
            double[] innov = oracle(spec, in, BmojoSettings.fading(w)).innovations();
            for (BmojoSettings s : capped(r, w, innov)) {
                String what = kind + " H=" + h + " K=" + k + " V=" + v + " T=" + tokens + " " + s;
                BmojoFloat64Reference.Result want = oracle(spec, in, s);
                assertSeparated(want, what);
                Run ref = run(reference(spec, s), in, oneChunk(), false);
                Run fst = run(fast(spec, s), in, randomCuts(tokens, seed), true);
                assertTrue(maxDiffRel(ref.out(), want.out()) <= 1e-4, what + " reference: "
                        + maxDiffRel(ref.out(), want.out()));
                assertTrue(maxDiffRel(fst.out(), want.out()) <= 1e-4, what + " fast: "
                        + maxDiffRel(fst.out(), want.out()));
                assertEquals(want.events(), asOracleEvents(ref.events()), what + " reference events");
                assertEquals(want.events(), asOracleEvents(fst.events()), what + " fast events");
                for (int hd = 0; hd < h; hd++) {
                    assertTrue(ref.archive().size(hd) <= s.archiveCap(), what + " head " + hd);
                    assertEquals(positions(ref.archive().entries(hd)), positions(fst.archive().entries(hd)), what);
                }
                drops += count(ref.events(), BmojoEvent.Type.DROPPED);
            }
        }
        assertTrue(drops >= 50, "the inputs must exercise the cap: " + drops + " drops");
    }

    /** Reference form: bit-exact under random cuts, archive included; fast form: the same events and archive. */
    @Test
    void dropsAreChunkingInvariant() {
        CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 6, 5, 8);
        int T = 360;
        TokenChunk in = RandomInputs.chunk(spec, T, 47);
        double[] innov = oracle(spec, in, BmojoSettings.fading(4)).innovations();
        for (BmojoSettings s : capped(new SplittableRandom(5), 4, innov)) {
            Run a = run(reference(spec, s), in, oneChunk(), false);
            Run af = run(fast(spec, s), in, oneChunk(), true);
            assertTrue(count(a.events(), BmojoEvent.Type.DROPPED) > 5, s + ": drops expected");
            for (long seed = 0; seed < 3; seed++) {
                Run b = run(reference(spec, s), in, randomCuts(T, seed), false);
                assertArrayEquals(a.out(), b.out(), s.toString());
                assertEquals(a.events(), b.events(), s.toString());
                assertEquals(a.state(), b.state(), s.toString());
                Run bf = run(fast(spec, s), in, randomCuts(T, 20 + seed), true);
                assertTrue(maxDiffRel(bf.out(), af.out()) <= 1e-5, s + " " + maxDiffRel(bf.out(), af.out()));
                for (int h = 0; h < 2; h++) {
                    assertEquals(a.archive().entries(h), b.archive().entries(h), s.toString());
                    assertEquals(positions(a.archive().entries(h)), positions(bf.archive().entries(h)), s.toString());
                }
                assertEquals(types(a.events()), types(bf.events()), s.toString());
            }
        }
    }

    /**
     * The min of a capped head never decreases, so the final archive of a head is the archiveCap entries
     * of everything it was given that come last in the drop order, and every evicted entry not in it
     * was reported DROPPED exactly once.
     */
    @Test
    void archiveKeepsTheMostInnovativeEvictedEntries() {
        CellSpec spec = CellSpec.of(CellKind.DELTA, 3, 5, 4, 8);
        int T = 400;
        TokenChunk in = RandomInputs.chunk(spec, T, 53);
        BmojoSettings s = BmojoSettings.fading(3).withCapacity(2).withTopM(2, 5).withRetrieval(2, 7)
                .withArchiveCap(4);
        Run capped = run(fast(spec, s), in, randomCuts(T, 3), true);
        Run open = run(fast(spec, s.withArchiveCap(0)), in, randomCuts(T, 3), true);
        for (int h = 0; h < 3; h++) {
            List<EideticEntry> all = new ArrayList<>(open.archive().entries(h));
            assertTrue(all.size() > 3 * s.archiveCap(), "head " + h + " must evict well past the cap: " + all.size());
            all.sort((x, y) -> EideticArchive.dropsBefore(x, y) ? -1 : EideticArchive.dropsBefore(y, x) ? 1 : 0);
            List<EideticEntry> kept = new ArrayList<>(all.subList(all.size() - s.archiveCap(), all.size()));
            kept.sort(Comparator.comparingLong(EideticEntry::position));
            assertEquals(positions(kept), positions(capped.archive().entries(h)), "head " + h);
            final int hd = h;
            List<Long> dropped = capped.events().stream()
                    .filter(e -> e.type() == BmojoEvent.Type.DROPPED && e.head() == hd).map(BmojoEvent::position)
                    .sorted().toList();
            List<Long> want = new ArrayList<>(positions(all.subList(0, all.size() - s.archiveCap())));
            Collections.sort(want);
            assertEquals(want, dropped, "head " + h + " drops");
        }
    }

    /** A cap lowered between calls (a restart with a smaller option) shrinks each head to the new cap, keeping the best. */
    @Test
    void aLoweredCapShrinksTheArchive() {
        CellSpec spec = CellSpec.of(CellKind.GATED_LINEAR, 2, 4, 4, 8);
        int T = 400;
        TokenChunk in = RandomInputs.chunk(spec, T, 59);
        BmojoSettings wide = BmojoSettings.fading(2).withCapacity(1).withTopM(2, 4).withRetrieval(1, 5)
                .withArchiveCap(12);
        Bmojo first = reference(spec, wide);
        Bmojo second = reference(spec, wide.withArchiveCap(3));
        BmojoState st = first.newState();
        InMemoryEideticArchive archive = new InMemoryEideticArchive();
        first.forwardReference(st, archive, in.slice(0, 250), new float[250 * 2 * 4]);
        assertEquals(12, archive.size(0), "the first half fills the wide cap");
        BmojoReport rep = second.forwardReference(st, archive, in.slice(250, T), new float[150 * 2 * 4]);
        assertTrue(count(rep.events(), BmojoEvent.Type.DROPPED) > 2 * (12 - 3));
        Run open = run(reference(spec, wide.withArchiveCap(0)), in, oneChunk(), false);
        for (int h = 0; h < 2; h++) {
            List<EideticEntry> all = new ArrayList<>(open.archive().entries(h));
            all.sort((x, y) -> EideticArchive.dropsBefore(x, y) ? -1 : EideticArchive.dropsBefore(y, x) ? 1 : 0);
            List<EideticEntry> kept = new ArrayList<>(all.subList(all.size() - 3, all.size()));
            kept.sort(Comparator.comparingLong(EideticEntry::position));
            assertEquals(positions(kept), positions(archive.entries(h)), "head " + h);
        }
    }

    /** lowest() picks the lowest innovation, ties the older, whatever the insertion order; remove() keeps nearest() right. */
    @Test
    void lowestAndRemoveFollowTheDropOrder() {
        SplittableRandom r = new SplittableRandom(9);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(30);
            List<EideticEntry> es = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float innov = r.nextInt(5); // many ties
                es.add(new EideticEntry(1, 3L * i + r.nextInt(3), innov, floats(r, 3),
                        new float[] {i}));
            }
            EideticEntry want = es.stream().min(Comparator.comparingDouble(EideticEntry::innovation)
                    .thenComparingLong(EideticEntry::position)).orElseThrow();
            Collections.shuffle(es, new java.util.Random(r.nextLong()));
            InMemoryEideticArchive a = new InMemoryEideticArchive();
            List<EideticEntry> plainList = new ArrayList<>();
            EideticArchive plain = new EideticArchive() {
                @Override
                public void put(EideticEntry e) {
                    plainList.add(e);
                }

                @Override
                public void forEach(int head, Consumer<EideticEntry> visitor) {
                    plainList.stream().filter(e -> e.head() == head).forEach(visitor);
                }

                @Override
                public long size() {
                    return plainList.size();
                }
            };
            es.forEach(a::put);
            es.forEach(plain::put);
            assertSame(want, a.lowest(1));
            assertSame(want, plain.lowest(1));
            assertEquals(n, a.size(1));
            assertEquals(n, plain.size(1));
            assertEquals(0, a.size(0));
            a.remove(1, want.position());
            assertEquals(n - 1, a.size(1));
            assertEquals(n - 1, a.size());
            List<EideticEntry> rest = new ArrayList<>(es);
            rest.remove(want);
            float[] q = floats(r, 3);
            List<EideticEntry> expect = new ArrayList<>(rest);
            expect.sort((x, y) -> {
                double sx = EideticArchive.score(q, 0, x.key());
                double sy = EideticArchive.score(q, 0, y.key());
                return sx != sy ? Double.compare(sy, sx) : Long.compare(x.position(), y.position());
            });
            assertEquals(expect.subList(0, Math.min(4, expect.size())), a.nearest(1, q, 0, 4), "trial " + trial);
            long pos = want.position();
            assertThrows(IllegalStateException.class, () -> a.remove(1, pos));
        }
        EideticArchive noRemove = new EideticArchive() {
            @Override
            public void put(EideticEntry e) {
            }

            @Override
            public void forEach(int head, Consumer<EideticEntry> visitor) {
            }

            @Override
            public long size() {
                return 0;
            }
        };
        assertThrows(UnsupportedOperationException.class, () -> noRemove.remove(0, 0));
    }

    @Test
    void settingsValidateTheCap() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BmojoSettings.defaults().withArchiveCap(-1));
        assertTrue(e.getMessage().contains("archiveCap"), e.getMessage());
        assertEquals(BmojoSettings.DEFAULT_ARCHIVE_CAP, BmojoSettings.defaults().archiveCap());
        assertEquals(0, new BmojoSettings(64, 64, BmojoSettings.Admission.TOP_M, 0f, 4, 64, 4, 64).archiveCap(),
                "the constructor without a cap keeps the archive unbounded");
        assertEquals(BmojoSettings.defaults(), new BmojoSettings(64, 64, BmojoSettings.Admission.TOP_M, 0f, 4, 64, 4,
                64, 2048));
        assertEquals(7, BmojoSettings.defaults().withArchiveCap(7).withWindow(3).withTopM(1, 2).withCapacity(2)
                .withRetrieval(1, 1).withThreshold(0.5f).archiveCap());
    }

    private static float[] floats(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static List<Long> positions(List<EideticEntry> es) {
        return es.stream().map(EideticEntry::position).toList();
    }

    private static List<String> types(List<BmojoEvent> es) {
        return es.stream().map(e -> e.type() + "@" + e.step() + "/" + e.head() + "/" + e.position()).toList();
    }
}
