package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.operators.KeyedNoveltyMemory;
import dev.keymem.operators.MemoryOperatorOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Settings of the log summarization job: the job's own {@code keymem.logs.*} options plus the operators'
 * novelty memory options ({@code keymem.novelty.*}, and {@code keymem.retention.*} for its retention tier,
 * {@link MemoryOperatorOptions}). {@link #resolved} completes them the way {@code memctl logs} runs:
 * the job's defaults for the retention tier's sizes, and the tier on only where a summary ranks templates
 * (memory {@code bmojo+retention} with a budget). {@link LogSummarySettings} is the typed view.
 */
public final class LogOptions {

    public static final ConfigOption<Integer> EVERY_LINES = ConfigOptions.key("keymem.logs.every-lines")
            .intType()
            .defaultValue(500)
            .withDescription("A source emits a summary after this many lines since its last summary.");

    public static final ConfigOption<Duration> EVERY = ConfigOptions.key("keymem.logs.every")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("... or this long (processing time) after its first unsummarized line; 0 = off. "
                    + "Streaming runs only: memctl's file runs (batch mode) summarize on lines alone.");

    public static final ConfigOption<LogSummarySettings.Memory> MEMORY = ConfigOptions.key("keymem.logs.memory")
            .enumType(LogSummarySettings.Memory.class)
            .defaultValue(LogSummarySettings.Memory.BMOJO_RETENTION)
            .withDescription("BMOJO_RETENTION (memctl: bmojo+retention, the default): the novelty memory's "
                    + "innovation, and with a budget its STR / CMP retention tier ranks the templates. BMOJO: "
                    + "innovation only, also under a budget.");

    public static final ConfigOption<Long> SILENCE_LINES = ConfigOptions.key("keymem.logs.silence-lines")
            .longType()
            .defaultValue(5000L)
            .withDescription("A template silent for at least this many of its source's lines 'returns': its line "
                    + "is shown verbatim again when the memory also finds it new (keymem.logs.reshow-innovation).");

    public static final ConfigOption<Float> RESHOW_INNOVATION = ConfigOptions.key("keymem.logs.reshow-innovation")
            .floatType()
            .defaultValue(0.75f)
            .withDescription("Innovation at or above which the memory flags a line of a template already shown "
                    + "(returned, or parameters of a new kind): its line is shown verbatim again.");

    public static final ConfigOption<Integer> BUDGET = ConfigOptions.key("keymem.logs.budget")
            .intType()
            .defaultValue(0)
            .withDescription("Most templates a summary lists (0 = no limit); over it, flagged templates come first, "
                    + "then the most significant; the rest are counted as dropped.");

    public static final ConfigOption<Integer> MINER_DEPTH = ConfigOptions.key("keymem.logs.miner.depth")
            .intType()
            .defaultValue(MinerSettings.defaults().depth())
            .withDescription("Template miner: prefix-token levels of the parse tree below the length level.");

    public static final ConfigOption<Double> MINER_SIMILARITY = ConfigOptions.key("keymem.logs.miner.similarity")
            .doubleType()
            .defaultValue(MinerSettings.defaults().similarity())
            .withDescription("Template miner: similarity at or above which a line joins the best cluster of its leaf.");

    public static final ConfigOption<Double> MINER_FALLBACK_SIMILARITY =
            ConfigOptions.key("keymem.logs.miner.fallback-similarity")
                    .doubleType()
                    .defaultValue(MinerSettings.defaults().fallbackSimilarity())
                    .withDescription("Template miner: ... or the best cluster of its token count (any prefix).");

    public static final ConfigOption<Integer> MINER_MAX_TEMPLATES = ConfigOptions.key("keymem.logs.miner.max-templates")
            .intType()
            .defaultValue(MinerSettings.defaults().maxTemplates())
            .withDescription("Template miner: templates kept per source; the one matched least recently is evicted.");

    public static final ConfigOption<Boolean> MINER_HEADERS = ConfigOptions.key("keymem.logs.miner.headers")
            .booleanType()
            .defaultValue(MinerSettings.defaults().headers())
            .withDescription("Template miner: lines are whole log lines, mine the message without its header.");

    public static final ConfigOption<Integer> CACHE_SOURCES = ConfigOptions.key("keymem.logs.cache-sources")
            .intType()
            .defaultValue(1024)
            .withDescription("Sources per subtask whose value states (novelty cell, template miner, summary "
                    + "period) stay deserialized on the heap between lines, least recently used evicted; written "
                    + "back to keyed state on eviction and before every checkpoint or savepoint, so checkpoints "
                    + "hold what an uncached job would have written. Heap: about 20 kB a source at the defaults "
                    + "plus its miner's templates and their summary entries. RocksDB backend only (the HashMap backend keeps objects "
                    + "already); 0 disables it.");

    /** Whether the pieces of a long Kubernetes CRI line are joined ({@link CriLineJoin}). */
    public static final ConfigOption<Boolean> CRI_JOIN = ConfigOptions.key("keymem.logs.cri.join")
            .booleanType()
            .defaultValue(true)
            .withDescription("Kubernetes CRI container logs: join the P (partial) pieces of a long line with its "
                    + "F piece into one line; false: every piece is a line of its own. Pieces are matched by "
                    + "source (the Kafka key or --source), stream, topic and partition, so each key (or the fixed "
                    + "source) must carry one container log file: the pieces of several containers under one key "
                    + "would be joined wrongly.");

    /** The bound of one joined CRI line. */
    public static final ConfigOption<Long> CRI_MAX_JOINED_BYTES = ConfigOptions.key("keymem.logs.cri.max-joined-bytes")
            .longType()
            .defaultValue(1024L * 1024)
            .withDescription("Kubernetes CRI container logs: the P (partial) pieces of a long line are joined "
                    + "with its F piece into one line; a line whose P pieces reach this many bytes (UTF-8) goes "
                    + "out at once, cut and marked, and its later pieces make another line. Only the first "
                    + "bytes a line's text keeps are held per stream in any case.");

    /** The job's own options (keymem.logs.*). */
    public static final java.util.List<ConfigOption<?>> JOB_OPTIONS = java.util.List.of(EVERY_LINES, EVERY, MEMORY,
            SILENCE_LINES, RESHOW_INNOVATION, BUDGET, MINER_DEPTH, MINER_SIMILARITY, MINER_FALLBACK_SIMILARITY,
            MINER_MAX_TEMPLATES, MINER_HEADERS, CACHE_SOURCES, CRI_JOIN, CRI_MAX_JOINED_BYTES);

    /** The job's retention tier sizes (window, block, retained, compressed slots, sinks) unless given. */
    static final int RETENTION_WINDOW = 32;
    static final int RETENTION_BLOCK = 16;
    static final int RETENTION_RETAINED = 32;
    static final int RETENTION_SLOTS = 8;
    static final int RETENTION_SINKS = 0;

    private LogOptions() {
    }

    /**
     * The options completed for the job: keymem.logs.*, keymem.novelty.* and keymem.retention.* as given,
     * the job's retention tier sizes where not given, and {@code keymem.novelty.retention} (unless given) on
     * exactly when memory is BMOJO_RETENTION and a budget is set; checked now.
     */
    public static Configuration resolved(ReadableConfig given) {
        Configuration c = new Configuration();
        for (ConfigOption<?> o : JOB_OPTIONS) {
            copy(given, c, o);
        }
        for (ConfigOption<?> o : MemoryOperatorOptions.NOVELTY_OPTIONS) {
            copy(given, c, o);
        }
        for (ConfigOption<?> o : MemoryOperatorOptions.RETENTION_OPTIONS) {
            copy(given, c, o);
        }
        defaultTo(given, c, MemoryOperatorOptions.RETENTION_WINDOW, RETENTION_WINDOW);
        defaultTo(given, c, MemoryOperatorOptions.RETENTION_BLOCK, RETENTION_BLOCK);
        defaultTo(given, c, MemoryOperatorOptions.RETENTION_RETAINED_CAP, RETENTION_RETAINED);
        defaultTo(given, c, MemoryOperatorOptions.RETENTION_COMPRESSED_SLOTS, RETENTION_SLOTS);
        defaultTo(given, c, MemoryOperatorOptions.RETENTION_SINKS, RETENTION_SINKS);
        if (c.get(MEMORY) == LogSummarySettings.Memory.BMOJO) {
            c.set(MemoryOperatorOptions.NOVELTY_RETENTION, false);
        } else if (given.getOptional(MemoryOperatorOptions.NOVELTY_RETENTION).isEmpty()) {
            c.set(MemoryOperatorOptions.NOVELTY_RETENTION, c.get(BUDGET) > 0);
        }
        require(c.get(EVERY_LINES) >= 1, EVERY_LINES, c.get(EVERY_LINES), "must be >= 1");
        require(!c.get(EVERY).isNegative(), EVERY, c.get(EVERY), "must not be negative (0 = off)");
        require(c.get(SILENCE_LINES) >= 1, SILENCE_LINES, c.get(SILENCE_LINES), "must be >= 1");
        require(c.get(RESHOW_INNOVATION) > 0, RESHOW_INNOVATION, c.get(RESHOW_INNOVATION), "must be > 0");
        require(c.get(BUDGET) >= 0, BUDGET, c.get(BUDGET), "must be >= 0 (0 = no limit)");
        require(c.get(CRI_MAX_JOINED_BYTES) >= 1, CRI_MAX_JOINED_BYTES,
                c.get(CRI_MAX_JOINED_BYTES), "must be >= 1");
        require(c.get(CACHE_SOURCES) >= 0, CACHE_SOURCES, c.get(CACHE_SOURCES), "must be >= 0 (0 = off)");
        miner(c);
        KeyedNoveltyMemory.noveltyOptions(c); // the memory's own checks
        return c;
    }

    /** The template miner's settings in resolved options. */
    static MinerSettings miner(ReadableConfig c) {
        try {
            return new MinerSettings(c.get(MINER_DEPTH), c.get(MINER_SIMILARITY), c.get(MINER_FALLBACK_SIMILARITY),
                    c.get(MINER_MAX_TEMPLATES), c.get(MINER_HEADERS));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("keymem.logs.miner.*: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, ConfigOption<?> o, Object value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(o.key() + " " + rule + ": " + value);
        }
    }

    private static <T> void copy(ReadableConfig from, Configuration to, ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    private static void defaultTo(ReadableConfig given, Configuration c, ConfigOption<Integer> o, int v) {
        if (given.getOptional(o).isEmpty()) {
            c.set(o, v);
        }
    }
}
