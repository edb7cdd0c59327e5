package dev.keymem.models.bmojo;

/**
 * What happened to a token's eidetic entry, for the operator to emit: {@code type} at the step of the
 * token at position {@code step} (before that token's read), for {@code head}, the entry of the token
 * at {@code position} with innovation {@code innovation}. {@link Type#EVICTED} entries went to the
 * long-term archive; {@link Type#DROPPED} entries left it for good (the archive cap,
 * {@link BmojoSettings#archiveCap()}; it may be the entry evicted at the same step, reported right after
 * its EVICTED event).
 */
public record BmojoEvent(Type type, long step, int head, long position, float innovation) {

    /** The event kinds. */
    public enum Type { ADMITTED, EVICTED, DROPPED }
}
