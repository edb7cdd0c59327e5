package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.operators.HotStateOperator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log job's keyed step with its hot-state cache ({@link HotStateOperator}, keymem.logs.cache-sources) on
 * RocksDB (Flink's harness, the real backend): a snapshot taken with the cache full of changed sources, then a
 * restore, gives byte-identical summaries to an uninterrupted run, with and without evictions.
 */
class LogHotStateCacheTest {
    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "kmlogc");
    }

    @AfterEach
    void clean() throws Exception {
        FileUtils.deleteDirectory(dir.toFile());
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> harness(LogSummarySettings s)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                LogSummaryJob.operator(s, TextFrontEnd.builder().build(), RecordLimits.defaults()),
                (LogLine l) -> l.source, Types.STRING);
        ((SerializerConfigImpl) h.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(Files.createTempDirectory(dir, "db").toString());
        h.setStateBackend(rocks);
        return h;
    }

    private static List<String> results(KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof JobOutput j) {
                out.add(j.kind + " " + j.key + " " + j.json);
            }
        }
        return out;
    }

    private static List<LogLine> lines() {
        List<LogLine> lines = new ArrayList<>();
        String[] sources = {"web", "db", "auth", "queue", "cache"};
        for (int i = 0; i < 1500; i++) {
            String src = sources[(i * 7 + i / 11) % sources.length];
            lines.add(LogSummaryFunctionTest.line(src, i));
            if (i % 211 == 3) {
                lines.add(new LogLine(src, "2026-01-15T08:00:00.000Z WARN " + src + "[9]: new kind of thing " + i
                        + " from peer 10.0.0." + (i % 250), i, -1));
            }
        }
        return lines;
    }

    private static HotStateOperator<?, ?> op(KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h) {
        return (HotStateOperator<?, ?>) h.getOperator();
    }

    void snapshotWithAFullCacheRestoresBitForBit(int cacheSources) throws Exception {
        LogSummarySettings s = LogSummarySettings.defaults().withEvery(100, 0)
                .with(LogOptions.CACHE_SOURCES, cacheSources);
        List<LogLine> lines = lines();
        int cut = 737;

        List<String> straight;
        try (var h = harness(s)) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            straight = results(h);
        }
        List<String> uncached;
        try (var h = harness(s.with(LogOptions.CACHE_SOURCES, 0))) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            uncached = results(h);
        }
        assertTrue(straight.size() >= 10, "summaries: " + straight.size());
        assertEquals(uncached, straight, "the cache changed the summaries");

        List<String> resumed = new ArrayList<>();
        OperatorSubtaskState snap;
        boolean wroteAtBarrier;
        try (var h = harness(s)) {
            h.open();
            for (LogLine l : lines.subList(0, cut)) {
                h.processElement(new StreamRecord<>(l));
            }
            assertEquals(Math.min(cacheSources, 5), op(h).cachedKeys(), "the cache is not full at the barrier");
            long before = op(h).writtenBack();
            snap = h.snapshot(1, 1);
            wroteAtBarrier = op(h).writtenBack() > before;
            resumed.addAll(results(h));
            // lines after the snapshot change cached states in place; the snapshot must not see them
            for (LogLine l : lines.subList(cut, cut + 150)) {
                h.processElement(new StreamRecord<>(l));
            }
        } // a failure: the cache's later changes are lost
        try (var h = harness(s)) {
            h.initializeState(snap);
            h.open();
            for (LogLine l : lines.subList(cut, lines.size())) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            resumed.addAll(results(h));
        }
        assertEquals(straight, resumed);
        assertTrue(wroteAtBarrier, "nothing written back at the barrier");
    }

    @Test
    void everySourceCachedAtTheBarrier() throws Exception {
        snapshotWithAFullCacheRestoresBitForBit(64);
    }

    @Test
    void evictionsAndAFullCacheAtTheBarrier() throws Exception {
        snapshotWithAFullCacheRestoresBitForBit(2);
    }
}
