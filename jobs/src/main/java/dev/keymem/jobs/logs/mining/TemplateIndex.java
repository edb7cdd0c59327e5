package dev.keymem.jobs.logs.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted index over one source's clusters, so that {@link TemplateMiner#match} finds the best cluster by
 * counting hits instead of computing the similarity of every cluster of the line's token count. Per token
 * count: for each position, the clusters holding each constant token there and the clusters with a wildcard
 * there. For a line, one pass over those lists gives every cluster's {@code same} and {@code counted} of
 * {@link TemplateMiner#similarity} exactly (the kills, "different words of the message", are not counted: the
 * ratio is an upper bound of the similarity, equal to it unless the similarity is 0); the clusters are then
 * checked with the reference similarity in order of that bound (highest first, then lowest id), stopping
 * once no unchecked cluster can beat or tie the best one. A cluster sharing nothing with the line has
 * similarity 0, under both thresholds (which are &gt; 0). Same choices as the scan
 * ({@link TemplateMiner#matchScan}), bit for bit.
 *
 * <p>Not part of the state: rebuilt from the clusters on first use (after a restore), kept up to date as
 * clusters are created, widened, merged and evicted.
 */
final class TemplateIndex {
    private final Map<Integer, Bucket> buckets = new HashMap<>();

    Bucket bucket(int length) {
        return buckets.get(length);
    }

    void add(MinerState.Cluster c, String prefix) {
        buckets.computeIfAbsent(c.tokens.length, Bucket::new).add(c, prefix);
    }

    void remove(MinerState.Cluster c) {
        int length = c.indexed.length;
        Bucket b = buckets.get(length);
        b.remove(c);
        if (b.members == 0) {
            buckets.remove(length);
        }
    }

    /** A growable list of ints (slots). */
    static final class IntList {
        int[] a = new int[4];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void removeValue(int v) {
            for (int i = 0; i < n; i++) {
                if (a[i] == v) {
                    a[i] = a[--n];
                    return;
                }
            }
            throw new IllegalStateException("slot " + v + " not indexed");
        }
    }

    /** The clusters of one token count. */
    static final class Bucket {
        final int length;
        MinerState.Cluster[] slots = new MinerState.Cluster[8];
        int high;
        int members;
        final IntList free = new IntList();
        final List<Map<String, IntList>> postings = new ArrayList<>();
        final IntList[] wild;
        // per-line scratch, valid where stamp == epoch
        int[] same = new int[8];
        int[] bothWild = new int[8];
        int[] stamp = new int[8];
        double[] bound = new double[8];
        int epoch;
        final IntList touched = new IntList();

        Bucket(int length) {
            this.length = length;
            wild = new IntList[length];
            for (int i = 0; i < length; i++) {
                postings.add(new HashMap<>());
                wild[i] = new IntList();
            }
        }

        void add(MinerState.Cluster c, String prefix) {
            int s;
            if (free.n > 0) {
                s = free.a[--free.n];
            } else {
                s = high++;
                if (s == slots.length) {
                    int cap = slots.length * 2;
                    slots = Arrays.copyOf(slots, cap);
                    same = Arrays.copyOf(same, cap);
                    bothWild = Arrays.copyOf(bothWild, cap);
                    stamp = Arrays.copyOf(stamp, cap);
                    bound = Arrays.copyOf(bound, cap);
                }
            }
            slots[s] = c;
            stamp[s] = epoch - 1;
            c.slot = s;
            c.indexed = c.tokens;
            c.prefix = prefix;
            for (int i = 0; i < length; i++) {
                String t = c.tokens[i];
                if (TemplateMiner.wild(t)) {
                    wild[i].add(s);
                } else {
                    postings.get(i).computeIfAbsent(t, k -> new IntList()).add(s);
                }
            }
            members++;
        }

        void remove(MinerState.Cluster c) {
            int s = c.slot;
            if (s < 0 || slots[s] != c) {
                throw new IllegalStateException("cluster #" + c.id + " not indexed");
            }
            for (int i = 0; i < length; i++) {
                String t = c.indexed[i];
                if (TemplateMiner.wild(t)) {
                    wild[i].removeValue(s);
                } else {
                    Map<String, IntList> p = postings.get(i);
                    IntList l = p.get(t);
                    l.removeValue(s);
                    if (l.n == 0) {
                        p.remove(t);
                    }
                }
            }
            slots[s] = null;
            free.add(s);
            c.slot = -1;
            c.indexed = null;
            c.prefix = null;
            members--;
        }

        private void touch(int s) {
            if (stamp[s] != epoch) {
                stamp[s] = epoch;
                same[s] = 0;
                bothWild[s] = 0;
                touched.add(s);
            }
        }

        /**
         * Counts, for every cluster sharing something with {@code tokens}, the positions where both are
         * wildcards and the positions where they agree (same constant, or the cluster's wildcard meets a
         * value that is not a plain word): {@link TemplateMiner#similarity}'s {@code counted} and
         * {@code same}.
         */
        void count(String[] tokens) {
            epoch++;
            touched.n = 0;
            for (int i = 0; i < length; i++) {
                String l = tokens[i];
                IntList w = wild[i];
                if (l.equals(TemplateMiner.WILD)) {
                    for (int k = 0; k < w.n; k++) {
                        int s = w.a[k];
                        touch(s);
                        bothWild[s]++;
                    }
                    continue;
                }
                if (!TemplateMiner.word(l)) {
                    for (int k = 0; k < w.n; k++) {
                        int s = w.a[k];
                        touch(s);
                        same[s]++;
                    }
                }
                IntList p = postings.get(i).get(l);
                if (p != null) {
                    for (int k = 0; k < p.n; k++) {
                        int s = p.a[k];
                        touch(s);
                        same[s]++;
                    }
                }
            }
        }

        /**
         * After {@link #count}: the cluster of the best {@link TemplateMiner#similarity} (lowest id among
         * equals) at or above {@code threshold} (&gt; 0), among the clusters whose prefix key is {@code prefix}
         * (all when null); null if none.
         */
        MinerState.Cluster best(String[] tokens, String prefix, double threshold, boolean wordsAreMessage) {
            int n = tokens.length;
            List<Integer> cand = new ArrayList<>();
            for (int k = 0; k < touched.n; k++) {
                int s = touched.a[k];
                if (prefix != null && !prefix.equals(slots[s].prefix)) {
                    continue;
                }
                int counted = n - bothWild[s];
                double b = counted == 0 ? 1.0 : same[s] == 0 ? 0 : (double) same[s] / counted;
                if (b >= threshold) {
                    bound[s] = b;
                    cand.add(s);
                }
            }
            if (cand.isEmpty()) {
                return null;
            }
            if (cand.size() > 1) {
                cand.sort((x, y) -> {
                    int c = Double.compare(bound[y], bound[x]);
                    return c != 0 ? c : Integer.compare(slots[x].id, slots[y].id);
                });
            }
            MinerState.Cluster best = null;
            double bestSim = -1;
            for (int s : cand) {
                MinerState.Cluster c = slots[s];
                if (best != null && (bound[s] < bestSim || (bound[s] == bestSim && c.id > best.id))) {
                    break; // sorted: no later cluster can beat or tie the best
                }
                double sim = TemplateMiner.similarity(c.tokens, tokens, wordsAreMessage);
                if (sim > bestSim || (sim == bestSim && c.id < best.id)) {
                    best = c;
                    bestSim = sim;
                }
            }
            return bestSim >= threshold ? best : null;
        }

        /** The other clusters that {@code template} covers ({@link TemplateMiner#covers}). */
        List<MinerState.Cluster> covered(MinerState.Cluster self, String[] template) {
            IntList smallest = null;
            for (int i = 0; i < length; i++) {
                if (!TemplateMiner.wild(template[i])) {
                    IntList p = postings.get(i).get(template[i]);
                    if (p == null) {
                        return List.of();
                    }
                    if (smallest == null || p.n < smallest.n) {
                        smallest = p;
                    }
                }
            }
            List<MinerState.Cluster> out = new ArrayList<>();
            if (smallest == null) {
                for (int s = 0; s < high; s++) {
                    MinerState.Cluster o = slots[s];
                    if (o != null && o != self && TemplateMiner.covers(template, o.tokens)) {
                        out.add(o);
                    }
                }
            } else {
                for (int k = 0; k < smallest.n; k++) {
                    MinerState.Cluster o = slots[smallest.a[k]];
                    if (o != self && TemplateMiner.covers(template, o.tokens)) {
                        out.add(o);
                    }
                }
            }
            return out;
        }
    }
}
