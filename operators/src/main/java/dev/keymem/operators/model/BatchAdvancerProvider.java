package dev.keymem.operators.model;

import dev.keymem.operators.MemoryOperatorOptions;
import dev.keymem.operators.BatchedMemoryOperator;

import dev.keymem.models.backend.TensorBackend;
import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Plugs a {@link BatchAdvancer} (e.g. a GPU one) into {@link BatchedMemoryOperator} without the
 * operators depending on it: name the implementing class in {@link MemoryOperatorOptions#BATCH_ADVANCER}.
 * It needs a public no-argument constructor and is instantiated once per operator subtask, on the
 * task manager, through the user-code class loader. A module that must not depend on the operators
 * (such as {@code cuda/}) may instead name a class implementing
 * {@code java.util.function.Function<CellSpec, BatchAdvancer>} (JDK and models types only), e.g.
 * {@code spec -> CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults())}.
 *
 * <p>Hooks the operator honours on the advancer it returns:
 * <ul>
 *   <li>{@link BatchAdvancer#advance} must leave every {@code states[i]} up to date when it returns
 *       (the operator writes them to Flink state right after the step);</li>
 *   <li>if it implements {@link java.io.Flushable}, {@code flush()} is called after the buffered
 *       records are advanced and before every checkpoint barrier and at the end of input (for
 *       anything an advancer keeps beyond the call, such as device-side caches); with Memory Caching
 *       (memory type CACHING) also within a step, before a segment close freezes the online states
 *       into cached checkpoints (see {@link dev.keymem.models.caching.MemoryCaching});</li>
 *   <li>if it implements {@link AutoCloseable}, {@code close()} is called when the operator closes.</li>
 * </ul>
 */
@PublicEvolving
public interface BatchAdvancerProvider {

    /** An advancer for cells of {@code spec}; {@code backend} is the configured CPU tensor backend. */
    BatchAdvancer create(CellSpec spec, TensorBackend backend, ReadableConfig options);

    /** Instantiates the named provider class; errors name the option and the class. */
    static BatchAdvancerProvider load(String className) {
        return Plugins.load(MemoryOperatorOptions.BATCH_ADVANCER, className, BatchAdvancerProvider.class,
                BatchAdvancer.class, f -> (spec, backend, options) ->
                        Plugins.apply(MemoryOperatorOptions.BATCH_ADVANCER, className, f, spec, BatchAdvancer.class));
    }
}
