package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.serde.ForwardingKeyedFunction;
import dev.keymem.operators.HotStateOperator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The first part of the log job's keyed step: joins the pieces of a long Kubernetes CRI container log line
 * before the summarizer ({@code inner}) sees them. A container runtime (containerd, CRI-O) writes a line longer
 * than its buffer (16 KiB in containerd) as {@code P} (partial) pieces followed by one {@code F} piece, per
 * stream (stdout and stderr interleave independently); the parser marks each CRI line with its stream and tag
 * ({@link LogLine#cri}).
 *
 * <p>Contract, per source (the key) and per stream, topic and partition (the pieces of one line come from one
 * container log file, one stream):
 * <ul>
 *   <li>A line that is no CRI line goes to {@code inner} as it is; so does an {@code F} line with no {@code P}
 *       pieces before it, its text cut to {@link RecordLimits#maxTextBytes} as the parser cuts any other text
 *       (CRI pieces reach this step uncut, so that a join cuts the joined text and not each piece).</li>
 *   <li>{@code P} pieces are held (in keyed state, so a checkpoint holds them and a restored job goes on
 *       joining) until the {@code F} piece of their stream: then one line goes to {@code inner} whose text is
 *       the {@code P} messages followed by the {@code F} message, stripped at its end as an {@code F} line's
 *       text is (so an {@code F} piece with an empty or blank message ends the line as the line unsplit ends,
 *       without the {@code P} pieces' trailing whitespace; a line of blanks only joins to an empty text) (their
 *       bytes joined and decoded as
 *       {@code new String(bytes, UTF_8)} decodes: a UTF-8 character that containerd cut at a piece boundary,
 *       {@link LogLine#criHead}, is whole again, byte for byte; bytes that make no character are one U+FFFD
 *       each as the JDK's decoder replaces them; the last piece's incomplete bytes, at most 3, are held raw
 *       until the next piece), cut to {@link RecordLimits#maxTextBytes} as
 *       {@link RecordLimits#capText} cuts it (the same text as the line unsplit would have), and whose offset,
 *       topic, partition and time stamp are the first piece's (its coordinates in summaries and failures).</li>
 *   <li>Held text is bounded: of a line only its first {@link RecordLimits#maxTextBytes} bytes are held (what
 *       the cut keeps), the rest counted. A line whose {@code P} pieces reach {@link LogOptions#CRI_MAX_JOINED_BYTES} bytes
 *       together goes out at once as one line, cut and marked {@code " …[CRI line cut at N bytes]"}; its later
 *       pieces make another line.</li>
 *   <li>A piece the parse step refused (invalid bytes inside it, or too big: a dead letter) reaches this step
 *       as its stand-in ({@link LogLine#CRI_REFUSED}): the line it belongs to goes out marked
 *       {@code " …[CRI line missing N refused pieces]"} (before any other mark), so that a reader knows a piece is
 *       missing; a refused {@code F} piece ends its line, a refused {@code P} piece's line goes on. A refused
 *       {@code P} piece with no line held opens one (of no text yet), so a line all of whose pieces were refused
 *       goes out as one line of empty text, so marked; a refused {@code F} piece with no line held, and any
 *       refused piece with the join off, only leaves its dead letter. The stand-in itself never goes on.</li>
 *   <li>At the end of a bounded input (the end-of-input watermark, before the summarizer's final summary)
 *       every line still without its {@code F} piece goes out as one line marked
 *       {@code " …[incomplete CRI line, N bytes]"}. An unbounded input holds
 *       such a line until its {@code F} piece or the bound.</li>
 * </ul>
 * So every record ends in a line (or, as before, a dead letter of the parse step), and the lines and their order
 * per source do not depend on how the input is cut into batches, splits or checkpoints. The event-time timer at
 * {@link #FLUSH} is this function's and flushes only at the end-of-input watermark ({@code Long.MAX_VALUE}); the
 * jobs assign no watermarks, and any other watermark reaching a held line fails the job (fail fast, rather than
 * end lines whose {@code F} piece may still come); every other timer is {@code inner}'s. Written by hand: no library joins CRI pieces inside a Flink keyed
 * step (log shippers such as fluent-bit and Vector do it in front of Kafka); {@link #reference} is the plain
 * form over a whole list of lines, which the tests compare with this one.
 */
final class CriLineJoin extends ForwardingKeyedFunction<LogLine, LogLine, JobOutput>
        implements HotStateOperator.Owner {
    private static final long serialVersionUID = 1L;

    /** The time of the event-time timer that ends the held lines at the end of the input. */
    static final long FLUSH = Long.MIN_VALUE;

    /** The keyed state of the held pieces (see {@link CriPartialsPiece}). */
    static final String STATE = "cri-partials";

    private final KeyedProcessFunction<String, LogLine, JobOutput> function;
    private final HotStateOperator.Owner owner;
    private final RecordLimits limits;
    private final long maxJoinedBytes;
    private final boolean join;
    private transient HotStateOperator.Cache cache;
    private transient ValueState<Partials> state;

    /**
     * @param inner          the summarizer step, which lines go to
     * @param owner          the owner of the hot-state cache the operator gives ({@code inner}'s function)
     * @param limits         the job's limits (the text cut)
     * @param maxJoinedBytes {@link LogOptions#CRI_MAX_JOINED_BYTES}, at least 1
     * @param join           {@link LogOptions#CRI_JOIN}: false sends every CRI piece on as its own line, its
     *                       text cut as any text (nothing held)
     */
    CriLineJoin(KeyedProcessFunction<String, LogLine, JobOutput> inner, HotStateOperator.Owner owner,
                RecordLimits limits, long maxJoinedBytes, boolean join) {
        super(inner);
        this.join = join;
        this.function = inner;
        this.owner = Objects.requireNonNull(owner, "owner");
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxJoinedBytes < 1) {
            throw new IllegalArgumentException(LogOptions.CRI_MAX_JOINED_BYTES.key() + " must be >= 1: " + maxJoinedBytes);
        }
        this.maxJoinedBytes = maxJoinedBytes;
    }

    /** The join on ({@link LogOptions#CRI_JOIN} true). */
    CriLineJoin(KeyedProcessFunction<String, LogLine, JobOutput> inner, HotStateOperator.Owner owner,
                RecordLimits limits, long maxJoinedBytes) {
        this(inner, owner, limits, maxJoinedBytes, true);
    }

    @Override
    public int cacheKeys() {
        return owner.cacheKeys();
    }

    @Override
    public void useCache(HotStateOperator.Cache cache) {
        this.cache = cache;
        owner.useCache(cache);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ValueState<Partials> s = getRuntimeContext().getState(new ValueStateDescriptor<>(STATE,
                new CriPartialsPiece.Serializer()));
        state = cache == null ? s : cache.wrap(s);
        super.open(openContext);
    }

    @Override
    public void processElement(LogLine l, Context ctx, Collector<JobOutput> out) throws Exception {
        if (l.cri == 0) {
            function.processElement(l, ctx, out);
            return;
        }
        boolean refused = (l.cri & LogLine.CRI_REFUSED) != 0;
        if (!join) {
            if (!refused) { // a refused piece's dead letter is out, and no line misses it
                l.text = limits.capText(l.text);
                function.processElement(l, ctx, out);
            }
            return;
        }
        Partials p = state.value();
        int i = p == null ? -1 : p.find(l);
        if (refused && (l.cri & LogLine.CRI_PARTIAL) == 0) { // a refused F piece: its line ends, marked
            if (i >= 0) {
                Held h = p.open.remove(i);
                h.refused(limits.maxTextBytes());
                state.update(p.open.isEmpty() ? null : p);
                function.processElement(h.line(ctx.getCurrentKey(), null, limits.maxTextBytes()), ctx, out);
            }
            return;
        }
        if ((l.cri & LogLine.CRI_PARTIAL) == 0) { // an F piece
            if (i < 0) {
                l.text = limits.capText(l.text);
                function.processElement(l, ctx, out);
                return;
            }
            Held h = p.open.remove(i);
            h.add(l, limits.maxTextBytes());
            h.resolveTail(limits.maxTextBytes());
            h.stripEnd();
            state.update(p.open.isEmpty() ? null : p);
            function.processElement(h.line(ctx.getCurrentKey(), null, limits.maxTextBytes()), ctx, out);
            return;
        }
        Held h;
        if (i < 0) {
            if (p == null) {
                p = new Partials();
            }
            h = new Held(l);
            p.open.add(h);
            ctx.timerService().registerEventTimeTimer(FLUSH);
        } else {
            h = p.open.get(i);
        }
        if (refused) { // a refused P piece: its line goes on, marked
            h.refused(limits.maxTextBytes());
            state.update(p);
            return;
        }
        h.add(l, limits.maxTextBytes());
        if (h.totalBytes + h.tailBytes() >= maxJoinedBytes) {
            h.resolveTail(limits.maxTextBytes());
            p.open.remove(h);
            state.update(p.open.isEmpty() ? null : p);
            function.processElement(h.line(ctx.getCurrentKey(), cutMark(h.totalBytes), limits.maxTextBytes()), ctx,
                    out);
            return;
        }
        state.update(p);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<JobOutput> out) throws Exception {
        if (timestamp != FLUSH || ctx.timeDomain() != TimeDomain.EVENT_TIME) {
            function.onTimer(timestamp, ctx, out);
            return;
        }
        Partials p = state.value();
        if (p == null) {
            return;
        }
        long watermark = ctx.timerService().currentWatermark();
        if (watermark != Long.MAX_VALUE) {
            // a line's F piece may still come: held pieces end only with the input
            throw new IllegalStateException("CRI line join: watermark " + watermark + " before the end-of-input "
                    + "watermark; the join holds pieces until their F piece or the end of the input, so its input "
                    + "must carry no watermarks (or set keymem.logs.cri.join=false)");
        }
        state.clear();
        for (Held h : p.open) {
            h.resolveTail(limits.maxTextBytes());
            function.processElement(h.line(ctx.getCurrentKey(), incompleteMark(h.totalBytes), limits.maxTextBytes()),
                    ctx, out);
        }
    }

    /** The mark of a line cut at the bound. */
    static String cutMark(long bytes) {
        return " \u2026[CRI line cut at " + bytes + " bytes]";
    }

    /** The mark of a line that misses {@code pieces} refused pieces (before any other mark). */
    static String missingMark(int pieces) {
        return " \u2026[CRI line missing " + pieces + " refused " + (pieces == 1 ? "piece" : "pieces") + "]";
    }

    /** The mark of a line whose F piece never came. */
    static String incompleteMark(long bytes) {
        return " \u2026[incomplete CRI line, " + bytes + " bytes]";
    }

    /**
     * The reference form: the lines {@code inner} gets from this function for {@code lines} (one source's, in
     * order) followed by the end of the input, joined over the whole list: each line's message bytes whole
     * ({@link #messageBytes}), decoded once (the bytes before and after a refused piece each on their own), then
     * cut by {@link RecordLimits#capText} or marked. (For texts that came from bytes, as the job's do: an unpaired
     * surrogate, which UTF-8 cannot carry, would not come back.)
     */
    static List<LogLine> reference(List<LogLine> lines, RecordLimits limits, long maxJoinedBytes) {
        int max = limits.maxTextBytes();
        List<LogLine> out = new ArrayList<>();
        List<RefLine> open = new ArrayList<>();
        for (LogLine l : lines) {
            if (l.cri == 0) {
                out.add(l);
                continue;
            }
            int i = -1;
            for (int k = 0; k < open.size(); k++) {
                LogLine f = open.get(k).first;
                if (stream(f) == stream(l) && f.partition == l.partition && Objects.equals(f.topic, l.topic)) {
                    i = k;
                }
            }
            boolean refused = (l.cri & LogLine.CRI_REFUSED) != 0;
            if ((l.cri & LogLine.CRI_PARTIAL) == 0) {
                if (i >= 0) {
                    RefLine r = open.remove(i);
                    if (refused) {
                        r.missing++;
                    } else {
                        r.raw.writeBytes(messageBytes(l));
                    }
                    String text = refused ? r.text() : r.text().stripTrailing();
                    long bytes = RecordLimits.utf8Bytes(text);
                    String mark = r.missing == 0 ? null : missingMark(r.missing)
                            + (bytes > max ? RecordLimits.TRUNCATED_MARK + bytes + " bytes]" : "");
                    out.add(copy(r.first, l, mark == null ? limits.capText(text) : RecordLimits.marked(text, mark,
                            max)));
                } else if (!refused) {
                    out.add(copy(l, l, limits.capText(l.text)));
                }
                continue;
            }
            if (i < 0) {
                open.add(new RefLine(l));
                i = open.size() - 1;
            }
            RefLine r = open.get(i);
            if (refused) {
                r.missing++;
                r.done.append(r.raw.toString(StandardCharsets.UTF_8));
                r.raw.reset();
                continue;
            }
            r.raw.writeBytes(messageBytes(l));
            String text = r.text();
            long bytes = RecordLimits.utf8Bytes(text);
            if (bytes >= maxJoinedBytes) {
                open.remove(i);
                out.add(copy(r.first, l, RecordLimits.marked(text, r.missingMark() + cutMark(bytes), max)));
            }
        }
        for (RefLine r : open) {
            String text = r.text();
            String mark = r.missingMark() + incompleteMark(RecordLimits.utf8Bytes(text));
            out.add(copy(r.first, r.first, RecordLimits.marked(text, mark, max)));
        }
        return out;
    }

    /** {@link #reference}'s line being joined: its first piece, its text so far, its refused pieces. */
    private static final class RefLine {
        final LogLine first;
        /** The text before the last refused piece. */
        final StringBuilder done = new StringBuilder();
        /** The message bytes since. */
        final java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        int missing;

        RefLine(LogLine first) {
            this.first = first;
        }

        String text() {
            return done + raw.toString(StandardCharsets.UTF_8);
        }

        String missingMark() {
            return missing == 0 ? "" : CriLineJoin.missingMark(missing);
        }
    }

    /**
     * The bytes of a piece's message as the container runtime wrote them: {@link LogLine#criHead}, the text
     * between the U+FFFDs that stand for the seam bytes ({@link #core}) as UTF-8, and a {@code P} piece's
     * {@link LogLine#criTail}; nothing for an {@code F} piece with an empty message ({@link LogLine#CRI_EMPTY}).
     */
    static byte[] messageBytes(LogLine l) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        if ((l.cri & LogLine.CRI_EMPTY) == 0) {
            if (l.criHead != null) {
                b.writeBytes(l.criHead);
            }
            b.writeBytes(core(l).getBytes(StandardCharsets.UTF_8));
            if (l.criTail != null && (l.cri & LogLine.CRI_PARTIAL) != 0) {
                b.writeBytes(l.criTail);
            }
        }
        return b.toByteArray();
    }

    /** A piece's text without the U+FFFD at each edge that stands for seam bytes ({@link LogLine#criHead}). */
    static String core(LogLine l) {
        if ((l.cri & LogLine.CRI_EMPTY) != 0) {
            return "";
        }
        int from = l.criHead != null ? 1 : 0;
        int to = l.text.length() - (l.criTail != null && (l.cri & LogLine.CRI_PARTIAL) != 0 ? 1 : 0);
        return from == 0 && to == l.text.length() ? l.text : l.text.substring(from, Math.max(from, to));
    }

    /**
     * The index in {@code b[from, end)} where an incomplete UTF-8 sequence at its end starts (a lead byte, C2 to
     * F4, among the last 3 whose sequence needs more bytes than follow it), or {@code end} where none (a byte that
     * is never a lead byte, C0, C1 or F5 to FF, starts none: the piece is then refused as invalid). Decoding {@code b}
     * in two parts cut there gives the same text as decoding it whole (a cut before a byte that is no
     * continuation byte), so the join holds only these bytes raw.
     */
    static int incompleteStart(byte[] b, int from, int end) {
        for (int k = end - 1; k >= Math.max(from, end - 3); k--) {
            int c = b[k] & 0xFF;
            if (c >= 0xC0) {
                if (c < 0xC2 || c > 0xF4) {
                    return end;
                }
                int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                return end - k < need ? k : end;
            }
            if (c < 0x80) {
                return end;
            }
        }
        return end;
    }

    private static int stream(LogLine l) {
        return l.cri & (LogLine.CRI_STDOUT | LogLine.CRI_STDERR);
    }

    private static LogLine copy(LogLine first, LogLine last, String text) {
        LogLine c = new LogLine(first.source, text, first.offset, first.timestamp);
        c.topic = first.topic;
        c.partition = first.partition;
        c.cri = (byte) stream(last);
        return c;
    }

    /** The held pieces of one source: one {@link Held} line per stream, topic and partition, in opening order. */
    static final class Partials {
        final ArrayList<Held> open = new ArrayList<>(2);

        /** The index of the held line {@code l} continues, or -1. */
        int find(LogLine l) {
            int stream = stream(l);
            for (int k = 0; k < open.size(); k++) {
                Held h = open.get(k);
                if (h.stream == stream && h.partition == l.partition && Objects.equals(h.topic, l.topic)) {
                    return k;
                }
            }
            return -1;
        }
    }

    /**
     * A line being joined: its first piece's coordinates and time, the first {@code maxTextBytes} bytes of its
     * text (at a character boundary), and its size so far.
     */
    static final class Held {
        int stream;
        String topic;
        int partition;
        long offset;
        long timestamp;
        /** Whether every piece so far was marked ASCII. */
        boolean ascii;
        /** The text held: the line's first bytes, at most the text limit. */
        String text;
        /** UTF-8 bytes of {@link #text}. */
        long heldBytes;
        /** UTF-8 bytes of the line so far. */
        long totalBytes;
        /** Pieces so far. */
        int pieces;
        /** Pieces refused (dead letters) so far: the line goes out marked ({@link #missingMark}). */
        int missing;
        /**
         * The raw bytes at the end of the line so far that are an incomplete UTF-8 sequence ({@link
         * #incompleteStart}, at most 3; not in {@link #text} nor counted), or null: the next piece's
         * {@link LogLine#criHead} completes the character.
         */
        byte[] tail;
        /**
         * UTF-8 bytes of the whitespace ({@link Character#isWhitespace}, as {@link String#strip} strips) at the end
         * of the line so far, held or only counted: what {@link #stripEnd} drops when an {@code F} piece ends the
         * line.
         */
        long blankTail;

        Held() {
        }

        Held(LogLine first) {
            stream = stream(first);
            topic = first.topic;
            partition = first.partition;
            offset = first.offset;
            timestamp = first.timestamp;
            ascii = true;
            text = "";
        }

        /**
         * Appends piece {@code l}'s message: its text (an {@code F} piece with an empty message: nothing), where
         * it has seam bytes ({@link LogLine#criHead}) with them joined to the held {@link #tail} and decoded, so
         * that the text held is the line's bytes so far decoded, but for the new tail.
         */
        void add(LogLine l, int maxTextBytes) {
            pieces++;
            byte[] head = (l.cri & LogLine.CRI_EMPTY) != 0 ? null : l.criHead;
            byte[] end = (l.cri & LogLine.CRI_PARTIAL) != 0 ? l.criTail : null;
            if (tail == null && head == null && end == null) {
                append((l.cri & LogLine.CRI_EMPTY) != 0 ? "" : l.text, l.textIsAscii(), maxTextBytes);
                return;
            }
            String core = core(l);
            byte[] raw = concat(tail, head, core.isEmpty() ? end : null);
            int k = core.isEmpty() ? incompleteStart(raw, 0, raw.length) : raw.length;
            tail = core.isEmpty() ? (k < raw.length ? java.util.Arrays.copyOfRange(raw, k, raw.length) : null) : end;
            if (k > 0) {
                append(new String(raw, 0, k, StandardCharsets.UTF_8), false, maxTextBytes);
            }
            if (!core.isEmpty()) {
                append(core, false, maxTextBytes);
            }
        }

        /**
         * Counts a refused piece ({@link LogLine#CRI_REFUSED}): the line misses its bytes, so the held
         * {@link #tail} ends as it decodes (the next piece's first bytes do not complete it).
         */
        void refused(int maxTextBytes) {
            pieces++;
            missing++;
            resolveTail(maxTextBytes);
        }

        /**
         * Ends the line as an {@code F} line's text ends, stripped at its end: drops its trailing whitespace
         * ({@link #blankTail}) from the count and, where the held text reaches into it, from the held text.
         */
        void stripEnd() {
            if (blankTail == 0) {
                return;
            }
            long total = totalBytes - blankTail;
            if (heldBytes > total) { // the whitespace starts on a character boundary inside the held text
                text = RecordLimits.prefix(text.getBytes(StandardCharsets.UTF_8), (int) total);
                heldBytes = total;
            }
            totalBytes = total;
            blankTail = 0;
        }

        /** UTF-8 bytes of the whitespace at the end of {@code s} ({@link Character#isWhitespace}). */
        static int blankSuffixBytes(String s) {
            int bytes = 0;
            for (int k = s.length() - 1; k >= 0; k--) {
                char c = s.charAt(k);
                if (!Character.isWhitespace(c)) { // a surrogate is none, and no supplementary character is one
                    break;
                }
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
            return bytes;
        }

        /** Appends the held {@link #tail} as it decodes (U+FFFD): the line ends without the rest of it. */
        void resolveTail(int maxTextBytes) {
            if (tail != null) {
                String t = new String(tail, StandardCharsets.UTF_8);
                tail = null;
                append(t, false, maxTextBytes);
            }
        }

        /** UTF-8 bytes of the held {@link #tail} as {@link #resolveTail} would append it; 0 where none. */
        long tailBytes() {
            return tail == null ? 0 : RecordLimits.utf8Bytes(new String(tail, StandardCharsets.UTF_8));
        }

        private static byte[] concat(byte[] a, byte[] b, byte[] c) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(9);
            for (byte[] x : new byte[][] {a, b, c}) {
                if (x != null) {
                    out.writeBytes(x);
                }
            }
            return out.toByteArray();
        }

        /**
         * Appends a text to the line, holding at most {@code maxTextBytes} bytes of the line: only while nothing
         * of the line has been dropped, so the held text is always the line's first bytes (also after a restore
         * under a larger limit, or after a piece cut at a character boundary).
         */
        void append(String piece, boolean pieceAscii, int maxTextBytes) {
            int bytes = pieceAscii ? piece.length() : RecordLimits.utf8Bytes(piece);
            ascii &= pieceAscii;
            int blank = blankSuffixBytes(piece);
            blankTail = blank == bytes ? blankTail + bytes : blank;
            boolean whole = heldBytes == totalBytes;
            totalBytes += bytes;
            if (!whole) {
                return; // a gap: later pieces are only counted
            }
            if (heldBytes + bytes <= maxTextBytes) {
                text = text.isEmpty() ? piece : text.concat(piece);
                heldBytes += bytes;
            } else if (heldBytes < maxTextBytes) {
                String part = RecordLimits.prefix(piece.getBytes(StandardCharsets.UTF_8),
                        (int) (maxTextBytes - heldBytes));
                text = text.concat(part);
                heldBytes += RecordLimits.utf8Bytes(part);
            }
        }

        /**
         * The joined line of source {@code source}: the held text, followed by {@code mark} when given (cut so
         * that both fit the limit), else cut as {@link RecordLimits#capText} cuts the whole text.
         */
        LogLine line(String source, String mark, int maxTextBytes) {
            String t;
            if (mark == null && heldBytes == totalBytes && missing == 0) {
                t = text;
            } else {
                // the held text is at most maxTextBytes: text + mark where both fit, else cut before the mark
                String m = mark != null ? mark : heldBytes == totalBytes ? "" : RecordLimits.TRUNCATED_MARK
                        + totalBytes + " bytes]";
                t = RecordLimits.marked(text, (missing > 0 ? missingMark(missing) : "") + m, maxTextBytes);
            }
            LogLine l = new LogLine(source, t, offset, timestamp);
            l.topic = topic;
            l.partition = partition;
            l.cri = (byte) stream;
            if (ascii && t == text) {
                l.markAsciiText();
            }
            return l;
        }
    }
}
