package dev.keymem.cuda;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellSpec;
import java.io.Serializable;
import java.util.function.Function;

/**
 * Plugs the CUDA path into the batched keyed operator without the operators module depending on
 * CUDA: set {@code keymem.batch.advancer: dev.keymem.cuda.CudaAdvancerFunction} and put the keymem-cuda
 * jar (with the JavaCPP CUDA presets) on the task managers' classpath. Each operator instance opens
 * device 0 with {@link CudaGatedDelta.Options#defaults()} (FP32 products); {@link CudaGatedDelta#advance}
 * moves the batch's states to the device and back in every step, so the operator needs no flush hook.
 */
public final class CudaAdvancerFunction implements Function<CellSpec, BatchAdvancer>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public BatchAdvancer apply(CellSpec spec) {
        String missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            throw new IllegalStateException("keymem.batch.advancer " + getClass().getName()
                    + " needs a CUDA device: " + missing);
        }
        return CudaGatedDelta.open(spec, CudaGatedDelta.Options.defaults());
    }
}
