package dev.keymem.jobs.context;

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
