package dev.keymem.models.retention;

import java.util.Arrays;

/**
 * One exact token held by a key's retention state (a sink, a T0 window entry, a T1 retained entry, a
 * recalled T3 entry, or an archive entry).
 *
 * <p>Serialised layout, in order: {@code position} (long), {@code k} (float [H*K]), {@code v}
 * (float [H*V]), {@code beta} (float [H], or absent), {@code g} (float [H], or absent),
 * {@code innovation} (float; NaN until the token's block closes), {@code mass} (double, accumulated
 * attention mass), {@code probability} (double, last evaluated retention probability; NaN before the
 * first evaluation). beta and g are kept only until the token's block closes (the innovation cell has
 * written it then) and are null afterwards.
 */
public final class RetainedToken {
    private final long position;
    private final float[] k;
    private final float[] v;
    private float[] beta;
    private float[] g;
    private float innovation;
    private double mass;
    private double probability;

    public RetainedToken(long position, float[] k, float[] v, float[] beta, float[] g, float innovation, double mass,
                         double probability) {
        if (position < 0) {
            throw new IllegalArgumentException("negative token position " + position);
        }
        this.position = position;
        this.k = k;
        this.v = v;
        this.beta = beta;
        this.g = g;
        this.innovation = innovation;
        this.mass = mass;
        this.probability = probability;
    }

    public long position() {
        return position;
    }

    /** The key [H*K] (read only for callers). */
    public float[] k() {
        return k;
    }

    /** The value [H*V] (read only for callers). */
    public float[] v() {
        return v;
    }

    public float[] beta() {
        return beta;
    }

    public float[] g() {
        return g;
    }

    public float innovation() {
        return innovation;
    }

    public double mass() {
        return mass;
    }

    public double probability() {
        return probability;
    }

    void setInnovation(float e) {
        innovation = e;
    }

    void addMass(double m) {
        mass += m;
    }

    void clearMass() {
        mass = 0.0;
    }

    void setProbability(double p) {
        probability = p;
    }

    void dropWriteInputs() {
        beta = null;
        g = null;
    }

    /** Floats and scalars this entry takes in a serialised state, in bytes. */
    public long bytes() {
        return 8L + 4L * (k.length + v.length) + (beta == null ? 0 : 4L * beta.length) + (g == null ? 0 : 4L * g.length)
                + 4 + 8 + 8;
    }

    public RetainedToken copy() {
        return new RetainedToken(position, k.clone(), v.clone(), beta == null ? null : beta.clone(),
                g == null ? null : g.clone(), innovation, mass, probability);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RetainedToken t && t.position == position && Arrays.equals(t.k, k) && Arrays.equals(t.v, v)
                && Arrays.equals(t.beta, beta) && Arrays.equals(t.g, g)
                && Float.compare(t.innovation, innovation) == 0 && Double.compare(t.mass, mass) == 0
                && Double.compare(t.probability, probability) == 0;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(position) * 31 + Arrays.hashCode(k);
    }

    @Override
    public String toString() {
        return "RetainedToken{position=" + position + ", innovation=" + innovation + ", mass=" + mass + ", p="
                + probability + "}";
    }
}
