package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.operators.DeadLetter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand reading of event objects ({@link EventFieldReader}) against Jackson's tree reading of the strictly
 * decoded value (the reference): wherever the reader reads a record, the value decodes, the tree reads it without
 * an error, and the fields (the last member of each name, strings only, escapes decoded) and the query flag are the
 * tree's; and the parser, which now takes the reader's fields, gives the tree parse's event or refusal. On the
 * survey's shapes (a sample of each in fixtures/context-survey-shapes.jsonl: tickets, clicks, multilingual,
 * markdown, questions, whales, nested, tiny, code, German chat) and on generated awkward JSON: escapes of every
 * kind, surrogate pairs and unpaired surrogates, raw control chars, deep nesting, numbers valid and not, duplicate
 * names, literals run on, trailing content, byte order marks, NULs and invalid UTF-8.
 */
class EventFieldReaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FIELDS = {"user", "text", "type", "expect", "ts"};

    /** The tree's fields of {@code decoded}, as {@link #read} writes them; null where the tree refuses the value. */
    static String tree(String decoded) {
        JsonNode n;
        try {
            n = JSON.readTree(decoded);
        } catch (IOException e) {
            return null;
        }
        if (n == null || !n.isObject()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (String name : FIELDS) {
            JsonNode f = n.get(name);
            b.append(f != null && f.isTextual() ? f.asText() : null).append('|');
        }
        JsonNode q = n.get("query");
        return b.append(q != null && q.asBoolean(false)).toString();
    }

    static String read(EventFieldReader r) {
        StringBuilder b = new StringBuilder();
        for (int f = ContextEventParser.USER; f <= ContextEventParser.TS; f++) {
            b.append(r.string(f)).append('|');
        }
        return b.append(r.at[ContextEventParser.QUERY] == 1).toString();
    }

    /** Checks the reader on {@code b}; whether it read it. */
    static boolean check(EventFieldReader r, byte[] b, String what) {
        if (!r.read(b)) {
            return false;
        }
        // the one pass's checks and flag are the reference passes' (kind, then the fields' strings)
        int kind = EventFieldReader.kind(b);
        assertTrue(kind >= 0, "read, yet not UTF-8: " + what);
        assertEquals(kind == 0 && r.fieldsAscii(), r.ascii, "the ASCII flag: " + what);
        String decoded = DeadLetter.strictUtf8(b);
        assertTrue(decoded != null && !decoded.startsWith("\uFEFF"), what);
        String want = tree(decoded);
        assertTrue(want != null, "the tree refuses what the reader read: " + what);
        assertEquals(want, read(r), what);
        if (r.ascii) {
            for (byte x : b) {
                assertTrue(x > 0, what);
            }
            for (int f = ContextEventParser.USER; f <= ContextEventParser.TS; f++) {
                String s = r.string(f);
                assertTrue(s == null || s.chars().allMatch(c -> c < 0x80), what);
            }
        } else {
            boolean asciiRecord = true;
            for (byte x : b) {
                asciiRecord &= x > 0;
            }
            boolean asciiFields = true;
            for (int f = ContextEventParser.USER; f <= ContextEventParser.TS; f++) {
                String s = r.string(f);
                asciiFields &= s == null || s.chars().allMatch(c -> c < 0x80);
            }
            assertTrue(!asciiRecord || !asciiFields, "ASCII, not flagged: " + what);
        }
        return true;
    }

    static final String[] PIECES = {"plain", "two words", "", " ", "caf\u00e9", "\u65e5\u672c", "\ud83d\ude00",
        "\\n", "\\r\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b\\f", "\\u0000", "\\u001f", "\\u00e9", "\\u00E9",
        "\\u20ac", "\\ud83d\\ude00", "\\uD83D\\uDE00", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\ud83d\\ud83d",
        "\\x", "\\u12", "\\u12g4", "\u0001", "\u007f", "\u2028", "\\", "```java\\n  x = 1;\\n```", "## Title\\n\\n- a"};
    static final String[] NUMBERS = {"0", "-0", "7", "-12", "1.5", "25.0526", "-165.4022", "1e5", "1E-5",
        "1.5e+10", "12345678901234567890123", "1e999", "-1e-999", "1" + "0".repeat(120), "01", "1.", ".5", "-", "+1",
        "1e", "1e+", "NaN", "Infinity", "0x10", "1.5.2"};
    static final String[] NAMES = {"user", "text", "type", "query", "expect", "ts", "meta", "x", "", "Text",
        "t\\u0065xt", "us\u00e9r", "n\\\"ame"};

    static String string(SplittableRandom r) {
        StringBuilder b = new StringBuilder("\"");
        for (int k = r.nextInt(4); k > 0; k--) {
            b.append(r.nextInt(3) == 0 ? PIECES[r.nextInt(PIECES.length)] : "word" + r.nextInt(9) + " ");
        }
        return b.append('"').toString();
    }

    static String ws(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0 -> " ";
            case 1 -> "\n  ";
            case 2 -> "\t";
            case 3 -> "\r\n";
            case 4 -> r.nextInt(10) == 0 ? "\f" : ""; // not JSON whitespace
            default -> "";
        };
    }

    /** A random JSON value (valid, mostly) up to {@code depth} levels. */
    static void value(SplittableRandom r, StringBuilder b, int depth) {
        b.append(ws(r));
        switch (r.nextInt(depth <= 0 ? 4 : 7)) {
            case 0 -> b.append(string(r));
            case 1 -> b.append(r.nextInt(4) == 0 ? NUMBERS[r.nextInt(NUMBERS.length)] : NUMBERS[r.nextInt(7)]);
            case 2 -> b.append(new String[] {"true", "false", "null", "tru", "nul", "truex", "True"}[
                    r.nextInt(10) == 0 ? r.nextInt(7) : r.nextInt(3)]);
            case 3 -> b.append(string(r));
            case 4, 5 -> {
                b.append('{');
                for (int k = r.nextInt(4); k > 0; k--) {
                    b.append(ws(r)).append('"').append(NAMES[r.nextInt(NAMES.length)]).append('"').append(ws(r))
                            .append(':');
                    value(r, b, depth - 1);
                    b.append(ws(r)).append(k > 1 || r.nextInt(40) == 0 ? "," : "");
                }
                b.append('}');
            }
            default -> {
                b.append('[');
                for (int k = r.nextInt(4); k > 0; k--) {
                    value(r, b, depth - 1);
                    b.append(ws(r)).append(k > 1 || r.nextInt(40) == 0 ? "," : "");
                }
                b.append(']');
            }
        }
        b.append(ws(r));
    }

    private static final String DAMAGE = ",}]\"\\:x0\u0001{[";

    /** A random event object: fields, values of every kind beside them, repeated names, some damage. */
    static String event(SplittableRandom r) {
        StringBuilder b = new StringBuilder(ws(r)).append('{');
        int members = r.nextInt(7);
        List<String> names = new ArrayList<>(List.of("user", "text"));
        for (int k = 0; k < members; k++) {
            names.add(NAMES[r.nextInt(NAMES.length)]);
        }
        if (r.nextBoolean()) {
            java.util.Collections.shuffle(names, new java.util.Random(r.nextLong()));
        }
        for (int k = 0; k < names.size(); k++) {
            if (k > 0) {
                b.append(ws(r)).append(r.nextInt(60) == 0 ? "" : ",");
            }
            String name = names.get(k);
            b.append(ws(r)).append('"').append(name).append('"').append(ws(r)).append(':');
            if (name.equals("user") && r.nextInt(3) != 0) {
                b.append(ws(r)).append(new String[] {"\"u1\"", "\"u\\u0032\"", "\" \\t\"", "\"\"", "\"\u00fc3\""}[
                        r.nextInt(3) == 0 ? r.nextInt(5) : 0]);
            } else if (name.equals("query") && r.nextBoolean()) {
                b.append(r.nextBoolean() ? "true" : "false");
            } else {
                value(r, b, r.nextInt(4));
            }
        }
        b.append(ws(r)).append('}');
        if (r.nextInt(15) == 0) {
            b.append(new String[] {" trailing", "}", "\u00e9", "{\"x\":"}[r.nextInt(4)]);
        }
        String v = b.toString();
        if (r.nextInt(8) == 0 && v.length() > 2) { // damage: a char dropped, or one put in
            int at = r.nextInt(v.length());
            v = r.nextBoolean() ? v.substring(0, at) + v.substring(at + 1)
                    : v.substring(0, at) + DAMAGE.charAt(r.nextInt(DAMAGE.length())) + v.substring(at);
        }
        return v;
    }

    static byte[] bytes(SplittableRandom r, String v) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        return switch (r.nextInt(30)) {
            case 0 -> concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b);
            case 1 -> concat(b, new byte[] {0});
            case 2 -> concat(b, new byte[] {(byte) 0xC3});
            case 3 -> concat(new byte[] {(byte) 0xC0, (byte) 0xAF}, b);
            case 4 -> {
                byte[] c = b.clone();
                if (c.length > 0) {
                    c[r.nextInt(c.length)] = (byte) (0x80 + r.nextInt(0x80));
                }
                yield c;
            }
            case 5 -> concat(b, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
            default -> b;
        };
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Byte sequences put into records: well-formed UTF-8 beyond ASCII, and broken forms of every kind. */
    static final byte[][] SEQUENCES = {{(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82, (byte) 0xAC},
        {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xED, (byte) 0x9F, (byte) 0xBF},
        {(byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF},
        {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
        {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3},
        {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0xFF}, {(byte) 0xC3, '"'},
        {(byte) 0xE2, (byte) 0x82, '\\'}};

    /**
     * The one-pass reading's UTF-8 checks: sequences, well-formed and broken, put at random places of random
     * events (inside names, field strings, nested strings, between tokens, at the end): what it reads is
     * well-formed UTF-8 read as the tree reads it, flagged as the reference passes flag it ({@link #check}); a
     * broken sequence anywhere is declined.
     */
    @Test
    void bytesAboveAsciiAreCheckedWhereTheyAreRead() {
        EventFieldReader reader = new EventFieldReader();
        SplittableRandom r = new SplittableRandom(59);
        int readAbove = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] b = event(r).getBytes(StandardCharsets.UTF_8);
            byte[] seq = SEQUENCES[r.nextInt(SEQUENCES.length)];
            int at = r.nextInt(b.length + 1);
            if (r.nextBoolean()) { // into a string, most of the time
                for (int k = at; k < b.length; k++) {
                    if (b[k] == '"') {
                        at = k + 1;
                        break;
                    }
                }
            }
            byte[] c = new byte[b.length + seq.length];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(seq, 0, c, at, seq.length);
            System.arraycopy(b, at, c, at + seq.length, b.length - at);
            boolean got = check(reader, c, Arrays.toString(c));
            if (EventFieldReader.kind(c) < 0) {
                assertTrue(!got, "broken UTF-8 read: " + Arrays.toString(c));
            }
            readAbove += got && !reader.ascii ? 1 : 0;
        }
        assertTrue(readAbove > 500, readAbove + " read with bytes above ASCII");
    }

    @Test
    void theReaderReadsWhatTheTreeReads() {
        EventFieldReader reader = new EventFieldReader();
        SplittableRandom r = new SplittableRandom(53);
        int read = 0;
        int treeReads = 0;
        int asciiFlagged = 0;
        for (int i = 0; i < 20_000; i++) {
            String v = r.nextInt(5) == 0 ? ContextEventParserTest.object(r) : event(r);
            byte[] b = bytes(r, v);
            String decoded = DeadLetter.strictUtf8(b);
            boolean treeRead = decoded != null && !decoded.startsWith("\uFEFF") && tree(decoded) != null;
            treeReads += treeRead ? 1 : 0;
            if (check(reader, b, v)) {
                read++;
                asciiFlagged += reader.ascii ? 1 : 0;
            }
        }
        System.out.println("EventFieldReaderTest: " + read + " read of " + treeReads + " the tree reads, "
                + asciiFlagged + " flagged ASCII");
        // it reads most of what the tree reads: it declines unpaired surrogates, query strings and numbers, names
        // with escapes (frequent here; the tree reads those)
        assertTrue(read > treeReads * 6 / 10, read + " of " + treeReads);
        assertTrue(asciiFlagged > 1_000 && asciiFlagged < read, asciiFlagged + " flagged ASCII");
    }

    /** Hand-picked awkward values: read as the tree reads them, or declined. */
    @Test
    void awkwardJson() {
        EventFieldReader reader = new EventFieldReader();
        String[] read = {
            "{\"user\":\"u\",\"text\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u0000\\u001F\\u00e9\\u20AC\\ud83d\\ude00\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"text\":\"y\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"text\":1}",
            "{\"user\":\"u\",\"text\":\"x\",\"text\":{\"a\":[1,2]}}",
            "{\"user\":\"u\",\"text\":\"x\",\"query\":true,\"query\":false}",
            "{\"user\":\"u\",\"text\":\"x\",\"query\":null}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":[-0,0.5,1e5,1E+5,-1.25e-3,12345678901234567890123,1e999]}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":" + "[".repeat(150) + "]".repeat(150) + "}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":{\"a\\u0041\":\"\\ud800 lone, not a field\"}}",
            " {\n\t\"user\" : \"u\" ,\r\n \"text\" : \"x\" } \r\n",
            "{\"user\":\"\u00fc\",\"text\":\"Gr\u00fc\u00dfe \u65e5\u672c \ud83d\ude00\"}",
            "{}",
            "{\"user\":\"u\"}",
        };
        for (String v : read) {
            assertTrue(check(reader, v.getBytes(StandardCharsets.UTF_8), v), v);
        }
        String[] declined = {
            "{\"user\":\"u\",\"text\":\"lone \\ud800\"}", // the parser replaces it
            "{\"user\":\"u\",\"text\":\"\\udc00\"}",
            "{\"user\":\"u\",\"text\":\"\\ud83d\\ud83d\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"query\":\"true\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"query\":1}",
            "{\"user\":\"u\",\"t\\u0065xt\":\"x\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":" + "[".repeat(250) + "]".repeat(250) + "}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":1" + "0".repeat(120) + "}",
            "{\"user\":\"u\",\"text\":\"bad \\q\"}",
            "{\"user\":\"u\",\"text\":\"ctl \u0001\"}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":01}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":[1,]}",
            "{\"user\":\"u\",\"text\":\"x\",}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":truex}",
            "{\"user\":\"u\",\"text\":\"x\",\"n\":NaN}",
            "{\"user\":'u',\"text\":\"x\"}",
            "{\"user\":\"u\",\"text\":\"x\" /* c */}",
            "{\"user\":\"u\",\"text\":\"x\"",
            "[{\"user\":\"u\",\"text\":\"x\"}]",
            " {\n\t\"user\" : \"u\" ,\r\n \"text\" : \"x\" } trailing ", // more after the object: the reference
            "{\"user\":\"u\",\"text\":\"x\"}\u00e9",
            "{\"user\":\"u\",\"text\":\"x\"}{\"user\":\"u\",\"text\":\"y\"}",
            "{\"user\":\"u\",\"text\":\"x\"}\u000b",
            "\"text\"",
            "",
            "   ",
        };
        for (String v : declined) {
            assertEquals(false, reader.read(v.getBytes(StandardCharsets.UTF_8)), v);
        }
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "{\"user\":\"u\",\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(false, reader.read(bom));
        byte[] broken = "{\"user\":\"u\",\"text\":\"x \u00e9\"}".getBytes(StandardCharsets.UTF_8);
        broken[broken.length - 3] = (byte) 0xC3; // a cut sequence
        assertEquals(false, reader.read(broken));
    }

    static List<String> surveyLines() throws IOException {
        try (InputStream in = EventFieldReaderTest.class.getResourceAsStream("/fixtures/context-survey-shapes.jsonl")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** Every line of the survey's shapes is read, as the tree reads it. */
    @Test
    void theSurveysShapesAreRead() throws IOException {
        EventFieldReader reader = new EventFieldReader();
        List<String> lines = surveyLines();
        assertTrue(lines.size() >= 100, lines.size() + " lines");
        for (String v : lines) {
            assertTrue(check(reader, v.getBytes(StandardCharsets.UTF_8), v), v);
        }
    }

    private static String outcome(ContextEvent e) {
        return e.user + "|" + e.text + "|" + e.type + "|" + e.query + "|" + e.expect + "|" + e.ts + "|" + e.offset;
    }

    /**
     * The parser of a record's bytes gives the event, or the refusal with its reason, of the tree parse of the
     * strictly decoded value; and flags the event ASCII only where its strings are.
     */
    @Test
    void theParserOfBytesGivesTheTreeParsesEventOrRefusal() throws IOException {
        ContextEventParser p = new ContextEventParser();
        SplittableRandom r = new SplittableRandom(59);
        List<byte[]> values = new ArrayList<>();
        for (String v : surveyLines()) {
            values.add(v.getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 12_000; i++) {
            values.add(bytes(r, r.nextInt(5) == 0 ? ContextEventParserTest.object(r) : event(r)));
        }
        int events = 0;
        for (byte[] b : values) {
            String key = r.nextBoolean() ? null : "k";
            KafkaRecord rec = new KafkaRecord("t", 0, 7, -1, null, b);
            String want;
            try {
                want = outcome(p.parseTree(key, RecordParsers.decode(rec, 1 << 20), 7));
            } catch (InvalidRecordException x) {
                want = "rejected: " + x.getMessage();
            }
            String got;
            try {
                ContextEvent e = p.parse(key, rec, 1 << 20);
                got = outcome(e);
                events++;
                if (e.ascii) {
                    for (String s : new String[] {e.user, e.text, e.type, e.expect, e.ts}) {
                        assertTrue(s == null || s.chars().allMatch(c -> c < 0x80), got);
                    }
                }
            } catch (InvalidRecordException x) {
                got = "rejected: " + x.getMessage();
            }
            assertEquals(want, got, new String(b, StandardCharsets.UTF_8));
        }
        assertTrue(events > 1_000, events + " events");
    }
}
