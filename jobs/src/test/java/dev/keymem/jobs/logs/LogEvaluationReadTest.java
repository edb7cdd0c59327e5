package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memctl eval logs} reads lines as the job reads them ({@link LogEvaluation}): a CRI line by its message, a
 * JSON record by its text field, each source's lines in their own miner state; a line the job refuses does not stop
 * the evaluation; a data set's files are found and read as loghub and loghub-2.0 lay them out.
 */
class LogEvaluationReadTest {
    private static final List<String> MESSAGES = List.of("connected to redis at 10.0.0.1:6379",
            "worker 3 picked job 77 from queue emails", "connected to redis at 10.0.0.9:6379", "health check ok");

    @Test
    void criLinesAreMinedByTheirMessage() {
        List<String> cri = MESSAGES.stream().map(m -> "2024-05-01T10:00:00.123456789Z "
                + (m.contains("10.0.0.9") ? "stderr" : "stdout") + " F " + m).toList(); // one event on both streams
        MinerSettings off = MinerSettings.defaults().withHeaders(false);
        assertEquals(LogEvaluation.mine(MESSAGES, off), LogEvaluation.mine(cri, off));
        assertEquals(LogEvaluation.mineAsTheJob(MESSAGES, off.withHeaders(true)),
                LogEvaluation.mineAsTheJob(cri, off.withHeaders(true)));
    }

