package dev.keymem.operators;

import dev.keymem.models.events.EventSettings;
import org.apache.flink.configuration.ReadableConfig;

import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.caching.CachingSettings;
import java.time.Duration;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

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
                    + "Flink state TTL; CACHING, BMOJO and RETENTION memories use one processing-time timer per key that clears "
                    + "the key's state and all its MapState entries (cached checkpoints, archive) together (per-entry state TTL would expire "
                    + "old checkpoints of a key that is still active).");

    public static final ConfigOption<Integer> STATE_CACHE_KEYS = ConfigOptions.key("keymem.state.cache.keys")
            .intType()
            .defaultValue(16384)
            .withDescription("Keys per subtask whose deserialized memory the keyed memory operator keeps in the "
                    + "heap between records (least recently used evicted), so that a hot key's record neither "
                    + "reads nor writes its state through RocksDB. Cached states are written back to keyed state "
                    + "on eviction and before every checkpoint or savepoint: checkpoints hold what an uncached "
                    + "operator would have written. Heap cost: keys x one key's state (a plain memory: heads x "
                    + "key_dim x value_dim x 4 bytes), also bounded by keymem.state.cache.max-bytes. 0 disables it. Applies to the operators built by "
                    + "KeyedMemoryFunction.apply / operator() and BatchedMemoryOperator on the RocksDB backend (the HashMap backend keeps "
                    + "objects already); not to PLAIN memories with keymem.state.ttl (Flink state TTL stamps "
                    + "writes when they reach the backend).");

    public static final ConfigOption<MemorySize> STATE_CACHE_MAX_BYTES = ConfigOptions.key("keymem.state.cache.max-bytes")
            .memoryType()
            .defaultValue(MemorySize.parse("256m"))
            .withDescription("Heap budget of the hot-state cache per subtask: it holds at most this over the "
                    + "model's recurrent state size (4 bytes a float) keys, and at most keymem.state.cache.keys. "
                    + "Memory Caching, B'MOJO and STR / CMP states are larger than the recurrent state alone: "
                    + "budget for them.");

    public static final ConfigOption<Integer> MAX_TOKENS_PER_RECORD = ConfigOptions.key("keymem.record.max-tokens")
            .intType()
            .defaultValue(4096)
            .withDescription("Records with more tokens than this go to the dead-letter output instead of the memory.");

    /** The kind of per-key memory. */
    public enum MemoryType {
        /** One cell state per key. */
        PLAIN,
        /** Memory Caching: the cell state plus cached checkpoints, one MapState entry each. */
        CACHING,
        /** B'MOJO: fading + eidetic memory; the bounded state in a ValueState, the long-term archive as MapState rows. */
        BMOJO,
        /** STR / CMP: structured retention with memory tiers; the bounded state in a ValueState, T3 as MapState rows. */
        RETENTION,
        /** The event memory (EventMemoryFunction): events with terms, a vector and a payload, and queries. */
        EVENTS,
        /** RMT: a trained Recurrent Memory Transformer (keymem.rmt.artifact); memory + open segment in a ValueState. */
        RMT,
        /** The novelty memory (KeyedNoveltyMemory; settings keymem.novelty.*): innovation, eidetic admission, retention. */
        NOVELTY
    }

    public static final ConfigOption<MemoryType> MEMORY_TYPE = ConfigOptions.key("keymem.memory.type")
            .enumType(MemoryType.class)
            .defaultValue(MemoryType.PLAIN)
            .withDescription("PLAIN: one cell state per key. CACHING: Memory Caching (segments frozen into cached "
                    + "checkpoints that later tokens read, docs/design/mechanisms.md section 2). BMOJO: fading + eidetic memory "
                    + "(docs/design/mechanisms.md section 3; settings keymem.bmojo.*). keymem.cell.form=recurrent runs B'MOJO's "
                    + "token-by-token reference form: with keymem.backend=scalar its outputs and admissions are "
                    + "bitwise independent of how records cut the stream. 'chunked' runs the fast form: outputs "
                    + "agree across cuts within float rounding, and an admission can differ only for an innovation "
                    + "within rounding of the threshold or of a rival. BMOJO emits what it kept and why on the side "
                    + "output KeyedMemoryFunction.MEMORY_EVENTS. RETENTION: STR / CMP structured retention with "
                    + "memory tiers (docs/design/mechanisms.md section 5; settings keymem.retention.*; the configured cell is the "
                    + "innovation cell): per-key deterministic decisions, emitted on MEMORY_EVENTS (pinned, retained, "
                    + "evicted, compressed, archived, archive-dropped with their probability and draw). EVENTS: the event "
                    + "memory of docs/design/mechanisms.md section 6 (EventMemoryFunction; settings keymem.events.*). RMT: "
                    + "the Recurrent Memory Transformer (docs/rmt.md; settings keymem.rmt.*): a trained model's m x d "
                    + "memory plus the open segment per key; a segment runs when it is full; the reads are the "
                    + "model's logits at every token (one head of vocab floats for the decoder, num_labels for the "
                    + "encoder).");

    // ---------------------------------------------------------------------------------------------
    // RMT (memory type RMT)

    public static final ConfigOption<String> RMT_ARTIFACT = ConfigOptions.key("keymem.rmt.artifact")
            .stringType()
            .noDefaultValue()
            .withDescription("Directory of a trained RMT as training/ exports it: config.json and model.safetensors "
                    + "(e.g. training/artifacts/rmt-detect-memorize). Required for memory type RMT; its config is "
                    + "checked where the job is built and the weights are read on every task manager when the "
                    + "operator opens, so the directory must be readable there.");

    public static final ConfigOption<String> RMT_BACKEND = ConfigOptions.key("keymem.rmt.backend")
            .stringType()
            .defaultValue("scalar")
            .withDescription("Tensor backend of the RMT forward. 'scalar' (default): every row's products are "
                    + "summed in one fixed order whatever the number of rows, so reads are bitwise independent of "
                    + "record cuts and the batched operator equals the per-record one bit for bit. 'java' / "
                    + "'vector' / a provider: faster blocked products whose rounding may depend on the number of "
                    + "rows (reads then agree across cuts and batch sizes within float rounding only; a restore "
                    + "still continues bit for bit on the same cuts).");

    /** Every RMT option (keymem.rmt.*). */
    public static final java.util.List<ConfigOption<?>> RMT_OPTIONS = java.util.List.of(RMT_ARTIFACT, RMT_BACKEND);

    // ---------------------------------------------------------------------------------------------
    // B'MOJO (memory type BMOJO); defaults are BmojoSettings.defaults()

    public static final ConfigOption<Integer> BMOJO_WINDOW = ConfigOptions.key("keymem.bmojo.window")
            .intType()
            .defaultValue(64)
            .withDescription("w >= 1: a token's read sees the raw tokens of the last w positions and the fading "
                    + "memory's outputs at the w positions before them.");

    public static final ConfigOption<Integer> BMOJO_CAPACITY = ConfigOptions.key("keymem.bmojo.capacity")
            .intType()
            .defaultValue(64)
            .withDescription("Eidetic entries (exact k, v) kept per head; on overflow the lowest-innovation entry "
                    + "goes to the long-term archive (MapState). 0 turns the eidetic memory and the archive off "
                    + "(B'MOJO-F, fading only).");

    public static final ConfigOption<BmojoSettings.Admission> BMOJO_ADMISSION = ConfigOptions.key("keymem.bmojo.admission")
            .enumType(BmojoSettings.Admission.class)
            .defaultValue(BmojoSettings.Admission.TOP_M)
            .withDescription("THRESHOLD: admit a token leaving the window when its innovation exceeds "
                    + "keymem.bmojo.threshold. TOP_M: admit the keymem.bmojo.top-m most innovative tokens of every "
                    + "aligned block of keymem.bmojo.block-length positions (deterministic, independent of record "
                    + "cuts).");

    public static final ConfigOption<Float> BMOJO_THRESHOLD = ConfigOptions.key("keymem.bmojo.threshold")
            .floatType()
            .defaultValue(0f)
            .withDescription("Innovation threshold of THRESHOLD admission (strictly above is admitted); not NaN.");

    public static final ConfigOption<Integer> BMOJO_TOP_M = ConfigOptions.key("keymem.bmojo.top-m")
            .intType()
            .defaultValue(4)
            .withDescription("Tokens admitted per block by TOP_M admission, in [1, keymem.bmojo.block-length].");

    public static final ConfigOption<Integer> BMOJO_BLOCK_LENGTH = ConfigOptions.key("keymem.bmojo.block-length")
            .intType()
            .defaultValue(64)
            .withDescription("Positions per TOP_M admission block (blocks are aligned: [nB, (n+1)B)); >= 1.");

    public static final ConfigOption<Integer> BMOJO_RETRIEVE_K = ConfigOptions.key("keymem.bmojo.retrieve-k")
            .intType()
            .defaultValue(4)
            .withDescription("Long-term entries retrieved per head (dot-product nearest to the query); 0 turns "
                    + "retrieval off. Each retrieving record scans the key's archive once.");

    public static final ConfigOption<Integer> BMOJO_RETRIEVE_EVERY = ConfigOptions.key("keymem.bmojo.retrieve-every")
            .intType()
            .defaultValue(64)
            .withDescription("R >= 1: retrieval happens at every position that is a multiple of R and serves the "
                    + "reads of the next R positions.");

    public static final ConfigOption<Integer> BMOJO_ARCHIVE_CAPACITY =
            ConfigOptions.key("keymem.bmojo.archive-capacity")
                    .intType()
                    .defaultValue(BmojoSettings.DEFAULT_ARCHIVE_CAP)
                    .withDescription("Long-term archive entries kept per head and key (0: unbounded, only the state "
                            + "TTL bounds it). When an eviction would exceed it, the entry with the lowest innovation "
                            + "among the head's archive and the evicted one is dropped for good (ties: the older) and "
                            + "reported as ARCHIVE_DROPPED. Retrieval scans the whole archive of the key once per "
                            + "retrieving record, so the cap bounds that scan (and every record that evicts into a "
                            + "full archive scans it once too). The default 2048 keeps, per head, 512 times the "
                            + "default retrieve-k and about 32k tokens' worth of default TOP_M admissions "
                            + "(4 per 64 positions), i.e. at most about 1.2 MB of archive rows per key with the "
                            + "default 2-head, 32+32-dim model.");

    public static final ConfigOption<Boolean> MEMORY_EVENTS_ENABLED = ConfigOptions.key("keymem.memory.events")
            .booleanType()
            .defaultValue(true)
            .withDescription("Emit, per record, what the memory did to tokens' entries (B'MOJO: admitted / "
                    + "evicted / archive-dropped, with head, position and innovation; STR / CMP: tier moves with probability and draw) on the "
                    + "side output "
                    + "KeyedMemoryFunction.MEMORY_EVENTS. Unconsumed side outputs are dropped.");

    /** The B'MOJO options, in the order the factory copies them. */
    /** Every B'MOJO option (keymem.bmojo.*). */
    public static final java.util.List<ConfigOption<?>> BMOJO_OPTIONS = java.util.List.of(BMOJO_WINDOW, BMOJO_CAPACITY,
            BMOJO_ADMISSION, BMOJO_THRESHOLD, BMOJO_TOP_M, BMOJO_BLOCK_LENGTH, BMOJO_RETRIEVE_K, BMOJO_RETRIEVE_EVERY,
            BMOJO_ARCHIVE_CAPACITY, MEMORY_EVENTS_ENABLED);

    // ---------------------------------------------------------------------------------------------
    // STR / CMP (memory type RETENTION); defaults are RetentionSettings.defaults(K)

    public static final ConfigOption<Integer> RETENTION_SINKS = ConfigOptions.key("keymem.retention.sinks")
            .intType()
            .defaultValue(4)
            .withDescription("The first positions of a key's stream pinned forever (attention sinks); >= 0.");

    public static final ConfigOption<Integer> RETENTION_WINDOW = ConfigOptions.key("keymem.retention.window")
            .intType()
            .defaultValue(64)
            .withDescription("T0: the exact recent window, in tokens; at least keymem.retention.block.");

    public static final ConfigOption<Integer> RETENTION_BLOCK = ConfigOptions.key("keymem.retention.block")
            .intType()
            .defaultValue(32)
            .withDescription("Decisions (innovation, window exit, admission, ranking, compression, archiving, T3 "
                    + "recall) are made once per aligned block of this many positions; >= 1.");

    public static final ConfigOption<Integer> RETENTION_RETAINED_CAP = ConfigOptions.key("keymem.retention.retained-cap")
            .intType()
            .defaultValue(64)
            .withDescription("T1: exact retained tokens, ranked by retention probability; >= 0.");

    public static final ConfigOption<Integer> RETENTION_COMPRESSED_SLOTS =
            ConfigOptions.key("keymem.retention.compressed-slots")
                    .intType()
                    .defaultValue(16)
                    .withDescription("T2: slots per head that evicted tokens are folded into (0: evicted tokens are "
                            + "dropped unless archived); >= 0.");

    public static final ConfigOption<Integer> RETENTION_ARCHIVE_CAP = ConfigOptions.key("keymem.retention.archive-cap")
            .intType()
            .defaultValue(0)
            .withDescription("T3: archived tokens per key, one MapState row each (0: no archive); when full the "
                    + "lowest archive score is dropped.");

    public static final ConfigOption<Integer> RETENTION_ARCHIVE_TOP_K = ConfigOptions.key("keymem.retention.archive-top-k")
            .intType()
            .defaultValue(0)
            .withDescription("T3 entries recalled per block into the reads (needs keymem.retention.archive-cap > 0); "
                    + "each recall scans the key's archive rows once per block.");

    public static final ConfigOption<String> RETENTION_WEIGHTS = ConfigOptions.key("keymem.retention.weights")
            .stringType()
            .defaultValue("1.0,6.0,-0.5,1.0,-3.0,256")
            .withDescription("Significance weights 'mass,innovation,age,relevance,bias,ageScale' of the retention "
                    + "probability p = sigmoid(w . f + b) (dev.keymem.models.retention.SignificanceWeights; the "
                    + "default is its untrained defaults).");

    public static final ConfigOption<Long> RETENTION_SEED = ConfigOptions.key("keymem.retention.seed")
            .longType()
            .defaultValue(0L)
            .withDescription("Mixed with a hash of each key into the key's draw seed: decisions are deterministic "
                    + "per key and replay identically after a restore.");

    /** The STR / CMP options, in the order the factory copies them. */
    /** Every STR / CMP option (keymem.retention.*). */
    public static final java.util.List<ConfigOption<?>> RETENTION_OPTIONS = java.util.List.of(RETENTION_SINKS,
            RETENTION_WINDOW, RETENTION_BLOCK, RETENTION_RETAINED_CAP, RETENTION_COMPRESSED_SLOTS,
            RETENTION_ARCHIVE_CAP, RETENTION_ARCHIVE_TOP_K, RETENTION_WEIGHTS, RETENTION_SEED);

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
                    + "the name of a class implementing dev.keymem.operators.model.BatchAdvancerProvider with a public "
                    + "no-argument constructor (e.g. a CUDA advancer), loaded on the task managers.");

    public static final ConfigOption<String> BATCH_CACHE_READER = ConfigOptions.key("keymem.batch.cache-reader")
            .stringType()
            .defaultValue("cpu")
            .withDescription("What reads the cached checkpoints in the batched operator's Memory Caching step "
                    + "(memory type CACHING): 'cpu' (the configured cell, cache after cache) or the name of a class "
                    + "implementing dev.keymem.operators.model.CacheReaderProvider or java.util.function.Function<CellSpec, "
                    + "CacheReader> with a public no-argument constructor (e.g. a CUDA reader that reads many keys' "
                    + "caches in one device step), loaded on the task managers.");

    // ---------------------------------------------------------------------------------------------
    // The event memory (memory type EVENTS, EventMemoryFunction); defaults are EventSettings.defaults()

    public static final ConfigOption<Integer> EVENTS_DIMENSION = ConfigOptions.key("keymem.events.dimension")
            .intType()
            .defaultValue(256)
            .withDescription("D: the length of an event's dense vector (MemoryRecord.vector / k / q). Records "
                    + "without a vector get their terms hashed into D dimensions.");

    public static final ConfigOption<Integer> EVENTS_CELL_DIM = ConfigOptions.key("keymem.events.cell-dim")
            .intType()
            .defaultValue(32)
            .withDescription("d_c: the fading gated_delta cell's key and value size; vectors are projected from D "
                    + "to d_c by a fixed seeded Gaussian projection (the identity when D = d_c).");

    public static final ConfigOption<String> EVENTS_PROJECTION_FILE = ConfigOptions.key("keymem.events.projection-file")
            .stringType()
            .noDefaultValue()
            .withDescription("A safetensors file holding the tensor 'events.projection' (F32 or F64, shape [d_c, D]): "
                    + "a learned projection of the vectors into the fading cell, instead of the seeded Gaussian one.");

    public static final ConfigOption<Float> EVENTS_BETA = ConfigOptions.key("keymem.events.beta")
            .floatType()
            .defaultValue(0.5f)
            .withDescription("Write strength of the fading cell, in (0, 1].");

    public static final ConfigOption<Float> EVENTS_DECAY = ConfigOptions.key("keymem.events.decay")
            .floatType()
            .defaultValue(0.99f)
            .withDescription("Per-event decay exp(g) of the fading cell, in (0, 1].");

    public static final ConfigOption<Integer> EVENTS_WINDOW = ConfigOptions.key("keymem.events.window")
            .intType()
            .defaultValue(32)
            .withDescription("W: the most recent events every query considers (exact).");

    public static final ConfigOption<Integer> EVENTS_EIDETIC = ConfigOptions.key("keymem.events.eidetic-capacity")
            .intType()
            .defaultValue(64)
            .withDescription("M: events kept in the eidetic tier (the most innovative so far, with payloads); 0 = "
                    + "no tier. The tier outlives the archive's cap and TTL.");

    public static final ConfigOption<Integer> EVENTS_SEGMENT = ConfigOptions.key("keymem.events.segment-length")
            .intType()
            .defaultValue(64)
            .withDescription("L: events per segment summary (the mean vector of a closed segment, one MapState row).");

    public static final ConfigOption<Integer> EVENTS_ROUTE_K = ConfigOptions.key("keymem.events.route-k")
            .intType()
            .defaultValue(2)
            .withDescription("k: segments a query is routed to by their summaries (SSC), among the 256 most recent "
                    + "summaries; their events are scored. 0 = no routing. The user context job's default is 0.");

    public static final ConfigOption<Integer> EVENTS_POSTINGS_READ = ConfigOptions.key("keymem.events.postings-read")
            .intType()
            .defaultValue(512)
            .withDescription("Most recent postings a query reads per term (rarest terms first). The user context "
                    + "job's default is 64.");

    public static final ConfigOption<Integer> EVENTS_MAX_CANDIDATES = ConfigOptions.key("keymem.events.max-candidates")
            .intType()
            .defaultValue(1024)
            .withDescription("Most events a query finds through postings (beyond the window, the eidetic tier and "
                    + "the routed segments). The user context job's default is 128.");

    public static final ConfigOption<Integer> EVENTS_ARCHIVE_CAP = ConfigOptions.key("keymem.events.archive-capacity")
            .intType()
            .defaultValue(0)
            .withDescription("Most archived events per key (0 = unbounded); beyond it the oldest event's row (and "
                    + "its segment's summary once the whole segment is gone) is removed, one per event. Must be 0 "
                    + "or at least the window and the segment length.");

    public static final ConfigOption<java.time.Duration> EVENTS_ARCHIVE_TTL = ConfigOptions.key("keymem.events.archive-ttl")
            .durationType()
            .defaultValue(java.time.Duration.ZERO)
            .withDescription("Flink state TTL of the archive rows, postings, term statistics and segment summaries "
                    + "(from their write; 0 = none). The hot state and the eidetic tier are not subject to it "
                    + "(keymem.state.ttl clears a whole idle key).");

    public static final ConfigOption<Integer> EVENTS_POSTINGS_CAP = ConfigOptions.key("keymem.events.postings-capacity")
            .intType()
            .defaultValue(0)
            .withDescription("Most postings kept per term and key (0 = unbounded); beyond it the oldest is removed.");

    /**
     * {@code EventSettings.Weights.defaults().toString()} as a constant: rendering it in this class's initializer
     * (a record's doubles through an invokedynamic string concatenation) cost every job's start-up, the log job's
     * too, some 10 ms of its main thread. {@code MemoryOperatorOptionsTest} checks that the two agree.
     */
    static final String DEFAULT_EVENT_WEIGHTS = "1.0,0.2,0.02,0.5,0.05";

    public static final ConfigOption<String> EVENTS_WEIGHTS = ConfigOptions.key("keymem.events.weights")
            .stringType()
            .defaultValue(DEFAULT_EVENT_WEIGHTS)
            .withDescription("Score weights 'lexical,dense,read,novelty,recency' (docs/design/mechanisms.md section "
                    + "6; the ablation in docs/benchmarks.md shows what each buys).");

    public static final ConfigOption<Integer> EVENTS_TOP = ConfigOptions.key("keymem.events.top")
            .intType()
            .defaultValue(5)
            .withDescription("Events in an answer (a query record's own 'top' > 0 overrides it).");

    public static final ConfigOption<Integer> EVENTS_MAX_TERMS = ConfigOptions.key("keymem.events.max-terms")
            .intType()
            .defaultValue(4096)
            .withDescription("Most terms (token ids) a record may carry; longer records are dead letters.");

    public static final ConfigOption<Integer> EVENTS_MAX_PAYLOAD = ConfigOptions.key("keymem.events.max-payload-bytes")
            .intType()
            .defaultValue(64 * 1024)
            .withDescription("Largest payload a record may carry; larger records are dead letters.");

    public static final ConfigOption<org.apache.flink.configuration.MemorySize> EVENTS_CACHE_BYTES =
            ConfigOptions.key("keymem.events.cache-bytes")
                    .memoryType()
                    .defaultValue(org.apache.flink.configuration.MemorySize.parse("64 mb"))
                    .withDescription("Heap per subtask for the event memory's write-back cache of recently used keys "
                            + "(their deserialized hot state, term statistics, the rows written since the last "
                            + "checkpoint and the recent window's rows), written back to keyed state before every "
                            + "checkpoint and on eviction (least recently used first). Used where the operator supports "
                            + "it (EventMemoryOperator, the user context job) on the RocksDB backend without "
                            + "keymem.events.archive-ttl; 0 = off (every record reads and writes keyed state).");

    /** Every event memory option (keymem.events.*). */
    public static final java.util.List<ConfigOption<?>> EVENTS_OPTIONS = java.util.List.of(EVENTS_DIMENSION,
            EVENTS_CELL_DIM, EVENTS_BETA, EVENTS_DECAY, EVENTS_WINDOW, EVENTS_EIDETIC, EVENTS_SEGMENT, EVENTS_ROUTE_K,
            EVENTS_POSTINGS_READ, EVENTS_MAX_CANDIDATES, EVENTS_ARCHIVE_CAP, EVENTS_ARCHIVE_TTL, EVENTS_POSTINGS_CAP,
            EVENTS_WEIGHTS, EVENTS_TOP, EVENTS_MAX_TERMS, EVENTS_MAX_PAYLOAD, EVENTS_PROJECTION_FILE, EVENTS_CACHE_BYTES);

    /** The event memory settings the options describe; a bad value fails naming its option. */
    public static EventSettings eventSettings(ReadableConfig o) {
        EventSettings.Weights w;
        try {
            w = EventSettings.Weights.parse(o.get(EVENTS_WEIGHTS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(EVENTS_WEIGHTS.key() + ": " + e.getMessage(), e);
        }
        EventSettings d = EventSettings.defaults();
        try {
            return new EventSettings(o.get(EVENTS_DIMENSION), o.get(EVENTS_CELL_DIM), o.get(EVENTS_BETA),
                    o.get(EVENTS_DECAY), o.get(EVENTS_WINDOW), o.get(EVENTS_EIDETIC), o.get(EVENTS_SEGMENT),
                    o.get(EVENTS_ROUTE_K), o.get(EVENTS_POSTINGS_READ), o.get(EVENTS_MAX_CANDIDATES),
                    o.get(EVENTS_ARCHIVE_CAP), o.get(EVENTS_POSTINGS_CAP), d.k1(), d.b(), w, d.seed());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keymem.events.*: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Novelty memory (memory type NOVELTY, KeyedNoveltyMemory)

    public static final ConfigOption<Integer> NOVELTY_DIMENSION = ConfigOptions.key("keymem.novelty.dimension")
            .intType()
            .defaultValue(64)
            .withDescription("D, the length of an item's vector.");

    public static final ConfigOption<Integer> NOVELTY_CELL_DIM = ConfigOptions.key("keymem.novelty.cell-dim")
            .intType()
            .defaultValue(0)
            .withDescription("d_c, the fading cell's width; 0 = D. The cell is d_c x d_c floats, the hot state's main "
                    + "part (4 * d_c^2 bytes): below D an item is projected by a fixed seeded Gaussian matrix (one "
                    + "token, q = k = v = the projected unit vector), which keeps innovations of distinct items apart "
                    + "up to the projection's distortion.");

    public static final ConfigOption<Float> NOVELTY_BETA = ConfigOptions.key("keymem.novelty.beta")
            .floatType()
            .defaultValue(0.5f)
            .withDescription("Write strength of the fading cell (gated delta rule), in (0, 1].");

    public static final ConfigOption<Float> NOVELTY_DECAY = ConfigOptions.key("keymem.novelty.decay")
            .floatType()
            .defaultValue(0.98f)
            .withDescription("Per-item decay exp(g) of the fading cell, in (0, 1]: it remembers about 1 / (1 - decay) "
                    + "recent items.");

    public static final ConfigOption<Integer> NOVELTY_EIDETIC_CAPACITY =
            ConfigOptions.key("keymem.novelty.eidetic-capacity")
                    .intType()
                    .defaultValue(64)
                    .withDescription("Most innovative items kept per key (one MapState row each, written once when "
                            + "admitted, removed when a more innovative item pushes it out); 0 = none.");

    public static final ConfigOption<Float> NOVELTY_THRESHOLD = ConfigOptions.key("keymem.novelty.threshold")
            .floatType()
            .defaultValue(0.5f)
            .withDescription("An item whose innovation ||x - S^T x|| exceeds this is offered to the eidetic store.");

    public static final ConfigOption<Boolean> NOVELTY_RETENTION = ConfigOptions.key("keymem.novelty.retention")
            .booleanType()
            .defaultValue(false)
            .withDescription("Runs the STR / CMP retention tier too (settings keymem.retention.window, block, "
                    + "retained-cap, compressed-slots, sinks, weights; scale 1/sqrt(d_c); no T3 archive): its retained "
                    + "tier ranks recent items by retention probability. It keeps its windows of vectors in the hot "
                    + "state (tens of kB per key at D = 64), so turn it on only where a ranking is needed.");

    /** Every novelty memory option (keymem.novelty.*). */
    public static final java.util.List<ConfigOption<?>> NOVELTY_OPTIONS = java.util.List.of(NOVELTY_DIMENSION,
            NOVELTY_CELL_DIM, NOVELTY_BETA, NOVELTY_DECAY, NOVELTY_EIDETIC_CAPACITY, NOVELTY_THRESHOLD, NOVELTY_RETENTION);

    /** The novelty memory settings the options describe; a bad value fails naming keymem.novelty.*. */
    public static dev.keymem.models.novelty.NoveltySettings noveltySettings(ReadableConfig o) {
        try {
            int cell = o.get(NOVELTY_CELL_DIM);
            return new dev.keymem.models.novelty.NoveltySettings(o.get(NOVELTY_DIMENSION),
                    cell == 0 ? o.get(NOVELTY_DIMENSION) : cell, o.get(NOVELTY_BETA),
                    o.get(NOVELTY_DECAY), o.get(NOVELTY_EIDETIC_CAPACITY), o.get(NOVELTY_THRESHOLD));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keymem.novelty.*: " + e.getMessage(), e);
        }
    }
}
