package dev.keymem.state;

import dev.keymem.models.novelty.NoveltyEntry;

/**
 * Payload of one eidetic entry of the novelty memory (a MapState value, written once when admitted). Format 1:
 * {@code long position, int item, float innovation, int payloadLength (-1 = null), byte[payloadLength]}.
 */
public final class NoveltyEntryPiece extends BaseStatePiece<NoveltyEntry> {

    public static final NoveltyEntryPiece INSTANCE = new NoveltyEntryPiece();
    public static final int CODE = 41;
    public static final int FORMAT = 1;

    private NoveltyEntryPiece() {
        super("NoveltyEntry", CODE, FORMAT);
    }

    @Override
    public void write(NoveltyEntry e, PayloadWriter out) {
        out.putLong(e.position()).putInt(e.item()).putFloat(e.innovation());
        byte[] p = e.payload();
        out.putInt(p == null ? -1 : p.length);
        if (p != null) {
            out.putBytes(p, 0, p.length);
        }
    }

    /** Payload bytes of {@code e} in the current format. */
    public static int payloadBytes(NoveltyEntry e) {
        return 8 + 4 + 4 + 4 + (e.payload() == null ? 0 : e.payload().length);
    }

    @Override
    public NoveltyEntry read(int format, PayloadReader in, NoveltyEntry reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown NoveltyEntry format " + format);
        }
        long position = in.getLong("position");
        int item = in.getInt("item");
        float innovation = in.getFloat("innovation");
        int n = in.getInt("payload length");
        if (position < 0 || n < -1 || n > in.remaining()) {
            throw in.corrupt("impossible position " + position + " or payload length " + n);
        }
        byte[] payload = null;
        if (n >= 0) {
            payload = new byte[n];
            in.getBytes(payload, 0, n, "payload");
        }
        return new NoveltyEntry(position, item, innovation, payload);
    }

    @Override
    public NoveltyEntry copy(NoveltyEntry e) {
        return new NoveltyEntry(e.position(), e.item(), e.innovation(), e.payload() == null ? null : e.payload().clone());
    }

    @Override
    public NoveltyEntry empty() {
        return new NoveltyEntry(0, -1, 0f, null);
    }
}
