package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

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

    /**
     * {@link LineVariant#fields} (valueStart's scan without its pre-check) is {@link LineVariant#fieldsReference} on
     * random tokens of the chars a key, its separator and its value are read by, stack frames' tokens among them; and
     * the scan is {@link TemplateMiner#valueStart} on every token holding a {@code =} or {@code :}.
     */
    @Test
    void fieldsWithoutThePreCheckAreTheReference() {
        String[] parts = {"a", "key", "Z9", "_", ".", "-", "=", ":", "::", "://", "<*>", "<*>", "(", "[", "{", "\"", "'",
            ")", "]", "}", ",", ";", " x", "Class.method(File.java:<*>)", "File.java", "1", "\u00e9", "/", "key=<*>",
            "key=<*>", "\"level\":\"<*>\",", "\"level\":\"<*>\",", "a:[<*>]", "a:[<*>]", "to=[<*>]:<*>"};
        SplittableRandom r = new SplittableRandom(13);
        int fields = 0;
        int scanned = 0;
        for (int k = 0; k < 20_000; k++) {
            String[] tmpl = new String[1 + r.nextInt(6)];
            for (int i = 0; i < tmpl.length; i++) {
                StringBuilder sb = new StringBuilder();
                for (int j = r.nextInt(6); j >= 0; j--) {
                    sb.append(parts[r.nextInt(parts.length)]);
                }
                String t = sb.toString();
                tmpl[i] = t;
                if (t.indexOf('=') >= 0 || t.indexOf(':') >= 0) {
                    assertEquals(TemplateMiner.valueStart(t), TemplateMiner.valueStartScanned(t), t);
                    scanned++;
                }
            }
            boolean[] ref = LineVariant.fieldsReference(tmpl);
            assertArrayEquals(ref, LineVariant.fields(tmpl), String.join(" ", tmpl));
            for (boolean f : ref) {
                fields += f ? 1 : 0;
            }
        }
        assertTrue(fields > 2_000 && scanned > fields + 2_000, fields + " fields, " + scanned + " scanned");
        assertArrayEquals(new boolean[] {false, true, true, false},
                LineVariant.fields(new String[] {"at", "key=<*>", "\"level\":\"<*>\",", "Task.run(Task.java:<*>)"}));
    }
}
