package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.cells.BatchAdvancer;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import org.junit.jupiter.api.Test;

class CudaAdvancerFunctionTest {
    private final CellSpec spec = CellSpec.of(CellKind.GATED_DELTA, 2, 16, 16, 64);

    @Test
    void opensTheDeviceOrNamesWhatIsMissing() throws Exception {
        String missing = CudaGatedDelta.unavailableReason();
        if (missing != null) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new CudaAdvancerFunction().apply(spec));
            assertTrue(e.getMessage().contains("needs a CUDA device") && e.getMessage().contains(missing), e.getMessage());
        } else {
            BatchAdvancer a = new CudaAdvancerFunction().apply(spec);
            assertTrue(a instanceof CudaGatedDelta);
            ((AutoCloseable) a).close();
        }
    }

    @Test
    void rejectsTheDeepCell() {
        assertThrows(IllegalArgumentException.class,
                () -> CudaGatedDelta.open(CellSpec.of(CellKind.DEEP, 1, 8, 8, 8), CudaGatedDelta.Options.defaults()));
    }
}
