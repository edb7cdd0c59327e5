package dev.keymem.state;

import dev.keymem.models.events.EventEntry;

/**
 * Payload of one archived event (a MapState value, written once). Format 1: {@code long position, int
 * length, float innovation, float scale, int t, int[t] terms, int[t] counts, int d, byte[d] vector, int p,
 * byte[p] payload}. Integers go as 4-byte values.
 */
public final class EventEntryPiece extends BaseStatePiece<EventEntry> {

    public static final EventEntryPiece INSTANCE = new EventEntryPiece();
    public static final int CODE = 15;
    public static final int FORMAT = 1;

    private EventEntryPiece() {
        super("EventEntry", CODE, FORMAT);
    }

    @Override
    public void write(EventEntry e, PayloadWriter out) {
        out.putLong(e.position()).putInt(e.length()).putFloat(e.innovation()).putFloat(e.scale());
        out.putInt(e.terms().length);
        for (int t : e.terms()) {
            out.putInt(t);
        }
        for (int c : e.counts()) {
            out.putInt(c);
        }
        out.putInt(e.vector().length);
        out.putBytes(e.vector(), 0, e.vector().length);
        out.putInt(e.payload().length);
        out.putBytes(e.payload(), 0, e.payload().length);
    }

    /** Payload bytes of {@code e} in the current format. */
    public static int payloadBytes(EventEntry e) {
        return 8 + 4 + 4 + 4 + 4 + 8 * e.terms().length + 4 + e.vector().length + 4 + e.payload().length;
    }

    @Override
    public EventEntry read(int format, PayloadReader in, EventEntry reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown EventEntry format " + format);
        }
        long position = in.getLong("position");
        int length = in.getInt("length");
        float innovation = in.getFloat("innovation");
        float scale = in.getFloat("scale");
        int t = in.getInt("terms length");
        if (position < 0 || length < 0 || t < 0 || t > in.remaining() / 8) {
            throw in.corrupt("impossible position " + position + ", length " + length + " or term count " + t);
        }
        int[] terms = new int[t];
        for (int i = 0; i < t; i++) {
            terms[i] = in.getInt("terms");
        }
        int[] counts = new int[t];
        for (int i = 0; i < t; i++) {
            counts[i] = in.getInt("counts");
        }
        byte[] vector = bytes(in, "vector");
        byte[] payload = bytes(in, "payload");
        return new EventEntry(position, terms, counts, length, vector, scale, innovation, payload);
    }

    private static byte[] bytes(PayloadReader in, String what) throws CorruptStateException {
        int n = in.getInt(what + " length");
        if (n < 0 || n > in.remaining()) {
            throw in.corrupt("impossible " + what + " length " + n);
        }
        byte[] b = new byte[n];
        in.getBytes(b, 0, n, what);
        return b;
    }

    @Override
    public EventEntry copy(EventEntry e) {
        return new EventEntry(e.position(), e.terms().clone(), e.counts().clone(), e.length(), e.vector().clone(),
                e.scale(), e.innovation(), e.payload().clone());
    }

    @Override
    public EventEntry empty() {
        return new EventEntry(0, new int[0], new int[0], 0, new byte[0], 0f, 0f, new byte[0]);
    }
}
