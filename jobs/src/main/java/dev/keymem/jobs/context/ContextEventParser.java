package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.jobs.kafka.ByteScan;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Parses a user event: a JSON object with {@code user} (else the record key), {@code text}, optional
 * {@code type}, {@code query} (boolean; {@code type: "query"} also marks a query), {@code expect} and
 * {@code ts}. Rejects (reason to the dead-letter topic): invalid JSON, a non-object, an object with more than
 * white space after it (two objects glued on one line: {@link RecordParsers#MORE_AFTER_JSON}; other
 * text, a NUL byte say: {@link RecordParsers#moreAfterJson(int)}), no user, no text.
 *
 * <p>A record's bytes ({@link #parse(String, KafkaRecord, int)}) are read by hand where they hold the plainest
 * object ({@link #spans}) or any other object that the tree reading reads without an error
 * ({@link EventFieldReader}); a string value, and the bytes the hand readings decline, are read with Jackson's
 * streaming parser where they are an object of scalar fields; anything else (nested values, a {@code query} that
 * is not a boolean, any parse error) is read again as a tree ({@link #parseTree}, the reference form), so results
 * and rejection reasons are the tree reading's in every case (tests compare each reading with the tree's).
 */
public final class ContextEventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The spans {@link #parse(String, KafkaRecord, int)} reads into (one parser, one thread). */
    private transient int[] spans;
    /** The reader of the other objects {@link #parse(String, KafkaRecord, int)} reads from the bytes. */
    private transient EventFieldReader reader;

    /** The fields the event is built from: JSON strings as read (null: absent or not a string). */
    static final class Fields {
        String user;
        String text;
        String type;
        String expect;
        String ts;
        boolean query;

        @Override
        public String toString() {
            return user + "|" + text + "|" + type + "|" + expect + "|" + ts + "|" + query;
        }
    }

    public ContextEvent parse(String key, String value, long offset) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("value is blank");
        }
        Fields f = streamed(value, null);
        return f != null ? event(f, key, offset) : parseTree(key, value, offset);
    }

    /**
     * Parses one record's value bytes: the same event, or the same refusal, as {@link #parse(String, String, long)}
     * of {@code RecordParsers.decode(record, maxBytes)}, only cheaper where the bytes are ASCII (most events): the
     * decoder's strict UTF-8 check is then a scan for bytes over 127 (an ASCII value is its own decoding and
     * holds no byte order mark), and the streaming reading reads the bytes, not a decoded string. Other objects
     * that Jackson's tree reads without an error (nested values, numbers, escapes, UTF-8 beyond ASCII) are read
     * from the bytes by {@link EventFieldReader} (flagged ASCII where the record and its fields are). The rest
     * take the reference way. The record's offset is the event's; topic and partition are left to the caller.
     */
    public ContextEvent parse(String key, KafkaRecord record, int maxBytes) throws InvalidRecordException {
        byte[] b = record.value;
        if (b == null || b.length > maxBytes) {
            return parse(key, RecordParsers.decode(record, maxBytes), record.offset);
        }
        int[] at = spans == null ? spans = new int[SPANS] : spans;
        if (spans(b, at)) { // ASCII, and an object read: not blank
            return event(fields(b, at), key, record.offset, true);
        }
        EventFieldReader r = reader == null ? reader = new EventFieldReader() : reader;
        if (r.read(b)) { // nested values, numbers, escapes, UTF-8: an object read
            return event(fields(r), key, record.offset, r.ascii);
        }
        if (!ascii(b)) {
            return parse(key, RecordParsers.decode(record, maxBytes), record.offset);
        }
        Fields f;
        if (blank(b)) {
            throw new InvalidRecordException("value is blank");
        }
        f = streamed(null, b);
        return f != null ? event(f, key, record.offset)
                : parseTree(key, new String(b, StandardCharsets.ISO_8859_1), record.offset);
    }

    /** Longest name, and string, {@link #flat} reads (Jackson's read constraints are far above). */
    static final int FLAT_NAME_MAX = 1_000;
    static final int FLAT_STRING_MAX = 1 << 20;

    /** Indexes into the spans {@link #spans} finds: field {@code F} from {@code at[2F]} to {@code at[2F + 1]}. */
    static final int USER = 0;
    static final int TEXT = 1;
    static final int TYPE = 2;
    static final int EXPECT = 3;
    static final int TS = 4;
    /** {@code at[QUERY]}: 1 where the last {@code query} value was {@code true}, else 0. */
    static final int QUERY = 10;
    /** The length of the array {@link #spans} fills. */
    static final int SPANS = 11;

    /**
     * The fields of the ASCII bytes {@code b} (no NUL) where they hold strict JSON of the plainest kind, read by
     * hand; null (the caller then takes {@link #streamed}) for anything else. Read: whitespace (space, tab, line
     * feed, carriage return), an object of names and values, each value a string without escapes or control
     * characters, or {@code true}, {@code false}, {@code null}, or a number (strict JSON, at most
     * {@link EventFieldReader#MAX_NUMBER} chars: a timestamp in seconds, say; no string, and not taken as a
     * {@code query}), followed by whitespace, a comma or the closing
     * brace, and after the closing brace only whitespace (anything else: the tree reading refuses it,
     * {@link RecordParsers#MORE_AFTER_JSON}, or, other white space, reads the object). So every
     * string is ASCII, its chars the bytes between the quotes, and the fields are what {@link #streamed} gives
     * (tests compare the two). The strings of {@link #spans}.
     */
    static Fields flat(byte[] b) {
        int[] at = new int[SPANS];
        return spans(b, at) ? fields(b, at) : null;
    }

    /** The fields of {@code b} whose spans {@link #spans} found in {@code at}. */
    private static Fields fields(byte[] b, int[] at) {
        Fields f = new Fields();
        f.user = string(b, at, USER);
        f.text = string(b, at, TEXT);
        f.type = string(b, at, TYPE);
        f.expect = string(b, at, EXPECT);
        f.ts = string(b, at, TS);
        f.query = at[QUERY] == 1;
        return f;
    }

    /** The fields {@code r} read. */
    static Fields fields(EventFieldReader r) {
        Fields f = new Fields();
        f.user = r.string(USER);
        f.text = r.string(TEXT);
        f.type = r.string(TYPE);
        f.expect = r.string(EXPECT);
        f.ts = r.string(TS);
        f.query = r.at[QUERY] == 1;
        return f;
    }

    /** The ASCII string of field {@code field} of {@link #spans}, or null (absent, or not a string). */
    static String string(byte[] b, int[] at, int field) {
        int s = at[2 * field];
        return s < 0 ? null : new String(b, s, at[2 * field + 1] - s, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@link #flat}'s reading of {@code b} without making strings: where it gives fields, true, with each field's
     * string as the bytes {@code b[at[2F], at[2F + 1])} ({@code at[2F] = -1}: absent or not a string) and the
     * query flag in {@code at[QUERY]}; else false. It also checks what {@link #flat} takes as given, that
     * {@code b} is ASCII without NUL, in the same pass (every byte is read, those after the closing brace as
     * whitespace): true means {@code ascii(b) && flat(b) != null}.
     */
    static boolean spans(byte[] b, int[] at) {
        return read(b, at, false) == READ;
    }

    /** {@link #spansAscii}'s answers: the spans read; not read; not read at a byte above ASCII in a string. */
    static final int READ = 1, NOT_READ = 0, NOT_ASCII = 2;

    /**
     * {@link #spans} ({@link #READ} where it is true), telling apart the one way its reading fails where
     * {@link #spansUtf8}'s could go on: a string holding a byte above ASCII ({@link #NOT_ASCII}). On
     * {@link #NOT_READ} (the reading stopped at anything else: an escape, a control char, a bad number, a nested
     * value, a name too long, ...) {@link #spansUtf8} is false too: both readings take the same steps over the
     * same bytes up to that point (they differ only in what ends a string: {@code stringEnd} and
     * {@code stringEndUtf8} read every byte below 128 alike) and stop there alike. Tests compare.
     */
    static int spansAscii(byte[] b, int[] at) {
        return read(b, at, false);
    }

    /**
     * {@link #spans} of a value that may hold UTF-8 beyond ASCII: true where {@code b} is well-formed UTF-8 (what
     * {@code RecordParsers.decode} decodes without refusing) and, read as {@link #spans} reads ASCII, holds the
     * plainest JSON object, its strings now any UTF-8 without escapes or control characters; each field's string
     * is then the UTF-8 decoding of its bytes {@code b[at[2F], at[2F + 1])}, which is what the streaming reading
     * of the decoded value gives (the spans end at quotes, so each decodes alone; well-formed UTF-8 decodes to
     * no unpaired surrogate, so {@code wellFormed} changes nothing). A value starting with a byte order mark is
     * not read (the decoder drops the mark; the reference way takes it). After the closing brace only whitespace, as
     * {@link #spans}. Tests compare it with the streaming reading of the decoded
     * value on random UTF-8 and broken bytes.
     */
    static boolean spansUtf8(byte[] b, int[] at) {
        return read(b, at, true) == READ && wellFormedUtf8(b, 0, b.length);
    }

    /**
     * Whether {@code b[from, to)} is well-formed UTF-8 (the Unicode standard's table 3-7: no overlong form, no
     * surrogate, nothing above U+10FFFF, no cut sequence), which is what Java's UTF-8 decoder accepts when told to
     * report malformed input (tests compare the two on random bytes).
     */
    static boolean wellFormedUtf8(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            if (c < 0xC2) {
                return false;
            }
            if (c < 0xE0) {
                if (i + 1 >= to || (b[i + 1] & 0xC0) != 0x80) {
                    return false;
                }
                i += 2;
            } else if (c < 0xF0) {
                if (i + 2 >= to) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xE0 ? c1 < 0xA0 || c1 > 0xBF : c == 0xED ? c1 < 0x80 || c1 > 0x9F : (c1 & 0xC0) != 0x80) {
                    return false;
                }
                if ((b[i + 2] & 0xC0) != 0x80) {
                    return false;
                }
                i += 3;
            } else if (c < 0xF5) {
                if (i + 3 >= to) {
                    return false;
                }
                int c1 = b[i + 1] & 0xFF;
                if (c == 0xF0 ? c1 < 0x90 || c1 > 0xBF : c == 0xF4 ? c1 < 0x80 || c1 > 0x8F : (c1 & 0xC0) != 0x80) {
                    return false;
                }
                if ((b[i + 2] & 0xC0) != 0x80 || (b[i + 3] & 0xC0) != 0x80) {
                    return false;
                }
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * The UTF-16 length of the string whose well-formed UTF-8 is {@code b[from, to)}: one char per byte that
     * starts a character, and one more for each four-byte form (a surrogate pair).
     */
    static int utf16Length(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            if ((c & 0xC0) != 0x80) {
                n += (c & 0xF8) == 0xF0 ? 2 : 1;
            }
        }
        return n;
    }

    /**
     * The UTF-8 decoding of {@code b[at[2F], at[2F + 1])} (field {@code field} of {@link #spansUtf8}), or null
     * (absent, or not a string).
     */
    static String utf8String(byte[] b, int[] at, int field) {
        int s = at[2 * field];
        return s < 0 ? null : new String(b, s, at[2 * field + 1] - s, StandardCharsets.UTF_8);
    }

    /**
     * {@link #spansAscii} ({@code utf8} false) or {@link #spansUtf8}'s reading (true), before its UTF-8 check:
     * {@link #READ}, {@link #NOT_READ}, or (ASCII reading only) {@link #NOT_ASCII}.
     */
    private static int read(byte[] b, int[] at, boolean utf8) {
        for (int k = 0; k < QUERY; k++) {
            at[k] = -1;
        }
        at[QUERY] = 0;
        int n = b.length;
        int i = RecordParsers.skipJsonSpace(b, 0);
        if (i >= n || b[i] != '{') {
            return NOT_READ;
        }
        i = RecordParsers.skipJsonSpace(b, i + 1);
        if (i < n && b[i] == '}') {
            return RecordParsers.skipJsonSpace(b, i + 1) == n ? READ : NOT_READ; // more after it: the reference decides
        }
        while (true) {
            if (i >= n || b[i] != '"') {
                return NOT_READ;
            }
            int ns = i + 1;
            // a byte over 127 or a NUL is below 0x20 here, and ends the reading (over 127: not where utf8)
            int ne = utf8 ? stringEndUtf8(b, ns) : stringEnd(b, ns);
            if (ne < 0 || ne - ns > FLAT_NAME_MAX) {
                return ne == ABOVE_ASCII ? NOT_ASCII : NOT_READ;
            }
            i = RecordParsers.skipJsonSpace(b, ne + 1);
            if (i >= n || b[i] != ':') {
                return NOT_READ;
            }
            i = RecordParsers.skipJsonSpace(b, i + 1);
            if (i >= n) {
                return NOT_READ;
            }
            int vs = -1;
            int ve = -1;
            int literal = 0; // 1 true, 2 false, 3 null, NUMBER
            byte c = b[i];
            if (c == '"') {
                vs = i + 1;
                ve = utf8 ? stringEndUtf8(b, vs) : stringEnd(b, vs);
                if (ve < 0 || ve - vs > FLAT_STRING_MAX) {
                    return ve == ABOVE_ASCII ? NOT_ASCII : NOT_READ;
                }
                i = ve + 1;
            } else {
                if (RecordParsers.startsWithAscii(b, i, "true")) {
                    literal = 1;
                } else if (RecordParsers.startsWithAscii(b, i, "false")) {
                    literal = 2;
                } else if (RecordParsers.startsWithAscii(b, i, "null")) {
                    literal = 3;
                } else {
                    // a number (EventFieldReader's: strict JSON, at most MAX_NUMBER chars), no string; else
                    // nested values, anything else: not read
                    int e = EventFieldReader.number(b, i);
                    if (e < 0) {
                        return NOT_READ;
                    }
                    literal = NUMBER;
                    i = e;
                }
                if (literal != NUMBER) {
                    i += literal == 2 ? 5 : 4;
                }
                if (i < n && b[i] != ',' && b[i] != '}' && !space(b[i])) {
                    return NOT_READ;
                }
            }
            int field = name(b, ns, ne) - 1; // USER .. TS, or QUERY's name
            if (field == 5) {
                if (literal == 0 || literal == NUMBER) {
                    return NOT_READ; // asBoolean of a string or a number: the tree decides
                }
                at[QUERY] = literal == 1 ? 1 : 0;
            } else if (field >= 0) {
                at[2 * field] = vs;
                at[2 * field + 1] = ve;
            }
            i = RecordParsers.skipJsonSpace(b, i);
            if (i >= n) {
                return NOT_READ;
            }
            if (b[i] == '}') {
                return RecordParsers.skipJsonSpace(b, i + 1) == n ? READ : NOT_READ; // more after it: the reference decides
            }
            if (b[i] != ',') {
                return NOT_READ;
            }
            i = RecordParsers.skipJsonSpace(b, i + 1);
        }
    }

    /** {@link #read}'s kind of a value that is a number (1-3: true, false, null; 0: a string). */
    private static final int NUMBER = 4;

    /** Which field the name {@code b[s, e)} is: 1 user, 2 text, 3 type, 4 expect, 5 ts, 6 query, 0 another. */
    private static int name(byte[] b, int s, int e) {
        switch (e - s) {
            case 2:
                return b[s] == 't' && b[s + 1] == 's' ? 5 : 0;
            case 4:
                if (b[s] == 'u' && b[s + 1] == 's' && b[s + 2] == 'e' && b[s + 3] == 'r') {
                    return 1;
                }
                if (b[s] == 't' && b[s + 1] == 'e' && b[s + 2] == 'x' && b[s + 3] == 't') {
                    return 2;
                }
                if (b[s] == 't' && b[s + 1] == 'y' && b[s + 2] == 'p' && b[s + 3] == 'e') {
                    return 3;
                }
                return 0;
            case 5:
                return b[s] == 'q' && b[s + 1] == 'u' && b[s + 2] == 'e' && b[s + 3] == 'r' && b[s + 4] == 'y' ? 6 : 0;
            case 6:
                return b[s] == 'e' && b[s + 1] == 'x' && b[s + 2] == 'p' && b[s + 3] == 'e' && b[s + 4] == 'c'
                        && b[s + 5] == 't' ? 4 : 0;
            default:
                return 0;
        }
    }

    /**
     * The index of the quote closing the string that starts at {@code i}, or -1 (an escape, a control char, the
     * end), or {@link #ABOVE_ASCII} (a byte over 127).
     */
    static int stringEnd(byte[] b, int i) {
        // the first quote, backslash, control char or byte over 127 decides: found eight bytes a step
        int j = ByteScan.jsonStringStop(b, i, b.length);
        if (j == b.length) {
            return -1;
        }
        byte c = b[j];
        return c == '"' ? j : c < 0 ? ABOVE_ASCII : -1;
    }

    /** {@link #stringEnd} a byte a step (the reference form, for tests). */
    static int stringEndReference(byte[] b, int i) {
        for (int n = b.length; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                return c < 0 ? ABOVE_ASCII : -1;
            }
        }
        return -1;
    }

    /** {@link #stringEnd}'s answer at a byte over 127. */
    private static final int ABOVE_ASCII = -2;

    /** {@link #stringEnd} where bytes over 127 (UTF-8 beyond ASCII) are string chars. */
    static int stringEndUtf8(byte[] b, int i) {
        // the first quote, backslash or control char (0 to 0x1F) decides: found eight bytes a step
        int j = ByteScan.jsonCharStop(b, i, b.length);
        return j < b.length && b[j] == '"' ? j : -1;
    }

    /** {@link #stringEndUtf8} a byte a step (the reference form, for tests). */
    static int stringEndUtf8Reference(byte[] b, int i) {
        for (int n = b.length; i < n; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if ((c < 0x20 && c >= 0) || c == '\\') {
                return -1;
            }
        }
        return -1;
    }

    /** JSON's whitespace. */
    private static boolean space(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** Whether {@code b} is ASCII without NUL (a NUL could make Jackson's byte reader take it for UTF-16/32). */
    private static boolean ascii(byte[] b) {
        for (byte x : b) {
            if (x <= 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code String.isBlank} of ASCII bytes. */
    private static boolean blank(byte[] b) {
        for (byte x : b) {
            if (!Character.isWhitespace(x)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The fields of a flat object read as a stream (what the tree reading gives: the last of repeated names
     * wins, a non-string value is no string), or null where the tree reading must decide; from {@code value},
     * or where it is null from the ASCII bytes {@code bytes}.
     */
    static Fields streamed(String value, byte[] bytes) {
        try (JsonParser p = value != null ? JacksonMapper.MAPPER.getFactory().createParser(value)
                : JacksonMapper.MAPPER.getFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Fields f = new Fields();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                String s;
                switch (v) {
                    case VALUE_STRING -> s = p.getText();
                    case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> s = null;
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        p.getNumberValue(); // converted as the tree reading converts it (errors: the tree decides)
                        s = null;
                    }
                    default -> {
                        return null; // nested values, or anything unexpected
                    }
                }
                switch (name) {
                    case "user" -> f.user = s;
                    case "text" -> f.text = s;
                    case "type" -> f.type = s;
                    case "expect" -> f.expect = s;
                    case "ts" -> f.ts = s;
                    case "query" -> {
                        if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL) {
                            f.query = v == JsonToken.VALUE_TRUE;
                        } else {
                            return null; // asBoolean of a string or number: the tree decides
                        }
                    }
                    default -> { }
                }
            }
            // more after the object (or an error there): the tree reading decides
            return t == JsonToken.END_OBJECT && p.nextToken() == null ? f : null;
        } catch (Exception e) {
            return null; // the tree reading gives the reason
        }
    }

    private static ContextEvent event(Fields f, String key, long offset) throws InvalidRecordException {
        return event(f, key, offset, false);
    }

    /**
     * The event of the fields; {@code ascii}: every field is ASCII (read by {@link #flat}), so well-formed as it
     * is.
     */
    private static ContextEvent event(Fields f, String key, long offset, boolean ascii) throws InvalidRecordException {
        if (ascii) {
            ContextEvent e = new ContextEvent();
            e.user = f.user;
            if (e.user == null || e.user.isBlank()) {
                e.user = key;
            }
            if (e.user == null || e.user.isBlank()) {
                throw new InvalidRecordException("user event has no user");
            }
            e.text = f.text;
            if (e.text == null || e.text.isBlank()) {
                throw new InvalidRecordException("user event has no text");
            }
            e.type = f.type;
            e.query = f.query || "query".equals(e.type);
            e.expect = f.expect;
            e.ts = f.ts;
            e.offset = offset;
            e.ascii = true;
            return e;
        }
        ContextEvent e = new ContextEvent();
        e.user = RecordParsers.wellFormed(f.user);
        if (e.user == null || e.user.isBlank()) {
            e.user = key;
        }
        if (e.user == null || e.user.isBlank()) {
            throw new InvalidRecordException("user event has no user");
        }
        e.text = RecordParsers.wellFormed(f.text);
        if (e.text == null || e.text.isBlank()) {
            throw new InvalidRecordException("user event has no text");
        }
        e.type = RecordParsers.wellFormed(f.type);
        e.query = f.query || "query".equals(e.type);
        e.expect = RecordParsers.wellFormed(f.expect);
        e.ts = RecordParsers.wellFormed(f.ts);
        e.offset = offset;
        return e;
    }

    /** {@link #parse} through a JSON tree (the reference form). */
    ContextEvent parseTree(String key, String value, long offset) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("value is blank");
        }
        JsonNode n;
        String more;
        try (JsonParser p = JacksonMapper.MAPPER.createParser(value)) {
            n = JacksonMapper.MAPPER.readTree(p);
            more = RecordParsers.moreAfterJson(value, p);
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            throw new InvalidRecordException("value is not valid JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("value is not a JSON object");
        }
        if (more != null) {
            throw new InvalidRecordException(more);
        }
        ContextEvent e = new ContextEvent();
        e.user = text(n, "user");
        if (e.user == null || e.user.isBlank()) {
            e.user = key;
        }
        if (e.user == null || e.user.isBlank()) {
            throw new InvalidRecordException("user event has no user");
        }
        e.text = text(n, "text");
        if (e.text == null || e.text.isBlank()) {
            throw new InvalidRecordException("user event has no text");
        }
        e.type = text(n, "type");
        JsonNode q = n.get("query");
        e.query = (q != null && q.asBoolean(false)) || "query".equals(e.type);
        e.expect = text(n, "expect");
        e.ts = text(n, "ts");
        e.offset = offset;
        return e;
    }

    private static String text(JsonNode n, String name) {
        JsonNode f = n.get(name);
        // an escaped unpaired surrogate ("\\ud800") is not text: replaced, as UTF-8 decoding replaces a bad byte
        return f != null && f.isTextual() ? RecordParsers.wellFormed(f.asText()) : null;
    }
}
