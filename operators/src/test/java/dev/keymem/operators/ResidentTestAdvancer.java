package dev.keymem.operators;

import dev.keymem.operators.model.BatchAdvancerProvider;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import dev.keymem.models.testing.OffHostAdvancer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The models' {@link OffHostAdvancer} (a CPU stand-in for a device-resident advancer: host arrays hold
 * NaN until {@code flush()}) that also records the batch sizes and hook calls in static fields for the
 * tests (reset with {@link #reset()}). An operator that stored states without flushing first would
 * checkpoint NaN memories.
 */
final class ResidentTestAdvancer extends OffHostAdvancer implements AutoCloseable {

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

    ResidentTestAdvancer(MemoryCell cell) {
        super(cell);
    }

    @Override
    public String name() {
        return "resident-test";
    }

    @Override
    public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
        BATCH_KEYS.add(states.length);
        super.advance(states, chunks, outs);
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
        super.flush();
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
