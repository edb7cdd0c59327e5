package dev.keymem.models.retention;

/**
 * The retention probability p = sigmoid(w . f + b) with the feature vector
 * f = (log(1 + readSlots * mass / max(1, age)), innovation, log(1 + age / ageScale), relevance) of
 * {@link Features}: the first feature is the token's mean attention per read relative to uniform attention
 * (about log 2 for a token attended like any other), so that a token's lifetime does not entrench it (a
 * raw accumulated mass grows with age and would freeze T1).
 *
 * <p>Untrained defaults ({@link #defaults()}): mass 1.0, innovation 4.0, age -0.5, relevance 1.0,
 * bias -2.0, ageScale 256. Reasoning: a token the memory did not predict (relative error near 1) starts
 * near p = 0.9, a well predicted one (error near 0.1) near p = 0.2; being attended to raises p
 * logarithmically with its attention rate; age lowers it slowly (log), so an old surprising token still outranks a fresh
 * predictable one; relevance to the current block's queries adds up to 1 logit.
 */
public record SignificanceWeights(double mass, double innovation, double age, double relevance, double bias,
                                  double ageScale) {

    public SignificanceWeights {
        for (double d : new double[] {mass, innovation, age, relevance, bias}) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("significance weights must be finite: " + this);
            }
        }
        if (!(ageScale > 0) || Double.isInfinite(ageScale)) {
            throw new IllegalArgumentException("ageScale must be positive and finite: " + ageScale);
        }
    }

    public static SignificanceWeights defaults() {
        return new SignificanceWeights(1.0, 4.0, -0.5, 1.0, -2.0, 256.0);
    }

    /** The transformed feature vector f. */
    public double[] vector(Features f) {
        return new double[] {Math.log1p(f.readSlots() * f.mass() / Math.max(1L, f.age())), f.innovation(), Math.log1p(f.age() / ageScale), f.relevance()};
    }

    /** w . f + b. */
    public double logit(Features f) {
        double[] x = vector(f);
        return mass * x[0] + innovation * x[1] + age * x[2] + relevance * x[3] + bias;
    }

    /** p = sigmoid(w . f + b). */
    public double probability(Features f) {
        return 1.0 / (1.0 + Math.exp(-logit(f)));
    }
}
