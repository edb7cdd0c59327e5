package dev.keymem.operators;

import dev.keymem.models.cells.CellState;
import dev.keymem.state.CellStatePiece;
import dev.keymem.state.CellStateSerializer;
import dev.keymem.state.StateFrame;
import java.time.Duration;
import java.util.Objects;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The keyed memory operator: for each record of a key, loads the key's memory (a {@link CellState}
 * in a {@link ValueState}), advances it over the record's tokens with the model, writes it back
 * and emits the reads. Bad records (null or empty, too long, token ids outside the vocabulary) go
 * to {@link #DEAD_LETTERS} with their coordinates and never fail the job.
 *
 * <p>Per-key isolation: the only instance fields are the model (stateless weights, scratch
 * buffers), state handles and metrics; nothing of one key's data survives a call.
 *
 * <p>Metrics (on the operator's group): {@code keymemTokens}, {@code keymemChunks} (records
 * advanced), {@code keymemDeadLetters}, {@code keymemStateBytesWritten} (framed bytes of the states
 * written), {@code keymemCachedStatesPerKey} and {@code keymemCacheReadsPerChunk} (histograms; a
 * plain cell keeps no cached states, so both record 0 until Memory Caching is wired in).
 */
@PublicEvolving
public class KeyedMemoryFunction extends KeyedProcessFunction<String, TokenRecord, MemoryReadout> {

    private static final long serialVersionUID = 1L;

    /** Refused records. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("keymem-dead-letters", TypeInformation.of(DeadLetter.class));

    /** Name of the ValueState holding each key's online memory. */
    public static final String ONLINE_STATE = "keymem-online";

    private final MemoryModelFactory modelFactory;
    private final Duration ttl;
    private final int maxTokens;

    private transient MemoryModel model;
    private transient ValueState<CellState> online;
    private transient Metrics metrics;

    public KeyedMemoryFunction(MemoryModelFactory modelFactory, ReadableConfig options) {
        this.modelFactory = Objects.requireNonNull(modelFactory, "modelFactory");
        this.ttl = options.get(MemoryOperatorOptions.STATE_TTL);
        this.maxTokens = options.get(MemoryOperatorOptions.MAX_TOKENS_PER_RECORD);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException(MemoryOperatorOptions.STATE_TTL.key() + " must not be negative: " + ttl);
        }
        if (maxTokens <= 0) {
            throw new IllegalArgumentException(
                    MemoryOperatorOptions.MAX_TOKENS_PER_RECORD.key() + " must be positive: " + maxTokens);
        }
    }

    /** A function over the model the options describe. */
    public static KeyedMemoryFunction fromOptions(Configuration options) {
        return new KeyedMemoryFunction(new ConfiguredModelFactory(options), options);
    }

    /** The state descriptor (with TTL when configured). */
    ValueStateDescriptor<CellState> onlineDescriptor() {
        ValueStateDescriptor<CellState> d = new ValueStateDescriptor<>(ONLINE_STATE, new CellStateSerializer());
        if (!ttl.isZero()) {
            d.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        return d;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model = modelFactory.create();
        online = getRuntimeContext().getState(onlineDescriptor());
        metrics = new Metrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(TokenRecord record, Context ctx, Collector<MemoryReadout> out) throws Exception {
        String key = ctx.getCurrentKey();
        CellState state = online.value();
        long position = state == null ? 0L : state.position();
        String problem = validate(record);
        if (problem != null) {
            int tokens = record == null || record.tokenIds == null ? -1 : record.tokenIds.length;
            ctx.output(DEAD_LETTERS, new DeadLetter(key, position, tokens, problem));
            metrics.deadLetters.inc();
            return;
        }
        if (state == null) {
            state = model.newState();
        } else if (state.data().length != model.stateSize()) {
            throw new IllegalStateException("stored memory of key '" + key + "' has " + state.data().length
                    + " floats but the model's state has " + model.stateSize()
                    + ": the model changed shape since the state was written");
        }
        int tokens = record.tokenIds.length;
        float[] reads = new float[tokens * model.heads() * model.valueDim()];
        model.advance(state, record.tokenIds, reads);
        online.update(state);
        out.collect(new MemoryReadout(key, position, tokens, model.heads(), model.valueDim(), reads));
        metrics.tokens.inc(tokens);
        metrics.chunks.inc();
        metrics.stateBytes.inc(StateFrame.OVERHEAD_BYTES + CellStatePiece.payloadBytes(state));
        metrics.cachedStatesPerKey.update(0);
        metrics.cacheReadsPerChunk.update(0);
    }

    /** Why a record cannot be advanced, or null when it can. */
    private String validate(TokenRecord r) {
        if (r == null || r.tokenIds == null) {
            return "no token ids";
        }
        int n = r.tokenIds.length;
        if (n == 0) {
            return "empty record (0 tokens)";
        }
        if (n > maxTokens) {
            return n + " tokens exceed " + MemoryOperatorOptions.MAX_TOKENS_PER_RECORD.key() + "=" + maxTokens;
        }
        int vocab = model.vocabSize();
        for (int i = 0; i < n; i++) {
            int id = r.tokenIds[i];
            if (id < 0 || id >= vocab) {
                return "token id " + id + " at index " + i + " is outside the vocabulary [0, " + vocab + ")";
            }
        }
        return null;
    }

    /** The operator's metrics. */
    private static final class Metrics {
        final Counter tokens;
        final Counter chunks;
        final Counter deadLetters;
        final Counter stateBytes;
        final Histogram cachedStatesPerKey;
        final Histogram cacheReadsPerChunk;

        Metrics(MetricGroup g) {
            tokens = g.counter("keymemTokens");
            chunks = g.counter("keymemChunks");
            deadLetters = g.counter("keymemDeadLetters");
            stateBytes = g.counter("keymemStateBytesWritten");
            cachedStatesPerKey = g.histogram("keymemCachedStatesPerKey", new DescriptiveStatisticsHistogram(1000));
            cacheReadsPerChunk = g.histogram("keymemCacheReadsPerChunk", new DescriptiveStatisticsHistogram(1000));
        }
    }
}
