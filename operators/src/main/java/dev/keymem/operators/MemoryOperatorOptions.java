package dev.keymem.operators;

import dev.keymem.models.caching.CachingSettings;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Typed settings of the keyed memory operator, with defaults and descriptions. */
@PublicEvolving
public final class MemoryOperatorOptions {

    private MemoryOperatorOptions() {
    }

    /** The default model: a small gated-delta memory over a 4096-token vocabulary. */
    public static final String DEFAULT_MODEL_JSON = "{\"cell\":\"gated_delta\",\"vocab_size\":4096,\"d_model\":64,"
            + "\"heads\":2,\"key_dim\":32,\"value_dim\":32,\"chunk_size\":64}";

    public static final ConfigOption<String> MODEL_CONFIG = ConfigOptions.key("keymem.model.config")
            .stringType()
            .defaultValue(DEFAULT_MODEL_JSON)
            .withDescription("The model configuration as JSON (see dev.keymem.models.model.ModelConfig): cell, "
                    + "vocab_size, d_model, heads, key_dim, value_dim, chunk_size, ... The options below override "
                    + "its cell kind and chunk size when set.");

    public static final ConfigOption<String> MODEL_CONFIG_FILE = ConfigOptions.key("keymem.model.config-file")
            .stringType()
            .noDefaultValue()
            .withDescription("A path to the model configuration JSON, read where the job is built; when set it "
                    + "replaces keymem.model.config.");

    public static final ConfigOption<String> MODEL_WEIGHTS = ConfigOptions.key("keymem.model.weights")
            .stringType()
            .noDefaultValue()
            .withDescription("A safetensors file with the model's weights (PyTorch names and shapes, see "
                    + "dev.keymem.models.model.ModelWeights), read on every task manager when the operator opens. "
                    + "When unset, weights are initialised randomly from keymem.model.seed.");

    public static final ConfigOption<Long> MODEL_SEED = ConfigOptions.key("keymem.model.seed")
            .longType()
            .defaultValue(42L)
            .withDescription("Seed of the random weight initialisation used when keymem.model.weights is unset.");

    public static final ConfigOption<String> CELL_KIND = ConfigOptions.key("keymem.cell.kind")
            .stringType()
            .noDefaultValue()
            .withDescription("Overrides the model config's cell: linear, gated_linear, delta, gated_delta.");

    public static final ConfigOption<Integer> CHUNK_SIZE = ConfigOptions.key("keymem.cell.chunk-size")
            .intType()
            .noDefaultValue()
            .withDescription("Overrides the model config's chunk size (tokens per dense step of the chunked form). "
                    + "Outputs do not depend on it.");

    public static final ConfigOption<String> CELL_FORM = ConfigOptions.key("keymem.cell.form")
            .stringType()
            .defaultValue("chunked")
            .withDescription("How the cell runs: 'recurrent' (token by token) or 'chunked' (dense products through "
                    + "the tensor backend). Both give the same outputs.");

    public static final ConfigOption<String> BACKEND = ConfigOptions.key("keymem.backend")
            .stringType()
            .defaultValue("java")
            .withDescription("Tensor backend for projections and chunked cells: scalar, vector, java (best pure "
                    + "Java available), or a registered provider such as nd4j.");

    public static final ConfigOption<Duration> STATE_TTL = ConfigOptions.key("keymem.state.ttl")
            .durationType()
            .defaultValue(Duration.ZERO)
            .withDescription("Time to live of a key's memory since its last write (processing time); expired "
                    + "memories are never returned and the key starts afresh. 0 disables TTL. PLAIN memories use "
                    + "Flink state TTL; CACHING memories use one processing-time timer per key that clears the "
                    + "caching state and all its cached checkpoints together (per-entry state TTL would expire "
                    + "old checkpoints of a key that is still active).");

    public static final ConfigOption<Integer> MAX_TOKENS_PER_RECORD = ConfigOptions.key("keymem.record.max-tokens")
            .intType()
            .defaultValue(4096)
            .withDescription("Records with more tokens than this go to the dead-letter output instead of the memory.");

    /** The kind of per-key memory. */
    public enum MemoryType {
        /** One cell state per key. */
        PLAIN,
        /** Memory Caching: the cell state plus cached checkpoints, one MapState entry each. */
        CACHING
    }

    public static final ConfigOption<MemoryType> MEMORY_TYPE = ConfigOptions.key("keymem.memory.type")
            .enumType(MemoryType.class)
            .defaultValue(MemoryType.PLAIN)
            .withDescription("PLAIN: one cell state per key. CACHING: Memory Caching (segments frozen into cached "
                    + "checkpoints that later tokens read, mechanisms.md section 2).");

    public static final ConfigOption<CachingSettings.Segmentation> CACHING_SEGMENTATION =
            ConfigOptions.key("keymem.caching.segmentation")
                    .enumType(CachingSettings.Segmentation.class)
                    .defaultValue(CachingSettings.Segmentation.CONSTANT)
                    .withDescription("CONSTANT segments of the segment length, or LOGARITHMIC (binary-counter merges: "
                            + "at most log2(n/L)+1 caches).");

