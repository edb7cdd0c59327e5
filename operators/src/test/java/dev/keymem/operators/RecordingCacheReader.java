package dev.keymem.operators;

import dev.keymem.operators.model.CacheReaderProvider;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.caching.CacheRead;
import dev.keymem.models.caching.CacheReader;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.configuration.ReadableConfig;

/**
 * A stand-in for a device cache reader: reads through {@link CacheReader#of} of the configured cell
 * (so outputs stay bit for bit those of the CPU reader) and records, in static fields for the tests
 * (reset with {@link #reset()}), the owners of every {@link #read} call, the {@link #forget} calls and
 * the closes.
 */
final class RecordingCacheReader implements CacheReader, AutoCloseable {

    /** Per read call, the owner of each read, in order. */
    static final List<List<Object>> CALLS = Collections.synchronizedList(new ArrayList<>());
    static final List<Object> FORGOTTEN = Collections.synchronizedList(new ArrayList<>());
    static final AtomicInteger closes = new AtomicInteger();

    static void reset() {
        CALLS.clear();
        FORGOTTEN.clear();
        closes.set(0);
    }

    /** Named by keymem.batch.cache-reader in the tests. */
    public static final class Provider implements CacheReaderProvider {
        @Override
        public CacheReader create(CellSpec spec, TensorBackend backend, ReadableConfig options) {
            return new RecordingCacheReader(CacheReader.of(Cells.chunked(spec, backend)));
        }
    }

    /** The same, as a JDK-only factory (what the cuda module ships). */
    public static final class Factory implements java.util.function.Function<CellSpec, CacheReader> {
        @Override
        public CacheReader apply(CellSpec spec) {
            return new RecordingCacheReader(CacheReader.of(Cells.chunked(spec, dev.keymem.models.backend.Backends.java())));
        }
    }

    /** A provider the option cannot name: it has no no-argument constructor. */
    public static final class NeedsArgument implements CacheReaderProvider {
        public NeedsArgument(int unused) {
        }

        @Override
        public CacheReader create(CellSpec spec, TensorBackend backend, ReadableConfig options) {
            throw new AssertionError("never instantiated");
        }
    }

    private final CacheReader cpu;

    RecordingCacheReader(CacheReader cpu) {
        this.cpu = cpu;
    }

    @Override
    public String name() {
        return "recording";
    }

    @Override
    public void read(List<CacheRead> reads) {
        List<Object> owners = new ArrayList<>(reads.size());
        for (CacheRead r : reads) {
            owners.add(r.owner());
        }
        CALLS.add(owners);
        cpu.read(reads);
    }

    @Override
    public void forget(Object owner) {
        FORGOTTEN.add(owner);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }
}
