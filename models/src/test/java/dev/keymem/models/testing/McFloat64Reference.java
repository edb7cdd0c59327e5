package dev.keymem.models.testing;

import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.ReadVariant;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.CachingSettings.TtlMode;
import dev.keymem.models.cells.CellKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A float64 oracle for Memory Caching over the four matrix cells, written from docs/design/mechanisms.md section 2
 * and the documented rules of dev.keymem.models.caching, token by token, sharing no code with it. The
 * cell recurrence is {@link Float64Reference} run one token at a time.
 */
public final class McFloat64Reference {

    /** One cache: state [H,K,V], key sums z [H,K], and its summary. */
    private static final class Cache {
        double[] s;
        double[] z;
        long start;
        long end;
        long count;
        double[] keySum;
        double[] logDecay;
        long ts;
        double mass;
        long exposure;
    }

    private final CachingSettings set;
    private final CellKind kind;
    private final int heads;
    private final int keyDim;
    private final int valueDim;
    private final double scale;
    private final boolean normalize;

    private double[] s;
    private double[] z;
    private long pos;
    private double[] segSum;
    private double[] segDecay;
    private long segStart;
    private final List<Cache> caches = new ArrayList<>();

    public McFloat64Reference(CachingSettings settings, CellKind kind, int heads, int keyDim, int valueDim,
                              double scale, boolean normalize) {
        this.set = settings;
        this.kind = kind;
        this.heads = heads;
        this.keyDim = keyDim;
        this.valueDim = valueDim;
        this.scale = scale;
        this.normalize = normalize;
        s = new double[heads * keyDim * valueDim];
        z = new double[heads * keyDim];
        segSum = new double[heads * keyDim];
        segDecay = new double[heads];
    }

    public int cacheCount() {
        return caches.size();
    }

    /** [start, end) spans of the caches, oldest first. */
    public List<long[]> spans() {
        List<long[]> r = new ArrayList<>();
        for (Cache c : caches) {
            r.add(new long[] {c.start, c.end, c.count});
        }
        return r;
    }

