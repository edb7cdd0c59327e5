package dev.keymem.models.rmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configuration of a Recurrent Memory Transformer, read from the {@code config.json} that
 * {@code training/keymem_train/export.py} writes (snake_case keys):
 *
 * <pre>{@code
 * { "layout": "decoder", "vocab_size": 88, "hidden_size": 32, "num_layers": 2, "num_heads": 4,
 *   "intermediate_size": 128, "max_positions": 40, "layer_norm_eps": 1e-5, "hidden_act": "gelu_new",
 *   "num_mem_tokens": 4, "segment_size": 32,
 *   // encoder only:
 *   "type_vocab_size": 2, "cls_token_id": 1, "sep_token_id": 2, "pad_token_id": 0, "num_labels": 6,
 *   "task": { ... free-form, kept for tools ... },
 *   // associative RMT (decoder only; absent means "arch": "rmt"):
 *   "arch": "armt", "assoc_dim": 16, "assoc_nu": 3 }
 * }</pre>
 *
 * Decoder: a segment of n tokens runs as {@code m + n + m} positions (read memory, tokens, write
 * memory), so {@code max_positions >= segment_size + 2 m}. Encoder: {@code [CLS] memory [SEP]
 * segment [SEP]}, so {@code max_positions >= segment_size + m + 3}, and the last {@code m} ids of the
 * vocabulary are the memory tokens (their word embeddings are the initial memory). Unknown keys and
 * inconsistent values are rejected with a message naming the key.
 *
 * <p>{@code "arch": "armt"} selects the associative RMT (ARMT, arXiv 2407.04841; equations in
 * docs/rmt.md): a segment runs as {@code [tokens | m memory tokens]} (so {@code max_positions >=
 * segment_size + m}), the memory tokens are the same learned vectors every segment, and what a key
 * carries is each layer's associative matrix {@code A_l [dk, d]} and normaliser {@code z_l [dk]},
 * {@code dk = 2 assoc_nu assoc_dim} (DPFP keys).
 */
