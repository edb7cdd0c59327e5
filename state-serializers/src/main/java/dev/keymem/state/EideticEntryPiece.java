package dev.keymem.state;

import dev.keymem.models.bmojo.EideticEntry;

/**
 * Payload of one long-term (archived) B'MOJO entry, one MapState value per entry. Format 1:
 * {@code int head, long position, float innovation, float[] key (int n, float[n]), float[] value
 * (int n, float[n])}. The head and position repeat the map key so that a value read on its own is
 * complete (and a mismatch with its key is detectable).
 */
public final class EideticEntryPiece extends BaseStatePiece<EideticEntry> {

    public static final EideticEntryPiece INSTANCE = new EideticEntryPiece();
    public static final int CODE = 11;
    public static final int FORMAT = 1;

    private EideticEntryPiece() {
        super("EideticEntry", CODE, FORMAT);
    }

    @Override
    public void write(EideticEntry e, PayloadWriter out) {
        out.putInt(e.head()).putLong(e.position()).putFloat(e.innovation());
        out.putFloatArray(e.key());
        out.putFloatArray(e.value());
    }

    /** Payload bytes of {@code e} in the current format. */
    public static int payloadBytes(EideticEntry e) {
        return 4 + 8 + 4 + 4 + 4 * e.key().length + 4 + 4 * e.value().length;
    }

    @Override
    public EideticEntry read(int format, PayloadReader in, EideticEntry reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown EideticEntry format " + format);
        }
        int head = in.getInt("head");
        long position = in.getLong("position");
        float innovation = in.getFloat("innovation");
        if (head < 0 || position < 0) {
            throw in.corrupt("impossible head " + head + " or position " + position);
        }
        int k = in.getFloatArrayLength("key");
        float[] key = new float[k];
        in.getFloats(key, 0, k, "key");
        int v = in.getFloatArrayLength("value");
        float[] value = new float[v];
        in.getFloats(value, 0, v, "value");
        return new EideticEntry(head, position, innovation, key, value);
    }

    @Override
    public EideticEntry copy(EideticEntry e) {
        return new EideticEntry(e.head(), e.position(), e.innovation(), e.key().clone(), e.value().clone());
    }

    @Override
    public EideticEntry empty() {
        return new EideticEntry(0, 0L, 0f, new float[0], new float[0]);
    }
}
