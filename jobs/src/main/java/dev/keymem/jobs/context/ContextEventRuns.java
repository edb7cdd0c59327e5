package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.serde.RecordRuns;
import java.util.Arrays;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The context job's events gathered into {@link ContextEventRun}s before the exchange to the keyed step and taken
 * apart again in it ({@link RecordRuns}): each user's events reach the keyed function one by one, in the order
 * they came, so a query sees every earlier event of its user and none later. {@link Gather} keeps one open run
 * per user and emits it at {@link #MAX_EVENTS} events or {@link #MAX_CHARS} characters, when an event of the
 * user comes from another topic or partition, and all open runs (in the order they were opened) at
 * {@link #MAX_BUFFERED_CHARS} characters or {@link #MAX_BUFFERED_EVENTS} events in all, before any watermark
 * or checkpoint barrier, and at the end of the input. The job's runs are made by {@link ParseGather}, the parse
 * step and the gathering in one operator over the records (the same runs and dead letters as the parse step
 * followed by {@link Gather}, which stays as its reference).
 */
public final class ContextEventRuns {
    /** Most events in one run. */
    public static final int MAX_EVENTS = 256;
    /** A run is emitted once its text reaches this many characters. */
    public static final int MAX_CHARS = 64 * 1024;
    /**
     * All open runs are emitted once their strings reach this many characters together (the runs hold their
     * events encoded, about a byte per character of ASCII text plus some 20 bytes an event).
     */
    public static final long MAX_BUFFERED_CHARS = 16L * 1024 * 1024;
    /**
     * All open runs are emitted once they hold this many events together. Many users with few events each (the
     * generated users: 10 events a user) need a large buffer for runs of more than one event; measured on
     * 300,000 events of 30,000 users, 8k, 32k, 128k and 512k events buffered gave the same CPU time within noise
     * or a little less for the larger ones (docs/benchmarks.md, "Context job file runs: the Flink path").
     */
    public static final int MAX_BUFFERED_EVENTS = 256 * 1024;

    private ContextEventRuns() {
    }

    /** How events make runs: per user, one topic and partition a run. */
    private static final class Events implements RecordRuns.Shape<ContextEvent, ContextEventRun> {
        private static final long serialVersionUID = 1L;

        @Override
        public String key(ContextEvent e) {
            return e.user;
        }

        @Override
        public ContextEventRun open(ContextEvent first) {
            return new ContextEventRun(first.user, first.topic, first.partition, 2);
        }

        @Override
        public long chars(ContextEvent e) {
            return len(e.text) + len(e.type) + len(e.expect) + len(e.ts);
        }

        private static int len(String s) {
            return s == null ? 0 : s.length();
        }
    }

    /** Gathers events into runs per user (see {@link ContextEventRuns}). */
    public static final class Gather extends RecordRuns.Gather<ContextEvent, ContextEventRun> {
        private static final long serialVersionUID = 1L;

        /** With the default limits. */
        public Gather() {
            this(MAX_EVENTS, MAX_CHARS, MAX_BUFFERED_CHARS, MAX_BUFFERED_EVENTS);
        }

        /** With the given limits (each at least 1). */
        public Gather(int maxEvents, long maxChars, long maxBufferedChars, int maxBufferedEvents) {
            super(new Events(), maxEvents, maxChars, maxBufferedChars, maxBufferedEvents);
        }
    }

    /**
     * The parse step and {@link Gather} in one operator, over the records: each record's event (or its dead letter,
     * to {@link KafkaIO#DEAD_LETTERS}, as {@code ParseOrDeadLetter} with {@link UserContextJob#parser(RecordLimits)}
     * sends it) joins its user's open run under {@link Gather}'s rules and limits, so the same runs (byte for byte)
     * leave in the same order (tests compare the two). Cheaper where a record is the plainest JSON, ASCII
     * ({@link ContextEventParser#spans}, scanned once), with a user and a text within the limits (most events):
     * its strings go from the record's bytes into the run ({@link ContextEventRun#addAscii}) with no string or
     * event made on the way, and its user is looked up among the open runs by its bytes ({@link OpenRuns}). The
     * same holds for the plainest JSON in well-formed UTF-8 beyond ASCII ({@link ContextEventParser#spansUtf8}:
     * German or Chinese chat, emoji) with an ASCII user, whose strings go into the run as their UTF-8 bytes (not
     * flagged ASCII), which is what the parser's event would be written as; and for the other objects that
     * {@link EventFieldReader} reads (nested values, numbers, escapes) with an ASCII user, whose strings go into the
     * run from the reader's buffer, flagged ASCII as the parser flags them. Other records take the parser and
     * {@link ContextEventRun#add}, as does a record a fast path throws on (a bug there is not the job's end).
     */
    static class ParseGather extends RecordRuns.Gathering<KafkaRecord, ContextEventRun> {
        private static final long serialVersionUID = 1L;

        private final RecordLimits limits;
        private final int maxEvents;
        private final long maxChars;
        private final long maxBufferedChars;
        private final int maxBufferedEvents;
        private transient RecordParser<ContextEvent> parser;
        private transient int[] at;
        private transient EventFieldReader reader;
        private transient OpenRuns open;
        private transient long bufferedChars;
        private transient int bufferedEvents;

        /** With the default limits of the runs. */
        ParseGather(RecordLimits limits) {
            this(limits, MAX_EVENTS, MAX_CHARS, MAX_BUFFERED_CHARS, MAX_BUFFERED_EVENTS);
        }

        /** With the given limits of the runs (each at least 1). */
        ParseGather(RecordLimits limits, int maxEvents, long maxChars, long maxBufferedChars,
                    int maxBufferedEvents) {
            if (maxEvents < 1 || maxChars < 1 || maxBufferedChars < 1 || maxBufferedEvents < 1) {
                throw new IllegalArgumentException("limits must be positive");
            }
            this.limits = limits;
            this.maxEvents = maxEvents;
            this.maxChars = maxChars;
            this.maxBufferedChars = maxBufferedChars;
            this.maxBufferedEvents = maxBufferedEvents;
        }

        @Override
        public void open() throws Exception {
            super.open();
            parser = UserContextJob.parser(limits);
            at = new int[ContextEventParser.SPANS];
            reader = new EventFieldReader();
            open = new OpenRuns();
        }

        @Override
        public void processElement(StreamRecord<KafkaRecord> element) throws Exception {
            KafkaRecord r = element.getValue();
            byte[] b = r.value;
            int[] at = this.at;
            int fast;
            try {
                fast = fastPath(b);
            } catch (RuntimeException | StackOverflowError x) { // a fast path's bug: the parser's path for the record
                fast = PARSER;
            }
            if (fast == ASCII) {
                addPlain(r, b, at, element, true);
                return;
            }
            if (fast == UTF8) {
                addPlain(r, b, at, element, false);
                return;
            }
            if (fast == READ) {
                EventFieldReader fr = reader;
                addPlain(r, fr.buf, fr.at, element, fr.ascii);
                return;
            }
            ContextEvent e;
            try {
                e = parser.parse(r);
            } catch (InvalidRecordException x) {
                output.collect(KafkaIO.DEAD_LETTERS, element.replace(r.deadLetter(x.getMessage())));
                return;
            } catch (RuntimeException | StackOverflowError x) { // as ParseOrDeadLetter: the record, not the job
                output.collect(KafkaIO.DEAD_LETTERS, element.replace(r.deadLetter(
                        dev.keymem.jobs.kafka.RecordParsers.failed(x))));
                return;
            }
            if (e != null) {
                add(e, element);
            }
        }

        /** {@link #fastPath}'s answers: the parser's path, the spans of ASCII, of UTF-8, the field reader's fields. */
        static final int PARSER = 0, ASCII = 1, UTF8 = 2, READ = 3;

        /**
         * Which path takes the record's value {@code b}: one of the fast paths ({@code at} holds the spans, or the
         * field reader its fields) or the {@link #PARSER}'s. Where it throws, the record takes the parser's path
         * (which dead-letters it if the parser throws too), not the job down. Overridable for a test only.
         */
        int fastPath(byte[] b) {
            if (b == null || b.length > limits.maxRecordBytes()) {
                return PARSER;
            }
            int ascii = ContextEventParser.spansAscii(b, at);
            if (ascii == ContextEventParser.READ && plain(b, at)) {
                return ASCII;
            }
            // where the ASCII reading stopped at anything but a byte above ASCII, the UTF-8 reading stops there too
            // (an escape, a nested value: the field reader's records, read a third time before)
            if (ascii != ContextEventParser.NOT_READ && ContextEventParser.spansUtf8(b, at) && plainUtf8(b, at)) {
                return UTF8;
            }
            return reader.read(b) && plainRead(reader) ? READ : PARSER;
        }

        /** {@link #fastPath} trying the UTF-8 reading after every failed ASCII one (the reference form, for tests). */
        int fastPathReference(byte[] b) {
            if (b == null || b.length > limits.maxRecordBytes()) {
                return PARSER;
            }
            if (ContextEventParser.spans(b, at) && plain(b, at)) {
                return ASCII;
            }
            if (ContextEventParser.spansUtf8(b, at) && plainUtf8(b, at)) {
                return UTF8;
            }
            return reader.read(b) && plainRead(reader) ? READ : PARSER;
        }

        /**
         * Whether the spans' event needs nothing of the parser but the spans: a user and a text, neither blank
         * (in a plain string, only spaces are blank), the text within {@link RecordLimits#maxTextBytes()} (so
         * not cut).
         */
        private boolean plain(byte[] b, int[] at) {
            int us = at[2 * ContextEventParser.USER];
            int ts = at[2 * ContextEventParser.TEXT];
            return us >= 0 && ts >= 0 && !spaces(b, us, at[2 * ContextEventParser.USER + 1])
                    && at[2 * ContextEventParser.TEXT + 1] - ts <= limits.maxTextBytes()
                    && !spaces(b, ts, at[2 * ContextEventParser.TEXT + 1]);
        }

        /**
         * {@link #plain} of {@link ContextEventParser#spansUtf8}'s spans: the user ASCII (runs are found by a user's
         * ASCII bytes) and not blank, the text within the limit in UTF-8 bytes (so not cut) and holding an ASCII
         * char other than a space (so not blank: the strings hold no control char, and every other ASCII char but
         * the space is not white space; a text of spaces and non-ASCII chars alone is left to the parser, which
         * knows the other white space).
         */
        private boolean plainUtf8(byte[] b, int[] at) {
            return asciiUserTextWithin(b, at) && !spaces(b, at[2 * ContextEventParser.USER],
                    at[2 * ContextEventParser.USER + 1]) && asciiNotSpace(b, at[2 * ContextEventParser.TEXT],
                    at[2 * ContextEventParser.TEXT + 1]);
        }

        /**
         * The part {@link #plainUtf8} and {@link #plainRead} share: spans {@code at} into {@code b} hold a user of
         * ASCII bytes and a text within {@link RecordLimits#maxTextBytes()} UTF-8 bytes.
         */
        private boolean asciiUserTextWithin(byte[] b, int[] at) {
            int us = at[2 * ContextEventParser.USER];
            int ue = at[2 * ContextEventParser.USER + 1];
            int ts = at[2 * ContextEventParser.TEXT];
            if (us < 0 || ts < 0 || at[2 * ContextEventParser.TEXT + 1] - ts > limits.maxTextBytes()) {
                return false;
            }
            for (int i = us; i < ue; i++) {
                if (b[i] < 0) {
                    return false;
                }
            }
            return true;
        }

        /**
         * {@link #plain} of what {@link EventFieldReader} read (escapes decoded, so the strings may hold control
         * chars): a user of ASCII chars not all white space ({@link Character#isWhitespace}, what
         * {@link String#isBlank} asks), a text within the limit in UTF-8 bytes holding an ASCII char that is not
         * white space (a text of white space and non-ASCII chars alone is left to the parser).
         */
        private boolean plainRead(EventFieldReader fr) {
            int[] at = fr.at;
            byte[] b = fr.buf;
            return asciiUserTextWithin(b, at) && asciiNotWhite(b, at[2 * ContextEventParser.USER],
                    at[2 * ContextEventParser.USER + 1]) && asciiNotWhite(b, at[2 * ContextEventParser.TEXT],
                    at[2 * ContextEventParser.TEXT + 1]);
        }

        /** Whether {@code b[s, e)} holds an ASCII char that is not white space ({@link Character#isWhitespace}). */
        private static boolean asciiNotWhite(byte[] b, int s, int e) {
            for (int i = s; i < e; i++) {
                byte c = b[i];
                if (c >= 0 && !Character.isWhitespace(c)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether {@code b[s, e)} holds an ASCII byte other than a space. */
        private static boolean asciiNotSpace(byte[] b, int s, int e) {
            for (int i = s; i < e; i++) {
                if (b[i] > ' ') {
                    return true;
                }
            }
            return false;
        }

        private static boolean spaces(byte[] b, int s, int e) {
            for (int i = s; i < e; i++) {
                if (b[i] != ' ') {
                    return false;
                }
            }
            return true;
        }

        /**
         * Adds the event of the spans to its user's run: {@code ascii}, the spans of {@link ContextEventParser#spans}
         * (flagged ASCII), else of {@link ContextEventParser#spansUtf8} (the user ASCII).
         */
        private void addPlain(KafkaRecord r, byte[] b, int[] at, StreamRecord<KafkaRecord> element, boolean ascii) {
            int us = at[2 * ContextEventParser.USER];
            int ue = at[2 * ContextEventParser.USER + 1];
            int h = OpenRuns.hash(b, us, ue);
            Open o = open.get(b, us, ue, h);
            if (o != null && !(o.run.partition == r.partition && java.util.Objects.equals(o.run.topic, r.topic))) {
                open.remove(o);
                emit(o);
                o = null;
            }
            if (o == null) {
                String user = new String(b, us, ue - us, java.nio.charset.StandardCharsets.ISO_8859_1);
                o = new Open(new ContextEventRun(user, r.topic, r.partition, 2 * ContextEventRun.asciiBytes(at)),
                        Arrays.copyOfRange(b, us, ue), h, element.hasTimestamp(), element.getTimestamp());
                open.put(o);
            }
            int ys = at[2 * ContextEventParser.TYPE];
            int ye = at[2 * ContextEventParser.TYPE + 1];
            boolean query = at[ContextEventParser.QUERY] == 1 || (ye - ys == 5 && b[ys] == 'q' && b[ys + 1] == 'u'
                    && b[ys + 2] == 'e' && b[ys + 3] == 'r' && b[ys + 4] == 'y');
            o.run.addAscii(r.offset, b, at, query, ascii);
            long chars = 0;
            for (int f = ContextEventParser.TEXT; f <= ContextEventParser.TS; f++) {
                if (at[2 * f] >= 0) {
                    chars += ascii ? at[2 * f + 1] - at[2 * f] : ContextEventParser.utf16Length(b, at[2 * f], at[2 * f + 1]);
                }
            }
            added(o, chars);
        }

        /** The reference way: the event as the parser made it. */
        private void add(ContextEvent e, StreamRecord<KafkaRecord> element) {
            String user = e.user;
            int h = user.hashCode();
            Open o = open.get(user, h);
            if (o != null && !o.run.accepts(e)) {
                open.remove(o);
                emit(o);
                o = null;
            }
            if (o == null) {
                o = new Open(new ContextEventRun(user, e.topic, e.partition, 2), OpenRuns.ascii(user), h,
                        element.hasTimestamp(), element.getTimestamp());
                open.put(o);
            }
            o.run.add(e);
            added(o, (long) len(e.text) + len(e.type) + len(e.expect) + len(e.ts));
        }

        private static int len(String s) {
            return s == null ? 0 : s.length();
        }

        private void added(Open o, long chars) {
            o.chars += chars;
            bufferedChars += chars;
            bufferedEvents++;
            if (o.run.size >= maxEvents || o.chars >= maxChars) {
                open.remove(o);
                emit(o);
            }
            if (bufferedChars >= maxBufferedChars || bufferedEvents >= maxBufferedEvents) {
                flush();
            }
        }

        private void emit(Open o) {
            bufferedChars -= o.chars;
            bufferedEvents -= o.run.size;
            output.collect(o.stamped ? new StreamRecord<>(o.run, o.stamp) : new StreamRecord<>(o.run));
        }

        @Override
        protected void flush() {
            if (open != null) {
                open.drain(this::emit);
            }
        }
    }

    /** An open run of {@link ParseGather}: the run, its user's bytes (null: not ASCII), its stamp, its text. */
    static final class Open {
        final ContextEventRun run;
        final byte[] userBytes;
        final int hash;
        final boolean stamped;
        final long stamp;
        long chars;
        /** Its place in {@link OpenRuns#order}; -1 once removed. */
        int place;

        Open(ContextEventRun run, byte[] userBytes, int hash, boolean stamped, long stamp) {
            this.run = run;
            this.userBytes = userBytes;
            this.hash = hash;
            this.stamped = stamped;
            this.stamp = stamp;
        }
    }

    /**
     * {@link ParseGather}'s open runs by user, in the order they were opened: a hash table with linear probing
     * over the users' hash codes ({@link String#hashCode}, which {@link #hash} computes from ASCII bytes), looked
     * up by a user's string or by its ASCII bytes (no string made for the lookup), and the runs in opening order
     * with the removed ones left out, compacted when they are half of it (what {@code LinkedHashMap} gives
     * {@link RecordRuns.Gather}, the reference; tests compare the two).
     */
    static final class OpenRuns {
        private Open[] table = new Open[64];
        private int count;
        private Open[] order = new Open[64];
        private int orderSize;
        private int removed;

        /** {@code String.hashCode()} of the ASCII string {@code b[s, e)}. */
        static int hash(byte[] b, int s, int e) {
            int h = 0;
            for (int i = s; i < e; i++) {
                h = 31 * h + b[i];
            }
            return h;
        }

        /** The bytes of {@code s} where it is ASCII, else null. */
        static byte[] ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return null;
                }
            }
            return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        private static int slot(int h, int mask) {
            return (h ^ (h >>> 16)) * 0x9E3779B9 >>> 7 & mask;
        }

        /** The open run of the user whose ASCII bytes are {@code b[s, e)}, hash {@code h}; or null. */
        Open get(byte[] b, int s, int e, int h) {
            Open[] t = table;
            int mask = t.length - 1;
            for (int i = slot(h, mask); ; i = (i + 1) & mask) {
                Open o = t[i];
                if (o == null) {
                    return null;
                }
                if (o.hash == h && o.userBytes != null && Arrays.equals(o.userBytes, 0, o.userBytes.length, b, s, e)) {
                    return o;
                }
            }
        }

        /** The open run of {@code user}, hash {@code h}; or null. */
        Open get(String user, int h) {
            Open[] t = table;
            int mask = t.length - 1;
            for (int i = slot(h, mask); ; i = (i + 1) & mask) {
                Open o = t[i];
                if (o == null) {
                    return null;
                }
                if (o.hash == h && o.run.user.equals(user)) {
                    return o;
                }
            }
        }

        /** Adds {@code o}, whose user has no open run, as the last opened. */
        void put(Open o) {
            if (2 * (count + 1) > table.length) {
                resize(2 * table.length);
            }
            insert(table, o);
            count++;
            if (orderSize == order.length) {
                if (2 * removed >= orderSize) {
                    compact();
                } else {
                    order = Arrays.copyOf(order, 2 * order.length);
                }
            }
            o.place = orderSize;
            order[orderSize++] = o;
        }

        private static void insert(Open[] t, Open o) {
            int mask = t.length - 1;
            int i = slot(o.hash, mask);
            while (t[i] != null) {
                i = (i + 1) & mask;
            }
            t[i] = o;
        }

        private void resize(int n) {
            Open[] t = new Open[n];
            for (Open o : table) {
                if (o != null) {
                    insert(t, o);
                }
            }
            table = t;
        }

        /** Removes {@code o} (open). */
        void remove(Open o) {
            Open[] t = table;
            int mask = t.length - 1;
            int i = slot(o.hash, mask);
            while (t[i] != o) {
                i = (i + 1) & mask;
            }
            // backward-shift deletion: the runs after i that probed past it move up into the gap
            int gap = i;
            for (int j = (i + 1) & mask; t[j] != null; j = (j + 1) & mask) {
                int home = slot(t[j].hash, mask);
                // t[j] may fill the gap when its home is not in the cyclic range (gap, j]
                if (gap <= j ? (home <= gap || home > j) : (home <= gap && home > j)) {
                    t[gap] = t[j];
                    gap = j;
                }
            }
            t[gap] = null;
            count--;
            order[o.place] = null;
            o.place = -1;
            removed++;
        }

        /** Hands every open run to {@code emit} in the order they were opened, and forgets them. */
        void drain(java.util.function.Consumer<Open> emit) {
            for (int k = 0; k < orderSize; k++) {
                Open o = order[k];
                if (o != null) {
                    emit.accept(o);
                    o.place = -1;
                    order[k] = null;
                }
            }
            orderSize = 0;
            removed = 0;
            if (count > 0) {
                Arrays.fill(table, null);
                count = 0;
            }
        }

        private void compact() {
            int k = 0;
            for (int i = 0; i < orderSize; i++) {
                Open o = order[i];
                if (o != null) {
                    o.place = k;
                    order[k++] = o;
                }
            }
            Arrays.fill(order, k, orderSize, null);
            orderSize = k;
            removed = 0;
        }

        /** Open runs. */
        int size() {
            return count;
        }
    }

    /** The keyed function over runs: {@code inner} on each event of a run. */
    public static final class Unpack extends RecordRuns.Unpack<ContextEvent, ContextEventRun, JobOutput> {
        private static final long serialVersionUID = 1L;

        public Unpack(KeyedProcessFunction<String, ContextEvent, JobOutput> inner) {
            super(inner);
        }
    }
}
