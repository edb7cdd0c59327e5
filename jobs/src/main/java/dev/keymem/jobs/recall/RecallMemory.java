package dev.keymem.jobs.recall;

/** A memory under test in the recall benchmark: runs a whole stream chunk by chunk. */
public interface RecallMemory {

    String name();

    /** Outputs [length, dim] for the stream, fed in chunks of {@code chunk} tokens with state carried. */
    float[] run(RecallStream stream, int chunk);

    /** Bytes of per-key state after the last {@link #run}. */
    long stateBytes();
}
