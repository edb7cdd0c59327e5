package dev.keymem.jobs.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordParsers;

/**
 * One user event, as a JSON line:
 * <pre>{@code
 * {"user":"u0042","text":"I moved to Lisbon.","type":"profile","ts":"2026-01-15T08:00:03Z"}
 * {"user":"u0042","text":"Which city do I live in?","query":true,"expect":"Lisbon","ts":"..."}
 * }</pre>
 * {@code user} and {@code text} are required (non-blank strings); {@code type}, {@code query} (default
 * false), {@code expect} (the answer a query should find, for tests and the demo) and {@code ts} are
 * optional. A Flink POJO.
 */
public class UserEvent {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** User id (the stream key). */
    public String user;
    /** What the user said or asked. */
    public String text;
    /** Optional kind, e.g. profile, preference, chat. */
    public String type;
    /** Whether this event asks the memory something. */
    public boolean query;
    /** For queries: the expected answer, or null. */
    public String expect;
    /** Optional ISO-8601 time. */
    public String ts;

    /** For Flink's POJO serializer. */
    public UserEvent() {
    }

    /** A statement. */
    public static UserEvent statement(String user, String text, String type) {
        UserEvent e = new UserEvent();
        e.user = user;
        e.text = text;
        e.type = type;
        return e;
    }

    /** A query with its expected answer. */
    public static UserEvent query(String user, String text, String expect) {
        UserEvent e = new UserEvent();
        e.user = user;
        e.text = text;
        e.type = "query";
        e.query = true;
        e.expect = expect;
        return e;
    }

    UserEvent withTimestamp(String ts) {
        UserEvent e = new UserEvent();
        e.user = user;
        e.text = text;
        e.type = type;
        e.query = query;
        e.expect = expect;
        e.ts = ts;
        return e;
    }

    /** The JSON line (fields that are null or false are left out). */
    public String toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("user", user);
        n.put("text", text);
        if (type != null) {
            n.put("type", type);
        }
        if (query) {
            n.put("query", true);
        }
        if (expect != null) {
            n.put("expect", expect);
        }
        if (ts != null) {
            n.put("ts", ts);
        }
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses one JSON line.
     *
     * @throws InvalidRecordException naming what is wrong (not JSON, not an object, missing or blank
     *     {@code user}/{@code text}, a field of the wrong type)
     */
    public static UserEvent parse(String json) throws InvalidRecordException {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRecordException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new InvalidRecordException("not a JSON object");
        }
        UserEvent e = new UserEvent();
        e.user = requiredText(n, "user");
        e.text = requiredText(n, "text");
        e.type = optionalText(n, "type");
        e.expect = optionalText(n, "expect");
        e.ts = optionalText(n, "ts");
        JsonNode q = n.get("query");
        if (q != null && !q.isNull()) {
            if (!q.isBoolean()) {
                throw new InvalidRecordException("field 'query' must be true or false, got " + q);
            }
            e.query = q.booleanValue();
        }
        return e;
    }

    /** A record parser: strict UTF-8 of at most {@code maxBytes} bytes, then {@link #parse}. */
    public static RecordParser<UserEvent> parser(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        return record -> parse(RecordParsers.decode(record, maxBytes));
    }

    private static String requiredText(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRecordException("missing field '" + field + "'");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new InvalidRecordException("field '" + field + "' must be a non-blank string, got " + v);
        }
        return v.asText();
    }

    private static String optionalText(JsonNode n, String field) throws InvalidRecordException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRecordException("field '" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof UserEvent)) {
            return false;
        }
        UserEvent e = (UserEvent) o;
        return query == e.query && Objects.equals(user, e.user) && Objects.equals(text, e.text) && Objects.equals(type, e.type)
                && Objects.equals(expect, e.expect) && Objects.equals(ts, e.ts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(user, text, type, query, expect, ts);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
