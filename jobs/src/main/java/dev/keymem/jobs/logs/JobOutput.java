package dev.keymem.jobs.logs;

/**
 * What a job emits: a result (summary or answer, JSON) or a dead letter (JSON), with the Kafka key it
 * is written under. A Flink POJO.
 */
public class JobOutput {
    /** A summary or an answer. */
    public static final String RESULT = "result";
    /** A record that could not be processed. */
    public static final String DEAD_LETTER = "dead-letter";

    /** {@link #RESULT} or {@link #DEAD_LETTER}. */
    public String kind;
    /** The key (source or user), may be null for a dead letter. */
    public String key;
    /** The JSON value. */
    public String json;
    /**
     * The UTF-8 bytes of {@link #json} where its writer counted them, else -1: the output bound reads it instead of
     * measuring the text again. Not serialized (transient: not a POJO field); -1 after a copy.
     */
    public transient long utf8Bytes = -1;

    public JobOutput() {
    }

    public JobOutput(String kind, String key, String json) {
        this.kind = kind;
        this.key = key;
        this.json = json;
    }

    public boolean isResult() {
        return RESULT.equals(kind);
    }

    @Override
    public String toString() {
        return kind + " " + key + " " + json;
    }
}
