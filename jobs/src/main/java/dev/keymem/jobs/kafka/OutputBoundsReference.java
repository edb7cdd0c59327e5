package dev.keymem.jobs.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The reference form of {@link OutputBounds#bound} (the implementation until session 9, kept to test the fast form
 * against, bit for bit): parses the result, then re-serializes the tree after every step.
 *
 * <p>Keeps a job's JSON result under a byte limit, so that no output can exceed what Flink's collect sink
 * or a Kafka producer accepts (which would fail and restart the job forever).
 *
 * <p>A result within the limit is returned unchanged (the same string). Otherwise, while it is too large:
 * the last entry of its largest top-level array (a summary's {@code templates}, an answer's {@code events})
 * is dropped, and {@code "<array>_cut": n} records how many were; when no array entry is left to drop,
 * the longest string anywhere in it is cut in half, marked {@code …[cut]}. The result stays valid JSON
 * with every other field as it was.
 */
final class OutputBoundsReference {
    /** Made on first use: no {@code ObjectMapper} initialization in runs that need none. */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();
    }

    private OutputBoundsReference() {
    }

    /** {@code json} bounded to {@code maxBytes} UTF-8 bytes, as described in the class comment. */
    static String bound(String json, int maxBytes) {
        if (json == null || json.length() * 3L <= maxBytes || utf8Length(json) <= maxBytes) {
            return json;
        }
        JsonNode root;
        try {
            root = Mapper.JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof ObjectNode o)) {
            throw new IllegalArgumentException("a job result is a JSON object");
        }
        String s = o.toString();
        // drop array entries from the end of the largest array, in halving steps, then one by one
        while (utf8Length(s) > maxBytes) {
            String field = largestArray(o);
            if (field == null) {
                break;
            }
            ArrayNode a = (ArrayNode) o.get(field);
            int excess = utf8Length(s) - maxBytes;
            int per = Math.max(1, utf8Length(a.toString()) / Math.max(1, a.size()));
            int drop = Math.max(1, Math.min(a.size(), excess / per));
            for (int i = 0; i < drop; i++) {
                a.remove(a.size() - 1);
            }
            o.put(field + "_cut", o.path(field + "_cut").asInt(0) + drop);
            s = o.toString();
        }
        while (utf8Length(s) > maxBytes) {
            if (!cutLongestString(o)) {
                throw new IllegalStateException("cannot bound a result to " + maxBytes + " bytes");
            }
            s = o.toString();
        }
        return s;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String largestArray(ObjectNode o) {
        String best = null;
        int bestSize = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isArray() && e.getValue().size() > 0) {
                int n = utf8Length(e.getValue().toString());
                if (n > bestSize) {
                    bestSize = n;
                    best = e.getKey();
                }
            }
        }
        return best;
    }

    /** Cuts the longest string value (in objects and arrays, recursively) in half; false when none is long. */
    private static boolean cutLongestString(JsonNode root) {
        Object[] best = {null, null, 0}; // container, field name or index, length
        find(root, best);
        int len = (int) best[2];
        if (len < 16) {
            return false;
        }
        String v;
        if (best[0] instanceof ObjectNode on) {
            v = on.get((String) best[1]).asText();
            on.put((String) best[1], v.substring(0, safe(v, len / 2)) + "\u2026[cut]");
        } else {
            ArrayNode an = (ArrayNode) best[0];
            v = an.get((Integer) best[1]).asText();
            an.set((Integer) best[1], Mapper.JSON.getNodeFactory().textNode(v.substring(0, safe(v, len / 2)) + "\u2026[cut]"));
        }
        return true;
    }

    static int safe(String s, int end) {
        return end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
    }

    static void find(JsonNode n, Object[] best) {
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isTextual() && e.getValue().asText().length() > (int) best[2]) {
                    best[0] = o;
                    best[1] = e.getKey();
                    best[2] = e.getValue().asText().length();
                } else {
                    find(e.getValue(), best);
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i).isTextual() && a.get(i).asText().length() > (int) best[2]) {
                    best[0] = a;
                    best[1] = i;
                    best[2] = a.get(i).asText().length();
                } else {
                    find(a.get(i), best);
                }
            }
        }
    }
}
