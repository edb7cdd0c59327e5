package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The miner's remembered messages ({@link TemplateMiner#message}) against the reference that computes every
 * line's message and tokens anew ({@link TemplateMiner#messageOf}): the same match for every line (id, template,
 * created, masked message, tokens) and the same state, on real logs (loghub_2k), logfmt, long lines (not
 * remembered) and random lines; a remembered token array is shared by the repeats and never changed, also after
 * clusters that took it widened. And {@link TemplateMiner#nameKey} against its definition.
 */
class TemplateMinerMessageMemoTest {

    static void same(List<String> lines, MinerSettings settings) throws IOException {
        TemplateMiner memo = new TemplateMiner(settings);
        TemplateMiner reference = new TemplateMiner(settings, false, false);
        MinerState a = new MinerState();
        MinerState b = new MinerState();
        List<TemplateMiner.Match> kept = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            TemplateMiner.Match x = memo.accept(a, line);
            TemplateMiner.Match y = reference.accept(b, line);
            if (x.id() != y.id() || !x.template().equals(y.template()) || x.created() != y.created()
                    || !x.masked().equals(y.masked()) || !Arrays.equals(x.tokens(), y.tokens())
                    || !java.util.Objects.equals(x.message(), y.message())) {
                throw new AssertionError("line " + i + " [" + line + "]: remembered " + x + " " + Arrays.toString(x.tokens())
                        + ", reference " + y + " " + Arrays.toString(y.tokens()));
            }
            kept.add(x);
        }
        assertEquals(b, a);
        assertEquals(0, reference.unchangedWidens);
        MinerStateSerializer ser = new MinerStateSerializer();
        assertArrayEquals(MinerStateSerializerTest.bytes(ser, b), MinerStateSerializerTest.bytes(ser, a));
        // no token array handed out was changed later (the clusters that hold one replace it when they widen)
        for (TemplateMiner.Match x : kept) {
            assertArrayEquals(LineTokens.tokens(x.masked()), x.tokens(), x.masked());
        }
    }

    @Test
    void loghubLinesMatchAsWithoutTheMemory() throws IOException {
        List<String> lines = Loghub.lines("TemplateMinerMessageMemoTest");
        same(lines, MinerSettings.defaults());
        same(lines, MinerSettings.defaults().withMaxTemplates(40));
        same(lines, MinerSettings.defaults().withDepth(4).withHeaders(false).withMaxTemplates(200));
    }

    /**
     * One miner over several states (the job's sources), as the job keeps them: a remembered message's match
     * ({@code Message#matched}, kept while its index bucket's version holds) is never taken from another state's
     * bucket, nor from a bucket changed since (clusters made, widened, merged, evicted: a small cap), nor across a
     * state replaced by its copy (its index rebuilt); the same ids and templates as the reference, and the same states.
     */
    @Test
    void rememberedMatchesAcrossStatesAsWithoutTheMemory() throws Exception {
        List<String> lines = new ArrayList<>(TemplateMinerShapesTest.logfmt(2000, 10, 8));
        List<String> real = LineTokensScanTestLines.realLines(); // with loghub_2k where present
        Random pick = new Random(5);
        for (int i = 0; i < 3000 && !real.isEmpty(); i++) {
            lines.add(real.get(pick.nextInt(real.size())));
        }
        for (MinerSettings settings : new MinerSettings[] {MinerSettings.defaults(),
            MinerSettings.defaults().withMaxTemplates(25)}) {
            TemplateMiner memo = new TemplateMiner(settings);
            TemplateMiner reference = new TemplateMiner(settings, false, false);
            MinerState[] a = new MinerState[4];
            MinerState[] b = new MinerState[4];
            for (int k = 0; k < a.length; k++) {
                a[k] = new MinerState();
                b[k] = new MinerState();
            }
            Random r = new Random(23);
            int hits = 0; // (lines matched to a template they did not make)
            int k = 0;
            for (int i = 0; i < 5000; i++) {
                String line = lines.get(r.nextInt(lines.size())); // repeats in every state, in any order
                if (r.nextInt(40) == 0) {
                    k = r.nextInt(a.length); // runs of one state's lines, as a batch run sorts them, and switches
                }
                if (r.nextInt(500) == 0) {
                    a[k] = a[k].copy(); // as a state read back: its index rebuilt, its clusters new objects
                }
                TemplateMiner.Match x = memo.accept(a[k], line);
                TemplateMiner.Match y = reference.accept(b[k], line);
                if (x.id() != y.id() || !x.template().equals(y.template()) || x.created() != y.created()) {
                    throw new AssertionError("line " + i + " of state " + k + " [" + line + "]: remembered " + x
                            + ", reference " + y);
                }
                hits += x.created() ? 0 : 1;
            }
            for (int j = 0; j < a.length; j++) {
                assertEquals(b[j], a[j]);
            }
            assertTrue(memo.reusedMatches > 20, "matches reused: " + memo.reusedMatches + " of " + hits);
            assertEquals(0, reference.reusedMatches);
            // lines whose cluster was left as it was without widen's pass (its tokens the line's own array, or one
            // a pass left unchanged for the line's message): the same states as the reference, which passes each
            assertTrue(memo.unchangedWidens > 20, "widens skipped: " + memo.unchangedWidens + " of " + hits);
            assertEquals(0, reference.unchangedWidens);
        }
    }

    /**
     * A remembered message meeting a cluster widened by another line (its tokens no longer the message's array): the
     * first pass over the tokens changes nothing and remembers that array; the next repeat skips the pass; a line
     * that widens the cluster again replaces its array, and the message's next repeat passes over the tokens again.
     * The same matches and state as the reference throughout.
     */
    @Test
    void aRepeatCoveredByAWidenedClusterSkipsThePass() throws IOException {
        TemplateMiner memo = new TemplateMiner(MinerSettings.defaults());
        TemplateMiner reference = new TemplateMiner(MinerSettings.defaults(), false, false);
        MinerState a = new MinerState();
        MinerState b = new MinerState();
        String alpha = "user alpha opened connection to store on host main";
        String[] lines = {alpha, "user beta opened connection to store on host main", alpha, alpha, alpha,
            "user gamma opened connection to store on host backup", alpha, alpha};
        long[] skipped = new long[lines.length];
        for (int i = 0; i < lines.length; i++) {
            TemplateMiner.Match x = memo.accept(a, lines[i]);
            TemplateMiner.Match y = reference.accept(b, lines[i]);
            assertEquals(y.id(), x.id(), lines[i]);
            assertEquals(y.template(), x.template(), lines[i]);
            skipped[i] = memo.unchangedWidens;
        }
        assertEquals(b, a);
        assertEquals(1, a.clusters.size());
        assertEquals("user <*> opened connection to store on host <*>", a.clusters.get(0).template());
        // line 2 (alpha's second sighting, its message remembered from then on): a pass, unchanged; 3 and 4
        // skip it; line 5 widens the cluster (a new array); line 6 passes again; line 7 skips it
        assertArrayEquals(new long[] {0, 0, 0, 1, 2, 2, 2, 3}, skipped);
        assertEquals(0, reference.unchangedWidens);
    }

    @Test
    void logfmtAndLongLinesMatchAsWithoutTheMemory() throws IOException {
        same(TemplateMinerShapesTest.logfmt(3000, 10, 8), MinerSettings.defaults().withMaxTemplates(6));
        same(TemplateMinerShapesTest.logfmtRandomKeys(2000, 4), MinerSettings.defaults().withMaxTemplates(300));
        Random r = new Random(3);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            StringBuilder b = new StringBuilder("2026-01-01T00:00:0" + r.nextInt(10) + "Z INFO svc[" + r.nextInt(99) + "]:");
            for (int k = r.nextInt(3) == 0 ? 120 : 8; k > 0; k--) { // some lines over the memory's length
                b.append(" word").append(r.nextInt(3) == 0 ? "" : String.valueOf(r.nextInt(4))).append(" n=").append(r.nextInt(9));
            }
            lines.add(b.toString());
        }
        assertTrue(lines.stream().anyMatch(l -> l.length() > TemplateMiner.MESSAGE_CACHE_CHARS));
        same(lines, MinerSettings.defaults());
    }

    @Test
    void randomLinesMatchAsWithoutTheMemory() throws IOException {
        Random r = new Random(17);
        String[] tokens = {"alpha", "beta", "Gamma", "node7", "node9", "user", "for", "key:", "val,", "x=1", "x=2",
            "mode=fast", "mode=slow", "10.0.0.1", "42", "0x1f", "<*>", "a.b.c", "/var/log", "(", ")", "--", "a|b|c",
            "INFO", "[main]", "2026-01-01", "12:00:00", "msg=done", "isOverlap:true", "isOverlap:false", "gige4", "-",
            "db:"};
        for (int seed = 0; seed < 3; seed++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                StringBuilder b = new StringBuilder();
                for (int k = 1 + r.nextInt(7); k > 0; k--) {
                    b.append(b.length() == 0 ? "" : " ").append(tokens[r.nextInt(tokens.length)]);
                }
                lines.add(b.toString());
                if (r.nextInt(4) == 0) { // the same text as a JSON record's message: mined whole, no header cut
                    lines.add("{\"level\":\"info\",\"message\":\"" + b + "\"}");
                }
            }
            same(lines, MinerSettings.defaults().withHeaders(seed != 1).withMaxTemplates(seed == 2 ? 30 : 1000));
        }
    }

    @Test
    void repeatsShareTheRememberedMessage() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults());
        MinerState s = new MinerState();
        TemplateMiner.Match a = miner.accept(s, "2026-01-01T00:00:01Z INFO db[12]: query ok rows=5 time=3ms");
        assertEquals(0, miner.remembered()); // met once: not kept
        TemplateMiner.Match b = miner.accept(s, "2026-01-01T00:00:02Z INFO db[12]: query ok rows=71 time=9ms");
        assertEquals(1, miner.remembered()); // the second sighting is kept
        TemplateMiner.Match c = miner.accept(s, "2026-01-01T00:00:03Z INFO db[12]: query ok rows=8 time=1ms");
        assertEquals(a.masked(), b.masked());
        assertNotSame(a.tokens(), b.tokens());
        assertSame(b.masked(), c.masked());
        assertSame(b.tokens(), c.tokens());
        TemplateMiner reference = new TemplateMiner(MinerSettings.defaults(), false, false);
        MinerState t = new MinerState();
        reference.accept(t, "2026-01-01T00:00:01Z INFO db[12]: query ok rows=5 time=3ms");
        TemplateMiner.Match d = reference.accept(t, "2026-01-01T00:00:02Z INFO db[12]: query ok rows=71 time=9ms");
        TemplateMiner.Match e = reference.accept(t, "2026-01-01T00:00:03Z INFO db[12]: query ok rows=8 time=1ms");
        assertNotSame(d.tokens(), e.tokens());
        assertEquals(0, reference.remembered());
    }

    /**
     * Lines whose masked forms never repeat (ids the masking leaves pieces of) are matched as without the memory
     * and leave nothing remembered (a key is admitted when its slot holds its own hash: two distinct masked lines
     * with one hash, which these lines do not have).
     */
    @Test
    void linesThatNeverRepeatAreNotRemembered() throws IOException {
        Random r = new Random(5);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            StringBuilder word = new StringBuilder(); // the line's number in letters: a word the masking keeps
            for (int n = i; n > 0 || word.length() == 0; n /= 26) {
                word.append((char) ('a' + n % 26));
            }
            lines.add("2026-01-23T08:00:00.000Z INFO svc[" + r.nextInt(9999) + "]: req=ok mac="
                    + Integer.toHexString(0x10000 + r.nextInt(0xEFFFF)) + " user " + word + " done");
        }
        same(lines, MinerSettings.defaults());
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults());
        MinerState s = new MinerState();
        for (String line : lines) {
            miner.accept(s, line);
        }
        assertEquals(0, miner.remembered());
        // the same lines again: each is now a repeat (those still in the doorkeeper's slots are kept)
        for (String line : lines) {
            miner.accept(s, line);
        }
        assertTrue(miner.remembered() > 2000, "remembered " + miner.remembered());
    }

    /** A masked line remembered with its header cut is not the message of a JSON record's text (kept whole). */
    @Test
    void aJsonMessageIsNotTheCutLineOfTheSameText() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults());
        MinerState s = new MinerState();
        TemplateMiner.Match plain = miner.accept(s, "INFO db: query ok rows=5");
        TemplateMiner.Match json = miner.accept(s, "{\"level\":\"warn\",\"message\":\"INFO db: query ok rows=5\"}");
        TemplateMiner reference = new TemplateMiner(MinerSettings.defaults(), false, false);
        MinerState t = new MinerState();
        TemplateMiner.Match plainRef = reference.accept(t, "INFO db: query ok rows=5");
        TemplateMiner.Match jsonRef = reference.accept(t, "{\"level\":\"warn\",\"message\":\"INFO db: query ok rows=5\"}");
        assertEquals(plainRef.masked(), plain.masked());
        assertEquals(jsonRef.masked(), json.masked());
        assertTrue(!plain.masked().equals(json.masked()), plain.masked() + " / " + json.masked());
    }

    @Test
    void nameKeyIsItsDefinition() {
        Random r = new Random(29);
        String alphabet = "userUSERnamefohtNAMEFORHOSTacntlgiwAOWLGIk-_.:=\"'[](),0129 \u212a\u0130\u00e9\u00df";
        List<String> tokens = new ArrayList<>(List.of("user", "User:", "[HOST]", "\"for\"", "usernames", "owner=",
                "\u212aey", "hostname,", "Login", "acco\u0130nt", "user\u0130", "(users)", "", "-", "for.", "4user"));
        for (String k : TemplateMiner.NAME_KEYS) {
            tokens.add(k.toUpperCase());
            tokens.add("<" + k + ">");
        }
        for (int i = 0; i < 20000; i++) {
            StringBuilder b = new StringBuilder();
            if (r.nextBoolean()) {
                String k = new ArrayList<>(TemplateMiner.NAME_KEYS).get(r.nextInt(TemplateMiner.NAME_KEYS.size()));
                for (char c : k.toCharArray()) {
                    b.append(r.nextBoolean() ? Character.toUpperCase(c) : c);
                }
                if (r.nextInt(3) == 0) {
                    b.setCharAt(r.nextInt(k.length()), alphabet.charAt(r.nextInt(alphabet.length())));
                }
                String punct = "-_.:=\"'[](), ";
                for (int p = r.nextInt(3); p > 0; p--) {
                    b.insert(0, punct.charAt(r.nextInt(punct.length()))).append(punct.charAt(r.nextInt(punct.length())));
                }
            } else {
                for (int k = r.nextInt(10); k > 0; k--) {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            tokens.add(b.toString());
        }
        int names = 0;
        for (String t : tokens) {
            boolean want = TemplateMiner.NAME_KEYS.contains(TemplateMiner.key(t));
            names += want ? 1 : 0;
            assertEquals(want, TemplateMiner.nameKey(t), t);
            for (int e = 0; e <= t.length(); e++) {
                assertEquals(TemplateMiner.NAME_KEYS.contains(TemplateMiner.key(t.substring(0, e))),
                        TemplateMiner.nameKey(t, 0, e), t + " to " + e);
            }
        }
        assertTrue(names > 3000, "name keys among the tokens: " + names);
    }

    /**
     * A remembered message keeps the cluster it last matched only until its next match: matched in another state
     * (no similar cluster there, or no cluster of its length at all) it holds none, not the first state's.
     */
    @Test
    void aRememberedMatchIsDroppedAtTheNextMatchElsewhere() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults());
        TemplateMiner.Message m = miner.messageOf("connection from <*> closed after retry", false);
        MinerState a = new MinerState();
        miner.assign(a, m, null);
        TemplateMiner.Match second = miner.assign(a, m, null);
        assertEquals(1, a.clusters.size());
        assertSame(a.clusters.get(0), m.matchedCluster(), "matched in a");
        assertEquals(second.id(), m.matchedCluster().id);

        MinerState b = new MinerState(); // a cluster of the same length, not similar
        miner.assign(b, miner.messageOf("disk quota exceeded on volume nine", false), null);
        miner.assign(b, m, null);
        assertEquals(2, b.clusters.size(), "no match in b: a cluster of its own");
        assertNull(m.matchedCluster(), "a's cluster not kept after a match in b found none");

        miner.assign(a, m, null);
        assertSame(a.clusters.get(0), m.matchedCluster());
        miner.assign(new MinerState(), m, null); // no cluster of its length at all
        assertNull(m.matchedCluster(), "not kept after a match in a state without its bucket");
    }
}
