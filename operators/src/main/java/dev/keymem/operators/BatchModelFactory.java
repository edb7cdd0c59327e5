package dev.keymem.operators;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/** Creates the batched operator's model on each subtask (shipped with the job graph). */
@PublicEvolving
@FunctionalInterface
public interface BatchModelFactory extends Serializable {
    BatchMemoryModel create();

    /** The model {@link MemoryOperatorOptions} describe (checked now, built on the task managers). */
    static BatchModelFactory fromOptions(org.apache.flink.configuration.ReadableConfig options) {
        ConfiguredModelFactory f = new ConfiguredModelFactory(options);
        if (options.get(MemoryOperatorOptions.MEMORY_TYPE) == MemoryOperatorOptions.MemoryType.CACHING) {
            f.createBatched(); // throws the explanation at job build time
        }
        return f::createBatched;
    }
}
