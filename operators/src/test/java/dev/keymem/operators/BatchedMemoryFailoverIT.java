package dev.keymem.operators;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.BatchedMemoryOperatorTest.Advancer;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched memory operator end to end, through {@link KeyedMemoryFailoverIT}'s job (loopback
 * MiniCluster, parallelism 2, RocksDB incremental checkpoints every 100 ms, one injected failure
 * after a checkpoint, exactly-once collect sink): each key's outputs must equal, bitwise, a direct
 * run of the model, with and without the failure, for plain memories and Memory Caching, with the
 * CPU advancer and the resident (write-back on flush) stand-in for a device advancer.
 */
class BatchedMemoryFailoverIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(KeyedMemoryFailoverIT.loopback())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static Stream<Arguments> combinations() {
        return Stream.of(MemoryType.PLAIN, MemoryType.CACHING).flatMap(t ->
                Stream.of(Advancer.CPU, Advancer.RESIDENT).map(a -> Arguments.of(t, a)));
    }

    /** PLAIN, and CACHING (SSC, 5-token segments, cap 4: cached checkpoints as MapState entries). */
    @ParameterizedTest
    @MethodSource("combinations")
    void outputsAfterAFailureEqualAFailureFreeRun(MemoryType type, Advancer advancer) throws Exception {
        Configuration options = BatchedMemoryOperatorTest.options(advancer, 3, OperatorTestSupport.options(type));
        options.set(MemoryOperatorOptions.BATCH_MAX_DELAY, Duration.ofMillis(5));
        Path dir = OperatorTestSupport.tempDir("kmbit");
        Map<String, List<MemoryReadout>> expected = KeyedMemoryFailoverIT.direct(options);

        ResidentTestAdvancer.reset();
        Map<String, List<MemoryReadout>> clean = KeyedMemoryFailoverIT.run(dir.resolve("clean"), options, false,
                keyed -> BatchedMemoryOperator.apply(keyed, options).uid("keymem-batched"));
        assertTrue(!KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.FAILED.get());
        if (advancer != Advancer.CPU) {
            int most = ResidentTestAdvancer.BATCH_KEYS.stream().mapToInt(Integer::intValue).max().orElse(0);
            assertTrue(most > 1, "no batch held more than one key");
            assertTrue(ResidentTestAdvancer.flushes.get() >= 2, "resident states were not flushed at checkpoints");
        }
        Map<String, List<MemoryReadout>> recovered = KeyedMemoryFailoverIT.run(dir.resolve("failover"), options,
                true, keyed -> BatchedMemoryOperator.apply(keyed, options).uid("keymem-batched"));
        assertTrue(KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.FAILED.get(), "the failure was never injected");
        assertTrue(KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.COMPLETED_BEFORE_FAILURE.get() >= 1);
        assertTrue(KeyedMemoryFailoverIT.FailOnceAfterCheckpoint.RESTORED.get(),
                "the job did not restart from a checkpoint");

        KeyedMemoryFailoverIT.assertSame(expected, clean, "failure-free batched run vs direct model");
        KeyedMemoryFailoverIT.assertSame(expected, recovered, "batched run with a failure vs direct model");
    }
}
