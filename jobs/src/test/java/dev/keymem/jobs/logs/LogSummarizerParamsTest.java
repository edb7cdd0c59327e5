package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.logs.mining.LineTokensScanTestLines;
import dev.keymem.jobs.logs.mining.LineVariant;
import dev.keymem.jobs.logs.mining.MinerState;
import dev.keymem.jobs.logs.mining.TemplateMiner;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The summarizer's per-line fast forms against their references, line by line on real logs (the scan tests' lines,
 * loghub_2k where present), stack traces as one record, logfmt and JSON lines and random text:
 * {@link LogSummarizer#params(String, String, boolean, LogSummarizer.TemplateWords)} (the words found as they are
 * read) against {@code params} of {@link LogSummarizer#words} / {@link LogSummarizer#messageWords}; the template's
 * words from the match's {@link TemplateMiner.Match#templateTokens()} against those split off its text; and
 * {@link LineVariant#key(String[], boolean[], String[])} against {@link LineVariant#key(String[], String[])}.
 */
class LogSummarizerParamsTest {

    /** Stack traces as one record each: a header line, an exception, frames, a cause; seeded. */
    static List<String> stackTraces(int n, long seed) {
        Random r = new Random(seed);
        String[] pkgs = {"com.acme.orders", "org.hibernate.engine", "io.netty.channel", "java.util.concurrent"};
        String[] classes = {"HikariPool", "RetryTemplate", "OrderService", "JsonMapper", "DispatcherServlet"};
        String[] methods = {"run", "poll", "invoke", "handle", "getConnection"};
        String[] errors = {"java.lang.IllegalStateException: order 42 already settled",
            "org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s) for orders-3:120000 ms has passed",
            "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"name\" is null"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder("2026-01-23T08:00:0" + r.nextInt(10) + ".000Z ERROR [exec-" + r.nextInt(200)
                    + "] " + pkgs[r.nextInt(pkgs.length)] + "." + classes[r.nextInt(classes.length)] + " - request failed\n");
            b.append(errors[r.nextInt(errors.length)]);
            for (int k = 3 + r.nextInt(30); k > 0; k--) {
                b.append("\n\tat ").append(pkgs[r.nextInt(pkgs.length)]).append('.').append(classes[r.nextInt(classes.length)])
                        .append('.').append(methods[r.nextInt(methods.length)]).append('(')
                        .append(classes[r.nextInt(classes.length)]).append(".java:").append(r.nextInt(900)).append(')');
            }
            if (r.nextBoolean()) {
                b.append("\n\t... ").append(r.nextInt(40)).append(" more\nCaused by: ").append(errors[r.nextInt(errors.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }

    /** logfmt and JSON lines whose values are words, numbers and texts; seeded. */
    static List<String> fieldLines(int n, long seed) {
        Random r = new Random(seed);
        String[] words = {"order", "payment", "timeout", "retry", "user", "root", "for", "true", "false", "a b"};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder();
            boolean json = r.nextBoolean();
            b.append(json ? "{" : "ts=2026-01-0" + r.nextInt(9) + " ");
            for (int k = 2 + r.nextInt(6); k > 0; k--) {
                String key = "k" + r.nextInt(5);
                String v = r.nextInt(3) == 0 ? Integer.toString(r.nextInt(1000)) : words[r.nextInt(words.length)];
                if (json) {
                    b.append('"').append(key).append("\":\"").append(v).append("\",");
                } else {
                    b.append(key).append('=').append(v.contains(" ") ? "\"" + v + "\"" : v).append(' ');
                }
            }
            if (json) {
                b.append("\"msg\":\"").append(words[r.nextInt(words.length)]).append(" done\"}");
            } else {
                b.append("msg=").append(words[r.nextInt(words.length)]);
            }
            out.add(b.toString());
        }
        return out;
    }

    @Test
    void fastFormsMatchTheReferencesOnLines() throws Exception {
        List<String> lines = new ArrayList<>(LineTokensScanTestLines.realLines()); // with loghub_2k where present
        lines.addAll(stackTraces(400, 3));
        lines.addAll(fieldLines(3000, 5));
        lines.add("");
        lines.add("   ");
        lines.add("a <NUM> b");
        lines.add("w ".repeat(3000) + "end"); // bounds grown past what the scratch keeps, then lines after it
        lines.add("a 1 b");
        // one scratch for every line, as the summarizer keeps it: no line's words, counts or text left for the next
        LogSummarizer.ParamsScratch scratch = new LogSummarizer.ParamsScratch();
        java.util.Map<String, LogSummarizer.Masked> facts = new java.util.HashMap<>();
        TemplateMiner miner = new TemplateMiner();
        MinerState ms = new MinerState();
        int withParams = 0;
        int withKey = 0;
        for (String line : lines) {
            TemplateMiner.Match m = miner.accept(ms, line);
            String[] words = m.templateTokens();
            if (!m.template().isEmpty()) {
                assertArrayEquals(m.template().split(" ", -1), words, line);
            }
            LogSummarizer.TemplateWords ref = new LogSummarizer.TemplateWords(m.template());
            LogSummarizer.TemplateWords fast = new LogSummarizer.TemplateWords(m.template(), words);
            assertArrayEquals(ref.tokens, fast.tokens, line);
            assertEquals(ref.slots(), fast.slots(), line);
            assertArrayEquals(ref.counts, fast.counts, line);
            assertArrayEquals(ref.fields(), fast.fields(), line);
            // the table's slots and counts are those the map built word by word gave (the reference)
            int[][] refCounts = new int[1][];
            assertEquals(fast.slotsReference(refCounts), fast.slots(), line);
            assertArrayEquals(refCounts[0], fast.counts, line);
            for (String t : words) {
                assertEquals(t.contains("<*>"), LogSummarizer.TemplateWords.hasWildcard(t), t);
            }
            String mined = m.message() != null ? m.message() : line;
            for (boolean bare : new boolean[] {false, true}) {
                String want = LogSummarizer.params(bare ? LogSummarizer.words(mined)
                        : LogSummarizer.messageWords(mined, m.masked()), ref);
                assertEquals(want, LogSummarizer.params(mined, m.masked(), bare, fast), line);
                assertEquals(want, scratch.params(mined, m.masked(), bare, fast), line);
                // with the masked message's facts, kept per masked message as the summarizer keeps them
                assertEquals(want, scratch.params(mined, m.masked(), bare, fast,
                        facts.computeIfAbsent(m.masked(), k -> new LogSummarizer.Masked(null, null))), line);
                withParams += want.isEmpty() ? 0 : 1;
            }
            String key = LineVariant.key(ref.tokens, m.tokens());
            assertEquals(key, LineVariant.key(fast.tokens, fast.fields(), m.tokens()), line);
            withKey += key.isEmpty() ? 0 : 1;
        }
        assertTrue(withParams > lines.size() / 2, "lines with parameters: " + withParams);
        assertTrue(withKey > 20, "lines with a variant key: " + withKey);
    }

    @Test
    void templateWordsSlotByCharsIsTheMapsSlot() {
        // TemplateWords.slot(line, from, to) against slots.get(substring): constants, other words, the same hash
        // ("Aa" / "BB"), lengths 0, 32-63 and over 63 (the length bits; review 24a F7), chars above Latin-1, words
        // inside longer lines
        String[] words = {"a", "b", "Aa", "BB", "ab", "<*>", "x<*>", "\u00e9t\u00e9", "\u4e2d\u6587", "",
            "k=v", "a".repeat(64), "a".repeat(65), "ba", "1", "abc", "c".repeat(40), "d".repeat(70)};
        Random r = new Random(31);
        for (int n = 0; n < 3000; n++) {
            StringBuilder t = new StringBuilder();
            for (int i = r.nextInt(10); i > 0; i--) {
                t.append(t.length() == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
            }
            LogSummarizer.TemplateWords tw = new LogSummarizer.TemplateWords(t.toString());
            int[][] refCounts = new int[1][];
            assertEquals(tw.slotsReference(refCounts), tw.slots(), t.toString());
            assertArrayEquals(refCounts[0], tw.counts, t.toString());
            for (String w : words) {
                String pad = "xy".substring(0, r.nextInt(3) == 0 ? 2 : 0);
                String line = pad + w + " z";
                Integer want = tw.slots().get(w);
                assertEquals(want == null ? -1 : want, tw.slot(line, pad.length(), pad.length() + w.length()),
                        t + " / " + w);
            }
        }
    }

    @Test
    void hasWildcardIsContains() {
        String[] cases = {"", "<", "<*", "*>", "<*>", "a<*>", "<*>b", "<<*>", "<*<*>", "<x<*>>", "<NUM>", "c<", "<* >",
            "a<*b>", "\u00e9<*>", "<\u4e2d*>", "<**>", "x<*>y<*>"};
        for (String c : cases) {
            assertEquals(c.contains("<*>"), LogSummarizer.TemplateWords.hasWildcard(c), c);
        }
    }

    @Test
    void paramsOfRandomLinesSameAsTheReference() {
        String[] parts = {"a", "b", "<NUM>", "x<NUM>", "<*>", "ab", "1", "", " ", "\t", "\u2003", "\u00a0", "c<", "[a]",
            "\n", "\r\n", "<Q>", "x<Q>", "717", "ms", "717 ms", "\u0120", "a\u0109b", "\u010d", "x\u0a20y",
            "a\u001fb", "\u001f", "\u011f", "\u00e9t\u00e9"};
        String[] tparts = {"a", "b", "<*>", "x<*>", "ab", "1", "c<", "[a]"};
        Random r = new Random(29);
        LogSummarizer.ParamsScratch scratch = new LogSummarizer.ParamsScratch();
        java.util.Map<String, LogSummarizer.Masked> facts = new java.util.HashMap<>();
        for (int n = 0; n < 30000; n++) {
            StringBuilder line = new StringBuilder();
            for (int i = r.nextInt(14); i > 0; i--) {
                line.append(parts[r.nextInt(parts.length)]).append(r.nextInt(5) == 0 ? "\t " : " ");
            }
            StringBuilder masked = new StringBuilder();
            for (int i = r.nextInt(6); i > 0; i--) {
                masked.append(parts[r.nextInt(parts.length)]).append(r.nextInt(5) == 0 ? "  " : " ");
            }
            StringBuilder t = new StringBuilder();
            for (int i = r.nextInt(9); i > 0; i--) {
                t.append(t.length() == 0 ? "" : " ").append(tparts[r.nextInt(tparts.length)]);
            }
            String l = line.toString();
            String m = masked.toString();
            LogSummarizer.TemplateWords tw = new LogSummarizer.TemplateWords(t.toString());
            assertEquals(LogSummarizer.params(LogSummarizer.messageWords(l, m), tw), LogSummarizer.params(l, m, false, tw),
                    l + " / " + m + " / " + t);
            assertEquals(LogSummarizer.params(LogSummarizer.words(l), tw), LogSummarizer.params(l, m, true, tw),
                    l + " / " + t);
            boolean bare = r.nextBoolean(); // the scratch, kept over all lines, as the static form
            assertEquals(LogSummarizer.params(l, m, bare, tw), scratch.params(l, m, bare, tw), l + " / " + m + " / " + t);
            assertEquals(LogSummarizer.params(l, m, bare, tw), scratch.params(l, m, bare, tw,
                    facts.computeIfAbsent(m, k -> new LogSummarizer.Masked(null, null))), l + " / " + m + " / " + t);
        }
    }

    @Test
    void variantKeyOfFieldTokensSameAsTheReference() {
        String[] tparts = {"<*>", "a=<*>", "\"k\":\"<*>\",", "X.run(<*>)", "word", "key:<*>", "msg=<*>", "user", "<*>x",
            "a=b", "(<*>)", "k=(<*>", "k=\"<*>\""};
        String[] lparts = {"a=b", "a=<*>", "\"k\":\"v\",", "\"k\":\"<*>\",", "X.run(F.java:3)", "word", "key:val",
            "msg=done", "msg=\"a b\"", "user", "root", "k=(x", "k=\"x y\"", "<*>", "7", "x7"};
        Random r = new Random(31);
        int keys = 0;
        for (int n = 0; n < 30000; n++) {
            int len = 1 + r.nextInt(6);
            String[] tmpl = new String[len];
            String[] line = new String[len];
            for (int i = 0; i < len; i++) {
                tmpl[i] = tparts[r.nextInt(tparts.length)];
                line[i] = lparts[r.nextInt(lparts.length)];
            }
            String want = LineVariant.key(tmpl, line);
            assertEquals(want, LineVariant.key(tmpl, LineVariant.fields(tmpl), line),
                    String.join(" ", tmpl) + " / " + String.join(" ", line));
            keys += want.isEmpty() ? 0 : 1;
        }
        assertTrue(keys > 1000, "keys: " + keys);
    }
}
