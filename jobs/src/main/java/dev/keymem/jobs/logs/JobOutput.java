package dev.keymem.jobs.logs;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What a job emits: a result (summary or answer, JSON) or a dead letter (JSON), with the Kafka key it
 * is written under. Not changed once emitted: its Flink type is {@link JobOutputSerializer#TYPE} (also where a job
 * asks {@code TypeInformation.of(JobOutput.class)}), whose copy between chained operators is the output itself, so a
 * function that reads a stream of outputs must not change one it receives (change a new one made from it). Final:
 * a subclass would get the same type and come back from a serialization as a plain output.
 */
@TypeInfo(JobOutputSerializer.TypeFactory.class)
public final class JobOutput {
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
    /** The text {@link #countedBytes} was counted for ({@link #counted}); not serialized (not a POJO field). */
    private transient String countedJson;
    /** The UTF-8 bytes of {@link #countedJson}. */
    private transient long countedBytes = -1;

    public JobOutput() {
    }

    public JobOutput(String kind, String key, String json) {
        this.kind = kind;
        this.key = key;
        this.json = json;
    }

    /**
     * An output whose writer counted {@code json}'s UTF-8 bytes as it wrote it ({@code utf8Bytes}): the output bound
     * reads the count instead of measuring the text again ({@link #utf8Bytes}).
     */
    public static JobOutput counted(String kind, String key, String json, long utf8Bytes) {
        JobOutput o = new JobOutput(kind, key, json);
        o.countedJson = json;
        o.countedBytes = utf8Bytes;
        return o;
    }

    /**
     * The UTF-8 bytes of {@link #json} where its writer counted them ({@link #counted}), else -1: also once {@link
     * #json} was set to another string (the count belongs to the very string it was made for), and after
     * serialization (the count is no field of the format; a copy, {@link JobOutputSerializer#copy}, is the output
     * itself).
     */
    public long utf8Bytes() {
        return json != null && json == countedJson ? countedBytes : -1;
    }

    public boolean isResult() {
        return RESULT.equals(kind);
    }

    @Override
    public String toString() {
        return kind + " " + key + " " + json;
    }
}
