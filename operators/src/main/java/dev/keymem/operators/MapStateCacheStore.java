package dev.keymem.operators;

import dev.keymem.models.caching.CacheStore;
import dev.keymem.models.cells.CellState;
import dev.keymem.state.CellStatePiece;
import dev.keymem.state.StateFrame;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * One key's Memory Caching checkpoints in a Flink {@link MapState}, one entry per cache id (so SSC
 * deserialises only the caches it routes to); counts loads and framed bytes stored.
 *
 * <p>The per-record operator uses it for the current key ({@code select} null). The batched operator
 * hands many keys' stores to one Memory Caching step, whose reader may load caches of any of them in
 * one call: there {@code select} makes the store's key the current key before every MapState access.
 */
final class MapStateCacheStore implements CacheStore {

    private final MapState<Long, CellState> map;
    private final Object key;
    private final Consumer<Object> select;
    int loads;
    long bytesStored;

    MapStateCacheStore(MapState<Long, CellState> map, Object key, Consumer<Object> select) {
        this.map = map;
        this.key = key;
        this.select = select;
    }

    private void select() {
        if (select != null) {
            select.accept(key);
        }
    }

    @Override
    public CellState load(long cacheId) {
        CellState s;
        try {
            select();
            s = map.get(cacheId);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot read cached checkpoint " + cacheId + " of key '" + key + "'", e);
        }
        if (s == null) {
            throw new IllegalStateException("cached checkpoint " + cacheId + " of key '" + key
                    + "' is listed in its caching state but missing from the cache map");
        }
        loads++;
        return s;
    }

    @Override
    public void store(long cacheId, CellState s) {
        try {
            select();
            map.put(cacheId, s);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot write cached checkpoint " + cacheId + " of key '" + key + "'", e);
        }
        bytesStored += StateFrame.OVERHEAD_BYTES + 8 + CellStatePiece.payloadBytes(s);
    }

    @Override
    public void remove(long cacheId) {
        try {
            select();
            map.remove(cacheId);
        } catch (Exception e) {
            throw new FlinkRuntimeException("cannot remove cached checkpoint " + cacheId + " of key '" + key + "'", e);
        }
    }
}
