package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LogSummarizer#words} is {@code strip().split("\\s+")} (the reference form) on any text. */
class LogSummarizerWordsTest {
    @Test
    void sameAsTheRegularExpressionSplit() {
        char[] alphabet = {'a', 'b', ' ', ' ', '\t', '\n', '\r', '\f', 0x0B, '\u2003', '\u00A0', '<', '*', '>',
            '\u3000', '1'};
        Random r = new Random(7);
        for (String s : new String[] {"", " ", "\t \n", "a", " a  b ", "a\u2003b", "\u2003a\u2003", "\u00A0 x"}) {
            assertArrayEquals(s.strip().split("\\s+"), LogSummarizer.words(s), "'" + s + "'");
        }
        for (int n = 0; n < 20000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = r.nextInt(12);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet[r.nextInt(alphabet.length)]);
            }
            String s = sb.toString();
            assertArrayEquals(s.strip().split("\\s+"), LogSummarizer.words(s), "'" + s + "'");
        }
    }

    @Test
    void asciiSpaceRangeTestSameAsTheSixChars() {
        int spaces = 0;
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            boolean want = LogSummarizer.asciiSpaceReference((char) c);
            org.junit.jupiter.api.Assertions.assertEquals(want, LogSummarizer.asciiSpace((char) c), "char " + c);
            spaces += want ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertEquals(6, spaces);
    }

    @Test
    void shapeScanSameAsTheRegularExpression() {
        String[] parts = {"<", ">", "<NUM>", "<IP>", "<*>", "<A", "B>", "<ab>", "x", " ", "<<TS>>", "<NUM><NUM>"};
        Random r = new Random(11);
        for (int n = 0; n < 20000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int i = r.nextInt(80); i > 0; i--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            String s = sb.toString();
            org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.shapeReference(s), LogSummarizer.shape(s), s);
        }
    }

    @Test
    void messageWordsAreTheWordsOfTheMessagePart() throws Exception {
        dev.keymem.jobs.logs.mining.TemplateMiner miner = new dev.keymem.jobs.logs.mining.TemplateMiner();
        dev.keymem.jobs.logs.mining.MinerState ms = new dev.keymem.jobs.logs.mining.MinerState();
        java.util.List<String> lines = dev.keymem.jobs.logs.mining.LineTokensScanTestLines.realLines();
        lines.add("");
        lines.add("   ");
        lines.add("a <NUM> b");
        for (String line : lines) {
            dev.keymem.jobs.logs.mining.TemplateMiner.Match m = miner.accept(ms, line);
            String masked = m.masked();
            String[] words = LogSummarizer.messageWords(line, masked);
            assertArrayEquals(LogSummarizer.words(LogSummarizer.messagePart(line, masked)), words, line);
            org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.params(words, m.template()),
                    LogSummarizer.params(words, new LogSummarizer.TemplateWords(m.template())), line);
            org.junit.jupiter.api.Assertions.assertEquals(
                    dev.keymem.jobs.logs.mining.LineVariant.key(m.template(), m.tokens()),
                    dev.keymem.jobs.logs.mining.LineVariant.key(m.template().split(" ", -1), m.tokens()), line);
        }
    }

    @Test
    void messageWordsOfRandomLinesSameAsTheReference() {
        // and chars whose low byte is an ASCII whitespace's (U+0120, U+0109, U+010D, U+0A20): words of the chars
        String[] parts = {"a", "b", "<NUM>", "x<NUM>", "<*>", "ab", "1", "", " ", "\t", "\u2003", "\u00a0", "c<", "[a]",
            "\u0120", "a\u0109b", "\u010d", "x\u0a20y"};
        Random r = new Random(23);
        for (int n = 0; n < 20000; n++) {
            StringBuilder line = new StringBuilder();
            for (int i = r.nextInt(10); i > 0; i--) {
                line.append(parts[r.nextInt(parts.length)]).append(r.nextInt(5) == 0 ? "\t " : " ");
            }
            StringBuilder masked = new StringBuilder();
            for (int i = r.nextInt(6); i > 0; i--) {
                masked.append(parts[r.nextInt(parts.length)]).append(r.nextInt(5) == 0 ? "  " : " ");
            }
            String l = line.toString();
            String m = masked.toString();
            assertArrayEquals(LogSummarizer.messageWordsReference(l, m), LogSummarizer.messageWords(l, m), l + " / " + m);
        }
    }

    @Test
    void paramsOverTemplateWordsSameAsTheReference() {
        String[] parts = {"a", "b", "<*>", "x<*>", "", " ", "a\u001fb", "c", "1"};
        Random r = new Random(13);
        for (int n = 0; n < 20000; n++) {
            StringBuilder t = new StringBuilder();
            for (int i = r.nextInt(8); i > 0; i--) {
                t.append(parts[r.nextInt(parts.length)]).append(r.nextInt(4) == 0 ? "  " : " ");
            }
            String[] line = new String[r.nextInt(14)];
            for (int i = 0; i < line.length; i++) {
                line[i] = parts[r.nextInt(parts.length)].strip();
                if (line[i].isEmpty()) {
                    line[i] = "z".repeat(r.nextInt(1, 60));
                }
            }
            String tmpl = t.toString();
            org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.params(line, tmpl),
                    LogSummarizer.params(line, new LogSummarizer.TemplateWords(tmpl)), tmpl + " / " + String.join("|", line));
        }
    }

    @Test
    void packedListScansSameAsSplitting() {
        String[] parts = {"+a", "+b", "+", "+ab", "+<NUM>", "+~0=x", "+~", "+~a", "+0=x", "+~~0=x"};
        Random r = new Random(5);
        for (int n = 0; n < 20000; n++) {
            StringBuilder p = new StringBuilder();
            for (int i = r.nextInt(6); i > 0; i--) {
                p.append(p.length() == 0 ? "" : "\u001f").append(parts[r.nextInt(parts.length)]);
            }
            String packed = p.toString();
            org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.countReference(packed), LogSummarizer.count(packed));
            for (String v : new String[] {"a", "b", "", "ab", "<NUM>", "~0=x", "c", "a\u001f+b"}) {
                org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.containsReference(packed, v),
                        LogSummarizer.contains(packed, v), packed + " / " + v);
                org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.containsReference(packed, "~" + v),
                        LogSummarizer.containsVariant(packed, v), packed + " / ~" + v);
                org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.containsReference(packed, v) ? -1
                        : LogSummarizer.countReference(packed), LogSummarizer.countUnlessHeld(packed, v), packed + " / " + v);
            }
        }
    }

    /**
     * A kept {@link LogSummarizer.PackedIndex} answers as {@link LogSummarizer#countUnlessHeld(String, String)} on
     * the reference's split: over lists grown through it (hashes kept), grown elsewhere, cleared, or handed an equal
     * list that is another string, with values that collide in their hash ({@code "Aa"}, {@code "BB"}).
     */
    @Test
    void packedIndexCountsAsScanning() {
        String[] values = {"a", "b", "", "ab", "<NUM>", "~0=x", "Aa", "BB", "AaBB", "BBAa", "a\u001f+b", "~", "+a"};
        Random r = new Random(9);
        LogSummarizer.PackedIndex index = new LogSummarizer.PackedIndex();
        String packed = "";
        int grownThrough = 0;
        for (int n = 0; n < 50000; n++) {
            String v = values[r.nextInt(values.length)];
            int expected = LogSummarizer.containsReference(packed, v) ? -1 : LogSummarizer.countReference(packed);
            org.junit.jupiter.api.Assertions.assertEquals(expected, index.countUnlessHeld(packed, v), packed + " / " + v);
            int what = r.nextInt(20);
            if (what == 0) {
                packed = ""; // a period's end
            } else if (what == 1) {
                packed = new String(packed.toCharArray()); // an equal list, another string (a re-read entry)
            } else if (what == 2) {
                packed = LogSummarizer.add(packed, v); // grown elsewhere
            } else if (expected >= 0 && expected < 8) {
                // told that v holds no SEP where it holds none (as the summarizer tells it of parameters and shapes)
                String grown = v.indexOf('\u001f') < 0 && r.nextBoolean() ? index.add(packed, v, false) : index.add(packed, v);
                org.junit.jupiter.api.Assertions.assertEquals(LogSummarizer.add(packed, v), grown);
                packed = grown;
                grownThrough++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(grownThrough > 1000, "grown through the index " + grownThrough);
    }

    /**
     * {@link LogSummarizer#tallyParams} leaves an entry's parameter lists and distinct count as its reference does,
     * line after line (lists of up to MAX_PARAMS, the distinct count up to its bound, periods ended in between).
     */
    @Test
    void tallyParamsSameAsTheReference() {
        Random r = new Random(13);
        for (int e = 0; e < 300; e++) {
            TemplateEntry fast = new TemplateEntry();
            TemplateEntry ref = new TemplateEntry();
            int kinds = 1 + r.nextInt(e % 3 == 0 ? 3 : 2000);
            for (int n = 0; n < 1500; n++) {
                String p = r.nextInt(10) == 0 ? "" : "v" + r.nextInt(kinds) + (r.nextBoolean() ? " Aa" : " BB");
                LogSummarizer.tallyParams(fast, p);
                LogSummarizer.tallyParamsReference(ref, p);
                org.junit.jupiter.api.Assertions.assertEquals(ref.params, fast.params);
                org.junit.jupiter.api.Assertions.assertEquals(ref.paramsDistinct, fast.paramsDistinct);
                if (r.nextInt(200) == 0) {
                    fast.endPeriod();
                    ref.endPeriod();
                }
            }
        }
    }

    /**
     * A masked message's remembered variant key ({@link LogSummarizer.Masked#variantKey}) is
     * {@link dev.keymem.jobs.logs.mining.LineVariant#key(String[], String[])} of the template it is asked with,
     * also when the template changes back and forth (a widened template is another {@code TemplateWords}).
     */
    @Test
    void rememberedVariantKeyFollowsTheTemplate() {
        String masked = "connection closed user root for worker mode=fast";
        String[] tokens = dev.keymem.jobs.logs.mining.LineTokens.tokens(masked);
        String[] templates = {"connection closed user root for worker mode=fast", "connection <*> user root for worker mode=<*>",
            "<*> closed user <*> for <*> mode=<*>", "connection closed user root for <*> mode=fast", "a b"};
        LogSummarizer.Masked m = new LogSummarizer.Masked(new float[0], "");
        Random r = new Random(11);
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int n = 0; n < 200; n++) {
            String t = templates[r.nextInt(templates.length)];
            LogSummarizer.TemplateWords tw = new LogSummarizer.TemplateWords(t);
            String want = dev.keymem.jobs.logs.mining.LineVariant.key(tw.tokens, tokens);
            org.junit.jupiter.api.Assertions.assertEquals(want, m.variantKey(tw, tokens), t);
            org.junit.jupiter.api.Assertions.assertEquals(want, m.variantKey(tw, tokens), t); // remembered
            keys.add(want);
        }
        org.junit.jupiter.api.Assertions.assertTrue(keys.size() >= 3, "keys: " + keys);
    }
}
