package dev.keymem.models.retention.bench;

import java.util.ArrayList;
import java.util.List;

/** Exact (position, k, v, mass) entries and one softmax attention over them, for the baselines. */
final class ExactEntries {
    /** One kept token. */
    static final class Entry {
        final long position;
        final float[] k;
        final float[] v;
        double mass;

        Entry(long position, float[] k, float[] v) {
            this.position = position;
            this.k = k;
            this.v = v;
        }
    }

    private ExactEntries() {
    }

    /**
     * out = softmax(scale q . k_i) weighted sum of v_i over the entries; when {@code accumulate}, every
     * entry's mass += its weight.
     */
    static float[] attend(List<Entry> entries, float[] q, int qOff, int dim, double scale, boolean accumulate) {
        double[] logits = new double[entries.size()];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < entries.size(); i++) {
            float[] k = entries.get(i).k;
            double d = 0;
            for (int x = 0; x < dim; x++) {
                d += (double) q[qOff + x] * k[x];
            }
            logits[i] = d * scale;
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double[] acc = new double[dim];
        for (int i = 0; i < entries.size(); i++) {
            double e = Math.exp(logits[i] - max);
            logits[i] = e;
            sum += e;
            float[] v = entries.get(i).v;
            for (int x = 0; x < dim; x++) {
                acc[x] += e * v[x];
            }
        }
        float[] out = new float[dim];
        if (sum == 0) {
            return out;
        }
        for (int x = 0; x < dim; x++) {
            out[x] = (float) (acc[x] / sum);
        }
        if (accumulate) {
            for (int i = 0; i < entries.size(); i++) {
                entries.get(i).mass += logits[i] / sum;
            }
        }
        return out;
    }

    static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }
}
