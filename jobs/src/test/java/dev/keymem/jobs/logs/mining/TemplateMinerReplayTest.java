package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A remembered message's match brought up to date from its bucket's changes ({@code TemplateMiner#replayed},
 * {@code TemplateIndex.Bucket#changesSince}) against the references: the miner without its memories (every line
 * compared with its bucket's clusters anew) and the miner with them but without the replay. One source with many
 * templates of a token count, clusters made, widened, merged and evicted all along (what a one-source log of many
 * kinds of lines does): the same id, template and created flag for every line, the same states, and many lines'
 * matches replayed. Leaf and fallback thresholds both ways round (the fallback excluding the line's own prefix, or
 * not), states copied now and then (the index rebuilt: nothing replayed across).
 */
class TemplateMinerReplayTest {

    private static final String[] FIRST = {"GET", "PUT", "job", "task", "worker", "session"};
    private static final String[] WORDS = {"opened", "closed", "connection", "store", "retry", "failed", "started",
        "stopped", "queue", "block", "lease", "granted", "denied", "cache", "flush", "read", "write", "user", "host",
        "volume", "node", "peer", "timeout", "sent", "received"};

    /** Lines of 5 to 9 tokens: a first word of a few, words of a small vocabulary, numbers and key=value pairs. */
    static List<String> lines(int n, long seed) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 5 + r.nextInt(5);
            StringBuilder b = new StringBuilder(FIRST[r.nextInt(FIRST.length)]);
            for (int k = 1; k < len; k++) {
                b.append(' ');
                int kind = r.nextInt(10);
                if (kind < 6) {
                    b.append(WORDS[r.nextInt(k < 3 ? 6 : WORDS.length)]);
                } else if (kind < 8) {
                    b.append(r.nextInt(100000));
                } else {
                    b.append(WORDS[r.nextInt(4)]).append('=').append(r.nextBoolean() ? WORDS[r.nextInt(WORDS.length)]
                            : Integer.toString(r.nextInt(100)));
                }
            }
            out.add(b.toString());
        }
        return out;
    }

    /** {@code draws} lines drawn from {@code pool} (skewed: a few lines often, most rarely), in one state. */
    static long[] same(List<String> pool, int draws, long seed, MinerSettings settings, boolean copies)
            throws IOException {
        TemplateMiner replaying = new TemplateMiner(settings);
        TemplateMiner memo = new TemplateMiner(settings);
        memo.replay = false;
        TemplateMiner reference = new TemplateMiner(settings, false, false);
        MinerState a = new MinerState();
        MinerState b = new MinerState();
        MinerState c = new MinerState();
        Random r = new Random(seed);
        for (int i = 0; i < draws; i++) {
            double u = r.nextDouble();
            String line = pool.get((int) (u * u * u * pool.size()));
            if (copies && r.nextInt(700) == 0) {
                a = a.copy(); // as a state read back: its index rebuilt, its buckets new
                b = b.copy();
            }
            TemplateMiner.Match x = replaying.accept(a, line);
            TemplateMiner.Match y = memo.accept(b, line);
            TemplateMiner.Match z = reference.accept(c, line);
            for (TemplateMiner.Match w : new TemplateMiner.Match[] {y, z}) {
                if (x.id() != w.id() || !x.template().equals(w.template()) || x.created() != w.created()) {
                    throw new AssertionError("line " + i + " [" + line + "]: replayed " + x + ", reference " + w);
                }
            }
        }
        assertEquals(c, a);
        assertEquals(c, b);
        MinerStateSerializer ser = new MinerStateSerializer();
        assertArrayEquals(MinerStateSerializerTest.bytes(ser, c), MinerStateSerializerTest.bytes(ser, a));
        assertEquals(0, memo.replayedMatches);
        System.out.println("TemplateMinerReplayTest: " + draws + " lines, " + a.size() + " templates held, replayed "
                + replaying.replayedMatches + ", reused " + replaying.reusedMatches);
        assertEquals(0, reference.reusedMatches + reference.replayedMatches);
        return new long[] {replaying.replayedMatches, replaying.reusedMatches, memo.reusedMatches};
    }

    @Test
    void replayedMatchesAreTheReferencesOnGeneratedLines() throws IOException {
        List<String> pool = lines(3000, 7);
        for (MinerSettings s : new MinerSettings[] {MinerSettings.defaults().withMaxTemplates(150),
            MinerSettings.defaults().withMaxTemplates(400).withSimilarity(0.6, 0.4),
            MinerSettings.defaults().withMaxTemplates(60).withDepth(1),
            MinerSettings.defaults().withSimilarity(0.4, 0.5)}) {
            for (boolean copies : new boolean[] {false, true}) {
                long[] n = same(pool, 30000, 11, s, copies);
                assertTrue(n[0] > 1000, "replayed: " + n[0] + " (reused " + n[1] + ")");
                assertEquals(n[2], n[1], "the replay does not change what is reused as it was");
            }
        }
    }

    /** Every loghub_2k set's lines as one source (as lhredraw1: many templates of each token count). */
    @Test
    void replayedMatchesAreTheReferencesOnLoghubLinesInOneSource() throws IOException {
        List<String> pool = Loghub.lines("TemplateMinerReplayTest");
        if (pool.isEmpty()) {
            return;
        }
        for (MinerSettings s : new MinerSettings[] {MinerSettings.defaults().withMaxTemplates(200),
            MinerSettings.defaults().withMaxTemplates(600).withSimilarity(0.6, 0.4)}) {
            long[] n = same(pool, 40000, 3, s, false);
            assertTrue(n[0] > 200, "replayed: " + n[0] + " (reused " + n[1] + ")");
        }
    }

    /** The ring of a bucket's changes: found back as many changes as were made, up to its size; else unknown. */
    @Test
    void changesSinceCountsTheBucketsChanges() {
        TemplateIndex.Bucket b = new TemplateIndex.Bucket(3); // keeps its ring from the first change
        List<MinerState.Cluster> cs = new ArrayList<>();
        List<Long> versions = new ArrayList<>();
        versions.add(b.version);
        for (int i = 0; i < TemplateIndex.CHANGES + 5; i++) {
            MinerState.Cluster c = new MinerState.Cluster(i, new String[] {"a" + i, "b", "c"}, 1, 0, 0);
            b.add(c, "p");
            cs.add(c);
            versions.add(b.version);
        }
        int made = versions.size() - 1;
        for (int k = 0; k <= made; k++) {
            long v = versions.get(k);
            int n = b.changesSince(v);
            if (made - k <= TemplateIndex.CHANGES) {
                assertEquals(made - k, n, "changes since version " + k);
                for (int j = 0; j < n; j++) {
                    assertTrue(b.changeAdded(n, j));
                    assertEquals(cs.get(k + j), b.changeOf(n, j));
                }
            } else {
                assertEquals(-1, n, "changes since version " + k + " are past the ring");
            }
        }
        b.remove(cs.get(3));
        assertEquals(1, b.changesSince(versions.get(made)));
        assertEquals(cs.get(3), b.changeOf(1, 0));
        assertTrue(!b.changeAdded(1, 0) && !b.holds(cs.get(3)) && b.holds(cs.get(4)));
        assertEquals(-1, b.changesSince(12345L), "no version of this bucket");
    }
}
