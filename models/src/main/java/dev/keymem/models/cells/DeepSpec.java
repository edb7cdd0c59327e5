package dev.keymem.models.cells;

/**
 * Settings of the deep (test-time-learned MLP) memory M(x) = x + W1 act(W2 x): the hidden width D,
 * the step size theta, the momentum eta and the weight decay alpha of the update
 * {@code m = eta m - theta grad; W = (1 - alpha) W + m}, the mini-batch size b of the update and the
 * seed of the initial weights.
 *
 * <p>Mini-batches are aligned by token position: positions {@code [n*b, (n+1)*b)} from the stream
 * start form one mini-batch, whose gradients are all taken at the weights of the mini-batch start
 * (momentum, decay and the weights themselves still evolve token by token). {@code batch = 1} is
 * plain per-token online gradient descent. The default, {@value #DEFAULT_BATCH}, is the mini-batch
 * size of TTT / Titans-style mini-batch gradient descent: large enough for the chunked form to use
 * dense products, small enough that the memory adapts quickly.
 *
 * <p>The initial weights are W1 = 0 and W2 = gaussian / sqrt(K) drawn from
 * {@code new SplittableRandom(seed)} (see {@link DeepLayout}); W2 must not be zero, or no gradient
 * ever reaches W1. The activation (SiLU) and the state layout are documented on {@link DeepLayout}
 * and {@link DeepRecurrent}.
 */
public record DeepSpec(int hidden, float theta, float eta, float alpha, int batch, long seed) {

    /** The default mini-batch size b. */
    public static final int DEFAULT_BATCH = 16;
    /** The default seed of the initial W2. */
    public static final long DEFAULT_SEED = 0x6B65796D656DL; // "keymem"

    public DeepSpec {
        if (hidden <= 0) {
            throw new IllegalArgumentException("deep memory hidden width must be positive: " + hidden);
        }
        if (!(theta >= 0) || Float.isInfinite(theta) || !(eta >= 0 && eta < 1) || !(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException(
                    "deep memory needs finite theta >= 0, 0 <= eta < 1, 0 <= alpha < 1: theta=" + theta + " eta="
                            + eta + " alpha=" + alpha);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("deep memory mini-batch size must be >= 1: " + batch);
        }
    }

    /** The default mini-batch size and seed. */
    public DeepSpec(int hidden, float theta, float eta, float alpha) {
        this(hidden, theta, eta, alpha, DEFAULT_BATCH, DEFAULT_SEED);
    }

    /**
     * Hidden width 2K, theta 0.003, eta 0.9, alpha 0.001, mini-batch {@value #DEFAULT_BATCH}. The step is
     * small on purpose: with unit-norm keys and unit-variance values (V = 16..64), theta = 0.1 and even
     * 0.01 diverge with b = 16 and momentum 0.9 when the same pairs are written repeatedly (the
     * effective step is about b theta / (1 - eta)), while 0.003 learns a few repeated pairs to ~2%
     * relative error at V = 16 and 64. Larger steps are fine with b = 1 or smaller values.
     */
    public static DeepSpec defaults(int keyDim) {
        return new DeepSpec(2 * keyDim, 0.003f, 0.9f, 0.001f);
    }

    public DeepSpec withBatch(int newBatch) {
        return new DeepSpec(hidden, theta, eta, alpha, newBatch, seed);
    }

    public DeepSpec withSeed(long newSeed) {
        return new DeepSpec(hidden, theta, eta, alpha, batch, newSeed);
    }
}
