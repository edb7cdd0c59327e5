package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.testdata.Loghub;
import dev.keymem.jobs.text.ShapeLines;
import dev.keymem.jobs.text.TextFrontEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The summarizer computes a line's variant key only where its tally reads it (a line that may be shown): its
 * summaries are those of computing every line's key ({@code referenceVariantKeys}, the reference), char for char,
 * on the first 1,000 lines of each loghub_2k set, the bundled sample, generated lines of the benchmark shapes (kv,
 * JSON, ids, stack traces, the maskers' rules), short lines with varying words and random strings; short periods
 * and a low reshow bar, so that lines are flagged {@code returned}, {@code changed} and {@code variant} often.
 */
class LogSummarizerVariantKeyTest {
    static List<String> lines() throws Exception {
        List<String> all = Loghub.lines("LogSummarizerVariantKeyTest");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i / 1000 % 2 == 0) { // the first 1,000 lines of each 2,000-line set
                lines.add(all.get(i));
            }
        }
        lines.addAll(Files.readAllLines(Path.of("..", "samples", "logs", "services.log")));
        SplittableRandom r = new SplittableRandom(1313);
        String[] words = {"alpha", "beta", "gamma", "delta", "cache", "order", "retry", "user=root", "state"};
        for (int n = 0; n < 3_000; n++) {
            String l;
            switch (r.nextInt(6)) {
                case 0 -> l = ShapeLines.kv(r);
                case 1 -> l = ShapeLines.json(r);
                case 2 -> l = ShapeLines.ids(r);
                case 3 -> l = ShapeLines.ruleShapes(r);
                case 4 -> l = n % 50 == 0 ? ShapeLines.stack(r) : "job " + words[r.nextInt(words.length)]
                        + " finished in " + r.nextInt(1000) + " ms on " + words[r.nextInt(words.length)];
                default -> {
                    StringBuilder sb = new StringBuilder();
                    for (int k = r.nextInt(40); k > 0; k--) {
                        sb.append((char) (r.nextInt(8) == 0 ? ' ' : 32 + r.nextInt(r.nextBoolean() ? 95 : 400)));
                    }
                    l = sb.toString();
                }
            }
            lines.add(l);
        }
        return lines;
    }

    static List<String> run(List<String> lines, LogSummarySettings settings, boolean reference) throws Exception {
        LogSummarizer s = new LogSummarizer(settings, TextFrontEnd.builder().dimension(settings.dimension()).build());
        s.referenceVariantKeys = reference;
        LogLineParser parser = new LogLineParser(null);
        Map<String, SourceMemory> mem = new HashMap<>();
        Map<String, SourceStores> stores = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            LogLine l;
            try {
                l = parser.parse(null, lines.get(i), i, -1);
            } catch (InvalidRecordException e) {
                continue; // a mutated JSON line: the job's dead letter
            }
            SourceMemory m = mem.computeIfAbsent(l.source, k -> s.newMemory(k.hashCode()));
            String sum = s.accept(m, stores.computeIfAbsent(l.source, k -> SourceStores.inMemory()), l);
            if (sum != null) {
                out.add(sum);
            }
        }
        for (Map.Entry<String, SourceMemory> e : mem.entrySet()) {
            String sum = s.summarize(e.getValue(), stores.get(e.getKey()), e.getKey(), true);
            if (sum != null) {
                out.add(sum);
            }
        }
        return out;
    }

    @Test
    void summariesAreThoseOfComputingEveryLinesKey() throws Exception {
        List<String> lines = lines();
        LogSummarySettings settings = LogSummarySettings.defaults().withEvery(50, 0).withSilenceLines(20)
                .with(LogOptions.RESHOW_INNOVATION, 0.05f);
        List<String> fast = run(lines, settings, false);
        List<String> reference = run(lines, settings, true);
        assertEquals(reference.size(), fast.size());
        for (int i = 0; i < fast.size(); i++) {
            assertEquals(reference.get(i), fast.get(i), "summary " + i);
        }
        // the decisions the key takes part in are met
        long variants = fast.stream().filter(j -> j.contains("\"flag\":\"variant\"")).count();
        long returned = fast.stream().filter(j -> j.contains("\"flag\":\"returned\"")).count();
        System.out.println("LogSummarizerVariantKeyTest: " + lines.size() + " lines, " + fast.size()
                + " summaries, " + variants + " with a variant, " + returned + " with a returned template");
        assertTrue(variants > 0);
        assertTrue(returned > 0);
    }
}
