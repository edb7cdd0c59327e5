package dev.keymem.cuda;

/**
 * Runs the operator tests (GpuOperatorDeviceTest on the GPU, GpuOperatorEmulatedTest on the emulated
 * device) through the JUnit platform launcher on a GPU host that has no Maven: the bundle made by
 * {@code cuda/bench-bundle.sh --operator}, which adds Flink and the operators module to the plain bundle.
 * Exits 1 on any failure and 3 if the device tests were skipped (no usable CUDA device).
 */
public final class GpuOperatorTestMain {

    private GpuOperatorTestMain() {
    }

    public static void main(String[] args) {
        System.exit(GpuTestMain.run(GpuOperatorDeviceTest.class, GpuOperatorEmulatedTest.class));
    }
}
