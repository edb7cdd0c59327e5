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
