package dev.keymem.jobs.logs.mining;

import static dev.keymem.jobs.logs.mining.CodePointTokens.CJK_B;
import static dev.keymem.jobs.logs.mining.CodePointTokens.EMOJI;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_0;
import static dev.keymem.jobs.logs.mining.CodePointTokens.MATH_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link GoTraceback}'s function lines and {@link LineVariant#word} read letters and digits by code point, as the
 * rest of the miner does (review 26c): a letter or digit past U+FFFF (a surrogate pair) is one, checked against
 * regex definitions that read code points ({@code \p{L}}, {@code \p{Nd}}); an emoji and a lone surrogate are none.
 */
class GoTracebackLineVariantCodePointTest {
    /** A trimmed Go function line: FUNC, then its arguments (the longest run of argument chars) in parentheses. */
    private static final Pattern FUNCTION_LINE = Pattern.compile("[ \\t\\r\\n]*(.*)\\(([0-9a-fx?., {}]*)\\)[ \\t\\r\\n]*",
            Pattern.DOTALL);
    /** FUNC: from a letter or {@code _} to a letter, digit, {@code _} or {@code ]}, no blank, quote or {@code =}. */
    private static final Pattern FUNCTION = Pattern.compile("[\\p{L}_](?:[^ \\t\\r\\n\"'=]*[\\p{L}\\p{Nd}_\\]])?");
    private static final Pattern DIGIT = Pattern.compile("\\p{Nd}");
    private static final Pattern LETTER = Pattern.compile("\\p{L}");

    @Test
    void aGoFunctionMayStartOrEndWithALetterPastTheBmp() {
        assertEquals(MATH_A + "pkg.run(<*>)", GoTraceback.masked(MATH_A + "pkg.run(0x1f, 0x2)"));
        assertEquals("pkg.run" + CJK_B + "()", GoTraceback.masked("pkg.run" + CJK_B + "()"));
        assertEquals("pkg.run" + MATH_0 + "(<*>)", GoTraceback.masked("\tpkg.run" + MATH_0 + "(0x1)"));
        assertEquals("pkg.runé(<*>)", GoTraceback.masked("pkg.runé(0x1)"));
        assertNull(GoTraceback.masked(EMOJI + "pkg.run()"));
        assertNull(GoTraceback.masked("pkg.run" + EMOJI + "()"));
        assertNull(GoTraceback.masked(MATH_0 + "pkg.run()"));
        assertNull(GoTraceback.masked("pkg.run\uDC00()"));
    }

    @Test
    void functionLinesAgreeWithCodePointDefinitions() {
        String[] parts = {"a", "Z", "_", ".", "7", "é", "条", "\u0661", CJK_B, MATH_A, MATH_0, EMOJI, "\uD840", "\uDC00",
            "]", "[", "=", "\"", " ", "panic", "pkg.", "(", "0x1f", "?", "..."};
        SplittableRandom r = new SplittableRandom(2701);
        int pastBmp = 0;
        for (int i = 0; i < 100_000; i++) {
            String line = CodePointTokens.draw(r, parts) + "(" + (r.nextBoolean() ? "" : "0x1f, ...") + ")";
            String want = functionReference(line);
            assertEquals(want, GoTraceback.masked(line), line);
            pastBmp += want != null && line.chars().anyMatch(c -> Character.isSurrogate((char) c)) ? 1 : 0;
        }
        assertTrue(pastBmp > 1_000, pastBmp + " function lines with a surrogate pair"); // the gap is exercised
    }

    @Test
    void aVariantWordReadsLettersAndDigitsByCodePoint() {
        assertTrue(LineVariant.word(new String[] {CJK_B}, 0));
        assertTrue(LineVariant.word(new String[] {"(" + MATH_A + ")"}, 0));
        assertEquals(false, LineVariant.word(new String[] {"a" + MATH_0}, 0));
        assertEquals(false, LineVariant.word(new String[] {"a\u0661"}, 0));
        assertEquals(false, LineVariant.word(new String[] {EMOJI}, 0));
        String[] parts = {"a", "z", "A", "Z", "@", "`", "[", "{", "_", "-", ".", "0", "7", "9", "é", "条", "\u0661", CJK_B,
            MATH_A, MATH_0, EMOJI, "\uD840", "\uDC00", "\uD835", "<*>", "(", ")"};
        SplittableRandom r = new SplittableRandom(2702);
        for (int i = 0; i < 100_000; i++) {
            String t = CodePointTokens.draw(r, parts);
            boolean want = !t.contains(LineTokens.WILDCARD) && !DIGIT.matcher(t).find() && LETTER.matcher(t).find();
            assertEquals(want, LineVariant.word(new String[] {t}, 0), t);
        }
    }

    /** {@link GoTraceback#masked} of a line ending with {@code )} by the regexes above. */
    private static String functionReference(String line) {
        Matcher m = FUNCTION_LINE.matcher(line);
        if (line.strip().length() < 4 || !m.matches()) {
            return null;
        }
        String f = m.group(1);
        if (!FUNCTION.matcher(f).matches() || !(f.contains(".") || f.equals("panic"))) {
            return null;
        }
        return f + (m.group(2).chars().anyMatch(c -> c != ' ') ? "(<*>)" : "()");
    }
}
