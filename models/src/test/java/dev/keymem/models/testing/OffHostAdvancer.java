package dev.keymem.models.testing;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;
import java.io.Flushable;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A CPU stand-in for a device-resident advancer (like the CUDA one's state cache): it keeps its own copy
 * of every state it has seen (by host object identity) and advances that copy; the host arrays are
 * filled with NaN until {@link #flush()} writes the copies back (positions advance at once). So any use
 * of a host state before a flush (storing it, freezing it into a cache) shows up as NaN. After a flush it
 * forgets every object, as the CUDA one does: a caller may then hand new objects or change the old ones.
 */
public class OffHostAdvancer implements BatchAdvancer, Flushable {

    private final MemoryCell cell;
    private final Map<CellState, CellState> held = new IdentityHashMap<>();

    public OffHostAdvancer(MemoryCell cell) {
        this.cell = cell;
    }

    @Override
    public String name() {
        return "off-host";
    }

    @Override
    public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
        for (int i = 0; i < states.length; i++) {
            CellState d = held.computeIfAbsent(states[i], CellState::copy);
            cell.forward(d, chunks[i], outs[i]);
            Arrays.fill(states[i].data(), Float.NaN);
            states[i].setPosition(d.position());
        }
    }

    @Override
    public void flush() {
        for (Map.Entry<CellState, CellState> e : held.entrySet()) {
            System.arraycopy(e.getValue().data(), 0, e.getKey().data(), 0, e.getValue().data().length);
        }
        held.clear();
    }
}
