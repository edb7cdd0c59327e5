package dev.keymem.models.retention.bench;

import dev.keymem.models.cells.TokenChunk;

/** One key's bounded memory under the retention benchmark. */
public interface BenchMemory {

    /** The row label. */
    String name();

    /** Advances the memory over the next tokens of the stream (H = 1). */
    void consume(TokenChunk chunk);

    /** The read [V] for one query [K] from outside the stream, leaving the memory unchanged. */
    float[] probe(float[] q);

    /** Bytes of the per-key state (what a Flink value state would hold), archives excluded. */
    long stateBytes();
}
