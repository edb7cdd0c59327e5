package dev.keymem.models.caching;

import dev.keymem.models.backend.Backends;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;

/** The cells the Memory Caching tests run on: the production recurrent and chunked forms. */
final class TestCells {
    private TestCells() {
    }

    static MemoryCell recurrent(CellSpec spec) {
        return Cells.recurrent(spec);
    }

    static MemoryCell chunked(CellSpec spec) {
        return Cells.chunked(spec, Backends.java());
    }
}
