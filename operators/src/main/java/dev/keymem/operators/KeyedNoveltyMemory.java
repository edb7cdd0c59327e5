package dev.keymem.operators;

import dev.keymem.models.novelty.NoveltyEntry;
import dev.keymem.models.novelty.NoveltyState;
import dev.keymem.models.novelty.NoveltyStore;
import dev.keymem.models.novelty.NoveltyWrite;
import dev.keymem.operators.model.MemoryModel;
import dev.keymem.operators.model.MemoryModelFactory;
import dev.keymem.state.NoveltyEntrySerializer;
import dev.keymem.state.NoveltyStatePiece;
import dev.keymem.state.NoveltyStateSerializer;
import dev.keymem.state.StateFrame;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The novelty memory (memory type NOVELTY, see {@link NoveltyMemory}) of every key of a keyed function, in
 * Flink keyed state: opened on a keyed runtime context it declares the state, and {@link #of} is the current
 * key's {@link NoveltyMemory}. For keyed functions that put the memory inside a larger step (a job's function
 * that also parses, mines templates and formats summaries), the way {@link KeyedEventMemory} serves the
 * event memory.
 *
 * <p><b>State</b> (checksummed, versioned frames of {@code state-serializers}, never Kryo):
 * <ul>
 *   <li>{@value #STATE} (ValueState, {@link NoveltyStateSerializer}): the D x D fading cell, the eidetic index
 *       (12 bytes an entry) and, with the retention tier on, its bounded tiers. Read and written once per
 *       item; its size does not grow with the key's history (4 * d_c^2 + 12 * capacity + 35 bytes without the
 *       retention tier: at most 17.2 kB at the defaults, d_c = D = 64);</li>
 *   <li>{@value #EIDETIC} (MapState position to {@link NoveltyEntry}): the eidetic entries with their item id
 *       and payload, written once when admitted, removed when evicted; an ordinary item touches no row.</li>
 * </ul>
 *
 * <p><b>Metrics</b> (on the function's metric group): {@code keymemNoveltyItems},
 * {@code keymemEideticAdmitted}, {@code keymemStateBytesRead} (framed bytes of the hot state and rows read from
 * keyed state: with a {@link HotStateOperator}'s cache only its misses, a value the cache serves is not read),
 * {@code keymemStateBytesWritten} (hot state and rows of each item, framed; with the cache the hot state
 * reaches keyed state at the next write-back) and the histogram {@code keymemNoveltyStateBytes} (hot state bytes per item).
 */
@PublicEvolving
public final class KeyedNoveltyMemory {
    /** State names (keep them: savepoints hold them). */
    public static final String STATE = "novelty-state";
    public static final String EIDETIC = "novelty-eidetic";

    /**
     * The options of the novelty memory in {@code options} (keymem.novelty.* and the keymem.retention.* tiers),
     * memory type NOVELTY; checked now.
     */
    public static Configuration noveltyOptions(ReadableConfig options) {
        Configuration c = new Configuration();
        for (ConfigOption<?> o : MemoryOperatorOptions.NOVELTY_OPTIONS) {
            copy(options, c, o);
        }
        for (ConfigOption<?> o : MemoryOperatorOptions.RETENTION_OPTIONS) {
            copy(options, c, o);
        }
        c.set(MemoryOperatorOptions.MEMORY_TYPE, MemoryOperatorOptions.MemoryType.NOVELTY);
        MemoryModelFactory.fromOptions(c); // fail at job build time
        return c;
    }

    private static <T> void copy(ReadableConfig from, Configuration to, ConfigOption<T> o) {
        from.getOptional(o).ifPresent(v -> to.set(o, v));
    }

    private final MemoryModel.Novelty model;
    private final ValueState<NoveltyState> state;
    private final MapState<Long, NoveltyEntry> eidetic;
    private final Counter items;
    private final Counter admitted;
    private final Counter bytesRead;
    private final Counter bytesWritten;
    private final Histogram stateBytes;
    private long rowBytes;

    private KeyedNoveltyMemory(RuntimeContext rc, MemoryModel.Novelty model, HotStateOperator.Cache cache) {
        this.model = model;
        var g = rc.getMetricGroup();
        this.bytesRead = g.counter("keymemStateBytesRead");
        // counted under the cache: a value the cache serves was not read from keyed state
        ValueState<NoveltyState> s = new ReadCountingState<>(
                rc.getState(new ValueStateDescriptor<>(STATE, new NoveltyStateSerializer())),
                st -> StateFrame.OVERHEAD_BYTES + NoveltyStatePiece.payloadBytes(st), bytesRead);
        this.state = cache == null ? s : cache.wrap(s);
        this.eidetic = rc.getMapState(new MapStateDescriptor<>(EIDETIC, LongSerializer.INSTANCE,
                new NoveltyEntrySerializer()));
        this.items = g.counter("keymemNoveltyItems");
        this.admitted = g.counter("keymemEideticAdmitted");
        this.bytesWritten = g.counter("keymemStateBytesWritten");
        this.stateBytes = g.histogram("keymemNoveltyStateBytes", new DescriptiveStatisticsHistogram(1000));
    }

    /** Creates the model (memory type NOVELTY) and declares the novelty memory's state on a keyed runtime context. */
    public static KeyedNoveltyMemory open(RuntimeContext rc, MemoryModelFactory factory) {
        return open(rc, factory, null);
    }

    /**
     * As {@link #open(RuntimeContext, MemoryModelFactory)}, with the hot state ({@value #STATE}) kept in
     * {@code cache} (a {@link HotStateOperator}'s; null for none): a cached key's item then neither
     * deserializes nor rewrites its fading cell. The eidetic rows are not cached (an ordinary item touches none).
     */
    public static KeyedNoveltyMemory open(RuntimeContext rc, MemoryModelFactory factory, HotStateOperator.Cache cache) {
        return new KeyedNoveltyMemory(rc, NoveltyMemory.model(factory), cache);
    }

    /** D, an item vector's length. */
    public int dimension() {
        return model.dimension();
    }

    /** Whether the retention tier runs. */
    public boolean retains() {
        return model.retains();
    }

    /** The reason an item's vector is refused, or null. */
    public String problem(float[] vector) {
        if (vector == null) {
            return "no vector";
        }
        if (vector.length != model.dimension()) {
            return "vector has " + vector.length + " values, expected " + MemoryOperatorOptions.NOVELTY_DIMENSION.key()
                    + "=" + model.dimension();
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                return "vector value " + vector[i] + " at index " + i + " is not finite";
            }
        }
        return null;
    }

    /** Whether the current key has a novelty memory. */
    public boolean exists() throws Exception {
        return state.value() != null;
    }

    /**
     * Gives the current key a memory made of an older state layout's parts (a migration): {@code fading} as
     * its fading cell when its shape is this memory's (else a fresh cell at {@code fading}'s position: the
     * fading memory forgets within about 1 / (1 - decay) items anyway), {@code retention} as its retention
     * tier's state when the tier runs and the shapes agree (else a fresh one seeded by the key's hash;
     * dropped when the tier is off), and no eidetic entries.
     */
    public void adopt(String key, dev.keymem.models.cells.CellState fading,
                      dev.keymem.models.retention.RetentionState retention) throws Exception {
        NoveltyState fresh = model.newState(key.hashCode());
        dev.keymem.models.cells.CellState cell = fresh.cell();
        if (fading.data().length == cell.data().length) {
            cell = fading.copy();
        } else {
            cell.setPosition(fading.position());
        }
        dev.keymem.models.retention.RetentionState r = fresh.retention();
        if (r != null && retention != null && retention.cell().data().length == r.cell().data().length) {
            r = retention;
        }
        state.update(new NoveltyState(cell, new long[0], new float[0], r));
    }

    /**
     * The current key's memory ({@code key} seeds a new key's retention draws with its hash). Use it within
     * the call in which the key is current.
     */
    public NoveltyMemory of(String key) {
        return new NoveltyMemory() {
            @Override
            public NoveltyWrite write(float[] vector, int item, byte[] payload) throws Exception {
                NoveltyState st = state.value();
                if (st == null) {
                    st = model.newState(key.hashCode());
                }
                rowBytes = 0;
                NoveltyWrite w = model.write(st, store, vector, item, payload);
                state.update(st);
                long written = StateFrame.OVERHEAD_BYTES + NoveltyStatePiece.payloadBytes(st);
                items.inc();
                if (w.admitted()) {
                    admitted.inc();
                }
                bytesWritten.inc(written + rowBytes);
                stateBytes.update(written);
                return w;
            }

            @Override
            public Map<Long, Double> retained() throws Exception {
                NoveltyState st = state.value();
                return st == null ? Map.of() : model.retained(st);
            }

            @Override
            public long position() throws Exception {
                NoveltyState st = state.value();
                return st == null ? 0 : st.position();
            }
        };
    }

    private final NoveltyStore store = new NoveltyStore() {
        @Override
        public void put(NoveltyEntry entry) throws Exception {
            eidetic.put(entry.position(), entry);
            rowBytes += StateFrame.OVERHEAD_BYTES + dev.keymem.state.NoveltyEntryPiece.payloadBytes(entry);
        }

        @Override
        public void remove(long position) throws Exception {
            eidetic.remove(position);
        }

        @Override
        public NoveltyEntry get(long position) throws Exception {
            NoveltyEntry e = eidetic.get(position);
            if (e != null) {
                bytesRead.inc(StateFrame.OVERHEAD_BYTES + 8 + dev.keymem.state.NoveltyEntryPiece.payloadBytes(e));
            }
            return e;
        }
    };

    /** The current key's eidetic entries (in no particular order). */
    public Iterable<NoveltyEntry> eideticEntries() throws Exception {
        return eidetic.values();
    }

    /** Removes all of the current key's novelty memory. */
    public void clear() {
        state.clear();
        eidetic.clear();
    }
}
