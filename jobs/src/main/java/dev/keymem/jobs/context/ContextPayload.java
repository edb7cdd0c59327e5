package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the context job keeps with an event in the memory (and carries with a query into its answer): the
 * event's fields as a small JSON object, UTF-8: {@code t} text (as written), {@code y} type, {@code s} ts,
 * {@code o} offset, {@code e} expect (queries). Absent fields are left out.
 */
final class ContextPayload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ContextPayload() {
    }

    /**
     * The payload of {@code e}, written by hand: byte for byte what Jackson's UTF-8 generator writes
     * ({@link #encodeStreaming}; tests compare the two): UTF-8, {@code "} and {@code \} after a backslash, the
     * control characters below U+0020 as the short escapes of b, t, n, f, r or six-character unicode escapes
     * (upper-case hex), and each surrogate char likewise escaped on its own (Jackson's default).
     */
    static byte[] encode(ContextEvent e) {
        Utf8 b = new Utf8(48 + (e.text == null ? 0 : e.text.length() + (e.text.length() >> 2))
                + (e.type == null ? 0 : e.type.length()) + (e.ts == null ? 0 : e.ts.length()));
        b.ascii("{\"t\":");
        b.string(e.text);
        if (e.type != null) {
            b.ascii(",\"y\":");
            b.string(e.type);
        }
        if (e.ts != null) {
            b.ascii(",\"s\":");
            b.string(e.ts);
        }
        b.ascii(",\"o\":");
        b.ascii(Long.toString(e.offset));
        if (e.query && e.expect != null) {
            b.ascii(",\"e\":");
            b.string(e.expect);
        }
        b.ascii("}");
        return b.bytes();
    }

    /** A growing byte buffer of JSON text, UTF-8. */
    private static final class Utf8 {
        private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        private byte[] buf;
        private int n;

        Utf8(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void room(int more) {
            if (n + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
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
            room(s.length() + 2);
            buf[n++] = '"';
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x80) {
                    if (c >= 0x20 && c != '"' && c != '\\') {
                        room(2); // the closing quote stays reserved
                        buf[n++] = (byte) c;
                        continue;
                    }
                    room(7);
                    buf[n++] = '\\';
                    switch (c) {
                        case '"' -> buf[n++] = '"';
                        case '\\' -> buf[n++] = '\\';
                        case '\b' -> buf[n++] = 'b';
                        case '\t' -> buf[n++] = 't';
                        case '\n' -> buf[n++] = 'n';
                        case '\f' -> buf[n++] = 'f';
                        case '\r' -> buf[n++] = 'r';
                        default -> unicodeEscape(c);
                    }
                } else if (c < 0x800) {
                    room(3);
                    buf[n++] = (byte) (0xC0 | (c >> 6));
                    buf[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    room(7);
                    buf[n++] = '\\';
                    unicodeEscape(c);
                } else {
                    room(4);
                    buf[n++] = (byte) (0xE0 | (c >> 12));
                    buf[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    buf[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            room(1);
            buf[n++] = '"';
        }

        /** The u and four hex digits of an escape (the backslash is written). */
        private void unicodeEscape(char c) {
            buf[n++] = 'u';
            buf[n++] = HEX[(c >> 12) & 15];
            buf[n++] = HEX[(c >> 8) & 15];
            buf[n++] = HEX[(c >> 4) & 15];
            buf[n++] = HEX[c & 15];
        }

        byte[] bytes() {
            return java.util.Arrays.copyOf(buf, n);
        }
    }

    /** {@link #encode} through Jackson's streaming generator (a reference form, for tests). */
    static byte[] encodeStreaming(ContextEvent e) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + (e.text == null ? 0 : e.text.length()));
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
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
        ObjectNode n = JSON.createObjectNode();
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
            return JSON.writeValueAsBytes(n);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static ContextEvent decode(byte[] payload) {
        // A streaming read of the flat object encode writes (no tree): what decodeTree gives, field for field.
        try (JsonParser p = JSON.getFactory().createParser(payload)) {
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
            JsonNode n = JSON.readTree(payload);
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