    /** Runs tokens (layouts as TokenChunk), returns the reads [T,H,V]. u may be null (u = q). */
    public double[] run(int tokens, float[] q, float[] k, float[] v, float[] beta, float[] g, float[] u,
                        long[] timestamps) {
        int hk = heads * keyDim;
        int hv = heads * valueDim;
        float[] gate = u == null ? q : u;
        double[] out = new double[tokens * hv];
        for (int t = 0; t < tokens; t++) {
            float[] q1 = slice(q, t, hk);
            Float64Reference.Result r = Float64Reference.run(kind, 1, heads, keyDim, valueDim, q1, slice(k, t, hk),
                    slice(v, t, hv), beta == null ? null : slice(beta, t, heads), g == null ? null : slice(g, t, heads),
                    scale, normalize, s, z);
            s = r.state();
            z = r.keySums();
            pos++;
            for (int x = 0; x < hk; x++) {
                segSum[x] += k[t * hk + x];
            }
            for (int h = 0; h < heads; h++) {
                segDecay[h] += g == null ? 0 : g[t * heads + h];
            }
            int n = caches.size();
            double[] o = new double[hv];
            if (set.read() == ReadVariant.RESIDUAL) {
                add(o, r.out(), 1.0, -1);
                for (Cache c : caches) {
                    add(o, read(c.s, c.z, q1), 1.0, -1);
                }
            } else {
                boolean perHead = set.gatesPerHead();
                int groups = perHead ? heads : 1;
                double[][] gamma = new double[groups][];
                for (int gi = 0; gi < groups; gi++) {
                    double[] logit = new double[n + 1];
                    for (int h = 0; h < heads; h++) {
                        if (perHead && h != gi) {
                            continue;
                        }
                        for (int i = 0; i <= n; i++) {
                            double[] sum = i < n ? caches.get(i).keySum : segSum;
                            double cnt = i < n ? caches.get(i).count : pos - segStart;
                            for (int x = 0; x < keyDim; x++) {
                                logit[i] += gate[t * hk + h * keyDim + x] * sum[h * keyDim + x] / cnt;
                            }
                        }
                    }
                    boolean[] keep = new boolean[n + 1];
                    keep[n] = true;
                    int k2 = set.read() == ReadVariant.SSC ? Math.min(set.topK(), n) : n;
                    for (int sel = 0; sel < k2; sel++) {
                        int best = -1;
                        for (int i = 0; i < n; i++) {
                            if (!keep[i] && (best < 0 || logit[i] > logit[best])) {
                                best = i;
                            }
                        }
                        keep[best] = true;
                    }
                    double max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i <= n; i++) {
                        if (keep[i]) {
                            max = Math.max(max, logit[i]);
                        }
                    }
                    double tot = 0;
                    gamma[gi] = new double[n + 1];
                    for (int i = 0; i <= n; i++) {
                        if (keep[i]) {
                            gamma[gi][i] = Math.exp(logit[i] - max);
                            tot += gamma[gi][i];
                        }
                    }
                    for (int i = 0; i <= n; i++) {
                        gamma[gi][i] /= tot;
                    }
                    for (int i = 0; i < n; i++) {
                        caches.get(i).mass += gamma[gi][i];
                        caches.get(i).exposure++;
                    }
                }
                if (set.read() == ReadVariant.SOUP) {
                    double[] ms = new double[s.length];
                    double[] mz = new double[z.length];
                    int kv = keyDim * valueDim;
                    for (int h = 0; h < heads; h++) {
                        double[] gm = gamma[perHead ? h : 0];
                        for (int i = 0; i <= n; i++) {
                            double[] cs = i < n ? caches.get(i).s : s;
                            double[] cz = i < n ? caches.get(i).z : z;
                            for (int x = h * kv; x < (h + 1) * kv; x++) {
                                ms[x] += gm[i] * cs[x];
                            }
                            for (int x = h * keyDim; x < (h + 1) * keyDim; x++) {
                                mz[x] += gm[i] * cz[x];
                            }
                        }
                    }
                    o = read(ms, mz, q1);
                } else {
                    for (int h = 0; h < heads; h++) {
                        double[] gm = gamma[perHead ? h : 0];
                        addHead(o, r.out(), gm[n], h);
                        for (int i = 0; i < n; i++) {
                            if (gm[i] != 0) {
                                addHead(o, read(caches.get(i).s, caches.get(i).z, q1), gm[i], h);
                            }
                        }
                    }
                }
            }
            System.arraycopy(o, 0, out, t * hv, hv);
            if (pos % set.segmentLength() == 0) {
                close(timestamps == null ? 0 : timestamps[t]);
            }
        }
        return out;
    }

    private void close(long ts) {
        Cache c = new Cache();
        c.s = s.clone();
        c.z = z.clone();
        c.start = segStart;
        c.end = pos;
        c.count = pos - segStart;
        c.keySum = segSum.clone();
        c.logDecay = segDecay.clone();
        c.ts = ts;
        caches.add(c);
        segStart = pos;
        segSum = new double[heads * keyDim];
        segDecay = new double[heads];
        if (set.carryOver() == CarryOver.INDEPENDENT) {
            s = new double[s.length];
            z = new double[z.length];
        }
        if (set.segmentation() == Segmentation.LOGARITHMIC) {
            while (caches.size() >= 2 && caches.get(caches.size() - 2).count == caches.get(caches.size() - 1).count) {
                merge(caches.size() - 2);
            }
        }
        if (set.ttlMode() == TtlMode.POSITION) {
            caches.removeIf(x -> pos - x.end >= set.ttl());
        } else if (set.ttlMode() == TtlMode.TIMESTAMP) {
            caches.removeIf(x -> ts - x.ts >= set.ttl());
        }
        while (set.maxCaches() > 0 && caches.size() > set.maxCaches()) {
            if (set.eviction() == Eviction.MERGE_OLDEST) {
                merge(0);
            } else {
                int worst = 0;
                for (int i = 1; i < caches.size() - 1; i++) {
                    if (rate(caches.get(i)) < rate(caches.get(worst))) {
                        worst = i;
                    }
                }
                caches.remove(worst);
            }
        }
    }

    private static double rate(Cache c) {
        return c.exposure == 0 ? 0 : c.mass / c.exposure;
    }

    /** Older cache i and newer i+1 become one, as documented in CacheBook.merge. */
    private void merge(int i) {
        Cache a = caches.get(i);
        Cache b = caches.get(i + 1);
        if (set.carryOver() == CarryOver.INDEPENDENT) {
            int kv = keyDim * valueDim;
            for (int h = 0; h < heads; h++) {
                double d = Math.exp(b.logDecay[h]);
                for (int x = h * kv; x < (h + 1) * kv; x++) {
                    b.s[x] += d * a.s[x];
                }
            }
            for (int x = 0; x < b.z.length; x++) {
                b.z[x] += a.z[x];
            }
        }
        b.start = a.start;
        b.count += a.count;
        for (int x = 0; x < b.keySum.length; x++) {
            b.keySum[x] += a.keySum[x];
        }
        for (int h = 0; h < heads; h++) {
            b.logDecay[h] += a.logDecay[h];
        }
        b.mass += a.mass;
        b.exposure += a.exposure;
        caches.remove(i);
    }

    private double[] read(double[] st, double[] zs, float[] q1) {
        double[] o = new double[heads * valueDim];
        for (int h = 0; h < heads; h++) {
            double den = 0;
            for (int x = 0; x < keyDim; x++) {
                den += scale * q1[h * keyDim + x] * zs[h * keyDim + x];
            }
            for (int j = 0; j < valueDim; j++) {
                double acc = 0;
                for (int x = 0; x < keyDim; x++) {
                    acc += st[(h * keyDim + x) * valueDim + j] * scale * q1[h * keyDim + x];
                }
                o[h * valueDim + j] = normalize ? acc / (den + 1e-10) : acc;
            }
        }
        return o;
    }

    private static void add(double[] o, double[] r, double w, int unused) {
        for (int x = 0; x < o.length; x++) {
            o[x] += w * r[x];
        }
    }

    private void addHead(double[] o, double[] r, double w, int h) {
        for (int x = h * valueDim; x < (h + 1) * valueDim; x++) {
            o[x] += w * r[x];
        }
    }

    private static float[] slice(float[] a, int t, int width) {
        float[] r = new float[width];
        System.arraycopy(a, t * width, r, 0, width);
        return r;
    }
}
