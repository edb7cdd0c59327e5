package dev.keymem.models.events;

import java.io.Serializable;

/**
 * Settings of the event memory (docs/design/mechanisms.md section 6). Validated on construction.
 *
 * @param dimension       D, the length of an event's dense vector
 * @param cellDim         d_c, the fading cell's key and value size (vectors are projected from D to d_c)
 * @param beta            the cell's write strength, in (0, 1]
 * @param decay           the cell's per-event decay exp(g), in (0, 1]
 * @param window          W, the recent window (events)
 * @param eidetic         M, the eidetic tier's capacity (events; 0 = no tier)
 * @param segment         L, events per segment summary
 * @param routeK          k, segments a query is routed to (0 = no routing), among the {@link #ROUTE_SCAN}
 *                        most recent closed segments
 * @param postingsRead    most recent postings a query reads per term
 * @param maxCandidates   most events found through postings per query
 * @param archiveCap      most archived events per key (0 = unbounded); the oldest leaves first
 * @param postingsCap     most postings kept per term and key (0 = unbounded); the oldest leaves first
 * @param k1              BM25 k1
 * @param b               BM25 b
 * @param weights         score weights
 * @param seed            seed of the fixed D to d_c projection
 */
public record EventSettings(int dimension, int cellDim, float beta, float decay, int window, int eidetic,
                            int segment, int routeK, int postingsRead, int maxCandidates, int archiveCap,
                            int postingsCap, double k1, double b, Weights weights, long seed)
        implements Serializable {

    /**
     * Weights of the score components: lexical (BM25 over the key's whole history, divided by the best
     * candidate's), dense (cosine of the vectors), read (cosine of the fading cell's read with the
     * candidate), novelty (the candidate's innovation, divided by the best candidate's) and recency
     * ((position + 1) / events).
     */
    public record Weights(double lexical, double dense, double read, double novelty, double recency)
            implements Serializable {
        public Weights {
            for (double w : new double[] {lexical, dense, read, novelty, recency}) {
                if (!Double.isFinite(w) || w < 0) {
                    throw new IllegalArgumentException("score weights must be finite and >= 0: " + this);
                }
            }
        }

        /** The defaults (docs/benchmarks.md, event memory ablation). */
        public static Weights defaults() {
            return new Weights(1.0, 0.2, 0.02, 0.5, 0.05);
        }

        /** Parses "lexical,dense,read,novelty,recency". */
        public static Weights parse(String text) {
            String[] p = text.split(",");
            if (p.length != 5) {
                throw new IllegalArgumentException("expected 5 comma-separated weights "
                        + "'lexical,dense,read,novelty,recency', got '" + text + "'");
            }
            double[] w = new double[5];
            for (int i = 0; i < 5; i++) {
                try {
                    w[i] = Double.parseDouble(p[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("weight " + i + " of '" + text + "' is not a number", e);
                }
            }
            return new Weights(w[0], w[1], w[2], w[3], w[4]);
        }

        @Override
        public String toString() {
            return lexical + "," + dense + "," + read + "," + novelty + "," + recency;
        }
    }

    /**
     * Most segment summaries a query compares with itself to route (the most recent ones): with segments of
     * 64 events, the last 16,384 events. Bounds the routing's reads per query whatever the history.
     */
    public static final int ROUTE_SCAN = 256;

    public EventSettings {
        require(dimension >= 1, "dimension must be >= 1");
        require(cellDim >= 1, "cellDim must be >= 1");
        require(beta > 0 && beta <= 1, "beta must be in (0, 1]");
        require(decay > 0 && decay <= 1, "decay must be in (0, 1]");
        require(window >= 0, "window must be >= 0");
        require(eidetic >= 0, "eidetic must be >= 0");
        require(segment >= 1, "segment must be >= 1");
        require(routeK >= 0, "routeK must be >= 0");
        require(postingsRead >= 1, "postingsRead must be >= 1");
        require(maxCandidates >= 1, "maxCandidates must be >= 1");
        require(archiveCap >= 0, "archiveCap must be >= 0");
        require(archiveCap == 0 || archiveCap >= Math.max(window, segment),
                "archiveCap must be 0 or at least the window and the segment length");
        require(postingsCap >= 0, "postingsCap must be >= 0");
        require(k1 >= 0 && Double.isFinite(k1), "k1 must be >= 0");
        require(b >= 0 && b <= 1, "b must be in [0, 1]");
        if (weights == null) {
            throw new IllegalArgumentException("weights must not be null");
        }
    }

    private void require(boolean ok, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(rule + ": " + this);
        }
    }

    /** D = 256, d_c = 32, the window 32, 64 eidetic events, segments of 64, k = 2, unbounded archive. */
    public static EventSettings defaults() {
        return new EventSettings(256, 32, 0.5f, 0.99f, 32, 64, 64, 2, 512, 1024, 0, 0, 1.2, 0.75,
                Weights.defaults(), 0x5eedL);
    }

    public EventSettings withDimension(int d) {
        return new EventSettings(d, cellDim, beta, decay, window, eidetic, segment, routeK, postingsRead,
                maxCandidates, archiveCap, postingsCap, k1, b, weights, seed);
    }

    public EventSettings withWeights(Weights w) {
        return new EventSettings(dimension, cellDim, beta, decay, window, eidetic, segment, routeK, postingsRead,
                maxCandidates, archiveCap, postingsCap, k1, b, w, seed);
    }

    public EventSettings withTiers(int window, int eidetic, int routeK) {
        return new EventSettings(dimension, cellDim, beta, decay, window, eidetic, segment, routeK, postingsRead,
                maxCandidates, archiveCap, postingsCap, k1, b, weights, seed);
    }

    public EventSettings withCaps(int archiveCap, int postingsCap) {
        return new EventSettings(dimension, cellDim, beta, decay, window, eidetic, segment, routeK, postingsRead,
                maxCandidates, archiveCap, postingsCap, k1, b, weights, seed);
    }
}
