package dev.keymem.jobs.recall;

import dev.keymem.models.cells.CellState;
import dev.keymem.models.cells.MemoryCell;
import dev.keymem.models.cells.TokenChunk;

/** A plain memory cell (fixed-size state) in the recall benchmark. */
public final class CellRecall implements RecallMemory {
    private final String name;
    private final MemoryCell cell;

    public CellRecall(String name, MemoryCell cell) {
        this.name = name;
        this.cell = cell;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public float[] run(RecallStream s, int chunk) {
        CellState state = cell.newState();
        float[] out = new float[s.length() * s.dim()];
        float[] buf = new float[chunk * s.dim()];
        for (int from = 0; from < s.length(); from += chunk) {
            int to = Math.min(s.length(), from + chunk);
            TokenChunk c = s.chunk(from, to);
            cell.forward(state, c, buf);
            System.arraycopy(buf, 0, out, from * s.dim(), c.length() * s.dim());
        }
        return out;
    }

    @Override
    public long stateBytes() {
        return (long) cell.stateSize() * Float.BYTES;
    }
}
