package dev.keymem.operators;

import java.io.Serializable;
import org.apache.flink.annotation.PublicEvolving;

/** Creates the model on each subtask (shipped with the job graph, so it is serializable). */
@PublicEvolving
@FunctionalInterface
public interface MemoryModelFactory extends Serializable {
    MemoryModel create();
}
