package dev.keymem.operators.model;

import org.apache.flink.annotation.Internal;
import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.KeyedMemoryFunction;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.bmojo.Bmojo;
import dev.keymem.models.bmojo.BmojoSettings;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CachingSettings;
import dev.keymem.models.retention.RetentionSettings;
import dev.keymem.models.retention.SignificanceWeights;
import dev.keymem.models.retention.TieredRetention;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.model.ModelConfig;
import dev.keymem.models.model.ModelWeights;
import dev.keymem.models.model.Projector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Builds the model {@link MemoryOperatorOptions} describe: the model config JSON with the cell kind /
 * chunk size overrides applied, seeded random weights, the named backend, and either a plain
 * {@link CellMemoryModel}, a {@link CachingMemoryModel} (memory type CACHING) or a
 * {@link BmojoMemoryModel} (memory type BMOJO) or a {@link RetentionMemoryModel} (memory type RETENTION).
 */
@Internal
public final class ConfiguredModelFactory implements MemoryModelFactory {

    private static final long serialVersionUID = 1L;

    private final Configuration options;

    public ConfiguredModelFactory(ReadableConfig options) {
        Configuration c = copy(options);
        options.getOptional(MemoryOperatorOptions.MODEL_CONFIG_FILE).ifPresent(path ->
                c.set(MemoryOperatorOptions.MODEL_CONFIG, readConfigFile(path)));
        this.options = c;
        config(); // fail at job build time, not on the task managers
        form();
        if (caching()) {
            cachingSettings();
        }
        if (bmojo()) {
            bmojoSettings();
        }
        if (retention()) {
            retentionSettings();
        }
        if (events()) {
            MemoryOperatorOptions.eventSettings(this.options);
            new EventsMemoryModel(MemoryOperatorOptions.eventSettings(this.options), eventProjection());
        }
        if (rmt()) {
            rmtConfig();
        }
        if (novelty()) {
            new NoveltyMemoryModel(MemoryOperatorOptions.noveltySettings(this.options), noveltyRetention());
        }
    }

