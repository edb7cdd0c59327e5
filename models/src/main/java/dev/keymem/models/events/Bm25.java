package dev.keymem.models.events;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: plain Okapi BM25 (k1 = 1.2, b = 0.75, Lucene's idf) over one key's whole history, every
 * event scored for every query (no index cut-offs, no other signal). Heap only, for evaluations; the
 * event memory's lexical part uses the same formula over its own statistics.
 */
public final class Bm25 {
    private final double k1;
    private final double b;
    private final List<Map<Integer, Integer>> docs = new ArrayList<>();
    private final int[] lengths0 = new int[0];
    private int[] lengths = lengths0;
    private final Map<Integer, Integer> df = new HashMap<>();
    private long total;

    public Bm25() {
        this(1.2, 0.75);
    }

    public Bm25(double k1, double b) {
        this.k1 = k1;
        this.b = b;
    }

    /** Adds the next document (its terms, repeats counted). */
    public void add(int[] terms) {
        Map<Integer, Integer> tf = new HashMap<>();
        for (int t : terms) {
            tf.merge(t, 1, Integer::sum);
        }
        for (Integer t : tf.keySet()) {
            df.merge(t, 1, Integer::sum);
        }
        if (docs.size() == lengths.length) {
            lengths = Arrays.copyOf(lengths, Math.max(16, lengths.length * 2));
        }
        lengths[docs.size()] = terms.length;
        docs.add(tf);
        total += terms.length;
    }

    public int size() {
        return docs.size();
    }

    /** The indices of the {@code k} best documents for the query, best first (ties: the newer first). */
    public int[] top(int[] query, int k) {
        int n = docs.size();
        double avgdl = n == 0 ? 1 : Math.max(1e-9, (double) total / n);
        int[][] qtc = EventMemory.distinctCounts(query);
        double[] idf = new double[qtc[0].length];
        for (int i = 0; i < idf.length; i++) {
            idf[i] = EventMemory.idf(n, df.getOrDefault(qtc[0][i], 0));
        }
        double[] scores = new double[n];
        for (int d = 0; d < n; d++) {
            Map<Integer, Integer> tf = docs.get(d);
            double s = 0;
            for (int i = 0; i < idf.length; i++) {
                Integer f = tf.get(qtc[0][i]);
                if (f != null) {
                    s += qtc[1][i] * idf[i] * f * (k1 + 1) / (f + k1 * (1 - b + b * lengths[d] / avgdl));
                }
            }
            scores[d] = s;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = n - 1 - i;
        }
        Arrays.sort(idx, (a, c) -> Double.compare(scores[c], scores[a]));
        int m = Math.min(k, n);
        int[] out = new int[m];
        for (int i = 0; i < m; i++) {
            out[i] = idx[i];
        }
        return out;
    }
}
