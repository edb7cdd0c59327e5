package dev.keymem.operators.model;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Creates the model on each subtask (shipped with the job graph, so it is serializable). The options'
 * factory is {@link #fromOptions}; {@link #batchedFromOptions} is the same model split the way the
 * batched operator advances it.
 */
@PublicEvolving
@FunctionalInterface
public interface MemoryModelFactory extends Serializable {
    MemoryModel create();

    /** The model {@code MemoryOperatorOptions} describe (checked now, built on the task managers). */
    static MemoryModelFactory fromOptions(ReadableConfig options) {
        return new ConfiguredModelFactory(options);
    }

    /**
     * The model the options describe for the batched operator: a {@link BatchMemoryModel} (plain memory)
     * or a {@link BatchCachingModel} (Memory Caching) or an {@link RmtMemoryModel} (RMT); other memory types fail
     * now, with the reason.
     */
    static MemoryModelFactory batchedFromOptions(ReadableConfig options) {
        ConfiguredModelFactory f = new ConfiguredModelFactory(options);
        f.checkBatched();
        return f::createBatched;
    }
}
