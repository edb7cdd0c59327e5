package dev.keymem.models.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.Float64Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The merged tier read equals one float64 softmax over the union of every tier's entries. */
class TierReadTest {
    private static final int H = 2;
    private static final int D = 8;

    /** Float64 oracle: out [H*V] and the weights of the exact entries (per head) for one query. */
    static double[] oracle(RetentionState st, float scale, float[] q, int qOff, List<double[]> weightsOut) {
        return oracle(st, List.of(), scale, q, qOff, weightsOut);
    }

    static double[] oracle(RetentionState st, List<RetainedToken> extra, float scale, float[] q, int qOff,
                           List<double[]> weightsOut) {
        List<RetainedToken> exact = new ArrayList<>(extra);
        exact.addAll(st.sinks());
        exact.addAll(st.window());
        exact.addAll(st.retained());
        exact.addAll(st.recalled());
        CompressedSlots t2 = st.compressed();
        double[] out = new double[H * D];
        for (int h = 0; h < H; h++) {
            List<Double> logit = new ArrayList<>();
            List<double[]> val = new ArrayList<>();
            for (RetainedToken t : exact) {
                double d = 0;
                for (int x = 0; x < D; x++) {
                    d += (double) q[qOff + h * D + x] * t.k()[h * D + x];
                }
                logit.add(d * scale);
                double[] v = new double[D];
                for (int x = 0; x < D; x++) {
                    v[x] = t.v()[h * D + x];
                }
                val.add(v);
            }
            for (int c = 0; c < t2.slots(); c++) {
                double n = t2.counts()[h * t2.slots() + c];
                if (n == 0) {
                    continue;
                }
                double d = 0;
                for (int x = 0; x < D; x++) {
                    d += (double) q[qOff + h * D + x] * t2.keys()[(h * t2.slots() + c) * D + x];
                }
                logit.add(d * scale + Math.log(n));
                double[] v = new double[D];
                for (int x = 0; x < D; x++) {
                    v[x] = t2.values()[(h * t2.slots() + c) * D + x];
                }
                val.add(v);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logit) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (double l : logit) {
                sum += Math.exp(l - max);
            }
            double[] w = new double[exact.size()];
            for (int i = 0; i < logit.size(); i++) {
                double p = Math.exp(logit.get(i) - max) / sum;
                for (int x = 0; x < D; x++) {
                    out[h * D + x] += p * val.get(i)[x];
                }
                if (i < exact.size()) {
                    w[i] = p;
                }
            }
            if (weightsOut != null) {
                weightsOut.add(w);
            }
        }
        return out;
    }

    private static RetentionState stateAt(TieredRetention m, TokenChunk stream, int tokens) {
        RetentionState st = m.newState(5L);
        m.forward(st, new InMemoryArchiveStore(), stream.slice(0, tokens), new float[tokens * H * D]);
        return st;
    }

