package dev.keymem.state;

/**
 * The identity every {@link StatePiece} carries (name, frame code, current format), so a piece only
 * writes its layout: the writer, the readers, copy and empty.
 */
public abstract class BaseStatePiece<T> implements StatePiece<T> {
    private final String name;
    private final int code;
    private final int currentFormat;

    protected BaseStatePiece(String name, int code, int currentFormat) {
        this.name = name;
        this.code = code;
        this.currentFormat = currentFormat;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int code() {
        return code;
    }

    @Override
    public final int currentFormat() {
        return currentFormat;
    }
}