public record RmtConfig(Layout layout, int vocabSize, int hiddenSize, int numLayers, int numHeads,
                        int intermediateSize, int maxPositions, float layerNormEps, Activation hiddenAct,
                        int numMemTokens, int segmentSize, int typeVocabSize, int clsTokenId, int sepTokenId,
                        int padTokenId, int numLabels, JsonNode task, Arch arch, int assocDim, int assocNu) {

    /** What a key carries between segments: RMT's memory tokens, or ARMT's per-layer associative memory. */
    public enum Arch { RMT, ARMT }

    /** The two published RMT layouts. */
    public enum Layout { DECODER, ENCODER }

    /** Feed-forward activations: GELU with erf (BERT's "gelu") or GPT-2's tanh form ("gelu_new"). */
    public enum Activation { GELU, GELU_NEW }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COMMON = Set.of("layout", "vocab_size", "hidden_size", "num_layers", "num_heads",
            "intermediate_size", "max_positions", "layer_norm_eps", "hidden_act", "num_mem_tokens", "segment_size",
            "task", "arch");
    private static final Set<String> ARMT_ONLY = Set.of("assoc_dim", "assoc_nu");
    private static final Set<String> ENCODER_ONLY = Set.of("type_vocab_size", "cls_token_id", "sep_token_id",
            "pad_token_id", "num_labels");

    public RmtConfig {
        check(vocabSize > 0, "vocab_size must be positive");
        check(hiddenSize > 0, "hidden_size must be positive");
        check(numLayers > 0, "num_layers must be positive");
        check(numHeads > 0 && hiddenSize % numHeads == 0, "num_heads must divide hidden_size");
        check(intermediateSize > 0, "intermediate_size must be positive");
        check(numMemTokens > 0, "num_mem_tokens must be positive");
        check(segmentSize > 0, "segment_size must be positive");
        check(layerNormEps > 0, "layer_norm_eps must be positive");
        if (arch == null) {
            arch = Arch.RMT;
        }
        if (arch == Arch.ARMT) {
            check(layout == Layout.DECODER, "arch armt needs the decoder layout");
            check(assocDim > 0, "assoc_dim must be positive");
            check(assocNu > 0 && assocNu <= 2 * assocDim, "assoc_nu must be in 1..2 * assoc_dim");
            check(maxPositions >= segmentSize + numMemTokens,
                    "max_positions must be >= segment_size + num_mem_tokens for arch armt");
        } else if (layout == Layout.DECODER) {
            check(maxPositions >= segmentSize + 2 * numMemTokens,
                    "max_positions must be >= segment_size + 2 * num_mem_tokens for the decoder layout");
        } else {
            check(maxPositions >= segmentSize + numMemTokens + 3,
                    "max_positions must be >= segment_size + num_mem_tokens + 3 for the encoder layout");
            check(typeVocabSize > 0, "type_vocab_size must be positive");
            check(numLabels > 0, "num_labels must be positive");
            check(vocabSize > numMemTokens, "vocab_size must exceed num_mem_tokens (memory ids are the last ones)");
            for (int id : new int[] {clsTokenId, sepTokenId, padTokenId}) {
                check(id >= 0 && id < vocabSize - numMemTokens, "special token ids must be ordinary vocabulary ids");
            }
        }
        if (task == null) {
            task = JSON.createObjectNode();
        }
    }

    /** Hidden size per head. */
    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** ARMT key width {@code 2 nu d_mem} (the DPFP feature size); 0 for RMT. */
    public int assocKeyDim() {
        return arch == Arch.ARMT ? 2 * assocNu * assocDim : 0;
    }

    /**
     * Floats of one key's memory: RMT {@code m * d}; ARMT {@code num_layers * (dk * d + dk)}, layer by
     * layer {@code A_l} (row-major [dk, d]) then {@code z_l}.
     */
    public int memoryFloats() {
        return arch == Arch.ARMT ? numLayers * (assocKeyDim() * hiddenSize + assocKeyDim()) : numMemTokens * hiddenSize;
    }

    /** Sequence length the transformer sees for a segment of n tokens (writing memory when {@code write}). */
    public int sequenceLength(int n, boolean write) {
        if (arch == Arch.ARMT) {
            return n + (write ? numMemTokens : 0);
        }
        return layout == Layout.DECODER ? n + numMemTokens + (write ? numMemTokens : 0) : n + numMemTokens + 3;
    }

    public static RmtConfig parse(String json) {
        JsonNode r;
        try {
            r = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("rmt config: not valid JSON: " + e.getMessage(), e);
        }
        if (r == null || !r.isObject()) {
            throw new IllegalArgumentException("rmt config: expected a JSON object");
        }
        String layoutName = text(r, "layout");
        Layout layout = switch (layoutName) {
            case "decoder" -> Layout.DECODER;
            case "encoder" -> Layout.ENCODER;
            default -> throw new IllegalArgumentException("rmt config: 'layout' must be \"decoder\" or \"encoder\", got \""
                    + layoutName + "\"");
        };
        String archName = r.has("arch") ? text(r, "arch") : "rmt";
        Arch arch = switch (archName) {
            case "rmt" -> Arch.RMT;
            case "armt" -> Arch.ARMT;
            default -> throw new IllegalArgumentException("rmt config: 'arch' must be \"rmt\" or \"armt\", got \""
                    + archName + "\"");
        };
        Set<String> known = new TreeSet<>(COMMON);
        if (layout == Layout.ENCODER) {
            known.addAll(ENCODER_ONLY);
        }
        if (arch == Arch.ARMT) {
            known.addAll(ARMT_ONLY);
        }
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException("rmt config: unknown key '" + f + "' for layout " + layoutName + " and arch " + archName
                        + ", known keys: " + known);
            }
        }
        String act = r.has("hidden_act") ? text(r, "hidden_act") : (layout == Layout.DECODER ? "gelu_new" : "gelu");
        Activation a = switch (act) {
            case "gelu" -> Activation.GELU;
            case "gelu_new" -> Activation.GELU_NEW;
            default -> throw new IllegalArgumentException("rmt config: 'hidden_act' must be gelu or gelu_new, got " + act);
        };
        boolean enc = layout == Layout.ENCODER;
        try {
            return new RmtConfig(layout, integer(r, "vocab_size"), integer(r, "hidden_size"), integer(r, "num_layers"),
                    integer(r, "num_heads"), integer(r, "intermediate_size"), integer(r, "max_positions"),
                    r.has("layer_norm_eps") ? (float) number(r, "layer_norm_eps") : (enc ? 1e-12f : 1e-5f), a,
                    integer(r, "num_mem_tokens"), integer(r, "segment_size"),
                    enc ? integer(r, "type_vocab_size") : 0, enc ? integer(r, "cls_token_id") : 0,
                    enc ? integer(r, "sep_token_id") : 0, enc ? integer(r, "pad_token_id") : 0,
                    enc ? integer(r, "num_labels") : 0, r.get("task"), arch,
                    arch == Arch.ARMT ? integer(r, "assoc_dim") : 0, arch == Arch.ARMT ? integer(r, "assoc_nu") : 0);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("rmt config") ? e : new IllegalArgumentException("rmt config: " + e.getMessage(), e);
        }
    }

    public static RmtConfig load(Path path) {
        try {
            return parse(Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("rmt config: cannot read " + path, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("rmt config: " + message);
        }
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("rmt config: '" + key + "' is required and must be a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) {
            throw new IllegalArgumentException("rmt config: '" + key + "' is required");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("rmt config: '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("rmt config: '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }
}
