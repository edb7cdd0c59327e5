package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
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
        };
        for (String[] c : cases) {
            String[] t = LineTokens.tokens(c[0]);
            assertArrayEquals(new String[] {c[1]}, t, c[0]);
            assertArrayEquals(LineTokens.tokensReference(c[0]), t, c[0]);
            assertArrayEquals(LineTokens.tokensPerToken(c[0]), t, c[0]);
        }
    }
}
