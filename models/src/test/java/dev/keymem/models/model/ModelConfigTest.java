package dev.keymem.models.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.models.cells.CellKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    private static final String GOOD = "{\"cell\":\"gated_delta\",\"vocab_size\":100,\"d_model\":16,"
            + "\"heads\":2,\"key_dim\":8,\"value_dim\":4,\"chunk_size\":32,"
            + "\"memory\":{\"type\":\"caching\",\"segment_length\":256}}";

    @Test
    void parsesAndRoundTrips() {
        ModelConfig c = ModelConfig.parse(GOOD);
        assertEquals(CellKind.GATED_DELTA, c.cell().kind());
        assertEquals(2, c.heads());
        assertEquals(8, c.keyDim());
        assertEquals(4, c.valueDim());
        assertEquals(32, c.cell().chunkSize());
        assertEquals((float) (1 / Math.sqrt(8)), c.cell().scale());
        assertTrue(c.normalizeKeys());
        assertEquals(256, c.memory().get("segment_length").intValue());
        ModelConfig again = ModelConfig.parse(c.toJson());
        assertEquals(c.cell(), again.cell());
        assertEquals(c.toJson(), again.toJson());
    }

    @Test
    void deepSection() {
        ModelConfig c = ModelConfig.parse("{\"cell\":\"deep\",\"d_model\":8,\"heads\":1,\"key_dim\":8,"
                + "\"value_dim\":8,\"deep\":{\"hidden\":12,\"eta\":0.5,\"batch\":4,\"seed\":9}}");
        assertEquals(12, c.cell().deep().hidden());
        assertEquals(4, c.cell().deep().batch());
        assertEquals(9L, c.cell().deep().seed());
        assertEquals(0.5f, c.cell().deep().eta());
        assertEquals(ModelConfig.parse(c.toJson()).cell(), c.cell());
    }

    @Test
    void errorsNameTheKey() {
        assertMessage("{\"cell\":\"gated_delta\",\"d_model\":16,\"heads\":2,\"key_dim\":8,\"value_dim\":4,\"hedas\":1}",
                "unknown key 'hedas'");
        assertMessage("{\"cell\":\"lstm\",\"d_model\":16,\"heads\":2,\"key_dim\":8,\"value_dim\":4}",
                "unknown cell kind 'lstm'");
        assertMessage("{\"cell\":\"delta\",\"d_model\":16,\"key_dim\":8,\"value_dim\":4}", "'heads' is required");
        assertMessage("{\"cell\":\"delta\",\"d_model\":16,\"heads\":2.5,\"key_dim\":8,\"value_dim\":4}",
                "'heads' must be an integer");
        assertMessage("{\"cell\":\"delta\",\"d_model\":16,\"heads\":0,\"key_dim\":8,\"value_dim\":4}",
                "must be positive");
        assertMessage("{\"cell\":\"delta\",\"d_model\":16,\"heads\":1,\"key_dim\":8,\"value_dim\":4,"
                + "\"deep\":{}}", "only valid with");
        assertMessage("{\"cell\":\"deep\",\"d_model\":16,\"heads\":1,\"key_dim\":8,\"value_dim\":8,"
                + "\"deep\":{\"eta\":1.5}}", "eta");
        assertMessage("{\"cell\":", "not valid JSON");
        assertMessage("[1,2]", "expected a JSON object");
    }

    private static void assertMessage(String json, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse(json));
        assertTrue(e.getMessage().contains(part), () -> "message '" + e.getMessage() + "' lacks '" + part + "'");
    }

    /** The streaming reader gives the tree (node types included) and the errors of ObjectMapper.readTree. */
    @Test
    void readTreeIsObjectMappersReadTree() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<String> docs = List.of(GOOD, "{}", "[]", "{\"a\":[1,-2,[],{}],\"b\":{\"c\":null,\"d\":true,\"e\":false}}",
                "{\"i\":2147483647,\"j\":2147483648,\"k\":-9223372036854775808,\"l\":9223372036854775808,"
                        + "\"m\":123456789012345678901234567890,\"f\":0.5,\"g\":1e300,\"h\":-0.0,\"n\":1E-400,"
                        + "\"o\":12345678901234567890.5}",
                "{\"dup\":1,\"dup\":\"two\",\"x\":{\"dup\":[1],\"dup\":{}}}",
                "{\"s\":\"\\u00e9\\n\\ud83d\\ude00 \\\"q\\\" \\\\ \\/\",\"\\u0000\":\"\"}",
                "  {\"a\":1}  ", "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "7", "\"text\"", "null", "true", "[1,2.5,\"x\"]",
                "{\"cell\":\"deep\",\"d_model\":8,\"heads\":1,\"key_dim\":8,\"value_dim\":8,"
                        + "\"deep\":{\"hidden\":12,\"eta\":0.5,\"batch\":4,\"seed\":9}}");
        for (String d : docs) {
            JsonNode expected = mapper.readTree(d);
            JsonNode actual = ModelConfig.readTree(d);
            assertEquals(expected, actual, d);
            assertEquals(expected.toString(), actual.toString(), d);
            assertSameTypes(expected, actual, d);
        }
        for (String empty : List.of("", "   ")) {
            assertTrue(mapper.readTree(empty).isMissingNode());
            assertEquals(null, ModelConfig.readTree(empty));
        }
        for (String bad : List.of("{", "{\"a\":}", "{\"a\" 1}", "[1,]", "{'a':1}", "{\"a\":tru}", "{\"a\":1,}", "nul")) {
            JsonProcessingException expected = assertThrows(JsonProcessingException.class, () -> mapper.readTree(bad));
            JsonProcessingException actual = assertThrows(JsonProcessingException.class, () -> ModelConfig.readTree(bad));
            assertEquals(expected.getOriginalMessage(), actual.getOriginalMessage(), bad);
        }
    }

    private static void assertSameTypes(JsonNode expected, JsonNode actual, String doc) {
        assertEquals(expected.getClass(), actual.getClass(), doc);
        if (expected.isContainerNode()) {
            assertEquals(expected.size(), actual.size(), doc);
            if (expected.isArray()) {
                for (int i = 0; i < expected.size(); i++) {
                    assertSameTypes(expected.get(i), actual.get(i), doc);
                }
            } else {
                expected.fieldNames().forEachRemaining(f -> assertSameTypes(expected.get(f), actual.get(f), doc));
            }
        }
    }
}
