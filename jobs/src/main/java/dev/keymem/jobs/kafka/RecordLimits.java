package dev.keymem.jobs.kafka;

import dev.keymem.operators.Utf8Prefix;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * The size limits that keep every record and every output of a job bounded, whatever the input.
 *
 * @param maxRecordBytes     a record value over this many bytes is a dead letter ("value has N bytes, over
 *                           the limit of M")
 * @param maxTextBytes       the text a job keeps of one record as its payload (the log line in a summary, the
 *                           event in an answer): a longer text is cut at a character boundary and marked with
 *                           {@link #TRUNCATED_MARK} and its full length; the memory sees the text cut to the
 *                           front end's token limit in any case
 * @param maxOutputBytes     a result (summary, answer) is at most this many bytes of UTF-8 JSON: beyond it the
 *                           entries of its largest list are cut from the end and their count recorded (see
 *                           {@link OutputBounds}); below Kafka's default max.request.size (1 MB) and Flink's
 *                           collect batch (2 MB)
 * @param deadLetterValueBytes a dead letter carries at most this many bytes of the rejected value (the rest is
 *                           counted in {@code value_bytes}, and {@code value_truncated} is set)
 */
public record RecordLimits(int maxRecordBytes, int maxTextBytes, int maxOutputBytes, int deadLetterValueBytes)
        implements Serializable {

    /** Appended to a text cut to {@link #maxTextBytes}, followed by the original size and "bytes]". */
    public static final String TRUNCATED_MARK = " \u2026[truncated, ";

    public RecordLimits {
        if (maxRecordBytes < 1 || maxTextBytes < 64 || maxOutputBytes < 4096 || deadLetterValueBytes < 0) {
            throw new IllegalArgumentException("limits must be positive (text >= 64, output >= 4096 bytes): "
                    + maxRecordBytes + ", " + maxTextBytes + ", " + maxOutputBytes + ", " + deadLetterValueBytes);
        }
    }

    /** Records up to 64 KiB, texts kept up to 16 KiB, outputs up to 512 KiB, 4 KiB of a dead letter's value. */
    public static RecordLimits defaults() {
        return new RecordLimits(64 * 1024, 16 * 1024, 512 * 1024, 4096);
    }

    public RecordLimits withMaxRecordBytes(int n) {
        return new RecordLimits(n, maxTextBytes, maxOutputBytes, deadLetterValueBytes);
    }

    public RecordLimits withMaxTextBytes(int n) {
        return new RecordLimits(maxRecordBytes, n, maxOutputBytes, deadLetterValueBytes);
    }

    public RecordLimits withMaxOutputBytes(int n) {
        return new RecordLimits(maxRecordBytes, maxTextBytes, n, deadLetterValueBytes);
    }

    public RecordLimits withDeadLetterValueBytes(int n) {
        return new RecordLimits(maxRecordBytes, maxTextBytes, maxOutputBytes, n);
    }

    /**
     * {@code text} when it has at most {@link #maxTextBytes} UTF-8 bytes; else its longest prefix that fits
     * (with the mark) followed by {@code " …[truncated, N bytes]"}, N the original size.
     */
    public String capText(String text) {
        if (text == null || text.length() * 3L <= maxTextBytes) {
            return text;
        }
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxTextBytes) {
            return text;
        }
        return cut(b, TRUNCATED_MARK + b.length + " bytes]", maxTextBytes);
    }

    /**
     * {@code text} followed by {@code mark}, the end of {@code text} cut off (on a character boundary) where both
     * would have more than {@code maxBytes} UTF-8 bytes.
     */
    public static String marked(String text, String mark, int maxBytes) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length + utf8Bytes(mark) <= maxBytes) {
            return text + mark;
        }
        return cut(b, mark, maxBytes);
    }

    /** UTF-8 {@code bytes} cut to what fits before {@code mark} in {@code maxBytes}, followed by the mark. */
    private static String cut(byte[] bytes, String mark, int maxBytes) {
        return prefix(bytes, maxBytes - utf8Bytes(mark)) + mark;
    }

    /** UTF-8 bytes of {@code s} as {@code s.getBytes(UTF_8).length} counts them, without encoding it. */
    public static int utf8Bytes(String s) {
        return OutputBounds.utf8Length(s);
    }

    /** The longest prefix of UTF-8 {@code bytes} of at most {@code n} bytes that ends on a character boundary. */
    public static String prefix(byte[] bytes, int n) {
        return Utf8Prefix.prefix(bytes, n);
    }

    /**
     * Java serialization writes a {@link Form} in its place (a job graph carries the limits in its functions). A
     * record is read back through {@code ObjectInputStream}'s record path, whose first use in a JVM builds the
     * method handles of the canonical constructor and of the stream fields (~14 ms of a 20-line log run's CPU,
     * docs/benchmarks.md, "Start-up, round 24"); a plain class is read by the ordinary path. Read back, the form
     * gives the record through the canonical constructor, so the same checks apply.
     */
    @Serial
    private Object writeReplace() {
        return new Form(maxRecordBytes, maxTextBytes, maxOutputBytes, deadLetterValueBytes);
    }

    /** The serial form of {@link RecordLimits}: its four components. */
    static final class Form implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        private final int maxRecordBytes;
        private final int maxTextBytes;
        private final int maxOutputBytes;
        private final int deadLetterValueBytes;

        Form(int maxRecordBytes, int maxTextBytes, int maxOutputBytes, int deadLetterValueBytes) {
            this.maxRecordBytes = maxRecordBytes;
            this.maxTextBytes = maxTextBytes;
            this.maxOutputBytes = maxOutputBytes;
            this.deadLetterValueBytes = deadLetterValueBytes;
        }

        /** The record, or an {@link InvalidObjectException} (as the record path throws) where its checks fail. */
        @Serial
        private Object readResolve() throws ObjectStreamException {
            try {
                return new RecordLimits(maxRecordBytes, maxTextBytes, maxOutputBytes, deadLetterValueBytes);
            } catch (IllegalArgumentException e) {
                InvalidObjectException invalid = new InvalidObjectException(e.getMessage());
                invalid.initCause(e);
                throw invalid;
            }
        }
    }
}
