package dev.keymem.models.model;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsDtype;
import dev.keymem.models.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The weights of a memory model, named and laid out as PyTorch stores them ({@code nn.Linear}
 * weights are {@code [out, in]}, {@code nn.Embedding} is {@code [vocab, d_model]}), so a model
 * trained in PyTorch loads with no re-layout:
 *
 * <ul>
 *   <li>{@code embed.weight} [vocab, d] (only when vocab_size &gt; 0)</li>
 *   <li>{@code q_proj.weight}, {@code k_proj.weight} [H*K, d]; {@code v_proj.weight} [H*V, d]</li>
 *   <li>{@code b_proj.weight} [H, d]: beta = sigmoid(x W^T) (cells that use beta)</li>
 *   <li>{@code g_proj.weight} [H, d] and {@code g_proj.bias} [H]: g = logsigmoid(x W^T + b) (gated cells)</li>
 *   <li>{@code u_proj.weight} [H*K, d], optional: learned Memory Caching gate queries u = x W_u</li>
 * </ul>
 */
public final class ModelWeights {
    public static final String EMBED = "embed.weight";
    public static final String Q = "q_proj.weight";
    public static final String K = "k_proj.weight";
    public static final String V = "v_proj.weight";
    public static final String BETA = "b_proj.weight";
    public static final String G = "g_proj.weight";
    public static final String G_BIAS = "g_proj.bias";
    public static final String U = "u_proj.weight";

    private final Map<String, float[]> tensors;

    /** Validates every tensor's size against the config; extra names are rejected. */
    public ModelWeights(ModelConfig config, Map<String, float[]> tensors) {
        Map<String, Integer> expected = expectedSizes(config, tensors.containsKey(U));
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            float[] t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("model weights: tensor '" + e.getKey() + "' is missing");
            }
            if (t.length != e.getValue()) {
                throw new IllegalArgumentException("model weights: tensor '" + e.getKey() + "' has " + t.length
                        + " values, expected " + e.getValue() + " for " + shapeOf(config, e.getKey()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException("model weights: unexpected tensor '" + name + "' for cell "
                        + config.cell().kind().configName() + ", expected " + expected.keySet());
            }
        }
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public float[] get(String name) {
        return tensors.get(name);
    }

    public boolean has(String name) {
        return tensors.containsKey(name);
    }

    /** All tensors by name (unmodifiable). */
    public Map<String, float[]> tensors() {
        return tensors;
    }

    /** The PyTorch shape of a named tensor under this config. */
    public static long[] shapeOf(ModelConfig c, String name) {
        int d = c.dModel();
        int h = c.heads();
        switch (name) {
            case EMBED: return new long[] {c.vocabSize(), d};
            case Q: case K: case U: return new long[] {(long) h * c.keyDim(), d};
            case V: return new long[] {(long) h * c.valueDim(), d};
            case BETA: case G: return new long[] {h, d};
            case G_BIAS: return new long[] {h};
            default: throw new IllegalArgumentException("unknown weight '" + name + "'");
        }
    }

    /** Names and sizes this config needs (u_proj only when learned gates are used). */
    public static Map<String, Integer> expectedSizes(ModelConfig c, boolean withGateProjection) {
        Map<String, Integer> m = new LinkedHashMap<>();
        CellKind kind = c.cell().kind();
        if (c.vocabSize() > 0) {
            m.put(EMBED, size(c, EMBED));
        }
        m.put(Q, size(c, Q));
        m.put(K, size(c, K));
        m.put(V, size(c, V));
        if (kind.usesBeta()) {
            m.put(BETA, size(c, BETA));
        }
        if (kind.usesGate()) {
            m.put(G, size(c, G));
            m.put(G_BIAS, size(c, G_BIAS));
        }
        if (withGateProjection) {
            m.put(U, size(c, U));
        }
        return m;
    }

    private static int size(ModelConfig c, String name) {
        long n = 1;
        for (long s : shapeOf(c, name)) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("model weights: tensor '" + name + "' would have " + n + " values");
        }
        return (int) n;
    }

    /**
     * Loads weights from a safetensors file (F32, F64, F16 or BF16; converted to float). Every tensor's
     * shape must be the PyTorch shape this config implies; errors name the file and the tensor.
     */
    public static ModelWeights load(Path path, ModelConfig config) throws IOException {
        SafeTensorsFile file = SafeTensors.read(path);
        Map<String, float[]> m = new LinkedHashMap<>();
        for (SafeTensor t : file.tensors()) {
            long[] expected;
            try {
                expected = shapeOf(config, t.name());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(path + ": unexpected tensor '" + t.name() + "', expected "
                        + expectedSizes(config, true).keySet());
            }
            if (!t.hasShape(expected)) {
                throw new IllegalArgumentException(path + ": tensor '" + t.name() + "' has shape " + t.shapeString()
                        + ", expected " + Arrays.toString(expected));
            }
            m.put(t.name(), t.toFloats());
        }
        try {
            return new ModelWeights(config, m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** Writes the weights as F32 safetensors with their PyTorch shapes. */
    public void save(Path path, ModelConfig config) throws IOException {
        List<SafeTensor> list = new ArrayList<>();
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            list.add(SafeTensor.ofFloats(e.getKey(), SafeTensorsDtype.F32, shapeOf(config, e.getKey()), e.getValue()));
        }
        SafeTensors.write(path, list);
    }

    /**
     * A seeded random initialisation for tests and benchmarks: embeddings N(0,1), projections
     * N(0, 1/d) (unit-variance outputs), g_proj.bias = 3 (gates start near exp(logsigmoid(3)) ~ 0.95).
     */
    public static ModelWeights random(ModelConfig c, long seed, boolean withGateProjection) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        double projStd = 1.0 / Math.sqrt(c.dModel());
        for (Map.Entry<String, Integer> e : expectedSizes(c, withGateProjection).entrySet()) {
            float[] t = new float[e.getValue()];
            String n = e.getKey();
            for (int i = 0; i < t.length; i++) {
                if (n.equals(G_BIAS)) {
                    t[i] = 3f;
                } else {
                    t[i] = (float) (r.nextGaussian() * (n.equals(EMBED) ? 1.0 : projStd));
                }
            }
            m.put(n, t);
        }
        return new ModelWeights(c, m);
    }
}
