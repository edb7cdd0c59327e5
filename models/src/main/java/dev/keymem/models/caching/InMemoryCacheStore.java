package dev.keymem.models.caching;

import dev.keymem.models.cells.CellState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link CacheStore} in a map, for tests and CPU use; counts loads, stores and removes. */
public final class InMemoryCacheStore implements CacheStore {
    private final Map<Long, CellState> states = new TreeMap<>();
    private final List<Long> loadLog = new ArrayList<>();
    private long stores;
    private long removes;

    @Override
    public CellState load(long cacheId) {
        CellState s = states.get(cacheId);
        if (s == null) {
            throw new IllegalStateException("no cached state with id " + cacheId + " (have " + states.keySet() + ")");
        }
        loadLog.add(cacheId);
        return s;
    }

    @Override
    public void store(long cacheId, CellState state) {
        states.put(cacheId, state);
        stores++;
    }

    @Override
    public void remove(long cacheId) {
        if (states.remove(cacheId) == null) {
            throw new IllegalStateException("remove of absent cached state " + cacheId);
        }
        removes++;
    }

    public int size() {
        return states.size();
    }

    public java.util.Set<Long> ids() {
        return java.util.Collections.unmodifiableSet(states.keySet());
    }

    /** Peeks at a state without counting a load. */
    public CellState peek(long cacheId) {
        return states.get(cacheId);
    }

    public long loads() {
        return loadLog.size();
    }

    /** The ids loaded since the last {@link #resetCounters}, in order. */
    public List<Long> loadLog() {
        return java.util.Collections.unmodifiableList(loadLog);
    }

    public long stores() {
        return stores;
    }

    public long removes() {
        return removes;
    }

    public void resetCounters() {
        loadLog.clear();
        stores = 0;
        removes = 0;
    }
}
