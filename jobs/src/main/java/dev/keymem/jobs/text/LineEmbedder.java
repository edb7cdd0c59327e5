package dev.keymem.jobs.text;

import java.io.Serializable;

/**
 * Turns one (masked) line into a fixed-size vector. Implementations are deterministic: the same input
 * gives the same vector. {@link HashingEmbedder} (the default) uses the token ids; a sentence-model
 * embedder would use the text.
 */
public interface LineEmbedder extends Serializable {
    /** The vector size d. */
    int dimension();

    /**
     * The embedding of one line.
     *
     * @param template the masked line
     * @param tokenIds its token ids
     * @return a new array of length {@link #dimension()}
     */
    float[] embed(String template, int[] tokenIds);

    /** A short name for logs and configuration, e.g. {@code hashing-64}. */
    String name();
}
