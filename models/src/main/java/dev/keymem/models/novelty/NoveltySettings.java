package dev.keymem.models.novelty;

import java.io.Serializable;

/**
 * Settings of the {@link Novelty} memory.
 *
 * @param dimension length D of an item's vector
 * @param cellDim   d_c, the fading cell's width (d_c x d_c floats): an item is projected to d_c values by a
 *                  fixed seeded Gaussian matrix when d_c &lt; D (identity when d_c = D), then made a unit
 *                  vector (one item = one token, q = k = v = that vector)
 * @param beta      write strength of the fading cell (gated delta rule), in (0, 1]
 * @param decay     per-item decay exp(g) of the fading cell, in (0, 1]
 * @param capacity  eidetic entries per key (0 = none are kept)
 * @param threshold an item whose innovation exceeds this is offered to the eidetic store
 */
public record NoveltySettings(int dimension, int cellDim, float beta, float decay, int capacity, float threshold)
        implements Serializable {

    public NoveltySettings {
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be >= 1: " + dimension);
        }
        if (cellDim < 1 || cellDim > dimension) {
            throw new IllegalArgumentException("cellDim must be in [1, dimension=" + dimension + "]: " + cellDim);
        }
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in (0, 1]: " + beta);
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1]: " + decay);
        }
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        }
        if (Float.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must not be NaN");
        }
    }
}
