package dev.keymem.models.caching;

import dev.keymem.models.caching.CachingSettings.CarryOver;
import dev.keymem.models.caching.CachingSettings.Eviction;
import dev.keymem.models.caching.CachingSettings.Segmentation;
import dev.keymem.models.caching.CachingSettings.TtlMode;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import java.util.List;

/**
 * The cache life cycle shared by both forms: closing a segment, logarithmic merges, TTL expiry and
 * the cap. Every structural change happens at a segment close (or an explicit expire), never
 * mid-segment, so both forms and every chunking see the same caches at every token.
 */
final class CacheBook {
    private final MemoryCell cell;
    private final CachingSettings settings;
    private final StateLayout layout;

    CacheBook(MemoryCell cell, CachingSettings settings, StateLayout layout) {
        this.cell = cell;
        this.settings = settings;
        this.layout = layout;
    }

    /** Closes the current segment (the online state is at its end). */
    void close(CachingState st, CacheStore store, long timestamp) {
        CellState online = st.online();
        long end = online.position();
        long id = st.takeCacheId();
        boolean independent = settings.carryOver() == CarryOver.INDEPENDENT;
        store.store(id, independent ? online : online.copy());
        List<CacheSummary> caches = st.mutableCaches();
        caches.add(new CacheSummary(id, st.segmentStart(), end, end - st.segmentStart(),
                st.segmentKeySum().clone(), st.segmentLogDecay().clone(), timestamp, 0.0, 0L, 0L));
        st.resetSegment(end);
        if (independent) {
            CellState fresh = cell.newState();
            fresh.setPosition(end);
            st.setOnline(fresh);
        }
        if (settings.segmentation() == Segmentation.LOGARITHMIC) {
            while (caches.size() >= 2
                    && caches.get(caches.size() - 2).count() == caches.get(caches.size() - 1).count()) {
                merge(caches, caches.size() - 2, store);
            }
        }
        if (settings.ttlMode() == TtlMode.POSITION) {
            expireWhere(caches, store, c -> end - c.end() >= settings.ttl());
        } else if (settings.ttlMode() == TtlMode.TIMESTAMP) {
            expireWhere(caches, store, c -> timestamp - c.timestamp() >= settings.ttl());
        }
        if (settings.maxCaches() > 0) {
            while (caches.size() > settings.maxCaches()) {
                if (settings.eviction() == Eviction.MERGE_OLDEST) {
                    merge(caches, 0, store);
                } else {
                    int worst = 0;
                    for (int i = 1; i < caches.size() - 1; i++) {
                        if (caches.get(i).routingRate() < caches.get(worst).routingRate()) {
                            worst = i;
                        }
                    }
                    store.remove(caches.remove(worst).id());
                }
            }
        }
    }

    void expireWhere(List<CacheSummary> caches, CacheStore store, java.util.function.Predicate<CacheSummary> dead) {
        for (int i = 0; i < caches.size(); ) {
            if (dead.test(caches.get(i))) {
                store.remove(caches.remove(i).id());
            } else {
                i++;
            }
        }
    }

    /**
     * Merges caches i (older, A) and i+1 (newer, B) into one that keeps B's id. Summary: exact sums of
     * keys, counts, decays and routing statistics; span [A.start, B.end); B's timestamp. State: in
     * checkpoint mode B's state, which is exactly the checkpoint at the merged segment's end; in
     * independent mode the state the cell would reach running from its fresh state over A's tokens and
     * then B's: exp(G_B) C_A + C_B per head for the matrix part (G_B = B's summed decay, 0 for linear)
     * and z_A + z_B for the key sums (the normaliser's sums do not decay).
     */
    void merge(List<CacheSummary> caches, int i, CacheStore store) {
        CacheSummary a = caches.get(i);
        CacheSummary b = caches.get(i + 1);
        if (settings.carryOver() == CarryOver.INDEPENDENT) {
            CellState sa = store.load(a.id());
            CellState sb = store.load(b.id());
            float[] m = sb.data().clone();
            float[] da = sa.data();
            int kv = layout.keyDim * layout.valueDim;
            for (int h = 0; h < layout.heads; h++) {
                float decay = (float) Math.exp(b.logDecay()[h]);
                for (int j = h * kv; j < (h + 1) * kv; j++) {
                    m[j] += decay * da[j];
                }
            }
            for (int j = layout.heads * kv; j < m.length; j++) {
                m[j] += da[j];
            }
            store.store(b.id(), new CellState(m, sb.position()));
        }
        b.absorbOlder(a);
        caches.remove(i);
        store.remove(a.id());
    }
}
