package dev.keymem.jobs.logs;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.BmojoStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.RetentionStatePiece;

/**
 * Payload of one source's {@link SourceMemory} in the log summarization job (piece code 20). Format 1
 * composes the B'MOJO and STR / CMP payloads (their own format 1, written and read by
 * {@link BmojoStatePiece} and {@link RetentionStatePiece}) with the job's counters:
 *
 * <pre>
 *   byte      flags             bit 0: retention present, bit 1: timerSet (other bits must be 0)
 *   bmojo     B'MOJO payload    ({@link BmojoStatePiece} format 1)
 *   retention STR/CMP payload   ({@link RetentionStatePiece} format 1), only when bit 0 is set
 *   long      position, reportedUpTo, linesSinceLast, fromOffset, lastOffset, summaries
 * </pre>
 *
 * Impossible counters (negative positions, reportedUpTo past position, offsets below -1) are reported
 * as corruption. When either embedded layout gets a new format, this piece gets a new format too.
 */
public final class SourceMemoryPiece extends BaseStatePiece<SourceMemory> {

    public static final SourceMemoryPiece INSTANCE = new SourceMemoryPiece();
    public static final int CODE = 20;
    public static final int FORMAT = 1;
    private static final int HAS_RETENTION = 1;
    private static final int TIMER_SET = 2;

    private SourceMemoryPiece() {
        super("SourceMemory", CODE, FORMAT);
    }

    @Override
    public void write(SourceMemory m, PayloadWriter out) {
        if (m.bmojo == null) {
            throw new IllegalArgumentException("SourceMemory has no B'MOJO state");
        }
        out.putByte((m.retention != null ? HAS_RETENTION : 0) | (m.timerSet ? TIMER_SET : 0));
        BmojoStatePiece.INSTANCE.write(m.bmojo, out);
        if (m.retention != null) {
            RetentionStatePiece.INSTANCE.write(m.retention, out);
        }
        out.putLong(m.position);
        out.putLong(m.reportedUpTo);
        out.putLong(m.linesSinceLast);
        out.putLong(m.fromOffset);
        out.putLong(m.lastOffset);
        out.putLong(m.summaries);
    }

    @Override
    public SourceMemory read(int format, PayloadReader in, SourceMemory reuse) throws CorruptStateException {
        if (format != 1) {
            throw in.corrupt("unknown SourceMemory format " + format);
        }
        int flags = in.getByte("flags");
        if ((flags & ~(HAS_RETENTION | TIMER_SET)) != 0) {
            throw in.corrupt("unknown flag bits " + Integer.toBinaryString(flags));
        }
        SourceMemory m = new SourceMemory();
        m.timerSet = (flags & TIMER_SET) != 0;
        m.bmojo = BmojoStatePiece.INSTANCE.read(BmojoStatePiece.FORMAT, in, null);
        if ((flags & HAS_RETENTION) != 0) {
            m.retention = RetentionStatePiece.INSTANCE.read(RetentionStatePiece.FORMAT, in, null);
        }
        m.position = in.getLong("position");
        m.reportedUpTo = in.getLong("reportedUpTo");
        m.linesSinceLast = in.getLong("linesSinceLast");
        m.fromOffset = in.getLong("fromOffset");
        m.lastOffset = in.getLong("lastOffset");
        m.summaries = in.getLong("summaries");
        if (m.position < 0 || m.reportedUpTo < 0 || m.reportedUpTo > m.position || m.linesSinceLast < 0
                || m.linesSinceLast > m.position || m.fromOffset < -1 || m.lastOffset < -1 || m.summaries < 0) {
            throw in.corrupt("impossible counters position=" + m.position + " reportedUpTo=" + m.reportedUpTo
                    + " linesSinceLast=" + m.linesSinceLast + " fromOffset=" + m.fromOffset + " lastOffset="
                    + m.lastOffset + " summaries=" + m.summaries);
        }
        return m;
    }

    @Override
    public SourceMemory copy(SourceMemory v) {
        SourceMemory m = new SourceMemory();
        m.bmojo = v.bmojo == null ? null : BmojoStatePiece.INSTANCE.copy(v.bmojo);
        m.retention = v.retention == null ? null : RetentionStatePiece.INSTANCE.copy(v.retention);
        m.position = v.position;
        m.reportedUpTo = v.reportedUpTo;
        m.linesSinceLast = v.linesSinceLast;
        m.fromOffset = v.fromOffset;
        m.lastOffset = v.lastOffset;
        m.summaries = v.summaries;
        m.timerSet = v.timerSet;
        return m;
    }

    @Override
    public SourceMemory empty() {
        SourceMemory m = new SourceMemory();
        m.bmojo = BmojoStatePiece.INSTANCE.empty();
        return m;
    }
}
