package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The indexed match ({@link TemplateIndex}) against the reference scan ({@link TemplateMiner#matchScan}): the same
 * template for every line (id, text, created), the same states, bit for bit, on real logs (loghub_2k), the
 * shapes that fill a source with templates (logfmt with word values, JSON-like free text, stack frames), random
 * lines, with evictions, and across a serialize / restore of the state (the index is not state: rebuilt); each with
 * the buckets of a few members compared one by one ({@link TemplateIndex#ONE_BY_ONE}, the default) and with every
 * bucket matched by its groups. And the similarity that stops early against the reference similarity.
 */
class TemplateIndexTest {

    /**
     * Runs {@code lines} through two indexed miners (buckets of a few members compared one by one, the default; every
     * bucket by its groups) and a scanning one; restores the indexed states every {@code every}. Returns the first
     * indexed miner's state.
     */
    static MinerState same(List<String> lines, MinerSettings settings, int every) throws IOException {
        TemplateMiner[] indexed = {new TemplateMiner(settings), new TemplateMiner(settings, false, true, 0)};
        TemplateMiner scan = new TemplateMiner(settings, true);
        MinerState[] a = {new MinerState(), new MinerState()};
        MinerState b = new MinerState();
        MinerStateSerializer ser = new MinerStateSerializer();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            TemplateMiner.Match y = scan.accept(b, line);
            for (int k = 0; k < indexed.length; k++) {
                TemplateMiner.Match x = indexed[k].accept(a[k], line);
                if (x.id() != y.id() || !x.template().equals(y.template()) || x.created() != y.created()) {
                    throw new AssertionError("line " + i + " [" + line + "]: indexed (" + k + ") " + x + ", scan " + y);
                }
                if (every > 0 && i % every == every - 1) {
                    a[k] = MinerStateSerializerTest.decode(ser, MinerStateSerializerTest.bytes(ser, a[k]))[0];
                }
            }
        }
        for (MinerState x : a) {
            assertEquals(b, x);
            assertArrayEquals(MinerStateSerializerTest.bytes(ser, b), MinerStateSerializerTest.bytes(ser, x));
        }
        return a[0];
    }

    @Test
    void loghubLinesGetTheScansTemplates() throws IOException {
        List<String> lines = Loghub.lines("TemplateIndexTest");
        same(lines, MinerSettings.defaults(), 0);
        same(lines, MinerSettings.defaults().withMaxTemplates(40), 997);
        same(lines, MinerSettings.defaults().withDepth(0).withSimilarity(0.4, 0.6), 0);
        same(lines, MinerSettings.defaults().withDepth(4).withHeaders(false).withMaxTemplates(200), 0);
    }

    @Test
    void logfmtGetsTheScansTemplatesAtTheCap() throws IOException {
        MinerState s = same(TemplateMinerShapesTest.logfmt(4000, 10, 8), MinerSettings.defaults().withMaxTemplates(6), 1500);
        assertTrue(s.evicted() > 0, "the cap was reached: " + s.evicted());
        same(TemplateMinerShapesTest.logfmt(3000, 3, 9), MinerSettings.defaults(), 0);
        s = same(TemplateMinerShapesTest.logfmtRandomKeys(3000, 4), MinerSettings.defaults().withMaxTemplates(300), 1100);
        assertTrue(s.evicted() > 0, "the cap was reached: " + s.evicted());
    }

    @Test
    void freeTextAndStackFramesGetTheScansTemplates() throws IOException {
        Random r = new Random(5);
        List<String> lines = new ArrayList<>();
        String[] words = "the a connection closed opened user request failed retry for at from to in took".split(" ");
        for (int i = 0; i < 3000; i++) {
            switch (r.nextInt(3)) {
                case 0 -> {
                    StringBuilder b = new StringBuilder("{\"level\":\"info\",\"msg\":\"");
                    for (int k = 4 + r.nextInt(5); k > 0; k--) {
                        b.append(words[r.nextInt(words.length)]).append(' ');
                    }
                    lines.add(b.append("\",\"n\":").append(r.nextInt(100)).append('}').toString());
                }
                case 1 -> lines.add("\tat com.example." + words[r.nextInt(words.length)] + ".Svc" + r.nextInt(9) + ".run(Svc"
                        + r.nextInt(9) + ".java:" + r.nextInt(500) + ")");
                default -> lines.add("Caused by: java.io.IOException: " + words[r.nextInt(words.length)] + " "
                        + words[r.nextInt(words.length)]);
            }
        }
        same(lines, MinerSettings.defaults().withMaxTemplates(150), 700);
    }

    @Test
    void randomLinesGetTheScansTemplates() throws IOException {
        Random r = new Random(13);
        String[] tokens = {"alpha", "beta", "Gamma", "delta", "node7", "node9", "user", "for", "key:", "val,", "x=1",
            "x=2", "mode=fast", "mode=slow", "mode:fast", "host=a.b", "10.0.0.1", "42", "0x1f", "<*>", "<+>", "a.b.c",
            "/var/log", "(", ")", "--", "id=abc", "isOverlap:true", "isOverlap:false", "gige4", "gige7", "=x", "(=y",
            "mode=<*>", "mode=\"a b\"", "mode=\"c d\"", "\"mode\":\"fast\",", "\"mode\":\"slow\",", "msg=done", "msg=failed",
            "CCFile::start", "CCFile::stop", "k=a,b=c", "msg=\"x", "mode=(fast)", "mode=[slow]", "http://a"};
        for (int seed = 0; seed < 4; seed++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = 1 + r.nextInt(6); k > 0; k--) {
                    b.append(b.length() == 0 ? "" : " ").append(tokens[r.nextInt(tokens.length)]);
                }
                lines.add(b.toString());
            }
            same(lines, MinerSettings.defaults().withHeaders(seed % 2 == 0).withMaxTemplates(seed == 3 ? 30 : 1000)
                    .withDepth(seed), seed == 1 ? 301 : 0);
        }
    }

    @Test
    void multiLineStackTracesAndCollidingTokensGetTheScansTemplates() throws IOException {
        Random r = new Random(21);
        // "Aa" and "BB" (and their concatenations) have one hashCode: the group table's probing and deletion meet
        // collisions; traces of 5-60 frames give buckets of a few hundred positions
        String[] words = {"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "at", "com.acme.Svc", "run", "failed", "<*>"};
        String[] classes = {"com.acme.orders.Repo", "io.netty.Channel", "org.hibernate.Pool", "java.util.Map"};
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            StringBuilder b = new StringBuilder();
            if (r.nextBoolean()) {
                b.append("2026-01-23T08:00:0").append(r.nextInt(10)).append("Z ERROR request failed\n")
                        .append(words[r.nextInt(words.length)]).append(": timeout ").append(r.nextInt(1000));
                for (int k = 5 + r.nextInt(r.nextBoolean() ? 8 : 56); k > 0; k--) {
                    String c = classes[r.nextInt(classes.length)];
                    b.append("\n\tat ").append(c).append('.').append(words[r.nextInt(6)]).append('(')
                            .append(c.substring(c.lastIndexOf('.') + 1)).append(".java:").append(r.nextInt(900)).append(')');
                }
            } else {
                for (int k = 3 + r.nextInt(40); k > 0; k--) {
                    b.append(b.length() == 0 ? "" : " ").append(words[r.nextInt(words.length)]);
                }
            }
            lines.add(b.toString());
        }
        same(lines, MinerSettings.defaults(), 0);
        MinerState s = same(lines, MinerSettings.defaults().withMaxTemplates(25), 401);
        assertTrue(s.evicted() > 0, "the cap was reached: " + s.evicted());
    }

    /**
     * Stack traces as one record each (long lines, {@code at} before every frame): buckets of more than
     * {@link TemplateIndex#ONE_BY_ONE} members compared one by one up to their length over
     * {@link TemplateIndex#TOKENS_PER_MEMBER}, then by their groups, with evictions; and a fallback threshold below
     * the leaf's (the fallback then compares the clusters of the line's own prefix again).
     */
    @Test
    void stackTracesInLongBucketsGetTheScansTemplates() throws IOException {
        List<String> traces = TokenFactsTest.stackTraces(2500, 17);
        MinerState s = same(traces, MinerSettings.defaults().withMaxTemplates(400), 900);
        assertTrue(s.evicted() > 0, "the cap was reached: " + s.evicted());
        TemplateIndex index = new TemplateIndex();
        for (MinerState.Cluster c : s.clusters) {
            index.add(c, "");
        }
        boolean oneByOne = false;
        boolean grouped = false;
        for (MinerState.Cluster c : s.clusters) {
            TemplateIndex.Bucket b = index.bucket(c.tokens.length);
            oneByOne |= !b.grouped && b.members > TemplateIndex.ONE_BY_ONE;
            grouped |= b.grouped;
        }
        assertTrue(oneByOne, "a bucket of more than ONE_BY_ONE members compared one by one");
        assertTrue(grouped, "a bucket compared by its groups");
        same(traces.subList(0, 1200), MinerSettings.defaults().withSimilarity(0.6, 0.45), 0);
        same(TemplateMinerShapesTest.logfmt(1500, 6, 3), MinerSettings.defaults().withSimilarity(0.9, 0.5), 0);
    }

    /**
     * The bucket's group table (written by hand) against a map built from its members: after random adds and removes
     * of clusters with colliding tokens, every (position, token) of a member finds the group of exactly the members
     * holding it there, the table holds no other group, and a token no member holds there finds none.
     */
    @Test
    void groupTableHoldsExactlyTheMembersTokens() {
        Random r = new Random(8);
        String[] tokens = {"Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "x", "y", "<*>", "<+>", "k=<*>", "k=v"};
        for (int round = 0; round < 20; round++) {
            int length = 1 + r.nextInt(round < 10 ? 4 : 30);
            TemplateIndex.Bucket b = new TemplateIndex.Bucket(length);
            List<MinerState.Cluster> members = new ArrayList<>();
            for (int step = 0; step < 500; step++) {
                if (!members.isEmpty() && r.nextInt(5) < 2) {
                    b.remove(members.remove(r.nextInt(members.size())));
                } else {
                    String[] t = new String[length];
                    for (int i = 0; i < length; i++) {
                        t[i] = tokens[r.nextInt(tokens.length)];
                    }
                    MinerState.Cluster c = new MinerState.Cluster(step, t, 1, 0, 0);
                    b.add(c, "p");
                    members.add(c);
                }
                if (step % 4 != 3) {
                    continue;
                }
                Map<String, TreeSet<Integer>> expected = new HashMap<>();
                for (MinerState.Cluster c : members) {
                    for (int i = 0; i < length; i++) {
                        if (!TemplateMiner.wild(c.tokens[i])) {
                            expected.computeIfAbsent(i + " " + c.tokens[i], k -> new TreeSet<>()).add(c.slot);
                        }
                    }
                }
                assertEquals(expected.size(), b.groups().size(), "groups in the table");
                assertEquals(expected.size(), b.groupCount);
                for (TemplateIndex.Group g : b.groups()) {
                    TreeSet<Integer> got = new TreeSet<>();
                    for (int k = 0; k < g.n; k++) {
                        got.add(g.a[k]);
                    }
                    assertEquals(expected.get(g.position + " " + g.token), got, g.position + " " + g.token);
                    assertTrue(b.group(g.position, g.token) == g);
                }
                for (int i = 0; i < length; i++) {
                    for (String t : tokens) {
                        TemplateIndex.Group g = b.group(i, t);
                        assertEquals(expected.containsKey(i + " " + t), g != null, i + " " + t);
                    }
                }
            }
        }
    }

    /**
     * {@link TemplateMiner#similarity(String[], String[], boolean, double)} (stops once the threshold is out of reach)
     * against the reference: the same value where the reference reaches the threshold, below it where not.
     */
    @Test
    void similarityThatStopsEarlyAgreesWithTheReference() {
        Random r = new Random(4);
        String[] tokens = {"alpha", "beta", "node7", "node9", "user", "for", "root", "key:", "val,", "x=1", "x=2",
            "mode=fast", "mode=<*>", "<*>", "<+>", "42", "a.b.c", "isOverlap:true", "isOverlap:false", "(tag)"};
        double[] thresholds = {0.5, 0.75, 0.4, 0.6, 1.0, 0.01};
        int reached = 0;
        for (int k = 0; k < 200_000; k++) {
            int n = 1 + r.nextInt(12);
            String[] t = new String[n];
            String[] l = new String[n];
            for (int i = 0; i < n; i++) {
                t[i] = tokens[r.nextInt(tokens.length)];
                l[i] = r.nextInt(3) == 0 ? t[i] : tokens[r.nextInt(tokens.length)];
                if (l[i].equals("<+>")) {
                    l[i] = "<*>"; // a line holds no learned wildcard
                }
            }
            boolean words = r.nextBoolean();
            double threshold = thresholds[r.nextInt(thresholds.length)];
            double reference = TemplateMiner.similarity(t, l, words);
            double early = TemplateMiner.similarity(t, l, words, threshold);
            if (reference >= threshold) {
                reached++;
                assertEquals(reference, early, String.join(" ", t) + " / " + String.join(" ", l));
            } else {
                assertTrue(early < threshold, String.join(" ", t) + " / " + String.join(" ", l));
            }
        }
        assertTrue(reached > 10_000, "pairs at or above the threshold: " + reached);
    }
}
