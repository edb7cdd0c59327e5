package dev.keymem.models.testing;

/**
 * An independent float64 oracle for the deep (test-time-learned MLP) memory, written as literally as
 * the spec reads with 2-D arrays and no code shared with the production cells.
 *
 * <p>Per head: M(x) = x + W1 silu(W2 x), W2 [D][K], W1 [K][D]. Per token at stream position p: at a
 * mini-batch start (p % b == 0) remember W0 = (W2, W1); gradient of ||M_{W0}(k) - v||^2 at W0;
 * m = eta m - theta grad; W = (1 - alpha) W + m; output M_W(scale q). The flat state layout is the
 * one documented on the production cell: six tensors W2, W1, M2, M1, W2 at the mini-batch start, W1
 * at the mini-batch start, each stored input-major, i.e. transposed: W2 as [H,K,D], W1 as [H,D,K].
 * {@link #unpack} returns them in math orientation (W2 [D][K], W1 [K][D]).
 */
public final class DeepFloat64Reference {

    private DeepFloat64Reference() {
    }

    /** Hyper-parameters of one run. */
    public record Params(int heads, int keyDim, int hidden, double scale, double theta, double eta, double alpha,
                         int batch) {
    }

    /** Outputs [T,H,K] and the final flat state. */
    public record Result(double[] out, double[] state) {
    }

    /** Gradients of ||M(k) - v||^2: dW2 [D][K], dW1 [K][D]. */
    public record Gradient(double[][] dW2, double[][] dW1) {
    }

    public static double silu(double h) {
        return h / (1 + Math.exp(-h));
    }

    public static double siluPrime(double h) {
        double s = 1 / (1 + Math.exp(-h));
        return s + h * s * (1 - s);
    }

    /** M(x) with the given weights. */
    public static double[] apply(double[][] w2, double[][] w1, double[] x) {
        int D = w2.length;
        int K = x.length;
        double[] a = new double[D];
        for (int d = 0; d < D; d++) {
            double h = 0;
            for (int i = 0; i < K; i++) {
                h += w2[d][i] * x[i];
            }
            a[d] = silu(h);
        }
        double[] o = new double[K];
        for (int j = 0; j < K; j++) {
            double acc = x[j];
            for (int d = 0; d < D; d++) {
                acc += w1[j][d] * a[d];
            }
            o[j] = acc;
        }
        return o;
    }

    /** ||M(k) - v||^2. */
    public static double loss(double[][] w2, double[][] w1, double[] k, double[] v) {
        double[] m = apply(w2, w1, k);
        double l = 0;
        for (int j = 0; j < m.length; j++) {
            l += (m[j] - v[j]) * (m[j] - v[j]);
        }
        return l;
    }

    /** The analytic gradient of {@link #loss}. */
    public static Gradient gradient(double[][] w2, double[][] w1, double[] k, double[] v) {
        int D = w2.length;
        int K = k.length;
        double[] h = new double[D];
        double[] a = new double[D];
        for (int d = 0; d < D; d++) {
            for (int i = 0; i < K; i++) {
                h[d] += w2[d][i] * k[i];
            }
            a[d] = silu(h[d]);
        }
        double[] r = apply(w2, w1, k);
        for (int j = 0; j < K; j++) {
            r[j] -= v[j];
        }
        double[][] dW1 = new double[K][D];
        for (int j = 0; j < K; j++) {
            for (int d = 0; d < D; d++) {
                dW1[j][d] = 2 * r[j] * a[d];
            }
        }
        double[][] dW2 = new double[D][K];
        for (int d = 0; d < D; d++) {
            double back = 0;
            for (int j = 0; j < K; j++) {
                back += w1[j][d] * r[j];
            }
            double delta = back * siluPrime(h[d]);
            for (int i = 0; i < K; i++) {
                dW2[d][i] = 2 * delta * k[i];
            }
        }
        return new Gradient(dW2, dW1);
    }

    /** Runs the recurrence over T tokens (q,k [T,H,K], v [T,H,K]) from a flat state at {@code position}. */
    public static Result run(Params p, int tokens, float[] q, float[] k, float[] v, double[] initialState,
                             long position) {
        int H = p.heads();
        int K = p.keyDim();
        int D = p.hidden();
        double[][][][] st = unpack(initialState, H, K, D); // [6][H][rows][cols]
        double[] out = new double[tokens * H * K];
        for (int t = 0; t < tokens; t++) {
            long pos = position + t;
            for (int h = 0; h < H; h++) {
                double[][] w2 = st[0][h];
                double[][] w1 = st[1][h];
                double[][] m2 = st[2][h];
                double[][] m1 = st[3][h];
                if (pos % p.batch() == 0) {
                    st[4][h] = copy(w2);
                    st[5][h] = copy(w1);
                }
                double[] kt = new double[K];
                double[] vt = new double[K];
                double[] xt = new double[K];
                for (int i = 0; i < K; i++) {
                    kt[i] = k[(t * H + h) * K + i];
                    vt[i] = v[(t * H + h) * K + i];
                    xt[i] = p.scale() * q[(t * H + h) * K + i];
                }
                Gradient g = gradient(st[4][h], st[5][h], kt, vt);
                for (int d = 0; d < D; d++) {
                    for (int i = 0; i < K; i++) {
                        m2[d][i] = p.eta() * m2[d][i] - p.theta() * g.dW2()[d][i];
                        w2[d][i] = (1 - p.alpha()) * w2[d][i] + m2[d][i];
                    }
                }
                for (int j = 0; j < K; j++) {
                    for (int d = 0; d < D; d++) {
                        m1[j][d] = p.eta() * m1[j][d] - p.theta() * g.dW1()[j][d];
                        w1[j][d] = (1 - p.alpha()) * w1[j][d] + m1[j][d];
                    }
                }
                double[] o = apply(w2, w1, xt);
                System.arraycopy(o, 0, out, (t * H + h) * K, K);
            }
        }
        return new Result(out, pack(st, H, K, D));
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /**
     * Flat state to [6][H][rows][cols] in math orientation: even tensors [D][K], odd ones [K][D]
     * (the flat array stores each matrix transposed).
     */
    public static double[][][][] unpack(double[] flat, int H, int K, int D) {
        if (flat.length != 6 * H * D * K) {
            throw new IllegalArgumentException("state has " + flat.length + " values, expected " + 6 * H * D * K);
        }
        double[][][][] st = new double[6][H][][];
        int idx = 0;
        for (int m = 0; m < 6; m++) {
            int rows = m % 2 == 0 ? D : K;
            int cols = m % 2 == 0 ? K : D;
            for (int h = 0; h < H; h++) {
                st[m][h] = new double[rows][cols];
                for (int j = 0; j < cols; j++) {
                    for (int i = 0; i < rows; i++) {
                        st[m][h][i][j] = flat[idx++];
                    }
                }
            }
        }
        return st;
    }

    private static double[] pack(double[][][][] st, int H, int K, int D) {
        double[] flat = new double[6 * H * D * K];
        int idx = 0;
        for (int m = 0; m < 6; m++) {
            for (int h = 0; h < H; h++) {
                double[][] w = st[m][h];
                for (int j = 0; j < w[0].length; j++) {
                    for (double[] row : w) {
                        flat[idx++] = row[j];
                    }
                }
            }
        }
        return flat;
    }
}
