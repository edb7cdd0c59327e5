package dev.keymem.models.rmt;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key's RMT state: the memory ({@code m x d} floats), the tokens of the open segment (at most
 * {@code segment_size}), the number of tokens seen and of segments run. Its size never depends on the
 * key's history: {@code 4 (m d + segment_size)} bytes plus a few counters.
 */
public final class RmtState {
    private final float[] memory;
    private final int[] buffer;
    private int buffered;
    private long position;
    private long segments;

    public RmtState(float[] memory, int segmentSize) {
        this(memory, new int[segmentSize], 0, 0L, 0L);
    }

    /** Restores a state (serializers); the arrays are taken, not copied. */
    public RmtState(float[] memory, int[] buffer, int buffered, long position, long segments) {
        this.memory = Objects.requireNonNull(memory, "memory");
        this.buffer = Objects.requireNonNull(buffer, "buffer");
        if (buffered < 0 || buffered > buffer.length) {
            throw new IllegalArgumentException("buffered " + buffered + " outside 0.." + buffer.length);
        }
        if (position < 0 || segments < 0 || position != segments * buffer.length + buffered) {
            throw new IllegalArgumentException("inconsistent position " + position + " for " + segments
                    + " segments of " + buffer.length + " and " + buffered + " buffered tokens");
        }
        this.buffered = buffered;
        this.position = position;
        this.segments = segments;
    }

    /** The memory [m * d] (live array). */
    public float[] memory() {
        return memory;
    }

    /** The open segment's token buffer (live array; the first {@link #buffered()} entries are valid). */
    public int[] buffer() {
        return buffer;
    }

    public int buffered() {
        return buffered;
    }

    /** Tokens seen. */
    public long position() {
        return position;
    }

    /** Segments run (each one wrote the memory). */
    public long segments() {
        return segments;
    }

    void push(int token) {
        buffer[buffered++] = token;
        position++;
    }

    void closeSegment(float[] next) {
        System.arraycopy(next, 0, memory, 0, memory.length);
        buffered = 0;
        segments++;
    }

    public RmtState copy() {
        return new RmtState(memory.clone(), buffer.clone(), buffered, position, segments);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RmtState s)) {
            return false;
        }
        return buffered == s.buffered && position == s.position && segments == s.segments
                && Arrays.equals(memory, s.memory)
                && Arrays.equals(Arrays.copyOf(buffer, buffered), Arrays.copyOf(s.buffer, s.buffered))
                && buffer.length == s.buffer.length;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(memory), buffered, position, segments);
    }

    @Override
    public String toString() {
        return "RmtState{position=" + position + ", segments=" + segments + ", buffered=" + buffered
                + ", memory=" + memory.length + " floats}";
    }
}
