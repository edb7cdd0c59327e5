package dev.keymem.models.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.DeepSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;

/**
 * A memory model's configuration, read from JSON (snake_case keys):
 *
 * <pre>{@code
 * { "cell": "gated_delta", "vocab_size": 4096, "d_model": 64, "heads": 4, "key_dim": 32, "value_dim": 32,
 *   "chunk_size": 64, "scale": 0.1767, "normalize": false, "normalize_keys": true,
 *   "deep": { "hidden": 64, "theta": 0.003, "eta": 0.9, "alpha": 0.001, "batch": 16, "seed": 1 },
 *   "memory": { ... settings of the memory built over the cell (Memory Caching, B'MOJO, ...) ... } }
 * }</pre>
 *
 * {@code vocab_size} 0 means the model takes embeddings (d_model floats per token) rather than token
 * ids. Unknown keys and inconsistent values are rejected with a message naming the key, so a bad
 * config fails at job start, not at the first record. The {@code memory} section is kept as JSON
 * and parsed by the memory that uses it.
 */
public record ModelConfig(CellSpec cell, int vocabSize, int dModel, boolean normalizeKeys, JsonNode memory) {

    /**
     * Reads and writes the configs with jackson-core alone (no {@code ObjectMapper}: its class initialization,
     * mostly the JDK's date and locale set-up for its default date format, was a start-up cost of every job run).
     */
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> KEYS = Set.of("cell", "vocab_size", "d_model", "heads", "key_dim",
            "value_dim", "chunk_size", "scale", "normalize", "normalize_keys", "deep", "memory");
    private static final Set<String> DEEP_KEYS = Set.of("hidden", "theta", "eta", "alpha", "batch", "seed");

    public ModelConfig {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("model config: vocab_size must be >= 0 (0: embeddings in), got " + vocabSize);
        }
        if (dModel <= 0) {
            throw new IllegalArgumentException("model config: d_model must be positive, got " + dModel);
        }
        if (memory == null) {
            memory = NODES.objectNode();
        }
    }

    public int heads() {
        return cell.heads();
    }

    public int keyDim() {
        return cell.keyDim();
    }

    public int valueDim() {
        return cell.valueDim();
    }

    /** Parses a JSON document; every error names the offending key. */
    public static ModelConfig parse(String json) {
        JsonNode root;
        try {
            root = readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("model config: not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("model config: expected a JSON object");
        }
        rejectUnknown(root, KEYS, "");
        CellKind kind = CellKind.fromName(requiredText(root, "cell"));
        int heads = requiredInt(root, "heads");
        int keyDim = requiredInt(root, "key_dim");
        int valueDim = requiredInt(root, "value_dim");
        int chunk = optInt(root, "chunk_size", 64);
        float scale = root.has("scale") ? (float) number(root, "scale") : CellSpec.defaultScale(keyDim);
        boolean normalize = optBool(root, "normalize", false);
        DeepSpec deep = null;
        if (kind == CellKind.DEEP) {
            DeepSpec d = DeepSpec.defaults(keyDim);
            JsonNode dn = root.get("deep");
            if (dn != null) {
                if (!dn.isObject()) {
                    throw new IllegalArgumentException("model config: 'deep' must be an object");
                }
                rejectUnknown(dn, DEEP_KEYS, "deep.");
                d = new DeepSpec(optInt(dn, "hidden", d.hidden()),
                        dn.has("theta") ? (float) number(dn, "theta") : d.theta(),
                        dn.has("eta") ? (float) number(dn, "eta") : d.eta(),
                        dn.has("alpha") ? (float) number(dn, "alpha") : d.alpha())
                        .withBatch(optInt(dn, "batch", d.batch()))
                        .withSeed(dn.has("seed") ? optLong(dn, "seed") : d.seed());
            }
            deep = d;
        } else if (root.has("deep")) {
            throw new IllegalArgumentException("model config: 'deep' is only valid with \"cell\": \"deep\"");
        }
        CellSpec spec;
        try {
            spec = new CellSpec(kind, heads, keyDim, valueDim, chunk, scale, normalize, deep);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model config: " + e.getMessage(), e);
        }
        JsonNode memory = root.has("memory") ? root.get("memory") : NODES.objectNode();
        if (!memory.isObject()) {
            throw new IllegalArgumentException("model config: 'memory' must be an object");
        }
        return new ModelConfig(spec, optInt(root, "vocab_size", 0), requiredInt(root, "d_model"),
                optBool(root, "normalize_keys", true), memory);
    }

    public static ModelConfig load(Path path) {
        try {
            return parse(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("model config: cannot read " + path, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** The JSON form (round-trips through {@link #parse}). */
    public String toJson() {
        ObjectNode o = NODES.objectNode();
        o.put("cell", cell.kind().configName());
        o.put("vocab_size", vocabSize);
        o.put("d_model", dModel);
        o.put("heads", cell.heads());
        o.put("key_dim", cell.keyDim());
        o.put("value_dim", cell.valueDim());
        o.put("chunk_size", cell.chunkSize());
        o.put("scale", cell.scale());
        o.put("normalize", cell.normalize());
        o.put("normalize_keys", normalizeKeys);
        if (cell.deep() != null && cell.kind() == CellKind.DEEP) {
            ObjectNode d = o.putObject("deep");
            d.put("hidden", cell.deep().hidden());
            d.put("theta", cell.deep().theta());
            d.put("eta", cell.deep().eta());
            d.put("alpha", cell.deep().alpha());
            d.put("batch", cell.deep().batch());
            d.put("seed", cell.deep().seed());
        }
        o.set("memory", memory);
        return o.toString();
    }

    private static void rejectUnknown(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException("model config: unknown key '" + prefix + f + "', known keys: "
                        + new java.util.TreeSet<>(known));
            }
        }
    }

    private static String requiredText(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("model config: '" + key + "' is required and must be a string");
        }
        return v.asText();
    }

    private static int requiredInt(JsonNode n, String key) {
        if (!n.has(key)) {
            throw new IllegalArgumentException("model config: '" + key + "' is required");
        }
        return optInt(n, key, 0);
    }

    private static int optInt(JsonNode n, String key, int def) {
        JsonNode v = n.get(key);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("model config: '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static long optLong(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("model config: '" + key + "' must be an integer, got " + v);
        }
        return v.longValue();
    }

    private static double number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException("model config: '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    private static boolean optBool(JsonNode n, String key, boolean def) {
        JsonNode v = n.get(key);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("model config: '" + key + "' must be true or false, got " + v);
        }
        return v.booleanValue();
    }

    /**
     * The tree of the first JSON value in {@code json} (null where there is none), as {@code new
     * ObjectMapper().readTree(json)} reads it with its defaults: integers as int, long or BigInteger nodes by size,
     * other numbers as double nodes, the last of duplicate keys, anything after the first value ignored.
     */
    static JsonNode readTree(String json) throws com.fasterxml.jackson.core.JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(json)) {
            return p.nextToken() == null ? null : readValue(p);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readValue(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                // nextFieldName, as Jackson's tree reader does (a bad value gets the same message)
                for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                    p.nextToken();
                    o.set(name, readValue(p));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(readValue(p));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new IllegalStateException("unexpected JSON token " + p.currentToken());
        }
    }
}
