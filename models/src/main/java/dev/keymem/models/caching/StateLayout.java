package dev.keymem.models.caching;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.MemoryCell;

/**
 * What Memory Caching knows of a cell's state array: for the matrix cells the documented layout
 * {@code [H,K,V]} followed by the key sums {@code [H,K]} when the normaliser is on; for other cells
 * (deep memory) nothing beyond its length. Used to mix states per head (Soup) and to merge
 * independent caches.
 */
final class StateLayout {
    final int heads;
    final int keyDim;
    final int valueDim;
    final int size;
    final boolean matrix;
    final boolean normalize;

    StateLayout(MemoryCell cell) {
        var spec = cell.spec();
        heads = spec.heads();
        keyDim = spec.keyDim();
        valueDim = spec.valueDim();
        size = cell.stateSize();
        normalize = spec.normalize();
        int expected = heads * keyDim * valueDim + (normalize ? heads * keyDim : 0);
        matrix = spec.kind() != CellKind.DEEP && size == expected;
    }

    /**
     * The (offset, length) ranges of the state that belong to gate group g: the whole array for a shared
     * gate, the head's matrix block (and its key-sum block) for a per-head gate.
     */
    int[][] ranges(int group, boolean perHead) {
        if (!perHead || heads == 1) {
            return new int[][] {{0, size}};
        }
        if (!matrix) {
            throw new IllegalStateException("per-head ranges need a matrix cell state");
        }
        int kv = keyDim * valueDim;
        if (normalize) {
            return new int[][] {{group * kv, kv}, {heads * kv + group * keyDim, keyDim}};
        }
        return new int[][] {{group * kv, kv}};
    }
}
