package dev.keymem.state;

/**
 * How one kind of state value is laid out in a frame's payload: its name (used in error messages),
 * a one-byte code stored in every frame, the current payload format, and the writer and readers.
 * A reader must accept every format from 1 to {@link #currentFormat()}, so old checkpoints restore
 * after the layout evolves: bump the format, keep the old reader.
 */
public interface StatePiece<T> {

    /** Human-readable name, e.g. {@code CellState}. */
    String name();

    /** The code stored in each frame; unique among pieces. */
    int code();

    /** The payload format this code writes. */
    int currentFormat();

    /** Writes {@code value} in the current format. */
    void write(T value, PayloadWriter out);

    /**
     * Reads a value of the given format; may fill and return {@code reuse} (which may be null) when
     * its shape fits. Must consume the whole payload.
     */
    T read(int format, PayloadReader in, T reuse) throws CorruptStateException;

    /** A deep copy. */
    T copy(T value);

    /** An empty value (used by Flink's {@code createInstance}). */
    T empty();
}
