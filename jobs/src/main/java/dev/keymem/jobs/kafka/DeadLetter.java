package dev.keymem.jobs.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A record that a job could not process, with the reason and the record's coordinates.
 *
 * <p>Written to the dead-letter topic as one JSON object:
 * <pre>{@code
 * {"reason":"...","topic":"logs","partition":0,"offset":42,"key":"svc-a",
 *  "timestamp":1700000000000,"value":"raw text"}            // value valid UTF-8
 * {"reason":"...", ..., "valueBase64":"AAEC..."}              // otherwise
 * }</pre>
 * A null key or value is written as JSON null ({@code "value":null}). The dead-letter record's Kafka key
 * is the original key, so it lands beside its key's other dead letters. The JSON is bounded: at most
 * {@link RecordLimits#deadLetterValueBytes()} bytes of the value are carried (cut at a character
 * boundary; then {@code "value_truncated":true} and {@code "value_bytes":N}, the original size, follow), the
 * reason and the key at most {@value #MAX_REASON_CHARS} characters each.
 *
 * <p>A Flink POJO (public fields) so it can travel through a side output.
 */
public class DeadLetter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why the record was rejected: a sentence naming the bad input. */
    public String reason;
    /** Source topic. */
    public String topic;
    /** Source partition. */
    public int partition;
    /** Source offset. */
    public long offset;
    /** Source key decoded as UTF-8, or null. */
    public String key;
    /** Source record timestamp (ms). */
    public long timestamp;
    /** Raw value bytes, or null. */
    public byte[] value;

    /** For Flink's POJO serializer. */
    public DeadLetter() {
    }

    /** A dead letter for {@code record}, rejected because of {@code reason}. */
    public static DeadLetter of(KafkaRecord record, String reason) {
        Objects.requireNonNull(record, "record");
        DeadLetter d = new DeadLetter();
        d.reason = Objects.requireNonNull(reason, "reason");
        d.topic = record.topic;
        d.partition = record.partition;
        d.offset = record.offset;
        d.key = record.keyString();
        d.timestamp = record.timestamp;
        d.value = record.value;
        return d;
    }

    /** Longest reason or key carried, in characters. */
    public static final int MAX_REASON_CHARS = 1024;

    /** The JSON form written to the dead-letter topic, with the default value limit (see the class comment). */
    public String toJson() {
        return toJson(RecordLimits.defaults().deadLetterValueBytes());
    }

    /** The JSON form written to the dead-letter topic, carrying at most {@code maxValueBytes} of the value. */
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
                n.put("value", whole ? text : RecordLimits.prefix(value, maxValueBytes));
            } else {
                n.put("valueBase64", Base64.getEncoder().encodeToString(whole ? value
                        : java.util.Arrays.copyOf(value, maxValueBytes)));
            }
            if (!whole) {
                n.put("value_truncated", true);
                n.put("value_bytes", value.length);
            }
        }
        return n.toString();
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_REASON_CHARS ? s : s.substring(0, MAX_REASON_CHARS - 1) + "\u2026";
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
            if (d.reason == null || d.topic == null) {
                throw new IllegalArgumentException("missing 'reason' or 'topic'");
            }
            return d;
        } catch (Exception e) {
            throw new IllegalArgumentException("not a dead-letter JSON object: " + abbreviate(json) + " (" + e.getMessage() + ")", e);
        }
    }

    /** The value as UTF-8 text, or null when it is null or not valid UTF-8. */
    public String valueText() {
        return value == null ? null : strictUtf8(value);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() <= 120 ? "'" + s + "'" : "'" + s.substring(0, 117) + "...'";
    }

    @Override
    public String toString() {
        return "DeadLetter{" + topic + "-" + partition + "@" + offset + ", key=" + key + ", reason=" + reason + "}";
    }
}
