package dev.keymem.jobs.logs.mining;

import static dev.keymem.jobs.logs.mining.CodePointTokens.CJK_B;
import static dev.keymem.jobs.logs.mining.CodePointTokens.EMOJI;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_0;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_A;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A letter past the BMP (a surrogate pair: CJK Ext B U+20000, Math Alphanumeric U+1D400) makes a token no value
 * ({@link LineTokens#isVariable}) as a BMP letter does (review26a F1): read by code point in the three forms, so
 * {@code 12𠀀34} keeps its letter as {@code 12条34} does, while a pair that is no letter (an emoji, a Math digit) and a
 * lone surrogate stay punctuation.
 */
class LineTokensSupplementaryLetterTest {

    /** A raw line, its tokens, and the same line with a BMP letter where the pair's letter is (or null). */
    private static final String[][] RAW = {
        {"x 12" + CJK_B + "34 y", "x|<*>" + CJK_B + "<*>|y", "x 12条34 y"},
        {"x " + CJK_B + "12 y", "x|" + CJK_B + "<*>|y", "x 条12 y"},
        // 12𝐀 is an identifier (<ID>) as 12é and 12e are (the identifier mask's letters, review26a F4)
        {"x 12" + MATH_A + " y", "x|<*>|y", "x 12é y"},
        {"x 12" + CJK_B + MATH_A + " y", "x|<*>" + CJK_B + MATH_A + "|y", "x 12条é y"},
        {"x 12" + EMOJI + "34 y", "x|<*>|y", null},
        {"x 12" + MATH_0 + "34 y", "x|<*>|y", null},
    };

    private final LineTokens lt = new LineTokens();

    @Test
    void aLetterPastTheBmpKeepsItsTokenAWordAsABmpLetterDoes() {
        for (String[] c : RAW) {
            String[] t = lt.tokenize(c[0]);
            assertEquals(c[1], String.join("|", t), c[0]);
            String masked = lt.mask(c[0]);
            assertArrayEquals(LineTokens.tokensReference(masked), t, c[0]);
            assertArrayEquals(LineTokens.tokensPerToken(masked), t, c[0]);
            if (c[2] != null) {
                String bmp = String.join("|", lt.tokenize(c[2]));
                assertEquals(bmp.replace("条", CJK_B).replace("é", MATH_A), String.join("|", t), c[0]);
            }
        }
        assertArrayEquals(new String[] {"<*>" + CJK_B + "<*>"}, LineTokens.tokens("<NUM>" + CJK_B + "<NUM>"));
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("<[A-Z]+>|<\\*>");

    /**
     * isVariable by its definition, by code point: placeholders out (a space in their place: no pair is made across
     * one), then no letter and (a placeholder or a digit).
     */
    private static boolean variableByCodePoint(String token) {
        String rest = PLACEHOLDER.matcher(token).replaceAll(" ");
        boolean variable = !rest.equals(token) || rest.chars().anyMatch(ch -> ch >= '0' && ch <= '9');
        return variable && rest.codePoints().noneMatch(Character::isLetter);
    }

    @Test
    void theThreeFormsReadLettersByCodePoint() {
        String[] parts = {"<NUM>", "<*>", "<IP>", "1", "7", ":", "-", ".", "a", "条", "é", CJK_B, MATH_A, EMOJI, MATH_0,
            "\uD840", "\uDC00", "\uD835", "<", ">", "\u0661"};
        SplittableRandom r = new SplittableRandom(261);
        int gaps = 0;
        for (int i = 0; i < 100_000; i++) {
            String t = CodePointTokens.draw(r, parts);
            boolean want = variableByCodePoint(t);
            assertEquals(want, LineTokens.isVariable(t), t);
            assertEquals(want, LineTokens.isVariableChars(t), t);
            assertEquals(want, LineTokens.isVariableReference(t), t);
            String rest = PLACEHOLDER.matcher(t).replaceAll(" ");
            boolean perChar = (!rest.equals(t) || rest.chars().anyMatch(ch -> ch >= '0' && ch <= '9'))
                    && rest.chars().noneMatch(ch -> Character.isLetter((char) ch));
            gaps += perChar != want ? 1 : 0;
        }
        assertTrue(gaps > 2_000, gaps + " tokens read otherwise char by char"); // the gap is exercised
    }
}
