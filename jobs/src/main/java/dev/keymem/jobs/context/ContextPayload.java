package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.jobs.kafka.ByteScan;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the context job keeps with an event in the memory (and carries with a query into its answer): the
 * event's fields as a small JSON object, UTF-8: {@code t} text (as written), {@code y} type, {@code s} ts,
 * {@code o} offset, {@code e} expect (queries). Absent fields are left out.
 */
final class ContextPayload {

    private ContextPayload() {
    }

    /**
     * The payload of {@code e}, written by hand: byte for byte what Jackson's UTF-8 generator writes
     * ({@link #encodeStreaming}; tests compare the two): UTF-8, {@code "} and {@code \} after a backslash, the
     * control characters below U+0020 as the short escapes of b, t, n, f, r or six-character unicode escapes
     * (upper-case hex), and each surrogate char likewise escaped on its own (Jackson's default).
     */
    static byte[] encode(ContextEvent e) {
        Utf8 b = SCRATCH.get();
        b.n = 0;
        b.raw(TEXT);
        b.string(e.text, e.ascii);
        if (e.type != null) {
            b.raw(TYPE);
            b.string(e.type, e.ascii);
        }
        if (e.ts != null) {
            b.raw(TS);
            b.string(e.ts, e.ascii);
        }
        b.raw(OFFSET);
        b.decimal(e.offset);
        if (e.query && e.expect != null) {
            b.raw(EXPECT);
            b.string(e.expect, e.ascii);
        }
        b.raw(END);
        return b.bytes();
    }

    private static final byte[] TEXT = bytes("{\"t\":");
    private static final byte[] TYPE = bytes(",\"y\":");
    private static final byte[] TS = bytes(",\"s\":");
    private static final byte[] OFFSET = bytes(",\"o\":");
    private static final byte[] EXPECT = bytes(",\"e\":");
    private static final byte[] END = bytes("}");

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Each thread's buffer for {@link #encode} (the payload is a copy of its bytes). */
    private static final ThreadLocal<Utf8> SCRATCH = ThreadLocal.withInitial(() -> new Utf8(256));

    /** A growing byte buffer of JSON text, UTF-8. */
    private static final class Utf8 {
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private byte[] buf;
        private int n;
        private char[] chars = new char[64];

