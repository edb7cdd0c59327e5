package dev.keymem.models.model;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.TokenChunk;

/**
 * Turns a key's tokens into the cell's inputs: token ids (through the embedding table) or
 * embeddings x [T, d_model] are projected to q, k [T,H,K], v [T,H,V], beta = sigmoid(x W_b^T) and
 * g = logsigmoid(x W_g^T + b_g) [T,H]; keys are L2-normalised per head when the config says so (what
 * keeps the delta rules stable). Stateless apart from the weights; thread-safe.
 */
public final class Projector {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final TensorBackend backend;

    public Projector(ModelConfig config, ModelWeights weights, TensorBackend backend) {
        this.config = config;
        this.weights = weights;
        this.backend = backend;
    }

    public ModelConfig config() {
        return config;
    }

    /** Looks token ids up in the embedding table: x [T, d]. */
    public float[] embed(int[] tokenIds) {
        if (config.vocabSize() == 0) {
            throw new IllegalStateException("this model takes embeddings (vocab_size 0), not token ids");
        }
        int d = config.dModel();
        float[] table = weights.get(ModelWeights.EMBED);
        float[] x = new float[tokenIds.length * d];
        for (int t = 0; t < tokenIds.length; t++) {
            int id = tokenIds[t];
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " at index " + t
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
            System.arraycopy(table, id * d, x, t * d, d);
        }
        return x;
    }

    public TokenChunk project(int[] tokenIds) {
        return project(embed(tokenIds), tokenIds.length);
    }

    /** Projects embeddings x [T, d_model] to a token chunk. */
    public TokenChunk project(float[] x, int tokens) {
        int d = config.dModel();
        if (x.length != tokens * d) {
            throw new IllegalArgumentException("embeddings have " + x.length + " values, expected T*d_model = "
                    + tokens + "*" + d);
        }
        int h = config.heads();
        int kd = config.keyDim();
        float[] q = linear(x, tokens, ModelWeights.Q, h * kd);
        float[] k = linear(x, tokens, ModelWeights.K, h * kd);
        float[] v = linear(x, tokens, ModelWeights.V, h * config.valueDim());
        if (config.normalizeKeys()) {
            for (int th = 0; th < tokens * h; th++) {
                double n = 0;
                for (int i = 0; i < kd; i++) {
                    n += (double) k[th * kd + i] * k[th * kd + i];
                }
                float inv = (float) (1.0 / Math.sqrt(n + 1e-12));
                for (int i = 0; i < kd; i++) {
                    k[th * kd + i] *= inv;
                }
            }
        }
        CellKind kind = config.cell().kind();
        float[] beta = null;
        if (kind.usesBeta()) {
            beta = linear(x, tokens, ModelWeights.BETA, h);
            for (int i = 0; i < beta.length; i++) {
                beta[i] = (float) (1.0 / (1.0 + Math.exp(-beta[i])));
            }
        }
        float[] g = null;
        if (kind.usesGate()) {
            g = linear(x, tokens, ModelWeights.G, h);
            float[] bias = weights.get(ModelWeights.G_BIAS);
            for (int t = 0; t < tokens; t++) {
                for (int j = 0; j < h; j++) {
                    g[t * h + j] = logSigmoid(g[t * h + j] + bias[j]);
                }
            }
        }
        return new TokenChunk(tokens, h, kd, config.valueDim(), q, k, v, beta, g);
    }

    /** Learned Memory Caching gate queries u = x W_u^T [T,H,K], or null when the weights have none. */
    public float[] gateQueries(float[] x, int tokens) {
        if (!weights.has(ModelWeights.U)) {
            return null;
        }
        return linear(x, tokens, ModelWeights.U, config.heads() * config.keyDim());
    }

    private float[] linear(float[] x, int tokens, String name, int out) {
        float[] y = new float[tokens * out];
        int d = config.dModel();
        backend.gemm(false, true, tokens, out, d, 1f, x, 0, d, weights.get(name), 0, d, 0f, y, 0, out);
        return y;
    }

    /** log(sigmoid(z)) = min(z, 0) - log1p(exp(-|z|)), stable for any z; always &lt;= 0. */
    static float logSigmoid(float z) {
        return (float) (Math.min(z, 0.0) - Math.log1p(Math.exp(-Math.abs((double) z))));
    }
}
