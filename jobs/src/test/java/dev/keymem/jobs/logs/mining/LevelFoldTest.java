package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Whether the log record reader should fold a JSON record's level into the text it hands the miner (as a raw line
 * holds it: {@code LEVEL message}), measured: on the loghub_2k sets with a {@code Level} column, the grouping accuracy
 * of the miner (headers stripped, as the job mines) over the {@code Content} alone (bare, as the reader hands over
 * the message field of a record with a level), over {@code LEVEL Content} and over {@code [LEVEL] Content}. The reader keeps the message alone, so the message alone must do at least as well
 * on average (docs/benchmarks.md, "Structured JSON log records"). Skipped without the loghub_2k data.
 */
class LevelFoldTest {
    @Test
    void theMessageAloneGroupsAtLeastAsWellAsTheMessageWithItsLevel() throws Exception {
        Path root = Loghub.folder();
        Assumptions.assumeTrue(root != null, "no loghub_2k data");
        double[] sum = new double[3];
        int sets = 0;
        StringBuilder report = new StringBuilder("set | message | LEVEL message | [LEVEL] message\n");
        List<Path> dirs;
        try (var s = Files.list(root)) {
            dirs = s.filter(LoghubDataset::isDataset).sorted().toList();
        }
        for (Path dir : dirs) {
            Path csv;
            try (var s = Files.list(dir)) {
                csv = s.filter(p -> p.getFileName().toString().endsWith("_structured.csv")).findFirst().orElseThrow();
            }
            List<List<String>> rows = LoghubDataset.Csv.parse(Files.readString(csv, StandardCharsets.UTF_8));
            List<String> header = rows.get(0);
            int level = header.indexOf("Level");
            if (level < 0) {
                continue;
            }
            int content = header.indexOf("Content");
            int event = header.indexOf("EventId");
            List<String> truth = new ArrayList<>();
            List<List<String>> texts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (List<String> r : rows.subList(1, rows.size())) {
                String lv = r.get(level).toUpperCase(Locale.ROOT);
                truth.add(r.get(event));
                texts.get(0).add(r.get(content));
                texts.get(1).add(lv + " " + r.get(content));
                texts.get(2).add("[" + lv + "] " + r.get(content));
            }
            report.append(dir.getFileName());
            for (int v = 0; v < 3; v++) {
                TemplateMiner miner = new TemplateMiner();
                MinerState state = new MinerState();
                List<Integer> ids = new ArrayList<>();
                for (String t : texts.get(v)) {
                    // the message alone as the reader hands it over (a record with a level: its message field
                    // bare, no header cut); folded with its level, a line with a header
                    ids.add(miner.accept(state, t, v == 0).id());
                }
                double ga = GroupingAccuracy.of(truth, ids);
                sum[v] += ga;
                report.append(String.format(Locale.ROOT, " | %.4f", ga));
            }
            report.append('\n');
            sets++;
        }
        report.append(String.format(Locale.ROOT, "mean (%d sets) | %.4f | %.4f | %.4f%n", sets, sum[0] / sets,
                sum[1] / sets, sum[2] / sets));
        System.out.print(report);
        assertTrue(sets > 0 && sum[0] >= sum[1] && sum[0] >= sum[2], report.toString());
    }
}
