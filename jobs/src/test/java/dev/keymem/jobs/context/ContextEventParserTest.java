package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming parse gives the tree parse's event, or its rejection reason, on valid and broken JSON: repeated
 * names, values of every kind (nested, numbers, booleans, null), escapes and unpaired surrogates, blank and
 * missing fields, trailing content, truncation.
 */
class ContextEventParserTest {

    static final String[] NAMES = {"user", "text", "type", "query", "expect", "ts", "offset", "x", "", "Text"};
    static final String[] STRINGS = {"\"u1\"", "\"hello world\"", "\"\"", "\"  \"", "\"query\"", "\"true\"",
        "\" true \"", "\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\"", "\"lone \\ud800\"", "\"\\udc00x\"", "\"日本\"",
        "\"bad \\q escape\"", "\"ctl \u0001\""};
    static final String[] OTHERS = {"true", "false", "null", "0", "1", "-2", "3.5", "1e999", "12345678901234567890123",
        "{}", "{\"a\":1}", "[]", "[1,\"x\",{\"b\":[null]}]", "tru", "01", "NaN", "\"unterminated"};

    static String value(SplittableRandom r) {
        return r.nextInt(3) == 0 ? OTHERS[r.nextInt(OTHERS.length)] : STRINGS[r.nextInt(STRINGS.length)];
    }

    static String object(SplittableRandom r) {
        StringBuilder b = new StringBuilder(r.nextInt(10) == 0 ? " {" : "{");
        boolean valid = r.nextBoolean();
        if (valid) { // a valid event, then fields that may spoil it
            b.append("\"user\":\"u").append(r.nextInt(9)).append("\",\"text\":").append(STRINGS[1 + r.nextInt(8)]);
        }
        int n = r.nextInt(valid ? 4 : 7);
        for (int i = 0; i < n; i++) {
            if (i > 0 || valid) {
                b.append(r.nextInt(30) == 0 ? "" : ",");
            }
            String name = r.nextInt(4) == 0 ? NAMES[r.nextInt(NAMES.length)] : NAMES[r.nextInt(3)];
            b.append('"').append(name).append("\":").append(r.nextInt(5) == 0 ? " " : "").append(value(r));
        }
        b.append(r.nextInt(25) == 0 && !valid ? "" : "}");
        switch (valid ? 3 : r.nextInt(20)) {
            case 0 -> b.append(" trailing");
            case 1 -> b.append("}");
            case 2 -> b.setLength(Math.max(1, b.length() - 1 - r.nextInt(Math.max(1, b.length() - 1))));
            default -> { }
        }
        return r.nextInt(40) == 0 ? value(r) : b.toString();
    }

    private static String outcome(ContextEventParser p, String key, String value, boolean tree) {
        try {
            ContextEvent e = tree ? p.parseTree(key, value, 7) : p.parse(key, value, 7);
            return e.user + "|" + e.text + "|" + e.type + "|" + e.query + "|" + e.expect + "|" + e.ts + "|" + e.offset;
        } catch (InvalidRecordException x) {
            return "rejected: " + x.getMessage();
        }
    }

    @Test
    void streamingParseEqualsTheTreeParse() {
        ContextEventParser p = new ContextEventParser();
        SplittableRandom r = new SplittableRandom(13);
        int rejected = 0;
        for (int i = 0; i < 30_000; i++) {
            String v = object(r);
            String key = r.nextBoolean() ? null : "k";
            String want = outcome(p, key, v, true);
            assertEquals(want, outcome(p, key, v, false), v);
            rejected += want.startsWith("rejected") ? 1 : 0;
        }
        System.out.println("ContextEventParserTest: " + rejected + " of 30000 rejected");
        assertEquals(true, rejected > 3000 && rejected < 24000, rejected + " rejected");
        assertEquals("rejected: value is blank", outcome(p, "k", " ", false));
        assertEquals(outcome(p, "k", "{\"user\":\"u\",\"text\":\"t\",\"query\":true}", true),
                outcome(p, "k", "{\"user\":\"u\",\"text\":\"t\",\"query\":true}", false));
    }

