package dev.keymem.operators;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * The event memory's answer to one query record: the key, the events absorbed before the query, the
 * query's payload (unchanged), the best events (best first) and the fading cell's read for the query. A
 * Flink POJO.
 */
@PublicEvolving
public class MemoryAnswer {
    public String key;
    /** Events the key's memory had absorbed when the query arrived. */
    public long position;
    public byte[] queryPayload;
    public Hit[] hits;
    /** The fading cell's read o = S^T q (length keymem.events.cell-dim; zeros for an empty memory). */
    public float[] read;

    public MemoryAnswer() {
    }

    /** One event of an answer. A Flink POJO. */
    public static class Hit {
        /** The event's position in its key's stream (0-based). */
        public long position;
        /** The event's payload, as written. */
        public byte[] payload;
        public double score;
        /** The tiers that found it, e.g. "window+lexical" (window, eidetic, lexical, segment). */
        public String tiers;

        public Hit() {
        }

        public Hit(long position, byte[] payload, double score, String tiers) {
            this.position = position;
            this.payload = payload;
            this.score = score;
            this.tiers = tiers;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hit h && position == h.position && Double.compare(score, h.score) == 0
                    && Arrays.equals(payload, h.payload) && Objects.equals(tiers, h.tiers);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(position) * 31 + Double.hashCode(score);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MemoryAnswer a && Objects.equals(key, a.key) && position == a.position
                && Arrays.equals(queryPayload, a.queryPayload) && Arrays.equals(hits, a.hits)
                && Arrays.equals(read, a.read);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position) * 31 + Arrays.hashCode(hits);
    }

    @Override
    public String toString() {
        return "MemoryAnswer{key=" + key + ", position=" + position + ", hits=" + (hits == null ? 0 : hits.length) + "}";
    }
}
