package dev.keymem.jobs.logs;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.retention.RetentionState;
/**
 * One source's state in the log summarization job: the B'MOJO state, the STR/CMP state (null when
 * retention is off) and the counters of the current summary period. Kept in Flink keyed state (one per
 * source, serialized by {@link SourceMemorySerializer}, never Kryo); the lines since the last summary are
 * kept apart, in {@link PendingLines}, as {@link PendingLine} Flink POJOs.
 */
public class SourceMemory {
    /** B'MOJO: fading cell, window ring, eidetic store. */
    public BmojoState bmojo;
    /** STR/CMP tiers, or null. */
    public RetentionState retention;
    /** Next line position of this source (lines seen). */
    public long position;
    /** Lines before this position are reported (or were not retained). */
    public long reportedUpTo;
    /** Lines since the last summary. */
    public long linesSinceLast;
    /** Offset of the first line since the last summary (-1 when none). */
    public long fromOffset = -1;
    /** Offset of the last line seen. */
    public long lastOffset = -1;
    /** Summaries emitted. */
    public long summaries;
    /** Whether a time-based summary timer is pending. */
    public boolean timerSet;

    /** For serializers. */
    public SourceMemory() {
    }

    /**
     * A line kept until the next summary (the summarizer keeps its position, template id in
     * {@code template}, offset, timestamp and innovation; text and vector may be null). A Flink POJO
     * (public fields of supported types only).
     */
    public static class PendingLine {
        public long position;
        public String text;
        public String template;
        public long offset;
        public long timestamp;
        public float innovation;
        public float[] vector;

        public PendingLine() {
        }

        PendingLine(long position, String text, String template, long offset, long timestamp, float innovation,
                    float[] vector) {
            this.position = position;
            this.text = text;
            this.template = template;
            this.offset = offset;
            this.timestamp = timestamp;
            this.innovation = innovation;
            this.vector = vector;
        }
    }
}
