package dev.keymem.models.caching;

import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.MemoryCell;

/**
 * What Memory Caching knows of a cell's state array, to mix states per head (Soup) and to merge
 * independent caches: for the matrix cells the layout {@code [H,K,V]} followed by the key sums
 * {@code [H,K]} when the normaliser is on; for the deep cell six tensors of {@code H x (D K)} floats
 * one after the other, each head-major (weights, momenta and mini-batch snapshots, see
 * {@code DeepLayout}); for any other cell nothing beyond its length.
 */
final class StateLayout {
    final int heads;
    final int keyDim;
    final int valueDim;
    final int size;
    final boolean matrix;
    final boolean normalize;
    /** Head-major blocks per state (deep: 6 tensors), 0 when the layout is unknown. */
    private final int deepTensors;
    private final int deepBlock;

    StateLayout(MemoryCell cell) {
        var spec = cell.spec();
        heads = spec.heads();
        keyDim = spec.keyDim();
        valueDim = spec.valueDim();
        size = cell.stateSize();
        normalize = spec.normalize();
        int expected = heads * keyDim * valueDim + (normalize ? heads * keyDim : 0);
        matrix = spec.kind() != CellKind.DEEP && size == expected;
        boolean deep = spec.kind() == CellKind.DEEP && spec.deep() != null && keyDim == valueDim
                && (long) size == 6L * heads * spec.deep().hidden() * keyDim;
        deepTensors = deep ? 6 : 0;
        deepBlock = deep ? spec.deep().hidden() * keyDim : 0;
    }

    /** Whether the state can be split per head. */
    boolean perHeadKnown() {
        return matrix || deepTensors > 0 || heads == 1;
    }

    /**
     * The (offset, length) ranges of the state that belong to gate group g: the whole array for a shared
     * gate, the head's blocks for a per-head gate.
     */
    int[][] ranges(int group, boolean perHead) {
        if (!perHead || heads == 1) {
            return new int[][] {{0, size}};
        }
        if (matrix) {
            int kv = keyDim * valueDim;
            if (normalize) {
                return new int[][] {{group * kv, kv}, {heads * kv + group * keyDim, keyDim}};
            }
            return new int[][] {{group * kv, kv}};
        }
        if (deepTensors > 0) {
            int[][] r = new int[deepTensors][];
            for (int j = 0; j < deepTensors; j++) {
                r[j] = new int[] {j * heads * deepBlock + group * deepBlock, deepBlock};
            }
            return r;
        }
        throw new IllegalStateException("per-head ranges need a state layout Memory Caching knows");
    }
}
