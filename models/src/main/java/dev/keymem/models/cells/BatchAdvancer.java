package dev.keymem.models.cells;

/**
 * The batch seam: advances many keys' states, each over its own chunk, in one call. The CPU form
 * loops over keys with a chunked cell; a GPU form packs the batch into device buffers and runs one
 * device step. Keys are independent: key i's output depends only on states[i] and chunks[i].
 */
public interface BatchAdvancer {

    String name();

    /** outs[i] receives chunks[i].length() * H * V floats. */
    void advance(CellState[] states, TokenChunk[] chunks, float[][] outs);

    /** The default CPU form: one chunked cell, key after key. */
    static BatchAdvancer of(MemoryCell cell) {
        return new BatchAdvancer() {
            @Override
            public String name() {
                return "cpu:" + cell.getClass().getSimpleName();
            }

            @Override
            public void advance(CellState[] states, TokenChunk[] chunks, float[][] outs) {
                if (states.length != chunks.length || outs.length != chunks.length) {
                    throw new IllegalArgumentException("states, chunks and outs must have the same length");
                }
                for (int i = 0; i < states.length; i++) {
                    cell.forward(states[i], chunks[i], outs[i]);
                }
            }
        };
    }
}
