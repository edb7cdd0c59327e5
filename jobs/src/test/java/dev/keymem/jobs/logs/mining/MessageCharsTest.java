package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link TemplateMiner#messageOfChars} (the header and the tokens read from the masked line's characters that
 * {@link LineTokens#mask} left, {@link LineTokens#charsOf}) against {@link TemplateMiner#messageOfText} (from the
 * String), with and without the header cut, on the masked lines of {@link FixedWordsTest#corpus} and on lines glued
 * from quotes, pipes, brackets and placeholders; {@link LineTokens#tokens(String, char[], int)} against
 * {@link LineTokens#tokens(String)} of every suffix; and the characters handed over are never written.
 */
class MessageCharsTest {
    private static final String[] PIECES = {"\"", "\"a b\"", "\" x \"", "|", "a|b", "[", "]", "[INFO]", "[a][b]", ":",
        " : ", "-", " - ", "--", "<*>", "<NUM>", "<HEX>", "<", ">", "x=", "=\"v w\"", "INFO", "main", "12", "é", "漢",
        "\u00a0", "\t", " ", " ", " ", "()", "host", "prog:", "Syncing"};

    @Test
    void messageFromCharsIsTheReferenceOnTheCorpus() throws IOException {
        LineTokens lt = new LineTokens();
        List<String> lines = FixedWordsTest.corpus();
        int cut = 0;
        for (String line : lines) {
            cut += compare(lt, line) ? 1 : 0;
        }
        assertTrue(cut > lines.size() / 4, cut + " of " + lines.size() + " lines lost a header");
    }

    @Test
    void messageFromCharsIsTheReferenceOnGluedLines() {
        LineTokens lt = new LineTokens();
        SplittableRandom r = new SplittableRandom(24);
        for (int i = 0; i < 40_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0, m = 1 + r.nextInt(16); k < m; k++) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            compare(lt, sb.toString());
        }
    }

    @Test
    void tokensFromAnOffsetAreThoseOfTheSuffix() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 3_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0, m = 1 + r.nextInt(12); k < m; k++) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            String s = sb.toString();
            char[] cs = s.toCharArray();
            for (int from = 0; from <= s.length(); from++) {
                assertArrayEquals(LineTokens.tokens(s.substring(from)), LineTokens.tokens(s, cs, from), s + " @" + from);
            }
            assertEquals(s, new String(cs), "the characters were written");
        }
    }

    @Test
    void charsAreOnlyThoseOfTheLastMaskedString() {
        LineTokens lt = new LineTokens();
        String a = lt.mask("user 42 logged in from 10.0.0.1");
        assertNotNull(lt.charsOf(a));
        assertEquals(a, new String(lt.charsOf(a)));
        assertNull(lt.charsOf(new String(a.toCharArray())), "an equal String is not the masked one");
        String b = lt.mask("plain words only");
        assertNull(lt.charsOf(a), "the line before's");
        assertEquals(b, new String(lt.charsOf(b)));
    }

    /** Masks the line and compares both forms' message (either kind); whether the header cut changed it. */
    private static boolean compare(LineTokens lt, String line) {
        String masked = lt.mask(MessageValues.values(line));
        char[] cs = lt.charsOf(masked);
        assertNotNull(cs, line);
        assertEquals(masked, new String(cs), line);
        boolean cut = false;
        for (boolean cutHeader : new boolean[] {false, true}) {
            TemplateMiner.Message want = TemplateMiner.messageOfText(masked, cutHeader);
            TemplateMiner.Message got = TemplateMiner.messageOfChars(masked, cs, cutHeader);
            assertEquals(want.masked, got.masked, line);
            assertArrayEquals(want.tokens, got.tokens, line);
            assertEquals(masked, new String(cs), "the characters were written: " + line);
            cut |= !want.masked.equals(masked);
        }
        return cut;
    }
}