    /** The record's outcome: {@link ContextEventParser#parse(String, KafkaRecord, int)} of its bytes. */
    private static String bytesOutcome(ContextEventParser p, String key, byte[] value, int maxBytes) {
        try {
            ContextEvent e = p.parse(key, new KafkaRecord("t", 0, 7, -1, null, value), maxBytes);
            return e.user + "|" + e.text + "|" + e.type + "|" + e.query + "|" + e.expect + "|" + e.ts + "|" + e.offset;
        } catch (InvalidRecordException x) {
            return "rejected: " + x.getMessage();
        }
    }

    /** What the job did before: decode strictly, then parse the string. */
    private static String decodedOutcome(ContextEventParser p, String key, byte[] value, int maxBytes) {
        try {
            String v = RecordParsers.decode(new KafkaRecord("t", 0, 7, -1, null, value), maxBytes);
            ContextEvent e = p.parse(key, v, 7);
            return e.user + "|" + e.text + "|" + e.type + "|" + e.query + "|" + e.expect + "|" + e.ts + "|" + e.offset;
        } catch (InvalidRecordException x) {
            return "rejected: " + x.getMessage();
        }
    }

    /**
     * Parsing a record's bytes (ASCII ones read from the bytes) gives the event, or the refusal, of decoding them
     * and parsing the string: on the random objects above as UTF-8, on their bytes with a NUL, a byte order mark,
     * an invalid UTF-8 byte or whitespace around them, and on blank, null and over-long values.
     */
    @Test
    void parsingTheBytesEqualsDecodingThenParsing() {
        ContextEventParser p = new ContextEventParser();
        SplittableRandom r = new SplittableRandom(17);
        int ascii = 0;
        for (int i = 0; i < 30_000; i++) {
            String v = object(r);
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            switch (r.nextInt(12)) {
                case 0 -> b = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
                case 1 -> b = concat(new byte[] {0}, b);
                case 2 -> b = concat(b, new byte[] {(byte) 0xC3});
                case 3 -> b = concat(" \t\n ".getBytes(StandardCharsets.US_ASCII), concat(b, new byte[] {'\r'}));
                default -> { }
            }
            boolean isAscii = true;
            for (byte x : b) {
                isAscii &= x > 0;
            }
            ascii += isAscii ? 1 : 0;
            String key = r.nextBoolean() ? null : "k";
            int max = r.nextInt(20) == 0 ? 10 : 1 << 16;
            assertEquals(decodedOutcome(p, key, b, max), bytesOutcome(p, key, b, max), v);
        }
        assertEquals(true, ascii > 10_000, ascii + " ASCII values");
        for (byte[] b : new byte[][] {null, new byte[0], " \t ".getBytes(StandardCharsets.US_ASCII),
            "{\"user\":\"u\",\"text\":\"t\"}".getBytes(StandardCharsets.US_ASCII)}) {
            assertEquals(decodedOutcome(p, "k", b, 100), bytesOutcome(p, "k", b, 100));
        }
    }

    /** JSON's whitespace and chars near it that are not (Jackson refuses them between tokens). */
    private static final String[] SPACES = {" ", "\t", "\n", "\r", "  \r\n", "\u000b", "\f", "\u001f"};

