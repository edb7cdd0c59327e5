package dev.keymem.operators;

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

    public static final ConfigOption<Long> MODEL_SEED = ConfigOptions.key("keymem.model.seed")
            .longType()
            .defaultValue(42L)
            .withDescription("Seed of the random weight initialisation used until trained weights are loaded.");

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
            .defaultValue("recurrent")
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
                    + "memories are never returned and the key starts afresh. 0 disables TTL.");

    public static final ConfigOption<Integer> MAX_TOKENS_PER_RECORD = ConfigOptions.key("keymem.record.max-tokens")
            .intType()
            .defaultValue(4096)
            .withDescription("Records with more tokens than this go to the dead-letter output instead of the memory.");
}
