package dev.keymem.jobs.context;

import dev.keymem.jobs.kafka.ByteScan;
import java.util.Arrays;

/**
 * Reads the fields of a user event straight from a record's bytes, for the JSON objects that
 * {@link ContextEventParser#spans} declines but that are common: nested values and numbers beside the fields
 * (payloads with a {@code meta} object), escapes in the strings (markdown, code and long texts with {@code \n},
 * {@code \"}), UTF-8 beyond ASCII anywhere. Written by hand because no library reads JSON into the job's own
 * byte buffer without making a string per value; Jackson stays the reference (the tree reading of the strictly
 * decoded value, {@link ContextEventParser#parseTree}), and tests compare the two on the survey's shapes and on
 * awkward JSON.
 *
 * <p>Contract of {@link #read}: where it returns true, the record is well-formed UTF-8 (what
 * {@code RecordParsers.decode} decodes without refusing) without a byte order mark, and it is an object that the
 * tree reading reads without an error; for each of user, text, type, expect and ts, the last member of that name
 * is a string exactly where {@link #at} holds a span for it, and the span {@code buf[at[2F], at[2F + 1])} is the
 * UTF-8 encoding of that string as the tree reading gives it (escapes decoded); {@code at[QUERY]} is 1 where the
 * last {@code query} member is {@code true}. It returns false (the caller then takes the reference way, which also
 * gives every refusal its reason) for: malformed UTF-8, a byte order mark, anything not strict JSON (Jackson's
 * defaults: no comments, no single quotes, no leading zeros, no trailing commas, no control chars in strings)
 * before the object's closing brace, more than JSON whitespace after it, a {@code query} that is not {@code true}, {@code false} or {@code null}
 * (the tree's {@code asBoolean} decides), a top-level name with an escape, an escape of an unpaired surrogate in a
 * field (the parser replaces it), and, to stay well within Jackson's read constraints, nesting deeper than
 * {@link #MAX_DEPTH}, a number over {@link #MAX_NUMBER} chars, a name over
 * {@link ContextEventParser#FLAT_NAME_MAX} or a string over {@link ContextEventParser#FLAT_STRING_MAX} bytes.
 * After the closing brace only JSON whitespace (anything else: the reference refuses the record,
 * {@code RecordParsers.MORE_AFTER_JSON}, or, other white space, reads it). Not reproduced:
 * Jackson's guard against hash flooding of names (an error after very many colliding names, which depends on
 * earlier records).
 *
 * <p>{@link #ascii}: the record is ASCII without NUL and every field's string is ASCII (so
 * {@link ContextEventParser#spans} and this reading agree on the flag wherever both read a record). One reader,
 * one thread; the spans are valid until the next {@link #read}.
 */
final class EventFieldReader {
    /** Deepest nesting read (the event object is depth 1); Jackson's limit is 1,000. */
    static final int MAX_DEPTH = 200;
    /** Longest number read, in chars (Jackson's limit is 1,000). */
    static final int MAX_NUMBER = 100;

    /** The fields' strings, UTF-8, escapes decoded. */
    byte[] buf = new byte[256];
    /** Spans into {@link #buf} and the query flag, indexed as {@link ContextEventParser#spans}' spans. */
    final int[] at = new int[ContextEventParser.SPANS];
    /** Whether the record is ASCII without NUL and every field's string ASCII. */
    boolean ascii;
    private int n;
    /** Whether the reading met a byte above ASCII (in a string: anywhere else the reading fails). */
    private boolean above;
    /** Whether the string {@link #cook} decoded last holds an escape of a char above ASCII. */
    private boolean cookedAbove;
    /** Bit F set: field F's string (its last member's) holds a char above ASCII from an escape. */
    private int escapedAbove;
    /** Per open container below the event object: whether it is an array. */
    private final boolean[] array = new boolean[MAX_DEPTH];

