package dev.keymem.jobs.logs.mining;

import java.io.Serializable;

/**
 * Settings of the {@link TemplateMiner}.
 *
 * @param depth              prefix-token levels of the parse tree below the length level
 * @param similarity         similarity at or above which a line joins the best cluster of its leaf
 * @param fallbackSimilarity ... or the best cluster of its token count (any prefix)
 * @param maxTemplates       templates kept per source; the one matched least recently is evicted
 * @param headers            whole log lines: mine the message without the header in front of it
 *                           ({@link LineTokens#message}); off for lines that are messages already
 */
public record MinerSettings(int depth, double similarity, double fallbackSimilarity, int maxTemplates,
                            boolean headers) implements Serializable {

    public MinerSettings {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be >= 0: " + depth);
        }
        if (!(similarity > 0 && similarity <= 1) || !(fallbackSimilarity > 0 && fallbackSimilarity <= 1)) {
            throw new IllegalArgumentException("similarities must be in (0, 1]: " + similarity + ", "
                    + fallbackSimilarity);
        }
        if (maxTemplates < 1) {
            throw new IllegalArgumentException("maxTemplates must be >= 1: " + maxTemplates);
        }
    }

    /**
     * Depth 2, similarity 0.5 (0.75 across prefixes), 1000 templates per source, headers stripped. Across
     * prefixes the first tokens differ, so a match needs more in common: a short message whose first word
     * differs ({@code autopurge.snapRetainCount set to <*>} / {@code autopurge.purgeInterval set to <*>},
     * {@code cupsd startup succeeded} / {@code rpc.statd startup succeeded}) is another message; a long one
     * that differs in its first token only (a host or program name in front) is the same.
     */
    public static MinerSettings defaults() {
        return new MinerSettings(2, 0.5, 0.75, 1000, true);
    }

    public MinerSettings withHeaders(boolean strip) {
        return new MinerSettings(depth, similarity, fallbackSimilarity, maxTemplates, strip);
    }

    public MinerSettings withSimilarity(double leaf, double fallback) {
        return new MinerSettings(depth, leaf, fallback, maxTemplates, headers);
    }

    public MinerSettings withMaxTemplates(int n) {
        return new MinerSettings(depth, similarity, fallbackSimilarity, n, headers);
    }

    public MinerSettings withDepth(int d) {
        return new MinerSettings(d, similarity, fallbackSimilarity, maxTemplates, headers);
    }
}
