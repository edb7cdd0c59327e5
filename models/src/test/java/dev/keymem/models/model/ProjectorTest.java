package dev.keymem.models.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.cells.TokenChunk;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProjectorTest {
    private final ModelConfig config = ModelConfig.parse("{\"cell\":\"gated_delta\",\"vocab_size\":50,"
            + "\"d_model\":12,\"heads\":3,\"key_dim\":5,\"value_dim\":4}");

    @Test
    void matchesAFloat64Projection() {
        ModelWeights w = ModelWeights.random(config, 7, true);
        Projector p = new Projector(config, w, ScalarBackend.INSTANCE);
        int[] ids = {3, 49, 0, 17, 17};
        TokenChunk c = p.project(ids);
        int d = 12;
        int h = 3;
        for (int t = 0; t < ids.length; t++) {
            for (int head = 0; head < h; head++) {
                double[] k = new double[5];
                double norm = 0;
                for (int i = 0; i < 5; i++) {
                    k[i] = dot(w.get(ModelWeights.K), (head * 5 + i) * d, w.get(ModelWeights.EMBED), ids[t] * d, d);
                    norm += k[i] * k[i];
                    double q = dot(w.get(ModelWeights.Q), (head * 5 + i) * d, w.get(ModelWeights.EMBED), ids[t] * d, d);
                    assertEquals(q, c.q()[(t * h + head) * 5 + i], 1e-5);
                }
                for (int i = 0; i < 5; i++) {
                    assertEquals(k[i] / Math.sqrt(norm), c.k()[(t * h + head) * 5 + i], 1e-5);
                }
                double b = dot(w.get(ModelWeights.BETA), head * d, w.get(ModelWeights.EMBED), ids[t] * d, d);
                assertEquals(1 / (1 + Math.exp(-b)), c.beta()[t * h + head], 1e-6);
                double gz = dot(w.get(ModelWeights.G), head * d, w.get(ModelWeights.EMBED), ids[t] * d, d)
                        + w.get(ModelWeights.G_BIAS)[head];
                assertEquals(Math.log(1 / (1 + Math.exp(-gz))), c.g()[t * h + head], 1e-6);
                assertTrue(c.g()[t * h + head] <= 0);
            }
        }
        assertEquals(ids.length * h * 5, p.gateQueries(p.embed(ids), ids.length).length);
    }

    @Test
    void logSigmoidIsStableAndNonPositive() {
        assertEquals(0.0, Projector.logSigmoid(100f), 1e-30);
        assertEquals(-100.0, Projector.logSigmoid(-100f), 1e-4);
        assertEquals(Math.log(0.5), Projector.logSigmoid(0f), 1e-7);
    }

    @Test
    void rejectsBadIdsAndWeights() {
        Projector p = new Projector(config, ModelWeights.random(config, 1, false), ScalarBackend.INSTANCE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.project(new int[] {1, 50}));
        assertTrue(e.getMessage().contains("token id 50 at index 1"), e.getMessage());
        assertNull(p.gateQueries(new float[12], 1));
        Map<String, float[]> m = new HashMap<>(ModelWeights.random(config, 1, false).tensors());
        m.put(ModelWeights.V, new float[3]);
        e = assertThrows(IllegalArgumentException.class, () -> new ModelWeights(config, m));
        assertTrue(e.getMessage().contains("'v_proj.weight' has 3 values"), e.getMessage());
        m.remove(ModelWeights.V);
        e = assertThrows(IllegalArgumentException.class, () -> new ModelWeights(config, m));
        assertTrue(e.getMessage().contains("'v_proj.weight' is missing"), e.getMessage());
    }

    @Test
    void weightsRoundTripThroughSafetensors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        ModelWeights w = ModelWeights.random(config, 3, true);
        java.nio.file.Path f = dir.resolve("w.safetensors");
        w.save(f, config);
        ModelWeights back = ModelWeights.load(f, config);
        assertEquals(w.tensors().keySet(), back.tensors().keySet());
        for (String n : w.tensors().keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(w.get(n), back.get(n), n);
        }
        ModelConfig other = ModelConfig.parse("{\"cell\":\"gated_delta\",\"vocab_size\":50,"
                + "\"d_model\":12,\"heads\":3,\"key_dim\":6,\"value_dim\":4}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelWeights.load(f, other));
        assertTrue(e.getMessage().contains("'k_proj.weight' has shape") || e.getMessage().contains("'q_proj.weight' has shape")
                || e.getMessage().contains("'u_proj.weight' has shape"), e.getMessage());
    }

    private static double dot(float[] w, int wOff, float[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) w[wOff + i] * x[xOff + i];
        }
        return s;
    }
}
