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
 * <p>All arithmetic is float32 like PyTorch's, with float64 only inside layer norm statistics and the
 * softmax denominators; {@link #forward} is deterministic (the same inputs give the same bits).
 */
public final class RmtModel {

    /** Which token positions get logits (decoder). */
    public enum Logits { NONE, LAST, ALL }

    /** One segment's result: the next memory (null when not writing), logits, and optionally every layer. */
    public record Segment(float[] memory, float[] logits, List<float[]> hidden) {
    }

    private final RmtConfig c;
    private final TensorBackend backend;
    private final float[] initialMemory;
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
            initialMemory = w.get("memory_cell.memory", m, d);
            String t = "memory_cell.model.transformer.";
            wordEmb = w.get(t + "wte.weight", v, d);
            posEmb = w.get(t + "wpe.weight", c.maxPositions(), d);
            typeEmb0 = null;
            embLnW = null;
            embLnB = null;
            for (int i = 0; i < layers.length; i++) {
                String p = t + "h." + i + ".";
                Layer L = new Layer();
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
        int m = c.numMemTokens();
        if (memory.length != m * d) {
            throw new IllegalArgumentException("memory has " + memory.length + " floats, expected " + m * d);
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
            if (hidden != null) {
                hidden.add(x.clone());
            }
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
