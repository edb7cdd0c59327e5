package dev.keymem.jobs.logs;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.state.BaseStatePiece;
import dev.keymem.state.BmojoStatePiece;
import dev.keymem.state.CorruptStateException;
import dev.keymem.state.PayloadReader;
import dev.keymem.state.PayloadWriter;
import dev.keymem.state.RetentionStatePiece;
import dev.keymem.state.StateFrame;

/**
 * Payload of one source's {@link SourceMemory} in the log summarization job (piece code 20).
 *
 * <p>Format 1 composes the B'MOJO and STR/CMP payloads (their own format 1, written and read by
 * {@link BmojoStatePiece} and {@link RetentionStatePiece}) with the job's counters:
 *
 * <pre>
 *   byte      flags             bit 0: retention present, bit 1: timerSet (other bits must be 0)
 *   bmojo     B'MOJO payload    ({@link BmojoStatePiece} format 1)
 *   retention STR/CMP payload   ({@link RetentionStatePiece} format 1), only when bit 0 is set
 *   long      position, reportedUpTo, linesSinceLast, fromOffset, lastOffset, summaries
 * </pre>
 *
 * <p>Format 2 (written since) is the format-1 payload with its zero runs cut out, because that payload
 * is mostly zeros (the window ring, eidetic store and retention tiers are stored at full capacity; a
 * fresh source's 100 kB payload holds fewer than 100 non-zero bytes) and the job reads and writes it
 * on every line:
 *
 * <pre>
 *   int       n                 length of the format-1 payload
 *   byte[]    the rest          that payload, {@link ZeroRuns}-encoded
 * </pre>
 *
 * <p>Format 3 (written since the job runs on the operators' novelty memory, whose state is
 * {@code KeyedNoveltyMemory}'s own) holds the job's counters only:
 *
 * <pre>
 *   byte      flags             bit 1: timerSet (other bits must be 0)
 *   long      position, reportedUpTo, linesSinceLast, fromOffset, lastOffset, summaries
 * </pre>
 *
 * A value read from format 1 or 2 (releases up to 0.1.0) carries its B'MOJO and STR/CMP states; the job
 * moves them into the novelty memory on the source's first line and then writes format 3.
 *
 * <p>Impossible counters (negative positions, reportedUpTo past position, offsets below -1) and encodings
 * that do not decode to n bytes are reported as corruption. When either embedded layout gets a new
 * format, this piece gets a new format too.
 */
public final class SourceMemoryPiece extends BaseStatePiece<SourceMemory> {

    public static final SourceMemoryPiece INSTANCE = new SourceMemoryPiece();
    public static final int CODE = 20;
    public static final int FORMAT = 3;
    private static final int HAS_RETENTION = 1;
    private static final int TIMER_SET = 2;

    private SourceMemoryPiece() {
        super("SourceMemory", CODE, FORMAT);
    }

    /** Per-thread scratch: the format-1 payload and its encoding (the piece is shared by all serializers). */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final PayloadWriter plain = new PayloadWriter(1 << 16);
        byte[] bytes = new byte[1 << 16];
        byte[] decoded = new byte[1 << 16];

        byte[] bytes(int n) {
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, 2 * bytes.length)];
            }
            return bytes;
        }

        byte[] decoded(int n) {
            if (decoded.length < n) {
                decoded = new byte[Math.max(n, 2 * decoded.length)];
            }
            return decoded;
        }
    }

    @Override
    public void write(SourceMemory m, PayloadWriter out) {
        if (m.bmojo != null || m.retention != null) {
            throw new IllegalArgumentException("SourceMemory still holds a release-0.1.0 model state: migrate it "
                    + "into the novelty memory before writing");
        }
        out.putByte(m.timerSet ? TIMER_SET : 0);
        writeCounters(m, out);
    }

    private static void writeCounters(SourceMemory m, PayloadWriter out) {
        out.putLong(m.position);
        out.putLong(m.reportedUpTo);
        out.putLong(m.linesSinceLast);
        out.putLong(m.fromOffset);
        out.putLong(m.lastOffset);
        out.putLong(m.summaries);
    }

    /** Writes {@code m} (with its B'MOJO state) in format 2, the layout of release 0.1.0 (tests of the reader). */
    static void writeFormat2(SourceMemory m, PayloadWriter out) {
        Scratch s = SCRATCH.get();
        s.plain.reset();
        writeFormat1(m, s.plain);
        int n = s.plain.size();
        byte[] enc = s.bytes(ZeroRuns.maxEncodedLength(n));
        int len = ZeroRuns.encode(s.plain.array(), n, enc);
        out.putInt(n);
        out.putBytes(enc, 0, len);
    }

    /** Writes {@code m} in format 1 (what format 2 encodes). */
    static void writeFormat1(SourceMemory m, PayloadWriter out) {
        if (m.bmojo == null) {
            throw new IllegalArgumentException("SourceMemory has no B'MOJO state");
        }
        out.putByte((m.retention != null ? HAS_RETENTION : 0) | (m.timerSet ? TIMER_SET : 0));
        BmojoStatePiece.writeFormat1(m.bmojo, out);
        if (m.retention != null) {
            RetentionStatePiece.writeFormat1(m.retention, out);
        }
        writeCounters(m, out);
    }

    @Override
    public SourceMemory read(int format, PayloadReader in, SourceMemory reuse) throws CorruptStateException {
        if (format == 1) {
            return readFormat1(in);
        }
        if (format == 3) {
            int flags = in.getByte("flags");
            if ((flags & ~TIMER_SET) != 0) {
                throw in.corrupt("unknown flag bits " + Integer.toBinaryString(flags));
            }
            SourceMemory m = new SourceMemory();
            m.timerSet = (flags & TIMER_SET) != 0;
            return readCounters(m, in);
        }
        if (format != 2) {
            throw in.corrupt("unknown SourceMemory format " + format);
        }
        int n = in.getInt("format-1 length");
        int len = in.remaining();
        if (n < 1 || n > StateFrame.MAX_PAYLOAD_BYTES) {
            throw in.corrupt("impossible format-1 length " + n + " for " + len + " encoded bytes");
        }
        Scratch s = SCRATCH.get();
        byte[] enc = s.bytes(len);
        in.getBytes(enc, 0, len, "encoded format-1 payload");
        byte[] plain = s.decoded(n);
        try {
            ZeroRuns.decode(enc, len, plain, n);
        } catch (IllegalArgumentException e) {
            throw in.corrupt("bad zero-run encoding: " + e.getMessage());
        }
        PayloadReader inner = PayloadReader.over(name(), plain, n);
        SourceMemory m = readFormat1(inner);
        if (inner.remaining() != 0) {
            throw in.corrupt(inner.remaining() + " bytes left after the format-1 payload");
        }
        return m;
    }

    private static SourceMemory readFormat1(PayloadReader in) throws CorruptStateException {
        int flags = in.getByte("flags");
        if ((flags & ~(HAS_RETENTION | TIMER_SET)) != 0) {
            throw in.corrupt("unknown flag bits " + Integer.toBinaryString(flags));
        }
        SourceMemory m = new SourceMemory();
        m.timerSet = (flags & TIMER_SET) != 0;
        m.bmojo = BmojoStatePiece.INSTANCE.read(1, in, null);
        if ((flags & HAS_RETENTION) != 0) {
            m.retention = RetentionStatePiece.INSTANCE.read(1, in, null);
        }
        return readCounters(m, in);
    }

    private static SourceMemory readCounters(SourceMemory m, PayloadReader in) throws CorruptStateException {
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
        return new SourceMemory();
    }
}
