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

    static byte[] encode(ContextEvent e) {
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