    @Test
    void readMatchesFloat64SoftmaxOverTheUnion() {
        CellSpec spec = RetentionFixtures.spec(CellKind.GATED_DELTA, H, D);
        RetentionSettings s = RetentionFixtures.small(D);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        TokenChunk stream = RetentionFixtures.stream(spec, 400, 17);
        RetentionState st = stateAt(m, stream, 301);
        assertTrue(!st.sinks().isEmpty() && !st.window().isEmpty() && !st.retained().isEmpty()
                && !st.recalled().isEmpty() && st.compressed().used(0) > 0 && st.compressed().used(1) > 0,
                "every tier is populated: " + st);
        SplittableRandom r = new SplittableRandom(3);
        for (double qNorm : new double[] {0.5, 3.0, 12.0}) {
            int n = 20;
            float[] q = new float[n * H * D];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) (qNorm * r.nextGaussian());
            }
            float[] out = new float[n * H * D];
            RetentionState before = st.copy();
            m.read(st, q, n, out);
            assertEquals(before, st, "read does not change the state");
            double[] ref = new double[n * H * D];
            for (int t = 0; t < n; t++) {
                System.arraycopy(oracle(st, s.scale(), q, t * H * D, null), 0, ref, t * H * D, H * D);
            }
            double err = Float64Reference.relError(out, ref);
            assertTrue(err <= 1e-4, "read vs float64 union softmax, |q|~" + qNorm + ": " + err);
        }
    }

    @Test
    void readWithArchiveAddsTheTopKArchivedEntriesPerQuery() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, H, D);
        RetentionSettings s = RetentionFixtures.small(D);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        TokenChunk stream = RetentionFixtures.stream(spec, 400, 29);
        RetentionState st = m.newState(5L);
        InMemoryArchiveStore archive = new InMemoryArchiveStore();
        m.forward(st, archive, stream, new float[400 * H * D]);
        assertEquals(20, archive.size());
        java.util.Set<Long> recalled = new java.util.HashSet<>();
        st.recalled().forEach(t -> recalled.add(t.position()));
        SplittableRandom r = new SplittableRandom(4);
        for (int k : new int[] {1, 5, 100}) {
            float[] q = new float[H * D];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) (4 * r.nextGaussian());
            }
            List<RetainedToken> cands = new ArrayList<>();
            archive.forEach(t -> {
                if (!recalled.contains(t.position())) {
                    cands.add(t);
                }
            });
            java.util.function.ToDoubleFunction<RetainedToken> score = t -> {
                double d = 0;
                for (int x = 0; x < H * D; x++) {
                    d += (double) q[x] * t.k()[x];
                }
                return d;
            };
            cands.sort(java.util.Comparator.comparingDouble(score).reversed());
            List<RetainedToken> top = cands.subList(0, Math.min(k, cands.size()));
            float[] out = new float[H * D];
            m.read(st, archive, k, q, 1, out);
            double err = Float64Reference.relError(out, oracle(st, top, s.scale(), q, 0, null));
            assertTrue(err <= 1e-4, "read with archive top-" + k + ": " + err);
            float[] plain = new float[H * D];
            m.read(st, q, 1, plain);
            assertTrue(Float64Reference.relError(plain, oracle(st, s.scale(), q, 0, null)) <= 1e-4);
        }
    }

    @Test
    void forwardReadsTheTokenItselfAndAccumulatesOracleMassOnEarlierTokens() {
        CellSpec spec = RetentionFixtures.spec(CellKind.DELTA, H, D);
        RetentionSettings s = RetentionFixtures.small(D);
        TieredRetention m = RetentionFixtures.model(spec, s, true);
        TokenChunk stream = RetentionFixtures.stream(spec, 400, 23);
        RetentionState st = stateAt(m, stream, 250); // 250 % 8 != 7: the next token closes no block
        java.util.Map<Long, Double> massBefore = new java.util.HashMap<>();
        for (List<RetainedToken> l : List.of(st.sinks(), st.window(), st.retained())) {
            l.forEach(t -> massBefore.put(t.position(), t.mass()));
        }
        float[] out = new float[H * D];
        List<RetentionEvent> ev = m.forward(st, new InMemoryArchiveStore(), stream.slice(250, 251), out);
        assertTrue(ev.isEmpty());
        assertEquals(250L, st.window().get(st.window().size() - 1).position(), "the token joined T0");
        List<double[]> w = new ArrayList<>();
        float[] q = stream.slice(250, 251).q();
        double[] ref = oracle(st, s.scale(), q, 0, w);
        assertTrue(Float64Reference.relError(out, ref) <= 1e-4, "forward output vs oracle");
        int i = 0;
        for (List<RetainedToken> l : List.of(st.sinks(), st.window(), st.retained())) {
            for (RetainedToken t : l) {
                double expected = t.position() == 250 ? 0.0 : (w.get(0)[i] + w.get(1)[i]) / H;
                double before = massBefore.getOrDefault(t.position(), 0.0);
                assertEquals(expected, t.mass() - before, 1e-9, "mass of position " + t.position());
                i++;
            }
        }
    }

    @Test
    void compressedSlotsAreRunningMeansOfTheirTokens() {
        int slots = 3;
        CompressedSlots c = new CompressedSlots(H, slots, D, D);
        SplittableRandom r = new SplittableRandom(8);
        List<float[][]> toks = new ArrayList<>();
        List<int[]> chosen = new ArrayList<>();
        for (int t = 0; t < 25; t++) {
            float[] k = new float[H * D];
            float[] v = new float[H * D];
            for (int x = 0; x < k.length; x++) {
                k[x] = (float) r.nextGaussian();
                v[x] = (float) r.nextGaussian();
            }
            toks.add(new float[][] {k, v});
            chosen.add(c.fold(k, v));
        }
        for (int h = 0; h < H; h++) {
            for (int s = 0; s < slots; s++) {
                double[] km = new double[D];
                double[] vm = new double[D];
                int n = 0;
                for (int t = 0; t < toks.size(); t++) {
                    if (chosen.get(t)[h] == s) {
                        n++;
                        for (int x = 0; x < D; x++) {
                            km[x] += toks.get(t)[0][h * D + x];
                            vm[x] += toks.get(t)[1][h * D + x];
                        }
                    }
                }
                assertEquals(n, c.counts()[h * slots + s], "count of head " + h + " slot " + s);
                assertTrue(n > 0, "every slot used");
                for (int x = 0; x < D; x++) {
                    assertEquals(km[x] / n, c.keys()[(h * slots + s) * D + x], 1e-9);
                    assertEquals(vm[x] / n, c.values()[(h * slots + s) * D + x], 1e-9);
                }
            }
            for (int t = 0; t < slots; t++) {
                assertEquals(t, chosen.get(t)[h], "the first tokens fill slots in order");
            }
        }
    }
}
