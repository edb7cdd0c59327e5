package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A run of wildcards takes a separator only where its brackets balance ({@link LineTokens#bracketsBalance}): the
 * template of a bracketed address and port keeps its closing bracket ({@code to=[<*>]:<*>}, which the run
 * {@code <*>]:<*>} made {@code to=[<*>}); runs whose separators hold no bracket, or both halves, are one wildcard as
 * before (a token that is all values and brackets, such as {@code [<NUM>][<NUM>]}, is one wildcard by the
 * tokens' own rule, so the cases carry a key).
 */
class WildcardRunBracketsTest {
    /** A line of benchmarks/jobs/shapes.py's ids shape (/work/bench5/in/shapes/logs/ids-50000.jsonl, its first). */
    static final String IDS_LINE = "2026-01-23T08:00:00.000Z INFO scheduler[6816]: req=f72c2c26-7862-9522-9623-d7cfa9ae7a34"
            + " parent=51c34250-5f87-7031-bc1e-3ac1c27db4ec trace=7d24b39645cf8aa4059a91e1c527e279"
            + " from=10.101.211.234:36302 to=[d26b:14a0:7c2b:c320:42f9:96d:1d:2544]:35341 bytes=732347482"
            + " crc=0x181E290A ptr=0x903c316774fe t=5536.151655 id=2549133242203 mac=d8:6c:55:fd:17:5c";

    @Test
    void aBracketedAddressKeepsItsClosingBracket() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        TemplateMiner.Match m = miner.accept(s, IDS_LINE);
        List<String> tokens = Arrays.asList(m.template().split(" "));
        assertTrue(tokens.contains("to=[<*>]:<*>"), m.template());
        assertTrue(tokens.contains("from=<*>"), m.template()); // no bracket: the run is one wildcard as before
        // a second line of the shape has the same template
        TemplateMiner.Match m2 = miner.accept(s, IDS_LINE.replace("[d26b:14a0", "[ab01:ff").replace("]:35341",
                "]:80").replace("6816", "17"));
        assertEquals(m.id(), m2.id());
        assertEquals(m.template(), m2.template());
    }

    @Test
    void runsTakeOnlySeparatorsWhoseBracketsBalance() {
        String[][] cases = {
            {"to=[<IP>]:<NUM>", "to=[<*>]:<*>"},
            {"k=<NUM>:<NUM>:<NUM>", "k=<*>"},
            {"k=[<NUM>][<NUM>]", "k=[<*>]"},
            {"k=(<NUM>),(<NUM>)", "k=(<*>)"},
            {"x<NUM>[<NUM>]", "x<*>[<*>]"},
            {"k=[<NUM>]:<NUM>:<NUM>", "k=[<*>]:<*>"},
            {"k=<NUM>:<NUM>]:<NUM>", "k=<*>]:<*>"},
            {"k={<NUM>}/{<NUM>}-<NUM>", "k={<*>}-<*>"},
            {"k<NUM>a<NUM>", "k<*>a<*>"},
            // kinds and order (session 25): angle brackets count, a closing one must close its own kind
            {"k=Switch<<NUM>>:<NUM>", "k=Switch<<*>>:<*>"},
            {"k=[(<NUM>)]([<NUM>])", "k=[(<*>)]([<*>])"},
            {"k=[(<NUM>])([<NUM>)]", "k=[(<*>)]"},
            {"k=(<NUM>)[<NUM>]", "k=(<*>)[<*>]"},
            {"k=<NUM>-><NUM>", "k=<*>"},
            {"k=<NUM>=><NUM>", "k=<*>"},
            {"k=<NUM>>=<NUM>", "k=<*>>=<*>"},
            {"k=<<NUM>>,<<NUM>>", "k=<<*>>,<<*>>"},
        };
        for (String[] c : cases) {
            String[] t = LineTokens.tokens(c[0]);
            assertArrayEquals(new String[] {c[1]}, t, c[0]);
            assertArrayEquals(LineTokens.tokensReference(c[0]), t, c[0]);
            assertArrayEquals(LineTokens.tokensPerToken(c[0]), t, c[0]);
        }
    }

    /**
     * {@link LineTokens#bracketsBalance} (a stack in two longs, over a char array and over a String in place)
     * against {@link LineTokens#nestingReference} (pairs taken out until none is left) on random separators of
     * brackets, arrows and punctuation, short and past the 32 brackets a long holds.
     */
    @Test
    void bracketsBalanceIsTheNestingReference() {
        String chars = "()[]{}<>-=:,.";
        SplittableRandom r = new SplittableRandom(25);
        int joined = 0;
        int n = 0;
        for (int i = 0; i < 200_000; i++, n++) {
            int len = i % 1000 == 0 ? 40 + r.nextInt(60) : r.nextInt(9);
            StringBuilder sb = new StringBuilder("x");
            for (int k = 0; k < len; k++) {
                sb.append(chars.charAt(r.nextInt(i % 3 == 0 ? 8 : chars.length())));
            }
            String s = sb.append('y').toString();
            boolean want = LineTokens.nestingReference(s.substring(1, s.length() - 1));
            assertEquals(want, LineTokens.bracketsBalance(s.toCharArray(), 1, s.length() - 1), s);
            assertEquals(want, LineTokens.bracketsBalance(s, 1, s.length() - 1), s);
            joined += want ? 1 : 0;
        }
        // deep ones: 40 kinds closed before the run and opened again after it, and 40 nested in the separator
        StringBuilder close = new StringBuilder();
        StringBuilder open = new StringBuilder();
        for (int k = 0; k < 40; k++) {
            int kind = (k * 7) % 4;
            close.append(")]}>".charAt(kind));
            open.insert(0, "([{<".charAt(kind));
        }
        for (String s : new String[] {close + ":" + open, open + ":" + close, close + ":" + open + ")",
            close.substring(1) + open, open.toString()}) {
            boolean want = LineTokens.nestingReference(s);
            assertEquals(want, LineTokens.bracketsBalance(s.toCharArray(), 0, s.length()), s);
            assertEquals(want, LineTokens.bracketsBalance(s, 0, s.length()), s);
        }
        assertTrue(LineTokens.bracketsBalance(close + ":" + open, 0, 81));
        assertTrue(joined > n / 10 && joined < n, joined + " of " + n);
    }

    /**
     * Depths 31 to 34, either side of the 32 brackets a long holds (the 33rd open goes to the reference), nested
     * ({@code ([..:..])}) and mirrored ({@code )]..,..[(}), each kind first and kinds mixed, in both forms: all
     * balance; the same with the innermost pair's closing kind changed does not.
     */
    @Test
    void depthsAroundTheLongsLimitBalance() {
        int cases = 0;
        for (int depth = 31; depth <= 34; depth++) {
            for (int first = 0; first < 4; first++) {
                StringBuilder open = new StringBuilder(); // outermost first
                StringBuilder close = new StringBuilder(); // innermost first
                for (int k = 0; k < depth; k++) {
                    int kind = (first + k * 3 + k / 5) % 4;
                    open.append("([{<".charAt(kind));
                    close.insert(0, ")]}>".charAt(kind));
                }
                String nested = open + ":" + close;
                String mirrored = new StringBuilder(close).reverse() + "," + new StringBuilder(open).reverse();
                char inner = close.charAt(0);
                char wrong = inner == ')' ? ']' : ')';
                String nestedWrong = open + ":" + wrong + close.substring(1);
                String mirroredWrong = new StringBuilder(close).reverse().substring(0, depth - 1) + wrong + ","
                        + new StringBuilder(open).reverse();
                for (String s : new String[] {nested, mirrored, nestedWrong, mirroredWrong}) {
                    boolean want = LineTokens.nestingReference(s);
                    assertEquals(s == nested || s == mirrored, want, s);
                    assertEquals(want, LineTokens.bracketsBalance(s.toCharArray(), 0, s.length()), s);
                    assertEquals(want, LineTokens.bracketsBalance(s, 0, s.length()), s);
                    String framed = "x" + s + "y";
                    assertEquals(want, LineTokens.bracketsBalance(framed.toCharArray(), 1, framed.length() - 1), s);
                    assertEquals(want, LineTokens.bracketsBalance(framed, 1, framed.length() - 1), s);
                    cases++;
                }
            }
        }
        assertEquals(4 * 4 * 4, cases);
    }
}
