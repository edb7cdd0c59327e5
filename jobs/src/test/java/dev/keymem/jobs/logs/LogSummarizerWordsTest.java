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
            String masked = miner.accept(ms, line).masked();
            assertArrayEquals(LogSummarizer.words(LogSummarizer.messagePart(line, masked)),
                    LogSummarizer.messageWords(line, masked), line);
        }
    }
}
