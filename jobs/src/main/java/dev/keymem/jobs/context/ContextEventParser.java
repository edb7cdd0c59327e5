package dev.keymem.jobs.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.InvalidRecordException;
import java.io.Serializable;

/**
 * Parses a user event: a JSON object with {@code user} (else the record key), {@code text}, optional
 * {@code type}, {@code query} (boolean; {@code type: "query"} also marks a query), {@code expect} and
 * {@code ts}. Rejects (reason to the dead-letter topic): invalid JSON, a non-object, no user, no text.
 */
public final class ContextEventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ContextEvent parse(String key, String value, long offset) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("value is blank");
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            int nl = m.indexOf('\n');
            throw new InvalidRecordException("value is not valid JSON: " + (nl < 0 ? m : m.substring(0, nl)));
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("value is not a JSON object");
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
        return f != null && f.isTextual() ? dev.keymem.jobs.kafka.RecordParsers.wellFormed(f.asText()) : null;
    }
}
