package dev.keymem.jobs.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.context.ContextOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small {@code memctl eval context}: the job (MiniCluster, RocksDB) gives exactly the answers of the
 * in-process memory, and at the job's defaults it beats plain BM25 on every group of the generated data
 * (the full-size numbers are in docs/benchmarks.md).
 */
class ContextEvalTest {

    @Test
    void theJobMatchesTheInProcessMemoryAndBeatsBm25(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ContextEval.Config c = new ContextEval.Config(List.of(100, 600), List.of(4, 2), 3, 400, 5,
                ContextOptions.Embedder.HASHING, true, false, null);
        ContextEval.Result r = new ContextEval(c, new PrintStream(buf, true, StandardCharsets.UTF_8),
                Files.createDirectories(dir.resolve("io")), dir.resolve("chk")).run();
        String printed = buf.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        assertTrue(r.jobMatchesInProcess(), printed);
        assertEquals(3, r.recallAt5().size());
        for (Map.Entry<String, double[]> e : r.recallAt5().entrySet()) {
            assertTrue(e.getValue()[0] > e.getValue()[1], e.getKey() + ": ours " + e.getValue()[0] + " vs BM25 "
                    + e.getValue()[1]);
        }
        assertTrue(printed.contains("Bytes read + written by one ordinary event"), printed);
    }

    @Test
    void theGeneratorIsSeededAndItsEvidencePrecedesItsQuestions() {
        ConversationGenerator g = new ConversationGenerator(3);
        ConversationGenerator.Conversation a = g.conversation("u", 500);
        assertEquals(a, new ConversationGenerator(3).conversation("u", 500));
        assertEquals(500, a.events());
        int events = 0;
        for (ConversationGenerator.Turn t : a.turns()) {
            if (t.question()) {
                for (int e : t.evidence()) {
                    assertTrue(e < events, "evidence " + e + " after its question at event " + events);
                }
            } else {
                events++;
            }
        }
        assertTrue(a.questions() >= 10, "questions: " + a.questions());
        ConversationGenerator.Conversation f = g.factsThenFiller("v", 50);
        assertEquals(54, f.events());
        assertEquals(4, f.questions());
    }
}
