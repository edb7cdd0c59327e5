package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The separator of a wildcard run outside ASCII (review25a F4): a letter of any script ends it as an ASCII letter
 * does ({@code é}, {@code 条}, a letter past the BMP written as a surrogate pair), a space of any kind as a space does
 * (U+00A0, U+2007, U+202F: no token boundary, so they stay inside a token), a digit of any script is read as an ASCII
 * digit (it does not end one, as {@link LineTokens#isVariable} counts no digit as a letter), and the fullwidth forms
 * of ASCII punctuation (U+FF01 to U+FF5E) read as that punctuation: {@code （）［］｛｝＜＞} are brackets of their
 * kind, {@code ＜} ends the separator as {@code <} does, {@code －＞} and {@code ＝＞} are arrows; the CJK brackets
 * {@code 【】〔〕「」『』｢｣《》〈〉｟｠} read as an ASCII kind (review26a F3), NEL ends it, ZWSP and BOM join (F8), and a
 * quoted space ends it as the space it was (F2). Each case is checked
 * against the same line in ASCII where there is one, and in all three forms of the tokens.
 */
class LineTokensSeparatorUnicodeTest {

    /** The line, its one token as the tokens should be, and (where one exists) the same line in ASCII. */
    private static final String[][] CASES = {
        // letters of any script stop the run as an ASCII letter does
        {"k=<NUM>é<NUM>", "k=<*>é<*>", "k=<NUM>e<NUM>"},
        {"k=<NUM>:é:<NUM>", "k=<*>:é:<*>", "k=<NUM>:e:<NUM>"},
        {"共<NUM>条,耗时<NUM>ms", "共<*>条,耗时<*>ms", "n<NUM>x,t<NUM>ms"},
        {"k=<NUM>\uD840\uDC00<NUM>", "k=<*>\uD840\uDC00<*>", "k=<NUM>a<NUM>"}, // U+20000, a CJK letter
        // spaces that do not cut tokens stop it as a space would
        {"k=<NUM>\u00a0<NUM>", "k=<*>\u00a0<*>", null},
        {"k=<NUM>:\u2007<NUM>", "k=<*>:\u2007<*>", null},
        {"k=<NUM>\u202f-<NUM>", "k=<*>\u202f-<*>", null},
        // digits of any script read as ASCII digits; symbols and other punctuation join
        {"k=<NUM>\u0661<NUM>", "k=<*>", "k=<NUM>1<NUM>"},
        {"k=<NUM>\uff11<NUM>", "k=<*>", "k=<NUM>1<NUM>"},
        {"k=<NUM>\u00b7<NUM>", "k=<*>", "k=<NUM>.<NUM>"},
        {"k=<NUM>\uD83D\uDE00<NUM>", "k=<*>", "k=<NUM>:<NUM>"}, // an emoji is no letter
        {"k=<NUM>、<NUM>", "k=<*>", "k=<NUM>,<NUM>"},
        // fullwidth brackets by kind, as their ASCII forms
        {"to=［<IP>］：<NUM>", "to=［<*>］：<*>", "to=[<IP>]:<NUM>"},
        {"v=<NUM>）（<NUM>", "v=<*>", "v=<NUM>)(<NUM>"},
        {"k=［<NUM>］［<NUM>］", "k=［<*>］", "k=[<NUM>][<NUM>]"},
        {"k=（<NUM>］（<NUM>）", "k=（<*>］（<*>）", "k=(<NUM>](<NUM>)"},
        {"k=［(<NUM>］)(［<NUM>)］", "k=［(<*>)］", "k=[(<NUM>])([<NUM>)]"},
        {"k=［(<NUM>)］(［<NUM>］)", "k=［(<*>)］(［<*>］)", "k=[(<NUM>)]([<NUM>])"},
        {"k=｛<NUM>｝/｛<NUM>｝-<NUM>", "k=｛<*>｝-<*>", "k={<NUM>}/{<NUM>}-<NUM>"},
        {"k=Switch＜<NUM>＞：<NUM>", "k=Switch＜<*>＞：<*>", "k=Switch<<NUM>>:<NUM>"},
        {"k=<NUM>＜<NUM>", "k=<*>＜<*>", "k=<NUM><<NUM>"},
        {"k=<NUM>－＞<NUM>", "k=<*>", "k=<NUM>-><NUM>"},
        {"k=<NUM>＝＞<NUM>", "k=<*>", "k=<NUM>=><NUM>"},
        {"k=<NUM>-＞<NUM>", "k=<*>", "k=<NUM>-><NUM>"},
        {"k=<NUM>－><NUM>", "k=<*>", "k=<NUM>-><NUM>"},
        {"k=<NUM>＞＝<NUM>", "k=<*>＞＝<*>", "k=<NUM>>=<NUM>"},
        // a space inside quotes (the tokens write it as U+00A0) ends it as the space it was, on ASCII lines too
        {"k=<NUM>\": \"<NUM>", "k=<*>\":\u00a0\"<*>", null},
        // NEL (U+0085, a line break) ends it as a line break would; ZWSP and BOM (format chars, invisible) join
        {"k=<NUM>\u0085<NUM>", "k=<*>\u0085<*>", null},
        {"k=<NUM>\u200b<NUM>", "k=<*>", "k=<NUM>:<NUM>"},
        {"k=<NUM>\ufeff<NUM>", "k=<*>", "k=<NUM>:<NUM>"},
        // CJK brackets as an ASCII kind (【】〔〕 [], 「」『』｢｣ {}, 《》〈〉 <>, ｟｠ ()), for balance only
        {"k=【<NUM>】：<NUM>", "k=【<*>】：<*>", "k=[<NUM>]:<NUM>"},
        {"k=「<NUM>」:<NUM>", "k=「<*>」:<*>", "k={<NUM>}:<NUM>"},
        {"k=『<NUM>』/『<NUM>』", "k=『<*>』", "k={<NUM>}/{<NUM>}"},
        {"k=〔<NUM>〕-<NUM>", "k=〔<*>〕-<*>", "k=[<NUM>]-<NUM>"},
        {"k=<NUM>｟<NUM>｠:<NUM>", "k=<*>｟<*>｠:<*>", "k=<NUM>(<NUM>):<NUM>"},
        {"k=｢<NUM>｣:<NUM>", "k=｢<*>｣:<*>", "k={<NUM>}:<NUM>"},
        {"k=<NUM>】【<NUM>", "k=<*>", "k=<NUM>][<NUM>"},
        {"k=《<NUM>》：<NUM>", "k=《<*>》：<*>", null},
        {"k=〈<NUM>〉〈<NUM>〉", "k=〈<*>〉", null},
        {"k=<NUM>》《<NUM>", "k=<*>", null}, // 《 ends no separator (< does)
        {"k=<NUM>-》<NUM>", "k=<*>-》<*>", null}, // no arrow (-> is)
        {"k=【<NUM>]：<NUM>", "k=【<*>]：<*>", "k=[<NUM>]:<NUM>"},
    };

    @Test
    void unicodeSeparatorsFollowTheAsciiRule() {
        for (String[] c : CASES) {
            String[] t = LineTokens.tokens(c[0]);
            assertArrayEquals(new String[] {c[1]}, t, c[0]);
            assertArrayEquals(LineTokens.tokensReference(c[0]), t, c[0]);
            assertArrayEquals(LineTokens.tokensPerToken(c[0]), t, c[0]);
            if (c[2] != null) {
                String[] ascii = LineTokens.tokens(c[2]);
                assertEquals(1, ascii.length, c[2]);
                assertEquals(joins(c[0], t[0]), joins(c[2], ascii[0]), c[0] + " against " + c[2]);
            }
        }
    }

    /** How many wildcards a token's run rule took out (the placeholders of the line less the wildcards kept). */
    private static int joins(String line, String token) {
        return count(line.replaceAll("<[A-Z]+>", "<*>"), "<*>") - count(token, "<*>");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * The three forms of the tokens agree on random lines of placeholders among ASCII punctuation and brackets,
     * their fullwidth forms, letters, digits and spaces of other scripts, surrogate pairs (a letter, an emoji) and
     * lone surrogates; and {@link LineTokens#bracketsBalance} agrees with {@link LineTokens#nestingReference} on
     * random separators of ASCII and fullwidth brackets and arrows.
     */
    @Test
    void theFormsAgreeOnRandomUnicodeSeparators() {
        String[] parts = {"<NUM>", "<IP>", "<*>", "<NUM>", "k=", ":", "-", "=", ">", "(", ")", "[", "]", "{", "}", "<",
            "（", "）", "［", "］", "｛", "｝", "＜", "＞", "－", "＝", "：", "，", "a", "é", "条", "\u0661", "\uff11", "1",
            "\u00a0", "\u2007", "\u202f", "\u3000", " ", "\uD840\uDC00", "\uD83D\uDE00", "\uD840", "\uDC00", "【", "】",
            "\"", "·", "\u0301", "「", "」", "『", "』", "〔", "〕", "《", "》", "〈", "〉", "｟", "｠", "｢", "｣",
            "\u0085", "\u200b", "\ufeff", "\": \""};
        SplittableRandom r = new SplittableRandom(26);
        int changed = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 2 + r.nextInt(12);
            for (int k = 0; k < len; k++) {
                sb.append(parts[k % 2 == 0 && r.nextInt(3) > 0 ? r.nextInt(4) : r.nextInt(parts.length)]);
            }
            String line = sb.toString();
            String[] t = LineTokens.tokens(line);
            assertArrayEquals(LineTokens.tokensReference(line), t, line);
            assertArrayEquals(LineTokens.tokensPerToken(line), t, line);
            changed += String.join(" ", t).equals(line.replaceAll("<[A-Z]+>", "<*>")) ? 0 : 1;
        }
        assertTrue(changed > 10_000, changed + " lines changed"); // runs were joined, not only copied

        String chars = "()[]{}<>-=:（）［］｛｝＜＞－＝：【】「」『』〔〕《》〈〉｟｠｢｣";
        int balanced = 0;
        for (int i = 0; i < 200_000; i++) {
            int len = i % 1000 == 0 ? 40 + r.nextInt(60) : r.nextInt(9);
            StringBuilder sb = new StringBuilder("x");
            for (int k = 0; k < len; k++) {
                sb.append(chars.charAt(r.nextInt(chars.length())));
            }
            String s = sb.append('y').toString();
            boolean want = LineTokens.nestingReference(s.substring(1, s.length() - 1));
            assertEquals(want, LineTokens.bracketsBalance(s.toCharArray(), 1, s.length() - 1), s);
            assertEquals(want, LineTokens.bracketsBalance(s, 1, s.length() - 1), s);
            balanced += want ? 1 : 0;
        }
        assertTrue(balanced > 20_000 && balanced < 180_000, balanced + " balanced");
    }
}
