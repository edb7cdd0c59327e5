package dev.keymem.models.bmojo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The in-memory archive ranks like a plain sort: larger dot product first, ties to the lower position. */
class InMemoryEideticArchiveTest {

    @Test
    void nearestEqualsASortOfEveryEntry() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int K = 1 + r.nextInt(6);
            InMemoryEideticArchive a = new InMemoryEideticArchive();
            List<EideticEntry> all = new ArrayList<>();
            int n = r.nextInt(60);
            List<Long> positions = new ArrayList<>();
            for (long p = 0; p < n; p++) {
                positions.add(p * 3 + r.nextInt(3));
            }
            java.util.Collections.shuffle(positions, new java.util.Random(trial)); // eviction order is not position order
            float[][] pool = new float[4][K]; // few distinct keys: many exact ties
            for (float[] key : pool) {
                for (int i = 0; i < K; i++) {
                    key[i] = (float) r.nextGaussian();
                }
            }
            for (long p : positions) {
                EideticEntry e = new EideticEntry(1, p, 0f, pool[r.nextInt(4)].clone(), new float[] {p});
                a.put(e);
                all.add(e);
            }
            float[] q = new float[K + 2];
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) r.nextGaussian();
            }
            int k = 1 + r.nextInt(8);
            List<EideticEntry> want = new ArrayList<>(all);
            want.sort(Comparator.comparingDouble((EideticEntry e) -> -EideticArchive.score(q, 2, e.key()))
                    .thenComparingLong(EideticEntry::position));
            assertEquals(want.subList(0, Math.min(k, want.size())), a.nearest(1, q, 2, k), "trial " + trial);
            // the interface's own ranking (what a MapState-backed archive inherits) gives the same list
            EideticArchive plain = new EideticArchive() {
                @Override
                public void put(EideticEntry entry) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void forEach(int head, java.util.function.Consumer<EideticEntry> visitor) {
                    java.util.List<EideticEntry> shuffled = new ArrayList<>(all);
                    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
                    shuffled.stream().filter(e -> e.head() == head).forEach(visitor);
                }

                @Override
                public long size() {
                    return all.size();
                }
            };
            assertEquals(want.subList(0, Math.min(k, want.size())), plain.nearest(1, q, 2, k), "default, trial " + trial);
            assertEquals(List.of(), a.nearest(0, q, 2, k));
            assertEquals(n, a.size());
        }
    }

    @Test
    void samePositionTwiceIsRefused() {
        InMemoryEideticArchive a = new InMemoryEideticArchive();
        a.put(new EideticEntry(0, 5, 1f, new float[2], new float[2]));
        assertThrows(IllegalStateException.class, () -> a.put(new EideticEntry(0, 5, 1f, new float[2], new float[2])));
    }
}