    /**
     * A Kubernetes CRI file whose long lines are split into P pieces (two streams' pieces interleaved) is read as
     * the job reads it, the pieces joined: a loghub set (its first 400 lines) as a CRI file with each line in one
     * F piece and as one with every line over 40 characters split evaluates alike (template ids, grouping
     * accuracies, coverage, alerts), one id per ground-truth row.
     */
    @Test
    void criLinesSplitIntoPiecesAreEvaluatedJoined() throws Exception {
        Path set = Path.of("/work/shared/data/loghub_2k/Spark");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(set), "loghub_2k is not here: " + set);
        LoghubDataset ds = LoghubDataset.read(set);
        int n = 400;
        List<String> unsplit = new java.util.ArrayList<>();
        List<String> split = new java.util.ArrayList<>();
        for (int k = 0; k < n; k += 2) {
            List<String> ps = new java.util.ArrayList<>();
            List<String> fs = new java.util.ArrayList<>();
            List<List<String>> pieces = new java.util.ArrayList<>();
            for (int j = k; j < Math.min(n, k + 2); j++) {
                String prefix = "2024-05-01T10:00:00.000000001Z " + (j % 2 == 0 ? "stdout" : "stderr");
                String msg = ds.raw().get(j).stripTrailing();
                unsplit.add(prefix + " F " + msg);
                List<String> p = new java.util.ArrayList<>();
                int at = 0;
                while (msg.length() - at > 40) {
                    p.add(prefix + " P " + msg.substring(at, at + 40));
                    at += 40;
                }
                pieces.add(p);
                fs.add(prefix + " F " + msg.substring(at));
            }
            // the two lines' P pieces alternate, then their F pieces in order
            for (int i = 0; i < 40; i++) {
                for (List<String> p : pieces) {
                    if (i < p.size()) {
                        ps.add(p.get(i));
                    }
                }
            }
            split.addAll(ps);
            split.addAll(fs);
        }
        assertTrue(split.size() > unsplit.size() + 200, split.size() + " pieces of " + unsplit.size() + " lines");
        LoghubDataset whole = new LoghubDataset("Spark", unsplit, ds.content().subList(0, n),
                ds.eventId().subList(0, n), ds.template().subList(0, n));
        LoghubDataset pieces = new LoghubDataset("Spark", split, whole.content(), whole.eventId(), whole.template());
        MinerSettings on = MinerSettings.defaults();
        assertEquals(LogEvaluation.mineAsTheJob(unsplit, on), LogEvaluation.mineAsTheJob(split, on));
        LogEvaluation.Row a = LogEvaluation.evaluate(whole, LogSummarySettings.defaults(), Map.of());
        LogEvaluation.Row b = LogEvaluation.evaluate(pieces, LogSummarySettings.defaults(), Map.of());
        assertTrue(a.gaRaw() > 0.5 && a.coverage() > 0.5, a.toString());
        assertEquals(List.of(a.ga(), a.gaRaw(), a.coverage(), (double) a.verbatim(), (double) a.covered(),
                (double) a.alertTemplates(), (double) a.alertsCovered()), List.of(b.ga(), b.gaRaw(), b.coverage(),
                (double) b.verbatim(), (double) b.covered(), (double) b.alertTemplates(), (double) b.alertsCovered()));
    }

    @Test
    void sourcesAreMinedApartAndRefusedLinesCountAsTheirOwn() throws Exception {
        List<String> lines = List.of("{\"service\":\"a\",\"level\":\"info\",\"msg\":\"started\"}",
                "{\"service\":\"b\",\"level\":\"info\",\"msg\":\"started\"}", "{\"service\":\"a\",\"msg\":",
                "{\"service\":\"a\",\"level\":\"info\",\"msg\":\"started\"}");
        List<Integer> ids = LogEvaluation.mineAsTheJob(lines, MinerSettings.defaults());
        assertEquals(ids.get(0), ids.get(3));
        assertNotEquals(ids.get(0), ids.get(1)); // one template per source
        assertNotEquals(ids.get(0), ids.get(2)); // broken JSON: the job's dead letters
        LogEvaluation.summaries(lines, LogSummarySettings.defaults()); // no exception
    }

    /**
     * A refused line after a CRI line joined from two pieces is alert-checked on its own raw text: its row (1) is
     * no longer its raw index (2), the raw line at its row being the F piece, which holds no alert.
     */
    @Test
    void aRefusedLineAfterJoinedPiecesIsAlertCheckedOnItsOwnText() throws Exception {
        List<String> raw = List.of("2024-05-01T10:00:00.000000001Z stdout P disk ",
                "2024-05-01T10:00:00.000000002Z stdout F ok", "{\"msg\":\"disk failed\",");
        LoghubDataset ds = new LoghubDataset("t", raw, List.of("disk ok", "disk failed"), List.of("E1", "E2"),
                List.of("disk ok", "disk failed"));
        LogEvaluation.Row r = LogEvaluation.evaluate(ds, LogSummarySettings.defaults(), Map.of());
        assertEquals(2, r.templates());
        assertEquals(1, r.alertTemplates(), r.toString());
    }

    @Test
    void aDataSetIsFoundAndReadLeniently(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("Thing"));
        // loghub-2.0's names; a byte that is not UTF-8, CRLF line ends
        Files.write(d.resolve("Thing_full.log"), new byte[] {'a', ' ', (byte) 0xff, '\r', '\n', 'b', '\n'});
        Files.writeString(d.resolve("Thing_full.log_structured.csv"), "LineId,Content,EventId,EventTemplate\r\n"
                + "1,a x,E1,a <*>\r\n2,b,E2,b\r\n", StandardCharsets.UTF_8);
        LoghubDataset ds = LoghubDataset.read(d);
        assertEquals(List.of("a \uFFFD", "b"), ds.raw());
        assertEquals(List.of("E1", "E2"), ds.eventId());
    }

    /**
     * A raw file with lines that logparser's reader skipped (a blank line, a stack trace's continuation): the rows
     * are read against the lines their Content ends, the others left out; a row that ends no later line refuses it.
     */
    @Test
    void aRawFileWithSkippedLinesIsReadAligned(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("Thing"));
        Files.writeString(d.resolve("Thing_2k.log"), "2024-05-01 10:00:00 INFO disk ok\n\n"
                + "2024-05-01 10:00:01 ERROR disk failed\n\tat a.B.c(B.java:1)\n2024-05-01 10:00:02 INFO disk ok\n",
                StandardCharsets.UTF_8);
        Files.writeString(d.resolve("Thing_2k.log_structured.csv"), "LineId,Content,EventId,EventTemplate\n"
                + "1,disk ok,E1,disk ok\n2,disk failed,E2,disk failed\n3,disk ok ,E1,disk ok\n",
                StandardCharsets.UTF_8);
        LoghubDataset ds = LoghubDataset.read(d);
        assertEquals(List.of("2024-05-01 10:00:00 INFO disk ok", "2024-05-01 10:00:01 ERROR disk failed",
                "2024-05-01 10:00:02 INFO disk ok"), ds.raw());
        assertEquals(List.of("E1", "E2", "E1"), ds.eventId());
        Files.writeString(d.resolve("Thing_2k.log_structured.csv"), "LineId,Content,EventId,EventTemplate\n"
                + "1,disk ok,E1,disk ok\n2,disk gone,E2,disk gone\n", StandardCharsets.UTF_8);
        assertThrows(java.io.IOException.class, () -> LoghubDataset.read(d));
        Files.writeString(d.resolve("Thing_2k.log"), "2024-05-01 10:00:00 INFO disk ok\n", StandardCharsets.UTF_8);
        assertThrows(java.io.IOException.class, () -> LoghubDataset.read(d));
    }
}
