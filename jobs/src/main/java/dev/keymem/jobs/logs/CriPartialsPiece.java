package dev.keymem.jobs.logs;

import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.FramedSerializer;
import dev.keymem.state.FramedSerializerSnapshot;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.StatePiece;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;

/**
 * Payload of one source's held CRI pieces ({@link CriLineJoin.Partials}, ValueState {@code cri-partials}; piece
 * code 26). Format 3 (format 1, which session 14 wrote, is the same without the tail, the refused count and the
 * blank tail; it reads as lines held with no tail and no refused piece, as they were; format 2, session 15's, is
 * format 3 without the blank tail; both read the blank tail from the held text where it is the whole line, else
 * as 0):
 *
 * <pre>
 *   int    lines held (1 to 65536, MAX_HELD, a bound on reads; one per stream, topic and partition)
 *   per line:
 *     byte   stream (1 stdout, 2 stderr)
 *     string topic                   (int UTF-8 length, -1 for null; the bytes)
 *     int    partition
 *     long   offset, timestamp       (the first piece's)
 *     byte   ascii (0 or 1)
 *     string text                    (the line's first bytes held)
 *     long   held bytes, total bytes
 *     int    pieces
 *     byte   tail length (0 to 3), then the tail's bytes  (format 2; the raw bytes of a character cut at
 *                                                         the last piece's end, {@code CriLineJoin.Held#tail})
 *     int    refused pieces          (format 2; {@code CriLineJoin.Held#missing})
 *     long   blank tail bytes        (format 3; {@code CriLineJoin.Held#blankTail}, at most total bytes)
 * </pre>
 */
public final class CriPartialsPiece extends BaseStatePiece<CriLineJoin.Partials> {
    static final CriPartialsPiece INSTANCE = new CriPartialsPiece();
    static final int CODE = 26;
    static final int FORMAT = 3;
    /** More held lines than a source can have streams times files is corrupt state. */
    private static final int MAX_HELD = 1 << 16;

    private CriPartialsPiece() {
        super("CriPartials", CODE, FORMAT);
    }

    @Override
    public void write(CriLineJoin.Partials p, PayloadWriter out) {
        out.putInt(p.open.size());
        for (CriLineJoin.Held h : p.open) {
            out.putByte(h.stream);
            PendingLinePiece.putString(out, h.topic);
            out.putInt(h.partition);
            out.putLong(h.offset);
            out.putLong(h.timestamp);
            out.putByte(h.ascii ? 1 : 0);
            PendingLinePiece.putString(out, h.text);
            out.putLong(h.heldBytes);
            out.putLong(h.totalBytes);
            out.putInt(h.pieces);
            out.putByte(h.tail == null ? 0 : h.tail.length);
            if (h.tail != null) {
                for (byte b : h.tail) {
                    out.putByte(b);
                }
            }
            out.putInt(h.missing);
            out.putLong(h.blankTail);
        }
    }

    @Override
    public CriLineJoin.Partials read(int format, PayloadReader in, CriLineJoin.Partials reuse)
            throws CorruptStateException {
        if (format < 1 || format > 3) {
            throw in.corrupt("unknown CriPartials format " + format);
        }
        int n = in.getInt("lines held");
        if (n < 0 || n > MAX_HELD) {
            throw in.corrupt("impossible count of held lines " + n);
        }
        CriLineJoin.Partials p = new CriLineJoin.Partials();
        for (int i = 0; i < n; i++) {
            CriLineJoin.Held h = new CriLineJoin.Held();
            h.stream = in.getByte("stream");
            h.topic = PendingLinePiece.getString(in, "topic");
            h.partition = in.getInt("partition");
            h.offset = in.getLong("offset");
            h.timestamp = in.getLong("timestamp");
            h.ascii = in.getByte("ascii") != 0;
            h.text = PendingLinePiece.getString(in, "text");
            h.heldBytes = in.getLong("held bytes");
            h.totalBytes = in.getLong("total bytes");
            h.pieces = in.getInt("pieces");
            int tail = format >= 2 ? in.getByte("tail length") : 0;
            if (tail < 0 || tail > 3) {
                throw in.corrupt("impossible held tail of " + tail + " bytes");
            }
            if (tail > 0) {
                h.tail = new byte[tail];
                for (int k = 0; k < tail; k++) {
                    h.tail[k] = (byte) in.getByte("tail");
                }
            }
            h.missing = format >= 2 ? in.getInt("refused pieces") : 0;
            if (h.missing < 0 || h.missing > h.pieces) {
                throw in.corrupt("impossible count of refused pieces " + h.missing + " of " + h.pieces);
            }
            h.blankTail = format >= 3 ? in.getLong("blank tail bytes")
                    : h.text != null && h.heldBytes == h.totalBytes ? CriLineJoin.Held.blankSuffixBytes(h.text) : 0;
            if (h.blankTail < 0 || h.blankTail > h.totalBytes) {
                throw in.corrupt("impossible blank tail of " + h.blankTail + " of " + h.totalBytes + " bytes");
            }
            if (h.text == null || (h.stream != LogLine.CRI_STDOUT && h.stream != LogLine.CRI_STDERR)
                    || h.heldBytes < 0 || h.heldBytes > h.totalBytes || h.pieces < 1) {
                throw in.corrupt("impossible held line (stream " + h.stream + ", " + h.heldBytes + " of "
                        + h.totalBytes + " bytes, " + h.pieces + " pieces)");
            }
            p.open.add(h);
        }
        return p;
    }

    @Override
    public CriLineJoin.Partials copy(CriLineJoin.Partials p) {
        CriLineJoin.Partials c = new CriLineJoin.Partials();
        for (CriLineJoin.Held h : p.open) {
            CriLineJoin.Held k = new CriLineJoin.Held();
            k.stream = h.stream;
            k.topic = h.topic;
            k.partition = h.partition;
            k.offset = h.offset;
            k.timestamp = h.timestamp;
            k.ascii = h.ascii;
            k.text = h.text;
            k.heldBytes = h.heldBytes;
            k.totalBytes = h.totalBytes;
            k.pieces = h.pieces;
            k.tail = h.tail == null ? null : h.tail.clone();
            k.missing = h.missing;
            k.blankTail = h.blankTail;
            c.open.add(k);
        }
        return c;
    }

    @Override
    public CriLineJoin.Partials empty() {
        return new CriLineJoin.Partials();
    }

    /** The Flink serializer of the held pieces. */
    static final class Serializer extends FramedSerializer<CriLineJoin.Partials> {
        private static final long serialVersionUID = 1L;

        @Override
        protected StatePiece<CriLineJoin.Partials> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<CriLineJoin.Partials> newInstance() {
            return new Serializer();
        }

        @Override
        public TypeSerializerSnapshot<CriLineJoin.Partials> snapshotConfiguration() {
            Snapshot s = new Snapshot();
            s.init();
            return s;
        }
    }

    /** Snapshot of {@link Serializer}. */
    public static final class Snapshot extends FramedSerializerSnapshot<CriLineJoin.Partials> {
        public Snapshot() {
        }

        void init() {
            initCurrent();
        }

        @Override
        protected StatePiece<CriLineJoin.Partials> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<CriLineJoin.Partials> currentSerializer() {
            return new Serializer();
        }
    }
}
