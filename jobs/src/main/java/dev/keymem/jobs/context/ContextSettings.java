package dev.keymem.jobs.context;

import dev.keymem.models.caching.CachingSettings;
import java.io.Serializable;

/**
 * Settings of the user context job.
 *
 * @param dimension  embedding size d of an event (one event = one token, q = k = v = its embedding)
 * @param beta       write strength of the gated_delta cell
 * @param decay      per-event decay exp(g) of the cell, in (0, 1]
 * @param segment    Memory Caching segment length (events per cached state)
 * @param topEvents  past events in an answer
 * @param maxEvents  past events kept per user (the oldest is dropped beyond it)
 */
public record ContextSettings(int dimension, float beta, float decay, int segment, int topEvents, int maxEvents)
        implements Serializable {

    public ContextSettings {
        if (dimension < 1 || segment < 1 || topEvents < 1 || maxEvents < 1) {
            throw new IllegalArgumentException("dimension, segment, topEvents and maxEvents must be >= 1: " + this);
        }
        if (!(beta > 0 && beta <= 1) || !(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("beta and decay must be in (0, 1]: " + this);
        }
    }

    /** d = 64, beta 0.5, decay 0.99, segments of 16 events, top 5 events, 1000 events per user. */
    public static ContextSettings defaults() {
        return new ContextSettings(64, 0.5f, 0.99f, 16, 5, 1000);
    }

    public ContextSettings withTopEvents(int k) {
        return new ContextSettings(dimension, beta, decay, segment, k, maxEvents);
    }

    /**
     * Cached segment states kept per user: beyond it the two oldest are merged, so a user's state, its
     * checkpoint share and the cost of a read (which visits the cached states) stay bounded however long
     * the user's history (32 caches of 16 events: the last ~512 events in segments, older ones merged).
     */
    public static final int MAX_CACHES = 32;

    /**
     * Memory Caching: constant segments, checkpoint carry-over, GRM read with parameter-free gates, at most
     * {@link #MAX_CACHES} cached states (the two oldest merged beyond it).
     */
    public CachingSettings caching() {
        return CachingSettings.defaults().withSegmentation(CachingSettings.Segmentation.CONSTANT, segment)
                .withCap(MAX_CACHES, CachingSettings.Eviction.MERGE_OLDEST);
    }
}
