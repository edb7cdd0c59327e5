package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RegexScan.Starts#checkAsciiStart}, the class-init check of every walking rule (review 26c F2): a rule whose
 * match may start at a non-ASCII character (Unicode classes or case in its regex, or a {@code Start} that passes at
 * a non-ASCII character) fails it; the masker's rules and ASCII rules pass it.
 */
class RegexScanAsciiStartCheckTest {
    private static final RegexScan.Start ASCII_DIGIT = (s, i) -> s[i] >= '0' && s[i] <= '9';
    private static final RegexScan.Start ASCII_LETTER = (s, i) -> (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z';

    @Test
    void theMaskersRulesPass() {
        assertDoesNotThrow(() -> new LineMasker().mask("id=0x1f at 10.0.0.1 on Jan 5 12:00:00"));
    }

    @Test
    void asciiRulesPass() {
        assertDoesNotThrow(() -> RegexScan.Starts.checkAsciiStart(Pattern.compile("(?<![\\w.<])\\d+"), ASCII_DIGIT));
        assertDoesNotThrow(() -> RegexScan.Starts.checkAsciiStart(Pattern.compile("(?i)\\bfri"), ASCII_LETTER));
        // an escaped parenthesis followed by a quantifier is no flag group
        assertDoesNotThrow(() -> RegexScan.Starts.checkAsciiStart(Pattern.compile("\\(?u\\d"), ASCII_DIGIT));
    }

    @Test
    void aStartThatPassesAtANonAsciiCharFails() {
        // a \p{L} first class whose Start (correctly) passes at every letter
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(Pattern.compile("\\p{L}+"),
                (s, i) -> Character.isLetter(s[i])));
        // Arabic-Indic digits ("[\\d\\u0660-\\u0669]+", review 26c M6)
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("[\\d\\u0660-\\u0669]+"), (s, i) -> Character.isDigit(s[i])));
        // only the Kelvin sign, only the long s, only a supplementary letter's high surrogate
        for (char c : new char[] {'\u212a', '\u017f', '\ud835'}) {
            assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(Pattern.compile("k"),
                    (s, i) -> s[i] == c || ASCII_LETTER.mayStart(s, i)), "U+" + Integer.toHexString(c));
        }
    }

    @Test
    void unicodeClassesOrCaseFail() {
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("\\b\\d+", Pattern.UNICODE_CHARACTER_CLASS), ASCII_DIGIT));
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("\\bfri", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), ASCII_LETTER));
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("(?U)\\w+"), ASCII_LETTER));
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("(?iu)kb"), ASCII_LETTER));
        assertThrows(IllegalStateException.class, () -> RegexScan.Starts.checkAsciiStart(
                Pattern.compile("x(?iu:s)"), ASCII_LETTER));
    }
}
