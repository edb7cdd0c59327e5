package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link MinerState#removedSince}: the ids a miner removed (merged away, evicted) since {@link MinerState#recordRemovals},
 * against the reference, the ids held then or made since that are not held now; null where the object did not follow
 * (a copy, another tag, a change the record does not follow).
 */
class MinerStateRemovalsTest {
    private static final String[] WORDS = {"open", "closed", "failed", "ok", "retry", "write", "read", "sync",
        "timeout", "user", "block", "replica"};

    private static String line(SplittableRandom r) {
        StringBuilder b = new StringBuilder(WORDS[r.nextInt(4)]);
        for (int j = 2 + r.nextInt(5); j > 0; j--) {
            int k = r.nextInt(8);
            b.append(' ').append(k < 5 ? WORDS[r.nextInt(WORDS.length)] : k < 7 ? Integer.toString(r.nextInt(999))
                    : WORDS[r.nextInt(3)] + "=" + r.nextInt(50));
        }
        return b.toString();
    }

    private static TreeSet<Integer> ids(MinerState s) {
        TreeSet<Integer> out = new TreeSet<>();
        for (MinerState.Cluster c : s.clusters()) {
            out.add(c.id());
        }
        return out;
    }

    @Test
    void recordsTheRemovedIds() {
        SplittableRandom r = new SplittableRandom(5);
        int checked = 0;
        long removed = 0;
        for (int run = 0; run < 20; run++) {
            TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(5 + r.nextInt(40)));
            MinerState s = new MinerState();
            for (int period = 0; period < 40; period++) {
                TreeSet<Integer> before = ids(s);
                int next = s.nextId;
                s.recordRemovals(period);
                for (int i = r.nextInt(60); i > 0; i--) {
                    miner.accept(s, line(r));
                }
                TreeSet<Integer> gone = new TreeSet<>(before);
                for (int id = next; id < s.nextId; id++) {
                    gone.add(id);
                }
                gone.removeAll(ids(s));
                int[] want = gone.stream().mapToInt(Integer::intValue).toArray();
                assertNull(s.removedSince(period + 1), "another tag");
                int[] got = s.removedSince(period);
                assertNotNull(got, "run " + run + " period " + period);
                Arrays.sort(got);
                assertArrayEquals(want, got, "run " + run + " period " + period);
                removed += got.length;
                checked++;
                if (r.nextInt(10) == 0) {
                    s = s.copy(); // a restored or re-read state records nothing
                    assertNull(s.removedSince(period));
                }
            }
        }
        assertTrue(checked > 500 && removed > 2000, checked + " periods, " + removed + " removed");
    }

    @Test
    void aChangeNotFollowedEndsTheRecord() {
        TemplateMiner miner = new TemplateMiner(MinerSettings.defaults().withMaxTemplates(3));
        SplittableRandom r = new SplittableRandom(9);
        for (int way = 0; way < 3; way++) {
            MinerState s = new MinerState();
            for (int i = 0; i < 20; i++) {
                miner.accept(s, line(r));
            }
            s.recordRemovals(7);
            assertNotNull(s.removedSince(7));
            switch (way) {
                case 0 -> s.clusters.set(0, s.clusters.get(1));
                case 1 -> s.clusters.removeIf(c -> c.id() % 2 == 0);
                default -> s.clusters.add(0, s.clusters.get(0).copy());
            }
            assertNull(s.removedSince(7), "way " + way);
            s.recordRemovals(8); // a new record follows again
            assertNotNull(s.removedSince(8));
        }
    }
}
