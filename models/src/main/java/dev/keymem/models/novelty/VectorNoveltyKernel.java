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
        this.quiet = new boolean[c];
    }

    /** Whether row {@code row / c} of the cell holds finite values only ({@code v - v} is 0 exactly for those). */
    private boolean finite(float[] s, int row) {
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (; j < bound; j += F.length()) {
            FloatVector v = FloatVector.fromArray(F, s, row + j);
            acc = acc.add(v.sub(v));
        }
        float z = acc.reduceLanes(VectorOperators.ADD);
        for (; j < c; j++) {
            z += s[row + j] - s[row + j];
        }
        return z == 0f;
    }

    /** Whether row {@code i} of the cell was handled as a row of a zero coordinate in this step's first pass. */
    private final boolean[] quiet;

    /**
     * Rows of a zero coordinate of x ({@code x[i] == 0}, two thirds of a log line's hashed embedding) add only
     * signed zeros to p and u, which leave them as they are (a sum that starts at +0 never becomes -0), and get
     * {@code flush(t + 0 * u_j) = flush(t)} in the second pass: so such a row, when its values are finite, is
     * only decayed and flushed, in the first pass. A row holding an infinity or NaN, or a step whose u is not
     * finite, or any row where |a| &gt; 1 (a finite value decayed may then overflow), takes the full operations (where the zero products are NaN), so every result stays the scalar
     * kernel's bit for bit.
     */
    @Override
    float step(float[] s, float[] x, float a, float beta, double decay) {
        double[] p = this.p;
        float[] u = this.u;
        boolean[] quiet = this.quiet;
        java.util.Arrays.fill(p, 0);
        java.util.Arrays.fill(u, 0f);
        boolean aSafe = Math.abs(a) <= 1f; // (NaN: false) else a finite value times a may not stay finite
        for (int i = 0; i < c; i++) {
            float ki = x[i];
            double xi = ki;
            int row = i * c;
            quiet[i] = ki == 0f && aSafe && finite(s, row);
            if (quiet[i]) {
                int j = 0;
                for (; j < bound; j += F.length()) {
                    FloatVector t = FloatVector.fromArray(F, s, row + j).mul(a);
                    t.blend(0f, t.abs().lt(FLUSH)).intoArray(s, row + j);
                }
                for (; j < c; j++) {
                    s[row + j] = flush(s[row + j] * a);
                }
                continue;
            }
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
        boolean uFinite = true;
        for (int j = 0; j < c; j++) {
            u[j] = beta * (x[j] - u[j]);
            uFinite &= Float.isFinite(u[j]);
        }
        for (int i = 0; i < c; i++) {
            if (quiet[i] && uFinite) {
                continue; // flush(t + 0 * u_j) = flush(t): done in the first pass
            }
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
