package dev.keymem.models.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventMemoryTest {

    /** Zipf-ish terms over a small vocabulary, 3..12 per event. */
    static int[] terms(SplittableRandom r, int vocab) {
        int n = 3 + r.nextInt(10);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = (int) Math.floor(Math.pow(vocab, r.nextDouble()));
        }
        return t;
    }

    private static EventSettings lexicalOnly() {
        return EventSettings.defaults().withTiers(0, 0, 0)
                .withWeights(new EventSettings.Weights(1, 0, 0, 0, 0));
    }

    @Test
    void lexicalPartRanksLikeWholeHistoryBm25() {
        SplittableRandom r = new SplittableRandom(3);
        EventMemory m = new EventMemory(lexicalOnly());
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        Bm25 bm25 = new Bm25();
        for (int i = 0; i < 400; i++) {
            int[] t = terms(r, 300);
            m.write(st, store, t, null, null);
            bm25.add(t);
        }
        int compared = 0;
        for (int q = 0; q < 50; q++) {
            int[] qt = terms(r, 300);
            List<EventHit> hits = m.query(st, store, qt, null, 10).hits();
            int[] expected = bm25.top(qt, 10);
            for (int i = 0; i < hits.size(); i++) {
                if (hits.get(i).lexical() > 0) {
                    assertEquals(expected[i], hits.get(i).position(), "query " + q + " rank " + i);
                    compared++;
                }
            }
        }
        assertTrue(compared > 200, "compared " + compared);
    }

    @Test
    void everyTierAnswersAndTheArchiveCapDropsTheOldest() {
        EventSettings s = EventSettings.defaults().withCaps(256, 0);
        EventMemory m = new EventMemory(s);
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(5);
        // A rare fact early, then filler over a small vocabulary.
        m.write(st, store, new int[] {100_001, 100_002, 100_003}, null, "fact".getBytes());
        for (int i = 0; i < 1000; i++) {
            m.write(st, store, terms(r, 50), null, ("filler " + i).getBytes());
        }
        assertEquals(256, store.archivedCount());
        // The fact left the archive but the eidetic tier (most innovative events) kept it.
        List<EventHit> hits = m.query(st, store, new int[] {100_002}, null, 3).hits();
        assertEquals(0, hits.get(0).position());
        assertArrayEquals("fact".getBytes(), hits.get(0).payload());
        assertTrue((hits.get(0).tiers() & EventHit.EIDETIC) != 0);
        // The most recent event is in the window.
        EventMemory.Answer a = m.query(st, store, new int[] {7}, null, 1000);
        assertTrue(a.hits().stream().anyMatch(h -> h.position() == 1000 && (h.tiers() & EventHit.WINDOW) != 0));
    }

    @Test
    void rowsTouchedPerEventDoNotGrowWithTheHistory() {
        EventMemory m = new EventMemory(EventSettings.defaults());
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(9);
        int[] probe = {1, 2, 3, 4, 5};
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            if (i == 100 || i == 19_999) {
                EventWrite w = m.write(st, store, probe, null, null);
                rows.add(w.rowsRead() + w.rowsWritten() - (w.admitted() ? 1 : 0) - (w.segmentClosed() >= 0 ? 1 : 0));
            } else {
                m.write(st, store, terms(r, 1000), null, null);
            }
        }
        assertEquals(rows.get(0), rows.get(1));
        assertEquals(EventMemory.class, m.getClass());
    }

    @Test
    void sameEventsGiveSameAnswersBitForBit() {
        List<List<EventHit>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            EventMemory m = new EventMemory(EventSettings.defaults());
            EventState st = m.newState();
            InMemoryEventStore store = new InMemoryEventStore();
            SplittableRandom r = new SplittableRandom(11);
            for (int i = 0; i < 700; i++) {
                m.write(st, store, terms(r, 200), null, new byte[] {(byte) i});
            }
            runs.add(m.query(st, store, terms(r, 200), null, 10).hits());
        }
        assertEquals(runs.get(0).size(), runs.get(1).size());
        for (int i = 0; i < runs.get(0).size(); i++) {
            assertEquals(runs.get(0).get(i).position(), runs.get(1).get(i).position());
            assertEquals(Double.doubleToLongBits(runs.get(0).get(i).score()),
                    Double.doubleToLongBits(runs.get(1).get(i).score()));
        }
    }

    @Test
    void settingsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> EventSettings.defaults().withCaps(10, 0));
        assertThrows(IllegalArgumentException.class, () -> EventSettings.Weights.parse("1,2"));
        assertThrows(IllegalArgumentException.class, () -> EventSettings.Weights.parse("1,-1,0,0,0"));
        EventMemory m = new EventMemory(EventSettings.defaults());
        assertThrows(IllegalArgumentException.class,
                () -> m.write(m.newState(), new InMemoryEventStore(), new int[] {1}, new float[3], null));
    }

    /** The fast projection (transposed, zeros skipped) equals the row-major reference bit for bit. */
    @Test
    void sparseProjectionEqualsReferenceBitForBit() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        EventMemory m = new EventMemory(EventSettings.defaults());
        java.lang.reflect.Method fast = EventMemory.class.getDeclaredMethod("project", float[].class);
        fast.setAccessible(true);
        int d = EventSettings.defaults().dimension();
        for (int trial = 0; trial < 2000; trial++) {
            float[] x = new float[d];
            int density = trial % 4;
            for (int j = 0; j < d; j++) {
                boolean set = density == 0 ? r.nextInt(20) == 0 : density == 1 ? r.nextInt(3) == 0 : density == 2;
                if (set) {
                    x[j] = trial % 7 == 0 ? (r.nextBoolean() ? -0f : 0f) : (float) (r.nextDouble() * 2 - 1);
                }
            }
            if (trial % 5 == 0) {
                x = EventMemory.unit(EventMemory.hashVector(terms(r, 500), d));
            }
            float[] a = (float[]) fast.invoke(m, (Object) x);
            float[] b = m.projectReference(x);
            assertEquals(b.length, a.length);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "trial " + trial + " i " + i);
            }
        }
    }

    /** The fused fading write equals the recurrent gated_delta cell's state bit for bit, over many tokens. */
    @Test
    void fadingWriteEqualsTheCellBitForBit() {
        SplittableRandom r = new SplittableRandom(5);
        for (EventSettings set : List.of(EventSettings.defaults(), new EventSettings(16, 8, 0.7f, 0.9f, 32, 64, 64, 2, 512, 1024, 0, 0, 1.2, 0.75,
                EventSettings.Weights.defaults(), 3L), new EventSettings(16, 7, 0.7f, 0.9f, 32, 64, 64, 2, 512, 1024, 0, 0,
                1.2, 0.75, EventSettings.Weights.defaults(), 3L))) { // d_c = 7: the passes' remainder loops too
            EventMemory m = new EventMemory(set);
            EventState a = m.newState();
            EventState b = m.newState();
            int dc = set.cellDim();
            for (int t = 0; t < 500; t++) {
                float[] k = new float[dc];
                for (int i = 0; i < dc; i++) {
                    k[i] = r.nextInt(4) == 0 ? 0f : (float) (r.nextDouble() * 2 - 1);
                }
                k = EventMemory.unit(k);
                m.fadingWriteFast(a.cell(), k);
                m.fadingWriteReference(b.cell(), k);
                assertEquals(b.cell().position(), a.cell().position());
                float[] sa = a.cell().data();
                float[] sb = b.cell().data();
                for (int i = 0; i < sa.length; i++) {
                    assertEquals(Float.floatToRawIntBits(sb[i]), Float.floatToRawIntBits(sa[i]), "token " + t + " i " + i);
                }
            }
        }
    }

    /** The tier names from the table equal the names made from the bits, every combination (and bits above). */
    @Test
    void tierNamesEqualTheirReference() {
        for (int t = 0; t < 64; t++) {
            assertEquals(EventHit.tierNamesReference(t), EventHit.tierNames(t), "tiers " + t);
        }
        assertEquals("window+lexical", EventHit.tierNames(EventHit.WINDOW | EventHit.LEXICAL));
        assertEquals("", EventHit.tierNames(0));
    }

    /**
     * Runs of fading writes with each write's second pass and the next one's first pass together
     * ({@code fadingWrites}) leave the state writing them one at a time leaves, bit for bit: runs of 1 to 40
     * writes on a state carried from run to run, d_c = 32 and 8 and 7 (the remainder rows), zero components too.
     */
    @Test
    void runsOfFadingWritesEqualOneAtATimeBitForBit() {
        SplittableRandom r = new SplittableRandom(29);
        for (EventSettings set : List.of(EventSettings.defaults(), new EventSettings(16, 8, 0.7f, 0.9f, 32, 64, 64, 2, 512, 1024, 0, 0, 1.2, 0.75,
                EventSettings.Weights.defaults(), 3L), new EventSettings(16, 7, 0.7f, 0.9f, 32, 64, 64, 2, 512, 1024, 0, 0,
                1.2, 0.75, EventSettings.Weights.defaults(), 3L))) {
            EventMemory m = new EventMemory(set);
            EventState a = m.newState();
            EventState b = m.newState();
            int dc = set.cellDim();
            int fused = 0;
            for (int run = 0; run < 120; run++) {
                int n = 1 + r.nextInt(run % 3 == 0 ? 40 : 6);
                float[] keys = new float[n * dc];
                for (int t = 0; t < n; t++) {
                    float[] k = new float[dc];
                    for (int i = 0; i < dc; i++) {
                        k[i] = r.nextInt(4) == 0 ? 0f : (float) (r.nextDouble() * 2 - 1);
                    }
                    System.arraycopy(EventMemory.unit(k), 0, keys, t * dc, dc);
                }
                m.fadingWritesFast(a.cell(), keys, n);
                m.fadingWritesReference(b.cell(), keys, n);
                fused += n > 1 ? 1 : 0;
                assertEquals(b.cell().position(), a.cell().position());
                float[] sa = a.cell().data();
                float[] sb = b.cell().data();
                for (int i = 0; i < sa.length; i++) {
                    assertEquals(Float.floatToRawIntBits(sb[i]), Float.floatToRawIntBits(sa[i]), "run " + run + " i " + i);
                }
            }
            assertTrue(fused > 60, "runs of several writes: " + fused);
        }
    }

    /**
     * A candidate's dense and read parts from its nonzero components (kept across queries), or over the
     * query's listed components where those are fewer, equal the dense loops'.
     */
    @Test
    void sparseCandidatePartsEqualDenseBitForBit() {
        SplittableRandom r = new SplittableRandom(17);
        int shorterQuery = 0; // trials where the dense part loops over the query's components
        EventMemory m = new EventMemory(EventSettings.defaults());
        int d = EventSettings.defaults().dimension();
        for (int trial = 0; trial < 3000; trial++) {
            float[] v = EventMemory.unit(EventMemory.hashVector(terms(r, 500), d));
            if (trial % 3 == 0) {
                for (int j = 0; j < d; j++) {
                    v[j] = r.nextInt(4) == 0 ? (float) (r.nextDouble() * 2 - 1) : 0f;
                }
                v = EventMemory.unit(v);
            }
            byte[] q8 = new byte[d];
            float scale = EventMemory.quantize(v, q8);
            EventEntry e = new EventEntry(trial, new int[0], new int[0], 0, q8, scale, 0f, new byte[0]);
            float[] x = EventMemory.unit(EventMemory.hashVector(terms(r, 500), d));
            if (trial % 4 == 1) { // a one-word query
                x = EventMemory.unit(EventMemory.hashVector(new int[] {r.nextInt(500)}, d));
            }
            if (trial % 7 == 2) { // -0.0 components are listed too (their products are zeros)
                for (int j = r.nextInt(8); j < d; j += 1 + r.nextInt(16)) {
                    if (x[j] == 0f) {
                        x[j] = -0f;
                    }
                }
            }
            int xListed = 0;
            int vNonzero = 0;
            for (int j = 0; j < d; j++) {
                xListed += Float.floatToRawIntBits(x[j]) != 0 ? 1 : 0;
                vNonzero += q8[j] != 0 ? 1 : 0;
            }
            if (xListed < vNonzero) {
                shorterQuery++;
            }
            float[] read = trial % 5 == 0 ? null : new float[EventSettings.defaults().cellDim()];
            if (read != null) {
                for (int i = 0; i < read.length; i++) {
                    read[i] = (float) (r.nextDouble() * 2 - 1);
                }
            }
            for (int again = 0; again < 2; again++) { // the second time from what the first kept
                double[] fast = m.candidateParts(x, read, e, false);
                double[] ref = m.candidateParts(x, read, e, true);
                for (int i = 0; i < 2; i++) {
                    assertEquals(Double.doubleToRawLongBits(ref[i]), Double.doubleToRawLongBits(fast[i]),
                            "trial " + trial + " part " + i);
                }
            }
        }
        assertTrue(shorterQuery > 1000 && shorterQuery < 2900, "trials over the query's components: " + shorterQuery);
    }

    /**
     * A candidate's derived values in one loop equal the reference's two (nonzero components, values, and their
     * sum of squares bit for bit), over dense, sparse and empty byte vectors, listed indices that include zero
     * bytes, scales that make products underflow to zero, zero, negative and non-finite scales, and no list (all
     * components).
     */
    @Test
    void derivedValuesEqualTheReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(43);
        for (int trial = 0; trial < 3000; trial++) {
            int d = 1 + r.nextInt(300);
            byte[] q = new byte[d];
            int kind = trial % 4;
            List<Integer> among = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                boolean on = kind == 0 ? r.nextInt(10) == 0 : kind == 1 || r.nextBoolean();
                if (on) {
                    q[j] = (byte) (r.nextInt(255) - 127);
                }
                if (q[j] != 0 || r.nextInt(4) == 0) {
                    among.add(j);
                }
            }
            float scale = switch (trial % 5) {
                case 0 -> Float.MIN_VALUE; // most products are subnormal or zero
                case 1 -> 1e-40f;
                default -> (float) (r.nextDouble() / 127);
            };
            if (trial % 11 == 5) {
                // scales no stored entry has: zero, negative (zero bytes give -0.0), not finite
                float[] odd = {0f, -0f, -scale, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
                scale = odd[trial % odd.length];
            }
            int[] listed = trial % 7 == 0 ? null : among.stream().mapToInt(Integer::intValue).toArray();
            Object[] fast = EventMemory.derivedValuesForTests(q, scale, listed, false);
            Object[] ref = EventMemory.derivedValuesForTests(q, scale, listed, true);
            String at = "trial " + trial;
            assertArrayEquals((int[]) ref[0], (int[]) fast[0], at);
            float[] fv = (float[]) fast[1];
            float[] rv = (float[]) ref[1];
            assertEquals(rv.length, fv.length, at);
            for (int k = 0; k < rv.length; k++) {
                assertEquals(Float.floatToRawIntBits(rv[k]), Float.floatToRawIntBits(fv[k]), at + " k " + k);
            }
            assertEquals(Double.doubleToRawLongBits((double) ref[2]), Double.doubleToRawLongBits((double) fast[2]), at);
        }
    }

    /**
     * A dense vector's values (every byte visited, as the entry of a write whose vector lists no components
     * keeps them) made without a branch per byte equal the reference's bit for bit: D = 256 and short lengths,
     * every density, and scales whose products are subnormal, negative (zero bytes give -0.0) or overflow to
     * infinity; a zero scale and scales that are not finite (the reference's) are in the cases too.
     */
    @Test
    void denseDerivedValuesWithoutABranchEqualTheReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(2027);
        float[] scales = {Float.MIN_VALUE, 1e-40f, 1e-45f * 3, 0f, -0f, -1f / 127, Float.MAX_VALUE / 100,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int trial = 0; trial < 6000; trial++) {
            int d = trial % 3 == 0 ? 256 : 1 + r.nextInt(40);
            byte[] q = new byte[d];
            int density = trial % 5;
            for (int j = 0; j < d; j++) {
                boolean on = density == 0 ? r.nextInt(10) == 0 : density == 1 || (density == 2 ? r.nextBoolean()
                        : density == 3 ? r.nextInt(10) != 0 : j % 4 == trial % 4);
                if (on) {
                    q[j] = (byte) (r.nextInt(255) - 127);
                }
            }
            float scale = trial % 4 == 0 ? scales[(trial / 4) % scales.length] : (float) (r.nextDouble() / 127);
            Object[] fast = EventMemory.derivedValuesForTests(q, scale, null, false);
            Object[] ref = EventMemory.derivedValuesForTests(q, scale, null, true);
            String at = "trial " + trial + " scale " + scale;
            assertArrayEquals((int[]) ref[0], (int[]) fast[0], at);
            float[] fv = (float[]) fast[1];
            float[] rv = (float[]) ref[1];
            assertEquals(rv.length, fv.length, at);
            for (int k = 0; k < rv.length; k++) {
                assertEquals(Float.floatToRawIntBits(rv[k]), Float.floatToRawIntBits(fv[k]), at + " k " + k);
            }
            assertEquals(Double.doubleToRawLongBits((double) ref[2]), Double.doubleToRawLongBits((double) fast[2]), at);
        }
    }

    /** unit, quantize and project over the nonzero components equal the dense loops bit for bit. */
    @Test
    void unitQuantizeProjectOverNonzerosEqualDenseBitForBit() throws Exception {
        SplittableRandom r = new SplittableRandom(23);
        EventMemory m = new EventMemory(EventSettings.defaults());
        java.lang.reflect.Method dense = EventMemory.class.getDeclaredMethod("project", float[].class);
        dense.setAccessible(true);
        int d = EventSettings.defaults().dimension();
        for (int trial = 0; trial < 3000; trial++) {
            float[] v = new float[d];
            int density = trial % 4;
            for (int j = 0; j < d; j++) {
                boolean set = density == 0 ? r.nextInt(20) == 0 : density == 1 ? r.nextInt(3) == 0 : density == 2;
                if (set) {
                    v[j] = trial % 7 == 0 ? (r.nextBoolean() ? -0f : 0f) : (float) (r.nextDouble() * 2 - 1);
                }
            }
            if (trial % 5 == 0) {
                v = EventMemory.hashVector(terms(r, 500), d);
            }
            if (trial % 11 == 0) {
                v[r.nextInt(d)] = 1e-44f; // subnormal: its square is 0
            }
            EventMemory.Unit u = m.unitOf(v, true);
            float[] ref = EventMemory.unit(v);
            for (int i = 0; i < d; i++) {
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(u.x()[i]), "trial " + trial + " i " + i);
            }
            byte[] qa = new byte[d];
            byte[] qb = new byte[d];
            assertEquals(Float.floatToRawIntBits(EventMemory.quantize(ref, qb)),
                    Float.floatToRawIntBits(EventMemory.quantize(u, qa)), "trial " + trial);
            assertArrayEquals(qb, qa, "trial " + trial);
            float[] pa = m.project(u);
            float[] pb = (float[]) dense.invoke(m, (Object) ref);
            for (int i = 0; i < pa.length; i++) {
                assertEquals(Float.floatToRawIntBits(pb[i]), Float.floatToRawIntBits(pa[i]), "trial " + trial + " i " + i);
            }
        }
        float[] bad = new float[d];
        bad[3] = Float.NaN;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.unitOf(bad, true));
        assertEquals("vector holds a non-finite value", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.unitOf(new float[3], true));
    }

    /**
     * The write's one-pass shape ({@link EventMemory#shapedFast}) equals {@link EventMemory#shapedReference} bit
     * for bit (unit vector, listed components, bytes, scale, the cell's key), on vectors dense and sparse, of
     * signed zeros alone, with subnormals, huge and tiny magnitudes, ties for the largest magnitude and none
     * at all, with a projection and without one (D = d_c), each call after the other's on its own memory (so
     * the reused unit vector is reset alike); and both refuse the same bad vectors with the same message.
     */
    @Test
    void shapedFastEqualsShapedReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(41);
        for (EventSettings set : List.of(EventSettings.defaults(), EventSettings.defaults().withDimension(32))) {
            EventMemory fastM = new EventMemory(set);
            EventMemory refM = new EventMemory(set);
            int d = set.dimension();
            for (int trial = 0; trial < 4000; trial++) {
                float[] v = new float[d];
                int kind = trial % 9;
                for (int j = 0; j < d; j++) {
                    boolean on = switch (kind) {
                        case 0 -> r.nextInt(20) == 0;
                        case 1 -> r.nextInt(3) == 0;
                        case 2, 3, 4 -> true;
                        default -> r.nextInt(2) == 0;
                    };
                    if (!on) {
                        continue;
                    }
                    v[j] = switch (kind) {
                        case 3 -> r.nextBoolean() ? -0f : 0f;
                        case 4 -> (r.nextInt(9) - 4) * 0.25f; // ties of the largest magnitude
                        case 5 -> (float) ((r.nextDouble() * 2 - 1) * 1e30);
                        case 6 -> (float) ((r.nextDouble() * 2 - 1) * 1e-30);
                        case 7 -> r.nextInt(4) == 0 ? Float.intBitsToFloat(r.nextInt(1 << 23)) * (r.nextBoolean() ? 1 : -1)
                                : (float) (r.nextDouble() * 2 - 1);
                        default -> (float) (r.nextDouble() * 2 - 1);
                    };
                }
                if (trial % 13 == 0) {
                    v = EventMemory.hashVector(terms(r, 500), d);
                } else if (trial % 17 == 0) {
                    v = new float[d]; // no component at all
                } else if (trial % 19 == 0) {
                    v[r.nextInt(d)] = Float.MIN_VALUE; // a subnormal's square is 0
                }
                EventMemory.Shaped a = fastM.shapedFast(v.clone(), trial % 2 == 0);
                EventMemory.Shaped b = refM.shapedReference(v.clone(), trial % 2 == 0);
                String at = "D " + d + " trial " + trial;
                assertEquals(b.x.length, a.x.length, at);
                for (int j = 0; j < d; j++) {
                    assertEquals(Float.floatToRawIntBits(b.x[j]), Float.floatToRawIntBits(a.x[j]), at + " j " + j);
                }
                if (a.nz == null) { // a dense vector's components are not listed: then every one may be nonzero
                    assertTrue(!EventMemory.listsComponents(b.nz.length, d), at);
                } else {
                    assertArrayEquals(b.nz, a.nz, at);
                }
                assertArrayEquals(b.q8, a.q8, at);
                assertEquals(Float.floatToRawIntBits(b.scale), Float.floatToRawIntBits(a.scale), at);
                assertEquals(b.k.length, a.k.length, at);
                for (int j = 0; j < b.k.length; j++) {
                    assertEquals(Float.floatToRawIntBits(b.k[j]), Float.floatToRawIntBits(a.k[j]), at + " k " + j);
                }
                EventMemory.Shaped lazy = fastM.shapedFast(v.clone(), trial % 2 == 0, false);
                if (lazy.k == null) { // the key left to keyOf, from the listed columns
                    float[] k = fastM.keyOf(lazy.cols, lazy.vals, lazy.listed);
                    for (int j = 0; j < b.k.length; j++) {
                        assertEquals(Float.floatToRawIntBits(b.k[j]), Float.floatToRawIntBits(k[j]), at + " lazy k " + j);
                    }
                    assertArrayEquals(b.q8, lazy.q8, at);
                }
            }
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] v = new float[d];
                v[1] = 0.5f;
                v[d - 2] = bad;
                IllegalArgumentException ea = assertThrows(IllegalArgumentException.class, () -> fastM.shapedFast(v, true));
                IllegalArgumentException eb = assertThrows(IllegalArgumentException.class, () -> refM.shapedReference(v, true));
                assertEquals(eb.getMessage(), ea.getMessage());
            }
            IllegalArgumentException ea = assertThrows(IllegalArgumentException.class, () -> fastM.shapedFast(new float[3], true));
            IllegalArgumentException eb = assertThrows(IllegalArgumentException.class, () -> refM.shapedReference(new float[3], true));
            assertEquals(eb.getMessage(), ea.getMessage());
        }
    }

    /** EventMemory.round (floor(a + 1/2) in double) is Math.round on the quantiser's range and beyond. */
    @Test
    void roundIsMathRound() {
        SplittableRandom r = new SplittableRandom(31);
        List<Float> edges = new ArrayList<>(List.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-44f, 0x1p-29f,
                -0x1p-29f, 0x1p-30f, 0x1p23f, -0x1p23f, 0x1p24f, 0x1p30f, -0x1p30f));
        for (int k = -130; k <= 130; k++) {
            for (float f : new float[] {k, k + 0.5f}) {
                edges.addAll(List.of(f, Math.nextUp(f), Math.nextDown(f), Math.nextUp(Math.nextUp(f)),
                        Math.nextDown(Math.nextDown(f))));
            }
        }
        for (float f : edges) {
            assertEquals(Math.round(f), EventMemory.round(f), "a = " + f);
        }
        for (int i = 0; i < 400_000; i++) {
            float f = switch (i % 4) {
                case 0 -> (float) (r.nextDouble() * 260 - 130);
                case 1 -> Float.intBitsToFloat(r.nextInt()); // any float: only finite ones under 2^31
                case 2 -> (float) (r.nextDouble() - 0.5) * 0x1p-20f;
                default -> (r.nextInt(261) - 130) + 0.5f + (r.nextBoolean() ? 1 : -1) * r.nextInt(4) * 0x1p-16f;
            };
            if (Float.isFinite(f) && Math.abs(f) < 0x1p31f) {
                assertEquals(Math.round(f), EventMemory.round(f), "a = " + f);
            }
        }
    }

    /**
     * EventMemory.roundQuantized (the quantiser's branch-free rounding) is Math.round: around every whole and half
     * number of (-131, 131) (64 floats each side), near 0 and 2^-22, at the ends of its fast range, on a stride
     * through every float of magnitude up to 131 (every 613th bit pattern), and on random finite floats under 2^31.
     * {@code -Dkeymem.test.exhaustive=true} checks every float of magnitude up to 131 (some 2.3 billion).
     */
    @Test
    void roundQuantizedIsMathRound() {
        List<Float> edges = new ArrayList<>(List.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.NaN, 0x1p-22f,
                -0x1p-22f, 0x1p-30f, -0x1p-30f, 0x1p30f, -0x1p30f, -128.5f, 127.5f, 128f));
        for (int k = -131; k <= 131; k++) {
            for (float f : new float[] {k, k + 0.5f}) {
                float up = f;
                float down = f;
                edges.add(f);
                for (int i = 0; i < 64; i++) {
                    up = Math.nextUp(up);
                    down = Math.nextDown(down);
                    edges.add(up);
                    edges.add(down);
                }
            }
        }
        for (float base : new float[] {0x1p-22f, -0x1p-22f}) {
            float up = base;
            float down = base;
            for (int i = 0; i < 64; i++) {
                up = Math.nextUp(up);
                down = Math.nextDown(down);
                edges.add(up);
                edges.add(down);
            }
        }
        for (float f : edges) {
            assertEquals(Math.round(f), EventMemory.roundQuantized(f), "a = " + f);
        }
        int top = Float.floatToRawIntBits(131f);
        int step = Boolean.getBoolean("keymem.test.exhaustive") ? 1 : 613;
        for (int bits = 0; bits >= 0 && bits <= top; bits += step) {
            float f = Float.intBitsToFloat(bits);
            if (Math.round(f) != EventMemory.roundQuantized(f) || Math.round(-f) != EventMemory.roundQuantized(-f)) {
                assertEquals(Math.round(f), EventMemory.roundQuantized(f), "a = " + f);
                assertEquals(Math.round(-f), EventMemory.roundQuantized(-f), "a = " + -f);
            }
        }
        SplittableRandom r = new SplittableRandom(37);
        for (int i = 0; i < 400_000; i++) {
            float f = i % 2 == 0 ? (float) (r.nextDouble() * 262 - 131) : Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f) && Math.abs(f) < 0x1p31f) { // where round is Math.round (roundIsMathRound)
                assertEquals(Math.round(f), EventMemory.roundQuantized(f), "a = " + f);
            }
        }
    }

    /**
     * Writes with the shape cache (repeated vectors skip the unit vector, quantisation and projection) give the
     * same entries, write results, cell state and segment sums as writes that shape every vector, on a stream
     * of repeated and fresh vectors (dense, sparse, hashed from terms, with -0.0 components, differing in one
     * component's sign of zero, and colliding in the cache's slots), and the write's shape equals the dense
     * reference loops (unit, quantize, project, unit).
     */
    @Test
    void shapeCacheGivesTheWritesOfTheReference() throws Exception {
        SplittableRandom r = new SplittableRandom(37);
        EventSettings set = EventSettings.defaults();
        int d = set.dimension();
        EventMemory cached = new EventMemory(set);
        EventMemory plain = new EventMemory(set);
        plain.shapeCache(false);
        java.lang.reflect.Method dense = EventMemory.class.getDeclaredMethod("project", float[].class);
        dense.setAccessible(true);
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = r.nextInt(i % 2 == 0 ? 1 : 6) == 0 ? (float) (r.nextDouble() * 2 - 1) : 0f;
            }
            pool.add(v);
            float[] signed = v.clone(); // the same but a -0.0 where v holds +0.0 (or the reverse)
            int z = r.nextInt(d);
            signed[z] = Float.floatToRawIntBits(v[z]) == 0 ? -0f : v[z] == 0f ? 0f : v[z];
            pool.add(signed);
        }
        InMemoryEventStore[] stores = {new InMemoryEventStore(), new InMemoryEventStore()};
        EventState[] states = {cached.newState(), plain.newState()};
        for (int t = 0; t < 2_500; t++) {
            int[] terms = terms(r, 300);
            float[] v;
            int kind = r.nextInt(10);
            if (kind < 6) {
                v = pool.get(r.nextInt(pool.size())).clone();
            } else if (kind < 8) {
                v = null; // hashed from the terms (repeats when the terms repeat)
                terms = new int[] {r.nextInt(30), r.nextInt(30)};
            } else {
                v = new float[d];
                for (int j = 0; j < d; j++) {
                    v[j] = r.nextInt(3) == 0 ? (float) (r.nextDouble() * 4 - 2) : r.nextInt(50) == 0 ? -0f : 0f;
                }
            }
            if (v != null) {
                EventMemory.Shaped a = cached.shapedReference(v, true);
                float[] ref = EventMemory.unit(v);
                byte[] q = new byte[d];
                float scale = EventMemory.quantize(ref, q);
                float[] k = EventMemory.unit((float[]) dense.invoke(cached, (Object) ref));
                for (int j = 0; j < d; j++) {
                    assertEquals(Float.floatToRawIntBits(ref[j]), Float.floatToRawIntBits(a.x[j]), "t " + t);
                }
                assertArrayEquals(q, a.q8, "t " + t);
                assertEquals(Float.floatToRawIntBits(scale), Float.floatToRawIntBits(a.scale), "t " + t);
                for (int j = 0; j < k.length; j++) {
                    assertEquals(Float.floatToRawIntBits(k[j]), Float.floatToRawIntBits(a.k[j]), "t " + t);
                }
            }
            EventWrite wa = cached.write(states[0], stores[0], terms, v == null ? null : v.clone(), new byte[] {(byte) t});
            EventWrite wb = plain.write(states[1], stores[1], terms, v == null ? null : v.clone(), new byte[] {(byte) t});
            assertEquals(wb, wa, "t " + t);
            assertEquals(stores[1].archived(wb.position()), stores[0].archived(wa.position()), "t " + t);
            assertArrayEquals(states[1].segmentSum(), states[0].segmentSum(), "t " + t);
            float[] sa = states[0].cell().data();
            float[] sb = states[1].cell().data();
            for (int i = 0; i < sa.length; i++) {
                assertEquals(Float.floatToRawIntBits(sb[i]), Float.floatToRawIntBits(sa[i]), "t " + t + " i " + i);
            }
        }
        // the entries' vectors are their own (a later change to one leaves the others as they were)
        EventEntry e1 = stores[0].archived(states[0].events() - 1);
        EventEntry e2 = stores[0].archived(states[0].events() - 2);
        assertTrue(e1.vector() != e2.vector());
        // queries over the two memories give the same answers
        for (int q = 0; q < 50; q++) {
            float[] x = pool.get(r.nextInt(pool.size()));
            int[] terms = terms(r, 300);
            List<EventHit> ha = cached.query(states[0], stores[0], terms, x, 5).hits();
            List<EventHit> hb = plain.query(states[1], stores[1], terms, x, 5).hits();
            assertEquals(hb.size(), ha.size());
            for (int i = 0; i < ha.size(); i++) {
                assertEquals(hb.get(i).position(), ha.get(i).position(), "query " + q);
                assertEquals(Double.doubleToRawLongBits(hb.get(i).score()), Double.doubleToRawLongBits(ha.get(i).score()));
            }
        }
        assertTrue(cached.shapeHits > 1_000 && cached.shapeHits < 2_000, "shape cache hits " + cached.shapeHits);
        assertEquals(0, plain.shapeHits);
    }

    /** The row-by-row fading read equals the column loop bit for bit (d_c = 32, and 7: the remainder rows). */
    @Test
    void fadingReadEqualsTheColumnLoopBitForBit() {
        SplittableRandom r = new SplittableRandom(29);
        for (EventSettings set : List.of(EventSettings.defaults(), new EventSettings(16, 7, 0.7f, 0.9f, 32, 64, 64, 2,
                512, 1024, 0, 0, 1.2, 0.75, EventSettings.Weights.defaults(), 3L))) {
            EventMemory m = new EventMemory(set);
            EventState st = m.newState();
            InMemoryEventStore store = new InMemoryEventStore();
            int d = set.dimension();
            assertEquals(null, m.fadingReadFast(st, EventMemory.unit(EventMemory.hashVector(terms(r, 50), d))));
            for (int t = 0; t < 300; t++) {
                m.write(st, store, terms(r, 400), null, null);
                float[] x = EventMemory.unit(EventMemory.hashVector(terms(r, 400), d));
                float[] a = m.fadingReadFast(st, x);
                float[] b = m.fadingReadReference(st, x);
                assertEquals(set.cellDim(), a.length);
                for (int i = 0; i < a.length; i++) {
                    assertEquals(Float.floatToRawIntBits(b[i]), Float.floatToRawIntBits(a[i]), "event " + t + " i " + i);
                }
            }
        }
    }

    /** The parts kept for an entry when it is written equal the dense loops' (as those derived at a query). */
    @Test
    void partsKeptAtWriteEqualDenseBitForBit() {
        SplittableRandom r = new SplittableRandom(31);
        EventMemory m = new EventMemory(EventSettings.defaults());
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        int d = EventSettings.defaults().dimension();
        int cd = EventSettings.defaults().cellDim();
        for (int t = 0; t < 500; t++) {
            float[] v = null;
            if (t % 3 == 1) {
                v = new float[d];
                for (int j = 0; j < d; j++) {
                    v[j] = r.nextInt(5) == 0 ? (float) (r.nextDouble() * 2 - 1) : 0f;
                }
                v[r.nextInt(d)] = 1e-30f; // quantises to 0
            }
            m.write(st, store, terms(r, 400), v, null);
        }
        int checked = 0;
        for (long p = 0; p < 500; p++) {
            EventEntry e = store.archived(p);
            float[] x = EventMemory.unit(EventMemory.hashVector(terms(r, 400), d));
            float[] read = new float[cd];
            for (int i = 0; i < cd; i++) {
                read[i] = (float) (r.nextDouble() * 2 - 1);
            }
            double[] fast = m.candidateParts(x, read, e, false);
            double[] ref = m.candidateParts(x, read, e, true);
            for (int i = 0; i < 2; i++) {
                assertEquals(Double.doubleToRawLongBits(ref[i]), Double.doubleToRawLongBits(fast[i]), "entry " + p + " part " + i);
            }
            checked++;
        }
        assertEquals(500, checked);
    }

    /**
     * Parts of entries whose place in the memory's direct-mapped table of derived parts a later write took
     * (positions 16,384 apart) are derived again from the entry's bytes, equal to the dense loops' bit for bit,
     * as are those of the entries written last, asked before and after the older ones; queries on that history
     * answer as the reference ranking does.
     */
    @Test
    void partsOfEntriesWhoseSlotALaterWriteTookEqualDenseBitForBit() {
        SplittableRandom r = new SplittableRandom(37);
        EventSettings set = EventSettings.defaults().withCaps(0, 0);
        EventMemory m = new EventMemory(set);
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        int d = set.dimension();
        int cd = set.cellDim();
        int events = (1 << 14) + 300;
        for (int t = 0; t < events; t++) {
            float[] v = null;
            if (t % 2 == 1) {
                v = new float[d];
                for (int j = r.nextInt(3); j < d; j += 1 + r.nextInt(4)) {
                    v[j] = (float) (r.nextDouble() * 2 - 1);
                }
            }
            m.write(st, store, terms(r, 400), v, null);
        }
        int checked = 0;
        long[] positions = new long[900];
        for (int i = 0; i < 300; i++) {
            positions[i] = events - 300 + i; // the slots' last writers, first
            positions[300 + i] = i; // their slots taken by those
            positions[600 + i] = events - 300 + i; // again, after the older ones took the slots back
        }
        for (long p : positions) {
            EventEntry e = store.archived(p);
            float[] x = EventMemory.unit(EventMemory.hashVector(terms(r, 400), d));
            float[] read = new float[cd];
            for (int i = 0; i < cd; i++) {
                read[i] = (float) (r.nextDouble() * 2 - 1);
            }
            for (int again = 0; again < 2; again++) {
                double[] fast = m.candidateParts(x, read, e, false);
                double[] ref = m.candidateParts(x, read, e, true);
                for (int i = 0; i < 2; i++) {
                    assertEquals(Double.doubleToRawLongBits(ref[i]), Double.doubleToRawLongBits(fast[i]),
                            "entry " + p + " part " + i);
                }
            }
            checked++;
        }
        assertEquals(900, checked);
        for (int q = 0; q < 20; q++) {
            int[] terms = terms(r, 400);
            EventMemory.Answer a = m.query(st, store, terms, null, 8);
            EventMemory.Answer b = m.queryReference(st, store, terms, null, 8);
            assertEquals(b.hits().size(), a.hits().size());
            for (int i = 0; i < a.hits().size(); i++) {
                assertEquals(b.hits().get(i).position(), a.hits().get(i).position());
                assertEquals(Double.doubleToRawLongBits(b.hits().get(i).score()),
                        Double.doubleToRawLongBits(a.hits().get(i).score()));
            }
        }
    }

    /**
     * The parts a write keeps for its entry are made on a query's first use (lazily): entries written from
     * repeated vectors (the shape cache hands each a copy of one shared part, made from the shared one when
     * first used, whether the shared one was made before or not) and from fresh ones, visited in an order that
     * makes some copies before their source and some after, give the dense loops' parts bit for bit, every
     * time they are asked.
     */
    @Test
    void partsMadeOnFirstUseEqualDenseBitForBit() {
        SplittableRandom r = new SplittableRandom(41);
        EventSettings set = EventSettings.defaults();
        int d = set.dimension();
        int cd = set.cellDim();
        EventMemory m = new EventMemory(set);
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        List<float[]> pool = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            float[] v = new float[d];
            for (int j = 0; j < d; j++) {
                v[j] = r.nextInt(1 + i) == 0 ? (float) (r.nextDouble() * 2 - 1) : 0f;
            }
            pool.add(v);
        }
        int n = 300;
        for (int t = 0; t < n; t++) {
            float[] v = t % 5 == 4 ? null : pool.get(r.nextInt(pool.size())).clone();
            m.write(st, store, terms(r, 400), v, null);
        }
        assertTrue(m.shapeHits > 100, "the shape cache served repeated vectors: " + m.shapeHits);
        List<Long> order = new ArrayList<>();
        for (long p = n - 1; p >= 0; p -= 2) {
            order.add(p); // the later half of pairs first: some copies made before their source
        }
        for (long p = 0; p < n; p += 2) {
            order.add(p);
        }
        for (long p = 0; p < n; p += 7) {
            order.add(p); // asked again
        }
        for (long p : order) {
            EventEntry e = store.archived(p);
            float[] x = EventMemory.unit(EventMemory.hashVector(terms(r, 400), d));
            float[] read = new float[cd];
            for (int i = 0; i < cd; i++) {
                read[i] = (float) (r.nextDouble() * 2 - 1);
            }
            double[] fast = m.candidateParts(x, read, e, false);
            double[] ref = m.candidateParts(x, read, e, true);
            for (int i = 0; i < 2; i++) {
                assertEquals(Double.doubleToRawLongBits(ref[i]), Double.doubleToRawLongBits(fast[i]),
                        "entry " + p + " part " + i);
            }
        }
    }

    /** The four-a-step vector hash is the one-at-a-time hash (every length mod 4, zeros, -0.0, NaNs, random). */
    @Test
    void vectorHashEqualsItsReference() {
        SplittableRandom r = new SplittableRandom(43);
        for (int t = 0; t < 2000; t++) {
            float[] v = new float[r.nextInt(70)];
            for (int j = 0; j < v.length; j++) {
                int kind = r.nextInt(6);
                v[j] = kind == 0 ? 0f : kind == 1 ? -0f : kind == 2 ? Float.intBitsToFloat(r.nextInt())
                        : (float) (r.nextDouble() * 2 - 1);
            }
            assertEquals(EventMemory.vectorHashReference(v), EventMemory.vectorHash(v), "length " + v.length);
        }
        float[] v = new float[256];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) r.nextGaussian();
        }
        assertEquals(EventMemory.vectorHashReference(v), EventMemory.vectorHash(v));
    }

    /**
     * The ranking that scores candidates by their bounds and stops early gives the answers of scoring every
     * candidate and ranking them all, bit for bit: repeated contents (equal scores without recency), several
     * weightings, answer sizes and history lengths, queries between the writes; the segments a query is
     * routed to (k of 1 to 3, among up to 256 summaries) are those of sorting every summary's cosine.
     */
    @Test
    void boundedRankingEqualsScoringEveryCandidateBitForBit() {
        EventSettings.Weights[] weightings = {EventSettings.Weights.defaults(),
            new EventSettings.Weights(1, 0.2, 0.02, 0.5, 0), new EventSettings.Weights(0, 1, 0, 0, 0),
            new EventSettings.Weights(1, 0, 0, 0, 0), new EventSettings.Weights(0.3, 2, 1, 0.1, 0.5)};
        int compared = 0;
        int differentTop = 0;
        for (int wi = 0; wi < weightings.length; wi++) {
            SplittableRandom r = new SplittableRandom(41 + wi);
            EventSettings settings = EventSettings.defaults().withWeights(weightings[wi]);
            if (wi % 2 == 1) {
                settings = settings.withTiers(settings.window(), settings.eidetic(), wi == 1 ? 1 : 3);
            }
            EventMemory m = new EventMemory(settings);
            EventState st = m.newState();
            InMemoryEventStore store = new InMemoryEventStore();
            List<int[]> seen = new ArrayList<>();
            for (int t = 0; t < 1500; t++) {
                int[] terms = seen.isEmpty() || r.nextInt(3) > 0 ? terms(r, 150) : seen.get(r.nextInt(seen.size()));
                seen.add(terms);
                m.write(st, store, terms, null, new byte[] {(byte) t});
                if (t % 37 == 5) {
                    int[] q = r.nextBoolean() ? terms(r, 150) : seen.get(r.nextInt(seen.size()));
                    int top = new int[] {1, 3, 5, 10, 50}[r.nextInt(5)];
                    EventMemory.Answer fastAnswer = m.query(st, store, q, null, top);
                    EventMemory.Answer refAnswer = m.queryReference(st, store, q, null, top);
                    // the same candidates; fewer rows where bounds settled informativeness without them
                    assertEquals(refAnswer.cost().candidates(), fastAnswer.cost().candidates(), "query at " + t);
                    assertEquals(refAnswer.cost().postingsRead(), fastAnswer.cost().postingsRead());
                    assertEquals(refAnswer.cost().segmentsScored(), fastAnswer.cost().segmentsScored());
                    assertTrue(fastAnswer.cost().rowsRead() <= refAnswer.cost().rowsRead(), "query at " + t);
                    List<EventHit> fast = fastAnswer.hits();
                    List<EventHit> ref = refAnswer.hits();
                    assertEquals(ref.size(), fast.size(), "query at " + t);
                    for (int i = 0; i < ref.size(); i++) {
                        EventHit a = ref.get(i);
                        EventHit b = fast.get(i);
                        assertEquals(a.position(), b.position(), "query at " + t + " hit " + i);
                        assertEquals(a.tiers(), b.tiers());
                        assertEquals(Double.doubleToRawLongBits(a.score()), Double.doubleToRawLongBits(b.score()));
                        assertEquals(Double.doubleToRawLongBits(a.dense()), Double.doubleToRawLongBits(b.dense()));
                        assertEquals(Double.doubleToRawLongBits(a.read()), Double.doubleToRawLongBits(b.read()));
                        assertEquals(Double.doubleToRawLongBits(a.lexical()), Double.doubleToRawLongBits(b.lexical()));
                        assertEquals(Double.doubleToRawLongBits(a.novelty()), Double.doubleToRawLongBits(b.novelty()));
                    }
                    differentTop += ref.size() > 1 && ref.get(0).position() != st.events() - 1 ? 1 : 0;
                    compared++;
                }
            }
        }
        assertTrue(compared > 150, "queries compared: " + compared);
        assertTrue(differentTop > 50, "queries whose best is not simply the newest: " + differentTop);
    }

    /**
     * A query's reads are bounded by the settings, not by the history: routing compares at most
     * {@link EventSettings#ROUTE_SCAN} summaries, and the rows read stay under the bound the caps give.
     */
    @Test
    void rowsReadPerQueryDoNotGrowWithTheHistory() {
        EventSettings s = new EventSettings(64, 16, 0.5f, 0.99f, 8, 8, 8, 2, 16, 32, 0, 0, 1.2, 0.75,
                EventSettings.Weights.defaults(), 7L);
        EventMemory m = new EventMemory(s);
        EventState st = m.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(5);
        int maxTerms = 12; // terms(r, v) gives 3..12 terms
        List<Integer> scored = new ArrayList<>();
        for (int t = 1; t <= 6000; t++) {
            m.write(st, store, terms(r, 300), null, null);
            if (t == 1000 || t == 3000 || t == 6000) {
                EventMemory.QueryCost c = m.query(st, store, terms(r, 300), null, 5).cost();
                scored.add(c.segmentsScored());
                int candidates = s.window() + s.eidetic() + s.maxCandidates() + s.routeK() * s.segment();
                int bound = maxTerms * (1 + s.postingsRead()) + candidates * (1 + maxTerms) + EventSettings.ROUTE_SCAN;
                assertTrue(c.rowsRead() <= bound, "rows read " + c.rowsRead() + " at " + t + " events, bound " + bound);
                assertTrue(c.candidates() <= candidates, "candidates " + c.candidates());
            }
        }
        assertEquals(List.of(125, EventSettings.ROUTE_SCAN, EventSettings.ROUTE_SCAN), scored);
    }

    /**
     * A memory that answers many queries (its per-query term table reused: stamps instead of a fresh table,
     * a stamp wrap-around, a table grown past what it keeps and dropped) answers each as a fresh memory does,
     * bit for bit.
     */
    @Test
    void queriesThroughOneMemoryEqualAFreshMemoryPerQueryBitForBit() {
        // many candidates with many distinct terms each: one query's table grows past TermFrequencies.KEEP
        EventSettings s = new EventSettings(64, 16, 0.5f, 0.99f, 16, 16, 16, 1, 4096, 4096, 0, 0, 1.2, 0.75,
                EventSettings.Weights.defaults(), 3L);
        EventMemory reused = new EventMemory(s);
        reused.checkInfoBounds = true; // every candidate's informativeness computed: the table grows
        EventState st = reused.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(23);
        int next = 1_000;
        int compared = 0;
        boolean grown = false;
        for (int t = 0; t < 1200; t++) {
            int[] terms = terms(r, 40);
            if (t % 2 == 0) { // and 30 terms no other event has
                int[] wide = java.util.Arrays.copyOf(terms, terms.length + 30);
                for (int k = terms.length; k < wide.length; k++) {
                    wide[k] = next++;
                }
                terms = wide;
            }
            reused.write(st, store, terms, null, new byte[] {(byte) t});
            if (t % 23 == 7 || t == 1199) {
                if (compared == 20) {
                    reused.termTableWrapsAtItsNextQuery();
                }
                int[] q = t == 1199 ? new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10} : terms(r, 40);
                EventMemory.Answer a = reused.query(st, store, q, null, 5);
                EventMemory fresh = new EventMemory(s);
                fresh.checkInfoBounds = true;
                EventMemory.Answer b = fresh.query(st, store, q, null, 5);
                assertEquals(b.cost(), a.cost());
                assertEquals(b.hits().size(), a.hits().size());
                for (int i = 0; i < a.hits().size(); i++) {
                    EventHit x = a.hits().get(i);
                    EventHit y = b.hits().get(i);
                    assertEquals(y.position(), x.position(), "query at " + t + " hit " + i);
                    assertEquals(Double.doubleToRawLongBits(y.score()), Double.doubleToRawLongBits(x.score()));
                    assertEquals(Double.doubleToRawLongBits(y.novelty()), Double.doubleToRawLongBits(x.novelty()));
                }
                grown |= reused.termTableCapacity() > EventMemory.TermFrequencies.KEEP;
                compared++;
            }
        }
        assertTrue(compared > 40, "queries compared: " + compared);
        assertTrue(grown, "no query grew the term table past what it keeps");
    }

    /** An {@link InMemoryEventStore} whose frequency rows can expire (read as 0), as under a row TTL. */
    private static final class ExpiringStore implements EventStore {
        final InMemoryEventStore rows = new InMemoryEventStore();
        final boolean claimsNeverDecrease;
        boolean expired;

        ExpiringStore(boolean claimsNeverDecrease) {
            this.claimsNeverDecrease = claimsNeverDecrease;
        }

        @Override public boolean frequenciesNeverDecrease() { return claimsNeverDecrease; }
        @Override public EventEntry archived(long position) { return rows.archived(position); }
        @Override public void archive(EventEntry entry) { rows.archive(entry); }
        @Override public void dropArchived(long position) { rows.dropArchived(position); }
        @Override public long frequency(int term) { return expired ? 0 : rows.frequency(term); }
        @Override public void setFrequency(int term, long frequency) { rows.setFrequency(term, frequency); }
        @Override public long posting(int term, long ordinal) { return rows.posting(term, ordinal); }
        @Override public void addPosting(int term, long ordinal, long position) { rows.addPosting(term, ordinal, position); }
        @Override public void dropPosting(int term, long ordinal) { rows.dropPosting(term, ordinal); }
        @Override public float[] segment(long segment) { return rows.segment(segment); }
        @Override public void addSegment(long segment, float[] summary) { rows.addSegment(segment, summary); }
        @Override public void dropSegment(long segment) { rows.dropSegment(segment); }
        @Override public EventEntry eidetic(int slot) { return rows.eidetic(slot); }
        @Override public void setEidetic(int slot, EventEntry entry) { rows.setEidetic(slot, entry); }
    }

    /**
     * Every candidate's informativeness is at most the bound a query ranks it by until it is computed (from
     * the terms seen once, and from an earlier query's value where the store's frequencies never decrease),
     * and the largest is found; the bounds leave most candidates' informativeness uncomputed on a long
     * history (fewer frequency rows read than the reference reads), with the same answers bit for bit.
     */
    @Test
    void informativenessBoundsHoldAndSpareFrequencyReads() {
        EventSettings s = new EventSettings(64, 16, 0.5f, 0.99f, 32, 32, 32, 2, 64, 256, 0, 0, 1.2, 0.75,
                new EventSettings.Weights(0.3, 0.2, 0.02, 1, 0.05), 5L);
        EventMemory checked = new EventMemory(s);
        checked.checkInfoBounds = true;
        EventMemory plain = new EventMemory(s);
        EventState st = checked.newState();
        InMemoryEventStore store = new InMemoryEventStore();
        SplittableRandom r = new SplittableRandom(77);
        int queries = 0;
        long fastRows = 0;
        long refRows = 0;
        for (int t = 0; t < 1500; t++) {
            checked.write(st, store, terms(r, 2000), null, new byte[] {(byte) t});
            if (t % 10 == 9) {
                int[] q = terms(r, 2000);
                checked.query(st, store, q, null, 3); // throws where a bound is below the informativeness
                EventMemory.Answer fast = plain.query(st, store, q, null, 3);
                EventMemory.Answer ref = plain.queryReference(st, store, q, null, 3);
                assertEquals(ref.hits().size(), fast.hits().size());
                for (int i = 0; i < ref.hits().size(); i++) {
                    assertEquals(ref.hits().get(i).position(), fast.hits().get(i).position(), "query at " + t);
                    assertEquals(Double.doubleToRawLongBits(ref.hits().get(i).score()),
                            Double.doubleToRawLongBits(fast.hits().get(i).score()));
                    assertEquals(Double.doubleToRawLongBits(ref.hits().get(i).novelty()),
                            Double.doubleToRawLongBits(fast.hits().get(i).novelty()));
                }
                fastRows += fast.cost().rowsRead();
                refRows += ref.cost().rowsRead();
                queries++;
            }
        }
        assertEquals(150, queries);
        assertTrue(fastRows * 4 < refRows * 3, "rows read: " + fastRows + " with bounds, " + refRows + " without");
    }

    /**
     * A store whose frequencies may decrease (rows expired) gets no bound from an earlier query: its
     * informativeness stays within the bounds it is ranked by. The same history through a store that claims
     * its frequencies never decrease breaks a bound (the check throws), so the flag is what keeps it exact.
     */
    @Test
    void noBoundFromEarlierQueriesWhereFrequenciesMayDecrease() {
        for (boolean claims : new boolean[] {false, true}) {
            EventMemory m = new EventMemory(EventSettings.defaults());
            m.checkInfoBounds = true;
            EventState st = m.newState();
            ExpiringStore store = new ExpiringStore(claims);
            SplittableRandom r = new SplittableRandom(9);
            Runnable history = () -> {
                for (int t = 0; t < 600; t++) {
                    store.expired = false;
                    m.write(st, store, terms(r, 50), null, null);
                    if (t % 20 == 19) {
                        int[] q = terms(r, 50);
                        m.query(st, store, q, null, 3);
                        store.expired = true; // the same query once the frequency rows expired
                        m.query(st, store, q, null, 3);
                    }
                }
            };
            if (claims) {
                assertThrows(IllegalStateException.class, history::run);
            } else {
                history.run();
            }
        }
    }

    /**
     * The candidate's counts of the query's terms from one walk over its terms equal {@link EventEntry#count}
     * of each query term (0 where the term's frequency is 0): queries of 1 to 40 distinct terms, some repeated
     * in the entry, some not, negative terms too.
     */
    @Test
    void queryCountsEqualCountPerQueryTerm() {
        EventMemory m = new EventMemory(EventSettings.defaults());
        SplittableRandom r = new SplittableRandom(13);
        int matched = 0;
        for (int round = 0; round < 2000; round++) {
            int[][] entryTerms = EventMemory.distinctCounts(terms(r, 60));
            if (round % 3 == 0) {
                entryTerms[0][0] = -1 - r.nextInt(1000);
                java.util.Arrays.sort(entryTerms[0]);
            }
            EventEntry e = new EventEntry(round, entryTerms[0], entryTerms[1], 10, new byte[4], 0f, 0f, new byte[0]);
            int[] qt = new int[1 + r.nextInt(40)];
            for (int i = 0; i < qt.length; i++) {
                qt[i] = r.nextInt(4) == 0 ? -r.nextInt(1000) : (int) Math.floor(Math.pow(60, r.nextDouble()));
            }
            qt = EventMemory.distinctCounts(qt)[0];
            long[] qdf = new long[qt.length];
            for (int i = 0; i < qt.length; i++) {
                qdf[i] = r.nextInt(5);
            }
            int[] ref = EventMemory.queryCountsReference(e, qt, qdf);
            assertArrayEquals(ref, m.queryCountsFast(e, qt, qdf), "round " + round);
            for (int c : ref) {
                matched += c > 0 ? 1 : 0;
            }
        }
        assertTrue(matched > 2000, "query terms found in entries: " + matched);
    }

    /**
     * A batch state ({@link EventMemory#newBatchState}: fading writes wait until the cell is read, arrays made
     * from a dropped state) against {@link EventMemory#newState()} taking the same writes at once: the same
     * answers (hits, scores and read vector bit for bit) at every query, the same state wherever the cell is
     * read, writes waiting between reads (more than the buffer holds, so it fills and applies them), and a
     * state made from a dropped one (writes waiting in it) equal to a fresh one.
     */
    @Test
    void batchStateGivesImmediateWritesAnswersAndCellBitForBit() {
        SplittableRandom r = new SplittableRandom(23);
        for (EventSettings set : List.of(EventSettings.defaults(), new EventSettings(16, 7, 0.7f, 0.9f, 32, 64, 64, 2,
                512, 1024, 0, 0, 1.2, 0.75, EventSettings.Weights.defaults(), 3L))) {
            EventMemory m = new EventMemory(set);
            int d = set.dimension();
            int capacity = EventMemory.DEFERRED_FLOATS / set.cellDim();
            EventState dropped = null;
            int maxWaiting = 0;
            for (int key = 0; key < 6; key++) {
                EventState a = m.newState();
                EventState b = m.newBatchState(dropped);
                if (dropped != null) {
                    assertTrue(b == dropped, "made in the dropped state's arrays");
                }
                assertEquals(m.newState(), b);
                InMemoryEventStore sa = new InMemoryEventStore();
                InMemoryEventStore sb = new InMemoryEventStore();
                boolean quiet = key == 2; // no reads: the buffer fills (twice) and applies its writes itself
                int events = quiet ? capacity * 2 + 37 : 1 + r.nextInt(120);
                for (int t = 0; t < events; t++) {
                    int[] terms = terms(r, 300);
                    float[] v = r.nextInt(3) == 0 ? null : EventMemory.hashVector(terms(r, 300), d);
                    byte[] payload = {(byte) t};
                    EventWrite wa = m.write(a, sa, terms, v, payload);
                    EventWrite wb = m.write(b, sb, terms, v, payload);
                    assertEquals(wa, wb);
                    maxWaiting = Math.max(maxWaiting, b.pendingWrites());
                    assertTrue(b.pendingWrites() <= capacity);
                    if (!quiet && r.nextInt(10) == 0) {
                        int[] q = terms(r, 300);
                        float[] qv = r.nextBoolean() ? null : EventMemory.hashVector(q, d);
                        EventMemory.Answer qa = m.query(a, sa, q, qv, 5);
                        EventMemory.Answer qb = m.query(b, sb, q, qv, 5);
                        assertEquals(0, b.pendingWrites(), "a query reads the cell");
                        assertEquals(qa.hits().size(), qb.hits().size());
                        for (int i = 0; i < qa.hits().size(); i++) {
                            assertEquals(qa.hits().get(i).position(), qb.hits().get(i).position());
                            assertEquals(Double.doubleToRawLongBits(qa.hits().get(i).score()),
                                    Double.doubleToRawLongBits(qb.hits().get(i).score()));
                        }
                        assertArrayEquals(qa.read(), qb.read());
                    }
                    if (!quiet && r.nextInt(40) == 0) {
                        assertEquals(a, b); // reads b's cell: its waiting writes applied
                        assertEquals(0, b.pendingWrites());
                    }
                }
                if (key % 2 == 0) {
                    assertEquals(a, b);
                    assertEquals(a, b.copy());
                    float[] ca = a.cell().data();
                    float[] cb = b.cell().data();
                    for (int i = 0; i < ca.length; i++) {
                        assertEquals(Float.floatToRawIntBits(ca[i]), Float.floatToRawIntBits(cb[i]), "cell " + i);
                    }
                }
                dropped = b; // dropped with writes waiting in it (odd keys: never read)
            }
            assertTrue(maxWaiting == capacity, "writes waited, up to the buffer's capacity: " + maxWaiting);
            // a dropped state of another shape is not reused
            EventState other = new EventMemory(new EventSettings(16, 8, 0.7f, 0.9f, 32, 64, 64, 2, 512, 1024, 0, 0, 1.2,
                    0.75, EventSettings.Weights.defaults(), 3L)).newState();
            EventState fresh = m.newBatchState(set.cellDim() == 8 ? null : other);
            assertTrue(fresh != other);
            assertEquals(m.newState(), fresh);
        }
    }

    /**
     * Writes of a batch state leave their keys unprojected ({@link EventMemory#keyOf} when the cell is read) against
     * {@link EventMemory#newState()}, whose writes project at once: dense vectors (every component or most of
     * them, so the buffer's values, not its writes, fill first), repeated vectors (the shape cache's keys, waiting
     * beside components), hashed and zero vectors; the same answers and read vector at every query and the same
     * cell bit for bit wherever it is read, and where the buffer applied its writes itself. A vector longer than
     * the buffer (D above {@link EventMemory#DEFERRED_VALUES}, every component nonzero) is projected at once and
     * waits as its key.
     */
    @Test
    void unprojectedWaitingWritesGiveImmediateWritesAnswersAndCellBitForBit() {
        SplittableRandom r = new SplittableRandom(31);
        for (EventSettings set : List.of(EventSettings.defaults(), new EventSettings(40_000, 4, 0.7f, 0.9f, 32, 64, 64, 2,
                512, 1024, 0, 0, 1.2, 0.75, EventSettings.Weights.defaults(), 5L))) {
            EventMemory m = new EventMemory(set); // the immediate writes' memory
            EventMemory mb = new EventMemory(set); // the batch state's (its own shape cache: a vector is new to it)
            int d = set.dimension();
            boolean huge = d > EventMemory.DEFERRED_VALUES;
            float[][] pool = new float[6][];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = dense(r, d);
            }
            int listedSeen = 0;
            int keysSeen = 0;
            boolean settledItself = false;
            EventState dropped = null;
            for (int key = 0; key < (huge ? 2 : 5); key++) {
                EventState a = m.newState();
                EventState b = mb.newBatchState(dropped);
                InMemoryEventStore sa = new InMemoryEventStore();
                InMemoryEventStore sb = new InMemoryEventStore();
                boolean quiet = key == 1;
                int events = huge ? 12 : quiet ? 400 : 40 + r.nextInt(120);
                for (int t = 0; t < events; t++) {
                    int[] terms = terms(r, 300);
                    int kind = r.nextInt(8);
                    float[] v = kind == 0 ? null : kind == 1 ? pool[r.nextInt(pool.length)].clone()
                            : kind == 2 ? new float[d] : huge ? full(r, d) : dense(r, d);
                    byte[] payload = {(byte) t};
                    int before = b.pendingWrites();
                    EventWrite wa = m.write(a, sa, terms, v, payload);
                    EventWrite wb = mb.write(b, sb, terms, v, payload);
                    assertEquals(wa, wb);
                    settledItself |= b.pendingWrites() <= before;
                    PendingFading w = b.pendingBuffer();
                    int last = w.counts[w.writes - 1];
                    listedSeen += last == PendingFading.KEY ? 0 : 1;
                    if (huge && kind >= 3) {
                        assertEquals(PendingFading.KEY, last, "a vector longer than the buffer waits as its key");
                    }
                    keysSeen += last == PendingFading.KEY ? 1 : 0;
                    assertTrue(w.used <= w.values.length && w.writes <= w.counts.length);
                    if (!quiet && r.nextInt(12) == 0) {
                        int[] q = terms(r, 300);
                        float[] qv = r.nextBoolean() ? null : dense(r, d);
                        EventMemory.Answer qa = m.query(a, sa, q, qv, 5);
                        EventMemory.Answer qb = mb.query(b, sb, q, qv, 5);
                        assertEquals(0, b.pendingWrites(), "a query reads the cell");
                        assertEquals(qa.hits().size(), qb.hits().size());
                        for (int i = 0; i < qa.hits().size(); i++) {
                            assertEquals(qa.hits().get(i).position(), qb.hits().get(i).position());
                            assertEquals(Double.doubleToRawLongBits(qa.hits().get(i).score()),
                                    Double.doubleToRawLongBits(qb.hits().get(i).score()));
                        }
                        assertArrayEquals(qa.read(), qb.read());
                    }
                }
                if (key != 3) {
                    float[] ca = a.cell().data();
                    float[] cb = b.cell().data();
                    for (int i = 0; i < ca.length; i++) {
                        assertEquals(Float.floatToRawIntBits(ca[i]), Float.floatToRawIntBits(cb[i]), "cell " + i);
                    }
                    assertEquals(a, b);
                }
                dropped = b; // key 3: dropped with writes waiting, never read
            }
            if (!huge) {
                assertTrue(listedSeen > 500 && keysSeen > 20, "waiting as components " + listedSeen + ", as keys "
                        + keysSeen);
                assertTrue(settledItself, "the buffer's values filled and it applied its writes itself");
            }
        }
    }

    /**
     * A write's surprisal with each small frequency's quotient kept per position ({@link EventMemory#surprisal})
     * against one logarithm per term ({@link EventMemory#surprisalReference}), bit for bit: positions that come
     * again (several keys at the same position, one after another and interleaved), from 0 to 2^50, frequencies
     * around the memo's bound and far above it, repeats within one event, the empty event.
     */
    @Test
    void surprisalEqualsItsReferenceBitForBit() {
        SplittableRandom r = new SplittableRandom(37);
        EventMemory m = new EventMemory(EventSettings.defaults());
        long[] positions = {0, 1, 2, 3, 63, 64, 65, 1000, 123_456, 1L << 31, 1L << 50};
        for (int round = 0; round < 200_000; round++) {
            long p = r.nextInt(4) == 0 ? positions[r.nextInt(positions.length)] : r.nextLong(1 + r.nextInt(5000));
            long[] df = new long[r.nextInt(60)];
            for (int i = 0; i < df.length; i++) {
                int kind = r.nextInt(10);
                long f = kind < 4 ? r.nextInt(3) : kind < 8 ? r.nextInt(70) : r.nextLong(1 + p);
                df[i] = Math.min(f, p);
            }
            assertEquals(Double.doubleToRawLongBits(EventMemory.surprisalReference(p, df)),
                    Double.doubleToRawLongBits(m.surprisal(p, df)), "p=" + p + " df=" + java.util.Arrays.toString(df));
        }
    }

    /**
     * A write's distinct terms and counts sorted in the memory's scratch arrays ({@link
     * EventMemory#distinctCountsScratch}) equal {@link EventMemory#distinctCounts}'s (the reference form), call after
     * call on one memory (longer and shorter term lists in turn, the scratch arrays' leftovers past each list;
     * repeats, negative ids, the empty list, lists past the scratch's bound); and the surprisal of a prefix of an
     * array equals that of the prefix's copy, bit for bit.
     */
    @Test
    void distinctCountsInScratchEqualTheReference() {
        SplittableRandom r = new SplittableRandom(71);
        EventMemory m = new EventMemory(EventSettings.defaults());
        for (int round = 0; round < 30_000; round++) {
            int kind = r.nextInt(20);
            int n = kind == 0 ? 0 : kind == 1 ? EventMemory.TERM_SCRATCH_MAX + r.nextInt(3) - 1
                    : kind == 2 ? r.nextInt(2 * EventMemory.TERM_SCRATCH_MAX) : r.nextInt(1 + r.nextInt(200));
            int range = r.nextInt(3) == 0 ? 1 + r.nextInt(20) : Integer.MAX_VALUE;
            int[] terms = new int[n];
            for (int i = 0; i < n; i++) {
                terms[i] = range == Integer.MAX_VALUE ? r.nextInt() : r.nextInt(range) - range / 2;
            }
            int[] before = terms.clone();
            int[][] want = EventMemory.distinctCounts(terms);
            int[][] got = m.distinctCountsScratch(terms);
            assertArrayEquals(before, terms, "the terms are not changed");
            assertArrayEquals(want[0], got[0], "distinct, n=" + n);
            assertArrayEquals(want[1], got[1], "counts, n=" + n);
            long p = r.nextLong(1 + r.nextInt(5000));
            long[] df = new long[n + r.nextInt(5)];
            for (int i = 0; i < df.length; i++) {
                df[i] = r.nextLong(1 + p);
            }
            int k = r.nextInt(df.length + 1);
            assertEquals(Double.doubleToRawLongBits(m.surprisal(p, java.util.Arrays.copyOf(df, k))),
                    Double.doubleToRawLongBits(m.surprisal(p, df, k)), "prefix " + k);
        }
    }

    /** A vector with every one of its {@code d} components nonzero. */
    private static float[] full(SplittableRandom r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
            v[i] = x != 0f ? x : 1f;
        }
        return v;
    }

    /** A dense vector: most components nonzero, some zero, magnitudes over several decades. */
    private static float[] dense(SplittableRandom r, int d) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = r.nextInt(6) == 0 ? 0f : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
        }
        return v;
    }
}
