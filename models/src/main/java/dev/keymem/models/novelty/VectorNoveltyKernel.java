package dev.keymem.models.novelty;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link NoveltyKernel} over the Vector API: 8 float lanes (4 double lanes for the innovation's sums, from 4
 * float lanes: a conversion that keeps the lane count, which C2 compiles to one instruction, where 8 floats
 * to two halves of doubles falls back to Java code and is slower than the scalar kernel), each
 * lane doing exactly the scalar kernel's operations on its element (multiplies and adds, no fused
 * multiply-add; a float times a float converted to double is exact), so results are bit for bit the scalar
 * kernel's. Loaded by name only when jdk.incubator.vector is present.
 */
final class VectorNoveltyKernel extends NoveltyKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;

    private final int bound;
    private final int bound4;

    /** @throws UnsupportedOperationException where the CPU's vectors are narrower than 256 bits (no gain there) */
    VectorNoveltyKernel(int c) {
        super(c);
        if (FloatVector.SPECIES_PREFERRED.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("vectors of " + FloatVector.SPECIES_PREFERRED.vectorBitSize()
                    + " bits");
        }
        this.bound = F.loopBound(c);
        this.bound4 = F4.loopBound(c);
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
            for (; j < bound4; j += F4.length()) { // p += S_i^T x_i, before row i decays
                DoubleVector d = (DoubleVector) FloatVector.fromArray(F4, s, row + j)
                        .convertShape(VectorOperators.F2D, D, 0);
                DoubleVector.fromArray(D, p, j).add(d.mul(xi)).intoArray(p, j);
            }
            for (; j < c; j++) {
                p[j] += (double) s[row + j] * xi;
            }
            j = 0;
            for (; j < bound; j += F.length()) {
                FloatVector t = FloatVector.fromArray(F, s, row + j).mul(a);
                t.intoArray(s, row + j);
                FloatVector.fromArray(F, u, j).add(t.mul(ki)).intoArray(u, j);
            }
            for (; j < c; j++) {
                float t = s[row + j] * a;
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
                FloatVector v = FloatVector.fromArray(F, s, row + j).add(FloatVector.fromArray(F, u, j).mul(ki));
                v.blend(0f, v.abs().lt(FLUSH)).intoArray(s, row + j);
            }
            for (; j < c; j++) {
                s[row + j] = flush(s[row + j] + ki * u[j]);
            }
        }
        return e;
    }
}