    private boolean novelty() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.NOVELTY;
    }

    /**
     * The novelty memory's retention tier (keymem.novelty.retention), or null: the keymem.retention.* tiers at
     * scale 1/sqrt(d_c), without the T3 archive; a bad value fails naming its option.
     */
    public RetentionSettings noveltyRetention() {
        if (!options.get(MemoryOperatorOptions.NOVELTY_RETENTION)) {
            return null;
        }
        Tiers t = tiers();
        int d = MemoryOperatorOptions.noveltySettings(options).cellDim();
        return new RetentionSettings(t.sinks, t.window, t.block, t.retained, t.slots, 0, 0,
                (float) (1.0 / Math.sqrt(d)), weights());
    }

    /** The STR / CMP tier sizes (sinks, window, block, retained, compressed slots) the options give. */
    private record Tiers(int sinks, int window, int block, int retained, int slots) {
    }

    /** The tier sizes, checked; a bad value fails naming its option. */
    private Tiers tiers() {
        int sinks = options.get(MemoryOperatorOptions.RETENTION_SINKS);
        int window = options.get(MemoryOperatorOptions.RETENTION_WINDOW);
        int block = options.get(MemoryOperatorOptions.RETENTION_BLOCK);
        int retained = options.get(MemoryOperatorOptions.RETENTION_RETAINED_CAP);
        int slots = options.get(MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS);
        require(sinks >= 0, MemoryOperatorOptions.RETENTION_SINKS, sinks, "must be >= 0");
        require(block >= 1, MemoryOperatorOptions.RETENTION_BLOCK, block, "must be >= 1");
        require(window >= block, MemoryOperatorOptions.RETENTION_WINDOW, window,
                "must be at least " + MemoryOperatorOptions.RETENTION_BLOCK.key() + "=" + block);
        require(retained >= 0, MemoryOperatorOptions.RETENTION_RETAINED_CAP, retained, "must be >= 0");
        require(slots >= 0, MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS, slots, "must be >= 0");
        return new Tiers(sinks, window, block, retained, slots);
    }

    private boolean rmt() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.RMT;
    }

    /** The RMT artifact's config (memory type RMT); a missing or bad artifact or backend fails naming its option. */
    public dev.keymem.models.rmt.RmtConfig rmtConfig() {
        return RmtArtifact.config(options);
    }

    private boolean retention() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.RETENTION;
    }

    /** The STR / CMP settings the options describe (scale: the cell's); a bad value fails naming its option. */
    public RetentionSettings retentionSettings() {
        Tiers t = tiers();
        int cap = options.get(MemoryOperatorOptions.RETENTION_ARCHIVE_CAP);
        int topK = options.get(MemoryOperatorOptions.RETENTION_ARCHIVE_TOP_K);
        require(cap >= 0, MemoryOperatorOptions.RETENTION_ARCHIVE_CAP, cap, "must be >= 0 (0 = no archive)");
        require(topK >= 0, MemoryOperatorOptions.RETENTION_ARCHIVE_TOP_K, topK, "must be >= 0");
        require(topK == 0 || cap > 0, MemoryOperatorOptions.RETENTION_ARCHIVE_TOP_K, topK,
                "needs an archive (" + MemoryOperatorOptions.RETENTION_ARCHIVE_CAP.key() + " > 0)");
        CellSpec spec = config().cell();
        require(!spec.normalize(), MemoryOperatorOptions.MODEL_CONFIG, "normalize=true",
                "must not use the normaliser with RETENTION (the innovation cell's read must be the prediction M(k))");
        return new RetentionSettings(t.sinks, t.window, t.block, t.retained, t.slots, cap, topK, spec.scale(),
                weights());
    }

    private SignificanceWeights weights() {
        String text = options.get(MemoryOperatorOptions.RETENTION_WEIGHTS);
        String[] parts = text.split(",");
        require(parts.length == 6, MemoryOperatorOptions.RETENTION_WEIGHTS, text,
                "must be 6 comma-separated numbers 'mass,innovation,age,relevance,bias,ageScale'");
        double[] w = new double[6];
        for (int i = 0; i < 6; i++) {
            try {
                w[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(MemoryOperatorOptions.RETENTION_WEIGHTS.key() + " has '"
                        + parts[i].trim() + "' at index " + i + ", not a number: " + text, e);
            }
        }
        try {
            return new SignificanceWeights(w[0], w[1], w[2], w[3], w[4], w[5]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MemoryOperatorOptions.RETENTION_WEIGHTS.key() + ": " + e.getMessage(), e);
        }
    }

    private boolean bmojo() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.BMOJO;
    }

    /** The B'MOJO settings the options describe; a bad value fails naming its option. */
    public BmojoSettings bmojoSettings() {
        int window = options.get(MemoryOperatorOptions.BMOJO_WINDOW);
        int capacity = options.get(MemoryOperatorOptions.BMOJO_CAPACITY);
        BmojoSettings.Admission admission = options.get(MemoryOperatorOptions.BMOJO_ADMISSION);
        float threshold = options.get(MemoryOperatorOptions.BMOJO_THRESHOLD);
        int topM = options.get(MemoryOperatorOptions.BMOJO_TOP_M);
        int block = options.get(MemoryOperatorOptions.BMOJO_BLOCK_LENGTH);
        int retrieveK = options.get(MemoryOperatorOptions.BMOJO_RETRIEVE_K);
        int every = options.get(MemoryOperatorOptions.BMOJO_RETRIEVE_EVERY);
        require(window >= 1, MemoryOperatorOptions.BMOJO_WINDOW, window, "must be >= 1");
        require(capacity >= 0, MemoryOperatorOptions.BMOJO_CAPACITY, capacity, "must be >= 0 (0 = B'MOJO-F)");
        require(!Float.isNaN(threshold), MemoryOperatorOptions.BMOJO_THRESHOLD, threshold, "must not be NaN");
        require(block >= 1, MemoryOperatorOptions.BMOJO_BLOCK_LENGTH, block, "must be >= 1");
        require(topM >= 0, MemoryOperatorOptions.BMOJO_TOP_M, topM, "must be >= 0");
        require(admission != BmojoSettings.Admission.TOP_M || (topM >= 1 && topM <= block),
                MemoryOperatorOptions.BMOJO_TOP_M, topM, "must lie in [1, " + MemoryOperatorOptions.BMOJO_BLOCK_LENGTH.key()
                        + "=" + block + "] for TOP_M admission");
        require(retrieveK >= 0, MemoryOperatorOptions.BMOJO_RETRIEVE_K, retrieveK, "must be >= 0 (0 = no retrieval)");
        require(every >= 1, MemoryOperatorOptions.BMOJO_RETRIEVE_EVERY, every, "must be >= 1");
        int archiveCap = options.get(MemoryOperatorOptions.BMOJO_ARCHIVE_CAPACITY);
        require(archiveCap >= 0, MemoryOperatorOptions.BMOJO_ARCHIVE_CAPACITY, archiveCap,
                "must be >= 0 (0 = unbounded archive)");
        return new BmojoSettings(window, capacity, admission, threshold, topM, block, retrieveK, every, archiveCap);
    }

    private static void require(boolean ok, org.apache.flink.configuration.ConfigOption<?> option, Object value,
                                String rule) {
        if (!ok) {
            throw new IllegalArgumentException(option.key() + " " + rule + ": " + value);
        }
    }

    private String form() {
        String form = options.get(MemoryOperatorOptions.CELL_FORM).toLowerCase(Locale.ROOT);
        if (!form.equals("recurrent") && !form.equals("chunked")) {
            throw new IllegalArgumentException("unknown " + MemoryOperatorOptions.CELL_FORM.key() + " '" + form
                    + "', expected recurrent or chunked");
        }
        return form;
    }

    private boolean caching() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.CACHING;
    }

    /** The Memory Caching settings the options describe. */
    public CachingSettings cachingSettings() {
        return new CachingSettings(options.get(MemoryOperatorOptions.CACHING_SEGMENTATION),
                options.get(MemoryOperatorOptions.CACHING_SEGMENT_LENGTH),
                options.get(MemoryOperatorOptions.CACHING_CARRY_OVER),
                options.get(MemoryOperatorOptions.CACHING_READ),
                options.get(MemoryOperatorOptions.CACHING_TOP_K),
                options.get(MemoryOperatorOptions.CACHING_GATES),
                true,
                options.get(MemoryOperatorOptions.CACHING_MAX_CACHES),
                options.get(MemoryOperatorOptions.CACHING_EVICTION),
                CachingSettings.TtlMode.NONE, 0L);
    }

    private static String readConfigFile(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(MemoryOperatorOptions.MODEL_CONFIG_FILE.key() + ": cannot read " + path, e);
        }
    }

    private static Configuration copy(ReadableConfig options) {
        Configuration c = new Configuration();
        for (var o : new org.apache.flink.configuration.ConfigOption<?>[] {MemoryOperatorOptions.MODEL_CONFIG,
                MemoryOperatorOptions.MODEL_SEED, MemoryOperatorOptions.MODEL_WEIGHTS, MemoryOperatorOptions.CELL_KIND, MemoryOperatorOptions.CHUNK_SIZE,
                MemoryOperatorOptions.CELL_FORM, MemoryOperatorOptions.BACKEND, MemoryOperatorOptions.MEMORY_TYPE,
                MemoryOperatorOptions.CACHING_SEGMENTATION, MemoryOperatorOptions.CACHING_SEGMENT_LENGTH,
                MemoryOperatorOptions.CACHING_CARRY_OVER, MemoryOperatorOptions.CACHING_READ,
                MemoryOperatorOptions.CACHING_TOP_K, MemoryOperatorOptions.CACHING_GATES,
                MemoryOperatorOptions.CACHING_MAX_CACHES, MemoryOperatorOptions.CACHING_EVICTION,
                MemoryOperatorOptions.BATCH_ADVANCER, MemoryOperatorOptions.BATCH_CACHE_READER}) {
            copyOne(options, c, o);
        }
        for (org.apache.flink.configuration.ConfigOption<?> o : MemoryOperatorOptions.BMOJO_OPTIONS) {
            copyOne(options, c, o);
        }
        for (org.apache.flink.configuration.ConfigOption<?> o : MemoryOperatorOptions.RETENTION_OPTIONS) {
            copyOne(options, c, o);
        }
        for (org.apache.flink.configuration.ConfigOption<?> o : MemoryOperatorOptions.EVENTS_OPTIONS) {
            copyOne(options, c, o);
        }
        for (org.apache.flink.configuration.ConfigOption<?> o : MemoryOperatorOptions.RMT_OPTIONS) {
            copyOne(options, c, o);
        }
        for (org.apache.flink.configuration.ConfigOption<?> o : MemoryOperatorOptions.NOVELTY_OPTIONS) {
            copyOne(options, c, o);
        }
        return c;
    }

    private static <T> void copyOne(ReadableConfig from, Configuration to, org.apache.flink.configuration.ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    /** The model config after the overrides. */
    public ModelConfig config() {
        ModelConfig c = ModelConfig.parse(options.get(MemoryOperatorOptions.MODEL_CONFIG));
        CellSpec spec = c.cell();
        if (options.getOptional(MemoryOperatorOptions.CELL_KIND).isPresent()) {
            CellKind kind = CellKind.fromName(options.get(MemoryOperatorOptions.CELL_KIND));
            spec = new CellSpec(kind, spec.heads(), spec.keyDim(), spec.valueDim(), spec.chunkSize(), spec.scale(),
                    spec.normalize(), kind == CellKind.DEEP && spec.deep() == null
                            ? dev.keymem.models.cells.DeepSpec.defaults(spec.keyDim()) : spec.deep());
        }
        if (options.getOptional(MemoryOperatorOptions.CHUNK_SIZE).isPresent()) {
            spec = spec.withChunkSize(options.get(MemoryOperatorOptions.CHUNK_SIZE));
        }
        return new ModelConfig(spec, c.vocabSize(), c.dModel(), c.normalizeKeys(), c.memory());
    }

    private boolean learnedGates() {
        return caching() && options.get(MemoryOperatorOptions.CACHING_GATES) == CachingSettings.GateSource.LEARNED;
    }

    private ModelWeights weights(ModelConfig c, boolean learnedGates) {
        var path = options.getOptional(MemoryOperatorOptions.MODEL_WEIGHTS);
        if (path.isEmpty()) {
            return ModelWeights.random(c, options.get(MemoryOperatorOptions.MODEL_SEED), learnedGates);
        }
        ModelWeights w;
        try {
            w = ModelWeights.load(Path.of(path.get()), c);
        } catch (IOException e) {
            throw new UncheckedIOException(MemoryOperatorOptions.MODEL_WEIGHTS.key() + ": cannot read " + path.get(), e);
        }
        if (learnedGates && !w.has(ModelWeights.U)) {
            throw new IllegalArgumentException(MemoryOperatorOptions.MODEL_WEIGHTS.key() + " " + path.get()
                    + ": LEARNED caching gates need the tensor '" + ModelWeights.U + "'");
        }
        return w;
    }

    /** The learned projection of keymem.events.projection-file, or null; a bad file fails naming the option. */
    private float[] eventProjection() {
        var path = options.getOptional(MemoryOperatorOptions.EVENTS_PROJECTION_FILE);
        if (path.isEmpty()) {
            return null;
        }
        String key = MemoryOperatorOptions.EVENTS_PROJECTION_FILE.key();
        try {
            var file = dev.keymem.models.io.SafeTensors.read(Path.of(path.get()));
            if (!file.contains("events.projection")) {
                throw new IllegalArgumentException(key + " " + path.get() + " holds no tensor 'events.projection'");
            }
            var t = file.get("events.projection");
            var s = MemoryOperatorOptions.eventSettings(options);
            if (!t.hasShape(s.cellDim(), s.dimension())) {
                throw new IllegalArgumentException(key + " " + path.get() + ": 'events.projection' has shape "
                        + t.shapeString() + ", expected [" + s.cellDim() + ", " + s.dimension() + "]");
            }
            return t.toFloats();
        } catch (IOException e) {
            throw new UncheckedIOException(key + ": cannot read " + path.get(), e);
        }
    }

    private boolean events() {
        return options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.EVENTS;
    }

    @Override
    public MemoryModel create() {
        if (events()) {
            return new EventsMemoryModel(MemoryOperatorOptions.eventSettings(options), eventProjection());
        }
        if (rmt()) {
            return RmtArtifact.load(options);
        }
        if (novelty()) {
            return new NoveltyMemoryModel(MemoryOperatorOptions.noveltySettings(options), noveltyRetention());
        }
        ModelConfig c = config();
        TensorBackend backend = Backends.byName(options.get(MemoryOperatorOptions.BACKEND));
        ModelWeights weights = weights(c, learnedGates());
        MemoryCell cell = form().equals("recurrent") ? Cells.recurrent(c.cell()) : Cells.chunked(c.cell(), backend);
        Projector projector = new Projector(c, weights, backend);
        if (retention()) {
            return new RetentionMemoryModel(projector, new TieredRetention(cell, retentionSettings()));
        }
        if (bmojo()) {
            return new BmojoMemoryModel(projector, new Bmojo(cell, bmojoSettings(), backend), form().equals("recurrent"));
        }
        if (caching()) {
            return new CachingMemoryModel(projector, new MemoryCaching(cell, cachingSettings(), backend));
        }
        return new CellMemoryModel(projector, cell);
    }

    /**
     * The model the options describe, split for the batched operator: the projector, the cell and the
     * {@link BatchAdvancer} named by {@link MemoryOperatorOptions#BATCH_ADVANCER} ('cpu': the configured
     * cell, key after key; otherwise a {@link BatchAdvancerProvider} class), as a {@link BatchMemoryModel}
     * (memory type PLAIN) or, with Memory Caching over the cell and the {@link CacheReader} named by
     * {@link MemoryOperatorOptions#BATCH_CACHE_READER} ('cpu' or a {@link CacheReaderProvider} class), a
     * {@link BatchCachingModel} (memory type CACHING), or the {@link RmtMemoryModel} (memory type RMT, whose
     * {@link MemoryModel.Rmt#advanceBatch} batches the segment writes). B'MOJO and STR / CMP are refused.
     */
    public MemoryModel createBatched() {
        checkBatched();
        return rmt() ? RmtArtifact.load(options) : buildBatched();
    }

    /** Fails (with the reason) when the options describe a memory the batched operator cannot advance. */
    void checkBatched() {
        if (bmojo() || retention() || events() || novelty()) {
            throw new IllegalArgumentException("the batched operator advances PLAIN, CACHING and RMT memories only: "
                    + MemoryOperatorOptions.MEMORY_TYPE.key() + "=" + options.get(MemoryOperatorOptions.MEMORY_TYPE)
                    + " is not supported (use KeyedMemoryFunction)");
        }
    }

    private MemoryModel buildBatched() {
        ModelConfig c = config();
        TensorBackend backend = Backends.byName(options.get(MemoryOperatorOptions.BACKEND));
        MemoryCell cell = form().equals("recurrent") ? Cells.recurrent(c.cell()) : Cells.chunked(c.cell(), backend);
        Projector projector = new Projector(c, weights(c, learnedGates()), backend);
        String name = options.get(MemoryOperatorOptions.BATCH_ADVANCER).trim();
        BatchAdvancer advancer = name.equalsIgnoreCase("cpu") ? BatchAdvancer.of(cell)
                : BatchAdvancerProvider.load(name).create(c.cell(), backend, options);
        if (!caching()) {
            return new BatchMemoryModel(projector, cell, advancer);
        }
        String readerName = options.get(MemoryOperatorOptions.BATCH_CACHE_READER).trim();
        CacheReader reader = readerName.equalsIgnoreCase("cpu") ? CacheReader.of(cell)
                : CacheReaderProvider.load(readerName).create(c.cell(), backend, options);
        return new BatchCachingModel(projector, new MemoryCaching(cell, cachingSettings(), backend), advancer, reader);
    }
}
