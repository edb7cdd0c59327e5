package dev.keymem.operators;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/** Creates the batched operator's model on each subtask (shipped with the job graph). */
@PublicEvolving
@FunctionalInterface
public interface BatchModelFactory extends Serializable {
    /** A {@link BatchMemoryModel} (plain memory) or a {@link BatchCachingModel} (Memory Caching). */
    MemoryModel create();

    /** The model {@link MemoryOperatorOptions} describe (checked now, built on the task managers). */
    static BatchModelFactory fromOptions(org.apache.flink.configuration.ReadableConfig options) {
        ConfiguredModelFactory f = new ConfiguredModelFactory(options);
        MemoryOperatorOptions.MemoryType type = options.get(MemoryOperatorOptions.MEMORY_TYPE);
        if (type == MemoryOperatorOptions.MemoryType.BMOJO || type == MemoryOperatorOptions.MemoryType.RETENTION) {
            f.createBatched(); // throws the explanation at job build time
        }
        return f::createBatched;
    }
}
