package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LineVariantTest {
    final TemplateMiner miner = new TemplateMiner();

    String key(MinerState s, String line) {
        TemplateMiner.Match m = miner.accept(s, line);
        return LineVariant.key(m.template(), m.masked());
    }

    @Test
    void wordsAtTheTemplatesWildcardsMakeTheVariant() {
        MinerState s = new MinerState();
        key(s, "Step_LSC 30002312 onReceive action: android.intent.action.SCREEN_ON");
        String off = key(s, "Step_LSC 30002312 onReceive action: android.intent.action.SCREEN_OFF");
        assertEquals("4=android.intent.action.SCREEN_OFF", off);
        assertEquals("4=android.intent.action.SCREEN_ON",
                key(s, "Step_LSC 30002399 onReceive action: android.intent.action.SCREEN_ON"));
        assertEquals(1, s.size());
    }

    @Test
    void wordsInAFieldTheTemplateLearnedMakeTheVariant() {
        MinerState s = new MinerState();
        key(s, "Step_LSC 30002312 processHandleBroadcastAction action:android.intent.action.SCREEN_ON");
        String off = key(s, "Step_LSC 30002312 processHandleBroadcastAction action:android.intent.action.SCREEN_OFF");
        assertEquals("3=action:android.intent.action.SCREEN_OFF", off);
        assertEquals(1, s.size());
        assertEquals("", key(s, "Step_LSC 30002312 processHandleBroadcastAction action:0x1f"));
    }

    @Test
    void valuesByTheMinersRulesAreNoVariant() {
        MinerState s = new MinerState();
        key(s, "Block broadcast_9 stored as values in memory (estimated size 8.8 KB, free 14.0 KB)");
        assertEquals("", key(s, "Block broadcast_8 stored as values in memory (estimated size 8.8 KB, free 14.0 KB)"));
        key(s, "Invalid user webmaster from 173.234.31.186");
        assertEquals("", key(s, "Invalid user admin from 10.1.1.1"));
        key(s, "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.1 user=root");
        assertEquals("", key(s, "authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=10.0.0.2 user=guest"));
    }

    @Test
    void aConstantTemplateHasNoVariant() {
        MinerState s = new MinerState();
        assertEquals("", key(s, "Registered BlockManager"));
        assertEquals("", key(s, "Registered BlockManager"));
    }
}
