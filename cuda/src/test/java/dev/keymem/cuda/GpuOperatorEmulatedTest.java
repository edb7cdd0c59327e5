package dev.keymem.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.BatchedMemoryOperator;
import dev.keymem.operators.MemoryOperatorOptions.MemoryType;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.opentest4j.AssertionFailedError;

/**
 * The batched keyed Flink operator ({@link BatchedMemoryOperator}, memory types PLAIN and CACHING, a
 * gated_delta cell) with the CUDA advancers and Memory Caching reader plugged in through
 * {@code keymem.batch.advancer} / {@code keymem.batch.cache-reader} exactly as a user would, here on
 * the plain-Java {@link EmulatedDevice} (test-local {@link EmulatedCudaFunctions}) so it runs in CI:
 * the stateless {@link CudaGatedDelta} and the resident, Flushable {@link ResidentCudaAdvancer} (a
 * cache of 5 keys for 6, so it evicts), with {@link CudaCacheReader}. Six keys, records of 1..20
 * tokens crossing 8-token segments, a checkpoint mid-stream restored into a fresh operator (see
 * {@link OperatorRuns#restoreScenario}); every read and every stored state equals the same operator on
 * the CPU advancer and reader within 1e-4 relative. Also: the resident advancer is flushed at every
 * checkpoint (and, under Memory Caching, at segment closes), the reader keeps caches between calls and
 * evicts when small, and keys that expire and start again are forgotten by the reader (a reader that
 * ignores forget is caught). HashMap state backend (see {@link OperatorRuns}). Small dims: H=2,
 * K=V=16, chunk 16. GpuOperatorDeviceTest runs the same scenarios on a real GPU.
 */
class GpuOperatorEmulatedTest {

    private static final int H = 2;
    private static final int KV = 16;

    enum Advancer {
        STATELESS(EmulatedCudaFunctions.Stateless.class), RESIDENT(EmulatedCudaFunctions.Resident.class);

        final Class<?> function;

        Advancer(Class<?> function) {
            this.function = function;
        }
    }

    @BeforeEach
    void reset() {
        EmulatedCudaFunctions.OPENED.clear();
    }

    private static Configuration cpu(MemoryType type) {
        return OperatorRuns.options(type, H, KV, EmulatedCudaFunctions.CHUNK, "cpu", "cpu");
    }

    private static Configuration device(MemoryType type, Advancer a, Class<?> reader) {
        return OperatorRuns.options(type, H, KV, EmulatedCudaFunctions.CHUNK, a.function.getName(), reader.getName());
    }

    private static <T> List<T> opened(Class<T> type) {
        return EmulatedCudaFunctions.OPENED.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @ParameterizedTest
    @EnumSource(Advancer.class)
    void plainMemoriesEqualTheCpuOperatorAcrossARestore(Advancer a) throws Exception {
        OperatorRuns.Outcome o = OperatorRuns.restoreScenario(cpu(MemoryType.PLAIN),
                device(MemoryType.PLAIN, a, EmulatedCudaFunctions.Reader.class), OperatorRuns.records(6, 8, 31));
        System.out.println("emulated PLAIN " + a + ": max rel difference vs CPU " + o.maxRel());
        if (a == Advancer.RESIDENT) {
            List<ResidentCudaAdvancer> r = opened(ResidentCudaAdvancer.class);
            assertEquals(2, r.size(), "one advancer per operator instance (the first and the restored one)");
            // the first instance: checkpoints 1 and 2; the restored one: checkpoint 3 and the end of input
            assertEquals(4, o.stateSyncs());
            assertEquals(o.stateSyncs(), r.stream().mapToLong(ResidentCudaAdvancer::flushes).sum(),
                    "PLAIN flushes the resident advancer at checkpoints and the end of input only");
        } else {
            assertEquals(2, opened(CudaGatedDelta.class).size());
            assertEquals(0, o.stateSyncs());
        }
        assertTrue(o.steps() > 0);
    }

    @ParameterizedTest
    @EnumSource(Advancer.class)
    void memoryCachingEqualsTheCpuOperatorAcrossARestore(Advancer a) throws Exception {
        OperatorRuns.Outcome o = OperatorRuns.restoreScenario(cpu(MemoryType.CACHING),
                device(MemoryType.CACHING, a, EmulatedCudaFunctions.Reader.class), OperatorRuns.records(6, 8, 32));
        System.out.println("emulated CACHING " + a + ": max rel difference vs CPU " + o.maxRel());
        assertTrue(o.crossedSegments(), "no record crossed a segment boundary");
        List<CudaCacheReader> readers = opened(CudaCacheReader.class);
        assertEquals(2, readers.size(), "one reader per operator instance");
        long reads = readers.stream().mapToLong(r -> r.stats().reads()).sum();
        long hits = readers.stream().mapToLong(r -> r.stats().hits()).sum();
        assertTrue(reads > 0 && hits > 0, "the reader read " + reads + " caches, " + hits + " kept on the device");
        if (a == Advancer.RESIDENT) {
            long flushes = opened(ResidentCudaAdvancer.class).stream().mapToLong(ResidentCudaAdvancer::flushes).sum();
            assertEquals(4, o.stateSyncs());
            assertTrue(flushes > o.stateSyncs(), flushes + " flushes: segment closes did not flush the resident advancer");
        }
    }

    @Test
    void aReaderTooSmallForTheCachesEvictsAndStillReadsTheSame() throws Exception {
        OperatorRuns.restoreScenario(cpu(MemoryType.CACHING),
                device(MemoryType.CACHING, Advancer.RESIDENT, EmulatedCudaFunctions.SmallReader.class),
                OperatorRuns.records(6, 8, 33));
        long evictions = opened(CudaCacheReader.class).stream().mapToLong(r -> r.stats().evictions()).sum();
        assertTrue(evictions > 0, "the 6-cache reader never evicted");
    }

    @ParameterizedTest
    @EnumSource(Advancer.class)
    void expiredKeysStartAgainAndTheReaderForgetsTheirCaches(Advancer a) throws Exception {
        double e = OperatorRuns.expiryScenario(cpu(MemoryType.CACHING),
                device(MemoryType.CACHING, a, EmulatedCudaFunctions.Reader.class), 34);
        System.out.println("emulated CACHING " + a + " with expiry: max rel difference vs CPU " + e);
    }

    @Test
    void theExpiryScenarioCatchesAReaderThatDoesNotForget() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> OperatorRuns.expiryScenario(
                cpu(MemoryType.CACHING),
                device(MemoryType.CACHING, Advancer.STATELESS, EmulatedCudaFunctions.ForgetfulReader.class), 34));
        assertTrue(e.getMessage().contains("reads"), e.getMessage());
    }
}
