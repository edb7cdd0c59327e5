package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.operators.model.BatchMemoryModel;
import dev.keymem.operators.model.BatchCachingModel;

import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.caching.CachingState;
import dev.keymem.models.caching.MemoryCaching;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import java.io.Flushable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The batched keyed memory operator: buffers the token records of many keys of a subtask and
 * advances all of them in one step, then writes each key's state back under that key and emits the
 * reads. Memory types PLAIN (one {@link BatchAdvancer} call per step, one device step on a GPU
 * advancer) and CACHING (Memory Caching: one batched {@link MemoryCaching} forward per step, which
 * advances every key's online state in one advancer call per segment piece and reads the cached
 * checkpoints of all keys in one {@link CacheReader} call, see {@link BatchCachingModel}) and RMT (one
 * {@link MemoryModel.Rmt#advanceBatch} per step: the full segments of all keys run with one product per
 * layer; state {@code keymem-rmt} as {@link KeyedMemoryFunction}'s); B'MOJO and STR / CMP are refused when the job is built. State, state names and serializers are those of
 * {@link KeyedMemoryFunction} (a plain {@link CellState} in {@code keymem-online}; a
 * {@link CachingState} in {@code keymem-caching} and every cached checkpoint in its own
 * {@code keymem-caches} MapState entry, loaded per key on demand by the reader), so savepoints are
 * alike.
 *
 * <p>A batch is run when {@link MemoryOperatorOptions#BATCH_MAX_KEYS} distinct keys or
 * {@link MemoryOperatorOptions#BATCH_MAX_TOKENS} tokens are buffered, when
 * {@link MemoryOperatorOptions#BATCH_MAX_DELAY} has passed (processing time) since the first buffered
 * record arrived, and always before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}), before
 * a watermark is forwarded and at the end of input. So nothing is buffered when state is snapshotted
 * and the checkpointed memory always matches the emitted outputs.
 *
 * <p>Order: a key's records are advanced and emitted in arrival order. When one batch holds several
 * records of a key, they run in successive sub-steps (sub-step r advances the r-th buffered record of
 * every key that has one), so every record's reads are exactly those of
 * {@link KeyedMemoryFunction} on the same stream, bit for bit on the CPU advancer (and CPU cache
 * reader). With {@link MemoryOperatorOptions#BATCH_MERGE_RECORDS} a key's buffered records are
 * concatenated into one chunk instead (one step per batch however skewed the keys; the reads then
 * equal the per-record operator's up to float rounding, as any other cut of the stream would). Dead
 * letters (the same validation and side output as {@link KeyedMemoryFunction}) are emitted when the
 * record arrives; their position counts the key's buffered tokens.
 *
 * <p>Resident advancers: if the advancer implements {@link Flushable} (it may keep states elsewhere,
 * e.g. on a GPU, and write them into the host {@link CellState} arrays only on {@code flush()}), the
 * operator keeps each advanced key's state object ({@link CellState}, or the {@link CachingState}
 * holding the online one) and passes the same object again for the key's next batches; before every
 * checkpoint barrier and at the end of input (and when more than
 * {@link MemoryOperatorOptions#BATCH_MAX_HELD_STATES} are held) it calls {@code flush()} and only then
 * writes those states to Flink state (so state TTL counts from that write). Memory Caching flushes
 * the advancer itself before a segment close freezes the online state into a cached checkpoint, which
 * it writes to its MapState entry at once. Other advancers' states are written right after each
 * batch. An {@link AutoCloseable} advancer or cache reader is closed with the operator.
 *
 * <p>TTL ({@link MemoryOperatorOptions#STATE_TTL}): Flink state TTL for plain memories; for Memory
 * Caching, as {@link KeyedMemoryFunction}: the key's last write time ({@code keymem-last-write},
 * recorded when a record arrives) and one processing-time timer per key (the timer service
 * {@code user-timers}) that clears the key's state and all its cached checkpoints together
 * {@code ttl} after its last write. Buffered records of an expiring key are advanced first (trigger
 * {@code EXPIRY}: only when the TTL is shorter than the batch delay). A key that starts afresh is
 * announced to the reader ({@link CacheReader#forget}).
 *
 * <p>Metrics (operator group): {@code keymemTokens}, {@code keymemChunks} (records advanced),
 * {@code keymemDeadLetters}, {@code keymemStateBytesWritten}; {@code keymemBatchSteps} (steps: advancer
 * calls for PLAIN, batched Memory Caching forwards for CACHING), histograms {@code keymemBatchKeys} and
 * {@code keymemBatchTokens} (per flushed batch); counters {@code keymemFlushesSize},
 * {@code keymemFlushesDelay}, {@code keymemFlushesCheckpoint}, {@code keymemFlushesWatermark},
 * {@code keymemFlushesEndOfInput}, {@code keymemFlushesExpiry} (batches run, by trigger) and
 * {@code keymemStateSyncs} ({@code flush()} calls on a resident advancer). CACHING adds the histograms
 * {@code keymemCachedStatesPerKey} (after each step of a key) and {@code keymemCacheReadsPerChunk}
 * (cached checkpoints loaded from keyed state per key and step; a reader that keeps caches loads
 * fewer).
 *
 * <p>Hot state ({@link MemoryOperatorOptions#STATE_CACHE_KEYS}, RocksDB only): as
 * {@link KeyedMemoryFunction}'s, the deserialized value states of the most recently used keys stay in
 * the heap ({@code HotStateCache}) and are written back on eviction and in {@link #snapshotState}.
 */
@PublicEvolving
public class BatchedMemoryOperator extends AbstractStreamOperator<MemoryReadout>
        implements OneInputStreamOperator<TokenRecord, MemoryReadout>, BoundedOneInput,
        Triggerable<Object, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    /** Why a batch was run. */
    enum Trigger {
        SIZE("keymemFlushesSize"), DELAY("keymemFlushesDelay"), CHECKPOINT("keymemFlushesCheckpoint"),
        WATERMARK("keymemFlushesWatermark"), END_OF_INPUT("keymemFlushesEndOfInput"),
        EXPIRY("keymemFlushesExpiry");

        final String metric;

        Trigger(String metric) {
            this.metric = metric;
        }
    }

    private final MemoryModelFactory modelFactory;
    private final Duration ttl;
    private final int maxTokensPerRecord;
    private final int maxKeys;
    private final int maxBatchTokens;
    private final long maxDelayMs;
    private final int maxHeldStates;
    private final boolean mergeRecords;
    private final int cacheKeys;
    private final long cacheBytes;

    private transient MemoryModel model;
    private transient BatchKeyMemory<Object> memory;
    private transient Flushable resident;
    /** CACHING with a TTL: the keys' last writes and their timers (as {@link KeyedMemoryFunction}'s). */
    private transient KeyTtl keyTtl;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient RecordValidator validator;
    private transient Metrics metrics;
    /** The hot-state cache ({@link MemoryOperatorOptions#STATE_CACHE_KEYS}; RocksDB only), or null. */
    private transient HotStateCache cache;
    /** Buffered records by key, in first-arrival order. */
    private transient LinkedHashMap<Object, Pending> buffer;
    private transient int bufferedTokens;
    private transient ScheduledFuture<?> delayTimer;
    /** Resident advancers only: states advanced since the last sync, not yet in Flink state. */
    private transient LinkedHashMap<Object, Object> unwritten;

    public BatchedMemoryOperator(MemoryModelFactory modelFactory, ReadableConfig options) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.ttl = options.get(MemoryOperatorOptions.STATE_TTL);
        this.maxTokensPerRecord = RecordValidator.maxTokens(options);
        this.maxKeys = options.get(MemoryOperatorOptions.BATCH_MAX_KEYS);
        this.cacheKeys = Math.max(0, options.get(MemoryOperatorOptions.STATE_CACHE_KEYS));
        this.cacheBytes = options.get(MemoryOperatorOptions.STATE_CACHE_MAX_BYTES).getBytes();
        this.maxBatchTokens = options.get(MemoryOperatorOptions.BATCH_MAX_TOKENS);
        Duration delay = options.get(MemoryOperatorOptions.BATCH_MAX_DELAY);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: " + ttl);
        }
        if (maxKeys <= 0) {
            throw new IllegalArgumentException(MemoryOperatorOptions.BATCH_MAX_KEYS.key() + " must be positive: " + maxKeys);
        }
        if (maxBatchTokens <= 0) {
            throw new IllegalArgumentException(
                    MemoryOperatorOptions.BATCH_MAX_TOKENS.key() + " must be positive: " + maxBatchTokens);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException(
                    MemoryOperatorOptions.BATCH_MAX_DELAY.key() + " must not be negative: " + delay);
        }
        this.maxDelayMs = delay.toMillis();
        this.maxHeldStates = options.get(MemoryOperatorOptions.BATCH_MAX_HELD_STATES);
        this.mergeRecords = options.get(MemoryOperatorOptions.BATCH_MERGE_RECORDS);
        if (maxHeldStates <= 0) {
            throw new IllegalArgumentException(
                    MemoryOperatorOptions.BATCH_MAX_HELD_STATES.key() + " must be positive: " + maxHeldStates);
        }
    }

    /** An operator over the model the options describe. */
    public static BatchedMemoryOperator fromOptions(ReadableConfig options) {
        return new BatchedMemoryOperator(MemoryModelFactory.batchedFromOptions(options), options);
    }

    /** Applies the batched operator (configured by {@code options}) to a keyed token stream. */
    public static SingleOutputStreamOperator<MemoryReadout> apply(KeyedStream<TokenRecord, ?> records,
                                                                  ReadableConfig options) {
        return records.transform("keymem-batched-memory", TypeInformation.of(MemoryReadout.class),
                fromOptions(options));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open() throws Exception {
        super.open();
        model = modelFactory.create();
        cache = HotStateCache.forOperator(cacheKeys, this);
        if (cache != null) {
            cache.limit(cacheBytes, 4L * model.stateSize());
        }
        if (model instanceof BatchCachingModel c) {
            memory = (BatchKeyMemory<Object>) (BatchKeyMemory<?>) new BatchKeyMemory.Caching(
                    HotStateCache.wrap(cache, getRuntimeContext().getState(KeyedMemoryFunction.cachingDescriptor())),
                    getRuntimeContext().getMapState(KeyedMemoryFunction.cachesDescriptor()), c, this::setCurrentKey,
                    getMetricGroup());
        } else if (model instanceof BatchMemoryModel p) {
            memory = (BatchKeyMemory<Object>) (BatchKeyMemory<?>) new BatchKeyMemory.Plain(
                    ttl.isZero() // Flink state TTL stamps writes when they reach the backend: no cache in front of it
                            ? HotStateCache.wrap(cache, getRuntimeContext().getState(KeyedMemoryFunction.onlineDescriptor(ttl)))
                            : getRuntimeContext().getState(KeyedMemoryFunction.onlineDescriptor(ttl)),
                    p, this::setCurrentKey);
        } else if (model instanceof MemoryModel.Rmt r) {
            memory = (BatchKeyMemory<Object>) (BatchKeyMemory<?>) new RmtBatchKeyMemory(
                    HotStateCache.wrap(cache, getRuntimeContext().getState(KeyedMemoryFunction.rmtDescriptor())), r,
                    this::setCurrentKey);
        } else {
            throw new IllegalArgumentException("the batched operator needs a BatchMemoryModel, a BatchCachingModel "
                    + "or an RMT model, "
                    + "got " + model.getClass().getName());
        }
        resident = memory.advancer() instanceof Flushable f ? f : null;
        if (memory.timerTtl() && !ttl.isZero()) {
            keyTtl = new KeyTtl(HotStateCache.wrap(cache, getRuntimeContext().getState(KeyTtl.descriptor())), ttl);
            timers = getInternalTimerService(KeyTtl.TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        }
        validator = new RecordValidator(maxTokensPerRecord, model.vocabSize());
        metrics = new Metrics(getMetricGroup());
        buffer = new LinkedHashMap<>();
        unwritten = new LinkedHashMap<>();
    }

    @Override
    public void processElement(StreamRecord<TokenRecord> element) throws Exception {
        TokenRecord record = element.getValue();
        Object key = getCurrentKey();
        Pending pending = buffer.get(key);
        String problem = validator.problem(record);
        if (problem != null) {
            Object s = currentState(key);
            long position = (s == null ? 0L : memory.position(s)) + (pending == null ? 0 : pending.tokens);
            output.collect(KeyedMemoryFunction.DEAD_LETTERS, new StreamRecord<>(new DeadLetter(String.valueOf(key),
                    position, RecordValidator.tokens(record), problem)));
            metrics.deadLetters.inc();
            return;
        }
        if (keyTtl != null && keyTtl.touch(getProcessingTimeService().getCurrentProcessingTime(), this::armTimer)) {
            expire(key); // as the per-record operator: the memory expired before this record
            pending = null;
        }
        if (pending == null) {
            pending = new Pending(key);
            buffer.put(key, pending);
        }
        pending.add(record.tokenIds, element.hasTimestamp(), element.getTimestamp());
        bufferedTokens += record.tokenIds.length;
        if (maxDelayMs == 0) {
            runBatch(Trigger.DELAY);
        } else if (buffer.size() >= maxKeys || bufferedTokens >= maxBatchTokens) {
            runBatch(Trigger.SIZE);
        } else if (delayTimer == null) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            delayTimer = getProcessingTimeService().registerTimer(now + maxDelayMs, t -> {
                delayTimer = null;
                runBatch(Trigger.DELAY);
            });
        }
    }

    /** The key's latest state: held (resident advancers) or in Flink state; null when it has none. */
    private Object currentState(Object key) throws Exception {
        Object s = unwritten.get(key);
        return s != null ? s : memory.stored(key);
    }

    private void armTimer(long time) {
        timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, time);
    }

    /**
     * Clears the key's expired memory. Records of the key still buffered arrived before it expired, so
     * they are advanced first (as the per-record operator would have done); leaves the key selected.
     */
    private void expire(Object key) throws Exception {
        if (buffer.containsKey(key)) {
            runBatch(Trigger.EXPIRY);
        }
        unwritten.remove(key);
        memory.clear(key);
    }

    @Override
    public void onProcessingTime(InternalTimer<Object, VoidNamespace> timer) throws Exception {
        if (keyTtl != null && keyTtl.fired(timer.getTimestamp(), this::armTimer)) {
            expire(timer.getKey());
        }
    }

    @Override
    public void onEventTime(InternalTimer<Object, VoidNamespace> timer) {
        // no event-time timers
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        runBatch(Trigger.WATERMARK); // outputs of earlier records must not become late
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        runBatch(Trigger.CHECKPOINT);
        syncStates();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        if (!buffer.isEmpty() || !unwritten.isEmpty()) {
            throw new IllegalStateException("batched memory operator snapshotted with " + buffer.size()
                    + " keys buffered and " + unwritten.size() + " states unwritten: prepareSnapshotPreBarrier "
                    + "was not called before the snapshot");
        }
        if (cache != null) {
            cache.flush(); // the hot states, under their keys, before the keyed backend is snapshotted
        }
        super.snapshotState(context);
    }

    @Override
    public void endInput() throws Exception {
        runBatch(Trigger.END_OF_INPUT);
        syncStates();
    }

    @Override
    public void finish() throws Exception {
        endInput();
        super.finish();
    }

    /** The hot-state cache, for tests that read keyed state directly (null when unused). */
    HotStateCache cache() {
        return cache;
    }

    @Override
    public void close() throws Exception {
        try {
            if (memory != null) {
                memory.close();
            }
        } finally {
            super.close();
        }
    }

    /** Advances every buffered record (sub-step by sub-step), stores the states and emits the reads. */
    private void runBatch(Trigger trigger) throws Exception {
        if (delayTimer != null) {
            delayTimer.cancel(false);
            delayTimer = null;
        }
        if (buffer.isEmpty()) {
            return;
        }
        List<Pending> keys = new ArrayList<>(buffer.values());
        metrics.flushes.get(trigger).inc();
        metrics.batchKeys.update(keys.size());
        metrics.batchTokens.update(bufferedTokens);
        buffer.clear();
        bufferedTokens = 0;

        int rounds = 0;
        for (Pending p : keys) {
            Object s = currentState(p.key);
            if (s == null) {
                s = memory.fresh(p.key);
            } else {
                memory.check(p.key, s);
            }
            p.state = s;
            rounds = Math.max(rounds, p.records.size());
        }
        if (mergeRecords) {
            rounds = 1;
        }
        for (int r = 0; r < rounds; r++) {
            List<Pending> active = new ArrayList<>(keys.size());
            for (Pending p : keys) {
                if (mergeRecords || p.records.size() > r) {
                    active.add(p);
                }
            }
            int n = active.size();
            List<Object> stepKeys = new ArrayList<>(n);
            List<Object> states = new ArrayList<>(n);
            List<int[]> ids = new ArrayList<>(n);
            float[][] outs = new float[n][];
            long[] starts = new long[n];
            for (int i = 0; i < n; i++) {
                Pending p = active.get(i);
                int[] t = mergeRecords ? p.merged() : p.records.get(r);
                stepKeys.add(p.key);
                states.add(p.state);
                ids.add(t);
                outs[i] = new float[t.length * model.heads() * model.valueDim()];
                starts[i] = memory.position(p.state);
            }
            metrics.stateBytes.inc(memory.advance(stepKeys, states, ids, outs));
            metrics.steps.inc();
            for (int i = 0; i < n; i++) {
                Pending p = active.get(i);
                int tokens = ids.get(i).length;
                long at = memory.position(p.state);
                if (at != starts[i] + tokens) {
                    throw new IllegalStateException("advancer " + (memory.advancer() == null ? "rmt"
                            : memory.advancer().name()) + " left key '" + p.key
                            + "' at position " + at + ", expected " + (starts[i] + tokens));
                }
                if (mergeRecords) {
                    int offset = 0;
                    for (int j = 0; j < p.records.size(); j++) {
                        emit(p, j, starts[i] + offset, outs[i], offset);
                        offset += p.records.get(j).length;
                    }
                } else {
                    emit(p, r, starts[i], outs[i], 0);
                }
            }
        }
        if (resident != null) {
            for (Pending p : keys) {
                unwritten.put(p.key, p.state);
            }
            if (unwritten.size() > maxHeldStates) {
                syncStates();
            }
        } else {
            for (Pending p : keys) {
                metrics.stateBytes.inc(memory.write(p.key, p.state));
            }
        }
    }

    /** Emits record {@code j} of the key, whose reads start at token {@code offset} of {@code out}. */
    private void emit(Pending p, int j, long start, float[] out, int offset) {
        int tokens = p.records.get(j).length;
        int hv = model.heads() * model.valueDim();
        float[] reads = offset == 0 && out.length == tokens * hv ? out
                : java.util.Arrays.copyOfRange(out, offset * hv, (offset + tokens) * hv);
        MemoryReadout readout = new MemoryReadout(String.valueOf(p.key), start, tokens, model.heads(),
                model.valueDim(), reads);
        output.collect(p.hasTimestamp.get(j) ? new StreamRecord<>(readout, p.timestamps.get(j))
                : new StreamRecord<>(readout));
        metrics.tokens.inc(tokens);
        metrics.chunks.inc();
    }

    /** Resident advancers: flushes the advancer, then writes the held states to Flink state. */
    private void syncStates() throws Exception {
        if (resident == null || unwritten.isEmpty()) {
            return;
        }
        resident.flush();
        metrics.syncs.inc();
        for (Map.Entry<Object, Object> e : unwritten.entrySet()) {
            metrics.stateBytes.inc(memory.write(e.getKey(), e.getValue()));
        }
        unwritten.clear();
    }

    /** One key's buffered records, in arrival order. */
    private static final class Pending {
        final Object key;
        final List<int[]> records = new ArrayList<>(2);
        final List<Boolean> hasTimestamp = new ArrayList<>(2);
        final List<Long> timestamps = new ArrayList<>(2);
        int tokens;
        /** The key's state during a batch ({@link CellState} or {@link CachingState}). */
        Object state;

        Pending(Object key) {
            this.key = key;
        }

        /** All buffered tokens of the key, in order. */
        int[] merged() {
            if (records.size() == 1) {
                return records.get(0);
            }
            int[] all = new int[tokens];
            int at = 0;
            for (int[] r : records) {
                System.arraycopy(r, 0, all, at, r.length);
                at += r.length;
            }
            return all;
        }

        void add(int[] ids, boolean hasTs, long ts) {
            records.add(ids);
            hasTimestamp.add(hasTs);
            timestamps.add(ts);
            tokens += ids.length;
        }
    }

    /** The operator's metrics. */
    private static final class Metrics {
        final Counter tokens;
        final Counter chunks;
        final Counter deadLetters;
        final Counter stateBytes;
        final Counter steps;
        final Counter syncs;
        final Histogram batchKeys;
        final Histogram batchTokens;
        final Map<Trigger, Counter> flushes = new EnumMap<>(Trigger.class);

        Metrics(MetricGroup g) {
            tokens = g.counter("keymemTokens");
            chunks = g.counter("keymemChunks");
            deadLetters = g.counter("keymemDeadLetters");
            stateBytes = g.counter("keymemStateBytesWritten");
            steps = g.counter("keymemBatchSteps");
            syncs = g.counter("keymemStateSyncs");
            batchKeys = g.histogram("keymemBatchKeys", new DescriptiveStatisticsHistogram(1000));
            batchTokens = g.histogram("keymemBatchTokens", new DescriptiveStatisticsHistogram(1000));
            for (Trigger t : Trigger.values()) {
                flushes.put(t, g.counter(t.metric));
            }
        }
    }
}
