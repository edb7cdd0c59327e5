package dev.keymem.models.cells;

import dev.keymem.models.backend.TensorBackend;
import java.util.Objects;

/**
 * Creates the memory cells in their recurrent (token-by-token reference) or chunked (dense products
 * through a {@link TensorBackend}) form: the matrix cells (linear, gated_linear, delta, gated_delta;
 * state layout of {@link MatrixCell}) and the deep cell ({@link DeepRecurrent} / {@link DeepChunked};
 * layout of {@link DeepLayout}). Both forms of a kind give the same outputs. Cell instances keep scratch buffers and are not
 * thread-safe: create one per operator instance.
 */
public final class Cells {

    private Cells() {
    }

    /** The token-by-token form. */
    public static MemoryCell recurrent(CellSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.kind() == CellKind.DEEP) {
            return new DeepRecurrent(spec);
        }
        return new RecurrentMatrixCell(spec);
    }

    /** The chunked form, spec.chunkSize() tokens at a time, with products through {@code backend}. */
    public static MemoryCell chunked(CellSpec spec, TensorBackend backend) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(backend, "backend");
        if (spec.kind() == CellKind.DEEP) {
            return new DeepChunked(spec, backend);
        }
        return new ChunkedMatrixCell(spec, backend);
    }

}
