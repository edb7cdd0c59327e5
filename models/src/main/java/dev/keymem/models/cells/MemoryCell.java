package dev.keymem.models.cells;

/**
 * A memory cell: stateless weights and hyper-parameters; the per-key {@link CellState} is passed in
 * and out explicitly. Every cell has a token-by-token recurrent form and a chunked form that must
 * agree (docs/design/mechanisms.md section 1); both implement this interface.
 */
public interface MemoryCell {

    CellSpec spec();

    /** Floats in this cell's state array. */
    int stateSize();

    /** A fresh (zero, or the cell's initial) state at position 0. */
    CellState newState();

    /**
     * Advances {@code state} in place over {@code chunk} and writes the read outputs
     * {@code [T,H,V]} into {@code out} (length at least T*H*V). The read of token t happens after its
     * write. The state's position advances by T.
     */
    void forward(CellState state, TokenChunk chunk, float[] out);

    /**
     * Reads a frozen state without changing it: {@code out[t,h,:] = S_h(scale * q[t,h,:])} for
     * {@code tokens} queries laid out {@code [T,H,K]}; used by Memory Caching to read cached
     * checkpoints.
     */
    void read(CellState state, float[] q, int tokens, float[] out);
}
