package dev.keymem.jobs.kafka;

import org.apache.flink.annotation.Internal;

/**
 * Thrown by a {@link RecordParser} when a record cannot be used; its message becomes the dead letter's
 * reason, so it should name what is wrong (e.g. "value is not valid UTF-8", "missing field 'user'").
 */
public class InvalidRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An invalid record, for {@code reason}. */
    public InvalidRecordException(String reason) {
        super(reason);
    }

    /**
     * What the parse step sends on after the record's dead letter, in its place, or null (the default): a marker
     * that tells the next step a record is missing (the log job's refused CRI piece, {@code LogLine#isStandIn}).
     */
    private transient Object standIn;

    /**
     * An invalid record, for {@code reason}, that {@code standIn} stands for after its dead letter: the parse step
     * ({@link ParseOrDeadLetter}) sends {@code standIn} on, on its main output, so it must be of the parsed type.
     */
    @Internal
    public static InvalidRecordException withStandIn(String reason, Object standIn) {
        InvalidRecordException e = new InvalidRecordException(reason);
        e.standIn = standIn;
        return e;
    }

    /** What stands for the record after its dead letter ({@link #withStandIn}), or null. */
    @Internal
    public Object standIn() {
        return standIn;
    }

    /** An invalid record, for {@code reason}, caused by {@code cause}. */
    public InvalidRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
