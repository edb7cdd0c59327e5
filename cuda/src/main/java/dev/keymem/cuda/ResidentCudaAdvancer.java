package dev.keymem.cuda;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.TokenChunk;
import java.io.Flushable;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * The resident form of the CUDA batch seam: keys' states stay on the device between batched-operator
 * steps (in {@link CudaGatedDelta}'s LRU cache, {@link CudaGatedDelta#advanceResident}) and reach the
 * host {@link CellState} arrays only on {@link #flush()} or when the cache evicts them (eviction writes
 * back). The {@link BatchAdvancer} seam passes no key, so a key is named by the identity of its
 * {@link CellState} object: the batched operator passes the same object for a key until it calls
 * {@code flush()} (it does so before every checkpoint barrier, at the end of input and when it holds
 * too many states; see BatchedMemoryOperator), which is the contract this class relies on.
 *
 * <p>Which to choose: {@link CudaAdvancerFunction} ({@link CudaGatedDelta#advance}) moves each batch's
 * states to the device and back in every step and needs no flush; this one
 * ({@link ResidentCudaAdvancerFunction}) saves those transfers for hot keys, at the price of one
 * write-back per checkpoint (or per {@code keymem.batch.max-held-states} overflow) and device memory
 * for the cache ({@link CudaGatedDelta.Options#cacheCapacity()}).
 *
 * <p>Safety: {@link #flush()} writes every dirty state back into the object it was last advanced
 * with and then forgets every object-to-key mapping and invalidates the device copies, so after a
 * flush any object (a new one restored from state, or an old one now given for another key) is read
 * from its host array again; no stale mapping can make one key read another key's state. Mappings of
 * objects whose keys the cache has evicted (already written back) are dropped as well, so the map
 * stays near the cache's size even without flushes. The same object twice in one batch is rejected.
 *
 * <p>{@link #close()} does not flush: states not flushed are discarded, as on a failover (the
 * operator flushes at the end of input). Not thread-safe, like {@link CudaGatedDelta}.
 */
public final class ResidentCudaAdvancer implements BatchAdvancer, Flushable, AutoCloseable {

    private final CudaGatedDelta gpu;
    private final IdentityHashMap<CellState, Long> ids = new IdentityHashMap<>();
    private long nextId;
    private long flushes;
    private long written;

    /** Wraps {@code gpu}, which this advancer then owns (it closes it) and calls exclusively. */
    public ResidentCudaAdvancer(CudaGatedDelta gpu) {
        this.gpu = Objects.requireNonNull(gpu, "gpu");
    }

    /** Opens device 0 (see {@link CudaGatedDelta#open}); throws IllegalStateException naming what is missing. */
    public static ResidentCudaAdvancer open(CellSpec spec, CudaGatedDelta.Options options) {
        return new ResidentCudaAdvancer(CudaGatedDelta.open(spec, options));
    }

    @Override
    public String name() {
        return "resident-" + gpu.name();
    }

    /** The wrapped device path (its cache size, phase times). */
    public CudaGatedDelta device() {
        return gpu;
    }

    /** CellState objects currently mapped to key ids. */
    public int mappedStates() {
        return ids.size();
    }

    /** flush() calls so far, and states they wrote back. */
    public long flushes() {
        return flushes;
    }

    public long statesWrittenByFlush() {
        return written;
    }

    /**
     * Advances the batch with the states kept on the device: states[i]'s host array is read only the
     * first time its object is seen (since the last flush, or after eviction) and is stale until
     * {@link #flush()} or eviction; its position advances at once.
     */
    @Override
    public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(chunks, "chunks");
        Objects.requireNonNull(outs, "outs");
        if (states.length != chunks.length || outs.length != chunks.length) {
            throw new IllegalArgumentException("states (" + states.length + "), chunks (" + chunks.length
                    + ") and outs (" + outs.length + ") must have the same length");
        }
        IdentityHashMap<CellState, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < states.length; i++) {
            if (states[i] == null) {
                throw new IllegalArgumentException("key " + i + ": state must not be null");
            }
            Integer before = seen.put(states[i], i);
            if (before != null) {
                throw new IllegalArgumentException("keys " + before + " and " + i
                        + " pass the same CellState object; each key needs its own");
            }
        }
        pruneEvicted(states.length);
        long[] keyIds = new long[states.length];
        for (int i = 0; i < states.length; i++) {
            keyIds[i] = ids.computeIfAbsent(states[i], s -> nextId++);
        }
        gpu.advanceResident(keyIds, states, chunks, outs);
    }

    /**
     * Drops mappings whose keys are no longer resident (evicted, so written back: their host arrays
     * are current and a later call reads them again), once the map outgrows the cache.
     */
    private void pruneEvicted(int incoming) {
        if (ids.size() + incoming <= 2L * gpu.cacheCapacity()) {
            return;
        }
        for (Iterator<Map.Entry<CellState, Long>> it = ids.entrySet().iterator(); it.hasNext(); ) {
            if (!gpu.isResident(it.next().getValue())) {
                it.remove();
            }
        }
    }

    /**
     * Writes every dirty device state back into its CellState object, then invalidates the device
     * copies and forgets all object mappings (later calls may pass new objects for the same keys).
     */
    @Override
    public void flush() {
        written += gpu.flush();
        for (Long id : ids.values()) {
            gpu.invalidate(id);
        }
        ids.clear();
        flushes++;
    }

    /** Frees the device; unflushed states are discarded. */
    @Override
    public void close() {
        ids.clear();
        gpu.close();
    }

    @Override
    public String toString() {
        return name();
    }
}
