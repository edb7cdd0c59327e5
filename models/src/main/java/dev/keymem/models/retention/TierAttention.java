package dev.keymem.models.retention;

import java.util.List;

/**
 * The read of docs/design/mechanisms.md section 5: for each head, one softmax attention of scale * q over the union
 * of the exact tiers (each entry: logit scale q . k, value v) and the T2 slots (logit
 * scale q . kbar + ln n, value vbar). Each tier is reduced on its own to (max logit m_i, sum of
 * exp(logit - m_i) l_i, unnormalised output o_i), and the tiers are merged exactly:
 * m = max m_i, l = sum l_i exp(m_i - m), o = sum o_i exp(m_i - m) / l, which equals one softmax over
 * the union. Arithmetic in double; the output is rounded to float once. Keeps scratch buffers: not
 * thread-safe.
 */
final class TierAttention {
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final double scale;
    private final double[] acc;
    private final double[] part;
    private double[] logits = new double[64];
    private double[] slotLogits = new double[0];
    private double[] tierMax = new double[4];
    private double m;
    private double l;

    TierAttention(int heads, int keyDim, int valueDim, double scale) {
        this.heads = heads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.acc = new double[valueDim];
        this.part = new double[valueDim];
    }

    /**
     * Reads one token's query q[qOff .. qOff + H*K) into out[outOff .. outOff + H*V). The softmax weight
     * of every entry of the first {@code massTiers} tiers, divided by H, is added to its attention mass.
     */
    void read(float[] q, int qOff, List<List<RetainedToken>> tiers, int massTiers, CompressedSlots t2, float[] out,
              int outOff) {
        int nt = tiers.size();
        int total = 0;
        for (List<RetainedToken> tier : tiers) {
            total += tier.size();
        }
        if (logits.length < total) {
            logits = new double[Math.max(total, 2 * logits.length)];
        }
        if (tierMax.length < nt) {
            tierMax = new double[nt];
        }
        int slots = t2 == null ? 0 : t2.slots();
        if (slotLogits.length < slots) {
            slotLogits = new double[slots];
        }
        for (int h = 0; h < heads; h++) {
            m = Double.NEGATIVE_INFINITY;
            l = 0;
            java.util.Arrays.fill(acc, 0);
            int base = 0;
            for (int i = 0; i < nt; i++) {
                List<RetainedToken> tier = tiers.get(i);
                int n = tier.size();
                if (n == 0) {
                    continue;
                }
                double mi = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    double d = dot(q, qOff + h * keyDim, tier.get(j).k(), h * keyDim) * scale;
                    logits[base + j] = d;
                    mi = Math.max(mi, d);
                }
                double li = 0;
                java.util.Arrays.fill(part, 0);
                for (int j = 0; j < n; j++) {
                    double e = Math.exp(logits[base + j] - mi);
                    logits[base + j] = e;
                    li += e;
                    float[] v = tier.get(j).v();
                    int vb = h * valueDim;
                    for (int x = 0; x < valueDim; x++) {
                        part[x] += e * v[vb + x];
                    }
                }
                merge(mi, li);
                tierMax[i] = mi;
                base += n;
            }
            int used = t2 == null ? 0 : t2.used(h);
            if (used > 0) {
                double mi = Double.NEGATIVE_INFINITY;
                int sb = h * t2.slots();
                for (int c = 0; c < used; c++) {
                    double d = 0;
                    int kb = (sb + c) * keyDim;
                    for (int x = 0; x < keyDim; x++) {
                        d += q[qOff + h * keyDim + x] * t2.keys()[kb + x];
                    }
                    slotLogits[c] = d * scale + Math.log(t2.counts()[sb + c]);
                    mi = Math.max(mi, slotLogits[c]);
                }
                double li = 0;
                java.util.Arrays.fill(part, 0);
                for (int c = 0; c < used; c++) {
                    double e = Math.exp(slotLogits[c] - mi);
                    li += e;
                    int vb = (sb + c) * valueDim;
                    for (int x = 0; x < valueDim; x++) {
                        part[x] += e * t2.values()[vb + x];
                    }
                }
                merge(mi, li);
            }
            for (int x = 0; x < valueDim; x++) {
                out[outOff + h * valueDim + x] = l == 0 ? 0f : (float) (acc[x] / l);
            }
            if (massTiers > 0 && l > 0) {
                base = 0;
                for (int i = 0; i < massTiers; i++) {
                    List<RetainedToken> tier = tiers.get(i);
                    double f = tier.isEmpty() ? 0 : Math.exp(tierMax[i] - m) / l / heads;
                    for (int j = 0; j < tier.size(); j++) {
                        tier.get(j).addMass(logits[base + j] * f);
                    }
                    base += tier.size();
                }
            }
        }
    }

    /** Merges the tier partial (mi, li, part) into the running (m, l, acc). */
    private void merge(double mi, double li) {
        double nm = Math.max(m, mi);
        double a = l == 0 ? 0 : Math.exp(m - nm);
        double b = Math.exp(mi - nm);
        for (int x = 0; x < valueDim; x++) {
            acc[x] = acc[x] * a + part[x] * b;
        }
        m = nm;
        l = l * a + li * b;
    }

    private static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double d = 0;
        for (int x = 0; x < n; x++) {
            d += (double) a[ao + x] * b[bo + x];
        }
        return d;
    }

    private double dot(float[] q, int qo, float[] k, int ko) {
        return dot(q, qo, k, ko, keyDim);
    }
}
