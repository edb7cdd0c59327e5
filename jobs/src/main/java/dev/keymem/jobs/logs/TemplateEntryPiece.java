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
 * Payload of one {@link TemplateEntry} of the log summarization job (MapState {@code template-ledger};
 * piece code 25). Format 1:
 *
 * <pre>
 *   int    id
 *   byte   flags            bit 0: shown (other bits must be 0)
 *   long   total, lastPosition, count, firstOffset, lastOffset
 *   int    paramsDistinct
 *   float  innovation
 *   long   textOffset, textTimestamp
 *   string template, shapes, params, flag, text   (int UTF-8 length, -1 for null; the bytes)
 * </pre>
 */
public final class TemplateEntryPiece extends BaseStatePiece<TemplateEntry> {
    public static final TemplateEntryPiece INSTANCE = new TemplateEntryPiece();
    public static final int CODE = 25;
    public static final int FORMAT = 1;
    private static final int SHOWN = 1;

    private TemplateEntryPiece() {
        super("TemplateEntry", CODE, FORMAT);
    }

    @Override
    public void write(TemplateEntry e, PayloadWriter out) {
        out.putInt(e.id);
        out.putByte(e.shown ? SHOWN : 0);
        out.putLong(e.total);
        out.putLong(e.lastPosition);
        out.putLong(e.count);
        out.putLong(e.firstOffset);
        out.putLong(e.lastOffset);
        out.putInt(e.paramsDistinct);
        out.putFloat(e.innovation);
        out.putLong(e.textOffset);
        out.putLong(e.textTimestamp);
        PendingLinePiece.putString(out, e.template);
        PendingLinePiece.putString(out, e.shapes);
        PendingLinePiece.putString(out, e.params);
        PendingLinePiece.putString(out, e.flag);
        PendingLinePiece.putString(out, e.text);
    }

    @Override
    public TemplateEntry read(int format, PayloadReader in, TemplateEntry reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown TemplateEntry format " + format);
        }
        TemplateEntry e = new TemplateEntry();
        e.id = in.getInt("id");
        int flags = in.getByte("flags");
        if ((flags & ~SHOWN) != 0) {
            throw in.corrupt("unknown flag bits " + Integer.toBinaryString(flags));
        }
        e.shown = (flags & SHOWN) != 0;
        e.total = in.getLong("total");
        e.lastPosition = in.getLong("lastPosition");
        e.count = in.getLong("count");
        e.firstOffset = in.getLong("firstOffset");
        e.lastOffset = in.getLong("lastOffset");
        e.paramsDistinct = in.getInt("paramsDistinct");
        e.innovation = in.getFloat("innovation");
        e.textOffset = in.getLong("textOffset");
        e.textTimestamp = in.getLong("textTimestamp");
        e.template = PendingLinePiece.getString(in, "template");
        e.shapes = PendingLinePiece.getString(in, "shapes");
        e.params = PendingLinePiece.getString(in, "params");
        e.flag = PendingLinePiece.getString(in, "flag");
        e.text = PendingLinePiece.getString(in, "text");
        if (e.id < 0 || e.total < 0 || e.count < 0 || e.count > e.total || e.lastPosition < -1
                || e.paramsDistinct < 0 || e.template == null || e.shapes == null || e.params == null) {
            throw in.corrupt("impossible template entry id=" + e.id + " total=" + e.total + " count=" + e.count
                    + " lastPosition=" + e.lastPosition + " paramsDistinct=" + e.paramsDistinct);
        }
        return e;
    }

    @Override
    public TemplateEntry copy(TemplateEntry e) {
        TemplateEntry c = new TemplateEntry(e.id, e.template);
        c.shown = e.shown;
        c.total = e.total;
        c.lastPosition = e.lastPosition;
        c.shapes = e.shapes;
        c.count = e.count;
        c.firstOffset = e.firstOffset;
        c.lastOffset = e.lastOffset;
        c.params = e.params;
        c.paramsDistinct = e.paramsDistinct;
        c.innovation = e.innovation;
        c.flag = e.flag;
        c.text = e.text;
        c.textOffset = e.textOffset;
        c.textTimestamp = e.textTimestamp;
        return c;
    }

    @Override
    public TemplateEntry empty() {
        TemplateEntry e = new TemplateEntry();
        e.template = "";
        return e;
    }

    /** The Flink serializer of template entries. */
    public static final class Serializer extends FramedSerializer<TemplateEntry> {
        private static final long serialVersionUID = 1L;

        @Override
        protected StatePiece<TemplateEntry> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<TemplateEntry> newInstance() {
            return new Serializer();
        }

        @Override
        public TypeSerializerSnapshot<TemplateEntry> snapshotConfiguration() {
            Snapshot s = new Snapshot();
            s.init();
            return s;
        }
    }

    /** Snapshot of {@link Serializer}. */
    public static final class Snapshot extends FramedSerializerSnapshot<TemplateEntry> {
        public Snapshot() {
        }

        void init() {
            initCurrent();
        }

        @Override
        protected StatePiece<TemplateEntry> piece() {
            return INSTANCE;
        }

        @Override
        protected FramedSerializer<TemplateEntry> currentSerializer() {
            return new Serializer();
        }
    }
}
