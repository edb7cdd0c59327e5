package dev.keymem.models.rmt;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.io.SafeTensor;
import dev.keymem.models.io.SafeTensors;
import dev.keymem.models.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The weights of a Recurrent Memory Transformer and its forward over one segment (stateless; the
 * per-key memory lives in {@link RmtState}). Weights load from safetensors with the names PyTorch's
 * {@code state_dict()} gives the reference modules in {@code training/keymem_train/rmt.py}, which are
 * Hugging Face's GPT-2 / BERT names under booydar's {@code RecurrentWrapper -> memory_cell -> model}:
 *
 * <ul>
 *   <li>decoder: {@code memory_cell.memory} [m, d]; {@code memory_cell.model.transformer.wte / wpe};
 *       per block {@code h.i.ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj} (GPT-2's
 *       Conv1D: weight [in, out]); {@code transformer.ln_f}; {@code memory_cell.model.lm_head.weight}
 *       [vocab, d].</li>
 *   <li>encoder: {@code memory_cell.model.bert.embeddings.(word|position|token_type)_embeddings, LayerNorm};
 *       per layer {@code encoder.layer.i.attention.self.(query|key|value), attention.output.(dense|LayerNorm),
 *       intermediate.dense, output.(dense|LayerNorm)} (nn.Linear: weight [out, in]);
 *       {@code bert.pooler.dense}; {@code memory_cell.model.classifier}.</li>
 * </ul>
 *
 * <p>Decoder segment: positions {@code [m read memory | n tokens | m write memory]} (the write part
 * only when writing), learned absolute positions 0.., causal attention, pre-norm blocks; the final
 * hidden states (after ln_f) at the write positions are the next memory; logits come from the token
 * positions. Encoder segment: {@code [CLS] memory [SEP] tokens [SEP]}, the memory replacing the word
 * embeddings of the memory ids, + position + token type 0 embeddings, LayerNorm, post-norm layers with
 * bidirectional attention; the last layer's outputs at the memory positions are the next memory; the
 * class logits come from the pooled [CLS]. A short segment runs unpadded (equal to the reference's
 * right-padded, masked run at every unpadded position).
 *
 * <p>ARMT ({@code "arch": "armt"}, arXiv 2407.04841; the decoder only): the GPT-2 blocks are stored
 * under {@code h.i.layer.*} with the associative memory's projections {@code h.i.W_mq.weight} [d_mem, d],
 * {@code h.i.W_mk.weight} [d_mem, d], {@code h.i.W_mv.weight} [d, d], {@code h.i.W_mb.weight} [1, d] and
 * {@code h.i.W_mb.bias} [1] (nn.Linear layouts), and {@code memory_cell.memory} is the learned memory
 * tokens fed at every segment. A segment runs {@code [n tokens | m memory tokens]} (reading only:
 * {@code [n tokens]}); before block l every row adds its read {@code (q A_l) / (q . z_l + 1e-5)},
 * {@code q = normalize(dpfp(x W_mq))}; after block l, when writing, the memory rows' outputs update
 * {@code A_l, z_l} with the delta rule (docs/rmt.md has the equations). The "memory" a caller passes
 * and gets back is then the flattened associative state ({@link RmtConfig#memoryFloats()}), zeros
 * at the start.
 *
 * <p>All arithmetic is float32 like PyTorch's, with float64 only inside layer norm statistics and the
 * softmax denominators; {@link #forward} is deterministic (the same inputs give the same bits).
 */
public final class RmtModel {

    /** Which token positions get logits (decoder). */
    public enum Logits { NONE, LAST, ALL }

    /**
     * One segment's result: the next memory (null when not writing), logits, and optionally every
     * layer's input ({@code hidden}) and, for ARMT, every layer's associative read ({@code reads}, [seq, d]).
     */
    public record Segment(float[] memory, float[] logits, List<float[]> hidden, List<float[]> reads) {
        public Segment(float[] memory, float[] logits, List<float[]> hidden) {
            this(memory, logits, hidden, null);
        }
    }

    private final RmtConfig c;
    private final TensorBackend backend;
    private final float[] initialMemory;
    private final float[] memTokens; // ARMT: the learned memory tokens [m, d]
    // embeddings
    private final float[] wordEmb;
    private final float[] posEmb;
    private final float[] typeEmb0;
    private final float[] embLnW;
    private final float[] embLnB;
    private final Layer[] layers;
    private final float[] lnFW;
    private final float[] lnFB;
    private final float[] headT; // decoder lm_head as [d, vocab]; encoder classifier as [d, labels]
    private final float[] headB;
    private final float[] poolerT;
    private final float[] poolerB;

    private static final class Layer {
        float[] ln1W, ln1B, ln2W, ln2B; // decoder: pre-norms; encoder: post-attention and output norms
        float[] qkvT, qkvB;            // [d, 3d] (q | k | v)
        float[] projT, projB;          // [d, d]
        float[] fcT, fcB;              // [d, I]
        float[] outT, outB;            // [I, d]
        float[] mqT, mkT, mvT;         // ARMT: [d, d_mem], [d, d_mem], [d, d]
        float[] mbW;                   // ARMT: [d]
        float mbB;
    }

    private RmtModel(RmtConfig c, SafeTensorsFile f, String prefix, TensorBackend backend) {
        this.c = c;
        this.backend = backend;
        Set<String> used = new HashSet<>();
        Loader w = new Loader(f, prefix, used);
        int d = c.hiddenSize();
        int v = c.vocabSize();
        int m = c.numMemTokens();
        int inner = c.intermediateSize();
        layers = new Layer[c.numLayers()];
        if (c.layout() == RmtConfig.Layout.DECODER) {
            boolean armt = c.arch() == RmtConfig.Arch.ARMT;
            float[] tokensParam = w.get("memory_cell.memory", m, d);
            initialMemory = armt ? new float[c.memoryFloats()] : tokensParam;
            memTokens = armt ? tokensParam : null;
            String t = "memory_cell.model.transformer.";
            wordEmb = w.get(t + "wte.weight", v, d);
            posEmb = w.get(t + "wpe.weight", c.maxPositions(), d);
            typeEmb0 = null;
            embLnW = null;
            embLnB = null;
            for (int i = 0; i < layers.length; i++) {
                String p = t + "h." + i + "." + (armt ? "layer." : "");
                Layer L = new Layer();
                if (armt) {
                    String a = t + "h." + i + ".";
                    int dm = c.assocDim();
                    L.mqT = transpose(w.get(a + "W_mq.weight", dm, d), dm, d);
                    L.mkT = transpose(w.get(a + "W_mk.weight", dm, d), dm, d);
                    L.mvT = transpose(w.get(a + "W_mv.weight", d, d), d, d);
                    L.mbW = w.get(a + "W_mb.weight", 1, d);
                    L.mbB = w.get(a + "W_mb.bias", 1)[0];
                }
                L.ln1W = w.get(p + "ln_1.weight", d);
                L.ln1B = w.get(p + "ln_1.bias", d);
                L.qkvT = w.get(p + "attn.c_attn.weight", d, 3 * d);
                L.qkvB = w.get(p + "attn.c_attn.bias", 3 * d);
                L.projT = w.get(p + "attn.c_proj.weight", d, d);
                L.projB = w.get(p + "attn.c_proj.bias", d);
                L.ln2W = w.get(p + "ln_2.weight", d);
                L.ln2B = w.get(p + "ln_2.bias", d);
                L.fcT = w.get(p + "mlp.c_fc.weight", d, inner);
                L.fcB = w.get(p + "mlp.c_fc.bias", inner);
                L.outT = w.get(p + "mlp.c_proj.weight", inner, d);
                L.outB = w.get(p + "mlp.c_proj.bias", d);
                layers[i] = L;
            }
            lnFW = w.get(t + "ln_f.weight", d);
            lnFB = w.get(t + "ln_f.bias", d);
            headT = transpose(w.get("memory_cell.model.lm_head.weight", v, d), v, d);
            headB = new float[v];
            poolerT = null;
            poolerB = null;
        } else {
            String b = "memory_cell.model.bert.";
            wordEmb = w.get(b + "embeddings.word_embeddings.weight", v, d);
            posEmb = w.get(b + "embeddings.position_embeddings.weight", c.maxPositions(), d);
            float[] types = w.get(b + "embeddings.token_type_embeddings.weight", c.typeVocabSize(), d);
            typeEmb0 = Arrays.copyOf(types, d);
            embLnW = w.get(b + "embeddings.LayerNorm.weight", d);
            embLnB = w.get(b + "embeddings.LayerNorm.bias", d);
            initialMemory = Arrays.copyOfRange(wordEmb, (v - m) * d, v * d);
            memTokens = null;
            for (int i = 0; i < layers.length; i++) {
                String p = b + "encoder.layer." + i + ".";
                Layer L = new Layer();
                float[] q = transpose(w.get(p + "attention.self.query.weight", d, d), d, d);
                float[] k = transpose(w.get(p + "attention.self.key.weight", d, d), d, d);
                float[] vv = transpose(w.get(p + "attention.self.value.weight", d, d), d, d);
                L.qkvT = new float[d * 3 * d];
                for (int r = 0; r < d; r++) {
                    System.arraycopy(q, r * d, L.qkvT, r * 3 * d, d);
                    System.arraycopy(k, r * d, L.qkvT, r * 3 * d + d, d);
                    System.arraycopy(vv, r * d, L.qkvT, r * 3 * d + 2 * d, d);
                }
                L.qkvB = new float[3 * d];
                System.arraycopy(w.get(p + "attention.self.query.bias", d), 0, L.qkvB, 0, d);
                System.arraycopy(w.get(p + "attention.self.key.bias", d), 0, L.qkvB, d, d);
                System.arraycopy(w.get(p + "attention.self.value.bias", d), 0, L.qkvB, 2 * d, d);
                L.projT = transpose(w.get(p + "attention.output.dense.weight", d, d), d, d);
                L.projB = w.get(p + "attention.output.dense.bias", d);
                L.ln1W = w.get(p + "attention.output.LayerNorm.weight", d);
                L.ln1B = w.get(p + "attention.output.LayerNorm.bias", d);
                L.fcT = transpose(w.get(p + "intermediate.dense.weight", inner, d), inner, d);
                L.fcB = w.get(p + "intermediate.dense.bias", inner);
                L.outT = transpose(w.get(p + "output.dense.weight", d, inner), d, inner);
                L.outB = w.get(p + "output.dense.bias", d);
                L.ln2W = w.get(p + "output.LayerNorm.weight", d);
                L.ln2B = w.get(p + "output.LayerNorm.bias", d);
                layers[i] = L;
            }
            lnFW = null;
            lnFB = null;
            poolerT = transpose(w.get(b + "pooler.dense.weight", d, d), d, d);
            poolerB = w.get(b + "pooler.dense.bias", d);
            headT = transpose(w.get("memory_cell.model.classifier.weight", c.numLabels(), d), c.numLabels(), d);
            headB = w.get("memory_cell.model.classifier.bias", c.numLabels());
        }
        Set<String> unused = new java.util.TreeSet<>(f.names());
        unused.removeAll(used);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(f.source() + ": unexpected tensors for an RMT " + c.layout()
                    + " model: " + unused);
        }
    }

    /** Loads {@code config.json} and {@code model.safetensors} from a directory the exporter wrote. */
    public static RmtModel load(Path dir) throws IOException {
        return load(dir, Backends.java());
    }

    /** As {@link #load(Path)}, with the products on {@code backend} ({@link ScalarBackend} is the reference). */
    public static RmtModel load(Path dir, TensorBackend backend) throws IOException {
        RmtConfig config = RmtConfig.load(dir.resolve("config.json"));
        return load(config, SafeTensors.read(dir.resolve("model.safetensors")), backend);
    }

    /** Builds the model from a config and a safetensors file; every tensor's name and shape is checked. */
    public static RmtModel load(RmtConfig config, SafeTensorsFile weights, TensorBackend backend) {
        return new RmtModel(config, weights, "", backend);
    }

    /** The backend running the dense products. */
    public TensorBackend backend() {
        return backend;
    }

    public RmtConfig config() {
        return c;
    }

    /** A copy of the initial memory [m * d] (decoder: the trained memory parameter; encoder: the memory ids' embeddings). */
    public float[] initialMemory() {
        return initialMemory.clone();
    }

    /**
     * Runs one segment of {@code n} tokens {@code tokens[off, off + n)} over {@code memory} [m * d].
     * With {@code write} the result carries the next memory. Decoder logits are [rows, vocab] for the
     * requested rows (ALL: n rows; LAST: the last token only; NONE: empty); encoder logits are the class
     * logits [num_labels] (computed unless NONE). With {@code keepHidden} the result lists the hidden
     * states [seq, d] of the embedding output and of every layer (the decoder's last one after ln_f),
     * as Hugging Face's {@code output_hidden_states} does.
     */
    public Segment forward(float[] memory, int[] tokens, int off, int n, boolean write, Logits logits,
                           boolean keepHidden) {
        int d = c.hiddenSize();
        if (memory.length != c.memoryFloats()) {
            throw new IllegalArgumentException("memory has " + memory.length + " floats, expected " + c.memoryFloats());
        }
        if (n < 0 || n > c.segmentSize()) {
            throw new IllegalArgumentException("segment of " + n + " tokens, expected 0.." + c.segmentSize());
        }
        for (int i = 0; i < n; i++) {
            int t = tokens[off + i];
            if (t < 0 || t >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + c.vocabSize() + ")");
            }
        }
        if (c.arch() == RmtConfig.Arch.ARMT) {
            return armt(memory, tokens, off, n, write, logits, keepHidden);
        }
        return c.layout() == RmtConfig.Layout.DECODER
                ? decoder(memory, tokens, off, n, write, logits, keepHidden)
                : encoder(memory, tokens, off, n, logits, keepHidden);
    }

    private Segment decoder(float[] memory, int[] tokens, int off, int n, boolean write, Logits want, boolean keep) {
        int d = c.hiddenSize();
        int m = c.numMemTokens();
        int s = c.sequenceLength(n, write);
        float[] x = new float[s * d];
        fillInput(x, 0, memory, tokens, off, n, write);
        List<float[]> hidden = keep ? new ArrayList<>() : null;
        if (keep) {
            hidden.add(x.clone());
        }
        decoderTrunk(x, 1, s, hidden);
        float[] last = new float[s * d];
        layerNorm(x, s, d, lnFW, lnFB, last);
        if (keep) {
            hidden.set(hidden.size() - 1, last.clone());
        }
        float[] next = write ? Arrays.copyOfRange(last, (m + n) * d, (m + n + m) * d) : null;
        float[] logits;
        int v = c.vocabSize();
        if (want == Logits.NONE || n == 0) {
            logits = new float[0];
        } else {
            int from = want == Logits.ALL ? 0 : n - 1;
            float[] rows = Arrays.copyOfRange(last, (m + from) * d, (m + n) * d);
            logits = new float[(n - from) * v];
            linear(rows, n - from, d, headT, headB, v, logits);
        }
        return new Segment(next, logits, hidden);
    }

    private Segment encoder(float[] memory, int[] tokens, int off, int n, Logits want, boolean keep) {
        int d = c.hiddenSize();
        int m = c.numMemTokens();
        int s = c.sequenceLength(n, true);
        float[] x = new float[s * d];
        fillInput(x, 0, memory, tokens, off, n, true);
        List<float[]> hidden = keep ? new ArrayList<>() : null;
        if (keep) {
            hidden.add(x.clone());
        }
        encoderTrunk(x, 1, s, hidden);
        float[] next = Arrays.copyOfRange(x, d, (m + 1) * d);
        float[] logits = new float[0];
        if (want != Logits.NONE) {
            float[] pooled = new float[d];
            linear(x, 1, d, poolerT, poolerB, d, pooled);
            for (int j = 0; j < d; j++) {
                pooled[j] = (float) Math.tanh(pooled[j]);
            }
            logits = new float[c.numLabels()];
            linear(pooled, 1, d, headT, headB, c.numLabels(), logits);
        }
        return new Segment(next, logits, hidden);
    }


    /** The decoder blocks over {@code batch} sequences of {@code s} rows each (x [batch * s, d], in place). */
    private void decoderTrunk(float[] x, int batch, int s, List<float[]> hidden) {
        int d = c.hiddenSize();
        int rows = batch * s;
        Scratch w = new Scratch(rows, d, c.intermediateSize());
        for (Layer L : layers) {
            decoderBlock(L, x, batch, s, w);
            if (hidden != null) {
                hidden.add(x.clone());
            }
        }
    }

    /** One pre-norm GPT-2 block over {@code batch} sequences of {@code s} rows (x in place). */
    private void decoderBlock(Layer L, float[] x, int batch, int s, Scratch w) {
        int d = c.hiddenSize();
        int rows = batch * s;
        layerNorm(x, rows, d, L.ln1W, L.ln1B, w.h);
        linear(w.h, rows, d, L.qkvT, L.qkvB, 3 * d, w.qkv);
        attention(w.qkv, batch, s, true, w.att);
        linear(w.att, rows, d, L.projT, L.projB, d, w.h);
        add(x, w.h, rows * d);
        layerNorm(x, rows, d, L.ln2W, L.ln2B, w.h);
        linear(w.h, rows, d, L.fcT, L.fcB, c.intermediateSize(), w.inner);
        act(w.inner, rows * c.intermediateSize());
        linear(w.inner, rows, c.intermediateSize(), L.outT, L.outB, d, w.h);
        add(x, w.h, rows * d);
    }

    /**
     * ARMT segment: x = [token embeddings | memory tokens] + positions; per layer x += read(A_l, z_l),
     * x = block(x), then (writing) A_l, z_l take the delta-rule update from the memory rows of x.
     * Every layer reads the state the segment started from (its own A_l is updated after its block).
     */
    private Segment armt(float[] state, int[] tokens, int off, int n, boolean write, Logits want, boolean keep) {
        int d = c.hiddenSize();
        int m = c.numMemTokens();
        int s = c.sequenceLength(n, write);
        float[] x = new float[s * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(wordEmb, tokens[off + i] * d, x, i * d, d);
        }
        if (write) {
            System.arraycopy(memTokens, 0, x, n * d, m * d);
        }
        for (int i = 0; i < s * d; i++) {
            x[i] += posEmb[i];
        }
        List<float[]> hidden = keep ? new ArrayList<>() : null;
        List<float[]> reads = keep ? new ArrayList<>() : null;
        float[] next = write ? state.clone() : null;
        int dk = c.assocKeyDim();
        int per = dk * d + dk;
        Scratch w = new Scratch(s, d, c.intermediateSize());
        float[] r = new float[s * d];
        for (int l = 0; l < layers.length; l++) {
            Layer L = layers[l];
            if (keep) {
                hidden.add(x.clone());
            }
            assocRead(L, x, s, state, l * per, r);
            if (keep) {
                reads.add(r.clone());
            }
            add(x, r, s * d);
            decoderBlock(L, x, 1, s, w);
            if (write) {
                assocWrite(L, x, n, m, state, l * per, next);
            }
        }
        float[] last = new float[s * d];
        layerNorm(x, s, d, lnFW, lnFB, last);
        if (keep) {
            hidden.add(last.clone());
        }
        float[] logits;
        int v = c.vocabSize();
        if (want == Logits.NONE || n == 0) {
            logits = new float[0];
        } else {
            int from = want == Logits.ALL ? 0 : n - 1;
            float[] rows = Arrays.copyOfRange(last, from * d, n * d);
            logits = new float[(n - from) * v];
            linear(rows, n - from, d, headT, headB, v, logits);
        }
        return new Segment(next, logits, hidden, reads);
    }

    /** DPFP features of {@code rows} rows of u [rows, d_mem], L2-normalised: out [rows, 2 nu d_mem]. */
    private void dpfp(float[] u, int rows, float[] out) {
        int dm = c.assocDim();
        int two = 2 * dm;
        int dk = c.assocKeyDim();
        float[] rr = new float[two];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < dm; j++) {
                float v = u[i * dm + j];
                rr[j] = Math.max(v, 0f);
                rr[dm + j] = Math.max(-v, 0f);
            }
            int o = i * dk;
            for (int sh = 1; sh <= c.assocNu(); sh++) {
                for (int j = 0; j < two; j++) {
                    out[o + (sh - 1) * two + j] = rr[j] * rr[Math.floorMod(j - sh, two)];
                }
            }
            double sq = 0;
            for (int j = 0; j < dk; j++) {
                sq += (double) out[o + j] * out[o + j];
            }
            float norm = (float) Math.max(Math.sqrt(sq), 1e-12);
            for (int j = 0; j < dk; j++) {
                out[o + j] = out[o + j] / norm;
            }
        }
    }

    /** read[i] = (q_i A) / (q_i . z + 1e-5) for the s rows of x, A and z at state[base]. */
    private void assocRead(Layer L, float[] x, int s, float[] state, int base, float[] read) {
        int d = c.hiddenSize();
        int dm = c.assocDim();
        int dk = c.assocKeyDim();
        float[] u = new float[s * dm];
        linear(x, s, d, L.mqT, new float[dm], dm, u);
        float[] q = new float[s * dk];
        dpfp(u, s, q);
        int zb = base + dk * d;
        for (int i = 0; i < s; i++) {
            double den = 0;
            for (int k = 0; k < dk; k++) {
                den += (double) q[i * dk + k] * state[zb + k];
            }
            float dn = (float) den + 1e-5f;
            int o = i * d;
            Arrays.fill(read, o, o + d, 0f);
            for (int k = 0; k < dk; k++) {
                float qk = q[i * dk + k];
                if (qk == 0f) {
                    continue;
                }
                int ao = base + k * d;
                for (int t = 0; t < d; t++) {
                    read[o + t] += qk * state[ao + t];
                }
            }
            for (int t = 0; t < d; t++) {
                read[o + t] = read[o + t] / dn;
            }
        }
    }

    /**
     * Delta-rule write of the m memory rows x[n, n + m) into next[base..] (A then z), reading the
     * pre-segment A, z from state[base..]: A += sum_j k_j^T beta_j (v_j - (k_j A) / den_j),
     * z += sum_j clip(1 - den_j / |k_j|^2, 0, 1) k_j, den_j = k_j . z + 1e-5.
     */
    private void assocWrite(Layer L, float[] x, int n, int m, float[] state, int base, float[] next) {
        int d = c.hiddenSize();
        int dm = c.assocDim();
        int dk = c.assocKeyDim();
        float[] y = Arrays.copyOfRange(x, n * d, (n + m) * d);
        float[] u = new float[m * dm];
        linear(y, m, d, L.mkT, new float[dm], dm, u);
        float[] k = new float[m * dk];
        dpfp(u, m, k);
        float[] v = new float[m * d];
        linear(y, m, d, L.mvT, new float[d], d, v);
        int zb = base + dk * d;
        float[] delta = new float[m * d];
        float[] gamma = new float[m];
        for (int j = 0; j < m; j++) {
            double bz = L.mbB;
            double den = 0;
            double sq = 0;
            for (int t = 0; t < d; t++) {
                bz += (double) y[j * d + t] * L.mbW[t];
            }
            for (int i = 0; i < dk; i++) {
                float kv = k[j * dk + i];
                den += (double) kv * state[zb + i];
                sq += (double) kv * kv;
            }
            float beta = (float) (1.0 / (1.0 + Math.exp(-bz)));
            float dn = (float) den + 1e-5f;
            float nrm = (float) Math.sqrt(sq);
            gamma[j] = Math.min(1f, Math.max(0f, 1f - dn / (nrm * nrm)));
            float[] old = new float[d];
            for (int i = 0; i < dk; i++) {
                float kv = k[j * dk + i];
                if (kv == 0f) {
                    continue;
                }
                int ao = base + i * d;
                for (int t = 0; t < d; t++) {
                    old[t] += kv * state[ao + t];
                }
            }
            for (int t = 0; t < d; t++) {
                delta[j * d + t] = beta * (v[j * d + t] - old[t] / dn);
            }
        }
        for (int i = 0; i < dk; i++) {
            int ao = base + i * d;
            for (int t = 0; t < d; t++) {
                float acc = 0f;
                for (int j = 0; j < m; j++) {
                    acc += k[j * dk + i] * delta[j * d + t];
                }
                next[ao + t] = state[ao + t] + acc;
            }
            float zacc = 0f;
            for (int j = 0; j < m; j++) {
                zacc += gamma[j] * k[j * dk + i];
            }
            next[zb + i] = state[zb + i] + zacc;
        }
    }

    /** The encoder layers over {@code batch} sequences of {@code s} rows each (x [batch * s, d], in place). */
    private void encoderTrunk(float[] x, int batch, int s, List<float[]> hidden) {
        int d = c.hiddenSize();
        int rows = batch * s;
        Scratch w = new Scratch(rows, d, c.intermediateSize());
        float[] a = new float[rows * d];
        for (Layer L : layers) {
            linear(x, rows, d, L.qkvT, L.qkvB, 3 * d, w.qkv);
            attention(w.qkv, batch, s, false, w.att);
            linear(w.att, rows, d, L.projT, L.projB, d, w.h);
            add(w.h, x, rows * d);
            layerNorm(w.h, rows, d, L.ln1W, L.ln1B, a);
            linear(a, rows, d, L.fcT, L.fcB, c.intermediateSize(), w.inner);
            act(w.inner, rows * c.intermediateSize());
            linear(w.inner, rows, c.intermediateSize(), L.outT, L.outB, d, w.h);
            add(w.h, a, rows * d);
            layerNorm(w.h, rows, d, L.ln2W, L.ln2B, x);
            if (hidden != null) {
                hidden.add(x.clone());
            }
        }
    }

    /**
     * Runs one full segment for each of {@code memories.length} keys at once (every dense product
     * one GEMM over all keys' rows; attention per key) and returns their next memories. Equal to
     * {@link #forward} per key with {@code write} and no logits: bit for bit on the scalar backend,
     * within float rounding on a blocked GEMM (whose summation may depend on the batch's row count).
     */
    public float[][] writeSegments(float[][] memories, int[][] tokens) {
        int batch = memories.length;
        if (tokens.length != batch) {
            throw new IllegalArgumentException(batch + " memories but " + tokens.length + " token segments");
        }
        if (c.arch() == RmtConfig.Arch.ARMT) { // per key: each key's reads and writes use its own A, z
            float[][] next = new float[batch][];
            for (int b = 0; b < batch; b++) {
                if (tokens[b].length != c.segmentSize()) {
                    throw new IllegalArgumentException("key " + b + ": " + tokens[b].length + " tokens, expected "
                            + c.segmentSize());
                }
                next[b] = forward(memories[b], tokens[b], 0, c.segmentSize(), true, Logits.NONE, false).memory();
            }
            return next;
        }
        int d = c.hiddenSize();
        int m = c.numMemTokens();
        int n = c.segmentSize();
        int s = c.sequenceLength(n, true);
        float[] x = new float[batch * s * d];
        for (int b = 0; b < batch; b++) {
            if (memories[b].length != m * d || tokens[b].length != n) {
                throw new IllegalArgumentException("key " + b + ": memory of " + memories[b].length
                        + " floats and " + tokens[b].length + " tokens, expected " + m * d + " and " + n);
            }
            for (int t : tokens[b]) {
                if (t < 0 || t >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id " + t + " outside the vocabulary [0, " + c.vocabSize() + ")");
                }
            }
            fillInput(x, b * s * d, memories[b], tokens[b], 0, n, true);
        }
        float[][] next = new float[batch][];
        if (c.layout() == RmtConfig.Layout.DECODER) {
            decoderTrunk(x, batch, s, null);
            for (int b = 0; b < batch; b++) {
                float[] out = new float[m * d];
                float[] rows = Arrays.copyOfRange(x, (b * s + m + n) * d, (b * s + s) * d);
                layerNorm(rows, m, d, lnFW, lnFB, out);
                next[b] = out;
            }
        } else {
            encoderTrunk(x, batch, s, null);
            for (int b = 0; b < batch; b++) {
                next[b] = Arrays.copyOfRange(x, (b * s + 1) * d, (b * s + 1 + m) * d);
            }
        }
        return next;
    }

    /** Writes one segment's input rows (after embeddings: decoder + positions; encoder + LayerNorm) at x[off]. */
    private void fillInput(float[] x, int off, float[] memory, int[] tokens, int tOff, int n, boolean write) {
        int d = c.hiddenSize();
        int m = c.numMemTokens();
        int s = c.sequenceLength(n, write);
        if (c.layout() == RmtConfig.Layout.DECODER) {
            System.arraycopy(memory, 0, x, off, m * d);
            for (int i = 0; i < n; i++) {
                System.arraycopy(wordEmb, tokens[tOff + i] * d, x, off + (m + i) * d, d);
            }
            if (write) {
                System.arraycopy(memory, 0, x, off + (m + n) * d, m * d);
            }
            for (int i = 0; i < s * d; i++) {
                x[off + i] += posEmb[i];
            }
        } else {
            float[] e = new float[s * d];
            System.arraycopy(wordEmb, c.clsTokenId() * d, e, 0, d);
            System.arraycopy(memory, 0, e, d, m * d);
            System.arraycopy(wordEmb, c.sepTokenId() * d, e, (m + 1) * d, d);
            for (int i = 0; i < n; i++) {
                System.arraycopy(wordEmb, tokens[tOff + i] * d, e, (m + 2 + i) * d, d);
            }
            System.arraycopy(wordEmb, c.sepTokenId() * d, e, (m + 2 + n) * d, d);
            for (int r = 0; r < s; r++) {
                for (int j = 0; j < d; j++) {
                    e[r * d + j] = (e[r * d + j] + posEmb[r * d + j]) + typeEmb0[j];
                }
            }
            float[] y = new float[s * d];
            layerNorm(e, s, d, embLnW, embLnB, y);
            System.arraycopy(y, 0, x, off, s * d);
        }
    }

    private static final class Scratch {
        final float[] h;
        final float[] qkv;
        final float[] att;
        final float[] inner;

        Scratch(int s, int d, int inner) {
            h = new float[s * d];
            qkv = new float[s * 3 * d];
            att = new float[s * d];
            this.inner = new float[s * inner];
        }
    }

    /** y[r, :] = b + x[r, :] W with W stored [in, out], on the backend (one GEMM). */
    private void linear(float[] x, int rows, int in, float[] wT, float[] b, int out, float[] y) {
        if (backend == ScalarBackend.INSTANCE) {
            linearReference(x, rows, in, wT, b, out, y);
            return;
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(b, 0, y, r * out, out);
        }
        backend.gemm(false, false, rows, out, in, 1f, x, 0, in, wT, 0, out, 1f, y, 0, out);
    }

    /** The reference form: y[r, :] = b + sum_k x[r, k] W[k, :] in plain loops. */
    static void linearReference(float[] x, int rows, int in, float[] wT, float[] b, int out, float[] y) {
        for (int r = 0; r < rows; r++) {
            int yo = r * out;
            System.arraycopy(b, 0, y, yo, out);
            int xo = r * in;
            for (int k = 0; k < in; k++) {
                float a = x[xo + k];
                int wo = k * out;
                for (int j = 0; j < out; j++) {
                    y[yo + j] += a * wT[wo + j];
                }
            }
        }
    }

    private void attention(float[] qkv, int batch, int s, boolean causal, float[] out) {
        for (int b = 0; b < batch; b++) {
            attendBlock(qkv, b * s, s, causal, out);
        }
    }

    /** Multi-head attention of the s rows starting at row {@code row0} (qkv rows [q | k | v], 3d wide). */
    private void attendBlock(float[] qkv, int row0, int s, boolean causal, float[] outAll) {
        int d = c.hiddenSize();
        int hd = c.headDim();
        float scale = (float) (1.0 / Math.sqrt(hd));
        float[] p = new float[s];
        int base3 = row0 * 3 * d;
        int base = row0 * d;
        Arrays.fill(outAll, base, base + s * d, 0f);
        for (int h = 0; h < c.numHeads(); h++) {
            int qo = h * hd;
            int ko = d + h * hd;
            int vo = 2 * d + h * hd;
            for (int i = 0; i < s; i++) {
                int cols = causal ? i + 1 : s;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    float dot = 0f;
                    for (int t = 0; t < hd; t++) {
                        dot += qkv[base3 + i * 3 * d + qo + t] * qkv[base3 + j * 3 * d + ko + t];
                    }
                    p[j] = dot * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                float inv = (float) (1.0 / sum);
                int o = base + i * d + h * hd;
                for (int j = 0; j < cols; j++) {
                    float pj = p[j] * inv;
                    int vj = base3 + j * 3 * d + vo;
                    for (int t = 0; t < hd; t++) {
                        outAll[o + t] += pj * qkv[vj + t];
                    }
                }
            }
        }
    }

    private void layerNorm(float[] x, int rows, int d, float[] g, float[] b, float[] y) {
        double eps = c.layerNormEps();
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            double mean = 0;
            for (int j = 0; j < d; j++) {
                mean += x[o + j];
            }
            mean /= d;
            double var = 0;
            for (int j = 0; j < d; j++) {
                double t = x[o + j] - mean;
                var += t * t;
            }
            var /= d;
            float inv = (float) (1.0 / Math.sqrt(var + eps));
            float mu = (float) mean;
            for (int j = 0; j < d; j++) {
                y[o + j] = (x[o + j] - mu) * inv * g[j] + b[j];
            }
        }
    }

    private void act(float[] x, int n) {
        if (c.hiddenAct() == RmtConfig.Activation.GELU_NEW) {
            double k = Math.sqrt(2.0 / Math.PI);
            for (int i = 0; i < n; i++) {
                double v = x[i];
                double z = k * (v + 0.044715 * v * v * v);
                // 1 + tanh(z) = 2 / (1 + exp(-2z)): one exp (a JIT intrinsic) instead of Math.tanh
                x[i] = (float) (v / (1.0 + Math.exp(-2.0 * z)));
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = x[i];
                x[i] = (float) (0.5 * v * (1.0 + erf(v / Math.sqrt(2.0))));
            }
        }
    }

    private static void add(float[] acc, float[] v, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += v[i];
        }
    }

    /**
     * erf(x) to about 1e-15 absolute: the Maclaurin series for |x| < 2.5, the Laplace continued
     * fraction for erfc beyond (both evaluated in double; written here, Java has no erf).
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            double term = a;
            double sum = a;
            double x2 = a * a;
            for (int k = 1; k < 200; k++) {
                term *= -x2 / k;
                double add = term / (2 * k + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = 2.0 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + 2/(a + ...)))))
            double f = a;
            for (int k = 60; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            r = 1.0 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    private static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                t[k * rows + r] = w[r * cols + k];
            }
        }
        return t;
    }

    private record Loader(SafeTensorsFile f, String prefix, Set<String> used) {
        float[] get(String name, long... shape) {
            String full = prefix + name;
            SafeTensor t = f.get(full);
            if (t == null) {
                throw new IllegalArgumentException(f.source() + ": tensor '" + full + "' is missing");
            }
            if (!t.hasShape(shape)) {
                throw new IllegalArgumentException(f.source() + ": tensor '" + full + "' has shape " + t.shapeString()
                        + ", expected " + Arrays.toString(shape));
            }
            used.add(full);
            return t.toFloats();
        }
    }
}
