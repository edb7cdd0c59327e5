package dev.keymem.models.retention;

/**
 * The retention probability p = sigmoid(w . f + b) with the feature vector
 * f = (log(1 + readSlots * mass / max(1, age)), innovation, log(1 + age / ageScale), relevance) of
 * {@link Features}: the first feature is the token's mean attention per read relative to uniform attention
 * (about log 2 for a token attended like any other), so that a token's lifetime does not entrench it (a
 * raw accumulated mass grows with age and would freeze T1).
 *
 * <p>Untrained defaults ({@link #defaults()}): mass 1.0, innovation 6.0, age -0.5, relevance 1.0,
 * bias -3.0, ageScale 256. Reasoning: a token the memory did not predict (relative error near 1) starts
 * near p = 0.95, a well predicted one (error near 0.1) near p = 0.1, so the draw rarely loses a surprise
 * and rarely keeps a repeat; attention from later queries raises p logarithmically with its rate
 * (a token attended like any other adds about log 2); age lowers p slowly (log), so an old surprising
 * token still outranks a fresh predictable one; relevance to the current block's queries adds up to
 * 1 logit. (Picked by reasoning and checked on the retention benchmark, not trained.)
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
        return new SignificanceWeights(1.0, 6.0, -0.5, 1.0, -3.0, 256.0);
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

    /**
     * The T3 archive's ranking score: sigmoid(w . f + b) without the age term, an age-free significance,
     * so that tokens evicted at different ages compare fairly.
     */
    public double archiveScore(Features f) {
        double[] x = vector(f);
        return 1.0 / (1.0 + Math.exp(-(mass * x[0] + innovation * x[1] + relevance * x[3] + bias)));
    }

    /** p = sigmoid(w . f + b). */
    public double probability(Features f) {
        return 1.0 / (1.0 + Math.exp(-logit(f)));
    }
}
