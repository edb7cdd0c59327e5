package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;

import dev.keymem.models.bmojo.BmojoEvent;
import dev.keymem.models.bmojo.BmojoReport;
import dev.keymem.models.bmojo.BmojoState;
import dev.keymem.models.bmojo.EideticEntry;
import dev.keymem.state.BmojoStatePiece;
import dev.keymem.state.StateFrame;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * B'MOJO keyed memory: the bounded {@link BmojoState} (fading cell, ring of the last 2w tokens,
 * eidetic store, top-m candidates, retrieved set, counters) in a ValueState, and the long-term
 * archive as MapState rows ({@link MapStateEideticArchive}). Records the admission / eviction / archive
 * drop events of the last advance as {@link MemoryEvent}s and updates the B'MOJO metrics.
 */
final class BmojoKeyMemory extends RowsKeyMemory<BmojoState, EideticEntry> {

    /** B'MOJO metrics, on the operator's group. */
    static final class Metrics {
        final Counter admitted;
        final Counter evicted;
        final Counter archiveScans;
        final Counter archiveDropped;
        final Histogram archiveSizePerKey;
        final Histogram eideticStoreSize;

        Metrics(MetricGroup g) {
            admitted = g.counter("keymemEideticAdmitted");
            evicted = g.counter("keymemEideticEvicted");
            archiveScans = g.counter("keymemArchiveScans");
            archiveDropped = g.counter("keymemArchiveDropped");
            archiveSizePerKey = g.histogram("keymemArchiveSizePerKey", new DescriptiveStatisticsHistogram(1000));
            eideticStoreSize = g.histogram("keymemEideticStoreSize", new DescriptiveStatisticsHistogram(1000));
        }
    }

    private final MemoryModel.Bmojo model;
    private final Metrics metrics;
    private final boolean emitEvents;

    BmojoKeyMemory(ValueState<BmojoState> state, MapState<Long, EideticEntry> archive, MemoryModel.Bmojo model,
                   Metrics metrics, boolean emitEvents) {
        super(state, archive, model, BmojoState::cell, BmojoState::position);
        this.model = model;
        this.metrics = metrics;
        this.emitEvents = emitEvents;
    }

    @Override
    BmojoState newState(String key) {
        return model.newState();
    }

    @Override
    Advanced advance(String key, int[] tokenIds, float[] out) throws Exception {
        final BmojoState s = load(key);
        long start = s.position();
        long admittedBefore = s.admitted();
        long evictedBefore = s.evicted();
        MapStateEideticArchive a = new MapStateEideticArchive(rows, key, model.heads());
        BmojoReport report = model.advance(s, a, tokenIds, out);
        save(s);
        if (emitEvents) {
            List<MemoryEvent> events = new ArrayList<>(report.events().size());
            for (BmojoEvent e : report.events()) {
                events.add(MemoryEvent.of(key, e));
            }
            keepEvents(events);
        }
        metrics.admitted.inc(s.admitted() - admittedBefore);
        metrics.evicted.inc(s.evicted() - evictedBefore);
        metrics.archiveScans.inc(a.scans);
        metrics.archiveDropped.inc(report.events().stream()
                .filter(e -> e.type() == BmojoEvent.Type.DROPPED).count());
        long archived = archivedRows(s, a);
        if (archived >= 0) {
            metrics.archiveSizePerKey.update(archived);
        }
        int stored0 = 0;
        for (int h = 0; h < s.eidetic().heads(); h++) {
            stored0 += s.eidetic().size(h);
        }
        metrics.eideticStoreSize.update(stored0);
        long bytes = StateFrame.OVERHEAD_BYTES + BmojoStatePiece.payloadBytes(s) + a.bytesStored;
        return new Advanced(start, bytes, 0, 0);
    }

    /**
     * The key's archived rows after the record when known without a scan: exact after a record that
     * scanned; the eviction count while no drop can have happened (at most archive-capacity evictions,
     * or no cap: exact unless an earlier run with a cap dropped entries of this key); else -1 (the
     * histogram skips the record).
     */
    private long archivedRows(BmojoState s, MapStateEideticArchive a) {
        long scanned = a.sizeIfScanned();
        if (scanned >= 0) {
            return scanned;
        }
        int cap = model.archiveCap();
        return cap == 0 || s.evicted() <= cap ? s.evicted() : -1;
    }
}
