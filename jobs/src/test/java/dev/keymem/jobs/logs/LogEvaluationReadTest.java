package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
