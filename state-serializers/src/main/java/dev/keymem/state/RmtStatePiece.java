package dev.keymem.state;

import dev.keymem.models.rmt.RmtState;

/**
 * Payload of an {@link RmtState} (one key's Recurrent Memory Transformer state). Format 1:
 * {@code long position, long segments, float[] memory, int segment_size, int buffered,
 * int[buffered] open-segment tokens}. The reader checks the counters agree
 * ({@code position == segments * segment_size + buffered}) and that no token id is negative.
 */
public final class RmtStatePiece extends BaseStatePiece<RmtState> {

    public static final RmtStatePiece INSTANCE = new RmtStatePiece();
    public static final int CODE = 30;
    public static final int FORMAT = 1;

    private RmtStatePiece() {
        super("RmtState", CODE, FORMAT);
    }

    @Override
    public void write(RmtState value, PayloadWriter out) {
        out.putLong(value.position());
        out.putLong(value.segments());
        out.putFloatArray(value.memory());
        out.putInt(value.buffer().length);
        out.putInt(value.buffered());
        for (int i = 0; i < value.buffered(); i++) {
            out.putInt(value.buffer()[i]);
        }
    }

    @Override
    public RmtState read(int format, PayloadReader in, RmtState reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown RmtState format " + format);
        }
        long position = in.getLong("position");
        long segments = in.getLong("segments");
        int n = in.getFloatArrayLength("memory");
        float[] memory = new float[n];
        in.getFloats(memory, 0, n, "memory");
        int size = in.getInt("segment_size");
        int buffered = in.getInt("buffered");
        if (size <= 0 || buffered < 0 || buffered > size) {
            throw in.corrupt("buffered " + buffered + " outside 0..segment_size " + size);
        }
        if (position < 0 || segments < 0 || position != segments * size + buffered) {
            throw in.corrupt("position " + position + " disagrees with " + segments + " segments of " + size
                    + " and " + buffered + " buffered tokens");
        }
        int[] buffer = new int[size];
        for (int i = 0; i < buffered; i++) {
            buffer[i] = in.getInt("token");
            if (buffer[i] < 0) {
                throw in.corrupt("negative token id " + buffer[i]);
            }
        }
        return new RmtState(memory, buffer, buffered, position, segments);
    }

    @Override
    public RmtState copy(RmtState value) {
        return value.copy();
    }

    @Override
    public RmtState empty() {
        return new RmtState(new float[0], 1);
    }
}
