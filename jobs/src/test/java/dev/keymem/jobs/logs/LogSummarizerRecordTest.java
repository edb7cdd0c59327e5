package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The summary record written by the streaming generator against its reference, the tree's {@code toString()}. */
class LogSummarizerRecordTest {

    private static final String[] ATOMS = {"a", "Z", "0", "9", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u0000",
        "\u001f", "\u007f", "\u00e9", "\u2028", "\u4e2d", "\ud83d\ude00", "\ud800", "\udc00", "<*>", "{", "}", ",", ":",
        "null", "-1", "1e9", "\ufeff"};

    @Test
    void generatorTextIsTheTreesText() {
        SplittableRandom r = new SplittableRandom(13);
        for (int round = 0; round < 3000; round++) {
            SourceMemory m = new SourceMemory();
            m.summaries = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100);
            m.fromOffset = r.nextInt(4) == 0 ? -1 : r.nextLong(1L << 40);
            m.lastOffset = r.nextLong(-1, Long.MAX_VALUE);
            m.linesSinceLast = r.nextInt(100_000);
            m.position = r.nextLong(Long.MAX_VALUE);
            List<TemplateEntry> period = new ArrayList<>();
            Map<Integer, Double> significance = new HashMap<>();
            int n = r.nextInt(6);
            for (int i = 0; i < n; i++) {
                TemplateEntry t = new TemplateEntry(r.nextInt(3) == 0 ? Integer.MIN_VALUE + i : i,
                        r.nextInt(10) == 0 ? null : text(r));
                t.count = r.nextLong(Long.MAX_VALUE);
                t.firstOffset = r.nextLong(-1, 1L << 40);
                t.lastOffset = r.nextLong(-1, 1L << 40);
                StringBuilder packed = new StringBuilder();
                for (int k = r.nextInt(4); k > 0; k--) {
                    packed.append(packed.length() == 0 ? "" : String.valueOf(TemplateEntry.SEP)).append('+')
                            .append(text(r).replace(TemplateEntry.SEP, ' '));
                }
                t.params = packed.toString();
                t.paramsDistinct = r.nextInt(1000);
                t.innovation = switch (r.nextInt(6)) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.POSITIVE_INFINITY;
                    case 2 -> -0.0f;
                    case 3 -> Float.MIN_VALUE;
                    default -> (float) (r.nextDouble() * 1e6);
                };
                if (r.nextBoolean()) {
                    t.text = text(r);
                    t.flag = r.nextInt(5) == 0 ? null : "new";
                    t.textOffset = r.nextLong(-1, 1L << 40);
                    t.textTimestamp = r.nextInt(3) == 0 ? -1 : r.nextLong(1L << 45);
                }
                if (r.nextBoolean()) {
                    significance.put(t.id, r.nextInt(4) == 0 ? Double.NaN : r.nextDouble() * 10);
                }
                period.add(t);
            }
            List<TemplateEntry> listed = new ArrayList<>();
            for (TemplateEntry t : period) {
                if (r.nextInt(4) != 0) {
                    listed.add(t);
                }
            }
            String source = r.nextInt(10) == 0 ? null : text(r);
            boolean last = r.nextBoolean();
            int known = r.nextInt(Integer.MAX_VALUE);
            for (LogSummarySettings.Memory memory : LogSummarySettings.Memory.values()) {
                String expected = LogSummarizer.recordTree(m, known, source, last, period, listed, significance, memory)
                        .toString();
                assertEquals(expected, LogSummarizer.record(m, known, source, last, period, listed, significance,
                        memory), "round " + round);
            }
        }
    }

    private static String text(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            b.append(ATOMS[r.nextInt(ATOMS.length)]);
        }
        return b.toString();
    }
}
