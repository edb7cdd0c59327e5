package dev.keymem.models.cells;

import dev.keymem.models.backend.TensorBackend;
import java.util.Objects;

/**
 * Creates the matrix memory cells (linear, gated_linear, delta, gated_delta) in their recurrent
 * (token-by-token reference) or chunked (dense products through a {@link TensorBackend}) form. Both
 * forms share the state layout of {@link MatrixCell} and give the same outputs. The deep cell is
 * created by its own factory, not here. Cell instances keep scratch buffers and are not
 * thread-safe: create one per operator instance.
 */
public final class Cells {

    private Cells() {
    }

    /** The token-by-token form. */
    public static MemoryCell recurrent(CellSpec spec) {
        requireMatrix(spec);
        return new RecurrentMatrixCell(spec);
    }

    /** The chunked form, spec.chunkSize() tokens at a time, with products through {@code backend}. */
    public static MemoryCell chunked(CellSpec spec, TensorBackend backend) {
        requireMatrix(spec);
        Objects.requireNonNull(backend, "backend");
        throw new UnsupportedOperationException("chunked matrix cells are not written yet");
    }

    private static void requireMatrix(CellSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.kind() == CellKind.DEEP) {
            throw new IllegalArgumentException("Cells creates only the matrix cells (linear, gated_linear, delta, "
                    + "gated_delta); the deep cell is created by its own factory (DeepRecurrent / DeepChunked)");
        }
    }
}
