package dev.keymem.jobs.recall;

import dev.keymem.models.cells.TokenChunk;

/**
 * The upper bound: exact softmax attention of each query over every written (k, v) so far, i.e. a
 * key-value cache that keeps every token. State grows with the stream: (K + V) floats per token.
 */
public final class ExactAttention implements RecallMemory {
    private long bytes;

    @Override
    public String name() {
        return "exact attention (KV cache)";
    }

    @Override
    public float[] run(RecallStream s, int chunk) {
        int dim = s.dim();
        float[] keys = new float[s.length() * dim];
        float[] values = new float[s.length() * dim];
        int stored = 0;
        float[] out = new float[s.length() * dim];
        double[] w = new double[s.length()];
        for (int from = 0; from < s.length(); from += chunk) {
            int to = Math.min(s.length(), from + chunk);
            TokenChunk c = s.chunk(from, to);
            for (int t = 0; t < c.length(); t++) {
                if (c.beta()[t] > 0) {
                    System.arraycopy(c.k(), t * dim, keys, stored * dim, dim);
                    System.arraycopy(c.v(), t * dim, values, stored * dim, dim);
                    stored++;
                }
                if (from + t < s.firstQuery() || stored == 0) {
                    continue; // only the queries are scored; skip the O(n^2) work elsewhere
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < stored; i++) {
                    double dot = 0;
                    for (int d = 0; d < dim; d++) {
                        dot += (double) c.q()[t * dim + d] * keys[i * dim + d];
                    }
                    w[i] = dot;
                    max = Math.max(max, dot);
                }
                double sum = 0;
                for (int i = 0; i < stored; i++) {
                    w[i] = Math.exp(w[i] - max);
                    sum += w[i];
                }
                for (int i = 0; i < stored; i++) {
                    double a = w[i] / sum;
                    for (int d = 0; d < dim; d++) {
                        out[(from + t) * dim + d] += (float) (a * values[i * dim + d]);
                    }
                }
            }
        }
        bytes = (long) stored * 2 * dim * Float.BYTES;
        return out;
    }

    @Override
    public long stateBytes() {
        return bytes;
    }
}
