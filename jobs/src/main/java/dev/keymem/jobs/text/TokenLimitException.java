package dev.keymem.jobs.text;

/** A text has more tokens than the configured limit. */
public class TokenLimitException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int limit;

    /** A text over {@code limit} tokens; {@code message} names the text. */
    public TokenLimitException(String message, int limit) {
        super(message);
        this.limit = limit;
    }

    /** The limit that was exceeded. */
    public int limit() {
        return limit;
    }
}
