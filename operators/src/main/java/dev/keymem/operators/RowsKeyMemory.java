package dev.keymem.operators;

import dev.keymem.operators.model.MemoryModel;

import dev.keymem.models.cells.CellState;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * A key memory kept as a bounded state {@code S} in a ValueState plus rows {@code R} in a MapState
 * (cached checkpoints, an eidetic archive, a T3 archive): loading (a fresh state clears an expired
 * memory's leftover rows, a stored one must match the model's shape), clearing both, and the events
 * of the last advance.
 *
 * @param <S> the bounded per-key state
 * @param <R> one MapState row
 */
abstract class RowsKeyMemory<S, R> extends KeyMemory {

    private final ValueState<S> state;
    /** The key's rows (the keyed context selects the key). */
    final MapState<Long, R> rows;
    private final MemoryModel model;
    private final Function<S, CellState> cell;
    private final ToLongFunction<S> position;
    private List<MemoryEvent> last = List.of();

    /**
     * @param model    whose state size a stored state's {@code cell} must have
     * @param cell     the cell of a state (its size is checked against the model's)
     * @param position the tokens a state has absorbed
     */
    RowsKeyMemory(ValueState<S> state, MapState<Long, R> rows, MemoryModel model, Function<S, CellState> cell,
                  ToLongFunction<S> position) {
        this.state = state;
        this.rows = rows;
        this.model = model;
        this.cell = cell;
        this.position = position;
    }

    /** A fresh state for {@code key}. */
    abstract S newState(String key);

    @Override
    final long position() throws Exception {
        S s = state.value();
        return s == null ? 0L : position.applyAsLong(s);
    }

    /** The key's stored state, or a fresh one (its leftover rows cleared); fails naming the key on a shape change. */
    final S load(String key) throws Exception {
        S s = state.value();
        if (s == null) {
            s = newState(key);
            if (!rows.isEmpty()) {
                rows.clear(); // leftovers of an expired memory never mix with a new one
            }
        } else if (cell.apply(s).data().length != model.stateSize()) {
            throw shapeChanged(key, cell.apply(s).data().length, model.stateSize());
        }
        return s;
    }

    /** Writes the advanced state back. */
    final void save(S s) throws Exception {
        state.update(s);
    }

    /** Keeps {@code events} for the next {@link #lastEvents}. */
    final void keepEvents(List<MemoryEvent> events) {
        last = events;
    }

    @Override
    final List<MemoryEvent> lastEvents() {
        List<MemoryEvent> l = last;
        last = List.of();
        return l;
    }

    @Override
    final void clear() {
        state.clear();
        rows.clear();
    }
}
