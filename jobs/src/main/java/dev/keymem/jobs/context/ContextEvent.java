package dev.keymem.jobs.context;

/**
 * One parsed user event: the user (the key), the text, an optional type, whether it is a query, an
 * optional expected answer (carried into the answer unchanged, for checks), an optional timestamp
 * string, and its offset (Kafka offset or 0-based line number). A Flink POJO.
 */
public class ContextEvent {
    public String user;
    public String text;
    public String type;
    public boolean query;
    public String expect;
    public String ts;
    public long offset;
    /** Topic (or file name) and partition of the record, for error messages. */
    public String topic;
    public int partition;
    /**
     * Whether text, type, expect and ts are all ASCII (or null), as the parser found them: a hint that lets the
     * parse step's runs write them as their bytes (false is always safe). Not serialized.
     */
    public transient boolean ascii;

    public ContextEvent() {
    }

    @Override
    public String toString() {
        return "ContextEvent{" + user + "@" + offset + (query ? " query" : "") + ": " + text + "}";
    }
}
