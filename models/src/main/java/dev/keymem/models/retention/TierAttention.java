package dev.keymem.models.retention;

import java.util.List;

/**
 * The read of mechanisms.md section 5: for each head, one softmax attention of scale * q over the union
 * of the exact tiers (each entry: logit scale q . k, value v) and the T2 slots (logit
 * scale q . kbar + ln n, value vbar). Each tier is reduced on its own to (max logit m_i, sum of
 * exp(logit - m_i) l_i, unnormalised output o_i), and the tiers are merged exactly:
 * m = max m_i, l = sum l_i exp(m_i - m), o = sum o_i exp(m_i - m) / l, which equals one softmax over
 * the union. Arithmetic in double; the output is rounded to float once.
 */
final class TierAttention {
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final double scale;
    private final double[] acc;

    TierAttention(int heads, int keyDim, int valueDim, double scale) {
        this.heads = heads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.acc = new double[valueDim];
    }

    /**
     * Reads one token's query q[qOff .. qOff + H*K) into out[outOff .. outOff + H*V). When {@code mass}
     * is not null, mass[i][j] += (softmax weight of tiers.get(i).get(j)) / H for every exact entry.
     */
    void read(float[] q, int qOff, List<List<RetainedToken>> tiers, CompressedSlots t2, float[] out, int outOff,
              double[][] mass) {
        int nt = tiers.size();
        double[][] logits = new double[nt][];
        for (int i = 0; i < nt; i++) {
            logits[i] = new double[tiers.get(i).size()];
        }
        double[] slotLogits = t2 == null ? new double[0] : new double[t2.slots()];
        for (int h = 0; h < heads; h++) {
            double m = Double.NEGATIVE_INFINITY;
            double l = 0;
            java.util.Arrays.fill(acc, 0);
            for (int i = 0; i < nt; i++) {
                List<RetainedToken> tier = tiers.get(i);
                if (tier.isEmpty()) {
                    continue;
                }
                double mi = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < tier.size(); j++) {
                    double d = dot(q, qOff + h * keyDim, tier.get(j).k(), h * keyDim) * scale;
                    logits[i][j] = d;
                    mi = Math.max(mi, d);
                }
                double li = 0;
                double[] oi = new double[valueDim];
                for (int j = 0; j < tier.size(); j++) {
                    double e = Math.exp(logits[i][j] - mi);
                    li += e;
                    float[] v = tier.get(j).v();
                    for (int x = 0; x < valueDim; x++) {
                        oi[x] += e * v[h * valueDim + x];
                    }
                }
                double[] ml = merge(m, l, mi, li, oi);
                m = ml[0];
                l = ml[1];
            }
            int used = t2 == null ? 0 : t2.used(h);
            if (used > 0) {
                double mi = Double.NEGATIVE_INFINITY;
                int base = h * t2.slots();
                for (int c = 0; c < used; c++) {
                    double d = 0;
                    int kb = (base + c) * keyDim;
                    for (int x = 0; x < keyDim; x++) {
                        d += q[qOff + h * keyDim + x] * t2.keys()[kb + x];
                    }
                    slotLogits[c] = d * scale + Math.log(t2.counts()[base + c]);
                    mi = Math.max(mi, slotLogits[c]);
                }
                double li = 0;
                double[] oi = new double[valueDim];
                for (int c = 0; c < used; c++) {
                    double e = Math.exp(slotLogits[c] - mi);
                    li += e;
                    int vb = (base + c) * valueDim;
                    for (int x = 0; x < valueDim; x++) {
                        oi[x] += e * t2.values()[vb + x];
                    }
                }
                double[] ml = merge(m, l, mi, li, oi);
                m = ml[0];
                l = ml[1];
            }
            for (int x = 0; x < valueDim; x++) {
                out[outOff + h * valueDim + x] = l == 0 ? 0f : (float) (acc[x] / l);
            }
            if (mass != null && l > 0) {
                for (int i = 0; i < nt; i++) {
                    for (int j = 0; j < logits[i].length; j++) {
                        mass[i][j] += Math.exp(logits[i][j] - m) / l / heads;
                    }
                }
            }
        }
    }

    /** Merges the tier partial (mi, li, oi) into the running (m, l, acc); returns the new (m, l). */
    private double[] merge(double m, double l, double mi, double li, double[] oi) {
        double nm = Math.max(m, mi);
        double a = l == 0 ? 0 : Math.exp(m - nm);
        double b = Math.exp(mi - nm);
        for (int x = 0; x < valueDim; x++) {
            acc[x] = acc[x] * a + oi[x] * b;
        }
        return new double[] {nm, l * a + li * b};
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
