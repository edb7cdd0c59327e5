package dev.keymem.jobs.logs;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One input log line after parsing: its source (the key), the original text, and where it came from
 * (offset: a Kafka offset or a 0-based line number in a file; timestamp in ms since the epoch, or -1
 * when unknown), and whether the text is a bare message ({@link #bare}). Its Flink type is
 * {@link LogLineSerializer#TYPE}, also where a job asks {@code TypeInformation.of(LogLine.class)} ({@link TypeInfo}):
 * Flink's POJO serializer would drop the fields the job needs that are no POJO fields ({@link #cri}).
 */
@TypeInfo(LogLineSerializer.TypeFactory.class)
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

    /**
     * Where the line is a piece of a Kubernetes CRI container log line ({@link CriLogPrefix}), its stream and tag
     * ({@link #CRI_STDOUT} or {@link #CRI_STDERR}, plus {@link #CRI_PARTIAL} for a {@code P} piece, whose text is
     * then its message exactly as written, trailing spaces included); 0 for any other line. Set by the parser,
     * carried by the job's serializers ({@link LogLineSerializer}, {@link LogLineRun}), read by the keyed step's
     * {@link CriLineJoin}, which joins the pieces of a long line (transient: no field of a POJO form).
     */
    transient byte cri;

    /**
     * Where a CRI piece's message was cut inside a UTF-8 character (containerd cuts a long line at a byte count):
     * the raw bytes of that character's end at the start of the message (1 to 3 continuation bytes), which the
     * text shows as its first char, one U+FFFD; null where none. Set by the parser from the value's bytes
     * ({@link LogLineParser#criSeams}), carried by the job's serializers; the join puts a seam's bytes back
     * together ({@link CriLineJoin}), so the joined line is the unsplit line byte for byte. Transient, as
     * {@link #cri}.
     */
    transient byte[] criHead;
    /**
     * As {@link #criHead}, for the start of a character at the end of a {@code P} piece's message (an incomplete
     * UTF-8 sequence, 1 to 3 bytes), which the text shows as its last char, one U+FFFD; null where none.
     */
    transient byte[] criTail;

    /** {@link #cri}: a piece written to stdout. */
    static final byte CRI_STDOUT = 1;
    /** {@link #cri}: a piece written to stderr. */
    static final byte CRI_STDERR = 2;
    /** {@link #cri}: a {@code P} (partial) piece; without it, an {@code F} (full, or last) piece. */
    static final byte CRI_PARTIAL = 4;
    /**
     * {@link #cri}: an {@code F} piece whose message is empty; its text is the whole line (as a line that is no
     * CRI line is read), its message joined as the empty string.
     */
    static final byte CRI_EMPTY = 8;
    /**
     * {@link #cri}: no piece but the stand-in of a refused one (invalid bytes inside it, or too big), which went to
     * the dead letters: the parse step sends it on after the dead letter ({@code InvalidRecordException#standIn})
     * so that the join marks the line the piece belonged to as missing it. Its text is empty.
     */
    static final byte CRI_REFUSED = 16;

    /** An empty line, for the serializers. */
    public LogLine() {
    }

    public LogLine(String source, String text, long offset, long timestamp) {
        this.source = source;
        this.text = text;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /**
     * Whether this is no line but the stand-in of a refused CRI piece: a piece of a Kubernetes container log line
     * that went to the dead letters (invalid bytes inside it, or too big), after whose dead letter the parse step
     * ({@link LogSummaryJob#parser}) sends on this stand-in, with an empty text, so that the keyed step's join
     * ({@link CriLineJoin}, in {@link LogSummaryJob#keyedFunction}) marks the line the piece belonged to as missing
     * it. The join drops the stand-in itself; a caller that reads the parsed lines without that step (e.g.
     * {@link EmbeddedJobs#parse} with {@link LogSummaryJob#parser}) must drop every line for which this is true.
     */
    public boolean isStandIn() {
        return (cri & CRI_REFUSED) != 0;
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
