package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextEventParser;
import dev.keymem.jobs.context.ContextOptions;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryFunction;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * Savepoints taken with the previous release's state formats restore in this one, in the manner of
 * Flink's own operator migration tests: the fixtures under {@code src/test/resources/savepoints/} are
 * canonical savepoints of the two keyed functions (RocksDB backend, operator test harness) taken
 * mid-stream by the code of release 0.1.0 (main at 5a3fa91, before the pending lines, stored events
 * and event book were checksummed). This build restores each into a RocksDB backend (its new framed
 * serializers migrate the old POJO / array entries), runs the rest of the stream, and must emit exactly
 * what an uninterrupted run of this build emits.
 *
 * <p>To write the fixtures again (only ever from a release's code):
 * {@code -Dkeymem.writeSavepointFixtures=jobs/src/test/resources/savepoints}.
 */
class PreviousFormatSavepointTest {
    static final String WRITE = System.getProperty("keymem.writeSavepointFixtures");
    static final String LOGS = "logs-0.1.0.savepoint";
    static final String CONTEXT = "context-0.1.0.savepoint";
    static final LogSummarySettings LOG_SETTINGS = LogSummarySettings.defaults().withEvery(120, 0);
    static final int LOG_CUT = 257;

    static KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> logs() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput>(
                new KeyedProcessOperator<>(new LogSummaryFunction(LOG_SETTINGS, TextFrontEnd.builder().build())),
                l -> l.source, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    /**
     * The context job's keyed step of this build (the event memory; the 0.1.0 fixture was written by the
     * Memory Caching function of 0.1.0, whose stored events this build migrates on a user's first record).
     */
    static KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> context() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(
                new KeyedProcessOperator<>(UserContextJob.keyedFunction(ContextOptions.defaults())), e -> e.user,
                Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    static List<LogLine> logLines() {
        List<LogLine> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            String source = i % 3 == 0 ? "db" : "web";
            String text = i % 97 == 50 ? "2026-01-15T08:00:00.000Z ERROR " + source + "[7]: disk on fire sector=" + i
                    : "2026-01-15T08:00:00.000Z INFO " + source + "[7]: request ok id=" + i + " latency=" + (i % 13)
                    + "ms";
            lines.add(new LogLine(source, text, i, -1));
        }
        return lines;
    }

    /** The sample's events of users u0000..u0029. */
    static List<ContextEvent> events() throws Exception {
        ContextEventParser p = new ContextEventParser();
        List<String> lines = Files.readAllLines(Path.of("..", "samples", "events", "users.jsonl"));
        List<ContextEvent> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            ContextEvent e = p.parse(null, lines.get(i), i);
            if (Integer.parseInt(e.user.substring(1)) < 30) {
                out.add(e);
            }
        }
        return out;
    }

    static List<String> outputs(KeyedOneInputStreamOperatorTestHarness<String, ?, JobOutput> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof JobOutput j) {
                out.add(j.json);
            }
        }
        return out;
    }

    static OperatorSubtaskState savepoint(KeyedOneInputStreamOperatorTestHarness<String, ?, JobOutput> h)
            throws Exception {
        return h.snapshotWithLocalState(1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
    }

    static Path fixture(String name) {
        return Path.of("src", "test", "resources", "savepoints", name);
    }

    @Test
    void logSummarySavepointOfThePreviousReleaseRestores() throws Exception {
        List<LogLine> lines = logLines();
        if (WRITE != null) {
            try (var h = logs()) {
                h.open();
                for (LogLine l : lines.subList(0, LOG_CUT)) {
                    h.processElement(new StreamRecord<>(l));
                }
                Files.createDirectories(Path.of(WRITE));
                OperatorSnapshotUtil.writeStateHandle(savepoint(h), Path.of(WRITE, LOGS).toString());
            }
        }
        List<String> straight;
        try (var h = logs()) {
            h.open();
            for (LogLine l : lines) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            straight = outputs(h);
        }
        List<String> resumed;
        try (var h = logs()) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(fixture(LOGS).toString()));
            h.open();
            for (LogLine l : lines.subList(LOG_CUT, lines.size())) {
                h.processElement(new StreamRecord<>(l));
            }
            h.processWatermark(Long.MAX_VALUE);
            resumed = outputs(h);
        }
        // The summaries the old run emitted before its savepoint: those of the straight run not after the cut.
        List<String> afterCut = new ArrayList<>();
        for (String s : straight) {
            if (LogSummaryFunctionTestAccess.toOffset(s) >= LOG_CUT) {
                afterCut.add(s);
            }
        }
        assertTrue(afterCut.size() >= 3, "summaries after the cut: " + afterCut.size());
        // Release 0.1.0 kept no template miner state: after the restore the miner starts afresh (ids from 0,
        // each template reported as new once more), so the summaries match the straight run's in their
        // periods and line counts, and every line of a period is in one of its templates.
        assertEquals(afterCut.size(), resumed.size(), "summaries after restoring the 0.1.0 savepoint");
        java.util.Set<String> firstOfSource = new java.util.HashSet<>();
        for (int i = 0; i < afterCut.size(); i++) {
            com.fasterxml.jackson.databind.JsonNode a = LogSummaryFunctionTestAccess.JSON.readTree(afterCut.get(i));
            com.fasterxml.jackson.databind.JsonNode b = LogSummaryFunctionTestAccess.JSON.readTree(resumed.get(i));
            for (String f : List.of("source", "summary", "from_offset", "to_offset", "lines_since_last", "lines_total",
                    "final")) {
                assertEquals(a.get(f), b.get(f), f + " of summary " + i);
            }
            long counted = 0;
            for (com.fasterxml.jackson.databind.JsonNode t : b.get("templates")) {
                counted += t.get("count").asLong();
            }
            if (firstOfSource.add(b.get("source").asText())) {
                // a source's first summary after the restore: its lines before the savepoint were tallied by
                // the old release, which had no templates
                assertTrue(counted > 0 && counted <= b.get("lines_since_last").asLong(), "summary " + i + ": " + counted);
            } else {
                assertEquals(b.get("lines_since_last").asLong(), counted, "lines of summary " + i + " in its templates");
            }
        }
    }

    /** The current key's novelty state in a harness of the log function. */
    static dev.keymem.models.novelty.NoveltyState novelty(
            KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> h, String key) throws Exception {
        var backend = h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                new org.apache.flink.api.common.state.ValueStateDescriptor<>(dev.keymem.operators.KeyedNoveltyMemory.STATE,
                        new dev.keymem.state.NoveltyStateSerializer())).value();
    }

    @Test
    void theRestoredSourcesKeepTheirFadingMemory() throws Exception {
        // The old B'MOJO fading cell moves into the novelty memory: after one line of each source the memory
        // holds exactly that cell advanced over the line (the miner starts afresh, the masking does not
        // depend on it), not a fresh cell.
        List<LogLine> lines = logLines();
        int end = LOG_CUT + 2;
        var model = dev.keymem.operators.NoveltyMemory.model(dev.keymem.operators.model.MemoryModelFactory.fromOptions(
                dev.keymem.operators.KeyedNoveltyMemory.noveltyOptions(LOG_SETTINGS.options())));
        TextFrontEnd fe = TextFrontEnd.builder().build();
        Map<String, dev.keymem.models.cells.CellState> old = new HashMap<>();
        try (var restored = logs()) {
            restored.initializeState(OperatorSnapshotUtil.readStateHandle(fixture(LOGS).toString()));
            restored.open();
            var backend = restored.getOperator().getKeyedStateBackend();
            for (String source : List.of("db", "web")) {
                backend.setCurrentKey(source);
                dev.keymem.jobs.logs.SourceMemory m = backend.getPartitionedState(
                        org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                        org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                        new org.apache.flink.api.common.state.ValueStateDescriptor<>("source-memory",
                                new dev.keymem.jobs.logs.SourceMemorySerializer())).value();
                old.put(source, m.bmojo.cell().copy());
            }
            for (LogLine l : lines.subList(LOG_CUT, end)) {
                restored.processElement(new StreamRecord<>(l));
            }
            for (LogLine l : lines.subList(LOG_CUT, end)) {
                var st = new dev.keymem.models.novelty.NoveltyState(old.get(l.source), new long[0], new float[0], null);
                var match = new dev.keymem.jobs.logs.mining.TemplateMiner(LOG_SETTINGS.miner())
                        .accept(new dev.keymem.jobs.logs.mining.MinerState(), l.text);
                model.write(st, dev.keymem.models.novelty.NoveltyStore.inMemory(),
                        dev.keymem.jobs.text.Vectors.normalized(fe.encode(match.masked()).vector), 0, null);
                var got = novelty(restored, l.source);
                assertEquals(st.position(), got.position(), l.source + ": lines seen");
                assertTrue(java.util.Arrays.equals(st.cell().data(), got.cell().data()), l.source + ": the old cell, advanced");
                double norm = 0;
                for (float v : old.get(l.source).data()) {
                    norm += (double) v * v;
                }
                assertTrue(norm > 0.1, l.source + ": the old cell is not empty: " + norm);
            }
        }
    }

    @Test
    void userContextSavepointOfThePreviousReleaseRestores() throws Exception {
        List<ContextEvent> events = events();
        int cut = events.size() / 2;
        if (WRITE != null) {
            try (var h = context()) {
                h.open();
                for (ContextEvent e : events.subList(0, cut)) {
                    h.processElement(new StreamRecord<>(e));
                }
                Files.createDirectories(Path.of(WRITE));
                OperatorSnapshotUtil.writeStateHandle(savepoint(h), Path.of(WRITE, CONTEXT).toString());
            }
        }
        List<String> straight;
        try (var h = context()) {
            h.open();
            for (ContextEvent e : events) {
                h.processElement(new StreamRecord<>(e));
            }
            straight = outputs(h);
        }
        List<String> resumed;
        try (var h = context()) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(fixture(CONTEXT).toString()));
            h.open();
            for (ContextEvent e : events.subList(cut, events.size())) {
                h.processElement(new StreamRecord<>(e));
            }
            resumed = outputs(h);
        }
        List<String> afterCut = new ArrayList<>();
        for (String a : straight) {
            if (LogSummaryFunctionTestAccess.offset(a) >= events.get(cut).offset) {
                afterCut.add(a);
            }
        }
        assertTrue(afterCut.size() >= 20, "answers after the cut: " + afterCut.size());
        assertEquals(afterCut, resumed, "answers after restoring the 0.1.0 savepoint");
    }

    /** Offsets read from the JSON outputs. */
    static final class LogSummaryFunctionTestAccess {
        static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        static long toOffset(String summary) throws Exception {
            return JSON.readTree(summary).get("to_offset").asLong();
        }

        static long offset(String answer) throws Exception {
            return JSON.readTree(answer).get("offset").asLong();
        }
    }
}
