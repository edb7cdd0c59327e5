package dev.keymem.models.caching;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.MemoryCell;

/** The cells the Memory Caching tests run on: a token-by-token form and a chunked form. */
final class TestCells {
    private TestCells() {
    }

    static MemoryCell recurrent(CellSpec spec) {
        return new FloatMatrixCell(spec);
    }

    static MemoryCell chunked(CellSpec spec) {
        return new FloatMatrixCell(spec);
    }
}
