package dev.keymem.models.trained;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.InMemoryCacheStore;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsFile;
import dev.keymem.models.model.ModelConfig;
import dev.keymem.models.model.ModelWeights;
import dev.keymem.models.model.Projector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A one-layer memory model trained in PyTorch ({@code training/train_mc.py}, module
 * {@code keymem_train.cells.GatedDeltaMC}) served from its safetensors: token ids -> embedding ->
 * q, v, beta, g from x_t and k from x_{t-1} (a one-token key shift, {@code memory.key_shift = 1};
 * the first token's previous embedding is zero) -> the cell, plain or under {@link MemoryCaching} ->
 * {@code lm_head} [vocab, H*V]. Weights carry {@link ModelWeights}' names plus {@code lm_head.weight};
 * {@code u_proj.weight} (learned gates u = x W_u) is optional. The same weights can be served plain,
 * or with any Memory Caching read and gate source: {@link #session} takes the caching settings.
 */
public final class TrainedCellModel {
    public static final String LM_HEAD = "lm_head.weight";

    private final ModelConfig config;
    private final ModelWeights weights;
    private final Projector projector;
    private final TensorBackend backend;
    private final float[] lmHead;
    private final int keyShift;

    private TrainedCellModel(ModelConfig config, ModelWeights weights, float[] lmHead, TensorBackend backend) {
        this.config = config;
        this.weights = weights;
        this.lmHead = lmHead;
        this.backend = backend;
        this.projector = new Projector(config, weights, backend);
        JsonNode ks = config.memory().get("key_shift");
        this.keyShift = ks == null ? 0 : ks.asInt();
        if (keyShift != 0 && keyShift != 1) {
            throw new IllegalArgumentException("model config: memory.key_shift must be 0 or 1, got " + keyShift);
        }
        if (config.vocabSize() == 0) {
            throw new IllegalArgumentException("model config: a trained token model needs vocab_size > 0");
        }
    }

    /** Loads {@code config.json} (ModelConfig format) and {@code model.safetensors} from {@code dir}. */
    public static TrainedCellModel load(Path dir, TensorBackend backend) throws IOException {
        ModelConfig config = ModelConfig.load(dir.resolve("config.json"));
        SafeTensorsFile f = SafeTensors.read(dir.resolve("model.safetensors"));
        SafeTensor head = f.require(LM_HEAD);
        long hv = (long) config.heads() * config.valueDim();
        if (!head.hasShape(config.vocabSize(), hv)) {
            throw new IllegalArgumentException(dir + ": tensor '" + LM_HEAD + "' has shape " + head.shapeString()
                    + ", expected [" + config.vocabSize() + ", " + hv + "]");
        }
        Map<String, float[]> m = new LinkedHashMap<>();
        for (SafeTensor t : f.tensors()) {
            if (t.name().equals(LM_HEAD)) {
                continue;
            }
            long[] expected = ModelWeights.shapeOf(config, t.name());
            if (!t.hasShape(expected)) {
                throw new IllegalArgumentException(dir + ": tensor '" + t.name() + "' has shape " + t.shapeString()
                        + ", expected " + java.util.Arrays.toString(expected));
            }
            m.put(t.name(), t.toFloats());
        }
        return new TrainedCellModel(config, new ModelWeights(config, m), head.toFloats(), backend);
    }

    public ModelConfig config() {
        return config;
    }

    /** Whether the weights carry learned gate projections (u_proj). */
    public boolean hasLearnedGates() {
        return weights.has(ModelWeights.U);
    }

    /**
     * One key's memory: the plain cell ({@code caching == null}) or Memory Caching with these settings
     * (LEARNED gates need {@link #hasLearnedGates()}). {@code reference} picks the token-by-token forms.
     */
    public Session session(CachingSettings caching, boolean reference) {
        if (caching != null && caching.gates() == CachingSettings.GateSource.LEARNED && !hasLearnedGates()) {
            throw new IllegalArgumentException("LEARNED gates need u_proj.weight, which these weights lack");
        }
        return new Session(caching, reference);
    }

    /** A key's state and the memory serving it. */
    public final class Session {
        private final MemoryCell cell;
        private final MemoryCaching caching;
        private final CachingState cachingState;
        private final CacheStore store;
        private final CellState plain;
        private final boolean reference;
        private final CachingSettings settings;
        private int previous = -1;

        private Session(CachingSettings settings, boolean reference) {
            this.settings = settings;
            this.reference = reference;
            this.cell = reference ? Cells.recurrent(config.cell()) : Cells.chunked(config.cell(), backend);
            if (settings == null) {
                caching = null;
                cachingState = null;
                store = null;
                plain = cell.newState();
            } else {
                caching = new MemoryCaching(cell, settings, backend);
                cachingState = caching.newState();
                store = new InMemoryCacheStore();
                plain = null;
            }
        }

        /** Cached states held (0 for the plain cell). */
        public int caches() {
            return cachingState == null ? 0 : cachingState.caches().size();
        }

        /**
         * Advances over {@code ids} and returns the cell outputs [T, H*V] in {@code out} (when non-null)
         * and the logits [T, vocab].
         */
        public float[] forward(int[] ids, float[] out) {
            int t = ids.length;
            int d = config.dModel();
            float[] x = projector.embed(ids);
            TokenChunk cx = projector.project(x, t);
            float[] k = cx.k();
            if (keyShift == 1) {
                float[] xs = new float[t * d];
                if (previous >= 0) {
                    System.arraycopy(projector.embed(new int[] {previous}), 0, xs, 0, d);
                }
                System.arraycopy(x, 0, xs, d, (t - 1) * d);
                k = projector.project(xs, t).k();
            }
            TokenChunk chunk = new TokenChunk(t, cx.heads(), cx.keyDim(), cx.valueDim(), cx.q(), k, cx.v(),
                    cx.beta(), cx.g());
            int hv = config.heads() * config.valueDim();
            float[] o = out != null ? out : new float[t * hv];
            if (caching == null) {
                cell.forward(plain, chunk, o);
            } else {
                float[] u = settings.gates() == CachingSettings.GateSource.LEARNED ? projector.gateQueries(x, t) : null;
                if (reference) {
                    caching.forwardReference(cachingState, store, chunk, u, null, o);
                } else {
                    caching.forward(cachingState, store, chunk, u, null, o);
                }
            }
            if (t > 0) {
                previous = ids[t - 1];
            }
            int v = config.vocabSize();
            float[] logits = new float[t * v];
            backend.gemm(false, true, t, v, hv, 1f, o, 0, hv, lmHead, 0, hv, 0f, logits, 0, v);
            return logits;
        }
    }
}
