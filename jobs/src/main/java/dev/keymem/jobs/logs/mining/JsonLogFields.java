package dev.keymem.jobs.logs.mining;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.ByteScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * The fields a reader of a record's bytes keeps: {@link #TEXT}, {@link #SOURCE}, {@link #TIME} and
     * {@link #BARE_SIGNS}, each name once, in that order; a name's index here is its slot in a record read as
     * slots ({@link #slot}). A record read so is flat (no nested object or array: a dotted name is then only a
     * key, its path holds nothing), and the slot forms below ({@link #text(JsonNode[])}, {@link #source},
     * {@link #bare(JsonNode[], int)}) give what their tree forms give on the tree of that record (the tree keeps
     * a repeated key's last value; so must the reader), with an array look-up where the tree form looks each name
     * of a list up in the object's map. {@code LogLineParserBytesTest} compares the two.
     */
    public static final List<String> READ = java.util.stream.Stream.of(TEXT, SOURCE, TIME, BARE_SIGNS)
            .flatMap(List::stream).distinct().toList();

    private static final String[] READ_NAMES = READ.toArray(new String[0]);
    private static final byte[][] READ_BYTES = READ.stream().map(f -> f.getBytes(StandardCharsets.US_ASCII))
            .toArray(byte[][]::new);
    private static final java.util.Map<String, Integer> READ_SLOTS;
    private static final int[] TEXT_SLOTS;
    private static final int[] SOURCE_SLOTS;
    private static final int[] LEVEL_SLOTS;
    private static final int[] SEVERITY_SLOTS;
    private static final int TRANSPORT_SLOT;
    private static final int CONTAINER_ID_SLOT;
    /** Per {@link #TEXT} field, how {@link #bare(JsonNode, String)} decides it: one of the BARE_ constants below. */
    private static final byte[] TEXT_BARE;
    private static final byte BARE_NEVER = 0;
    private static final byte BARE_ALWAYS = 1;
    private static final byte BARE_UNLESS_STDOUT = 2;
    private static final byte BARE_UNLESS_CONTAINER = 3;
    private static final byte BARE_WITH_SEVERITY = 4;
    private static final byte BARE_WITH_A_LEVEL = 5;

    static {
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        for (int i = 0; i < READ_NAMES.length; i++) {
            m.put(READ_NAMES[i], i);
        }
        READ_SLOTS = java.util.Map.copyOf(m);
        TEXT_SLOTS = TEXT.stream().mapToInt(m::get).toArray();
        SOURCE_SLOTS = SOURCE.stream().mapToInt(m::get).toArray();
        LEVEL_SLOTS = LEVEL.stream().mapToInt(m::get).toArray();
        SEVERITY_SLOTS = SEVERITY.stream().mapToInt(m::get).toArray();
        TRANSPORT_SLOT = m.get(TRANSPORT);
        CONTAINER_ID_SLOT = m.get(CONTAINER_ID);
        TEXT_BARE = new byte[TEXT.size()];
        for (int k = 0; k < TEXT_BARE.length; k++) { // the cases of bare(JsonNode, String), in its order
            String f = TEXT.get(k);
            TEXT_BARE[k] = f.equals("MESSAGE") ? BARE_UNLESS_STDOUT : f.equals("short_message") ? BARE_UNLESS_CONTAINER
                    : BARE.contains(f) ? BARE_ALWAYS : OTEL_BODY.contains(f) ? BARE_WITH_SEVERITY
                    : BARE_WITH_LEVEL.contains(f) ? BARE_WITH_A_LEVEL : BARE_NEVER;
        }
    }

    /** The slot of {@code name} ({@link #READ}), or -1 where it is not read. */
    public static int slot(String name) {
        Integer s = READ_SLOTS.get(name);
        return s == null ? -1 : s;
    }

    /** A bound on the length of every name of {@link #READ} (checked when the class loads). */
    private static final int SLOT_NAME_MAX = 32;
    /**
     * {@link #slot(byte[], int, int)}'s candidates: at {@code length << 7 | first byte} the slots of the names of that
     * length (under {@link #SLOT_NAME_MAX}) and first byte, in slot order; null where none.
     */
    private static final int[][] SLOTS_BY_LENGTH_AND_FIRST = new int[SLOT_NAME_MAX << 7][];

    static {
        for (int f = 0; f < READ_BYTES.length; f++) {
            byte[] w = READ_BYTES[f];
            if (w.length == 0 || w.length >= SLOT_NAME_MAX || w[0] < 0) {
                throw new IllegalStateException("a read field's name outside the slot table: " + READ_NAMES[f]);
            }
            int k = w.length << 7 | w[0];
            int[] c = SLOTS_BY_LENGTH_AND_FIRST[k];
            c = c == null ? new int[1] : java.util.Arrays.copyOf(c, c.length + 1);
            c[c.length - 1] = f;
            SLOTS_BY_LENGTH_AND_FIRST[k] = c;
        }
    }

    /**
     * The slot of the name whose ASCII bytes are {@code b[from, to)} ({@link #READ}), or -1 where it is not read:
     * the names of its length and first byte compared (a table look-up, then mostly one comparison), not each of
     * the {@link #READ} names' lengths in turn ({@link #slotReference}, the reference; JsonLogFieldsTest compares
     * the two). Per record the parser looks up each field's name.
     */
    public static int slot(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len >= SLOT_NAME_MAX || b[from] < 0) {
            return -1;
        }
        int[] c = SLOTS_BY_LENGTH_AND_FIRST[len << 7 | b[from]];
        if (c != null) {
            for (int f : c) {
                if (sameBytes(b, from, READ_BYTES[f], len)) {
                    return f;
                }
            }
        }
        return -1;
    }

    /**
     * Whether {@code b[from, from + len)} are {@code w}'s bytes (a plain loop: a name is a few bytes, where C1's
     * {@code Arrays.equals} of ranges checks both ranges and calls a mismatch search first).
     */
    private static boolean sameBytes(byte[] b, int from, byte[] w, int len) {
        for (int i = 1; i < len; i++) { // the first byte chose the candidates
            if (b[from + i] != w[i]) {
                return false;
            }
        }
        return true;
    }

    /** {@link #slot(byte[], int, int)}'s reference: each name's length, first byte and bytes in turn. */
    static int slotReference(byte[] b, int from, int to) {
        int len = to - from;
        for (int f = 0; f < READ_BYTES.length; f++) {
            byte[] w = READ_BYTES[f];
            if (w.length == len && w[0] == b[from] && java.util.Arrays.equals(b, from, to, w, 0, len)) {
                return f;
            }
        }
        return -1;
    }

    /** An empty record as slots (no field present), to be filled by a reader. */
    public static JsonNode[] slots() {
        return new JsonNode[READ_NAMES.length];
    }

    /**
     * The index in {@link #TEXT} of the field {@link #findName} takes in the flat record {@code v} (slots), or -1;
     * its value is {@code v[textSlot(k)]}.
     */
    public static int text(JsonNode[] v) {
        for (int k = 0; k < TEXT_SLOTS.length; k++) {
            if (textual(v[TEXT_SLOTS[k]])) {
                return k;
            }
        }
        return -1;
    }

    /** The slot of {@link #TEXT} field {@code k}. */
    public static int textSlot(int k) {
        return TEXT_SLOTS[k];
    }

    /** {@link #find}{@code (n, SOURCE)} of the flat record {@code v} (slots). */
    public static JsonNode source(JsonNode[] v) {
        for (int s : SOURCE_SLOTS) {
            if (textual(v[s])) {
                return v[s];
            }
        }
        return null;
    }

    /** {@link #bare(JsonNode, String)} of the flat record {@code v} (slots) and {@link #TEXT} field {@code k}. */
    public static boolean bare(JsonNode[] v, int k) {
        switch (TEXT_BARE[k]) {
            case BARE_ALWAYS -> {
                return true;
            }
            case BARE_UNLESS_STDOUT -> {
                JsonNode t = v[TRANSPORT_SLOT];
                return t == null || !t.isTextual() || !t.asText().equals("stdout");
            }
            case BARE_UNLESS_CONTAINER -> {
                return v[CONTAINER_ID_SLOT] == null;
            }
            case BARE_WITH_SEVERITY -> {
                for (int s : SEVERITY_SLOTS) {
                    JsonNode x = v[s];
                    if (x != null && (x.isNumber() ? x.asDouble() > 0 : level(x))) {
                        return true;
                    }
                }
                return hasLevel(v);
            }
            case BARE_WITH_A_LEVEL -> {
                return hasLevel(v);
            }
            default -> {
                return false;
            }
        }
    }

    /** {@link #hasLevel(JsonNode)} of the flat record {@code v} (slots; a path holds nothing). */
    private static boolean hasLevel(JsonNode[] v) {
        for (int s : LEVEL_SLOTS) {
            if (level(v[s])) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code f} is a string that is not blank (what {@link #text(JsonNode, String)} takes). */
    private static boolean textual(JsonNode f) {
        return f != null && f.isTextual() && !f.asText().isBlank();
    }

    private static final JsonFactory FACTORY = new JsonFactory();

    /**
     * The message of a line that is a JSON object (nothing but whitespace around it): the string of its first
     * {@link #TEXT} field that holds one that is not blank; null when the line is no JSON object, does not parse, or
     * has no such field (the line is then mined as it is). A repeated key's last value counts, as in Jackson's tree
     * ({@link #messageReference}, the reference form).
     *
     * <p>Read by hand ({@link #scanMessage}: one pass over the line's chars, no parser, no name table, only the
     * chosen field's string made), which reads the plain JSON that log lines are; anything it does not read
     * (an escaped key, a nested object 64 deep, a number with a leading zero or over 100 chars, a line over
     * {@link #SCAN_MAX_CHARS}, and everything that is not JSON) goes to Jackson's tokens ({@link #messageTokens}),
     * which decide. Written by hand because the miner reads the message of every JSON line in the keyed thread
     * (the source read the record around it, whose text this line is) and Jackson's parser costs some 5 us
     * on a 1,200-char line there (its set-up, its name table, every token); {@code JsonLogFieldsTest} compares the
     * three forms.
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
        String m = n <= SCAN_MAX_CHARS ? scanMessage(line, i, e) : UNSURE;
        return m != UNSURE ? m : messageTokens(line, i, e);
    }

    /** Lines longer than this go to Jackson ({@link #message}): far below its limits on a string's length. */
    static final int SCAN_MAX_CHARS = 1 << 20;

    /** {@link #scanMessage}'s answer where it cannot tell (compared by identity). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    static final String UNSURE = new String("unsure");

    /**
     * {@link #message} of {@code line}, whose chars {@code [from, to)} are <code>{...}</code>, by Jackson's tokens
     * (jackson-core): the form {@link #scanMessage} leaves what it does not read to.
     */
    static String messageTokens(String line, int from, int to) {
        // slot 2k: TEXT[k] as a key of the object; 2k + 1: TEXT[k] as a path into a nested object
        String[] slots = new String[2 * TEXT.size()];
        try (JsonParser p = FACTORY.createParser(from == 0 && to == line.length() ? line : line.substring(from, to))) {
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
     * The keys that {@link #scanMessage} looks for at the top level: the {@link #TEXT} names and the parents of
     * the dotted ones ({@code jsonPayload} of {@code jsonPayload.message}); {@link #SCAN_TEXT}: each one's index
     * in {@link #TEXT} (-1: none); {@link #SCAN_PATHS}: the indexes in {@link #TEXT} of the paths it is a parent
     * of (its child names in {@link #SCAN_CHILDREN}); {@link #SCAN_CANDIDATES}: at {@code length << 8 | first
     * char} the indexes of the keys of that length and first char ({@link #scanKey}), null where none.
     */
    private static final String[] SCAN_KEYS;
    private static final int[] SCAN_TEXT;
    private static final int[][] SCAN_PATHS;
    private static final String[][] SCAN_CHILDREN;
    private static final int[][] SCAN_CANDIDATES;
    /** The longest of {@link #SCAN_KEYS}. */
    private static final int SCAN_KEY_LENGTH_MAX;

    static {
        List<String> keys = new java.util.ArrayList<>(TEXT);
        for (String f : TEXT) {
            for (int d = f.indexOf('.'); d >= 0; d = f.indexOf('.', d + 1)) {
                if (d + 1 < f.length() && !keys.contains(f.substring(0, d))) {
                    keys.add(f.substring(0, d));
                }
            }
        }
        SCAN_KEYS = keys.toArray(new String[0]);
        SCAN_TEXT = new int[SCAN_KEYS.length];
        SCAN_PATHS = new int[SCAN_KEYS.length][];
        SCAN_CHILDREN = new String[SCAN_KEYS.length][];
        for (int k = 0; k < SCAN_KEYS.length; k++) {
            String name = SCAN_KEYS[k];
            SCAN_TEXT[k] = TEXT.indexOf(name);
            List<Integer> paths = new java.util.ArrayList<>();
            List<String> children = new java.util.ArrayList<>();
            for (int j = 0; j < TEXT.size(); j++) { // as messageTokens reads a parent
                String f = TEXT.get(j);
                if (f.length() > name.length() + 1 && f.charAt(name.length()) == '.' && f.startsWith(name)) {
                    paths.add(j);
                    children.add(f.substring(name.length() + 1));
                }
            }
            SCAN_PATHS[k] = paths.stream().mapToInt(Integer::intValue).toArray();
            SCAN_CHILDREN[k] = children.toArray(new String[0]);
        }
        int longest = 0;
        for (String name : SCAN_KEYS) {
            longest = Math.max(longest, name.length());
        }
        SCAN_KEY_LENGTH_MAX = longest;
        SCAN_CANDIDATES = new int[(longest + 1) << 8][];
        for (int k = 0; k < SCAN_KEYS.length; k++) {
            String name = SCAN_KEYS[k];
            if (name.isEmpty() || name.charAt(0) > 0xFF) {
                throw new IllegalStateException("a scanned key outside the candidates' table: " + name);
            }
            int at = name.length() << 8 | name.charAt(0);
            int[] c = SCAN_CANDIDATES[at];
            c = c == null ? new int[1] : java.util.Arrays.copyOf(c, c.length + 1);
            c[c.length - 1] = k;
            SCAN_CANDIDATES[at] = c;
        }
    }

    /** Nested objects deeper than this go to Jackson ({@link #message}). */
    private static final int SCAN_MAX_DEPTH = 64;
    /** Numbers longer than this go to Jackson ({@link #message}). */
    private static final int SCAN_MAX_NUMBER = 100;
    /** Keys longer than this go to Jackson ({@link #message}). */
    private static final int SCAN_MAX_KEY = 1000;

    /**
     * {@link #message} of {@code line}, whose chars {@code [from, to)} are <code>{...}</code>, read by hand, or
     * {@link #UNSURE}. Reads JSON as RFC 8259 writes it (whitespace: space, tab, line feed, carriage return; a
     * number without leading zeros; the escapes {@code \" \\ \/ \b \f \n \r \t \}{@code uXXXX}, a lone surrogate
     * as it is; no control character in a string), which Jackson reads the same way with its defaults; returns
     * {@link #UNSURE} at anything else, and where a key holds an escape, an object or array nests deeper than
     * {@link #SCAN_MAX_DEPTH}, a number is longer than {@link #SCAN_MAX_NUMBER} or has a leading zero (Jackson
     * refuses it, with its own message), a key is longer than {@link #SCAN_MAX_KEY}, or the object ends before the
     * line does. The slots are {@link #messageTokens}'s: a {@link #TEXT} key's last value, a path's value in the
     * last object of its parent key; the first that is a string that is not blank wins.
     */
    static String scanMessage(String line, int from, int to) {
        byte[] c = line.getBytes(StandardCharsets.ISO_8859_1);
        if (c.length != line.length()) {
            return UNSURE; // a char beyond U+FFFF (one '?' for two chars): Jackson reads it
        }
        int slots = 2 * TEXT.size();
        int[] start = new int[slots]; // the string's first char; 0: none (a string starts after a quote, never at 0)
        int[] end = new int[slots];
        int i = space(c, from + 1, to);
        if (i < to && c[i] == '}') {
            return i + 1 == to ? null : UNSURE;
        }
        while (true) {
            if (i >= to || c[i] != '"') {
                return UNSURE;
            }
            int ks = i + 1;
            int j = ByteScan.jsonCharStop(c, ks, to); // an escape or a control char in a key: Jackson reads it
            if (j >= to || c[j] != '"' || j - ks > SCAN_MAX_KEY) {
                return UNSURE;
            }
            int key = scanKey(c, ks, j);
            i = space(c, j + 1, to);
            if (i >= to || c[i] != ':') {
                return UNSURE;
            }
            i = space(c, i + 1, to);
            if (i >= to) {
                return UNSURE;
            }
            int v = c[i];
            int next;
            if (key < 0) {
                next = value(c, i, to, 1);
            } else {
                int k = SCAN_TEXT[key];
                for (int p : SCAN_PATHS[key]) { // paths into this value: reset, then read when an object
                    start[2 * p + 1] = 0;
                }
                if (v == '"') {
                    next = string(c, i, to);
                    if (k >= 0) {
                        start[2 * k] = next < 0 ? 0 : i + 1;
                        end[2 * k] = next - 1;
                    }
                } else {
                    if (k >= 0) {
                        start[2 * k] = 0;
                    }
                    next = v == '{' && SCAN_PATHS[key].length > 0 ? nested(c, i, to, key, start, end)
                            : value(c, i, to, 1);
                }
            }
            if (next < 0) {
                return UNSURE;
            }
            i = space(c, next, to);
            if (i >= to) {
                return UNSURE;
            }
            if (c[i] == '}') {
                if (i + 1 != to) {
                    return UNSURE; // more after the object: Jackson tells (a second value or an error)
                }
                break;
            }
            if (c[i] != ',') {
                return UNSURE;
            }
            i = space(c, i + 1, to);
        }
        for (int s = 0; s < slots; s++) {
            if (start[s] > 0) {
                String t = decode(line, c, start[s], end[s]);
                if (!t.isBlank()) {
                    return t;
                }
            }
        }
        return null;
    }

    /**
     * The index in {@link #SCAN_KEYS} of the key whose chars are {@code c[from, to)} (Latin-1, no escape), or -1:
     * the keys of its length and first char ({@link #SCAN_CANDIDATES}) compared, so a key is looked at once after
     * its end is found eight bytes a step ({@link ByteScan#jsonCharStop}), where a hash of it took a multiply and
     * an add a byte; {@link #scanKeyReference} is each key compared in turn (JsonLogFieldsTest compares the two).
     */
    static int scanKey(byte[] c, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > SCAN_KEY_LENGTH_MAX) {
            return -1;
        }
        int[] candidates = SCAN_CANDIDATES[len << 8 | (c[from] & 0xFF)];
        if (candidates != null) {
            for (int k : candidates) {
                String name = SCAN_KEYS[k];
                int m = 1;
                while (m < len && name.charAt(m) == (c[from + m] & 0xFF)) {
                    m++;
                }
                if (m == len) {
                    return k;
                }
            }
        }
        return -1;
    }

    /** {@link #scanKey}'s reference: each of {@link #SCAN_KEYS} compared with the key's chars in turn. */
    static int scanKeyReference(byte[] c, int from, int to) {
        String key = new String(c, from, to - from, StandardCharsets.ISO_8859_1);
        for (int k = 0; k < SCAN_KEYS.length; k++) {
            if (SCAN_KEYS[k].equals(key)) {
                return k;
            }
        }
        return -1;
    }

    /** The keys {@link #scanMessage} looks for (for tests). */
    static List<String> scanKeys() {
        return List.of(SCAN_KEYS);
    }

    /**
     * The object value at {@code c[from]} of top-level key {@code SCAN_KEYS[key]}, a parent of paths: its keys
     * that are the paths' child names fill the paths' slots ({@link #messageTokens}'s {@code nested}); the index
     * after it, or -1 ({@link #UNSURE}).
     */
    private static int nested(byte[] c, int from, int to, int key, int[] start, int[] end) {
        String[] children = SCAN_CHILDREN[key];
        int[] paths = SCAN_PATHS[key];
        int i = space(c, from + 1, to);
        if (i < to && c[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= to || c[i] != '"') {
                return -1;
            }
            int ks = i + 1;
            int j = ByteScan.jsonCharStop(c, ks, to);
            if (j >= to || c[j] != '"' || j - ks > SCAN_MAX_KEY) {
                return -1;
            }
            int child = -1;
            for (int k = 0; k < children.length && child < 0; k++) {
                String name = children[k];
                if (name.length() == j - ks) {
                    int m = 0;
                    while (m < name.length() && name.charAt(m) == (c[ks + m] & 0xFF)) {
                        m++;
                    }
                    child = m == name.length() ? k : -1;
                }
            }
            i = space(c, j + 1, to);
            if (i >= to || c[i] != ':') {
                return -1;
            }
            i = space(c, i + 1, to);
            if (i >= to) {
                return -1;
            }
            int next;
            if (c[i] == '"') {
                next = string(c, i, to);
                if (child >= 0) {
                    int p = 2 * paths[child] + 1;
                    start[p] = next < 0 ? 0 : i + 1;
                    end[p] = next - 1;
                }
            } else {
                if (child >= 0) {
                    start[2 * paths[child] + 1] = 0;
                }
                next = value(c, i, to, 2);
            }
            if (next < 0) {
                return -1;
            }
            i = space(c, next, to);
            if (i >= to) {
                return -1;
            }
            if (c[i] == '}') {
                return i + 1;
            }
            if (c[i] != ',') {
                return -1;
            }
            i = space(c, i + 1, to);
        }
    }

    /**
     * The index of the first char at or after {@code i} that is no JSON whitespace (or {@code to}). A printable
     * ASCII char other than the space (the common case: no whitespace at all) is answered by one compare, before
     * the loop's four; {@link #spaceReference} is the loop alone (JsonLogFieldsTest compares the two).
     */
    static int space(byte[] c, int i, int to) {
        if (i < to && c[i] > ' ') {
            return i;
        }
        return spaceReference(c, i, to);
    }

    /** {@link #space}'s reference: the loop over JSON's four whitespace chars. */
    static int spaceReference(byte[] c, int i, int to) {
        while (i < to) {
            int ch = c[i] & 0xFF;
            if (ch != ' ' && ch != '\n' && ch != '\r' && ch != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    /**
     * The JSON value at {@code c[from]} (not whitespace) at nesting depth {@code depth} (the top-level object's
     * values: 1): the index after it, or -1 ({@link #UNSURE}).
     */
    private static int value(byte[] c, int from, int to, int depth) {
        int v = c[from];
        if (v == '"') {
            return string(c, from, to);
        }
        if (v == '{' || v == '[') {
            if (depth >= SCAN_MAX_DEPTH) {
                return -1;
            }
            char close = v == '{' ? '}' : ']';
            int i = space(c, from + 1, to);
            if (i < to && c[i] == close) {
                return i + 1;
            }
            while (true) {
                if (i >= to) {
                    return -1;
                }
                if (v == '{') {
                    if (c[i] != '"') {
                        return -1;
                    }
                    int j = ByteScan.jsonCharStop(c, i + 1, to);
                    if (j >= to || c[j] != '"' || j - i - 1 > SCAN_MAX_KEY) {
                        return -1;
                    }
                    i = space(c, j + 1, to);
                    if (i >= to || c[i] != ':') {
                        return -1;
                    }
                    i = space(c, i + 1, to);
                    if (i >= to) {
                        return -1;
                    }
                }
                i = value(c, i, to, depth + 1);
                if (i < 0) {
                    return -1;
                }
                i = space(c, i, to);
                if (i >= to) {
                    return -1;
                }
                if (c[i] == close) {
                    return i + 1;
                }
                if (c[i] != ',') {
                    return -1;
                }
                i = space(c, i + 1, to);
            }
        }
        if (v == 't') {
            return literal(c, from, to, "true");
        }
        if (v == 'f') {
            return literal(c, from, to, "false");
        }
        if (v == 'n') {
            return literal(c, from, to, "null");
        }
        return number(c, from, to);
    }

    /** The index after the literal {@code word} at {@code c[from]}, or -1. */
    private static int literal(byte[] c, int from, int to, String word) {
        int n = word.length();
        if (to - from < n) {
            return -1;
        }
        for (int k = 1; k < n; k++) {
            if (c[from + k] != word.charAt(k)) {
                return -1;
            }
        }
        return from + n; // what follows must be whitespace, ',', '}' or ']': the caller checks
    }

    /** The index after the number at {@code c[from]} (RFC 8259's syntax, no leading zero), or -1. */
    private static int number(byte[] c, int from, int to) {
        int i = from;
        if (c[i] == '-') {
            i++;
        }
        if (i >= to) {
            return -1;
        }
        if (c[i] == '0') {
            i++;
            if (i < to && c[i] >= '0' && c[i] <= '9') {
                return -1;
            }
        } else if (c[i] >= '1' && c[i] <= '9') {
            while (i < to && c[i] >= '0' && c[i] <= '9') {
                i++;
            }
        } else {
            return -1;
        }
        if (i < to && c[i] == '.') {
            int d = ++i;
            while (i < to && c[i] >= '0' && c[i] <= '9') {
                i++;
            }
            if (i == d) {
                return -1;
            }
        }
        if (i < to && (c[i] == 'e' || c[i] == 'E')) {
            i++;
            if (i < to && (c[i] == '+' || c[i] == '-')) {
                i++;
            }
            int d = i;
            while (i < to && c[i] >= '0' && c[i] <= '9') {
                i++;
            }
            if (i == d) {
                return -1;
            }
        }
        return i - from > SCAN_MAX_NUMBER ? -1 : i;
    }

    /**
     * The index after the string at {@code c[from]} (a quote), its escapes checked, or -1; the plain runs between
     * escapes found eight bytes a step ({@link ByteScan#jsonCharStop}). {@link #stringReference} is the reference
     * form (JsonLogFieldsTest compares the two).
     */
    static int string(byte[] c, int from, int to) {
        int i = from + 1;
        while (true) {
            i = ByteScan.jsonCharStop(c, i, to);
            if (i >= to) {
                return -1;
            }
            int ch = c[i];
            if (ch == '"') {
                return i + 1;
            }
            if (ch != '\\' || ++i >= to) {
                return -1; // a control character, or a cut escape
            }
            switch (c[i]) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i++;
                case 'u' -> {
                    if (i + 4 >= to) {
                        return -1;
                    }
                    for (int k = 1; k <= 4; k++) {
                        int x = c[i + k]; // ASCII hex digits only, as Jackson reads them
                        if (!(x >= '0' && x <= '9' || x >= 'a' && x <= 'f' || x >= 'A' && x <= 'F')) {
                            return -1;
                        }
                    }
                    i += 5;
                }
                default -> {
                    return -1;
                }
            }
        }
    }

    /** {@link #string}'s reference: one char at a time. */
    static int stringReference(byte[] c, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int ch = c[i] & 0xFF;
            if (ch > '\\') {
                continue; // most of a text's chars (lower case letters): one test
            }
            if (ch == '"') {
                return i + 1;
            }
            if (ch == '\\') {
                if (++i >= to) {
                    return -1;
                }
                switch (c[i]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                    }
                    case 'u' -> {
                        if (i + 4 >= to) {
                            return -1;
                        }
                        for (int k = 1; k <= 4; k++) {
                            int x = c[i + k]; // ASCII hex digits only, as Jackson reads them
                            if (!(x >= '0' && x <= '9' || x >= 'a' && x <= 'f' || x >= 'A' && x <= 'F')) {
                                return -1;
                            }
                        }
                        i += 4;
                    }
                    default -> {
                        return -1;
                    }
                }
            } else if (ch < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * The string whose chars (escapes checked by {@link #string}) are {@code line}'s {@code [from, to)}; {@code c}:
     * the line's ISO-8859-1 bytes, one per char (a char over U+00FF as {@code ?}, which is no escape's char).
     */
    private static String decode(String line, byte[] c, int from, int to) {
        int i = from;
        while (i < to && c[i] != '\\') {
            i++;
        }
        if (i == to) {
            return line.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from).append(line, from, i);
        while (i < to) {
            if (c[i] != '\\') {
                sb.append(line.charAt(i++));
                continue;
            }
            char e = (char) c[i + 1];
            i += 2;
            switch (e) {
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(line, i, i + 4, 16));
                    i += 4;
                }
                default -> sb.append(e); // '"', '\\', '/'
            }
        }
        return sb.toString();
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
