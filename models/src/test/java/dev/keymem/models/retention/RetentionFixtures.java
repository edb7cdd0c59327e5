package dev.keymem.models.retention;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.backend.Backends;
import dev.keymem.models.testing.RandomInputs;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared shapes, settings and a chunked runner for the retention tests. */
final class RetentionFixtures {
    private RetentionFixtures() {
    }

    static CellSpec spec(CellKind kind, int heads, int dim) {
        return CellSpec.of(kind, heads, dim, dim, 16);
    }

    /** Small tiers with every feature on: sinks 3, window 16, block 8, T1 12, T2 4 slots, archive 20 (top 3). */
    static RetentionSettings small(int keyDim) {
        return RetentionSettings.defaults(keyDim).withTiers(3, 16, 8, 12, 4).withArchive(20, 3);
    }

    static TieredRetention model(CellSpec spec, RetentionSettings settings, boolean chunkedCell) {
        return new TieredRetention(chunkedCell ? Cells.chunked(spec, Backends.java()) : Cells.recurrent(spec), settings);
    }

    /** One run's results: outputs [T,H,V], events, final state and archive. */
    record Run(float[] out, List<RetentionEvent> events, RetentionState state, InMemoryArchiveStore archive) {
    }

    /** Random cut points in (0, length): chunks of 1..maxChunk tokens. */
    static int[] randomCuts(int length, int maxChunk, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> cuts = new ArrayList<>();
        int p = 0;
        while (true) {
            p += 1 + r.nextInt(maxChunk);
            if (p >= length) {
                break;
            }
            cuts.add(p);
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Continues {@code st} over {@code stream[from, to)} cut at the given absolute cut points. */
    static void runInto(TieredRetention m, RetentionState st, InMemoryArchiveStore archive, TokenChunk stream, int from,
                        int to, int[] cuts, float[] out, List<RetentionEvent> events) {
        int hv = stream.heads() * stream.valueDim();
        int start = from;
        List<Integer> ends = new ArrayList<>();
        for (int c : cuts) {
            if (c > from && c < to) {
                ends.add(c);
            }
        }
        ends.add(to);
        for (int end : ends) {
            TokenChunk piece = stream.slice(start, end);
            float[] o = new float[piece.length() * hv];
            events.addAll(m.forward(st, archive, piece, o));
            System.arraycopy(o, 0, out, start * hv, o.length);
            start = end;
        }
    }

    static Run run(TieredRetention m, TokenChunk stream, int[] cuts, long seed) {
        RetentionState st = m.newState(seed);
        InMemoryArchiveStore archive = new InMemoryArchiveStore();
        float[] out = new float[stream.length() * stream.heads() * stream.valueDim()];
        List<RetentionEvent> events = new ArrayList<>();
        runInto(m, st, archive, stream, 0, stream.length(), cuts, out, events);
        return new Run(out, events, st, archive);
    }

    static TokenChunk stream(CellSpec spec, int tokens, long seed) {
        return RandomInputs.chunk(spec, tokens, seed);
    }

    /** Float64 softmax over the exact entries and the used T2 slots (logit + ln n); weights of the exact entries per head. */
    static double[] unionOracle(List<RetainedToken> exact, CompressedSlots t2, float scale, float[] q, int qOff, int heads,
                           int d, List<double[]> weightsOut) {
        double[] out = new double[heads * d];
        for (int h = 0; h < heads; h++) {
            List<Double> logit = new ArrayList<>();
            List<double[]> val = new ArrayList<>();
            for (RetainedToken t : exact) {
                double s = 0;
                double[] v = new double[d];
                for (int x = 0; x < d; x++) {
                    s += (double) q[qOff + h * d + x] * t.k()[h * d + x];
                    v[x] = t.v()[h * d + x];
                }
                logit.add(s * scale);
                val.add(v);
            }
            for (int c = 0; c < t2.slots(); c++) {
                double n = t2.counts()[h * t2.slots() + c];
                if (n == 0) {
                    continue;
                }
                double s = 0;
                double[] v = new double[d];
                for (int x = 0; x < d; x++) {
                    s += (double) q[qOff + h * d + x] * t2.keys()[(h * t2.slots() + c) * d + x];
                    v[x] = t2.values()[(h * t2.slots() + c) * d + x];
                }
                logit.add(s * scale + Math.log(n));
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
                for (int x = 0; x < d; x++) {
                    out[h * d + x] += p * val.get(i)[x];
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
}
