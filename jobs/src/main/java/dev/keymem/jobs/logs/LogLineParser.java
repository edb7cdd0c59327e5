package dev.keymem.jobs.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.InvalidRecordException;
import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one input value into a {@link LogLine}.
 *
 * <ul>
 *   <li>A value starting with <code>{</code> is JSON: {@code source} (required unless a fixed source is
 *       set), the line in {@code message}, {@code text} or {@code line}, and optionally {@code timestamp}
 *       / {@code ts} (ISO-8601 or epoch milliseconds).</li>
 *   <li>Anything else is a raw line. Its source is the fixed source when one is set, else the Kafka record
 *       key when there is one, else the program name of a syslog-like prefix
 *       ({@code <timestamp> <LEVEL> name[pid]:}), else {@code "default"}. A leading ISO-8601 timestamp is
 *       taken as the line's timestamp.</li>
 * </ul>
 * Rejected (the reason goes to the dead-letter topic): blank values, JSON that does not parse, JSON
 * without a text field or without a source.
 */
public final class LogLineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROGRAM = Pattern.compile("^\\S+\\s+[A-Z]+\\s+([A-Za-z0-9_.-]+)\\[\\d+\\]:");
    private static final Pattern LEADING_TS = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}T\\S+)");

    private final String fixedSource;

    /** @param fixedSource the source of every raw line (and of JSON lines without one), or null */
    public LogLineParser(String fixedSource) {
        this.fixedSource = fixedSource == null || fixedSource.isBlank() ? null : fixedSource;
    }

    /** Parses one value; {@code key} is the record key (may be null). */
    public LogLine parse(String key, String value, long offset, long recordTimestamp) throws InvalidRecordException {
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("value is blank");
        }
        String v = value.strip();
        if (v.startsWith("{")) {
            JsonNode n;
            try {
                n = JSON.readTree(v);
            } catch (Exception e) {
                throw new InvalidRecordException("value is not valid JSON: " + firstLine(e.getMessage()));
            }
            if (n == null || !n.isObject()) {
                throw new InvalidRecordException("value is not a JSON object");
            }
            String text = text(n, "message", "text", "line");
            if (text == null || text.isBlank()) {
                throw new InvalidRecordException("JSON log record has no text (fields message, text or line)");
            }
            String source = text(n, "source");
            if (source == null || source.isBlank()) {
                source = fixedSource != null ? fixedSource : key;
            }
            if (source == null || source.isBlank()) {
                throw new InvalidRecordException("JSON log record has no source field");
            }
            long ts = recordTimestamp;
            JsonNode t = n.has("timestamp") ? n.get("timestamp") : n.get("ts");
            if (t != null && t.isNumber()) {
                ts = t.asLong();
            } else if (t != null && t.isTextual()) {
                ts = parseInstant(t.asText(), recordTimestamp);
            }
            return new LogLine(source, text, offset, ts);
        }
        String source = fixedSource;
        if (source == null && key != null && !key.isBlank()) {
            source = key;
        }
        if (source == null) {
            Matcher m = PROGRAM.matcher(v);
            source = m.find() ? m.group(1) : "default";
        }
        long ts = recordTimestamp;
        Matcher m = LEADING_TS.matcher(v);
        if (m.find()) {
            ts = parseInstant(m.group(1), recordTimestamp);
        }
        return new LogLine(source, value, offset, ts);
    }

    private static String text(JsonNode n, String... names) {
        for (String name : names) {
            JsonNode f = n.get(name);
            if (f != null && f.isTextual()) {
                return dev.keymem.jobs.kafka.RecordParsers.wellFormed(f.asText());
            }
        }
        return null;
    }

    private static long parseInstant(String s, long dflt) {
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            return dflt;
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
