package dev.keymem.jobs.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keymem.jobs.kafka.ByteScan;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.logs.mining.JsonLogFields;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.DateTimeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one input value into a {@link LogLine}.
 *
 * <ul>
 *   <li>A value starting with <code>{</code> is a JSON log record. Its text is the first field of
 *       {@link JsonLogFields#TEXT} holding a string that is not blank ({@code message}, {@code text}, {@code line},
 *       {@code msg}, {@code log}, {@code MESSAGE}, ...), without a trailing line break; its source the first of
 *       {@link JsonLogFields#SOURCE} ({@code source}, {@code service.name}, {@code service},
 *       {@code SYSLOG_IDENTIFIER}, ...), else the fixed source when one is set, else the Kafka record key when
 *       there is one, else {@code "default"}; its time stamp the first of {@link JsonLogFields#TIME} that gives
 *       one ({@code timestamp}, {@code ts}, {@code @timestamp}, {@code time}, {@code @t},
 *       {@code __REALTIME_TIMESTAMP}: ISO-8601, or epoch time, see {@link #timestamp}), else the record's. A level
 *       field is not folded into the text (measured: a level in front of the message lowers the miner's grouping
 *       accuracy, docs/benchmarks.md). The line is {@link LogLine#bare} where its text field holds the message
 *       alone, its header being the record's other fields ({@link JsonLogFields#bare}: pino's {@code msg},
 *       journald's {@code MESSAGE}, ECS's {@code message} beside {@code log.level}, ...; not Docker's
 *       {@code log} or keymem's own {@code message}, which hold whole lines).</li>
 *   <li>Anything else is a raw line. Its source is the fixed source when one is set, else the Kafka record
 *       key when there is one, else the program name of a syslog-like prefix
 *       ({@code <timestamp> <LEVEL> name[pid]:}), else {@code "default"}. A leading ISO-8601 timestamp is
 *       taken as the line's timestamp. A Kubernetes CRI line's text is its message ({@link CriLogPrefix}), the
 *       line marked with its stream and tag ({@link LogLine#cri}) for the keyed step, which joins a long line's
 *       {@code P} pieces ({@link CriLineJoin}).</li>
 * </ul>
 * Rejected (the reason goes to the dead-letter topic): blank values, JSON that does not parse, JSON that is not
 * an object, a JSON object with more than white space after it (two objects glued on one line:
 * {@link RecordParsers#MORE_AFTER_JSON}; other
 * text, a NUL byte say: {@link RecordParsers#moreAfterJson(int)}), a JSON object without a text.
 */
public final class LogLineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /**
     * Reads the flat JSON objects token by token (jackson-core alone: no {@code ObjectMapper}, whose class
     * initialization, the JDK's date and locale set-up for its default date format, was a start-up cost of every
     * log run); {@link Mapper} reads the others.
     */
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final Pattern PROGRAM = Pattern.compile("^\\S+\\s+[A-Z]+\\s+([A-Za-z0-9_.-]+)\\[\\d+\\]:");
    private static final Pattern LEADING_TS = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\S+)");

    private final String fixedSource;

    /** @param fixedSource the source of every raw line (and of JSON lines without one), or null */
    public LogLineParser(String fixedSource) {
        this.fixedSource = fixedSource == null || fixedSource.isBlank() ? null : fixedSource;
    }

    /** Parses one value; {@code key} is the record key (may be null). */
    public LogLine parse(String key, String value, long offset, long recordTimestamp) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("value is blank");
        }
        String v = value.strip();
        if (v.startsWith("{")) {
            JsonNode n;
            String more;
            try (JsonParser p = Mapper.JSON.createParser(v)) {
                n = Mapper.JSON.readTree(p);
                more = RecordParsers.moreAfterJson(v, p);
            } catch (Exception e) {
                throw new InvalidRecordException("value is not valid JSON: " + firstLine(e.getMessage()));
            }
            if (n == null || !n.isObject()) {
                throw new InvalidRecordException("value is not a JSON object");
            }
            if (more != null) {
                throw new InvalidRecordException(more);
            }
            return fromJson(n, key, offset, recordTimestamp, true);
        }
        String source = fixedSource;
        if (source == null && key != null && !key.isBlank()) {
            source = key;
        }
        if (source == null) {
            source = program(v);
            if (source == null) {
                source = "default";
            }
        }
        long ts = recordTimestamp;
        String stamp = leadingStamp(v);
        if (stamp != null) {
            ts = parseInstant(stamp, recordTimestamp);
        }
        if (stamp != null) {
            int lead = 0;
            while (Character.isWhitespace(value.charAt(lead))) {
                lead++;
            }
            // a CRI line's stamp ends at the space before its stream (as in raw(...)): else no CRI check
            int sp = lead + stamp.length();
            int cri = sp + 1 >= value.length() || value.charAt(sp) != ' ' || value.charAt(sp + 1) != 's' ? -1
                    : CriLogPrefix.messageStart(value, lead, value.length());
            if (cri >= 0) {
                return cri(source, value, cri, lead + v.length(), offset, ts);
            }
        }
        return new LogLine(source, value, offset, ts);
    }

    /**
     * The line of the CRI line {@code value} whose message starts at {@code cri} and whose stripped text ends at
     * {@code end}: a {@code P} piece's text is its message as written (to the end of the value, spaces included,
     * so that joined pieces are the line as the program wrote it; a {@code \n} or {@code \r\n} at its end, which
     * a piece never holds, is a shipper's line end and dropped); an {@code F} piece's is its message stripped at
     * its end, as any line's text; an {@code F} piece with an empty message keeps the whole value as its text
     * (as before pieces were told apart) and is marked {@link LogLine#CRI_EMPTY}.
     */
    private static LogLine cri(String source, String value, int cri, int end, long offset, long ts) {
        byte stream = value.charAt(cri - 6) == 'o' ? LogLine.CRI_STDOUT : LogLine.CRI_STDERR; // std[o]ut, std[e]rr
        LogLine l;
        if (value.charAt(cri - 2) == 'P') {
            l = new LogLine(source, withoutLineEnd(value.substring(cri)), offset, ts);
            l.cri = (byte) (stream | LogLine.CRI_PARTIAL);
        } else if (cri < end) {
            l = new LogLine(source, value.substring(cri, end), offset, ts);
            l.cri = stream;
        } else {
            l = new LogLine(source, value, offset, ts);
            l.cri = (byte) (stream | LogLine.CRI_EMPTY);
        }
        return l;
    }

    /**
     * The raw line {@code value}, whose ASCII bytes are {@code b} and stripped {@code b[from, to)} (not blank,
     * not JSON): {@link #parse(String, String, long, long)}'s raw branch, scanning the bytes.
     */
    private LogLine raw(String key, String value, byte[] b, int from, int to, long offset, long recordTimestamp) {
        String source = fixedSource;
        if (source == null && key != null && !key.isBlank()) {
            source = key;
        }
        if (source == null) {
            source = program(b, from, to);
            if (source == null) {
                source = "default";
            }
        }
        long ts = recordTimestamp;
        int end = leadingStampEnd(b, from, to);
        if (end >= 0) {
            ts = parseInstant(b, from, end, recordTimestamp);
        }
        // a CRI line (its text is its message): the stamp's end is the space before its stream (the first white
        // space after the T, which CriLogPrefix.messageStart wants a ' ' and the stream to follow), so a stamp
        // not followed by " s" is none
        int cri = end < 0 || end + 1 >= b.length || b[end] != ' ' || b[end + 1] != 's' ? -1
                : CriLogPrefix.messageStart(value, from, value.length());
        return cri < 0 ? new LogLine(source, value, offset, ts) : cri(source, value, cri, to, offset, ts);
    }

    /** The reason a JSON record without a text is refused. */
    static final String NO_TEXT = "JSON log record has no text (no string in " + String.join(", ", JsonLogFields.TEXT)
            + ")";

    /** The line of a parsed JSON object; {@code surrogates}: whether its strings may hold unpaired surrogates. */
    private LogLine fromJson(JsonNode n, String key, long offset, long recordTimestamp, boolean surrogates)
            throws InvalidRecordException {
        String field = JsonLogFields.findName(n, JsonLogFields.TEXT);
        if (field == null) {
            throw new InvalidRecordException(NO_TEXT);
        }
        String text = JsonLogFields.text(n, field).asText();
        text = withoutLineEnd(surrogates ? RecordParsers.wellFormed(text) : text);
        String source = text(n, surrogates, JsonLogFields.SOURCE);
        if (source == null) {
            source = fixedSource != null ? fixedSource : key != null && !key.isBlank() ? key : "default";
        }
        LogLine l = new LogLine(source, text, offset, timestamp(n, recordTimestamp));
        l.bare = JsonLogFields.bare(n, field);
        return l;
    }

    /**
     * {@link #fromJson} of the flat record whose wanted fields are the slots {@code v} ({@link JsonLogFields#READ}:
     * what {@link #flatSlots} and {@link #jsonTokens} read), the same line or refusal, each field looked up by its
     * slot instead of by name in a map (some 50 look-ups a record, mostly of absent names).
     */
    private LogLine fromSlots(JsonNode[] v, String key, long offset, long recordTimestamp, boolean surrogates)
            throws InvalidRecordException {
        int k = JsonLogFields.text(v);
        if (k < 0) {
            throw new InvalidRecordException(NO_TEXT);
        }
        String text = v[JsonLogFields.textSlot(k)].asText();
        text = withoutLineEnd(surrogates ? RecordParsers.wellFormed(text) : text);
        JsonNode s = JsonLogFields.source(v);
        String source = s == null ? null : surrogates ? RecordParsers.wellFormed(s.asText()) : s.asText();
        if (source == null) {
            source = fixedSource != null ? fixedSource : key != null && !key.isBlank() ? key : "default";
        }
        LogLine l = new LogLine(source, text, offset, timestamp(null, v, recordTimestamp));
        l.bare = JsonLogFields.bare(v, k);
        return l;
    }

    /** {@code text} without one trailing line break ({@code \n} or {@code \r\n}: Docker's {@code log} ends in one). */
    static String withoutLineEnd(String text) {
        int n = text.length();
        if (n > 0 && text.charAt(n - 1) == '\n') {
            n -= n > 1 && text.charAt(n - 2) == '\r' ? 2 : 1;
            return text.substring(0, n);
        }
        return text;
    }

    /**
     * The time stamp of the first {@link JsonLogFields#TIME} field that gives one, else {@code dflt}: an ISO-8601
     * string ({@link Instant#parse}: {@code Z} or an offset); an integer {@code timestamp} or {@code ts}: epoch
     * milliseconds; any other number, or a string of digits (journald's {@code __REALTIME_TIMESTAMP}), an epoch time
     * whose unit its size tells ({@link #epochMillis}; a number whose milliseconds a long does not hold gives none).
     */
    static long timestamp(JsonNode n, long dflt) {
        return timestamp(n, null, dflt);
    }

    /** {@link #timestamp(JsonNode, long)} of {@code n}, or where it is null, of the flat record {@code slots}. */
    private static long timestamp(JsonNode n, JsonNode[] slots, long dflt) {
        for (int k = 0; k < TIME_SLOTS.length; k++) {
            JsonNode t = n != null ? n.get(JsonLogFields.TIME.get(k)) : slots[TIME_SLOTS[k]];
            if (t == null) { // most records hold none or one of the names: each name read only where it holds one
                continue;
            }
            String name = JsonLogFields.TIME.get(k);
            if (t.isIntegralNumber() && t.canConvertToLong()) {
                long v = t.asLong();
                if (name.equals("timestamp") || name.equals("ts")) {
                    return v;
                }
                return epochMillis(v);
            }
            if (t.isNumber()) {
                long ms = epochMillis(t.asDouble());
                if (ms != Long.MIN_VALUE) {
                    return ms;
                }
            } else if (t.isTextual()) {
                String s = t.asText();
                long digits = epochDigits(s);
                long ms = digits >= 0 ? epochMillis(digits) : parseInstant(s, Long.MIN_VALUE);
                if (ms != Long.MIN_VALUE) {
                    return ms;
                }
            }
        }
        return dflt;
    }

    /** The slots of {@link JsonLogFields#TIME}. */
    private static final int[] TIME_SLOTS = JsonLogFields.TIME.stream().mapToInt(JsonLogFields::slot).toArray();

    /**
     * The value of a string of 1 to 19 ASCII digits (OpenTelemetry's {@code timeUnixNano}: 19 digits of epoch
     * nanoseconds), else -1 (also where it is above {@link Long#MAX_VALUE}).
     */
    static long epochDigits(String s) {
        int n = s.length();
        if (n == 0 || n > 19) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * Epoch milliseconds of an epoch time in the unit its size tells (as log shippers read them): seconds below
     * 10^11 (until the year 5138), milliseconds below 10^14, microseconds below 10^17, else nanoseconds (also
     * {@link Long#MIN_VALUE}, whose size a long does not hold). Every long gives a long of milliseconds, never
     * {@link Long#MIN_VALUE}.
     */
    static long epochMillis(long v) {
        long a = v == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(v);
        if (a < 100_000_000_000L) {
            return Math.multiplyExact(v, 1000L);
        }
        if (a < 100_000_000_000_000L) {
            return v;
        }
        return a < 100_000_000_000_000_000L ? v / 1000 : v / 1_000_000;
    }

    /**
     * {@link #epochMillis(long)} of a number with a fraction (zap's {@code ts}: seconds, 1566398434.8962479), to the
     * nearest millisecond (1768464000.123 is 1768464000.1229999... as a double); {@link Long#MIN_VALUE} (not
     * parsed) where those milliseconds are no long, or {@code v} is not finite.
     */
    static long epochMillis(double v) {
        double a = Math.abs(v);
        double ms = a < 1e11 ? v * 1000 : a < 1e14 ? v : a < 1e17 ? v / 1000 : v / 1e6;
        // below 2^63 in size (NaN fails too): rounds to a long other than Long.MIN_VALUE (doubles this large are whole)
        return Math.abs(ms) < 0x1p63 ? Math.round(ms) : Long.MIN_VALUE;
    }

    /** U+FFFD in UTF-8. */
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    /**
     * A CRI piece's value decoded where it is strict UTF-8 but for a character split at a piece boundary: its text
     * ({@link #criSeams}) and the raw bytes each U+FFFD at an edge of its message stands for (null where none).
     */
    record CriSeams(String text, byte[] head, byte[] tail) {
        /** {@code l} (parsed from {@link #text}) with the edge bytes, where its text shows them at its edges. */
        LogLine mark(LogLine l) {
            if (l.cri == 0 || (l.cri & LogLine.CRI_EMPTY) != 0) {
                return l;
            }
            String t = l.text;
            if (head != null && t.startsWith("\uFFFD")) {
                l.criHead = head;
            }
            if (tail != null && (l.cri & LogLine.CRI_PARTIAL) != 0 && t.endsWith("\uFFFD")
                    && t.length() > (l.criHead != null ? 1 : 0)) {
                l.criTail = tail;
            }
            return l;
        }
    }

    /**
     * The text of a CRI piece that is strict UTF-8 but for a character split at a piece boundary (containerd cuts
     * a long line at 16 KiB of bytes): up to 3 continuation bytes at the start of the message and, in a {@code P}
     * piece, an incomplete sequence (up to 3 bytes; {@link CriLineJoin#incompleteStart}) at its end, each replaced
     * by one U+FFFD, with those raw bytes (which the join puts back together, {@link LogLine#criHead}); null where
     * the value is no CRI line or holds any other invalid byte (the record is then refused as before). The message
     * ends where the text's does: before one {@code \n} or {@code \r\n} ({@link #withoutLineEnd}); a lone
     * {@code \r} or a second {@code \n} is part of it, so a character cut before one is an invalid byte inside the
     * piece (no piece boundary cuts a character there), and the piece is refused.
     */
    static CriSeams criSeams(byte[] b) {
        int m = criMessageStart(new String(b, StandardCharsets.ISO_8859_1), b.length);
        if (m < 0) {
            return null;
        }
        int end = b.length; // without one line end, as the text ({@link #withoutLineEnd})
        if (end > m && b[end - 1] == '\n') {
            end -= end - 1 > m && b[end - 2] == '\r' ? 2 : 1;
        }
        int from = m;
        while (from < end && from - m < 3 && (b[from] & 0xC0) == 0x80) {
            from++;
        }
        int to = b[m - 2] == 'P' ? CriLineJoin.incompleteStart(b, from, end) : end;
        if (from == m && to == end) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length + 6);
        out.write(b, 0, m);
        if (from > m) {
            out.write(REPLACEMENT, 0, 3);
        }
        out.write(b, from, to - from);
        if (to < end) {
            out.write(REPLACEMENT, 0, 3);
        }
        out.write(b, end, b.length - end);
        String text = dev.keymem.operators.DeadLetter.strictUtf8(out.toByteArray());
        if (text == null) {
            return null;
        }
        return new CriSeams(text.startsWith("\uFEFF") ? text.substring(1) : text,
                from > m ? java.util.Arrays.copyOfRange(b, m, from) : null,
                to < end ? java.util.Arrays.copyOfRange(b, to, end) : null);
    }

    /**
     * Where the message of a raw value read one char per byte ({@code v}, Latin-1: indexes are byte indexes) starts
     * after leading white space and a CRI prefix within its first {@code n} chars, or -1 where it has none.
     */
    private static int criMessageStart(String v, int n) {
        int lead = 0;
        while (lead < n && Character.isWhitespace(v.charAt(lead))) {
            lead++;
        }
        return CriLogPrefix.messageStart(v, lead, n);
    }

    /** Longest CRI prefix (time stamp, stream, tag) read from a refused value. */
    private static final int MAX_CRI_PREFIX = 256;

    /**
     * {@code e}, for a refused record; where the value is a CRI piece (its prefix readable), with its stand-in
     * ({@link LogLine#CRI_REFUSED}: the source, stream, tag, time and coordinates the piece would have had, an
     * empty text), so that the join marks the line that misses the piece.
     */
    private InvalidRecordException refused(String key, KafkaRecord record, InvalidRecordException e) {
        byte[] b = record.value;
        if (b == null) {
            return e;
        }
        int n = Math.min(b.length, MAX_CRI_PREFIX);
        String v = new String(b, 0, n, StandardCharsets.ISO_8859_1);
        int m = criMessageStart(v, n);
        if (m < 0) {
            return e;
        }
        LogLine l;
        try {
            l = parse(key, v.substring(0, m), record.offset, record.timestamp);
        } catch (InvalidRecordException x) {
            return e;
        }
        if (l.cri == 0) {
            return e;
        }
        LogLine s = new LogLine(l.source, "", l.offset, l.timestamp);
        int kept = LogLine.CRI_STDOUT | LogLine.CRI_STDERR | LogLine.CRI_PARTIAL;
        s.cri = (byte) ((l.cri & kept) | LogLine.CRI_REFUSED);
        s.topic = record.topic;
        s.partition = record.partition;
        s.markAsciiText();
        return InvalidRecordException.withStandIn(e.getMessage(), s);
    }

    /**
     * Parses one record's value bytes: the same line, or the same refusal, as {@link #parse(String, String, long,
     * long)} of {@code RecordParsers.decode(record, maxBytes)}, only cheaper where the bytes are ASCII (most log
     * lines): the decoder's strict UTF-8 check is then a scan for bytes over 127, and a JSON object whose values
     * are strings, numbers, booleans or nulls is read by hand ({@link #flat}), else token by token (strings,
     * integers, booleans, nulls; {@link #jsonTokens}) from the bytes, keeping only the fields this parser looks at,
     * instead of as a whole tree from a decoded string (an object with anything else in it, or one Jackson
     * refuses, goes the reference way: same fields, same error message). One exception: a CRI piece that is
     * strict UTF-8 but for a character split at its edges is read, not refused ({@link #criSeams}); a refused CRI
     * piece's exception carries its stand-in ({@link LogLine#CRI_REFUSED}).
     */
    public LogLine parse(String key, KafkaRecord record, int maxBytes) throws InvalidRecordException {
        byte[] b = record.value;
        if (b != null && b.length <= maxBytes) {
            int first = 0;
            while (first < b.length && Character.isWhitespace(b[first])) {
                first++;
            }
            if (first < b.length && b[first] == '{') {
                JsonNode[] v = flatSlots(b, first);
                if (v != null) { // every byte ASCII, every string of v too: no surrogate, the text ASCII
                    LogLine l = fromSlots(v, key, record.offset, record.timestamp, false);
                    l.markAsciiText();
                    return l;
                }
            }
        }
        int scan = b == null || b.length > maxBytes ? NOT_ASCII : asciiScan(b);
        if (scan == NOT_ASCII) {
            String text;
            try {
                text = RecordParsers.decode(record, maxBytes);
            } catch (InvalidRecordException e) {
                CriSeams seams = b == null || b.length > maxBytes ? null : criSeams(b);
                if (seams == null) {
                    throw refused(key, record, e);
                }
                return seams.mark(parse(key, seams.text(), record.offset, record.timestamp));
            }
            return parse(key, text, record.offset, record.timestamp);
        }
        int first = 0;
        while (first < b.length && Character.isWhitespace(b[first])) {
            first++;
        }
        if (first < b.length && b[first] == '{') {
            LogLine l = jsonTokens(key, b, first, scan == ASCII_WITH_BACKSLASH, record.offset, record.timestamp);
            if (l != null) {
                if (scan == ASCII) { // no backslash, no escape: every string is ASCII as the bytes are
                    l.markAsciiText();
                }
                return l;
            }
        }
        // an ASCII value is its own strict UTF-8 decoding (and holds no byte order mark)
        String v = new String(b, StandardCharsets.ISO_8859_1);
        if (first < b.length && b[first] != '{') {
            // a raw line: what parse(key, v, ...) does with it, its scans over the bytes (no String.charAt per
            // char), stripped as String.strip strips
            int last = b.length;
            while (Character.isWhitespace(b[last - 1])) {
                last--;
            }
            LogLine l = raw(key, v, b, first, last, record.offset, record.timestamp);
            l.markAsciiText();
            return l;
        }
        LogLine l = parse(key, v, record.offset, record.timestamp);
        // a raw line's text is the value itself; a JSON one's is ASCII unless an escape made it otherwise
        if (scan == ASCII || l.text == v) {
            l.markAsciiText();
        }
        return l;
    }

    private static final int NOT_ASCII = -1;
    private static final int ASCII = 0;
    private static final int ASCII_WITH_BACKSLASH = 1;

    /**
     * {@link #NOT_ASCII}, {@link #ASCII} or {@link #ASCII_WITH_BACKSLASH} (a JSON escape may be in it). A NUL byte
     * counts as not ASCII: Jackson's reader of bytes takes <code>{</code> and NULs for UTF-16 or UTF-32, where the
     * reference reads the decoded string (and refuses the NUL).
     */
    static int asciiScan(byte[] b) {
        int backslash = ASCII;
        int n = b.length;
        for (int i = ByteScan.asciiStop(b, 0, n); i < n; i = ByteScan.asciiStop(b, i + 1, n)) {
            if (b[i] <= 0) {
                return NOT_ASCII;
            }
            backslash = ASCII_WITH_BACKSLASH;
        }
        return backslash;
    }

    /** {@link #asciiScan}'s reference: a plain loop (for tests). */
    static int asciiScanReference(byte[] b) {
        int backslash = 0;
        for (byte x : b) {
            if (x <= 0) {
                return NOT_ASCII;
            }
            if (x == '\\') {
                backslash = ASCII_WITH_BACKSLASH;
            }
        }
        return backslash;
    }

    /**
     * The line of the JSON object at {@code from} in the ASCII bytes {@code b}, read token by token, or null where
     * this reading cannot promise what {@link ObjectMapper#readTree} would give: a nested object or array, a
     * floating-point or big integer value, or anything Jackson refuses (the caller then takes the reference way,
     * which also words the error). Field values are read as the tree reader reads them (every string, wanted or
     * not, so that Jackson's limits apply alike), and a repeated field's last value counts, as in the tree.
     * {@code escapes}: whether the bytes hold a backslash (without one, no string holds an unpaired surrogate).
     */
    private LogLine jsonTokens(String key, byte[] b, int from, boolean escapes, long offset, long recordTimestamp)
            throws InvalidRecordException {
        JsonNode[] v = JsonLogFields.slots();
        try (JsonParser p = FACTORY.createParser(b, from, b.length - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonNode value;
                switch (p.nextToken()) {
                    case VALUE_STRING -> value = TextNode.valueOf(p.getText());
                    case VALUE_NUMBER_INT -> {
                        JsonParser.NumberType nt = p.getNumberType();
                        if (nt == JsonParser.NumberType.INT) {
                            value = IntNode.valueOf(p.getIntValue());
                        } else if (nt == JsonParser.NumberType.LONG) {
                            value = LongNode.valueOf(p.getLongValue());
                        } else {
                            return null;
                        }
                    }
                    case VALUE_TRUE -> value = BooleanNode.TRUE;
                    case VALUE_FALSE -> value = BooleanNode.FALSE;
                    case VALUE_NULL -> value = NullNode.instance;
                    default -> {
                        return null;
                    }
                }
                int slot = JsonLogFields.slot(name);
                if (slot >= 0) {
                    v[slot] = value;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null; // more after the object (or an error there): the reference decides
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return fromSlots(v, key, offset, recordTimestamp, escapes);
    }

    /**
     * The fields {@link #fromJson} reads (the keys: a nested object sends the record the reference way); the one
     * list the readers of the bytes, {@link #flat} and {@link #jsonTokens}, keep.
     */
    private static final java.util.Set<String> FIELDS = java.util.Set.copyOf(JsonLogFields.READ);

    /** {@link #FIELDS} (for tests). */
    static java.util.Set<String> fields() {
        return FIELDS;
    }

    /** Longest name, string and number {@link #flat} reads (Jackson's read constraints are far above: 50,000, 20M, 1,000). */
    static final int FLAT_NAME_MAX = 1_000;
    static final int FLAT_STRING_MAX = 1 << 20;
    static final int FLAT_NUMBER_MAX = 100;

    /**
     * The fields of {@link #FIELDS} in the JSON object at {@code from} (a <code>{</code>) in {@code b}, read by hand
     * where every byte of {@code b} from there is ASCII and the object is of the plainest kind, as the tree reading
     * would give them ({@link ObjectMapper#readTree} of the decoded value: the same nodes, the last of a repeated
     * name winning); null (the caller then takes {@link #jsonTokens}, else the reference way) for anything else.
     * Read: JSON whitespace (space, tab, line feed, carriage return), names without escapes, values that are
     * strings (ASCII, no control character, escapes among <code>\" \\ \/ \b \f \n \r \t</code>, not the
     * code point escape: a backslash and {@code u}), numbers (a wanted field's only as an integer of up to 18
     * digits, which the tree holds as an {@code IntNode} where it fits an int, else a {@code LongNode}; others
     * in JSON's number syntax, up to {@link #FLAT_NUMBER_MAX} characters, exponents up to 3 digits), and
     * {@code true}, {@code false}, {@code null}; no nested object or array. After the closing brace only JSON
     * whitespace (anything else: the reference refuses it, {@link RecordParsers#MORE_AFTER_JSON}, or strips it). So every string read is ASCII
     * (escapes give ASCII characters), and holds no surrogate. Written by hand because it reads only the names
     * wanted and their values, from the bytes, without Jackson's per-string char buffer and decoding; Jackson's
     * tree is the reference (LogLineParserBytesTest compares the lines and refusals).
     */
    static ObjectNode flat(byte[] b, int from) {
        JsonNode[] v = flatSlots(b, from);
        if (v == null) {
            return null;
        }
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != null) {
                o.set(JsonLogFields.READ.get(i), v[i]);
            }
        }
        return o;
    }

    /**
     * {@link #flat} as slots ({@link JsonLogFields#READ}: each wanted field's node at its slot, null where the
     * record lacks it), what the parser reads: no map of the fields is made, and {@link #fromSlots} looks them up
     * by slot.
     */
    static JsonNode[] flatSlots(byte[] b, int from) {
        int n = b.length;
        JsonNode[] o = JsonLogFields.slots();
        int[] end = new int[1]; // a wanted string's closing quote (readString)
        int i = RecordParsers.skipJsonSpace(b, from + 1);
        if (i < n && b[i] == '}') {
            return RecordParsers.skipJsonSpace(b, i + 1) == n ? o : null;
        }
        while (true) {
            if (i >= n || b[i] != '"') {
                return null;
            }
            int ns = i + 1;
            int ne = ns;
            while (ne < n && b[ne] >= 0x20 && b[ne] != '"' && b[ne] != '\\') {
                ne++;
            }
            if (ne >= n || b[ne] != '"' || ne - ns > FLAT_NAME_MAX) {
                return null; // an escape, a control or non-ASCII byte, the end, or too long
            }
            int slot = JsonLogFields.slot(b, ns, ne);
            i = RecordParsers.skipJsonSpace(b, ne + 1);
            if (i >= n || b[i] != ':') {
                return null;
            }
            i = RecordParsers.skipJsonSpace(b, i + 1);
            if (i >= n) {
                return null;
            }
            byte c = b[i];
            JsonNode value = null;
            if (c == '"') {
                int s = i + 1;
                int e;
                if (slot >= 0) { // read and decoded in one pass
                    String t = readString(b, s, end);
                    if (t == null) {
                        return null;
                    }
                    value = TextNode.valueOf(t);
                    e = end[0];
                } else {
                    e = skipString(b, s);
                    if (e < 0) {
                        return null;
                    }
                }
                i = e + 1;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int s = i;
                boolean negative = c == '-';
                if (negative) {
                    i++;
                }
                if (i >= n) {
                    return null;
                }
                if (b[i] == '0') {
                    i++;
                } else if (b[i] >= '1' && b[i] <= '9') {
                    while (i < n && b[i] >= '0' && b[i] <= '9') {
                        i++;
                    }
                } else {
                    return null;
                }
                int intEnd = i;
                boolean integer = true;
                if (i < n && b[i] == '.') {
                    int d = ++i;
                    while (i < n && b[i] >= '0' && b[i] <= '9') {
                        i++;
                    }
                    if (i == d) {
                        return null;
                    }
                    integer = false;
                }
                if (i < n && (b[i] == 'e' || b[i] == 'E')) {
                    i++;
                    if (i < n && (b[i] == '+' || b[i] == '-')) {
                        i++;
                    }
                    int d = i;
                    while (i < n && b[i] >= '0' && b[i] <= '9') {
                        i++;
                    }
                    if (i == d || i - d > 3) {
                        return null;
                    }
                    integer = false;
                }
                if (i - s > FLAT_NUMBER_MAX) {
                    return null;
                }
                if (slot >= 0) {
                    int digits = intEnd - s - (negative ? 1 : 0);
                    if (!integer || digits > 18) {
                        return null; // the tree's double or big integer: Jackson decides
                    }
                    long v = 0;
                    for (int k = intEnd - digits; k < intEnd; k++) {
                        v = v * 10 + (b[k] - '0');
                    }
                    if (negative) {
                        v = -v;
                    }
                    value = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? IntNode.valueOf((int) v)
                            : LongNode.valueOf(v);
                }
            } else if (RecordParsers.startsWithAscii(b, i, "true")) {
                value = BooleanNode.TRUE;
                i += 4;
            } else if (RecordParsers.startsWithAscii(b, i, "false")) {
                value = BooleanNode.FALSE;
                i += 5;
            } else if (RecordParsers.startsWithAscii(b, i, "null")) {
                value = NullNode.instance;
                i += 4;
            } else {
                return null; // a nested object or array, or no JSON value
            }
            if (slot >= 0) {
                o[slot] = value;
            }
            i = RecordParsers.skipJsonSpace(b, i);
            if (i >= n) {
                return null;
            }
            if (b[i] == '}') {
                return RecordParsers.skipJsonSpace(b, i + 1) == n ? o : null;
            }
            if (b[i] != ',') {
                return null; // also a literal or number run on into other characters ("truex", "01")
            }
            i = RecordParsers.skipJsonSpace(b, i + 1);
        }
    }


    /**
     * {@link #flat}'s reading of a string whose chars start at {@code s} and whose value is not wanted: {@link
     * #stringEnd}, or -1 also where the string is longer than {@link #FLAT_STRING_MAX}. The plain runs between
     * escapes are found eight bytes a step ({@link ByteScan#jsonStringStop}).
     */
    static int skipString(byte[] b, int s) {
        int n = b.length;
        int limit = Math.min(n, s + FLAT_STRING_MAX + 1); // a quote at or past it: too long
        int i = s;
        while (true) {
            i = ByteScan.jsonStringStop(b, i, limit);
            if (i >= limit) {
                return -1;
            }
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c != '\\' || i + 1 >= n || !simpleEscape(b[i + 1])) {
                return -1; // a control character, a byte over 127, a cut or other escape
            }
            i += 2;
        }
    }

    /** Whether {@code \\c} is one of the escapes {@link #flat} reads: <code>\" \\ \/ \b \f \n \r \t</code>. */
    private static boolean simpleEscape(byte c) {
        return switch (c) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> true;
            default -> false;
        };
    }

    /**
     * {@link #flat}'s reading of a wanted string whose chars start at {@code s}: its chars, its closing quote's
     * index put in {@code end[0]}; null where {@link #skipString} gives -1. {@link #stringEnd} and {@link #unescape}
     * (the reference form; LogLineParserBytesTest compares the two) in one pass over the bytes, the plain runs
     * found eight bytes a step ({@link ByteScan#jsonStringStop}): a string without an escape is made from the bytes
     * at once; else its chars go into an array allocated at the first escape, a plain run at a time (each found and
     * copied in the same pass, {@link ByteScan#copyJsonPlainRun}), sized by what
     * was read so far and doubled as needed (not by the rest of the record: a short escaped field of a long record
     * allocates little).
     */
    static String readString(byte[] b, int s, int[] end) {
        int n = b.length;
        int limit = Math.min(n, s + FLAT_STRING_MAX + 1); // a quote at or past it: too long
        int i = ByteScan.jsonStringStop(b, s, limit);
        if (i >= limit) {
            return null;
        }
        if (b[i] == '"') {
            end[0] = i;
            return new String(b, s, i - s, StandardCharsets.ISO_8859_1);
        }
        if (b[i] != '\\') {
            return null; // a control character or a byte over 127
        }
        int o = i - s;
        // sized by the string, not the record: grown by doubling, never past the record's bytes left; where those
        // are few (STRING_BUFFER_REST), all of them at once (no doubling of an escaped message of a short record)
        int rest = limit - s;
        byte[] out = new byte[rest <= STRING_BUFFER_REST ? rest
                : Math.min(rest, Math.max(2 * o + 16, STRING_BUFFER_MIN))];
        System.arraycopy(b, s, out, 0, o);
        while (true) { // at a backslash
            if (i + 1 >= n) {
                return null;
            }
            byte e = b[i + 1];
            // an escaped quote first (a JSON text in a JSON string has little else): one compare, not the switch's
            byte c = e == '"' ? e : escaped(e);
            if (c == 0) {
                return null;
            }
            if (o == out.length) {
                out = grown(out, o + 1, limit - s);
            }
            out[o++] = c;
            int from = i + 2;
            // the plain run up to the next stop, scanned and copied in one pass (out grown where it runs out)
            while ((i = ByteScan.copyJsonPlainRun(b, from, limit, out, o)) < 0) {
                int at = -1 - i;
                o += at - from;
                from = at;
                out = grown(out, o + 1, limit - s);
            }
            if (i >= limit) {
                return null;
            }
            o += i - from;
            if (b[i] == '"') {
                end[0] = i;
                return new String(out, 0, o, StandardCharsets.ISO_8859_1);
            }
            if (b[i] != '\\') {
                return null;
            }
        }
    }

    /** The char of the JSON escape whose letter is {@code e} (a backslash then {@code e}), or 0 where none is. */
    private static byte escaped(byte e) {
        return switch (e) {
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '"', '\\', '/' -> e;
            default -> 0;
        };
    }

    /** The first size of {@link #readString}'s buffer for an escaped string, bytes (at most the record's rest). */
    static final int STRING_BUFFER_MIN = 64;

    /**
     * Where a record's bytes left from an escaped string's start are at most this many, {@link #readString}'s buffer
     * takes them all at once: an escaped message that is most of a short record (a JSON text in a JSON string) is
     * not copied through 64, 128, 256, ... bytes; at most this many bytes go unused.
     */
    static final int STRING_BUFFER_REST = 2048;

    /** {@code out} copied into an array of at least {@code need} bytes: twice its size, at most {@code cap}. */
    private static byte[] grown(byte[] out, int need, int cap) {
        return java.util.Arrays.copyOf(out, Math.max(need, (int) Math.min(cap, 2L * out.length)));
    }

    /**
     * The index of the quote that closes the string whose chars start at {@code i}, or -1: a byte that is not
     * ASCII, a control character, an escape other than <code>\" \\ \/ \b \f \n \r \t</code>, or the end.
     */
    static int stringEnd(byte[] b, int i) {
        for (int n = b.length; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20) {
                return -1; // also every byte over 127
            }
            if (c == '\\') {
                if (++i >= n) {
                    return -1;
                }
                switch (b[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    default -> {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    /** The chars of the string {@code b[s, e)} (ASCII, escapes as {@link #stringEnd} checked them). */
    static String unescape(byte[] b, int s, int e) {
        int k = s;
        while (k < e && b[k] != '\\') {
            k++;
        }
        if (k == e) {
            return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
        }
        byte[] out = new byte[e - s];
        int o = k - s;
        System.arraycopy(b, s, out, 0, o);
        for (int i = k; i < e; i++) {
            byte c = b[i];
            if (c == '\\') {
                c = switch (b[++i]) {
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> b[i]; // '"', '\\', '/'
                };
            }
            out[o++] = c;
        }
        return new String(out, 0, o, StandardCharsets.ISO_8859_1);
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r'; // \s
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The program name of a {@link #PROGRAM} prefix, or null: written as a scan, each part of the pattern a
     * maximal run (no part can end earlier, as the next one starts with a character the run excludes).
     */
    static String program(String v) {
        int n = v.length();
        int i = 0;
        while (i < n && !space(v.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return null;
        }
        int j = i;
        while (j < n && space(v.charAt(j))) {
            j++;
        }
        if (j == i) {
            return null;
        }
        i = j;
        while (j < n && v.charAt(j) >= 'A' && v.charAt(j) <= 'Z') {
            j++;
        }
        if (j == i) {
            return null;
        }
        i = j;
        while (j < n && space(v.charAt(j))) {
            j++;
        }
        if (j == i) {
            return null;
        }
        int nameStart = j;
        while (j < n) {
            char c = v.charAt(j);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || digit(c) || c == '_' || c == '.' || c == '-')) {
                break;
            }
            j++;
        }
        int nameEnd = j;
        if (nameEnd == nameStart || j >= n || v.charAt(j) != '[') {
            return null;
        }
        j++;
        int d = j;
        while (j < n && digit(v.charAt(j))) {
            j++;
        }
        if (j == d || j + 1 >= n || v.charAt(j) != ']' || v.charAt(j + 1) != ':') {
            return null;
        }
        return v.substring(nameStart, nameEnd);
    }

    /** {@link #program(String)} of the ASCII chars {@code b[from, to)}: the same scan over bytes. */
    static String program(byte[] b, int from, int n) {
        int i = from;
        while (i < n && !space(b[i])) {
            i++;
        }
        if (i == from) {
            return null;
        }
        int j = i;
        while (j < n && space(b[j])) {
            j++;
        }
        if (j == i) {
            return null;
        }
        i = j;
        while (j < n && b[j] >= 'A' && b[j] <= 'Z') {
            j++;
        }
        if (j == i) {
            return null;
        }
        i = j;
        while (j < n && space(b[j])) {
            j++;
        }
        if (j == i) {
            return null;
        }
        int nameStart = j;
        while (j < n) {
            byte c = b[j];
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
                    || c == '-')) {
                break;
            }
            j++;
        }
        int nameEnd = j;
        if (nameEnd == nameStart || j >= n || b[j] != '[') {
            return null;
        }
        j++;
        int d = j;
        while (j < n && b[j] >= '0' && b[j] <= '9') {
            j++;
        }
        if (j == d || j + 1 >= n || b[j] != ']' || b[j + 1] != ':') {
            return null;
        }
        return new String(b, nameStart, nameEnd - nameStart, StandardCharsets.ISO_8859_1);
    }

    private static boolean space(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r'; // \s
    }

    /**
     * {@link #leadingStamp(String)} of the ASCII chars {@code b[from, to)}: the end of the stamp (it starts at
     * {@code from}), or -1.
     */
    static int leadingStampEnd(byte[] b, int from, int to) {
        if (to - from < 12) {
            return -1;
        }
        for (int i = 0; i < 10; i++) {
            byte c = b[from + i];
            if (i == 4 || i == 7 ? c != '-' : c < '0' || c > '9') {
                return -1;
            }
        }
        if (b[from + 10] != 'T' || space(b[from + 11])) {
            return -1;
        }
        int j = from + 12;
        while (j < to && !space(b[j])) {
            j++;
        }
        return j;
    }

    /** {@link #parseInstant(String, long)} of the ASCII chars {@code b[from, to)}. */
    static long parseInstant(byte[] b, int from, int to, long dflt) {
        int n = to - from;
        if (n < 20 || b[to - 1] != 'Z' || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != 'T'
                || b[from + 13] != ':' || b[from + 16] != ':') {
            return parseInstant(new String(b, from, n, StandardCharsets.ISO_8859_1), dflt);
        }
        int year = digits(b, from, 4);
        int month = digits(b, from + 5, 2);
        int day = digits(b, from + 8, 2);
        int hour = digits(b, from + 11, 2);
        int minute = digits(b, from + 14, 2);
        int second = digits(b, from + 17, 2);
        int nanos = 0;
        if (n != 20) {
            int f = n - 1 - 20; // fraction digits
            nanos = b[from + 19] != '.' || f < 1 || f > 9 ? -1 : digits(b, from + 20, f);
            for (int k = f; k < 9 && nanos >= 0; k++) {
                nanos *= 10;
            }
        }
        long ms = epochMillis(year, month, day, hour, minute, second, nanos);
        return ms != Long.MIN_VALUE ? ms : parseInstant(new String(b, from, n, StandardCharsets.ISO_8859_1), dflt);
    }

    /** The value of {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(byte[] b, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@link #program} with the regex {@link #PROGRAM} (the reference). */
    static String programReference(String v) {
        Matcher m = PROGRAM.matcher(v);
        return m.find() ? m.group(1) : null;
    }

    /** The {@link #LEADING_TS} match (a date, {@code T} and the non-space run after it), or null; a scan. */
    static String leadingStamp(String v) {
        int n = v.length();
        if (n < 12) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            char c = v.charAt(i);
            if (i == 4 || i == 7 ? c != '-' : !digit(c)) {
                return null;
            }
        }
        if (v.charAt(10) != 'T' || space(v.charAt(11))) {
            return null;
        }
        int j = 12;
        while (j < n && !space(v.charAt(j))) {
            j++;
        }
        return v.substring(0, j);
    }

    /** {@link #leadingStamp} with the regex {@link #LEADING_TS} (the reference). */
    static String leadingStampReference(String v) {
        Matcher m = LEADING_TS.matcher(v);
        return m.find() ? m.group(1) : null;
    }

    /** The first of {@code names} holding a string that is not blank ({@link JsonLogFields#find}), or null. */
    private static String text(JsonNode n, boolean surrogates, java.util.List<String> names) {
        JsonNode f = JsonLogFields.find(n, names);
        if (f == null) {
            return null;
        }
        return surrogates ? RecordParsers.wellFormed(f.asText()) : f.asText();
    }

    /**
     * {@code Instant.parse(s).toEpochMilli()}, or {@code dflt} where it does not parse or is beyond epoch
     * milliseconds (a year such as +999999999, which {@link Instant} holds and a long of milliseconds does not). The common form
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (hour to 23, second to 59, a valid date) is computed directly, the
     * same value; anything else goes through {@link Instant#parse}.
     */
    static long parseInstant(String s, long dflt) {
        long fast = fastInstant(s);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) { // no time, or one beyond epoch milliseconds
            return dflt;
        }
    }

    /** Epoch milliseconds of the common form, or Long.MIN_VALUE when {@code s} is not in it. */
    private static long fastInstant(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        int nanos = 0;
        if (n != 20) {
            int f = n - 1 - 20; // fraction digits
            nanos = s.charAt(19) != '.' || f < 1 || f > 9 ? -1 : digits(s, 20, f);
            for (int k = f; k < 9 && nanos >= 0; k++) {
                nanos *= 10;
            }
        }
        return epochMillis(year, month, day, hour, minute, second, nanos);
    }

    /**
     * Epoch milliseconds of the date and time (UTC), or Long.MIN_VALUE where a field is negative (not read) or
     * out of range (hour to 23, second to 59, a valid date).
     */
    private static long epochMillis(int year, int month, int day, int hour, int minute, int second, int nanos) {
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || nanos < 0 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return Long.MIN_VALUE;
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        long seconds = days * 86_400L + hour * 3_600L + minute * 60L + second;
        return Math.addExact(Math.multiplyExact(seconds, 1000L), nanos / 1_000_000L);
    }

    /** The value of {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** {@link #parseInstant} through {@link Instant#parse} only (the reference). */
    static long parseInstantReference(String s, long dflt) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeException | ArithmeticException e) { // no time, or one beyond epoch milliseconds
            return dflt;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The tree reader, initialized on the first value that needs it (one that is not a flat JSON object). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }
}
