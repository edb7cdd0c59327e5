package dev.keymem.jobs.context;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.operators.MemoryAnswer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The context job's streaming JSON (payload encode and decode, the answer) writes and reads exactly what the
 * tree forms do, on texts with quotes, escapes, control characters and non-ASCII, with and without the
 * optional fields.
 */
class ContextJsonTest {

    static final String CHARS = "ab \"\\/\n\t\u0001é中\uD83D\uDE00<>&'{}[]:,0.5e3";

    static String text(SplittableRandom r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(30);
        for (int i = 0; i < n; i++) {
            b.append(CHARS.charAt(r.nextInt(CHARS.length())));
        }
        return b.toString();
    }

    static ContextEvent event(SplittableRandom r) {
        ContextEvent e = new ContextEvent();
        e.user = r.nextInt(10) == 0 ? text(r) : "u" + r.nextInt(100);
        e.text = text(r);
        e.type = r.nextBoolean() ? null : text(r);
        e.ts = r.nextBoolean() ? null : text(r);
        e.query = r.nextBoolean();
        e.expect = r.nextBoolean() ? null : text(r);
        e.offset = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(1000);
        return e;
    }

    @Test
    void payloadsWrittenByHandEqualJacksonsOnEveryChar() {
        for (int c = 0; c < 0x10000; c++) {
            ContextEvent e = new ContextEvent();
            e.text = "a" + (char) c + "b";
            e.type = String.valueOf((char) c);
            e.ts = c % 2 == 0 ? null : "t" + (char) c;
            e.query = c % 3 == 0;
            e.expect = "" + (char) c + (char) (c ^ 0x400);
            e.offset = c * 7919L - 100000;
            assertArrayEquals(ContextPayload.encodeStreaming(e), ContextPayload.encode(e), "char " + c);
        }
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 3000; i++) {
            ContextEvent e = event(r);
            e.text = e.text.repeat(1 + r.nextInt(20));
            assertArrayEquals(ContextPayload.encodeStreaming(e), ContextPayload.encode(e));
        }
    }

    @Test
    void payloadsAndAnswersEqualTheTreeForms() {
        SplittableRandom r = new SplittableRandom(3);
        ContextAnswers answers = new ContextAnswers();
        for (int trial = 0; trial < 2000; trial++) {
            ContextEvent q = event(r);
            byte[] p = ContextPayload.encode(q);
            assertArrayEquals(ContextPayload.encodeTree(q), p, new String(p, StandardCharsets.UTF_8));
            assertArrayEquals(ContextPayload.encodeStreaming(q), p);
            ContextEvent d = ContextPayload.decode(p);
            ContextEvent t = ContextPayload.decodeTree(p);
            assertEquals(t.text, d.text);
            assertEquals(t.type, d.type);
            assertEquals(t.ts, d.ts);
            assertEquals(t.offset, d.offset);
            assertEquals(t.expect, d.expect);

            MemoryAnswer a = new MemoryAnswer();
            a.key = q.user;
            a.queryPayload = p;
            a.position = r.nextInt(100000);
            a.hits = new MemoryAnswer.Hit[r.nextInt(6)];
            for (int i = 0; i < a.hits.length; i++) {
                a.hits[i] = new MemoryAnswer.Hit(r.nextInt(100000), ContextPayload.encode(event(r)),
                        r.nextDouble() * 3 - 1, r.nextBoolean() ? "window+lexical" : "eidetic");
            }
            a.read = new float[32];
            for (int i = 0; i < a.read.length; i++) {
                a.read[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 1e-6 : i % 5 == 0 ? 3e-5 : i == 31 ? 1e12 : 0.3));
            }
            String tree = answers.mapTree(a).json;
            assertEquals(tree, answers.mapStreaming(a).json);
            assertEquals(tree, answers.map(a).json);
            assertEquals(tree, answers.map(a).json); // the hits' heads kept from the first
            a.queryPayload = ContextPayload.encode(q);
            assertEquals(tree, answers.map(a, q).json); // the query as its event
            MemoryAnswer.Hit[] hits = a.hits;
            a.hits = new MemoryAnswer.Hit[hits.length];
            for (int i = 0; i < hits.length; i++) { // the same hits at other positions, scores and tiers
                a.hits[i] = new MemoryAnswer.Hit(hits[i].position + 1, hits[i].payload,
                        i % 2 == 0 ? hits[i].score * 1e-4 : hits[i].score * 1e6, i % 3 == 0 ? "segment" : hits[i].tiers);
            }
            assertEquals(answers.mapTree(a).json, answers.map(a, q).json);
            ContextAnswers fresh = new ContextAnswers(); // heads written from remembered events
            for (int i = 0; i < a.hits.length; i++) {
                ContextEvent e = event(r);
                e.query = false;
                byte[] payload = ContextPayload.encode(e);
                fresh.remember(payload, e);
                a.hits[i] = new MemoryAnswer.Hit(a.hits[i].position, payload, a.hits[i].score, a.hits[i].tiers);
            }
            assertEquals(answers.mapTree(a).json, fresh.map(a).json);
            assertEquals(answers.mapTree(a).json, fresh.map(a).json);
        }
    }

    /**
     * Past the hit heads' bound ({@link ContextAnswers#HEADS_MAX}, two generations): answers over events remembered
     * long ago (their heads dropped), a while ago and just now equal the tree form; a hit that recurs in every
     * answer keeps its head (written once) while 3 x HEADS_MAX events pass through.
     */
    @Test
    void hitHeadsPastTheirBoundEqualTheTreeFormAndARecurringOneStays() {
        SplittableRandom r = new SplittableRandom(17);
        ContextAnswers answers = new ContextAnswers();
        ContextAnswers reference = new ContextAnswers();
        List<byte[]> payloads = new ArrayList<>();
        ContextEvent first = event(r);
        first.query = false;
        byte[] recurring = ContextPayload.encode(first);
        answers.remember(recurring, first);
        ContextEvent q = event(r);
        q.query = true;
        for (int i = 0; i < 3 * ContextAnswers.HEADS_MAX; i++) {
            ContextEvent e = event(r);
            e.query = false;
            byte[] p = ContextPayload.encode(e);
            answers.remember(p, e);
            payloads.add(p);
            if (i % 97 == 0) {
                assertTrue(i == 0 || answers.hasHead(recurring), "the recurring hit's head dropped by " + i);
                MemoryAnswer a = new MemoryAnswer();
                a.key = q.user;
                a.queryPayload = ContextPayload.encode(q);
                a.position = i;
                a.read = new float[] {0.25f, -0.5f};
                int n = payloads.size();
                byte[][] picked = {recurring, payloads.get(r.nextInt(n)), payloads.get(Math.max(0, n - 1 - r.nextInt(64))),
                        payloads.get(Math.max(0, n - 1 - ContextAnswers.HEADS_MAX / 2 - r.nextInt(64)))};
                a.hits = new MemoryAnswer.Hit[picked.length];
                for (int h = 0; h < picked.length; h++) {
                    a.hits[h] = new MemoryAnswer.Hit(h, picked[h], 0.5 - h * 0.1, "lexical");
                }
                assertEquals(reference.mapTree(a).json, answers.map(a).json, "answer at " + i);
            }
        }
        long written = answers.headsWritten;
        MemoryAnswer a = new MemoryAnswer();
        a.key = q.user;
        a.queryPayload = ContextPayload.encode(q);
        a.read = new float[0];
        a.hits = new MemoryAnswer.Hit[] {new MemoryAnswer.Hit(0, recurring, 1.0, "eidetic")};
        assertEquals(reference.mapTree(a).json, answers.map(a).json);
        assertEquals(written, answers.headsWritten, "the recurring hit's head was written again");
    }
}
