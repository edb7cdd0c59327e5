package dev.keymem.jobs.logs.mining;

import static dev.keymem.jobs.logs.mining.CodePointTokens.CJK_B;
import static dev.keymem.jobs.logs.mining.CodePointTokens.EMOJI;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_0;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The miner's token tests read letters by code point (review26a F1): a letter past the BMP (a surrogate pair,
 * U+20000) is a letter in {@link TemplateMiner#word}, {@link TemplateMiner#key} and
 * {@link TemplateMiner#valueStart} as {@code 条} is, checked against regex definitions that read code points
 * ({@code \p{L}}, {@code \p{Nd}}); an emoji pair and a lone surrogate stay punctuation.
 */
class TemplateMinerCodePointTest {

    /** {@link TemplateMiner#word}: trimmed of non-letter-or-digit code points, a letter, then letters, digits, - _. */
    private static final Pattern WORD = Pattern.compile(
            "[^\\p{L}\\p{Nd}]*\\p{L}(?:[\\p{L}\\p{Nd}_-]*[\\p{L}\\p{Nd}])?[^\\p{L}\\p{Nd}]*");
    /** {@link TemplateMiner#key}: the token less its leading and trailing non-letter-or-digit code points. */
    private static final Pattern KEY = Pattern.compile("[^\\p{L}\\p{Nd}]*(.*?)[^\\p{L}\\p{Nd}]*", Pattern.DOTALL);

    @Test
    void aLetterPastTheBmpIsALetter() {
        assertTrue(TemplateMiner.word("ab" + CJK_B + "c"));
        assertTrue(TemplateMiner.word(CJK_B));
        assertTrue(TemplateMiner.word("(" + MATH_A + "1)"));
        assertEquals(CJK_B, TemplateMiner.key("(" + CJK_B + ")"));
        assertEquals(3, TemplateMiner.valueStart(CJK_B + "=5"));
        assertEquals(false, TemplateMiner.word("ab" + EMOJI + "c"));
        assertEquals("", TemplateMiner.key("(" + EMOJI + ")"));
    }

    /**
     * A digit of any script is a letter-or-digit in the char and code-point forms alike: an Arabic-Indic digit (BMP)
     * as a math digit past the BMP (a note of session 26 had them differ; they do not: both are
     * {@link Character#isLetterOrDigit}, the miner's "letter or digit" of its token trims).
     */
    @Test
    void aDigitOfAnyScriptCountsInBothForms() {
        String[] digits = {"\u0663", "\uFF11", "\u0967", MATH_0};
        for (String d : digits) {
            for (int i = 0; i < d.length(); i++) {
                assertTrue(TemplateMiner.letterOrDigit(d, i), d);
                assertTrue(TemplateMiner.letterOrDigit(d.charAt(i)) || Character.isSurrogate(d.charAt(i)), d);
                assertEquals(false, TemplateMiner.letter(d, i), d);
            }
            assertEquals(d, TemplateMiner.key("(" + d + ")"));
            assertTrue(TemplateMiner.word("a" + d));
            assertEquals(false, TemplateMiner.word(d + "a"));
        }
        for (char c = 128; c < 0xD800; c++) {
            assertEquals(Character.isLetterOrDigit(c), TemplateMiner.letterOrDigit(c), "U+" + Integer.toHexString(c));
            assertEquals(Character.isLetterOrDigit(c), TemplateMiner.letterOrDigit(String.valueOf(c), 0));
        }
    }

    @Test
    void theTokenTestsAgreeWithCodePointDefinitions() {
        String[] parts = {"a", "Z", "7", "条", "é", "\u0661", CJK_B, MATH_A, MATH_0, EMOJI, "\uD840", "\uDC00", "(", ")",
            "[", "-", "_", ".", ":", "=", "\"", "<*>"};
        SplittableRandom r = new SplittableRandom(2601);
        int changed = 0;
        for (int i = 0; i < 100_000; i++) {
            String t = CodePointTokens.draw(r, parts);
            boolean word = WORD.matcher(t).matches();
            assertEquals(word, TemplateMiner.word(t), t);
            assertEquals(word, TemplateMiner.word(t, 0, t.length()), t);
            Matcher m = KEY.matcher(t);
            assertTrue(m.matches(), t);
            assertEquals(m.group(1).toLowerCase(Locale.ROOT), TemplateMiner.key(t), t);
            for (int k = 0; k < t.length(); k++) {
                int cp = codePointOf(t, k);
                assertEquals(Character.isLetter(cp), TemplateMiner.letter(t, k), t + " at " + k);
                assertEquals(Character.isLetterOrDigit(cp), TemplateMiner.letterOrDigit(t, k), t + " at " + k);
            }
            changed += word != perCharWord(t) ? 1 : 0;
        }
        assertTrue(changed > 2_000, changed + " tokens read otherwise char by char"); // the gap is exercised
    }

    /** The code point {@code t.charAt(k)} is part of, by walking {@code t}'s code points from its start. */
    private static int codePointOf(String t, int k) {
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            int n = Character.charCount(cp);
            if (k < i + n) {
                return cp;
            }
            i += n;
        }
        throw new IllegalArgumentException();
    }

    /** {@link #WORD} read char by char (the old reading: each half of a pair no letter). */
    private static boolean perCharWord(String t) {
        StringBuilder sb = new StringBuilder();
        for (char c : t.toCharArray()) {
            sb.append(Character.isSurrogate(c) ? '#' : c);
        }
        return WORD.matcher(sb).matches();
    }
}
