package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;

import dev.keymem.models.retention.RetainedToken;
import dev.keymem.models.retention.RetentionEvent;
import dev.keymem.models.retention.RetentionState;
import dev.keymem.state.RetentionStatePiece;
import dev.keymem.state.StateFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * STR / CMP keyed memory: the bounded {@link RetentionState} in a ValueState and the T3 archive as
 * MapState rows ({@link MapStateArchiveStore}). A key's draw seed is {@link #keySeed}(option seed,
 * key): fixed per key, so a replay after a restore repeats every decision. Records the events of the
 * last advance as {@link MemoryEvent}s and updates the retention metrics.
 */
final class RetentionKeyMemory extends RowsKeyMemory<RetentionState, RetainedToken> {

    /** Retention metrics, on the operator's group. */
    static final class Metrics {
        final Map<RetentionEvent.Kind, Counter> events = new EnumMap<>(RetentionEvent.Kind.class);
        final Histogram exactTokensPerKey;
        final Histogram archiveSizePerKey;

        Metrics(MetricGroup g) {
            for (RetentionEvent.Kind k : RetentionEvent.Kind.values()) {
                events.put(k, g.counter("keymemRetention" + camel(k.name())));
            }
            exactTokensPerKey = g.histogram("keymemRetentionExactTokensPerKey", new DescriptiveStatisticsHistogram(1000));
            archiveSizePerKey = g.histogram("keymemArchiveSizePerKey", new DescriptiveStatisticsHistogram(1000));
        }

        static String camel(String name) {
            StringBuilder b = new StringBuilder();
            for (String part : name.split("_")) {
                b.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
            }
            return b.toString();
        }
    }

    private final MemoryModel.Retention model;
    private final long seed;
    private final Metrics metrics;
    private final boolean emitEvents;

    RetentionKeyMemory(ValueState<RetentionState> state, MapState<Long, RetainedToken> archive,
                       MemoryModel.Retention model, long seed, Metrics metrics, boolean emitEvents) {
        super(state, archive, model, RetentionState::cell, RetentionState::position);
        this.model = model;
        this.seed = seed;
        this.metrics = metrics;
        this.emitEvents = emitEvents;
    }

    /** The key's draw seed: a 64-bit FNV-1a hash of the key's UTF-8 bytes, mixed with the option seed. */
    static long keySeed(long seed, String key) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    @Override
    RetentionState newState(String key) {
        return model.newState(keySeed(seed, key));
    }

    @Override
    Advanced advance(String key, int[] tokenIds, float[] out) throws Exception {
        RetentionState s = load(key);
        long start = s.position();
        MapStateArchiveStore store = new MapStateArchiveStore(rows, key);
        List<RetentionEvent> events = model.advance(s, store, tokenIds, out);
        save(s);
        List<MemoryEvent> mine = emitEvents ? new ArrayList<>(events.size()) : null;
        for (RetentionEvent e : events) {
            metrics.events.get(e.kind()).inc();
            if (mine != null) {
                mine.add(MemoryEvent.of(key, e));
            }
        }
        if (mine != null) {
            keepEvents(mine);
        }
        metrics.exactTokensPerKey.update(s.exactTokens());
        metrics.archiveSizePerKey.update(s.archivedCount());
        long bytes = StateFrame.OVERHEAD_BYTES + RetentionStatePiece.payloadBytes(s) + store.bytesStored;
        return new Advanced(start, bytes, 0, 0);
    }
}
