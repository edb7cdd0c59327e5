package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.GroupingAccuracy;
import dev.keymem.jobs.logs.mining.LoghubDataset;
import dev.keymem.jobs.logs.mining.MinerSettings;
import dev.keymem.jobs.testdata.Loghub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The miner and the summaries on the shared loghub_2k data sets (skipped, with the reason printed, where
 * {@code ../shared} is absent, e.g. in a fresh clone outside the team).
 */
class LogEvaluationTest {

    /** The loghub_2k folder, or null (the test is skipped then). */
    static Path loghub() {
        return Loghub.folder();
    }

    static Path requireLoghub() {
        Path p = loghub();
        if (p == null) {
            System.out.println("LogEvaluationTest skipped: no loghub_2k data (../../shared/data/loghub_2k relative to "
                    + "the jobs module, or -Dkeymem.loghub=DIR)");
        }
        Assumptions.assumeTrue(p != null, "no loghub_2k data");
        return p;
    }

    @Test
    void groupingAccuracyIsAtLeastDrainsOnEveryDataSetAndAbove095OnAverage() throws Exception {
        Path root = requireLoghub();
        Map<String, double[]> published = LogEvaluation.published(root.resolve("README.md"));
        List<Path> sets;
        try (var s = Files.list(root)) {
            sets = s.filter(LoghubDataset::isDataset).sorted().toList();
        }
        assertEquals(14, sets.size(), "data sets in " + root);
        double sum = 0;
        List<String> below = new ArrayList<>();
        for (Path d : sets) {
            LoghubDataset ds = LoghubDataset.read(d);
            double ga = GroupingAccuracy.of(ds.eventId(),
                    LogEvaluation.mine(ds.content(), MinerSettings.defaults().withHeaders(false)));
            double drain = published.get(ds.name())[0];
            System.out.printf(Locale.ROOT, "%-10s GA %.3f (Drain %.3f)%n", ds.name(), ga, drain);
            if (ga + 1e-9 < drain) {
                below.add(ds.name());
            }
            sum += ga;
        }
        assertTrue(below.isEmpty(), "below Drain: " + below);
        assertTrue(sum / sets.size() >= 0.95, "mean GA " + sum / sets.size());
    }

    @Test
    void summariesShowNearlyEveryTemplateVerbatimAboutOnceOnEveryDataSet() throws Exception {
        Path root = requireLoghub();
        Map<String, double[]> published = LogEvaluation.published(root.resolve("README.md"));
        List<Path> sets;
        try (var s = Files.list(root)) {
            sets = s.filter(LoghubDataset::isDataset).sorted().toList();
        }
        List<String> failed = new ArrayList<>();
        for (Path d : sets) {
            LogEvaluation.Row r = LogEvaluation.evaluate(LoghubDataset.read(d), LogSummarySettings.defaults(), published);
            System.out.printf(Locale.ROOT, "%-10s coverage %.3f, %.2f verbatim lines per template%n", r.name(),
                    r.coverage(), r.verbatimPerTemplate());
            if (r.coverage() < 0.95 || r.verbatimPerTemplate() > 1.2) {
                failed.add(r.name() + " " + r.coverage() + " " + r.verbatimPerTemplate());
            }
        }
        assertTrue(failed.isEmpty(), "coverage < 0.95 or > 1.2 verbatim lines per template: " + failed);
    }
}
