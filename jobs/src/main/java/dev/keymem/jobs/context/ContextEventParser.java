package dev.keymem.jobs.context;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * Parses a user event: a JSON object with {@code user} (else the record key), {@code text}, optional
 * {@code type}, {@code query} (boolean; {@code type: "query"} also marks a query), {@code expect} and
 * {@code ts}. Rejects (reason to the dead-letter topic): invalid JSON, a non-object, no user, no text.
 *
 * <p>An object of scalar fields is read with Jackson's streaming parser; anything else (nested values, a
 * {@code query} that is not a boolean, any parse error) is read again as a tree ({@link #parseTree}, the
 * reference form), so results and rejection reasons are the tree reading's in every case.
 */
public final class ContextEventParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The fields the event is built from: JSON strings as read (null: absent or not a string). */
    private static final class Fields {
        String user;
        String text;
        String type;
        String expect;
        String ts;
        boolean query;
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
     * holds no byte order mark), and the streaming reading reads the bytes, not a decoded string. Other values
     * take the reference way. The record's offset is the event's; topic and partition are left to the caller.
     */
    public ContextEvent parse(String key, KafkaRecord record, int maxBytes) throws InvalidRecordException {
        byte[] b = record.value;
        if (b == null || b.length > maxBytes || !ascii(b)) {
            return parse(key, RecordParsers.decode(record, maxBytes), record.offset);
        }
        if (blank(b)) {
            throw new InvalidRecordException("value is blank");
        }
        Fields f = streamed(null, b);
        return f != null ? event(f, key, record.offset)
                : parseTree(key, new String(b, StandardCharsets.ISO_8859_1), record.offset);
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
    private static Fields streamed(String value, byte[] bytes) {
        try (JsonParser p = value != null ? JSON.getFactory().createParser(value)
                : JSON.getFactory().createParser(bytes)) {
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
            return t == JsonToken.END_OBJECT ? f : null;
        } catch (Exception e) {
            return null; // the tree reading gives the reason
        }
    }

    private static ContextEvent event(Fields f, String key, long offset) throws InvalidRecordException {
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
        return f != null && f.isTextual() ? RecordParsers.wellFormed(f.asText()) : null;
    }
}
