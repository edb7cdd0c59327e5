package dev.keymem.jobs.logs.mining;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * The fields of structured (JSON) log records that the log job reads, one ordered list per role, shared by the
 * record reader ({@code dev.keymem.jobs.logs.LogLineParser}) and the miner ({@link TemplateMiner}, which mines a
 * line that is itself a JSON log record, such as an application's JSON line inside Docker's {@code log} field, by
 * its message field, as it mines a raw line without its header).
 *
 * <p>A name with a dot ({@code service.name}) is looked up as that key first (ECS writes dotted keys), then as a
 * path into a nested object ({@code {"service":{"name":...}}}). Where several fields of a list are present, the
 * first of the list counts. The lists follow the formats' documentation: keymem's own {@code message} / {@code text}
 * / {@code line}; pino, bunyan, zap, zerolog, logrus, log/slog ({@code msg}); Docker's json-file driver and
 * Kubernetes node logs ({@code log}); journald's JSON export ({@code MESSAGE}, {@code SYSLOG_IDENTIFIER},
 * {@code _SYSTEMD_UNIT}, {@code __REALTIME_TIMESTAMP}); Elastic ECS and logstash ({@code message},
 * {@code @timestamp}, {@code service.name}); structlog ({@code event}); Serilog's compact format ({@code @m},
 * {@code @mt}, {@code @t}); Google Cloud Logging ({@code textPayload}, {@code jsonPayload.message}); GELF
 * ({@code short_message}); OpenTelemetry's log record ({@code body}). Which text field holds a bare message (no
 * header in front of it: the record holds the time, level and logger in other fields) and which a whole line is
 * decided per field and format ({@link #bare}; the reader marks its line so, and the miner and the summarizer then
 * cut no header off it).
 */
public final class JsonLogFields {
    private JsonLogFields() {
    }

    /** Where the line's text is: the first of these holding a string that is not blank. */
    public static final List<String> TEXT = List.of("message", "text", "line", "msg", "log", "MESSAGE", "event",
            "@m", "@message", "textPayload", "jsonPayload.message", "short_message", "body", "@mt", "Message",
            "body.stringValue", "Body");

    /**
     * The {@link #TEXT} fields whose string is a bare message: what the logger was asked to log, without the header
     * (time stamp, level, logger, host, program) a raw line puts in front of it, as the record holds those in other
     * fields: pino, bunyan, zap, zerolog, logrus, slog {@code msg}; structlog {@code event}; Serilog's rendered
     * {@code @m} and template {@code @mt}; Google Cloud Logging's {@code jsonPayload.message} (a structured
     * payload); journald's {@code MESSAGE} (the syslog identifier, pid and priority
     * are fields), except one that came from a service's standard output ({@code _TRANSPORT} {@code stdout}:
     * the program's own line, header and all); GELF's {@code short_message}, except from Docker's GELF driver
     * (a record with {@code _container_id}: a container's output line). See {@link #bare}.
     */
    public static final List<String> BARE = List.of("msg", "event", "@m", "@mt", "jsonPayload.message",
            "MESSAGE", "short_message");

    /**
     * OpenTelemetry's log record body ({@code body}, OTLP JSON's {@code body.stringValue}, ClickHouse's
     * {@code Body}): a bare message where the record holds a severity ({@link #SEVERITY}: a text that is not blank,
     * or a number above 0, OpenTelemetry's "unspecified"; or a {@link #LEVEL} field), as an SDK's log bridge writes
     * it; else a whole line, as the collector's filelog receiver writes a file's line when no parser took its
     * severity out of it (docs/jobs.md).
     */
    public static final List<String> OTEL_BODY = List.of("body", "body.stringValue", "Body");

    /** OpenTelemetry's severity fields (OTLP JSON, the collector's snake case, ClickHouse's columns). */
    public static final List<String> SEVERITY = List.of("severityText", "severityNumber", "severity_text",
            "severity_number", "SeverityText", "SeverityNumber");

    /**
     * The {@link #TEXT} fields whose string is a bare message where the record also holds a level
     * ({@link #LEVEL}), else a whole line: a logger that writes the level as a field writes the message alone
     * (ECS loggers: {@code message} with {@code log.level}; logstash-logback-encoder, winston, python-json-logger,
     * log4j2's JSON layouts: {@code message} with {@code level} or {@code levelname}; .NET's JSON console:
     * {@code Message} with {@code LogLevel}), where keymem's own records ({@code message}, {@code text}) and a
     * shipper's record of a raw line (Filebeat's ECS {@code message}, CloudWatch's {@code @message}) carry the
     * whole line and no level. The other text fields ({@code line}, Docker's and Kubernetes' {@code log},
     * Google Cloud Logging's {@code textPayload}: a container's output line) are whole lines.
     */
    public static final List<String> BARE_WITH_LEVEL = List.of("message", "Message", "@message", "text");

    /** The fields that hold a record's level (see {@link #BARE_WITH_LEVEL}): a string or a number. */
    public static final List<String> LEVEL = List.of("level", "log.level", "severity", "levelname", "LogLevel",
            "@l", "lvl", "loglevel", "log_level");

    /** journald's field of how it received the entry ({@code stdout}: a service's output line; see {@link #BARE}). */
    static final String TRANSPORT = "_TRANSPORT";

    /** The field Docker's GELF logging driver adds to every record (see {@link #BARE}). */
    static final String CONTAINER_ID = "_container_id";

    /**
     * The fields besides {@link #TEXT} that {@link #bare} reads ({@link #LEVEL}, {@link #TRANSPORT},
     * {@link #CONTAINER_ID}): a reader that keeps only some fields of a record keeps these too.
     */
    public static final List<String> BARE_SIGNS = java.util.stream.Stream.of(LEVEL, SEVERITY,
            List.of(TRANSPORT, CONTAINER_ID)).flatMap(List::stream).toList();

    /**
     * Whether the string of text field {@code field} (the one of {@link #TEXT} that {@link #findName} took) of the
     * record {@code n} is a bare message, by the field and the record's other fields: a {@link #BARE} field unless
     * it is journald's {@code MESSAGE} of an entry received from a standard output or GELF's
     * {@code short_message} of a record from Docker's GELF driver; an {@link #OTEL_BODY} field where the record
     * holds a severity ({@link #SEVERITY}) or a level; a {@link #BARE_WITH_LEVEL} field where the
     * record holds a level (a string that is not blank or a number in a {@link #LEVEL} field); no other field.
     */
    public static boolean bare(JsonNode n, String field) {
        if (field == null) {
            return false;
        }
        switch (field) {
            case "MESSAGE" -> {
                JsonNode t = n.get(TRANSPORT);
                return t == null || !t.isTextual() || !t.asText().equals("stdout");
            }
            case "short_message" -> {
                return n.get(CONTAINER_ID) == null;
            }
            default -> {
                if (BARE.contains(field)) {
                    return true;
                }
                if (OTEL_BODY.contains(field)) {
                    for (String name : SEVERITY) {
                        JsonNode v = field(n, name, false);
                        if (v != null && (v.isNumber() ? v.asDouble() > 0 : level(v))) {
                            return true;
                        }
                    }
                    return hasLevel(n);
                }
                return BARE_WITH_LEVEL.contains(field) && hasLevel(n);
            }
        }
    }

    /** Whether record {@code n} holds a level: a string that is not blank or a number in a {@link #LEVEL} field. */
    private static boolean hasLevel(JsonNode n) {
        for (String name : LEVEL) {
            if (level(field(n, name, false)) || level(field(n, name, true))) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code v} is a level's value: a number, or a string that is not blank. */
    private static boolean level(JsonNode v) {
        return v != null && (v.isNumber() || (v.isTextual() && !v.asText().isBlank()));
    }

    /**
     * Where the line's source (its key: summaries are per source) is: the first of these holding a string that is
     * not blank; after {@code source} a service (OpenTelemetry's {@code service.name} resource attribute, nested in a
     * flattened record's {@code resource}; ClickHouse's {@code ServiceName}), program, unit, application,
     * container or logger name.
     */
    public static final List<String> SOURCE = List.of("source", "service.name", "resource.service.name",
            "ServiceName", "service", "SYSLOG_IDENTIFIER",
            "_SYSTEMD_UNIT", "app", "application", "container_name", "kubernetes.container_name", "logger",
            "logger_name", "name");

    /**
     * Where the line's time stamp is: the first of these holding an ISO-8601 string or an epoch time (a number, or
     * a string of digits as journald and OpenTelemetry's OTLP JSON write them); see {@code LogLineParser} for the
     * units.
     */
    public static final List<String> TIME = List.of("timestamp", "ts", "@timestamp", "time", "@t",
            "__REALTIME_TIMESTAMP", "timeUnixNano", "time_unix_nano", "observedTimeUnixNano",
            "observed_time_unix_nano");

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * The message of a line that is a JSON object (nothing but whitespace around it): the string of its first
     * {@link #TEXT} field that holds one that is not blank; null when the line is no JSON object, does not parse, or
     * has no such field (the line is then mined as it is). Read token by token (jackson-core); a repeated key's
     * last value counts, as in Jackson's tree ({@link #messageReference}, the reference form).
     */
    static String message(String line) {
        int n = line.length();
        int i = 0;
        while (i < n && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        int e = n;
        while (e > i && Character.isWhitespace(line.charAt(e - 1))) {
            e--;
        }
        if (e - i < 2 || line.charAt(i) != '{' || line.charAt(e - 1) != '}') {
            return null;
        }
        // slot 2k: TEXT[k] as a key of the object; 2k + 1: TEXT[k] as a path into a nested object
        String[] slots = new String[2 * TEXT.size()];
        try (JsonParser p = FACTORY.createParser(i == 0 && e == n ? line : line.substring(i, e))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int k = TEXT.indexOf(name);
                if (k >= 0) {
                    slots[2 * k] = v == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                boolean parent = false;
                for (int j = 0; j < TEXT.size(); j++) { // paths into this value: reset, then read when an object
                    String f = TEXT.get(j);
                    if (f.length() > name.length() + 1 && f.charAt(name.length()) == '.' && f.startsWith(name)) {
                        slots[2 * j + 1] = null;
                        parent = true;
                    }
                }
                if (v == JsonToken.START_OBJECT && parent) {
                    nested(p, name, slots);
                } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (IOException | RuntimeException ex) {
            return null;
        }
        for (String s : slots) {
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    /**
     * What the miner mines of a line that is a JSON object: its {@link #message}; for one without a message field
     * (an audit or event record), its fields as {@code key=value} tokens ({@link #fields}); null for a line that is
     * no JSON object (mined as it is).
     */
    static String mined(String line) {
        String m = message(line);
        return m != null ? m : fields(line);
    }

    /**
     * A JSON object's fields as logfmt-like tokens, one per scalar, in the object's order: the key (the path of a
     * nested field, dotted), {@code =} and the value (a string as it is, quoted where it holds whitespace or is
     * empty; other values as JSON writes them; an array as compact JSON), so that the miner takes a field's
     * value for a value ({@code TemplateMiner#fieldForm}) instead of mining compact JSON, whose pairs share one
     * token; null when {@code line} is no JSON object. Read through Jackson's tree (a repeated key's last value
     * counts, at the first one's place).
     */
    static String fields(String line) {
        JsonNode n = object(line);
        if (n == null || n.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        append(sb, "", n);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String prefix, JsonNode object) {
        java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            java.util.Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject() && !v.isEmpty()) {
                append(sb, key + ".", v);
                continue;
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(key).append('=');
            if (v.isTextual()) {
                String t = v.asText();
                boolean quote = t.isEmpty();
                for (int i = 0; i < t.length() && !quote; i++) {
                    quote = Character.isWhitespace(t.charAt(i));
                }
                sb.append(quote ? "\"" : "").append(t).append(quote ? "\"" : "");
            } else {
                sb.append(v.isContainerNode() ? v.toString() : v.asText());
            }
        }
    }

    /** Reads the object value of field {@code parent} (the parser at its start), filling the path slots. */
    private static void nested(JsonParser p, String parent, String[] slots) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String path = parent + "." + p.currentName();
            JsonToken v = p.nextToken();
            int k = TEXT.indexOf(path);
            if (k >= 0) {
                slots[2 * k + 1] = v == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
    }

    /**
     * {@code line} (whitespace around it aside) as a JSON object through Jackson's tree; null when it is none or
     * does not parse.
     */
    private static JsonNode object(String line) {
        String s = line.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            return null;
        }
        JsonNode n;
        try {
            n = Mapper.JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValue(s);
        } catch (Exception e) {
            return null;
        }
        return n != null && n.isObject() ? n : null;
    }

    /** {@link #message} through Jackson's tree and {@link #find} (the reference form). */
    static String messageReference(String line) {
        JsonNode n = object(line);
        if (n == null) {
            return null;
        }
        JsonNode f = find(n, TEXT);
        return f == null ? null : f.asText();
    }

    /**
     * The first field of {@code names} in object {@code n} that holds a string that is not blank (a dotted name:
     * the key itself, else the path), or null.
     */
    public static JsonNode find(JsonNode n, List<String> names) {
        for (String name : names) {
            JsonNode f = text(n, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    /** The name of the field {@link #find} takes (the first of {@code names} holding a string that is not blank), or null. */
    public static String findName(JsonNode n, List<String> names) {
        for (String name : names) {
            if (text(n, name) != null) {
                return name;
            }
        }
        return null;
    }

    /**
     * The value of field {@code name} of object {@code n} (the key itself, else the path its dots describe) where
     * it is a string that is not blank, else null.
     */
    public static JsonNode text(JsonNode n, String name) {
        JsonNode f = field(n, name, false);
        if (f != null && f.isTextual() && !f.asText().isBlank()) {
            return f;
        }
        f = field(n, name, true);
        return f != null && f.isTextual() && !f.asText().isBlank() ? f : null;
    }

    /**
     * The value of field {@code name} of object {@code n}: with {@code path} false the key itself, with it true
     * the path its dots describe (null for a name without a dot); null when absent.
     */
    private static JsonNode field(JsonNode n, String name, boolean path) {
        if (!path) {
            return n.get(name);
        }
        int dot = name.indexOf('.');
        if (dot < 0) {
            return null;
        }
        JsonNode parent = n.get(name.substring(0, dot));
        return parent != null && parent.isObject() ? parent.get(name.substring(dot + 1)) : null;
    }

    /** The tree reader of the reference form, initialized on first use. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }
}
