package dev.keymem.jobs.logs;

/**
 * One input log line after parsing: its source (the key), the original text, and where it came from
 * (offset: a Kafka offset or a 0-based line number in a file; timestamp in ms since the epoch, or -1
 * when unknown). A Flink POJO.
 */
public class LogLine {
    /** The source (summaries are per source). */
    public String source;
    /** The original line. */
    public String text;
    /** Kafka offset, or 0-based line number of a file. */
    public long offset;
    /** Milliseconds since the epoch, or -1. */
    public long timestamp;
    /** Topic (or file name) the line came from, for error messages; may be null. */
    public String topic;
    /** Partition the line came from (0 for a file). */
    public int partition;

    /**
     * A hint for the serializers, not data: the text instance known to hold only ASCII characters (the parser
     * marks it where the bytes it read were ASCII), so that it is copied byte for byte instead of encoded. It
     * counts only while {@link #text} is that same instance: a text set later is encoded as usual.
     */
    private transient String asciiText;

    /** For Flink's POJO serializer. */
    public LogLine() {
    }

    public LogLine(String source, String text, long offset, long timestamp) {
        this.source = source;
        this.text = text;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /** Marks the current text as ASCII only (see {@link #textIsAscii}); the caller knows it is. */
    void markAsciiText() {
        asciiText = text;
    }

    /** Whether the text is marked as ASCII only ({@link #markAsciiText}) and has not been replaced since. */
    boolean textIsAscii() {
        return text != null && asciiText == text;
    }

    /** {@code topic-partition@offset}. */
    public String coordinates() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public String toString() {
        return "LogLine{" + source + "@" + offset + ": " + text + "}";
    }
}
