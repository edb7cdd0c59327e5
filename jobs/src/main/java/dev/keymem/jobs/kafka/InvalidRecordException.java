package dev.keymem.jobs.kafka;

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

    /** An invalid record, for {@code reason}, caused by {@code cause}. */
    public InvalidRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
