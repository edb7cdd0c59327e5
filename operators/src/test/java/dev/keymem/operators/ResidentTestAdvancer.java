package dev.keymem.operators;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.io.Flushable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A CPU stand-in for a device-resident advancer (like the CUDA one's state cache): it keeps its own
 * copy of every state it has seen (by host object identity) and advances that copy; the host arrays
 * are stale until {@link #flush()} writes the copies back (positions advance at once). An operator
 * that stored states without flushing first would checkpoint stale memories. Records the batch sizes
 * and hook calls in static fields for the tests (reset with {@link #reset()}).
 */
final class ResidentTestAdvancer implements BatchAdvancer, Flushable, AutoCloseable {

    static final List<Integer> BATCH_KEYS = Collections.synchronizedList(new ArrayList<>());
    static final AtomicInteger flushes = new AtomicInteger();
    static final AtomicInteger closes = new AtomicInteger();

    static void reset() {
        BATCH_KEYS.clear();
        flushes.set(0);
        closes.set(0);
    }

    /** Named by keymem.batch.advancer in the tests. */
    public static final class Provider implements BatchAdvancerProvider {
        @Override
        public BatchAdvancer create(CellSpec spec, TensorBackend backend, ReadableConfig options) {
            return new ResidentTestAdvancer(Cells.chunked(spec, backend));
        }
    }

    /** The same, as a JDK-only factory (what a module that does not depend on the operators would ship). */
    public static final class Factory implements java.util.function.Function<CellSpec, BatchAdvancer> {
        @Override
        public BatchAdvancer apply(CellSpec spec) {
            return new ResidentTestAdvancer(Cells.chunked(spec, dev.keymem.models.backend.Backends.java()));
        }
    }

    private final MemoryCell cell;
    private final Map<CellState, CellState> device = new IdentityHashMap<>();

    ResidentTestAdvancer(MemoryCell cell) {
        this.cell = cell;
    }

    @Override
    public String name() {
        return "resident-test";
    }

    @Override
    public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
        BATCH_KEYS.add(states.length);
        for (int i = 0; i < states.length; i++) {
            CellState d = device.computeIfAbsent(states[i], CellState::copy);
            cell.forward(d, chunks[i], outs[i]);
            states[i].setPosition(d.position());
        }
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
        for (Map.Entry<CellState, CellState> e : device.entrySet()) {
            System.arraycopy(e.getValue().data(), 0, e.getKey().data(), 0, e.getValue().data().length);
        }
        device.clear(); // the operator may hand new host objects after a write; start afresh
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