    /** {@code v} with whitespace (or near-whitespace) put between some of its chars. */
    private static String spaced(SplittableRandom r, String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            if (r.nextInt(8) == 0) {
                b.append(SPACES[r.nextInt(r.nextInt(10) == 0 ? SPACES.length : 5)]);
            }
            b.append(v.charAt(i));
        }
        return b.toString();
    }

    /**
     * The hand-written reading of plain ASCII objects gives the streaming reading's fields wherever it reads one
     * (it declines anything else): on the random objects above, with whitespace or near-whitespace between their
     * chars, literals followed by other chars, long names, and the events of the bench inputs' shapes.
     */
    @Test
    void flatReadingEqualsTheStreamingReading() {
        SplittableRandom r = new SplittableRandom(23);
        int read = 0;
        int total = 0;
        for (int i = 0; i < 60_000; i++) {
            String v = object(r);
            switch (r.nextInt(8)) {
                case 0 -> v = spaced(r, v);
                case 1 -> v = v.replace("true", r.nextBoolean() ? "truex" : "true:").replace("null,", "null ,");
                case 2 -> v = v.replace("\"x\"", "\"" + "n".repeat(ContextEventParser.FLAT_NAME_MAX + r.nextInt(-1, 2)) + "\"");
                case 3 -> v = "{\"user\":\"u" + i + "\",\"text\":\"" + "word ".repeat(r.nextInt(40))
                        + (r.nextBoolean() ? "?" : "") + "\",\"type\":\"chat\",\"ts\":\"2026-03-01T09:00:00.000Z\""
                        + (r.nextBoolean() ? ",\"query\":" + r.nextBoolean() : "") + "}";
                default -> { }
            }
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            boolean ascii = true;
            for (byte x : b) {
                ascii &= x > 0;
            }
            if (!ascii) {
                continue;
            }
            total++;
            ContextEventParser.Fields f = ContextEventParser.flat(b);
            if (f != null) {
                read++;
                assertEquals(String.valueOf(ContextEventParser.streamed(null, b)), f.toString(), v);
            }
        }
        assertEquals(true, read > total / 5, read + " of " + total + " read by hand");
        assertEquals(null, ContextEventParser.flat("{\"text\":\"a\\nb\"}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(null, ContextEventParser.flat("{\"text\":01}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("null|null|null|null|null|false",
                String.valueOf(ContextEventParser.flat("{\"text\":1}".getBytes(StandardCharsets.US_ASCII))));
    }

    /**
     * {@code spans} with its ASCII check reads exactly what the flat reading of ASCII bytes reads: true where the
     * bytes are ASCII without NUL and {@code flat} gives fields (the same fields, from the spans), false
     * elsewhere: on the random objects above and their bytes with a NUL, a byte order mark, an invalid UTF-8 byte
     * or a non-ASCII char inside or after them.
     */
    @Test
    void spansWithTheirAsciiCheckReadWhatTheFlatReadingReads() {
        SplittableRandom r = new SplittableRandom(29);
        int[] at = new int[ContextEventParser.SPANS];
        int read = 0;
        for (int i = 0; i < 40_000; i++) {
            String v = object(r);
            if (r.nextInt(6) == 0) {
                v = v.replace("hello", "h\u00e9llo").replace("u1", "u\u00e9");
            } else if (r.nextInt(6) == 0) {
                v = v.replace("world", "w\u00f6rld");
            }
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            switch (r.nextInt(10)) {
                case 0 -> b = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
                case 1 -> b = concat(b, new byte[] {0});
                case 2 -> b = concat(b, new byte[] {(byte) 0xC3});
                case 3 -> b = concat(b, " \u00e9 ".getBytes(StandardCharsets.UTF_8));
                default -> { }
            }
            boolean ascii = true;
            for (byte x : b) {
                ascii &= x > 0;
            }
            ContextEventParser.Fields f = ascii ? ContextEventParser.flat(b) : null;
            boolean got = ContextEventParser.spans(b, at);
            assertEquals(f != null, got, v);
            if (got) {
                read++;
                String fromSpans = ContextEventParser.string(b, at, ContextEventParser.USER) + "|"
                        + ContextEventParser.string(b, at, ContextEventParser.TEXT) + "|"
                        + ContextEventParser.string(b, at, ContextEventParser.TYPE) + "|"
                        + ContextEventParser.string(b, at, ContextEventParser.EXPECT) + "|"
                        + ContextEventParser.string(b, at, ContextEventParser.TS) + "|" + (at[ContextEventParser.QUERY] == 1);
                assertEquals(f.toString(), fromSpans, v);
            }
        }
        assertEquals(true, read > 5_000, read + " read");
    }

    /**
     * The hand check of UTF-8 accepts exactly what the strict decoder decodes (random bytes, and encodings of
     * random code points: overlong, surrogates, above U+10FFFF, cut, with flipped bits), and the UTF-16 length
     * it counts is the decoded string's.
     */
    @Test
    void wellFormedUtf8IsWhatTheStrictDecoderAccepts() {
        SplittableRandom r = new SplittableRandom(41);
        int valid = 0;
        for (int i = 0; i < 120_000; i++) {
            byte[] b;
            if (r.nextInt(3) == 0) {
                b = new byte[r.nextInt(8)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) (r.nextBoolean() ? 0x80 + r.nextInt(0x80) : r.nextInt(256));
                }
            } else {
                java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
                for (int c = r.nextInt(5); c > 0; c--) {
                    int cp = switch (r.nextInt(6)) {
                        case 0 -> r.nextInt(0x80);
                        case 1 -> r.nextInt(0x800);
                        case 2 -> 0xD700 + r.nextInt(0x900); // around the surrogates
                        case 3 -> r.nextInt(0x10000);
                        case 4 -> 0x10000 + r.nextInt(0x100000 + 0x10);
                        default -> 0x10FFF0 + r.nextInt(0x20);
                    };
                    // the shortest form, or a longer (overlong) one
                    int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                    if (r.nextInt(8) == 0 && len < 4) {
                        len++;
                    }
                    if (len == 1) {
                        o.write(cp);
                    } else {
                        int lead = new int[] {0, 0, 0xC0, 0xE0, 0xF0}[len];
                        o.write(lead | (cp >>> (6 * (len - 1))));
                        for (int k = len - 2; k >= 0; k--) {
                            o.write(0x80 | ((cp >>> (6 * k)) & 0x3F));
                        }
                    }
                }
                b = o.toByteArray();
                if (b.length > 0 && r.nextInt(6) == 0) {
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // cut
                }
                if (b.length > 0 && r.nextInt(6) == 0) {
                    b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                }
            }
            String d = dev.keymem.operators.DeadLetter.strictUtf8(b);
            assertEquals(d != null, ContextEventParser.wellFormedUtf8(b, 0, b.length), java.util.HexFormat.of().formatHex(b));
            if (d != null) {
                valid++;
                assertEquals(d.length(), ContextEventParser.utf16Length(b, 0, b.length));
            }
        }
        assertEquals(true, valid > 20_000, valid + " valid");
    }

    /**
     * Where {@link ContextEventParser#spansUtf8} reads a value, the value decodes, and the streaming reading of the
     * decoded value (what the parser takes for such a value) gives the fields the spans' bytes decode to, which
     * {@code wellFormed} leaves as they are; and every plain object of UTF-8 strings is read.
     */
    @Test
    void spansOfUtf8ReadWhatTheStreamingReadingOfTheDecodedValueReads() {
        SplittableRandom r = new SplittableRandom(43);
        int[] at = new int[ContextEventParser.SPANS];
        String[] words = {"h\u00e9llo", "w\u00f6rld", "\u65e5\u672c", "\ud83d\ude00", "caf\u00e9", "\u2003",
            "\u00a0", "plain"};
        int read = 0;
        for (int i = 0; i < 60_000; i++) {
            String v = object(r);
            String w = words[r.nextInt(words.length)];
            v = switch (r.nextInt(4)) {
                case 0 -> v.replace("hello", w);
                case 1 -> v.replace("u1", "u" + w);
                case 2 -> v.replace("world", w + w);
                default -> v.replace("query", w);
            };
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            switch (r.nextInt(12)) {
                case 0 -> b = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
                case 1 -> b = concat(b, new byte[] {0});
                case 2 -> b = concat(b, new byte[] {(byte) 0xC3});
                case 3 -> b = concat(b, " \u00e9 ".getBytes(StandardCharsets.UTF_8));
                case 4 -> {
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) (0x80 + r.nextInt(0x80)); // often breaks the UTF-8
                    }
                }
                default -> { }
            }
            boolean got = ContextEventParser.spansUtf8(b, at);
            if (!got) {
                continue;
            }
            read++;
            String decoded = dev.keymem.operators.DeadLetter.strictUtf8(b);
            assertEquals(true, decoded != null && !decoded.startsWith("\uFEFF"), v);
            ContextEventParser.Fields f = ContextEventParser.streamed(decoded, null);
            assertEquals(true, f != null, v);
            String[] fromSpans = new String[5];
            for (int k = 0; k < 5; k++) {
                fromSpans[k] = ContextEventParser.utf8String(b, at, k);
                assertEquals(fromSpans[k], RecordParsers.wellFormed(fromSpans[k]));
            }
            assertEquals(f.toString(), String.join("|", fromSpans[0], fromSpans[1], fromSpans[2], fromSpans[3],
                    fromSpans[4]) + "|" + (at[ContextEventParser.QUERY] == 1), v);
        }
        // (over a tenth of the values have more than whitespace after the object, which it declines)
        assertEquals(true, read > 8_000, read + " read");
        // plain objects of UTF-8 strings are read
        for (String w : words) {
            String u = w;
            byte[] b = ("{\"user\":\"u1\", \"text\":\"" + u + " x\",\"type\":\"" + u + "\",\"ts\":\"" + u + "\"} ")
                    .getBytes(StandardCharsets.UTF_8);
            assertEquals(true, ContextEventParser.spansUtf8(b, at), u);
            assertEquals(u + " x", ContextEventParser.utf8String(b, at, ContextEventParser.TEXT));
        }
    }

    /**
     * {@code spansAscii} is {@code spans} (READ where it is true), and where it answers NOT_READ the UTF-8 reading
     * reads nothing either (the runs' fast path then skips it): on the random objects above with non-ASCII chars,
     * escapes, numbers and nested values put in every field, markdown texts (fences, escaped newlines and quotes),
     * long texts, random bytes, and single bytes changed anywhere.
     */
    @Test
    void theAsciiReadingsFailureTellsWhereTheUtf8ReadingFailsToo() {
        SplittableRandom r = new SplittableRandom(47);
        int[] at = new int[ContextEventParser.SPANS];
        int[] at2 = new int[ContextEventParser.SPANS];
        String[] pieces = {"h\u00e9llo", "\u65e5\u672c", "\ud83d\ude00", "\\n", "\\\"", "\\u00e9", "```java\\nint x;\\n```",
            "## Title\\n- **a**: b", "12", "[1,2]", "{\"a\":1}", "\t", "\u0000", "plain", "\u00a0", "\u2028"};
        int notRead = 0;
        int utf8AfterAscii = 0;
        for (int i = 0; i < 80_000; i++) {
            String v = object(r);
            String w = pieces[r.nextInt(pieces.length)];
            v = switch (r.nextInt(6)) {
                case 0 -> v.replace("hello", w);
                case 1 -> v.replace("u1", "u" + w);
                case 2 -> v.replace("world", w + " " + w);
                case 3 -> v.replace("query", w);
                case 4 -> v.replace("\"hello", "\"" + "x".repeat(r.nextInt(3000)) + w);
                default -> v;
            };
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            switch (r.nextInt(8)) {
                case 0 -> {
                    if (b.length > 0) {
                        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                    }
                }
                case 1 -> b = concat(b, new byte[] {(byte) (0x80 + r.nextInt(0x80))});
                case 2 -> {
                    b = new byte[r.nextInt(40)];
                    for (int k = 0; k < b.length; k++) {
                        String bytes = "{}\":,\\ ab1\u00ff";
                        b[k] = (byte) bytes.charAt(r.nextInt(bytes.length()));
                    }
                }
                default -> { }
            }
            int ascii = ContextEventParser.spansAscii(b, at);
            assertEquals(ContextEventParser.spans(b, at2), ascii == ContextEventParser.READ, v);
            boolean utf8 = ContextEventParser.spansUtf8(b, at2);
            if (ascii == ContextEventParser.NOT_READ) {
                notRead++;
                assertEquals(false, utf8, v);
            } else if (ascii == ContextEventParser.NOT_ASCII && utf8) {
                utf8AfterAscii++;
            }
        }
        assertEquals(true, notRead > 20_000, notRead + " not read");
        assertEquals(true, utf8AfterAscii > 1_000, utf8AfterAscii + " read as UTF-8 after the ASCII reading");
    }

    /** Number forms, valid and not, for {@link #numbersBesideTheFieldsAreReadAsTheTreeReadsThem}. */
    static final String[] NUMBERS = {"0", "-0", "7", "1768464000", "-12", "3.25", "0.5", "1e3", "1E+3", "2.5e-7",
        "-0.0e00", "1e999", "-1e-999", "12345678901234567890123", "9".repeat(100), "9".repeat(101),
        "1." + "5".repeat(97), "1." + "5".repeat(98), "01", "-", "+1", ".5", "1.", "1e", "1e+", "--1", "0x10", "1.5.3",
        "1x", "1,", "NaN", "Infinity", "-Infinity", "1 2", "00", "-01", "1e5e5", "1_000"};

    /** Whether {@code s} is a JSON number of at most 100 chars (what the hand readings read). */
    private static boolean readableNumber(String s) {
        return s.length() <= EventFieldReader.MAX_NUMBER && s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    }

    /**
     * Numbers beside (and as) the fields, a numeric {@code ts} above all (the long-text input's), are read by
     * the plainest reading ({@code spans}) where they are strict JSON numbers within its length, as no string
     * (the tree reading's {@code text} of a number is null): the bytes' event, or refusal, is the tree reading's
     * of the decoded value on valid and broken numbers, huge ones, numbers as {@code query}, repeated names and
     * numbers before the closing brace or at the end of the value.
     */
    @Test
    void numbersBesideTheFieldsAreReadAsTheTreeReadsThem() {
        ContextEventParser p = new ContextEventParser();
        SplittableRandom r = new SplittableRandom(41);
        int[] at = new int[ContextEventParser.SPANS];
        int read = 0;
        String[] names = {"ts", "ts", "ts", "expect", "type", "text", "user", "query", "seq", "x"};
        for (int i = 0; i < 20_000; i++) {
            String num = r.nextInt(4) == 0 ? String.valueOf(r.nextLong() >> r.nextInt(64))
                    : r.nextInt(6) == 0 ? r.nextInt(1000) + "." + r.nextInt(1000) + (r.nextBoolean() ? "e" + (r.nextInt(40) - 20) : "")
                    : NUMBERS[r.nextInt(NUMBERS.length)];
            String name = names[r.nextInt(names.length)];
            StringBuilder b = new StringBuilder("{\"user\": \"u").append(r.nextInt(5)).append("\", \"text\": \"hello world ")
                    .append(i).append('"');
            if (r.nextInt(4) == 0) {
                b.append(", \"ts\": \"2026-01-01\"");
            }
            String sep = r.nextInt(5) == 0 ? " " : "";
            b.append(',').append(sep).append('"').append(name).append("\":").append(sep).append(num).append(sep);
            if (r.nextBoolean()) {
                b.append(", \"type\": \"message\"");
            }
            b.append('}');
            if (r.nextInt(10) == 0) {
                b.append(r.nextBoolean() ? "\n" : " x");
            }
            String v = b.toString();
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            assertEquals(outcome(p, "k", v, true), bytesOutcome(p, "k", bytes, 1 << 16), v);
            boolean spans = ContextEventParser.spans(bytes, at);
            if (spans) {
                read++;
                assertEquals(String.valueOf(ContextEventParser.streamed(null, bytes)),
                        String.valueOf(ContextEventParser.flat(bytes)), v);
                if ("ts".equals(name)) {
                    assertEquals(-1, at[2 * ContextEventParser.TS], v); // the last ts is a number: no string
                }
            }
            boolean plain = readableNumber(num) && !"query".equals(name) && !v.endsWith(" x");
            assertEquals(plain, spans, v);
        }
        assertEquals(true, read > 8_000, read + " read by the spans");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /**
     * The string ends found eight bytes a step are the byte-a-step loops' at every start of random strings: plain
     * ASCII runs of every length around 8 and 16, quotes, backslashes, control chars, NUL, bytes over 127, the end.
     */
    @Test
    void stringEndsFoundEightBytesAStepAreTheLoops() {
        SplittableRandom r = new SplittableRandom(53);
        byte[] rare = {'"', '\\', 0, 1, 0x1F, 0x20, 0x7F, (byte) 0x80, (byte) 0xC3, (byte) 0xFF, '\n'};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(6) == 0 ? rare[r.nextInt(rare.length)] : (byte) ('a' + r.nextInt(26));
            }
            for (int i = 0; i <= b.length; i++) {
                assertEquals(ContextEventParser.stringEndReference(b, i), ContextEventParser.stringEnd(b, i));
                assertEquals(ContextEventParser.stringEndUtf8Reference(b, i), ContextEventParser.stringEndUtf8(b, i));
            }
        }
    }
}
