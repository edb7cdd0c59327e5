package dev.keymem.operators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;

/**
 * A record that was refused, with the reason and its coordinates: the one dead-letter type of keymem, for
 * the memory operators (a refused record: its key, the key's stream position when it arrived and its token
 * count, emitted on {@link KeyedMemoryFunction#DEAD_LETTERS}) and for the jobs (a record that could not be
 * parsed or processed: its source topic, partition, offset, key, timestamp and raw value).
 *
 * <p>{@link #toJson} is the form written to a dead-letter topic or file, one JSON object:
 * <pre>{@code
 * {"reason":"...","topic":"logs","partition":0,"offset":42,"key":"svc-a",
 *  "timestamp":1700000000000,"value":"raw text"}            // value valid UTF-8
 * {"reason":"...", ..., "valueBase64":"AAEC..."}              // otherwise
 * {"reason":"...", ..., "position":1200,"tokens":5000}        // refused by a memory operator
 * }</pre>
 * A null key or value is written as JSON null ({@code "value":null}); {@code position} and {@code tokens}
 * appear only for a record a memory refused ({@code position >= 0}). The JSON is bounded: at most the given
 * number of bytes of the value are carried (cut at a character boundary; then {@code "value_truncated":true}
 * and {@code "value_bytes":N}, the original size, follow), the reason and the key at most
 * {@value #MAX_REASON_CHARS} characters each.
 *
 * <p>A Flink POJO (public fields), so it travels through side outputs without Kryo.
 */
@PublicEvolving
public class DeadLetter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Longest reason or key carried in the JSON form, in characters. */
    public static final int MAX_REASON_CHARS = 1024;

    /** Bytes of the value {@link #toJson()} carries. */
    public static final int DEFAULT_VALUE_BYTES = 4096;

    /** The record's key (decoded as UTF-8 for a source record), or null. */
    public String key;
    /** Tokens (events) the key's memory had absorbed when the record arrived; -1 when not refused by a memory. */
    public long position = -1;
    /** Tokens in the refused record (-1 when it had none at all, or when not refused by a memory). */
    public int tokens = -1;
    /** Why the record was refused: a sentence naming the bad input. */
    public String reason;
    /** Source topic, or null. */
    public String topic;
    /** Source partition. */
    public int partition;
    /** Source offset. */
    public long offset;
    /** Source record timestamp (ms). */
    public long timestamp;
    /** Raw value bytes, or null. */
    public byte[] value;

    /** For Flink's POJO serializer. */
    public DeadLetter() {
    }

    /** A record of {@code key} a memory refused at the key's {@code position}. */
    public DeadLetter(String key, long position, int tokens, String reason) {
        this.key = key;
        this.position = position;
        this.tokens = tokens;
        this.reason = reason;
    }

    /** A source record (topic, partition, offset, key, timestamp, raw value) refused for {@code reason}. */
    public static DeadLetter ofSource(String topic, int partition, long offset, String key, long timestamp,
                                      byte[] value, String reason) {
        DeadLetter d = new DeadLetter();
        d.reason = Objects.requireNonNull(reason, "reason");
        d.topic = topic;
        d.partition = partition;
        d.offset = offset;
        d.key = key;
        d.timestamp = timestamp;
        d.value = value;
        return d;
    }

    /** The JSON form with the default value limit (see the class comment). */
    public String toJson() {
        return toJson(DEFAULT_VALUE_BYTES);
    }

    /** The JSON form, carrying at most {@code maxValueBytes} of the value. */
    public String toJson(int maxValueBytes) {
        ObjectNode n = JSON.createObjectNode();
        n.put("reason", cut(reason));
        n.put("topic", topic);
        n.put("partition", partition);
        n.put("offset", offset);
        n.put("key", cut(key));
        n.put("timestamp", timestamp);
        if (value == null) {
            n.putNull("value");
        } else {
            boolean whole = value.length <= maxValueBytes;
            String text = strictUtf8(value);
            if (text != null) {
                n.put("value", whole ? text : Utf8Prefix.prefix(value, maxValueBytes));
            } else {
                n.put("valueBase64", Base64.getEncoder().encodeToString(whole ? value
                        : Arrays.copyOf(value, maxValueBytes)));
            }
            if (!whole) {
                n.put("value_truncated", true);
                n.put("value_bytes", value.length);
            }
        }
        if (position >= 0) {
            n.put("position", position);
            n.put("tokens", tokens);
        }
        return n.toString();
    }

    /** Parses the JSON form back; fails with the offending text on anything else. */
    public static DeadLetter fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            DeadLetter d = new DeadLetter();
            d.reason = text(n, "reason");
            d.topic = text(n, "topic");
            d.partition = n.path("partition").asInt();
            d.offset = n.path("offset").asLong();
            d.key = text(n, "key");
            d.timestamp = n.path("timestamp").asLong();
            if (n.hasNonNull("valueBase64")) {
                d.value = Base64.getDecoder().decode(n.get("valueBase64").asText());
            } else if (n.hasNonNull("value")) {
                d.value = n.get("value").asText().getBytes(StandardCharsets.UTF_8);
            }
            if (n.hasNonNull("position")) {
                d.position = n.get("position").asLong();
                d.tokens = n.path("tokens").asInt(-1);
            }
            if (d.reason == null || (d.topic == null && d.position < 0)) {
                throw new IllegalArgumentException("missing 'reason', or both 'topic' and 'position'");
            }
            return d;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a dead-letter JSON object: " + abbreviate(json) + " ("
                    + e.getMessage() + ")", e);
        }
    }

    /** The value as UTF-8 text, or null when it is null or not valid UTF-8. */
    public String valueText() {
        return value == null ? null : strictUtf8(value);
    }

    /** {@code bytes} as UTF-8 text, or null when they are not valid UTF-8. */
    public static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS - 1) + "\u2026";
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 120 ? "'" + s + "'" : "'" + s.substring(0, 117) + "...'";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeadLetter d && Objects.equals(key, d.key) && position == d.position
                && tokens == d.tokens && Objects.equals(reason, d.reason) && Objects.equals(topic, d.topic)
                && partition == d.partition && offset == d.offset && timestamp == d.timestamp
                && Arrays.equals(value, d.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, position, tokens, reason, topic, partition, offset);
    }

    @Override
    public String toString() {
        if (topic == null && position >= 0) {
            return "record of key '" + key + "' at position " + position + " (" + tokens + " tokens) refused: " + reason;
        }
        return "DeadLetter{" + topic + "-" + partition + "@" + offset + ", key=" + key + ", reason=" + reason + "}";
    }
}
