package dev.keymem.operators;

import dev.keymem.models.cells.CellState;
import org.apache.flink.annotation.PublicEvolving;

/**
 * What the keyed operator needs from a memory model: stateless weights that advance a key's
 * {@link CellState} over that key's next tokens and return the reads. An instance may keep scratch
 * buffers (one instance per operator subtask, never shared across threads) but must not carry any
 * key's data from one call to the next.
 */
@PublicEvolving
public interface MemoryModel {

    /** Token ids must lie in [0, vocabSize()). */
    int vocabSize();

    int heads();

    int valueDim();

    /** Floats in a state this model advances. */
    int stateSize();

    /** A fresh state at position 0. */
    CellState newState();

    /**
     * Advances {@code state} in place over {@code tokenIds} (already validated) and writes the reads
     * {@code [T,H,V]} into {@code out}; the state's position advances by T.
     */
    void advance(CellState state, int[] tokenIds, float[] out);
}
