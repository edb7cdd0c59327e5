package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link LineTokens#tokens} (a token's placeholders and wildcard runs rewritten in one buffer) against
 * {@link LineTokens#tokensPerToken} (the form before: a String per token and per rewrite) and
 * {@link LineTokens#tokensReference} (the regexes), on the masked and raw lines of {@link FixedWordsTest#corpus}
 * (loghub_2k, the format samples, ShapeLines' shapes, glued words) and on tokens glued from placeholders, wildcards,
 * their broken forms and the separators a wildcard run may hold.
 */
class TokensOnePassTest {
    private static final String[] PIECES = {"<*>", "<NUM>", "<HEX>", "<IP>", "<TS>", "<PATH>", "<Q>", "<HOST>", "<",
        ">", "<>", "<*", "*>", "<NUM", "<num>", "<A1>", "<<*>>", ":", ",", ".", "-", "=", "/", "_", "*", "1", "42",
        "x", "ab", "é", "漢", "\u00a0", "\"", "'", "(", ")", "[", "]", "{", "}", " ", "\t"};

    @Test
    void tokensAreThePerTokenFormAndTheRegexes() throws IOException {
        LineTokens lt = new LineTokens();
        int rewritten = 0;
        List<String> lines = FixedWordsTest.corpus();
        for (String line : lines) {
            for (String s : new String[] {line, lt.mask(MessageValues.values(line))}) {
                String[] t = LineTokens.tokens(s);
                assertArrayEquals(LineTokens.tokensPerToken(s), t, s);
                assertArrayEquals(LineTokens.tokensReference(s), t, s);
                rewritten += s.indexOf('<') >= 0 ? 1 : 0;
            }
        }
        assertTrue(rewritten > lines.size() / 2, rewritten + " of " + lines.size());
    }

    @Test
    void gluedPlaceholdersAndBrokenOnes() {
        SplittableRandom r = new SplittableRandom(23);
        for (int i = 0; i < 60_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0, m = 1 + r.nextInt(12); k < m; k++) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            }
            String s = sb.toString();
            String[] t = LineTokens.tokens(s);
            assertArrayEquals(LineTokens.tokensPerToken(s), t, s);
            assertArrayEquals(LineTokens.tokensReference(s), t, s);
        }
        // a long token of wildcards and separators (the buffer grows past its first size)
        String longToken = "<NUM>:".repeat(5_000) + "x<*>" + "<HEX>-".repeat(3_000);
        assertArrayEquals(LineTokens.tokensReference(longToken), LineTokens.tokens(longToken));
        assertArrayEquals(LineTokens.tokensPerToken(longToken + " a<b " + longToken),
                LineTokens.tokens(longToken + " a<b " + longToken));
    }
}
