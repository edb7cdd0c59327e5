package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.kafka.OutputBounds;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bounded summary record ({@code record(..., maxBytes)}, which writes only the templates that stay) against
 * its reference, the whole record cut by {@link OutputBounds#bound}: the same text, or the same exception.
 */
class LogSummarizerBoundTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pieces of text: escapes, controls, 2-, 3- and 4-byte UTF-8, and (in some rounds) unpaired surrogates. */
    private static final String[] ATOMS = {"a", "Z", "0", " ", "word ", "GET /api/v1/users ", "\"", "\\", "/", "\n",
        "\r", "\t", "\b", "\f", "\u0000", "\u0001", "\u001f", "\u007f", "\u00e9", "\u00ff", "\u0100", "\u07ff",
        "\u0800", "\u2028", "\u4e2d", "\uffff", "\ud83d\ude00", "\udbff\udfff", "<*>", "{", "}", ",", ":"};
    private static final String[] UNPAIRED = {"\ud800", "\udc00", "x\ud83d", "\ude00y"};

    /** One summary's inputs. */
    private record Summary(SourceMemory m, int known, String source, boolean last, List<TemplateEntry> period,
                           List<TemplateEntry> listed, Map<Integer, Double> significance,
                           LogSummarySettings.Memory memory) {
        String whole() {
            return LogSummarizer.record(m, known, source, last, period, listed, significance, memory);
        }

        String bounded(int max) {
            return LogSummarizer.record(m, known, source, last, period, listed, significance, memory, max);
        }

        int kept(int max) {
            return LogSummarizer.keptTemplates(m, known, source, last, listed, significance, memory,
                    new LogSummarizer.Counts(period, listed), max);
        }
    }

    private static String text(SplittableRandom r, int atoms, boolean unpaired) {
        StringBuilder b = new StringBuilder();
        for (int i = atoms; i > 0; i--) {
            b.append(unpaired && r.nextInt(40) == 0 ? UNPAIRED[r.nextInt(UNPAIRED.length)]
                    : ATOMS[r.nextInt(r.nextInt(3) == 0 ? ATOMS.length : 6)]);
        }
        return b.toString();
    }

    private static Summary summary(SplittableRandom r, int templates, int atoms, boolean unpaired) {
        SourceMemory m = new SourceMemory();
        m.summaries = r.nextInt(5) == 0 ? r.nextLong() : r.nextInt(100);
        m.fromOffset = r.nextInt(4) == 0 ? -1 : r.nextLong(1L << 40);
        m.lastOffset = r.nextInt(9) == 0 ? Long.MIN_VALUE : r.nextLong(-1, Long.MAX_VALUE);
        m.linesSinceLast = r.nextInt(100_000);
        m.position = r.nextLong(Long.MAX_VALUE);
        List<TemplateEntry> period = new ArrayList<>();
        Map<Integer, Double> significance = new HashMap<>();
        for (int i = 0; i < templates; i++) {
            TemplateEntry t = new TemplateEntry(r.nextInt(3) == 0 ? Integer.MIN_VALUE + i : i,
                    r.nextInt(20) == 0 ? null : text(r, r.nextInt(atoms + 1), unpaired));
            t.count = r.nextLong(Long.MAX_VALUE);
            t.firstOffset = r.nextLong(-1, 1L << 40);
            t.lastOffset = r.nextLong(-1, 1L << 40);
            StringBuilder packed = new StringBuilder();
            for (int k = r.nextInt(6); k > 0; k--) {
                packed.append(packed.length() == 0 ? "" : String.valueOf(TemplateEntry.SEP)).append('+')
                        .append(text(r, r.nextInt(atoms / 4 + 1), unpaired).replace(TemplateEntry.SEP, ' '));
            }
            t.params = packed.toString();
            t.paramsDistinct = r.nextInt(1000);
            t.innovation = switch (r.nextInt(6)) {
                case 0 -> Float.NaN;
                case 1 -> Float.POSITIVE_INFINITY;
                case 2 -> -0.0f;
                case 3 -> Float.MIN_VALUE;
                default -> (float) (r.nextDouble() * Math.pow(10, r.nextInt(14) - 7));
            };
            if (r.nextInt(3) != 0) {
                t.text = text(r, r.nextInt(atoms * 3 + 1), unpaired);
                t.flag = r.nextInt(10) == 0 ? null : "new";
                t.textOffset = r.nextLong(-1, 1L << 40);
                t.textTimestamp = r.nextInt(3) == 0 ? -1 : r.nextInt(8) == 0 ? 0 : r.nextLong(1L << 45); // 0: 1970-01-01T00:00:00Z, written
            }
            if (r.nextBoolean()) {
                significance.put(t.id, r.nextInt(4) == 0 ? Double.NaN : r.nextDouble() * 10);
            }
            period.add(t);
        }
        List<TemplateEntry> listed = period;
        if (r.nextBoolean()) {
            listed = new ArrayList<>();
            for (TemplateEntry t : period) {
                if (r.nextInt(4) != 0) {
                    listed.add(t);
                }
            }
        }
        String source = r.nextInt(20) == 0 ? null : "src-" + text(r, r.nextInt(6), unpaired);
        LogSummarySettings.Memory[] memories = LogSummarySettings.Memory.values();
        return new Summary(m, r.nextInt(Integer.MAX_VALUE), source, r.nextBoolean(), period, listed, significance,
                memories[r.nextInt(memories.length)]);
    }

    /** The reference's answer: the whole record bounded, or the exception it throws (class and message). */
    private static String reference(String whole, int max) {
        try {
            return OutputBounds.bound(whole, max);
        } catch (RuntimeException e) {
            return "THROWS " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String fast(Summary s, int max) {
        try {
            return s.bounded(max);
        } catch (RuntimeException e) {
            return "THROWS " + e.getClass().getName() + ": " + e.getMessage();
        }
    }

    /**
     * Asserts the bounded record is the reference's text; where the reference only dropped templates and the
     * summary has no unpaired surrogate, that the sizes alone gave the number kept (no fallback to the
     * reference). Answers 1 when templates were cut from the middle of the list, else 0.
     */
    private static int same(Summary s, String whole, int max, boolean unpaired, String where) throws Exception {
        String ref = reference(whole, max);
        assertEquals(ref, fast(s, max), where + " max " + max);
        if (ref.startsWith("THROWS ")) {
            return 0;
        }
        JsonNode o = JSON.readTree(ref);
        boolean stringsCut = ref.contains("\u2026[cut]") && !whole.contains("\u2026[cut]");
        int n = s.listed().size();
        int left = o.get("templates").size();
        if (!unpaired && !stringsCut) {
            assertEquals(left, s.kept(max), where + " max " + max + ": the templates kept, from the sizes");
            assertEquals(n - left, o.path("templates_cut").asInt(0), where);
        }
        return left > 0 && left < n ? 1 : 0;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void randomSummariesAtLimitsAroundTheirSizeAreTheReferencesText() throws Exception {
        SplittableRandom r = new SplittableRandom(29);
        int middle = 0;
        for (int round = 0; round < 250; round++) {
            boolean unpaired = round % 5 == 4;
            Summary s = summary(r, r.nextInt(4) == 0 ? r.nextInt(4) : r.nextInt(80), 1 + r.nextInt(60), unpaired);
            String whole = s.whole();
            int b = bytes(whole);
            int[] limits = {b, b - 1, b + 1, b / 2, b / 3, b / 10, 4096, 300, 1 + r.nextInt(b + 1),
                b - r.nextInt(Math.min(b, 2000) + 1), Integer.MAX_VALUE};
            for (int max : limits) {
                middle += same(s, whole, Math.max(1, max), unpaired, "round " + round);
            }
        }
        assertTrue(middle > 600, middle + " summaries cut in the middle of their list");
    }

    @Test
    void everyLimitOfSmallSummaries() throws Exception {
        // every byte limit from well under the size to past it: cuts at, just before and just after each
        // template's end, and the summary exactly at the limit
        SplittableRandom r = new SplittableRandom(31);
        int middle = 0;
        for (int round = 0; round < 10; round++) {
            boolean unpaired = round == 9;
            Summary s = summary(r, 2 + r.nextInt(12), 1 + r.nextInt(20), unpaired);
            String whole = s.whole();
            int b = bytes(whole);
            for (int max = Math.max(1, b - 1000); max <= b + 2; max++) {
                middle += same(s, whole, max, unpaired, "round " + round);
            }
        }
        assertTrue(middle > 2000, middle + " limits that cut in the middle of the list");
    }

    @Test
    void adversarialSummaries() throws Exception {
        SplittableRandom r = new SplittableRandom(37);
        List<Summary> cases = new ArrayList<>();
        // escapes only: 6 bytes a char, what the quick upper bound assumes
        Summary esc = summary(r, 30, 10, false);
        for (TemplateEntry t : esc.period()) {
            t.text = "\u0001".repeat(200 + r.nextInt(50));
            t.flag = "new";
        }
        cases.add(esc);
        // 4-byte chars only, 3-byte chars only
        Summary astral = summary(r, 30, 10, false);
        for (TemplateEntry t : astral.period()) {
            t.template = "\ud83d\ude00".repeat(1 + r.nextInt(100));
            t.text = "\u4e2d".repeat(1 + r.nextInt(300));
            t.flag = "changed";
        }
        cases.add(astral);
        // a header over the limit by itself (long source): no dropping is enough, strings are cut
        Summary big = summary(r, 5, 10, false);
        cases.add(new Summary(big.m(), big.known(), "s\"\\\u00e9".repeat(2000), big.last(), big.period(),
                big.listed(), big.significance(), big.memory()));
        // one template far larger than the rest, first and last
        for (boolean first : new boolean[] {true, false}) {
            Summary one = summary(r, 20, 10, false);
            TemplateEntry t = one.listed().get(first ? 0 : one.listed().size() - 1);
            t.text = "x\"".repeat(20_000);
            t.flag = "new";
            cases.add(one);
        }
        // an unpaired surrogate in the source only, and in the last template's text only
        Summary src = summary(r, 20, 30, false);
        cases.add(new Summary(src.m(), src.known(), "src\ud800", src.last(), src.period(), src.listed(),
                src.significance(), src.memory()));
        Summary tail = summary(r, 20, 30, false);
        tail.listed().get(tail.listed().size() - 1).text = "end \udc00";
        cases.add(tail);
        // no templates
        cases.add(summary(r, 0, 10, false));
        for (int i = 0; i < cases.size(); i++) {
            Summary s = cases.get(i);
            boolean unpaired = i == 5 || i == 6;
            String whole = s.whole();
            int b = bytes(whole);
            int[] limits = {b, b - 1, b + 1, b / 2, b / 7, 4096, 512, 100, 16};
            for (int max : limits) {
                same(s, whole, Math.max(1, max), unpaired, "case " + i);
            }
            for (int k = 0; k < 30; k++) {
                same(s, whole, 1 + r.nextInt(b + 1), unpaired, "case " + i);
            }
        }
    }

    @Test
    void largeSummariesAtTheJobsLimit() throws Exception {
        SplittableRandom r = new SplittableRandom(41);
        for (int round = 0; round < 3; round++) {
            Summary s = summary(r, 400 + r.nextInt(400), 400, false);
            String whole = s.whole();
            assertTrue(bytes(whole) > 1_000_000, "over the limit");
            assertEquals(1, same(s, whole, 512 * 1024, false, "round " + round));
        }
    }

    /**
     * The one-pass writer with the entries past the limit measured, not written (the job's form), against the same
     * writer writing every entry and cutting back (its reference, the form before session 28): the same text and
     * the same bytes counted, or both null, at limits that cut the list anywhere.
     */
    @Test
    void entriesPastTheLimitMeasuredAreTheWrittenOnesText() throws Exception {
        SplittableRandom r = new SplittableRandom(53);
        int cut = 0;
        int nulls = 0;
        for (int round = 0; round < 400; round++) {
            boolean unpaired = round % 7 == 6;
            Summary s = summary(r, r.nextInt(5) == 0 ? r.nextInt(4) : r.nextInt(60), 1 + r.nextInt(80), unpaired);
            String whole = s.whole();
            int b = bytes(whole);
            int[] limits = {b, b - 1, b / 2, b / 3, b / 10, 1 + r.nextInt(b + 1), b - r.nextInt(Math.min(b, 500) + 1),
                200 + r.nextInt(400)};
            LogSummarizer.Counts c = new LogSummarizer.Counts(s.period(), s.listed());
            for (int max : limits) {
                max = Math.max(1, max);
                long[] fastBytes = {-7};
                long[] refBytes = {-7};
                String fast = SummaryJson.bounded(s.m(), s.known(), s.source(), s.last(), s.listed(), s.significance(),
                        s.memory(), c, max, fastBytes, true);
                String ref = SummaryJson.bounded(s.m(), s.known(), s.source(), s.last(), s.listed(), s.significance(),
                        s.memory(), c, max, refBytes, false);
                assertEquals(ref, fast, "round " + round + " max " + max);
                assertEquals(refBytes[0], fastBytes[0], "round " + round + " max " + max + ": bytes");
                if (ref == null) {
                    nulls++;
                } else if (ref.contains("\"templates_cut\"")) {
                    cut++;
                    assertEquals(reference(whole, max), fast, "round " + round + " max " + max + ": the bound's");
                }
            }
        }
        assertTrue(cut > 1500 && nulls > 100, cut + " cut, " + nulls + " null");
    }

    @Test
    void sizerMeasuresWhatJacksonWrites() throws Exception {
        SplittableRandom r = new SplittableRandom(43);
        JsonFactory f = new JsonFactory();
        LogSummarizer.Sizer z = new LogSummarizer.Sizer();
        for (int i = 0; i < 3000; i++) {
            String s = i == 0 ? "" : text(r, r.nextInt(i < 100 ? 5 : 400), false);
            StringWriter w = new StringWriter();
            try (JsonGenerator g = f.createGenerator(w)) {
                g.writeString(s);
            }
            assertEquals(bytes(w.toString()), z.string(s), s);
            int from = r.nextInt(s.length() + 1);
            int to = from + r.nextInt(s.length() - from + 1);
            String part = s.substring(from, to);
            if (!part.isEmpty() && (Character.isLowSurrogate(part.charAt(0))
                    || Character.isHighSurrogate(part.charAt(part.length() - 1)))) {
                continue; // a pair cut in half
            }
            assertEquals(z.string(part), z.string(s, from, to));
        }
        assertTrue(!z.unpaired, "no unpaired surrogate measured");
        z.string("a\ud800b");
        assertTrue(z.unpaired, "an unpaired surrogate is noticed");
        for (long v : new long[] {0, 9, 10, -1, -9, -10, 99, 100, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
            Integer.MIN_VALUE, 1_000_000_000_000L}) {
            assertEquals(Long.toString(v).length(), LogSummarizer.digits(v), Long.toString(v));
        }
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            assertEquals(Long.toString(v).length(), LogSummarizer.digits(v), Long.toString(v));
        }
    }

    @Test
    void liveIdsAnswerAsTheMinersClusterLookup() {
        TemplateMiner miner = new TemplateMiner();
        MinerState ms = new MinerState();
        SplittableRandom r = new SplittableRandom(47);
        for (int i = 0; i < 3000; i++) {
            StringBuilder line = new StringBuilder("op" + r.nextInt(20));
            for (int k = r.nextInt(8); k > 0; k--) {
                line.append(" step").append(r.nextInt(3)).append(' ').append(r.nextInt(1000));
            }
            miner.accept(ms, line.toString());
        }
        int[] live = LogSummarizer.liveIds(ms);
        assertTrue(live.length > 10, Arrays.toString(live));
        int max = Arrays.stream(live).max().orElse(0);
        for (int id = -2; id <= max + 2; id++) {
            assertEquals(ms.cluster(id) == null, Arrays.binarySearch(live, id) < 0, "id " + id);
        }
    }
}