    /**
     * Reads {@code b} (see the class doc); false: the reference way decides. One pass: a byte above ASCII can
     * only be read inside a string (anywhere else no rule of the reading takes it, so it fails there), and each
     * string's reading checks the UTF-8 form of such bytes where it meets them ({@link #utf8End}, the standard's
     * table 3-7), so a record read is well-formed UTF-8, and ASCII without NUL where none was met (a NUL is read
     * nowhere); the flag {@link #ascii} is then {@link #kind} and {@link #fieldsAscii} of the record and its fields
     * (the two passes this reading did before, the reference form: tests compare).
     */
    boolean read(byte[] b) {
        if (b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF) {
            return false;
        }
        above = false;
        escapedAbove = 0;
        int[] at = this.at;
        for (int k = 0; k < ContextEventParser.QUERY; k++) {
            at[k] = -1;
        }
        at[ContextEventParser.QUERY] = 0;
        n = 0;
        int len = b.length;
        int i = space(b, 0);
        if (i >= len || b[i] != '{') {
            return false;
        }
        i = space(b, i + 1);
        if (i < len && b[i] == '}') {
            ascii = true;
            return space(b, i + 1) == len; // more after the object: the reference decides
        }
        while (true) {
            if (i >= len || b[i] != '"') {
                return false;
            }
            int ns = i + 1;
            int ne = plainEnd(b, ns, this);
            if (ne < 0 || ne - ns > ContextEventParser.FLAT_NAME_MAX) {
                return false;
            }
            int field = name(b, ns, ne);
            i = space(b, ne + 1);
            if (i >= len || b[i] != ':') {
                return false;
            }
            i = space(b, i + 1);
            if (i >= len) {
                return false;
            }
            byte c = b[i];
            if (c == '"') {
                if (field == QUERY_NAME) {
                    return false; // asBoolean of a string: the tree decides
                }
                if (field >= 0) {
                    int s = n;
                    i = cook(b, i + 1);
                    if (i < 0) {
                        return false;
                    }
                    at[2 * field] = s;
                    at[2 * field + 1] = n;
                    escapedAbove = cookedAbove ? escapedAbove | 1 << field : escapedAbove & ~(1 << field);
                } else {
                    i = skipString(b, i + 1, ContextEventParser.FLAT_STRING_MAX, this);
                    if (i < 0) {
                        return false;
                    }
                }
            } else {
                int lit = literal(b, i);
                if (field == QUERY_NAME) {
                    if (lit == 0) {
                        return false; // asBoolean of a number: the tree decides
                    }
                    at[ContextEventParser.QUERY] = lit == 1 ? 1 : 0;
                } else if (field >= 0) {
                    at[2 * field] = -1; // not a string (the last member of a name wins)
                    at[2 * field + 1] = -1;
                    escapedAbove &= ~(1 << field);
                }
                i = lit != 0 ? i + (lit == 2 ? 5 : 4) : skipValue(b, i);
                if (i < 0) {
                    return false;
                }
            }
            i = space(b, i);
            if (i >= len) {
                return false;
            }
            if (b[i] == '}') {
                // no byte above ASCII met: the record is ASCII without NUL; its fields' strings then hold a char
                // above ASCII only from an escape
                ascii = !above && escapedAbove == 0;
                return space(b, i + 1) == len; // more after the object: the reference decides
            }
            if (b[i] != ',') {
                return false;
            }
            i = space(b, i + 1);
        }
    }

