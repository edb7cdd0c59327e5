package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Key=value (logfmt) lines (docs/benchmarks.md, "Input shapes: where the rates collapse"): keys fixed per event
 * type, some values plain words drawn from many (region=upstream, action=commit...), the level varying. Before the
 * miner took a field's value for a value ({@link TemplateMiner#fieldForm}), every new combination of word values
 * was a new template (two different words at the same key were different messages), so a source soon held
 * {@code maxTemplates} clusters, its summaries listed hundreds of new templates each and were cut to the output
 * limit. Now a template learns {@code key=<*>} where its lines' values differ: about one template per event type.
 * The count of templates is the measure here, not time.
 */
class TemplateMinerShapesTest {
    static final String[] WORDS = ("order customer payment shipment invoice warehouse region retry timeout upstream "
            + "downstream cache replica leader follower partition offset commit rollback snapshot checkpoint session "
            + "token").split(" ");

    static final String[] LEVELS = {"info", "info", "info", "warn", "error"};

    /** logfmt lines of {@code types} event types: fixed keys per type, values numbers, hex ids or plain words. */
    static List<String> logfmt(int n, int types, long seed) {
        Random r = new Random(seed);
        List<String[]> keys = new ArrayList<>();
        List<String> msgs = new ArrayList<>();
        String[] suffix = {"", "_ms", "_id", "_count"};
        for (int t = 0; t < types; t++) {
            String[] k = new String[12 + r.nextInt(10)];
            for (int i = 0; i < k.length; i++) {
                k[i] = WORDS[r.nextInt(WORDS.length)] + suffix[r.nextInt(suffix.length)];
            }
            keys.add(k);
            msgs.add(WORDS[r.nextInt(WORDS.length)] + " " + WORDS[r.nextInt(WORDS.length)]);
        }
        List<String> lines = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int t = r.nextInt(types);
            StringBuilder b = new StringBuilder("ts=2026-01-15T08:00:").append(10 + j % 50).append(".123Z level=")
                    .append(LEVELS[r.nextInt(LEVELS.length)]).append(" msg=\"")
                    .append(msgs.get(t)).append('"');
            for (String k : keys.get(t)) {
                b.append(' ').append(k).append('=');
                if (k.endsWith("_ms") || k.endsWith("_count")) {
                    b.append(r.nextInt(100000));
                } else if (k.endsWith("_id")) {
                    b.append(Long.toHexString(r.nextLong() >>> 16));
                } else {
                    b.append(WORDS[r.nextInt(WORDS.length)]);
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    /**
     * logfmt lines whose keys are drawn at random for every line (11-26 pairs, values numbers, hex ids or words):
     * no two lines share their structure, the worst case of a template miner.
     */
    static List<String> logfmtRandomKeys(int n, long seed) {
        Random r = new Random(seed);
        String[] suffix = {"", "_ms", "_id", "_count"};
        List<String> lines = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            StringBuilder b = new StringBuilder("ts=2026-01-15T08:00:").append(10 + j % 50).append(".123Z level=")
                    .append(LEVELS[r.nextInt(LEVELS.length)]).append(" msg=\"").append(WORDS[r.nextInt(WORDS.length)])
                    .append(' ').append(WORDS[r.nextInt(WORDS.length)]).append('"');
            for (int k = 11 + r.nextInt(16); k > 0; k--) {
                b.append(' ').append(WORDS[r.nextInt(WORDS.length)]).append(suffix[r.nextInt(suffix.length)]).append('=');
                switch (r.nextInt(3)) {
                    case 0 -> b.append(r.nextInt(100000));
                    case 1 -> b.append(Long.toHexString(r.nextLong() >>> 16));
                    default -> b.append(WORDS[r.nextInt(WORDS.length)]);
                }
            }
            lines.add(b.toString());
        }
        return lines;
    }

    @Test
    void logfmtWithWordValuesKeepsAboutOneTemplatePerEventType() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int types = 10;
        for (String line : logfmt(5000, types, 8)) {
            miner.accept(s, line);
        }
        // before fields: every combination of word values its own template, 1,000 (the cap) after 5,000 lines
        assertTrue(s.size() <= types + 2, "templates after 5,000 lines of " + types + " logfmt event types: " + s.size());
        assertEquals(0, s.evicted());
        for (MinerState.Cluster c : s.clusters()) {
            for (String t : c.tokens) {
                int v = TemplateMiner.valueStart(t);
                assertTrue(v < 0 || t.startsWith("ts=") || t.startsWith("msg=") || t.startsWith("<*>", v),
                        "a word value kept as a constant: " + t + " in " + c.template());
            }
        }
    }

    @Test
    void fieldsLearnTheirValuesAndKeepTheirKeys() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        String line = "ts=2026-01-15T08:00:01Z level=info msg=\"request done\" method=GET status=<s> user=<u> region=eu "
                + "cache=hit";
        int a = miner.accept(s, line.replace("<s>", "ok").replace("<u>", "alice")).id();
        assertEquals(a, miner.accept(s, line.replace("<s>", "fail").replace("<u>", "bob")).id());
        assertEquals(a, miner.accept(s, line.replace("<s>", "retry").replace("<u>", "carol").replace("info", "warn")).id());
        // (the quoted text one token: its spaces no-break spaces, LineTokens#tokens)
        assertEquals("ts=<*> level=<*> msg=\"request\u00a0done\" method=GET status=<*> user=<*> region=eu cache=hit",
                s.cluster(a).template());
        // another message, another template; a field's flag (true / false) is a word of the message
        int b = miner.accept(s, line.replace("request done", "request failed").replace("<s>", "ok").replace("<u>", "x")).id();
        assertNotEquals(a, b);
        MinerState t = new MinerState();
        String flagged = line.replace("<s>", "ok").replace("<u>", "x");
        int c = miner.accept(t, flagged.replace("cache=hit", "cache=true")).id();
        assertNotEquals(c, miner.accept(t, flagged.replace("cache=hit", "cache=false")).id());
    }
}
