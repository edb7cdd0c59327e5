package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The identifier mask on non-ASCII letters (review26a F4): a letter or mark of a script written with spaces between
 * words, inside a run of identifier characters, reads as an ASCII letter does ({@code k=12é34} as {@code k=12e34}:
 * {@code k=<ID>}, one template for all such values), while Han, kana, Thai, Lao, Khmer and Myanmar letters, whose
 * scripts write no spaces, end the run as before (a clause such as {@code 第3次重试失败} stays text). The scan
 * ({@code maskIdentifiers}) against its regex ({@code maskIdentifiersReference}) on every code point, on random lines
 * and on every loghub_2k line with non-ASCII letters put in ({@code -Dkeymem.loghub=DIR}).
 */
class LineTokensIdentifierScriptsMaskTest {
    private final LineTokens lt = new LineTokens();

    private String[] tokens(String line) {
        return LineTokens.tokens(lt.mask(line));
    }

    /** Latin-1, Cyrillic, Greek, Hangul, a supplementary letter (Gothic), a combining mark after e, Devanagari. */
    private static final String[] SPACED = {"é", "ü", "Ж", "ж", "λ", "가", "\uD800\uDF30", "e\u0301", "क", "ß"};
    /** Han (one supplementary), kana, Thai: scripts written without spaces between words. */
    private static final String[] SPACELESS = {"中", "年", "\uD840\uDC00", "の", "カ", "ｶ", "ก"};

    @Test
    void aLetterOfASpacedScriptInsideAnIdentifierReadsAsAnAsciiLetter() {
        assertEquals("k=<ID>", lt.mask("k=12e34"));
        assertArrayEquals(new String[] {"k=<*>"}, tokens("k=12e34"));
        for (String x : SPACED) {
            assertEquals("k=<ID>", lt.mask("k=12" + x + "34"), x);
            assertArrayEquals(tokens("k=12e34"), tokens("k=12" + x + "34"), x);
            // a word with the letter and two digits, as its ASCII twin
            assertEquals("id=<ID> done", lt.mask("id=M" + x + "ller42 done"), x);
            assertEquals("id=<ID> done", lt.mask("id=" + x + "_" + x + "-7" + x + "9 done"), x);
            // a single digit not first stays a word (SOCKS5), with or without the letter
            assertEquals("v=Gr" + x + "e5", lt.mask("v=Gr" + x + "e5"), x);
        }
        assertEquals("Schlüssel <ID>", lt.mask("Schlüssel äöü-459ab37039c0"));
        assertArrayEquals(new String[] {"блок", "<*>", "сбой"}, tokens("блок блок_17 сбой"));
    }

    @Test
    void aLetterOfAScriptWithoutSpacesEndsTheRun() {
        for (String x : SPACELESS) {
            assertEquals("k=<NUM>" + x + "<NUM>", lt.mask("k=12" + x + "34"), x);
            assertArrayEquals(new String[] {"k=<*>" + x + "<*>"}, tokens("k=12" + x + "34"), x);
        }
        assertEquals("第<NUM>次重试失败", lt.mask("第3次重试失败"));
        assertNotEquals(List.of(tokens("第3次重试失败")), List.of(tokens("第5次连接成功")));
        assertEquals("ユーザー<ID>がログイン", lt.mask("ユーザーu42がログイン"));
    }

    @Test
    void scanIsTheRegexOnEveryCodePoint() {
        for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
            String x = new String(Character.toChars(cp));
            assertEquals(LineTokens.IDENTIFIER_LETTER.matcher(x).matches(), LineTokens.identifierLetter(cp),
                    "U+" + Integer.toHexString(cp));
            String s = "1" + x + "2 a" + x + "-9";
            assertEquals(LineTokens.maskIdentifiersReference(s), LineTokens.maskIdentifiers(s),
                    "U+" + Integer.toHexString(cp));
        }
    }

    private static final String[] PIECES = {"é", "Ж", "λ", "가", "中", "の", "ก", "\u0301", "\u093F", "\uD800\uDF30",
        "\uD840\uDC00", "\uD83D\uDE00", "\uD800", "\uDC00", "٣", "１", "\u00a0", "：", "0", "42", "a", "Z", "_", ".", "-",
        "<NUM>", "<ID>", "<*>", "<", ">", " ", "=", "/", "x1", "blk_-3"};

    @Test
    void scanIsTheRegexOnRandomAndLoghubLines() throws Exception {
        SplittableRandom r = new SplittableRandom(2604);
        for (int n = 0; n < 50_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(1, 16); k > 0; k--) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            check(sb.toString());
        }
        List<String> lines = Loghub.lines("LineTokensIdentifierScriptsMaskTest");
        String[][] swaps = {{"e", "é"}, {"a", "ж"}, {"o", "中"}, {"i", "\uD800\uDF30"}, {"u", "u\u0308"}};
        for (String line : lines) {
            check(line);
            for (String[] s : swaps) {
                check(line.replace(s[0], s[1]));
            }
        }
        assertTrue(lines.isEmpty() || lines.size() >= 20_000, "loghub lines: " + lines.size());
        System.out.println("LineTokensIdentifierScriptsMaskTest: " + lines.size() + " loghub lines x "
                + (swaps.length + 1));
    }

    private void check(String line) {
        assertEquals(LineTokens.maskIdentifiersReference(line), LineTokens.maskIdentifiers(line), line);
        assertEquals(lt.maskReference(line), lt.mask(line), line);
    }
}
