package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A bracketed word that starts a message is one value of many ({@link TemplateMiner#contextTag}); elsewhere a word. */
class ContextTagTest {
    @Test
    void contextTags() {
        assertTrue(TemplateMiner.contextTag("(alice)"));
        assertTrue(TemplateMiner.contextTag("[worker-3]:"));
        assertFalse(TemplateMiner.contextTag("(alice"));
        assertFalse(TemplateMiner.contextTag("(alice]"));
        assertFalse(TemplateMiner.contextTag("alice"));
        assertFalse(TemplateMiner.contextTag("(/usr/bin/x)"));
        assertFalse(TemplateMiner.contextTag("(<*>)"));
        assertFalse(TemplateMiner.contextTag(""));
        assertTrue(TemplateMiner.word("(alice)", 1));
        assertFalse(TemplateMiner.word("(alice)", 0));
    }

    @Test
    void aTagInFrontIsAValueAndABracketedWordElsewhereIsNot() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withHeaders(false));
        MinerState s = new MinerState();
        int alice = miner.accept(s, "(alice) CMD (/usr/local/bin/backup.sh --full)").id();
        assertEquals(alice, miner.accept(s, "(bob) CMD (/usr/local/bin/backup.sh --full)").id());
        assertEquals(alice, miner.accept(s, "(root) CMD (/usr/local/bin/backup.sh --full)").id());
        int reserved = miner.accept(s, "BIOS-e820: 0000000000100000 - 000000001f7d0000 (reserved)").id();
        assertNotEquals(reserved, miner.accept(s, "BIOS-e820: 0000000000100000 - 000000001f7d0000 (usable)").id());
        // a plain word in front is still a word of the message
        int start = miner.accept(s, "started job nightly now").id();
        assertNotEquals(start, miner.accept(s, "stopped job nightly now").id());
    }

    /** The index and the plain scan (the reference) choose the same templates for lines with tags. */
    @Test
    void indexMatchesScan() {
        SplittableRandom r = new SplittableRandom(11);
        String[] tags = {"(alice)", "(bob)", "[main]", "[worker-1]:", "(x]", "alice", "(a/b)"};
        String[] rest = {"CMD (run --full)", "job done in 3 s", "state (usable)", "state (reserved)", "CMD <*> --x)"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            lines.add(tags[r.nextInt(tags.length)] + " " + rest[r.nextInt(rest.length)]
                    + (r.nextBoolean() ? "" : " " + tags[r.nextInt(tags.length)]));
        }
        for (boolean headers : new boolean[] {false, true}) {
            MinerSettings settings = MinerSettings.defaults().withHeaders(headers);
            TemplateMiner fast = new TemplateMiner(settings);
            TemplateMiner scan = new TemplateMiner(settings, true);
            MinerState a = new MinerState();
            MinerState b = new MinerState();
            for (String l : lines) {
                TemplateMiner.Match x = fast.accept(a, l);
                TemplateMiner.Match y = scan.accept(b, l);
                assertEquals(y.id(), x.id(), l);
                assertEquals(y.template(), x.template(), l);
            }
        }
    }
}
