package dev.keymem.models.retention.bench;

import dev.keymem.models.cells.TokenChunk;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One key's stream for the retention benchmark (H = 1, K = V = dim): a periodic background, token t
 * being pattern[t mod period] (random unit key and value) plus gaussian noise of standard deviation
 * {@code noise} per coordinate (then normalised to unit length), with {@code needles} rare facts
 * inserted at distinct random positions in [16, length - tail): a needle is a fresh random unit key
 * and value. Queries equal keys (q_t = k_t), beta = 0.5 and g = 0 for every token.
 *
 * <p>Scoring: a needle is retrievable when the memory's read for q = the needle's key is closer
 * (cosine) to the needle's value than to every other needle's value: an associative recall test.
 */
public final class NeedleStream {
    private final int length;
    private final int dim;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    private final float[] beta;
    private final float[] g;
    private final long[] needlePositions;
    private final float[][] needleKeys;
    private final float[][] needleValues;

    public NeedleStream(int length, int needles, int dim, int period, double noise, int tail, long seed) {
        if (length <= 0 || dim <= 0 || period <= 0 || needles < 0 || tail < 0) {
            throw new IllegalArgumentException("bad stream shape: length=" + length + " dim=" + dim + " period="
                    + period + " needles=" + needles + " tail=" + tail);
        }
        int room = length - tail - 16;
        if (needles > room) {
            throw new IllegalArgumentException(needles + " needles do not fit in positions [16, " + (length - tail)
                    + ")");
        }
        this.length = length;
        this.dim = dim;
        SplittableRandom r = new SplittableRandom(seed);
        float[][] pk = new float[period][];
        float[][] pv = new float[period][];
        for (int i = 0; i < period; i++) {
            pk[i] = unit(r, dim, null, 0);
            pv[i] = unit(r, dim, null, 0);
        }
        // distinct needle positions: a partial Fisher-Yates shuffle of [16, length - tail)
        int[] pool = new int[room];
        for (int i = 0; i < room; i++) {
            pool[i] = 16 + i;
        }
        for (int i = 0; i < needles; i++) {
            int j = i + r.nextInt(room - i);
            int tmp = pool[i];
            pool[i] = pool[j];
            pool[j] = tmp;
        }
        int[] pos = Arrays.copyOf(pool, needles);
        Arrays.sort(pos);
        needlePositions = new long[needles];
        needleKeys = new float[needles][];
        needleValues = new float[needles][];
        q = new float[length * dim];
        k = new float[length * dim];
        v = new float[length * dim];
        beta = new float[length];
        g = new float[length];
        int next = 0;
        for (int t = 0; t < length; t++) {
            float[] kk;
            float[] vv;
            if (next < needles && pos[next] == t) {
                kk = unit(r, dim, null, 0);
                vv = unit(r, dim, null, 0);
                needlePositions[next] = t;
                needleKeys[next] = kk;
                needleValues[next] = vv;
                next++;
            } else {
                kk = unit(r, dim, pk[t % period], noise);
                vv = unit(r, dim, pv[t % period], noise);
            }
            System.arraycopy(kk, 0, k, t * dim, dim);
            System.arraycopy(kk, 0, q, t * dim, dim);
            System.arraycopy(vv, 0, v, t * dim, dim);
            beta[t] = 0.5f;
        }
    }

    /** A random unit vector, or (base + noise * gaussian) normalised when base is given. */
    private static float[] unit(SplittableRandom r, int dim, float[] base, double noise) {
        double[] x = new double[dim];
        double n = 0;
        for (int i = 0; i < dim; i++) {
            x[i] = base == null ? r.nextGaussian() : base[i] + noise * r.nextGaussian();
            n += x[i] * x[i];
        }
        float[] f = new float[dim];
        double inv = 1 / Math.sqrt(n);
        for (int i = 0; i < dim; i++) {
            f[i] = (float) (x[i] * inv);
        }
        return f;
    }

    public int length() {
        return length;
    }

    public int dim() {
        return dim;
    }

    public int needles() {
        return needleKeys.length;
    }

    public long needlePosition(int i) {
        return needlePositions[i];
    }

    public float[] needleKey(int i) {
        return needleKeys[i].clone();
    }

    /** Tokens [from, to) as a chunk (H = 1). */
    public TokenChunk chunk(int from, int to) {
        return new TokenChunk(to - from, 1, dim, dim, Arrays.copyOfRange(q, from * dim, to * dim),
                Arrays.copyOfRange(k, from * dim, to * dim), Arrays.copyOfRange(v, from * dim, to * dim),
                Arrays.copyOfRange(beta, from, to), Arrays.copyOfRange(g, from, to));
    }

    /** Feeds the whole stream to the memory in chunks of {@code chunk} tokens. */
    public void feed(BenchMemory m, int chunk) {
        for (int s = 0; s < length; s += chunk) {
            m.consume(chunk(s, Math.min(length, s + chunk)));
        }
    }

    /** Whether needle i is retrieved: its value is the most cosine-similar needle value to the probe's read. */
    public boolean retrieved(BenchMemory m, int i) {
        float[] o = m.probe(needleKeys[i]);
        int best = -1;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < needleValues.length; j++) {
            double c = cosine(o, needleValues[j]);
            if (c > bestCos) {
                bestCos = c;
                best = j;
            }
        }
        return best == i;
    }

    /** The fraction of needles retrieved. */
    public double recall(BenchMemory m) {
        if (needles() == 0) {
            return 1.0;
        }
        int ok = 0;
        for (int i = 0; i < needles(); i++) {
            if (retrieved(m, i)) {
                ok++;
            }
        }
        return ok / (double) needles();
    }

    static double cosine(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return (na == 0 || nb == 0) ? 0 : d / Math.sqrt(na * nb);
    }
}
