package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.context.ContextEvent;
import dev.keymem.jobs.context.ContextOptions;
import org.apache.flink.configuration.Configuration;
import dev.keymem.jobs.context.UserContextJob;
import dev.keymem.jobs.logs.JobOutput;
import dev.keymem.jobs.logs.LogLine;
import dev.keymem.jobs.logs.LogSummaryJob;
import dev.keymem.jobs.logs.LogSummarySettings;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Defect 8 of issue 14: every piece of the jobs' keyed state is checksummed. A savepoint (RocksDB,
 * canonical format) in which one character of a stored line is flipped must fail loudly on restore and
 * use, naming the state, the key and the piece, instead of surfacing the flipped text in an output.
 */
class KeyedStateChecksumTest {

    /** Replaces every occurrence of {@code from} by {@code to} (same length) in the file; returns the count. */
    static int flip(Path file, String from, String to) throws Exception {
        byte[] b = Files.readAllBytes(file);
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        int n = 0;
        for (int i = 0; i + f.length <= b.length; i++) {
            boolean match = true;
            for (int j = 0; j < f.length && match; j++) {
                match = b[i + j] == f[j];
            }
            if (match) {
                System.arraycopy(t, 0, b, i, t.length);
                n++;
            }
        }
        Files.write(file, b);
        return n;
    }

    static <I> OperatorSubtaskState corrupted(KeyedOneInputStreamOperatorTestHarness<String, I, JobOutput> h, Path dir,
                                               String from, String to) throws Exception {
        OperatorSubtaskState s = h.snapshotWithLocalState(1, 1, SavepointType.savepoint(SavepointFormatType.CANONICAL))
                .getJobManagerOwnedState();
        Path f = dir.resolve("savepoint");
        OperatorSnapshotUtil.writeStateHandle(s, f.toString());
        assertTrue(flip(f, from, to) >= 1, "the text is in the savepoint");
        return OperatorSnapshotUtil.readStateHandle(f.toString());
    }

    static KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput> logs() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, LogLine, JobOutput>(new KeyedProcessOperator<>(
                LogSummaryJob.keyedFunction(LogSummarySettings.defaults().withEvery(1000, 0),
                        TextFrontEnd.builder().build())), l -> l.source, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    @Test
    void aFlippedBitInATemplateEntryFailsNamingStateKeyAndPiece(@TempDir Path dir) throws Exception {
        OperatorSubtaskState snap;
        try (var h = logs()) {
            h.open();
            for (int i = 0; i < 40; i++) {
                String text = i == 20 ? "2026-01-15T08:00:00.000Z ERROR web[7]: disk failure on sector=77"
                        : "2026-01-15T08:00:00.000Z INFO web[7]: request ok id=" + i;
                h.processElement(new StreamRecord<>(new LogLine("web", text, i, -1)));
            }
            snap = corrupted(h, dir, "disk failure on sector=77", "dhsk failure on sector=77");
        }
        try (var h = logs()) {
            h.initializeState(snap);
            h.open();
            Exception e = assertThrows(Exception.class, () -> {
                h.processWatermark(Long.MAX_VALUE);
                throw new AssertionError("no failure; outputs: " + h.getOutput());
            });
            String m = ExceptionUtils.stringifyException(e);
            // the line's text is kept in its template's ledger entry (the line to show verbatim)
            assertTrue(m.contains("template-ledger") && m.contains("'web'") && m.contains("TemplateEntry"), m);
        }
    }

    @Test
    void aFlippedBitInAStoredEventFailsNamingStateKeyAndPiece(@TempDir Path dir) throws Exception {
        Configuration s = ContextOptions.defaults();
        OperatorSubtaskState snap;
        try (var h = context(s)) {
            h.open();
            h.processElement(new StreamRecord<>(event("u7", "my dog is called Pixel", false, 0)));
            h.processElement(new StreamRecord<>(event("u7", "I live in Berlin", false, 1)));
            snap = corrupted(h, dir, "I live in Berlin", "I live in Barlin");
        }
        try (var h = context(s)) {
            h.initializeState(snap);
            h.open();
            Exception e = assertThrows(Exception.class, () -> {
                h.processElement(new StreamRecord<>(event("u7", "where do I live?", true, 2)));
                throw new AssertionError("no failure; outputs: " + h.getOutput());
            });
            String m = ExceptionUtils.stringifyException(e);
            // the event memory's archive (its rows are framed and checksummed like every keyed state piece)
            assertTrue(m.contains("keymem-events-archive") && m.contains("'u7'") && m.contains("EventEntry"), m);
        }
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput> context(Configuration s)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, ContextEvent, JobOutput>(new KeyedProcessOperator<>(
                UserContextJob.keyedFunction(s)), e -> e.user, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    static ContextEvent event(String user, String text, boolean query, long offset) {
        ContextEvent e = new ContextEvent();
        e.user = user;
        e.text = text;
        e.query = query;
        e.offset = offset;
        return e;
    }
}