    /** The string of field {@code field} (USER .. TS), or null (absent, or not a string). */
    String string(int field) {
        int s = at[2 * field];
        return s < 0 ? null : new String(buf, s, at[2 * field + 1] - s,
                ascii ? java.nio.charset.StandardCharsets.ISO_8859_1 : java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether every field's string is ASCII (a reference form of the flag's second half, for tests). */
    boolean fieldsAscii() {
        for (int f = ContextEventParser.USER; f <= ContextEventParser.TS; f++) {
            for (int k = at[2 * f], e = at[2 * f + 1]; k < e; k++) {
                if (buf[k] < 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@code name}'s result for {@code query}. */
    private static final int QUERY_NAME = 5;

    /** Which field the name {@code b[s, e)} is: USER .. TS, {@link #QUERY_NAME}, or -1 another. */
    private static int name(byte[] b, int s, int e) {
        switch (e - s) {
            case 2:
                return b[s] == 't' && b[s + 1] == 's' ? ContextEventParser.TS : -1;
            case 4:
                if (b[s] == 'u' && b[s + 1] == 's' && b[s + 2] == 'e' && b[s + 3] == 'r') {
                    return ContextEventParser.USER;
                }
                if (b[s] == 't' && b[s + 1] == 'e' && b[s + 2] == 'x' && b[s + 3] == 't') {
                    return ContextEventParser.TEXT;
                }
                if (b[s] == 't' && b[s + 1] == 'y' && b[s + 2] == 'p' && b[s + 3] == 'e') {
                    return ContextEventParser.TYPE;
                }
                return -1;
            case 5:
                return b[s] == 'q' && b[s + 1] == 'u' && b[s + 2] == 'e' && b[s + 3] == 'r' && b[s + 4] == 'y'
                        ? QUERY_NAME : -1;
            case 6:
                return b[s] == 'e' && b[s + 1] == 'x' && b[s + 2] == 'p' && b[s + 3] == 'e' && b[s + 4] == 'c'
                        && b[s + 5] == 't' ? ContextEventParser.EXPECT : -1;
            default:
                return -1;
        }
    }

    /**
     * 0 where {@code b} is ASCII without NUL, 1 where it is other well-formed UTF-8, -1 where it is not UTF-8
     * (one pass; {@link ContextEventParser#wellFormedUtf8} past the first byte over 127). The reference of what
     * {@link #read} checks as it reads (tests compare).
     */
    static int kind(byte[] b) {
        int kind = 0;
        for (int i = 0, len = b.length; i < len; i++) {
            byte c = b[i];
            if (c > 0) {
                continue;
            }
            if (c == 0) {
                kind = 1;
                continue;
            }
            return ContextEventParser.wellFormedUtf8(b, i, len) ? 1 : -1;
        }
        return kind;
    }

    /** The index of the first byte at or after {@code i} that is not JSON whitespace. */
    private static int space(byte[] b, int i) {
        for (int len = b.length; i < len; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
        }
        return i;
    }

    /**
     * The closing quote of the string starting at {@code i} where it has no escape or control char and its bytes
     * above ASCII are well-formed UTF-8 (then {@code r.above} set); else -1.
     */
    private static int plainEnd(byte[] b, int i, EventFieldReader r) {
        for (int len = b.length; i < len; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c < 0x20 || c == '\\') {
                if (c >= 0 || (i = utf8End(b, i)) < 0) {
                    return -1;
                }
                r.above = true;
                i--; // the loop's step
            }
        }
        return -1;
    }

    /**
     * The index after the UTF-8 sequence whose first byte, above ASCII, is at {@code i}, where it is well-formed
     * (the Unicode standard's table 3-7, as {@link ContextEventParser#wellFormedUtf8} checks it); else -1.
     */
    static int utf8End(byte[] b, int i) {
        int len = b.length;
        int c = b[i] & 0xFF;
        if (c < 0xC2) {
            return -1;
        }
        if (c < 0xE0) {
            return i + 1 < len && (b[i + 1] & 0xC0) == 0x80 ? i + 2 : -1;
        }
        if (c < 0xF0) {
            if (i + 2 >= len) {
                return -1;
            }
            int c1 = b[i + 1] & 0xFF;
            if (c == 0xE0 ? c1 < 0xA0 || c1 > 0xBF : c == 0xED ? c1 < 0x80 || c1 > 0x9F : (c1 & 0xC0) != 0x80) {
                return -1;
            }
            return (b[i + 2] & 0xC0) == 0x80 ? i + 3 : -1;
        }
        if (c < 0xF5) {
            if (i + 3 >= len) {
                return -1;
            }
            int c1 = b[i + 1] & 0xFF;
            if (c == 0xF0 ? c1 < 0x90 || c1 > 0xBF : c == 0xF4 ? c1 < 0x80 || c1 > 0x8F : (c1 & 0xC0) != 0x80) {
                return -1;
            }
            return (b[i + 2] & 0xC0) == 0x80 && (b[i + 3] & 0xC0) == 0x80 ? i + 4 : -1;
        }
        return -1;
    }

    /** 1 {@code true}, 2 {@code false}, 3 {@code null} at {@code i}, else 0 (the separator after is checked later). */
    private static int literal(byte[] b, int i) {
        int len = b.length;
        byte c = b[i];
        if (c == 't' && i + 3 < len && b[i + 1] == 'r' && b[i + 2] == 'u' && b[i + 3] == 'e') {
            return 1;
        }
        if (c == 'f' && i + 4 < len && b[i + 1] == 'a' && b[i + 2] == 'l' && b[i + 3] == 's' && b[i + 4] == 'e') {
            return 2;
        }
        if (c == 'n' && i + 3 < len && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
            return 3;
        }
        return 0;
    }

    /** The index after the JSON number at {@code i}, or -1 (not a number, or longer than {@link #MAX_NUMBER}). */
    static int number(byte[] b, int i) {
        int s = i;
        int len = b.length;
        if (i < len && b[i] == '-') {
            i++;
        }
        if (i >= len) {
            return -1;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i + 1);
        } else {
            return -1;
        }
        if (i < len && b[i] == '.') {
            int f = i + 1;
            i = digits(b, f);
            if (i == f) {
                return -1;
            }
        }
        if (i < len && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < len && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int f = i;
            i = digits(b, f);
            if (i == f) {
                return -1;
            }
        }
        return i - s > MAX_NUMBER ? -1 : i;
    }

    private static int digits(byte[] b, int i) {
        for (int len = b.length; i < len && b[i] >= '0' && b[i] <= '9'; i++) {
            // digits
        }
        return i;
    }

    /** The value of hex digit {@code c}, or -1. */
    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The char of the four hex digits at {@code i}, or -1. */
    private static int hex4(byte[] b, int i) {
        if (i + 4 > b.length) {
            return -1;
        }
        int h0 = hex(b[i]);
        int h1 = hex(b[i + 1]);
        int h2 = hex(b[i + 2]);
        int h3 = hex(b[i + 3]);
        return (h0 | h1 | h2 | h3) < 0 ? -1 : h0 << 12 | h1 << 8 | h2 << 4 | h3;
    }

    /**
     * The index after the closing quote of the string whose chars start at {@code i}, checked (escapes valid, no
     * control char, at most {@code max} bytes), or -1.
     */
    private static int skipString(byte[] b, int i, int max, EventFieldReader r) {
        int s = i;
        for (int len = b.length; i < len; i++) {
            i = ByteScan.jsonStringStop(b, i, len); // the plain bytes, which the steps below pass, eight a step
            if (i == len) {
                return -1;
            }
            byte c = b[i];
            if (c == '"') {
                return i - s > max ? -1 : i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= len) {
                    return -1;
                }
                switch (b[i + 1]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                    case 'u' -> {
                        if (hex4(b, i + 2) < 0) {
                            return -1;
                        }
                        i += 5;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else if (c < 0x20) {
                if (c >= 0 || (i = utf8End(b, i)) < 0) {
                    return -1;
                }
                r.above = true;
                i--; // the loop's step
            }
        }
        return -1;
    }

    /**
     * Decodes the string whose chars start at {@code i} into {@link #buf} from {@link #n} on (UTF-8), and returns
     * the index after its closing quote; -1 where it is not a valid string, longer than the limit, or holds an
     * escaped unpaired surrogate.
     */
    private int cook(byte[] b, int i) {
        int len = b.length;
        if (buf.length - n < len - i) { // the decoding is never longer than its source
            buf = Arrays.copyOf(buf, Math.max(2 * buf.length, n + len - i));
        }
        byte[] o = buf;
        int k = n;
        int start = k;
        cookedAbove = false;
        while (i < len) {
            int plain = ByteScan.jsonStringStop(b, i, len); // the plain bytes, copied whole (they are themselves)
            if (plain > i) {
                System.arraycopy(b, i, o, k, plain - i);
                k += plain - i;
                i = plain;
                if (i == len) {
                    break;
                }
            }
            byte c = b[i];
            if (c == '"') {
                if (k - start > ContextEventParser.FLAT_STRING_MAX) {
                    return -1;
                }
                n = k;
                return i + 1;
            }
            if (c != '\\') {
                if (c < 0x20) {
                    int e = c < 0 ? utf8End(b, i) : -1;
                    if (e < 0) {
                        return -1;
                    }
                    above = true;
                    while (i < e) {
                        o[k++] = b[i++];
                    }
                    continue;
                }
                o[k++] = c;
                i++;
                continue;
            }
            if (i + 1 >= len) {
                return -1;
            }
            byte e = b[i + 1];
            switch (e) {
                case '"', '\\', '/' -> o[k++] = e;
                case 'b' -> o[k++] = '\b';
                case 'f' -> o[k++] = '\f';
                case 'n' -> o[k++] = '\n';
                case 'r' -> o[k++] = '\r';
                case 't' -> o[k++] = '\t';
                case 'u' -> {
                    int ch = hex4(b, i + 2);
                    if (ch < 0) {
                        return -1;
                    }
                    i += 6;
                    cookedAbove |= ch >= 0x80;
                    if (ch < 0x80) {
                        o[k++] = (byte) ch;
                    } else if (ch < 0x800) {
                        o[k++] = (byte) (0xC0 | (ch >> 6));
                        o[k++] = (byte) (0x80 | (ch & 0x3F));
                    } else if (!Character.isSurrogate((char) ch)) {
                        o[k++] = (byte) (0xE0 | (ch >> 12));
                        o[k++] = (byte) (0x80 | ((ch >> 6) & 0x3F));
                        o[k++] = (byte) (0x80 | (ch & 0x3F));
                    } else {
                        // a high surrogate followed at once by an escaped low one: one code point, four bytes
                        int lo = i + 1 < len && b[i] == '\\' && b[i + 1] == 'u' ? hex4(b, i + 2) : -1;
                        if (!Character.isHighSurrogate((char) ch) || lo < 0 || !Character.isLowSurrogate((char) lo)) {
                            return -1;
                        }
                        i += 6;
                        int cp = Character.toCodePoint((char) ch, (char) lo);
                        o[k++] = (byte) (0xF0 | (cp >> 18));
                        o[k++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        o[k++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        o[k++] = (byte) (0x80 | (cp & 0x3F));
                    }
                    continue;
                }
                default -> {
                    return -1;
                }
            }
            i += 2;
        }
        return -1;
    }

    /**
     * The index after the value (a number or a nested object or array) at {@code i}, checked, or -1 (also where
     * it nests deeper than {@link #MAX_DEPTH} with the event object). The value's separator is checked by the
     * caller.
     */
    private int skipValue(byte[] b, int i) {
        byte c = b[i];
        if (c != '{' && c != '[') {
            return number(b, i);
        }
        int len = b.length;
        boolean[] array = this.array;
        int d = 0;
        while (true) {
            // a value starts at i
            if (i >= len) {
                return -1;
            }
            c = b[i];
            boolean closed = true;
            if (c == '{' || c == '[') {
                if (d == MAX_DEPTH - 1) {
                    return -1;
                }
                boolean arr = c == '[';
                array[d++] = arr;
                i = space(b, i + 1);
                if (i >= len) {
                    return -1;
                }
                if (b[i] == (arr ? ']' : '}')) {
                    i++;
                    d--;
                } else {
                    closed = false;
                    if (!arr) {
                        i = member(b, i);
                        if (i < 0) {
                            return -1;
                        }
                    }
                }
            } else if (c == '"') {
                i = skipString(b, i + 1, ContextEventParser.FLAT_STRING_MAX, this);
            } else {
                int lit = literal(b, i);
                i = lit != 0 ? i + (lit == 2 ? 5 : 4) : number(b, i);
            }
            if (i < 0) {
                return -1;
            }
            if (!closed) {
                continue; // the container's first value starts at i
            }
            // after a value: a comma and the next value, or the end of containers
            while (true) {
                if (d == 0) {
                    return i;
                }
                i = space(b, i);
                if (i >= len) {
                    return -1;
                }
                byte e = b[i];
                boolean arr = array[d - 1];
                if (e == ',') {
                    i = space(b, i + 1);
                    if (!arr) {
                        i = member(b, i);
                        if (i < 0) {
                            return -1;
                        }
                    }
                    break;
                }
                if (e != (arr ? ']' : '}')) {
                    return -1;
                }
                i++;
                d--;
            }
        }
    }

    /** At {@code i}, a member's name and colon: the index of its value (after whitespace), or -1. */
    private int member(byte[] b, int i) {
        int len = b.length;
        if (i >= len || b[i] != '"') {
            return -1;
        }
        i = skipString(b, i + 1, ContextEventParser.FLAT_NAME_MAX, this);
        if (i < 0) {
            return -1;
        }
        i = space(b, i);
        if (i >= len || b[i] != ':') {
            return -1;
        }
        return space(b, i + 1);
    }
}