        Utf8(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void room(int more) {
            if (n + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
            }
        }

        void raw(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
        }

        /** {@code v} in decimal, as {@link Long#toString(long)} writes it. */
        void decimal(long v) {
            if (v == Long.MIN_VALUE) {
                ascii(Long.toString(v));
                return;
            }
            room(20);
            if (v < 0) {
                buf[n++] = '-';
                v = -v;
            }
            int digits = 1;
            for (long p = 10; digits < 19 && p <= v; p *= 10) {
                digits++;
            }
            for (int i = n + digits - 1; i >= n; i--) {
                buf[i] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            }
            n += digits;
        }

        /** {@link #asciiString} where {@code ascii} (the string is ASCII), else {@link #string}. */
        void string(String s, boolean ascii) {
            if (ascii) {
                asciiString(s);
            } else {
                string(s);
            }
        }

        void ascii(String s) {
            room(s.length());
            for (int i = 0; i < s.length(); i++) {
                buf[n++] = (byte) s.charAt(i);
            }
        }

        void string(String s) {
            if (s == null) {
                ascii("null");
                return;
            }
            int len = s.length();
            char[] cs = chars.length >= len ? chars : (chars = new char[Math.max(len, chars.length * 2)]);
            s.getChars(0, len, cs, 0);
            room(6 * len + 2); // at most six bytes a char (an escape), and the quotes
            byte[] o = buf;
            int k = n;
            o[k++] = '"';
            for (int i = 0; i < len; i++) {
                char c = cs[i];
                if (c < 0x80) {
                    if (c >= 0x20 && c != '"' && c != '\\') {
                        o[k++] = (byte) c;
                        continue;
                    }
                    k = escape(o, k, c);
                } else if (c < 0x800) {
                    o[k++] = (byte) (0xC0 | (c >> 6));
                    o[k++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    o[k++] = '\\';
                    k = unicodeEscape(o, k, c);
                } else {
                    o[k++] = (byte) (0xE0 | (c >> 12));
                    o[k++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    o[k++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            o[k++] = '"';
            n = k;
        }

        /**
         * {@link #string} of an ASCII string (or null): its bytes copied as they are, then, from the first one that
         * needs an escape on, written again with the escapes.
         */
        @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the chars' low bytes, the ASCII
        void asciiString(String s) {
            if (s == null) {
                ascii("null");
                return;
            }
            int len = s.length();
            room(len + 2);
            byte[] o = buf;
            int k = n;
            o[k] = '"';
            s.getBytes(0, len, o, k + 1);
            int end = k + 1 + len;
            int i = ByteScan.jsonStringStop(o, k + 1, end); // the first byte needing an escape, eight bytes a step
            if (i < end) {
                escapeAsciiBytes(i, end); // n is still where the string starts
                return;
            }
            o[k + 1 + len] = '"';
            n = k + len + 2;
        }

        /**
         * The rest of an ASCII string from the string's bytes already copied: {@code buf[from, end)} (the chars from the
         * first that needs an escape on) written again at {@code from} with the escapes, the runs between them
         * copied whole, then the closing quote. Tests compare it with Jackson's writing (markdown, code, control
         * chars, quotes, long texts).
         */
        private void escapeAsciiBytes(int from, int end) {
            int rest = end - from;
            byte[] tail = ascii.length >= rest ? ascii : (ascii = new byte[Math.max(rest, ascii.length * 2)]);
            System.arraycopy(buf, from, tail, 0, rest);
            int need = from + 6 * rest + 1;
            if (need > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, need));
            }
            byte[] o = buf;
            int k = from;
            int i = 0;
            while (i < rest) {
                int run = ByteScan.jsonStringStop(tail, i, rest); // the next byte needing an escape, or rest
                System.arraycopy(tail, i, o, k, run - i);
                k += run - i;
                if (run == rest) {
                    break;
                }
                k = escape(o, k, (char) tail[run]);
                i = run + 1;
            }
            o[k++] = '"';
            n = k;
            if (ascii.length > 1 << 16) {
                ascii = new byte[64];
            }
        }

        /** The bytes {@link #escapeAsciiBytes} reads from. */
        private byte[] ascii = new byte[64];

        /**
         * The escape of the ASCII char {@code c} (a control char, {@code "} or a backslash) at {@code k}: a backslash
         * and the short escape of b, t, n, f, r, {@code "} or the backslash, else the unicode escape; returns the next
         * index. The one escape table of {@link #string} and {@link #escapeAsciiBytes}.
         */
        private static int escape(byte[] o, int k, char c) {
            o[k++] = '\\';
            switch (c) {
                case '"' -> o[k++] = '"';
                case '\\' -> o[k++] = '\\';
                case '\b' -> o[k++] = 'b';
                case '\t' -> o[k++] = 't';
                case '\n' -> o[k++] = 'n';
                case '\f' -> o[k++] = 'f';
                case '\r' -> o[k++] = 'r';
                default -> k = unicodeEscape(o, k, c);
            }
            return k;
        }

        /** The u and four hex digits of an escape (the backslash is written); returns the next index. */
        private static int unicodeEscape(byte[] o, int k, char c) {
            o[k++] = 'u';
            o[k++] = HEX[(c >> 12) & 15];
            o[k++] = HEX[(c >> 8) & 15];
            o[k++] = HEX[(c >> 4) & 15];
            o[k++] = HEX[c & 15];
            return k;
        }

        byte[] bytes() {
            byte[] out = java.util.Arrays.copyOf(buf, n);
            if (buf.length > 1 << 16) {
                buf = new byte[256]; // not kept larger after a very long text
                chars = new char[64];
            }
            return out;
        }
    }

    /** {@link #encode} through Jackson's streaming generator (a reference form, for tests). */
    static byte[] encodeStreaming(ContextEvent e) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + (e.text == null ? 0 : e.text.length()));
        try (JsonGenerator g = JacksonMapper.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("t", e.text);
            if (e.type != null) {
                g.writeStringField("y", e.type);
            }
            if (e.ts != null) {
                g.writeStringField("s", e.ts);
            }
            g.writeNumberField("o", e.offset);
            if (e.query && e.expect != null) {
                g.writeStringField("e", e.expect);
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** The tree writing of a payload (the reference form of {@link #encode}). */
    static byte[] encodeTree(ContextEvent e) {
        ObjectNode n = JacksonMapper.MAPPER.createObjectNode();
        n.put("t", e.text);
        if (e.type != null) {
            n.put("y", e.type);
        }
        if (e.ts != null) {
            n.put("s", e.ts);
        }
        n.put("o", e.offset);
        if (e.query && e.expect != null) {
            n.put("e", e.expect);
        }
        try {
            return JacksonMapper.MAPPER.writeValueAsBytes(n);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static ContextEvent decode(byte[] payload) {
        // A streaming read of the flat object encode writes (no tree): what decodeTree gives, field for field.
        try (JsonParser p = JacksonMapper.MAPPER.getFactory().createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            ContextEvent e = new ContextEvent();
            e.offset = -1;
            boolean seenOffset = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    return decodeTree(payload); // not what encode writes: the general reading
                }
                switch (name) {
                    case "t" -> e.text = v == JsonToken.VALUE_NULL ? null : p.getValueAsString();
                    case "y" -> e.type = v == JsonToken.VALUE_NULL ? "null" : p.getValueAsString();
                    case "s" -> e.ts = v == JsonToken.VALUE_NULL ? "null" : p.getValueAsString();
                    case "e" -> e.expect = v == JsonToken.VALUE_NULL ? "null" : p.getValueAsString();
                    case "o" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT || seenOffset) {
                            return decodeTree(payload);
                        }
                        e.offset = p.getLongValue();
                        seenOffset = true;
                    }
                    default -> { }
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new IOException("truncated JSON object");
            }
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException("corrupt context payload", ex);
        }
    }

    /** The tree reading of a payload (the reference form of {@link #decode}). */
    static ContextEvent decodeTree(byte[] payload) {
        try {
            JsonNode n = JacksonMapper.MAPPER.readTree(payload);
            ContextEvent e = new ContextEvent();
            e.text = n.path("t").asText(null);
            e.type = n.has("y") ? n.get("y").asText() : null;
            e.ts = n.has("s") ? n.get("s").asText() : null;
            e.offset = n.path("o").asLong(-1);
            e.expect = n.has("e") ? n.get("e").asText() : null;
            return e;
        } catch (IOException ex) {
            throw new UncheckedIOException("corrupt context payload", ex);
        }
    }
}
