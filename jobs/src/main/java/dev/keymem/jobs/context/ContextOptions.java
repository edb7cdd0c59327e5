package dev.keymem.jobs.context;

import dev.keymem.jobs.text.MiniLmEmbedder;
import dev.keymem.operators.MemoryOperatorOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Settings of the user context job: the event memory's own {@code keymem.events.*} options
 * ({@link MemoryOperatorOptions}) plus the job's front end choice. {@link #defaults()} is what
 * {@code memctl context} runs with.
 */
public final class ContextOptions {

    /** The dense vector of an event. */
    public enum Embedder {
        /** Hashed stems, stem pairs and character trigrams (fast, deterministic everywhere; the default). */
        HASHING,
        /** all-MiniLM-L6-v2 (384-d, ONNX, offline; needs its jar on the classpath; a few ms an event). */
        MINILM
    }

    public static final ConfigOption<Embedder> EMBEDDER = ConfigOptions.key("keymem.context.embedder")
            .enumType(Embedder.class)
            .defaultValue(Embedder.HASHING)
            .withDescription("The events' dense vector: HASHING (default) or MINILM (sets keymem.events.dimension "
                    + "to 384 unless given).");

    /** Largest payload the job keeps per event: its text (at most one record, 64 KiB by default) and fields as JSON. */
    public static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

    /**
     * The job's default {@code keymem.events.max-candidates}: a query's lexical candidates (beyond the window,
     * the eidetic tier and the routed segments), so its cost is bounded by a small constant whatever the
     * users' histories (docs/benchmarks.md: the answers' recall is unchanged at this budget).
     */
    public static final int MAX_CANDIDATES = 128;

    /** The job's default {@code keymem.events.postings-read}: postings a query reads per term (rarest first). */
    public static final int POSTINGS_READ = 64;

    /**
     * The job's default {@code keymem.events.route-k}: no segment routing. Its candidates are found by the
     * other tiers on the data measured (docs/benchmarks.md: recall unchanged on the generated conversations
     * and on loghub-derived events without it) and it cost about a tenth of the job's CPU there (every query
     * compared with up to 256 summaries and scored 128 more events). The operator's default stays 2.
     */
    public static final int ROUTE_K = 0;

    private ContextOptions() {
    }

    /** The defaults of {@code memctl context}. */
    public static Configuration defaults() {
        return new Configuration();
    }

    /** The options completed for the job: memory type EVENTS, payload cap, MiniLM's dimension. */
    public static Configuration resolved(ReadableConfig given) {
        Configuration c = new Configuration();
        for (ConfigOption<?> o : MemoryOperatorOptions.EVENTS_OPTIONS) {
            copy(given, c, o);
        }
        copy(given, c, MemoryOperatorOptions.STATE_TTL);
        copy(given, c, EMBEDDER);
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.EVENTS);
        c.set(MemoryOperatorOptions.MEMORY_EVENTS_ENABLED, false);
        if (given.getOptional(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD).isEmpty()) {
            c.set(MemoryOperatorOptions.EVENTS_MAX_PAYLOAD, MAX_PAYLOAD_BYTES);
        }
        if (given.getOptional(MemoryOperatorOptions.EVENTS_MAX_CANDIDATES).isEmpty()) {
            c.set(MemoryOperatorOptions.EVENTS_MAX_CANDIDATES, MAX_CANDIDATES);
        }
        if (given.getOptional(MemoryOperatorOptions.EVENTS_POSTINGS_READ).isEmpty()) {
            c.set(MemoryOperatorOptions.EVENTS_POSTINGS_READ, POSTINGS_READ);
        }
        if (given.getOptional(MemoryOperatorOptions.EVENTS_ROUTE_K).isEmpty()) {
            c.set(MemoryOperatorOptions.EVENTS_ROUTE_K, ROUTE_K);
        }
        if (c.get(EMBEDDER) == Embedder.MINILM && given.getOptional(MemoryOperatorOptions.EVENTS_DIMENSION).isEmpty()) {
            c.set(MemoryOperatorOptions.EVENTS_DIMENSION, MiniLmEmbedder.DIMENSION);
        }
        return c;
    }

    private static <T> void copy(ReadableConfig from, Configuration to, ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }
}
