package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.FollowedIds;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.operators.NoveltyMemory;

/**
 * One source's summary period in the log summarization job: the counters of the current period, kept in
 * Flink keyed state (a few dozen bytes, serialized by {@link SourceMemorySerializer}, never Kryo), and the
 * source's {@link NoveltyMemory} (the operators' memory: in keyed state under its own names in the job, on the
 * heap in evaluations), which is not part of this value's state. The lines since the last summary are kept
 * apart, in {@link PendingLines}, when the memory ranks them (retention tier on).
 */
public class SourceMemory {
    /** The source's memory (not serialized here). */
    public transient NoveltyMemory novelty;
    /**
     * Release 0.1.0 only: the B'MOJO state read from an old savepoint (null otherwise); the job moves its
     * fading cell into the novelty memory on the source's first line.
     */
    public BmojoState bmojo;
    /** Release 0.1.0 only: the STR/CMP state read from an old savepoint, or null. */
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
    /**
     * The templates counted since the last summary, where this object saw every line since (heap only: a restored
     * or re-read memory has none, and its next summary walks the ledger; past its bound a period drops its ids).
     */
    transient FollowedIds periodIds;

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
