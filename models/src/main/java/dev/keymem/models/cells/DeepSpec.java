package dev.keymem.models.cells;

/**
 * Settings of the deep (test-time-learned MLP) memory M(x) = x + W1 act(W2 x): the hidden width,
 * the step size theta, the momentum eta and the weight decay alpha of the update
 * {@code m = eta m - theta grad; W = (1 - alpha) W + m}. The exact update granularity and the
 * activation are documented on the deep cell itself.
 */
public record DeepSpec(int hidden, float theta, float eta, float alpha) {

    public DeepSpec {
        if (hidden <= 0) {
            throw new IllegalArgumentException("deep memory hidden width must be positive: " + hidden);
        }
        if (!(theta >= 0) || !(eta >= 0 && eta < 1) || !(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException(
                    "deep memory needs theta >= 0, 0 <= eta < 1, 0 <= alpha < 1: theta=" + theta + " eta=" + eta
                            + " alpha=" + alpha);
        }
    }

    public static DeepSpec defaults(int keyDim) {
        return new DeepSpec(2 * keyDim, 0.1f, 0.9f, 0.01f);
    }
}
