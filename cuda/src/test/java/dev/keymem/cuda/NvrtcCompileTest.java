package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiles the CUDA C kernel sources (gated_delta.cu, whose kd_scatter the cache reader uses) with
 * NVRTC exactly as {@link CudaDevice} does at first use, so that syntax and type errors show without a
 * GPU. Needs only libnvrtc.so.13 (through JavaCPP); skipped, with the reason printed, where NVRTC does
 * not load (as on CI).
 */
class NvrtcCompileTest {

    private static String missing;

    @BeforeAll
    static void probe() {
        missing = CudaDevice.nvrtcUnavailableReason();
        if (missing != null) {
            System.out.println("NvrtcCompileTest SKIPPED: " + missing);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 16, 1})
    void theKernelSourcesCompileForHopper(int chunk) {
        assumeTrue(missing == null, () -> "NVRTC not loadable here: " + missing);
        byte[] cubin = CudaDevice.compileCheck("--gpu-architecture=sm_90", chunk, true);
        assertTrue(cubin.length > 1000, "a CUBIN of " + cubin.length + " bytes");
        byte[] ptx = CudaDevice.compileCheck("--gpu-architecture=compute_90", chunk, false);
        String text = new String(ptx, java.nio.charset.StandardCharsets.US_ASCII);
        for (String k : new String[] {"kd_prep", "kd_tri", "kd_scale", "kd_state", "kd_out", "kd_gather", "kd_scatter"}) {
            assertTrue(text.contains(".entry " + k) || text.contains(".entry " + k + "("), "PTX has kernel " + k);
        }
    }
}
