package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The miner's eviction through its {@link EvictionOrder} against the reference, the scan of the cluster list
 * ({@link TemplateMiner#oldestScan}): the same victim every time, ties and restores included.
 */
class EvictionOrderTest {
    static final String[] WORDS = {"job", "task", "disk", "user", "node", "cache", "queue", "lock", "link", "port",
        "alpha", "beta", "gamma", "delta", "sent", "got", "failed", "started", "stopped", "ok", "slow", "retry"};

    /**
     * A random line: one of {@code types} event types, or a fresh one. Its first word ends in a digit (a host's
     * number: the template's first token becomes {@code <*>} as hosts vary), its fourth takes one of three forms,
     * so that clusters made apart under different hosts are then covered by one that widened (merges); any word
     * may be replaced by another word or a number.
     */
    static String line(Random r, List<String[]> types) {
        String[] t;
        if (types.isEmpty() || r.nextInt(6) == 0) {
            t = new String[r.nextInt(4) == 0 ? 3 : 5 + r.nextInt(3)];
            for (int i = 0; i < t.length; i++) {
                t[i] = WORDS[r.nextInt(WORDS.length)] + (r.nextInt(4) == 0 ? "" : Integer.toString(r.nextInt(9)));
            }
            types.add(t);
        } else {
            // mostly recent types, sometimes an old one (touching a cluster that is about to be evicted)
            int n = types.size();
            t = types.get(r.nextInt(4) == 0 ? r.nextInt(n) : Math.max(0, n - 1 - r.nextInt(Math.min(n, 12))));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.length; i++) {
            int k = r.nextInt(16);
            String v = i == 0 ? "host" + t[0] + r.nextInt(10)
                    : i == 3 ? t[3] + "xyz".substring(0, r.nextInt(3))
                    : k == 0 ? WORDS[r.nextInt(WORDS.length)] : k == 1 ? Integer.toString(r.nextInt(1000)) : t[i];
            sb.append(sb.length() == 0 ? "" : " ").append(v);
        }
        return sb.toString();
    }

    static MinerState roundTrip(MinerState s) throws IOException {
        MinerStateSerializer ser = new MinerStateSerializer();
        DataOutputSerializer out = new DataOutputSerializer(256);
        ser.serialize(s, out);
        return ser.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    /** Counts over a run (so that a test can check it exercised what it claims). */
    static final class Counts {
        long evictions;
        long merges;
        long restores;
    }

    /**
     * Feeds {@code lines} to the fast miner on {@code fast} and the reference on {@code ref} (equal states),
     * comparing the matches and the whole states after every line; restores or copies the states now and then.
     */
    static void drive(Random r, int maxTemplates, MinerState fast, MinerState ref, int lines, Counts counts)
            throws IOException {
        MinerSettings settings = MinerSettings.defaults().withMaxTemplates(maxTemplates).withHeaders(false);
        TemplateMiner fastMiner = new TemplateMiner(settings, false, true, false);
        TemplateMiner refMiner = new TemplateMiner(settings, false, true, true);
        List<String[]> types = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            String l = line(r, types);
            Set<Integer> before = ids(fast);
            long evicted = fast.evicted();
            TemplateMiner.Match a = fastMiner.accept(fast, l);
            TemplateMiner.Match b = refMiner.accept(ref, l);
            assertEquals(b.id() + " " + b.created() + " " + b.template(),
                    a.id() + " " + a.created() + " " + a.template(), "line " + i + ": " + l);
            assertEquals(ref, fast, "line " + i + ": " + l);
            Set<Integer> gone = new HashSet<>(before);
            gone.removeAll(ids(fast));
            long e = fast.evicted() - evicted;
            counts.evictions += e;
            counts.merges += gone.size() - e;
            int k = r.nextInt(100);
            if (k < 3) {
                fast = roundTrip(fast);
                ref = roundTrip(ref);
                counts.restores++;
            } else if (k < 4) {
                fast = fast.copy();
                counts.restores++;
            }
        }
    }

    static Set<Integer> ids(MinerState s) {
        Set<Integer> ids = new HashSet<>();
        for (MinerState.Cluster c : s.clusters()) {
            ids.add(c.id());
        }
        return ids;
    }

    @Test
    void randomStreamsEvictWhatTheScanEvicts() throws IOException {
        Counts counts = new Counts();
        for (int seed = 0; seed < 12; seed++) {
            Random r = new Random(seed);
            drive(r, 1 + r.nextInt(40), new MinerState(), new MinerState(), 3000, counts);
        }
        assertTrue(counts.evictions > 10_000, "evictions " + counts.evictions);
        assertTrue(counts.merges > 10, "merges " + counts.merges + " evictions " + counts.evictions);
        assertTrue(counts.restores > 500, "restores " + counts.restores);
    }

    /**
     * Restored states a miner would not make (the serializer takes them): equal {@code lastSeen} (ties go to the
     * first in list order) and lists out of id order.
     */
    @Test
    void restoredTiesAndListOrderEvictWhatTheScanEvicts() throws IOException {
        Counts counts = new Counts();
        for (int seed = 0; seed < 40; seed++) {
            Random r = new Random(1000 + seed);
            int n = 2 + r.nextInt(30);
            MinerState s = new MinerState();
            s.nextId = n + r.nextInt(5);
            s.lines = 5 + r.nextInt(10);
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < s.nextId; i++) {
                ids.add(i);
            }
            Collections.shuffle(ids, r);
            if (seed % 4 == 0) {
                Collections.sort(ids.subList(0, n));
            }
            List<String[]> types = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long last = r.nextInt((int) s.lines);
                s.clusters.add(new MinerState.Cluster(ids.get(i), LineTokens.tokens(line(r, types)), 1,
                        r.nextInt((int) last + 1), last));
            }
            MinerState restored = roundTrip(s);
            assertEquals(s, restored);
            drive(r, Math.max(1, n - r.nextInt(4)), restored, roundTrip(s), 300, counts);
        }
        assertTrue(counts.evictions > 5_000, "evictions " + counts.evictions);
    }

    /** The order alone, under arbitrary {@code lastSeen} changes (later or earlier), against the scan. */
    @Test
    void orderMatchesTheScanUnderArbitraryChanges() {
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            MinerState s = new MinerState();
            for (int i = 0; i < r.nextInt(20); i++) {
                s.clusters.add(new MinerState.Cluster(s.nextId++, new String[] {"a"}, 1, 0, r.nextInt(10)));
            }
            EvictionOrder o = EvictionOrder.of(s.clusters);
            for (int step = 0; step < 400; step++) {
                int k = r.nextInt(10);
                if (k < 3 || s.clusters.isEmpty()) {
                    MinerState.Cluster c = new MinerState.Cluster(s.nextId++, new String[] {"a"}, 1, 0, r.nextInt(10));
                    s.clusters.add(c);
                    o.add(c);
                } else if (k < 5) {
                    MinerState.Cluster c = s.clusters.get(r.nextInt(s.clusters.size()));
                    s.clusters.remove(s.indexOf(c));
                    o.remove(c);
                } else {
                    MinerState.Cluster c = s.clusters.get(r.nextInt(s.clusters.size()));
                    c.lastSeen = r.nextInt(12);
                    o.touched(c);
                }
                MinerState.Cluster keep = s.clusters.isEmpty() ? null
                        : s.clusters.get(r.nextInt(s.clusters.size()));
                assertSame(TemplateMiner.oldestScan(s, keep), o.oldest(keep), "round " + round + " step " + step);
                if (keep != null) {
                    assertSame(TemplateMiner.oldestScan(s, null), o.oldest(null), "round " + round + " step " + step);
                }
            }
        }
    }
}
