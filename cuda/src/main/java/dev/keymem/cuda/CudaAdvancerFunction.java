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
 *
 * <p>Which to choose: this stateless form suits batches of mostly different keys, or small states,
 * where moving states every step costs little. {@link ResidentCudaAdvancerFunction} keeps hot keys'
 * states on the device between steps (a {@link ResidentCudaAdvancer}, which is {@link java.io.Flushable});
 * the operator then flushes them to the host and Flink state before every checkpoint barrier, at the
 * end of input and when more than {@code keymem.batch.max-held-states} are held, so checkpoints stay
 * exactly as consistent as with this form. Both give the same outputs up to float rounding.
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
