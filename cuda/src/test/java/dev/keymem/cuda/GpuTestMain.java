package dev.keymem.cuda;

import java.io.PrintWriter;
import java.util.Arrays;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the GPU test classes (CudaGatedDeltaTest, ResidentCudaAdvancerGpuTest, CudaCacheReaderGpuTest,
 * NvrtcCompileTest) and their emulated counterparts through the JUnit platform launcher on a GPU host
 * that has a Java runtime but no Maven (the bundle made by cuda/bench-bundle.sh). Exits 1 on any
 * failure and 3 if the CUDA tests were skipped.
 */
public final class GpuTestMain {

    private GpuTestMain() {
    }

    public static void main(String[] args) {
        System.exit(run(CudaGatedDeltaTest.class, EmulatedPipelineTest.class, ResidentCudaAdvancerGpuTest.class,
                ResidentCudaAdvancerTest.class, CudaAdvancerFunctionTest.class, CudaCacheReaderGpuTest.class,
                CudaCacheReaderTest.class, NvrtcCompileTest.class));
    }

    /** Runs the test classes, prints the summary and failures; 1 on any failure, 3 if any test was skipped, else 0. */
    static int run(Class<?>... classes) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(classes).map(DiscoverySelectors::selectClass).toList()).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printTo(out);
        s.printFailuresTo(out, 30);
        if (s.getTotalFailureCount() > 0) {
            return 1;
        }
        if (s.getTestsSkippedCount() > 0 || s.getTestsAbortedCount() > 0) {
            return 3;
        }
        return 0;
    }
}
