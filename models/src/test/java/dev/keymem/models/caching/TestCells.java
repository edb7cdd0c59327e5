package dev.keymem.models.caching;

import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import dev.keymem.models.cells.MemoryCell;

/**
 * The cells the Memory Caching tests run on: the production recurrent form, and a chunked form.
 * Until the production chunked cells are merged, the chunked slot holds {@link FloatMatrixCell}, an
 * independent float32 token-by-token cell.
 */
final class TestCells {
    private TestCells() {
    }

    static MemoryCell recurrent(CellSpec spec) {
        return Cells.recurrent(spec);
    }

    static MemoryCell chunked(CellSpec spec) {
        return new FloatMatrixCell(spec);
    }
}
