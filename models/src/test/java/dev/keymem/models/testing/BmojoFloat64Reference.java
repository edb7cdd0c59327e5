package dev.keymem.models.testing;

import dev.keymem.models.cells.CellKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An independent float64 oracle for B'MOJO (docs/design/mechanisms.md section 3) over the four matrix cells,
 * written as literally as the spec reads, token by token, with lists and no shared code with the
 * production classes: the cell recurrence in double, the innovation ||v - S^T k|| (S after the decay,
 * before the write), admission when a token leaves the window (threshold, or the top-m of each aligned
 * block chosen by sorting the whole block), eviction of the lowest innovation (ties: the oldest) to an
 * archive list (with archiveCap &gt; 0: when a head's archive then holds more than archiveCap entries,
 * the lowest innovation, ties: the older, is dropped), retrieval by sorting the archive, and the read as ONE softmax over the explicit union
 * [eidetic; retrieved; fading (k_x, o_x) for x in [p-2w+1, p-w]; window (k_x, v_x) for x in [p-w+1, p]].
 */
public final class BmojoFloat64Reference {

    private BmojoFloat64Reference() {
    }

    /** The settings the oracle understands (topM == 0 means threshold admission). */
    public record Setup(int window, int capacity, double threshold, int topM, int blockLength, int retrieveK,
                        int retrieveEvery, int archiveCap) {

        /** An unbounded archive (archiveCap 0). */
        public Setup(int window, int capacity, double threshold, int topM, int blockLength, int retrieveK,
                     int retrieveEvery) {
            this(window, capacity, threshold, topM, blockLength, retrieveK, retrieveEvery, 0);
        }
    }

    /** One admission, eviction or archive drop: type is "ADMITTED", "EVICTED" or "DROPPED". */
    public record Event(String type, long step, int head, long position) {
    }

    /**
     * Reads [T,H,V], innovations [T,H], the events in order, and the smallest relative margin of any
     * innovation comparison that decided an event (threshold, top-m cut, lowest-innovation eviction or
     * archive drop):
     * a float32 run may decide differently only where that margin is within rounding.
     */
    public record Result(double[] out, double[] innovations, List<Event> events, double minMargin) {
    }

    private record Entry(long position, double innovation, double[] key, double[] value) {
    }

