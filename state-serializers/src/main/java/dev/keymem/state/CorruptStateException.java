package dev.keymem.state;

import java.io.IOException;

/**
 * A stored state entry could not be decoded: wrong magic, unknown piece or format version, a
 * truncated payload, or a checksum mismatch. The message names the state piece (for example
 * {@code CellState}) so that a corrupted checkpoint is traced to what it holds.
 */
public final class CorruptStateException extends IOException {

    private final String piece;

    public CorruptStateException(String piece, String message) {
        super("corrupt state piece " + piece + ": " + message);
        this.piece = piece;
    }

    public CorruptStateException(String piece, String message, Throwable cause) {
        super("corrupt state piece " + piece + ": " + message, cause);
        this.piece = piece;
    }

    /** The name of the state piece whose entry was corrupt. */
    public String piece() {
        return piece;
    }
}
