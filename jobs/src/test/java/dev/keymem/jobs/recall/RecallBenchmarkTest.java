package dev.keymem.jobs.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.models.backend.ScalarBackend;
import dev.keymem.models.cells.CellKind;
import dev.keymem.models.cells.CellSpec;
import dev.keymem.models.cells.Cells;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecallBenchmarkTest {

    @Test
    void streamLayout() {
        RecallStream s = new RecallStream(40, 4, 6, 16, 8.0, 1);
        var c = s.chunk(0, 40);
        for (int t = 0; t < 34; t++) {
            assertEquals(1f, c.beta()[t]);
        }
        for (int t = 34; t < 40; t++) {
            assertEquals(0f, c.beta()[t]);
            double qn = 0;
            for (int d = 0; d < 16; d++) {
                qn += c.q()[t * 16 + d] * c.q()[t * 16 + d];
            }
            assertEquals(8.0, Math.sqrt(qn), 1e-4);
        }
        assertEquals(0.0, s.accuracy(new float[40 * 16]), "all-zero outputs answer nothing");
    }

    @Test
    void exactAttentionIsPerfectAndDeltaRecallsWithoutNoise() {
        // 4 pairs in 64 dims and no noise: a delta memory with beta = 1 stores them almost exactly
        RecallStream s = new RecallStream(12, 4, 8, 64, 8.0, 7);
        assertEquals(1.0, s.accuracy(new ExactAttention().run(s, 5)));
        CellSpec delta = CellSpec.of(CellKind.DELTA, 1, 64, 64, 4).withScale(1f);
        CellRecall cell = new CellRecall("delta", Cells.chunked(delta, ScalarBackend.INSTANCE));
        assertEquals(1.0, s.accuracy(cell.run(s, 3)));
        assertEquals(64 * 64 * 4, cell.stateBytes());
    }

    @Test
    void cachingRecoversWhatThePlainCellLoses() {
        // pairs fill the first segment exactly; the noise after them overwrites the plain cell
        RecallBenchmark.Settings st = new RecallBenchmark.Settings(new int[] {1024}, 16, 32, 64, 16, 64, 8.0, 1);
        List<RecallBenchmark.Row> rows = RecallBenchmark.run(st, ScalarBackend.INSTANCE, null);
        double plain = accuracy(rows, "delta (plain cell)");
        double residual = accuracy(rows, "MC-Residual");
        assertEquals(1.0, accuracy(rows, "exact attention (KV cache)"));
        assertTrue(plain < 0.3, "noise should have overwritten the plain cell: " + plain);
        assertTrue(residual > plain + 0.2, "MC-Residual " + residual + " vs plain " + plain);
        String table = RecallBenchmark.table(st, rows);
        assertTrue(table.contains("| MC-SSC k=4 |"), table);
    }

    private static double accuracy(List<RecallBenchmark.Row> rows, String name) {
        return rows.stream().filter(r -> r.memory().equals(name)).findFirst().orElseThrow().accuracy();
    }
}