    public static Result run(CellKind kind, int tokens, int heads, int keyDim, int valueDim,
                             float[] q, float[] k, float[] v, float[] beta, float[] g,
                             double scale, boolean normalize, Setup setup) {
        int H = heads;
        int K = keyDim;
        int V = valueDim;
        int w = setup.window();
        double[][][] s = new double[H][K][V];
        double[][] z = new double[H][K];
        double[][][] o = new double[tokens][H][];
        double[] innov = new double[tokens * H];
        double[] out = new double[tokens * H * V];
        List<Event> events = new ArrayList<>();
        double margin = Double.POSITIVE_INFINITY;
        List<List<Entry>> eidetic = new ArrayList<>();
        List<List<Entry>> archive = new ArrayList<>();
        List<List<Entry>> retrieved = new ArrayList<>();
        for (int h = 0; h < H; h++) {
            eidetic.add(new ArrayList<>());
            archive.add(new ArrayList<>());
            retrieved.add(new ArrayList<>());
        }
        for (int p = 0; p < tokens; p++) {
            for (int h = 0; h < H; h++) {
                double[] kp = vec(k, (p * H + h) * K, K);
                double[] vp = vec(v, (p * H + h) * V, V);
                double[] qp = vec(q, (p * H + h) * K, K);
                if (kind.usesGate()) {
                    double a = Math.exp(g[p * H + h]);
                    for (double[] row : s[h]) {
                        for (int j = 0; j < V; j++) {
                            row[j] *= a;
                        }
                    }
                }
                double[] pred = new double[V];
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < V; j++) {
                        pred[j] += s[h][i][j] * kp[i];
                    }
                }
                double e2 = 0;
                for (int j = 0; j < V; j++) {
                    e2 += (vp[j] - pred[j]) * (vp[j] - pred[j]);
                }
                innov[p * H + h] = Math.sqrt(e2);
                double[] written = new double[V];
                for (int j = 0; j < V; j++) {
                    written[j] = kind.usesBeta() ? beta[p * H + h] * (vp[j] - pred[j]) : vp[j];
                }
                for (int i = 0; i < K; i++) {
                    for (int j = 0; j < V; j++) {
                        s[h][i][j] += kp[i] * written[j];
                    }
                    z[h][i] += kp[i];
                }
                double[] op = new double[V];
                double den = 0;
                for (int i = 0; i < K; i++) {
                    den += scale * qp[i] * z[h][i];
                    for (int j = 0; j < V; j++) {
                        op[j] += s[h][i][j] * scale * qp[i];
                    }
                }
                if (normalize) {
                    for (int j = 0; j < V; j++) {
                        op[j] /= den + 1e-10;
                    }
                }
                o[p][h] = op;
            }
            // admission of the token leaving the window, then retrieval
            if (setup.capacity() > 0) {
                long x = p - w;
                for (int h = 0; h < H && x >= 0; h++) {
                    List<Entry> admit = new ArrayList<>();
                    if (setup.topM() == 0) {
                        margin = Math.min(margin, rel(innov[(int) x * H + h], setup.threshold()));
                        if (innov[(int) x * H + h] > setup.threshold()) {
                            admit.add(entry(k, v, innov, (int) x, h, H, K, V));
                        }
                    } else if ((x + 1) % setup.blockLength() == 0) {
                        List<Entry> block = new ArrayList<>();
                        for (long y = x + 1 - setup.blockLength(); y <= x; y++) {
                            block.add(entry(k, v, innov, (int) y, h, H, K, V));
                        }
                        block.sort(Comparator.comparingDouble((Entry en) -> -en.innovation())
                                .thenComparingLong(Entry::position));
                        if (setup.topM() < block.size()) {
                            margin = Math.min(margin, rel(block.get(setup.topM() - 1).innovation(),
                                    block.get(setup.topM()).innovation()));
                        }
                        admit.addAll(block.subList(0, setup.topM()));
                        admit.sort(Comparator.comparingLong(Entry::position));
                    }
                    for (Entry en : admit) {
                        events.add(new Event("ADMITTED", p, h, en.position()));
                        List<Entry> store = eidetic.get(h);
                        store.add(en);
                        if (store.size() > setup.capacity()) {
                            List<Entry> byInnov = new ArrayList<>(store);
                            byInnov.sort(Comparator.comparingDouble(Entry::innovation));
                            margin = Math.min(margin, rel(byInnov.get(0).innovation(), byInnov.get(1).innovation()));
                            Entry low = store.stream().min(Comparator.comparingDouble(Entry::innovation)
                                    .thenComparingLong(Entry::position)).orElseThrow();
                            store.remove(low);
                            archive.get(h).add(low);
                            events.add(new Event("EVICTED", p, h, low.position()));
                            List<Entry> arch = archive.get(h);
                            if (setup.archiveCap() > 0 && arch.size() > setup.archiveCap()) {
                                List<Entry> archByInnov = new ArrayList<>(arch);
                                archByInnov.sort(Comparator.comparingDouble(Entry::innovation));
                                margin = Math.min(margin, rel(archByInnov.get(0).innovation(),
                                        archByInnov.get(1).innovation()));
                                Entry gone = arch.stream().min(Comparator.comparingDouble(Entry::innovation)
                                        .thenComparingLong(Entry::position)).orElseThrow();
                                arch.remove(gone);
                                events.add(new Event("DROPPED", p, h, gone.position()));
                            }
                        }
                    }
                }
                if (setup.retrieveK() > 0 && p % setup.retrieveEvery() == 0) {
                    for (int h = 0; h < H; h++) {
                        double[] qp = vec(q, (p * H + h) * K, K);
                        List<Entry> all = new ArrayList<>(archive.get(h));
                        all.sort(Comparator.comparingDouble((Entry en) -> -dot(qp, en.key()))
                                .thenComparingLong(Entry::position));
                        retrieved.set(h, new ArrayList<>(all.subList(0, Math.min(setup.retrieveK(), all.size()))));
                    }
                }
            }
            // the read: one softmax over the explicit union
            for (int h = 0; h < H; h++) {
                double[] qp = vec(q, (p * H + h) * K, K);
                List<double[]> keys = new ArrayList<>();
                List<double[]> vals = new ArrayList<>();
                for (Entry en : eidetic.get(h)) {
                    keys.add(en.key());
                    vals.add(en.value());
                }
                for (Entry en : retrieved.get(h)) {
                    keys.add(en.key());
                    vals.add(en.value());
                }
                for (int x = Math.max(0, p - 2 * w + 1); x <= p - w; x++) {
                    keys.add(vec(k, (x * H + h) * K, K));
                    vals.add(o[x][h]);
                }
                for (int x = Math.max(0, p - w + 1); x <= p; x++) {
                    keys.add(vec(k, (x * H + h) * K, K));
                    vals.add(vec(v, (x * H + h) * V, V));
                }
                double[] sc = new double[keys.size()];
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < sc.length; i++) {
                    sc[i] = scale * dot(qp, keys.get(i));
                    m = Math.max(m, sc[i]);
                }
                double total = 0;
                double[] acc = new double[V];
                for (int i = 0; i < sc.length; i++) {
                    double ex = Math.exp(sc[i] - m);
                    total += ex;
                    for (int j = 0; j < V; j++) {
                        acc[j] += ex * vals.get(i)[j];
                    }
                }
                for (int j = 0; j < V; j++) {
                    out[(p * H + h) * V + j] = acc[j] / total;
                }
            }
        }
        return new Result(out, innov, events, margin);
    }

    /** One softmax of scaled dot products over explicit (key, value) lists: the union the merged read must equal. */
    public static double[] softmaxRead(double[] q, List<double[]> keys, List<double[]> values, double scale) {
        double m = Double.NEGATIVE_INFINITY;
        double[] sc = new double[keys.size()];
        for (int i = 0; i < sc.length; i++) {
            sc[i] = scale * dot(q, keys.get(i));
            m = Math.max(m, sc[i]);
        }
        double total = 0;
        double[] acc = new double[values.get(0).length];
        for (int i = 0; i < sc.length; i++) {
            double ex = Math.exp(sc[i] - m);
            total += ex;
            for (int j = 0; j < acc.length; j++) {
                acc[j] += ex * values.get(i)[j];
            }
        }
        for (int j = 0; j < acc.length; j++) {
            acc[j] /= total;
        }
        return acc;
    }

    private static double rel(double a, double b) {
        if (Double.isInfinite(a) || Double.isInfinite(b)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(a - b) / Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
    }

    private static Entry entry(float[] k, float[] v, double[] innov, int x, int h, int H, int K, int V) {
        return new Entry(x, innov[x * H + h], vec(k, (x * H + h) * K, K), vec(v, (x * H + h) * V, V));
    }

    private static double[] vec(float[] a, int off, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = a[off + i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }
}
