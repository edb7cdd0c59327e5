package dev.keymem.jobs.logs;

import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.operators.MemoryOperatorOptions;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The typed view of the log summarization job's options ({@link LogOptions}: keymem.logs.*, and the operators'
 * keymem.novelty.* / keymem.retention.*; docs/jobs.md has the reference). Immutable: the {@code with*}
 * methods return a view of changed options; {@link #options()} gives the options back, resolved.
 */
public final class LogSummarySettings implements Serializable {
    private static final long serialVersionUID = 2L;

    /** Which memory decides what a summary retains. */
    public enum Memory {
        /** The novelty memory's innovation, plus its STR/CMP retention tier under a budget (the default). */
        BMOJO_RETENTION("bmojo+retention"),
        /** The novelty memory's innovation alone. */
        BMOJO("bmojo");

        private final String configName;

        Memory(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Memory parse(String s) {
            for (Memory m : values()) {
                if (m.configName.equals(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown memory '" + s + "', expected bmojo+retention or bmojo");
        }
    }

    private final Configuration given;
    private final Configuration options;

    private LogSummarySettings(ReadableConfig given) {
        Configuration g = new Configuration();
        g.addAll(given instanceof Configuration c ? c : Configuration.fromMap(given.toMap()));
        this.given = g;
        this.options = LogOptions.resolved(g);
    }

    /** The view of {@code options} (resolved and checked now). */
    public static LogSummarySettings of(ReadableConfig options) {
        return new LogSummarySettings(options);
    }

    /** What {@code memctl logs} runs with: every option at its default. */
    public static LogSummarySettings defaults() {
        return new LogSummarySettings(new Configuration());
    }

    /** The resolved options (a copy). */
    public Configuration options() {
        return new Configuration(options);
    }

    /** These settings with {@code o} set to {@code v} (any keymem.logs.*, keymem.novelty.* or keymem.retention.* option). */
    public <T> LogSummarySettings with(org.apache.flink.configuration.ConfigOption<T> o, T v) {
        Configuration c = new Configuration(given);
        c.set(o, v);
        return new LogSummarySettings(c);
    }

    public int everyLines() {
        return options.get(LogOptions.EVERY_LINES);
    }

    public long everyMillis() {
        return options.get(LogOptions.EVERY).toMillis();
    }

    public Memory memory() {
        return options.get(LogOptions.MEMORY);
    }

    /** Embedding size d of a line (the novelty memory's D). */
    public int dimension() {
        return options.get(MemoryOperatorOptions.NOVELTY_DIMENSION);
    }

    public float threshold() {
        return options.get(MemoryOperatorOptions.NOVELTY_THRESHOLD);
    }

    public MinerSettings miner() {
        return LogOptions.miner(options);
    }

    public long silenceLines() {
        return options.get(LogOptions.SILENCE_LINES);
    }

    public float reshowInnovation() {
        return options.get(LogOptions.RESHOW_INNOVATION);
    }

    public int budget() {
        return options.get(LogOptions.BUDGET);
    }

    /** Whether the novelty memory runs its retention tier (memory bmojo+retention with a budget, unless set). */
    public boolean retention() {
        return options.get(MemoryOperatorOptions.NOVELTY_RETENTION);
    }

    public LogSummarySettings withBudget(int templates) {
        return with(LogOptions.BUDGET, templates);
    }

    public LogSummarySettings withSilenceLines(long lines) {
        return with(LogOptions.SILENCE_LINES, lines);
    }

    public LogSummarySettings withMiner(MinerSettings m) {
        Configuration c = new Configuration(given);
        c.set(LogOptions.MINER_DEPTH, m.depth());
        c.set(LogOptions.MINER_SIMILARITY, m.similarity());
        c.set(LogOptions.MINER_FALLBACK_SIMILARITY, m.fallbackSimilarity());
        c.set(LogOptions.MINER_MAX_TEMPLATES, m.maxTemplates());
        c.set(LogOptions.MINER_HEADERS, m.headers());
        return new LogSummarySettings(c);
    }

    public LogSummarySettings withEvery(int lines, long millis) {
        Configuration c = new Configuration(given);
        c.set(LogOptions.EVERY_LINES, lines);
        c.set(LogOptions.EVERY, Duration.ofMillis(millis));
        return new LogSummarySettings(c);
    }

    public LogSummarySettings withMemory(Memory m) {
        return with(LogOptions.MEMORY, m);
    }

    public LogSummarySettings withThreshold(float t) {
        return with(MemoryOperatorOptions.NOVELTY_THRESHOLD, t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogSummarySettings s && s.options.toMap().equals(options.toMap());
    }

    @Override
    public int hashCode() {
        return options.toMap().hashCode();
    }

    @Override
    public String toString() {
        return "LogSummarySettings" + options.toMap();
    }
}