    public static final ConfigOption<Integer> CACHING_SEGMENT_LENGTH = ConfigOptions.key("keymem.caching.segment-length")
            .intType()
            .defaultValue(256)
            .withDescription("Tokens per segment (the finest segment with LOGARITHMIC); cut by token position.");

    public static final ConfigOption<CachingSettings.CarryOver> CACHING_CARRY_OVER =
            ConfigOptions.key("keymem.caching.carry-over")
                    .enumType(CachingSettings.CarryOver.class)
                    .defaultValue(CachingSettings.CarryOver.CHECKPOINT)
                    .withDescription("CHECKPOINT: the next segment starts from the cached state; INDEPENDENT: from zero.");

    public static final ConfigOption<CachingSettings.ReadVariant> CACHING_READ = ConfigOptions.key("keymem.caching.read")
            .enumType(CachingSettings.ReadVariant.class)
            .defaultValue(CachingSettings.ReadVariant.GRM)
            .withDescription("RESIDUAL, GRM (gated residual), SOUP (mixed states) or SSC (sparse selective: reads "
                    + "only the top-k routed caches).");

    public static final ConfigOption<Integer> CACHING_TOP_K = ConfigOptions.key("keymem.caching.top-k")
            .intType()
            .defaultValue(2)
            .withDescription("Caches SSC reads per token.");

    public static final ConfigOption<CachingSettings.GateSource> CACHING_GATES = ConfigOptions.key("keymem.caching.gates")
            .enumType(CachingSettings.GateSource.class)
            .defaultValue(CachingSettings.GateSource.PARAM_FREE)
            .withDescription("PARAM_FREE gates (u = q) or LEARNED (u = x W_u, from the u_proj weights).");

    public static final ConfigOption<Integer> CACHING_MAX_CACHES = ConfigOptions.key("keymem.caching.max-caches")
            .intType()
            .defaultValue(0)
            .withDescription("Cap on cached states per key (0: no cap); the eviction rule applies beyond it.");

    public static final ConfigOption<CachingSettings.Eviction> CACHING_EVICTION =
            ConfigOptions.key("keymem.caching.eviction")
                    .enumType(CachingSettings.Eviction.class)
                    .defaultValue(CachingSettings.Eviction.MERGE_OLDEST)
                    .withDescription("MERGE_OLDEST or DROP_LEAST_ROUTED (needs a gated read) when over the cap.");

    // ---------------------------------------------------------------------------------------------
    // The batched operator (BatchedMemoryOperator)

    public static final ConfigOption<Integer> BATCH_MAX_KEYS = ConfigOptions.key("keymem.batch.max-keys")
            .intType()
            .defaultValue(256)
            .withDescription("The batched operator runs one backend step as soon as records of this many distinct "
                    + "keys are buffered (size trigger).");

    public static final ConfigOption<Integer> BATCH_MAX_TOKENS = ConfigOptions.key("keymem.batch.max-tokens")
            .intType()
            .defaultValue(65536)
            .withDescription("The batched operator runs one backend step as soon as this many tokens are buffered "
                    + "(size trigger); bounds the memory the buffer holds.");

    public static final ConfigOption<Duration> BATCH_MAX_DELAY = ConfigOptions.key("keymem.batch.max-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(50))
            .withDescription("Latency trigger of the batched operator: buffered records are advanced at most this "
                    + "long (processing time) after the first of them arrived. 0 advances every record at once "
                    + "(no batching). Checkpoint barriers, watermarks and the end of input always flush the buffer.");

    public static final ConfigOption<Boolean> BATCH_MERGE_RECORDS = ConfigOptions.key("keymem.batch.merge-records")
            .booleanType()
            .defaultValue(false)
            .withDescription("false: several records of one key in a batch run in successive sub-steps, so the "
                    + "reads equal the per-record operator's bit for bit (on the CPU advancer). true: a key's "
                    + "buffered records are concatenated into one chunk, so every batch is one advancer step even "
                    + "when a few keys dominate; the reads then equal the per-record operator's up to float "
                    + "rounding (cutting a stream differently never changes the memory's outputs otherwise).");

    public static final ConfigOption<Integer> BATCH_MAX_HELD_STATES = ConfigOptions.key("keymem.batch.max-held-states")
            .intType()
            .defaultValue(16384)
            .withDescription("Only for advancers that keep states themselves (java.io.Flushable ones, e.g. a GPU "
                    + "state cache): the batched operator holds the states of keys advanced since the last "
                    + "checkpoint and writes them to Flink state after the advancer's flush(); once more than this "
                    + "many are held it flushes and writes them early.");

    public static final ConfigOption<String> BATCH_ADVANCER = ConfigOptions.key("keymem.batch.advancer")
            .stringType()
            .defaultValue("cpu")
            .withDescription("What runs the batched operator's step: 'cpu' (the configured cell, key after key) or "
                    + "the name of a class implementing dev.keymem.operators.BatchAdvancerProvider with a public "
                    + "no-argument constructor (e.g. a CUDA advancer), loaded on the task managers.");
}
