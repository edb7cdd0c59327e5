package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;

import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.models.cells.CellState;
import dev.keymem.state.BmojoStateSerializer;
import dev.keymem.state.CachedStateSerializer;
import dev.keymem.state.EideticEntrySerializer;
import dev.keymem.state.RetainedTokenSerializer;
import dev.keymem.state.RetentionStateSerializer;
import dev.keymem.state.CachingStateSerializer;
import dev.keymem.state.CellStateSerializer;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed memory operator: for each record of a key, loads the key's memory, advances it over the
 * record's tokens with the model, writes it back and emits the reads. Bad records (null or empty, too
 * long, token ids outside the vocabulary) go to {@link #DEAD_LETTERS} with their coordinates and
 * never fail the job.
 *
 * <p>State: a plain model keeps one {@link CellState} per key in a ValueState; a Memory Caching model
 * keeps its small {@link CachingState} in a ValueState and each cached checkpoint in its own MapState
 * entry (so SSC deserialises only the caches it routes to); a B'MOJO model keeps its bounded
 * {@link BmojoState} in a ValueState and each archived entry as a MapState row
 * ({@link MapStateEideticArchive}: at most {@code keymem.bmojo.archive-capacity} rows per head, one scan
 * of the key's archive per record that retrieves or evicts into a possibly full archive). Nothing grows
 * in a ListState; a STR / CMP model keeps its bounded {@link RetentionState} in a ValueState and each
 * T3 token as a MapState row keyed by position ({@link MapStateArchiveStore}); an RMT model keeps its
 * {@link dev.keymem.models.rmt.RmtState} (memory and open segment) in a ValueState ({@code keymem-rmt}). B'MOJO admissions and
 * evictions and archive drops and STR / CMP tier moves go to {@link #MEMORY_EVENTS}.
 *
 * <p>TTL ({@link MemoryOperatorOptions#STATE_TTL}): Flink state TTL for plain memories; for caching,
 * B'MOJO, STR / CMP and RMT memories one processing-time timer per key clears the key's state and all its MapState
 * entries together, {@code ttl} after the key's last write.
 *
 * <p>Hot state ({@link MemoryOperatorOptions#STATE_CACHE_KEYS}): run through {@link #apply} /
 * {@link #operator()} on RocksDB, the deserialized value states (the memory's bounded state and the TTL's
 * last write) of the subtask's most recently used keys stay in the heap between records and are written
 * back to keyed state on eviction and before every checkpoint or savepoint ({@code HotStateCache}); MapState
 * rows (cached checkpoints, archives) are written through as before. Checkpoints, restores, rescaling
 * and timers see what an uncached operator writes. {@code keyed.process(function)} runs without it.
 *
 * <p>Per-key isolation: the only instance fields are the model (stateless weights, scratch
 * buffers), state handles, the hot-state cache (entries per key, accessed under that key's context
 * only) and metrics; nothing of one key's data reaches another key's call.
 *
 * <p>Metrics (on the operator's group): {@code keymemTokens}, {@code keymemChunks} (records
 * advanced), {@code keymemDeadLetters}, {@code keymemStateBytesWritten} (framed bytes of the state
 * pieces written), histograms {@code keymemCachedStatesPerKey} (after each record; 0 for plain
 * memories) and {@code keymemCacheReadsPerChunk} (cached checkpoints loaded per record). B'MOJO adds
 * counters {@code keymemEideticAdmitted}, {@code keymemEideticEvicted}, {@code keymemArchiveScans}
 * (full scans of a key's archive), {@code keymemArchiveDropped} (entries dropped by the archive cap) and
 * histograms {@code keymemArchiveSizePerKey} (archived entries of the key after each record where that
 * is known without a scan: always while the key has evicted at most archive-capacity entries, else after
 * records that scanned the archive) and {@code keymemEideticStoreSize} (eidetic entries, all heads, after
 * each record). STR / CMP adds a counter per event kind ({@code keymemRetentionPinned},
 * {@code keymemRetentionRetained}, {@code keymemRetentionEvicted}, {@code keymemRetentionCompressed},
 * {@code keymemRetentionArchived}, {@code keymemRetentionArchiveDropped}) and histograms
 * {@code keymemRetentionExactTokensPerKey} and {@code keymemArchiveSizePerKey} (T3 entries). With the
 * hot-state cache: counter {@code keymemStateCacheFlushed} (keys written back before checkpoints) and
 * gauges {@code keymemStateCacheKeys}, {@code keymemStateCacheHits}, {@code keymemStateCacheMisses},
 * {@code keymemStateCacheEvictions}, {@code keymemStateCacheWrites}; {@code keymemStateBytesWritten} then
 * counts the bytes of the states updated, which reach keyed state at the next write-back.
 */
@PublicEvolving
public class KeyedMemoryFunction extends KeyedProcessFunction<String, TokenRecord, MemoryReadout> {

    private static final long serialVersionUID = 1L;

    /** Refused records. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("keymem-dead-letters", TypeInformation.of(DeadLetter.class));

    /**
     * What the memory did to tokens' entries (B'MOJO: admitted / evicted), one {@link MemoryEvent} per
     * event, emitted after the record's readout; off with {@link MemoryOperatorOptions#MEMORY_EVENTS_ENABLED}.
     */
    public static final OutputTag<MemoryEvent> MEMORY_EVENTS =
            new OutputTag<>("keymem-memory-events", TypeInformation.of(MemoryEvent.class));

    /** State names. */
    public static final String ONLINE_STATE = "keymem-online";
    public static final String CACHING_STATE = "keymem-caching";
    public static final String CACHES_STATE = "keymem-caches";
    public static final String LAST_WRITE_STATE = "keymem-last-write";
    public static final String BMOJO_STATE = "keymem-bmojo";
    public static final String ARCHIVE_STATE = "keymem-bmojo-archive";
    public static final String RETENTION_STATE = "keymem-retention";
    public static final String T3_STATE = "keymem-retention-archive";
    public static final String RMT_STATE = "keymem-rmt";

    private final MemoryModelFactory modelFactory;
    private final Duration ttl;
    private final int maxTokens;
    private final boolean emitEvents;
    private final long retentionSeed;
    private final int cacheKeys;
    private final long cacheBytes;

    private transient MemoryModel model;
    private transient KeyMemory memory;
    private transient KeyTtl keyTtl;
    private transient Metrics metrics;
    private transient RecordValidator validator;
    /** Set by {@link KeyedMemoryOperator} before {@link #open}; null without a cache. */
    private transient HotStateCache cache;

    public KeyedMemoryFunction(MemoryModelFactory modelFactory, ReadableConfig options) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.ttl = options.get(MemoryOperatorOptions.STATE_TTL);
        this.emitEvents = options.get(MemoryOperatorOptions.MEMORY_EVENTS_ENABLED);
        this.retentionSeed = options.get(MemoryOperatorOptions.RETENTION_SEED);
        this.maxTokens = RecordValidator.maxTokens(options);
        this.cacheKeys = options.get(MemoryOperatorOptions.STATE_CACHE_KEYS);
        this.cacheBytes = options.get(MemoryOperatorOptions.STATE_CACHE_MAX_BYTES).getBytes();
        if (cacheKeys < 0) {
            throw new IllegalArgumentException(MemoryOperatorOptions.STATE_CACHE_KEYS.key() + " must not be negative: "
                    + cacheKeys);
        }
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: " + ttl);
        }
    }

    /** A function over the model the options describe. */
    public static KeyedMemoryFunction fromOptions(Configuration options) {
        return new KeyedMemoryFunction(MemoryModelFactory.fromOptions(options), options);
    }

    /**
     * The keyed memory operator over {@code records}, with the hot-state cache
     * ({@link MemoryOperatorOptions#STATE_CACHE_KEYS}); {@code keyed.process(function)} runs the same
     * function without it.
     */
    public static SingleOutputStreamOperator<MemoryReadout> apply(KeyedStream<TokenRecord, String> records,
                                                                  Configuration options) {
        return fromOptions(options).applyTo(records);
    }

    /** This function as the keyed memory operator over {@code records} (see {@link #apply}). */
    public SingleOutputStreamOperator<MemoryReadout> applyTo(KeyedStream<TokenRecord, String> records) {
        return records.transform("keymem-memory", TypeInformation.of(MemoryReadout.class), operator());
    }

    /**
     * The operator that runs this function with the hot-state cache (a {@code KeyedProcessOperator}
     * that writes the cache back before each checkpoint), for {@code transform} or a test harness.
     */
    public KeyedProcessOperator<String, TokenRecord, MemoryReadout> operator() {
        return new KeyedMemoryOperator(this);
    }

    int cacheKeys() {
        return cacheKeys;
    }

    /** Called by {@link KeyedMemoryOperator} before {@link #open}. */
    void useCache(HotStateCache cache) {
        this.cache = cache;
    }

    /** The operator wrote {@code n} keys' states back before a checkpoint. */
    void flushed(int n) {
        if (metrics != null) {
            metrics.cacheFlushed.inc(n);
        }
    }

    /** {@code state} through the cache when there is one. */
    private <T> ValueState<T> cached(ValueState<T> state) {
        return cache == null ? state : cache.wrap(state);
    }

    /** The plain memory's state (with Flink state TTL when configured). */
    ValueStateDescriptor<CellState> onlineDescriptor() {
        return onlineDescriptor(ttl);
    }

    /** The plain memory's state descriptor (shared with the batched operator, so their states are alike). */
    static ValueStateDescriptor<CellState> onlineDescriptor(Duration ttl) {
        ValueStateDescriptor<CellState> d = new ValueStateDescriptor<>(ONLINE_STATE, new CellStateSerializer());
        if (!ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    static ValueStateDescriptor<CachingState> cachingDescriptor() {
        return new ValueStateDescriptor<>(CACHING_STATE, new CachingStateSerializer());
    }

    static MapStateDescriptor<Long, CellState> cachesDescriptor() {
        return new MapStateDescriptor<>(CACHES_STATE, LongSerializer.INSTANCE, new CachedStateSerializer());
    }

    static ValueStateDescriptor<BmojoState> bmojoDescriptor() {
        return new ValueStateDescriptor<>(BMOJO_STATE, new BmojoStateSerializer());
    }

    static MapStateDescriptor<Long, EideticEntry> archiveDescriptor() {
        return new MapStateDescriptor<>(ARCHIVE_STATE, LongSerializer.INSTANCE, new EideticEntrySerializer());
    }

    static ValueStateDescriptor<RetentionState> retentionDescriptor() {
        return new ValueStateDescriptor<>(RETENTION_STATE, new RetentionStateSerializer());
    }

    static MapStateDescriptor<Long, RetainedToken> t3Descriptor() {
        return new MapStateDescriptor<>(T3_STATE, LongSerializer.INSTANCE, new RetainedTokenSerializer());
    }

    static ValueStateDescriptor<dev.keymem.models.rmt.RmtState> rmtDescriptor() {
        return new ValueStateDescriptor<>(RMT_STATE, new dev.keymem.state.RmtStateSerializer());
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model = modelFactory.create();
        if (cache != null) {
            cache.limit(cacheBytes, 4L * model.stateSize());
        }
        var rc = getRuntimeContext();
        memory = model.accept(new MemoryModel.Visitor<KeyMemory>() {
            @Override
            public KeyMemory plain(MemoryModel.Plain p) {
                ValueState<CellState> online = rc.getState(onlineDescriptor());
                // Flink state TTL stamps a write when it reaches the backend: no cache in front of it
                return new KeyMemory.Plain(ttl.isZero() ? cached(online) : online, p);
            }

            @Override
            public KeyMemory caching(MemoryModel.Caching c) {
                return new KeyMemory.Caching(cached(rc.getState(cachingDescriptor())), rc.getMapState(cachesDescriptor()), c);
            }

            @Override
            public KeyMemory bmojo(MemoryModel.Bmojo b) {
                return new BmojoKeyMemory(cached(rc.getState(bmojoDescriptor())), rc.getMapState(archiveDescriptor()), b,
                        new BmojoKeyMemory.Metrics(rc.getMetricGroup()), emitEvents);
            }

            @Override
            public KeyMemory retention(MemoryModel.Retention r) {
                return new RetentionKeyMemory(cached(rc.getState(retentionDescriptor())), rc.getMapState(t3Descriptor()), r,
                        retentionSeed, new RetentionKeyMemory.Metrics(rc.getMetricGroup()), emitEvents);
            }

            @Override
            public KeyMemory events(MemoryModel.Events e) {
                throw new IllegalArgumentException(MemoryOperatorOptions.MEMORY_TYPE.key() + "=EVENTS takes event "
                        + "records and queries: use EventMemoryFunction, not KeyedMemoryFunction");
            }

            @Override
            public KeyMemory rmt(MemoryModel.Rmt r) {
                return new RmtKeyMemory(cached(rc.getState(rmtDescriptor())), r);
            }
        });
        if (!(memory instanceof KeyMemory.Plain) && !ttl.isZero()) {
            keyTtl = new KeyTtl(cached(getRuntimeContext().getState(KeyTtl.descriptor())), ttl);
        }
        metrics = new Metrics(getRuntimeContext().getMetricGroup(), cache);
        validator = new RecordValidator(maxTokens, model.vocabSize());
    }

    @Override
    public void processElement(TokenRecord record, Context ctx, Collector<MemoryReadout> out) throws Exception {
        String key = ctx.getCurrentKey();
        String problem = validator.problem(record);
        if (problem != null) {
            ctx.output(DEAD_LETTERS, new DeadLetter(key, memory.position(), RecordValidator.tokens(record), problem));
            metrics.deadLetters.inc();
            return;
        }
        if (keyTtl != null && keyTtl.touch(ctx.timerService().currentProcessingTime(),
                ctx.timerService()::registerProcessingTimeTimer)) {
            memory.clear(); // expired; its timer has not fired yet and will re-arm itself
        }
        int tokens = record.tokenIds.length;
        float[] reads = new float[tokens * model.heads() * model.valueDim()];
        KeyMemory.Advanced a = memory.advance(key, record.tokenIds, reads);
        out.collect(new MemoryReadout(key, a.startPosition(), tokens, model.heads(), model.valueDim(), reads));
        for (MemoryEvent e : memory.lastEvents()) {
            ctx.output(MEMORY_EVENTS, e);
        }
        metrics.tokens.inc(tokens);
        metrics.chunks.inc();
        metrics.stateBytes.inc(a.bytesWritten());
        metrics.cachedStatesPerKey.update(a.cachedStates());
        metrics.cacheReadsPerChunk.update(a.cacheReads());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MemoryReadout> out) throws Exception {
        if (keyTtl != null && keyTtl.fired(timestamp, ctx.timerService()::registerProcessingTimeTimer)) {
            memory.clear();
        }
    }

    /** The operator's metrics. */
    private static final class Metrics {
        final Counter tokens;
        final Counter chunks;
        final Counter deadLetters;
        final Counter stateBytes;
        final Histogram cachedStatesPerKey;
        final Histogram cacheReadsPerChunk;
        final Counter cacheFlushed;

        Metrics(MetricGroup g, HotStateCache cache) {
            tokens = g.counter("keymemTokens");
            chunks = g.counter("keymemChunks");
            deadLetters = g.counter("keymemDeadLetters");
            stateBytes = g.counter("keymemStateBytesWritten");
            cachedStatesPerKey = g.histogram("keymemCachedStatesPerKey", new DescriptiveStatisticsHistogram(1000));
            cacheReadsPerChunk = g.histogram("keymemCacheReadsPerChunk", new DescriptiveStatisticsHistogram(1000));
            cacheFlushed = g.counter("keymemStateCacheFlushed");
            if (cache != null) {
                g.gauge("keymemStateCacheKeys", (Gauge<Integer>) cache::size);
                g.gauge("keymemStateCacheHits", (Gauge<Long>) cache::hits);
                g.gauge("keymemStateCacheMisses", (Gauge<Long>) cache::misses);
                g.gauge("keymemStateCacheEvictions", (Gauge<Long>) cache::evictions);
                g.gauge("keymemStateCacheWrites", (Gauge<Long>) cache::writes);
            }
        }
    }
}
