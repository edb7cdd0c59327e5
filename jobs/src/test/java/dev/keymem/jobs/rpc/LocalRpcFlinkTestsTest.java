package dev.keymem.jobs.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.keymem.jobs.cli.MemctlRpcSystemLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Flink's own tests of its RPC contract (flink-runtime's test jar: {@code RpcEndpointTest}, {@code AsyncCallsTest},
 * {@code FencedRpcEndpointTest}), run against {@link LocalRpcSystem}: with the system property
 * {@value LocalRpcSystem#PROPERTY}{@code =true}, {@code RpcSystem.load()} (which those tests call) gets it from
 * {@link MemctlRpcSystemLoader}.
 */
class LocalRpcFlinkTestsTest {
    @Test
    void flinksRpcTestsPassOnTheLocalSystem() {
        String before = System.getProperty(LocalRpcSystem.PROPERTY);
        System.setProperty(LocalRpcSystem.PROPERTY, "true");
        try {
            try (RpcSystem rpc = RpcSystem.load()) {
                assertInstanceOf(LocalRpcSystem.class, rpc, "the tests below would not test the local system");
            }
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass("org.apache.flink.runtime.rpc.RpcEndpointTest"),
                            selectClass("org.apache.flink.runtime.rpc.AsyncCallsTest"),
                            selectClass("org.apache.flink.runtime.rpc.FencedRpcEndpointTest"))
                    .build();
            Launcher launcher = LauncherFactory.create();
            SummaryGeneratingListener listener = new SummaryGeneratingListener();
            launcher.execute(request, listener);
            TestExecutionSummary s = listener.getSummary();
            StringWriter failures = new StringWriter();
            s.printFailuresTo(new PrintWriter(failures), 20);
            assertTrue(s.getTestsFoundCount() >= 20, "Flink's RPC tests found: " + s.getTestsFoundCount());
            assertEquals(0, s.getTotalFailureCount(), failures.toString());
            assertEquals(s.getTestsFoundCount(), s.getTestsSucceededCount(), "skipped or aborted: " + failures);
        } finally {
            if (before == null) {
                System.clearProperty(LocalRpcSystem.PROPERTY);
            } else {
                System.setProperty(LocalRpcSystem.PROPERTY, before);
            }
        }
    }
}
