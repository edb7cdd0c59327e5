package dev.keymem.models.novelty;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NoveltyKernel} over the Vector API: 8 float lanes (4 double lanes for the innovation's sums), each
 * lane doing exactly the scalar kernel's operations on its element (multiplies and adds, no fused
 * multiply-add; a float times a float converted to double is exact), so results are bit for bit the scalar
 * kernel's. Loaded by name only when jdk.incubator.vector is present.
 */
final class VectorNoveltyKernel extends NoveltyKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private final int bound;

    VectorNoveltyKernel(int c) {
        super(c);
        this.bound = F.loopBound(c);
    }

    @Override
    float step(float[] s, float[] x, float a, float beta, double decay) {
        double[] p = this.p;
        float[] u = this.u;
        java.util.Arrays.fill(p, 0);
        java.util.Arrays.fill(u, 0f);
        for (int i = 0; i < c; i++) {
            float ki = x[i];
            double xi = ki;
            int row = i * c;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector sv = FloatVector.fromArray(F, s, row + j);
                DoubleVector lo = (DoubleVector) sv.convertShape(VectorOperators.F2D, D, 0);
                DoubleVector hi = (DoubleVector) sv.convertShape(VectorOperators.F2D, D, 1);
                DoubleVector.fromArray(D, p, j).add(lo.mul(xi)).intoArray(p, j);
                DoubleVector.fromArray(D, p, j + 4).add(hi.mul(xi)).intoArray(p, j + 4);
                FloatVector t = sv.mul(a);
                t.intoArray(s, row + j);
                FloatVector.fromArray(F, u, j).add(t.mul(ki)).intoArray(u, j);
            }
            for (; j < c; j++) {
                float sv = s[row + j];
                p[j] += (double) sv * xi;
                float t = sv * a;
                s[row + j] = t;
                u[j] += t * ki;
            }
        }
        float e = innovation(x, decay);
        for (int j = 0; j < c; j++) {
            u[j] = beta * (x[j] - u[j]);
        }
        for (int i = 0; i < c; i++) {
            float ki = x[i];
            int row = i * c;
            int j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, u, j).mul(ki)).intoArray(s, row + j);
            }
            for (; j < c; j++) {
                s[row + j] += ki * u[j];
            }
        }
        return e;
    }
}
