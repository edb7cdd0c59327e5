package dev.keymem.cuda;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import java.io.Serializable;
import java.util.function.Function;

/**
 * Plugs the resident CUDA path into the batched keyed operator: set
 * {@code keymem.batch.advancer: dev.keymem.cuda.ResidentCudaAdvancerFunction} and put the keymem-cuda
 * jar (with the JavaCPP CUDA presets) on the task managers' classpath. Each operator instance opens
 * device 0 with {@link CudaGatedDelta.Options#defaults()} (FP32 products, a resident cache of a quarter
 * of free device memory) wrapped in a {@link ResidentCudaAdvancer}: hot keys' states stay on the device
 * between steps, and the operator's checkpoint barriers (and end of input, and
 * {@code keymem.batch.max-held-states}) flush them to the host and then to Flink state. Choose
 * {@link CudaAdvancerFunction} instead for the stateless form that moves states every step.
 */
public final class ResidentCudaAdvancerFunction implements Function<CellSpec, BatchAdvancer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public BatchAdvancer apply(CellSpec spec) {
        String missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            throw new IllegalStateException("keymem.batch.advancer " + getClass().getName()
                    + " needs a CUDA device: " + missing);
        }
        return ResidentCudaAdvancer.open(spec, CudaGatedDelta.Options.defaults());
    }
}
