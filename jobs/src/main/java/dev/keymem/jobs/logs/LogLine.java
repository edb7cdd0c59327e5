package dev.keymem.jobs.logs;

/**
 * One input log line after parsing: its source (the key), the original text, and where it came from
 * (offset: a Kafka offset or a 0-based line number in a file; timestamp in ms since the epoch, or -1
 * when unknown), and whether the text is a bare message ({@link #bare}). A Flink POJO.
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
     * Whether {@link #text} is a bare message: what a logger was asked to log, without the header (time stamp,
     * level, logger, thread, host, program) that a raw line puts in front of it. Decided where the record is read
     * ({@link LogLineParser}: a structured record's message field, such as pino's {@code msg} or journald's
     * {@code MESSAGE}, whose header lives in the record's other fields; see
     * {@code JsonLogFields#bare}); false for a raw line and for a field that holds a whole line (Docker's
     * {@code log}). The miner and the summarizer cut no header off a bare message. Default false.
     */
    public boolean bare;

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
        return "LogLine{" + source + "@" + offset + (bare ? " (bare)" : "") + ": " + text + "}";
    }
}
