package dev.keymem.jobs.logs.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An inverted index over one source's clusters, so that {@link TemplateMiner#match} finds the best cluster by
 * counting hits instead of computing the similarity of every cluster of the line's token count; a token count held
 * by a few clusters ({@link #ONE_BY_ONE}) has no groups, its clusters compared one by one. Per token
 * count: for each position, the clusters holding each constant token there and the clusters with a wildcard
 * there; a line's key=value token also hits the clusters holding its field form there ({@code key=<*>},
 * {@link TemplateMiner#fieldForm}). For a line, one pass over those lists gives every cluster's {@code same} and {@code counted} of
 * {@link TemplateMiner#similarity} exactly (the kills, "different words of the message", are not counted: the
 * ratio is the similarity unless a kill makes it 0). A cluster whose ratio reaches the threshold is then checked
 * for kills position by position, each distinct constant token of a position judged once per line against the
 * line's token ({@link TemplateMiner#distinctWords}, from the group's and the line's {@link TokenFacts}), and the
 * best ratio among the clusters not killed (lowest id
 * among equals) wins. A cluster sharing nothing with the line has similarity 0, under both thresholds (which are
 * &gt; 0). Same choices as the scan ({@link TemplateMiner#matchScan}), bit for bit.
 *
 * <p>Not part of the state: rebuilt from the clusters on first use (after a restore), kept up to date as
 * clusters are created, widened, merged and evicted.
 *
 * <p>Memory: a bucket's groups of all positions are in one open-addressing table keyed by (position, token)
 * ({@link Bucket#group}), not a {@code HashMap} per position, and a position's wildcard list exists only once a
 * cluster has a wildcard there. Long lines (a stack trace as one record: a few hundred tokens, most token counts
 * held by one cluster) made the index's per-position maps, entries and lists a third of the log job's heap and of
 * what its young collections copied; the table is written by hand (no library keys by an int and a String without
 * a key object per lookup), the maps' behaviour kept: {@code TemplateIndexTest} compares the match with the scan.
 */
final class TemplateIndex {
    /**
     * Members up to which a bucket keeps no groups ({@link Bucket#grouped}): its clusters are compared with the line
     * one by one ({@link Bucket#bestOneByOne}), each comparison ending where the cluster can no longer reach the
     * threshold or differs in a word of the message (lines whose words differ: at once).
     */
    static final int ONE_BY_ONE = 8;

    /**
     * Tokens a line has per member up to which a bucket compares its clusters one by one: a bucket of lines of
     * {@code length} tokens keeps its groups from {@code max(ONE_BY_ONE, length / TOKENS_PER_MEMBER)} members on.
     * The groups' count reads every position of the line and adds a hit per member sharing the token there, and
     * each cluster made or evicted adds or removes a group entry per position; a one-by-one comparison reads at
     * most every position of each member and stops at the first word of the message that differs. Long lines whose
     * members share most positions (stack traces: {@code at} before every frame) cost the groups more than the
     * comparisons (stack-multi: 69 us a line in the matching at the cap, 40 us one by one; docs/benchmarks.md,
     * "Stack traces in the miner, session 17"); short lines keep {@link #ONE_BY_ONE}.
     */
    static final int TOKENS_PER_MEMBER = 4;

    /** Buckets of lines of fewer than {@link #SHORT} tokens, by their length (no boxed key, no hash per line). */
    private final Bucket[] shortBuckets = new Bucket[SHORT];
    /** Buckets of longer lines, by length (made for the first such bucket). */
    private Map<Integer, Bucket> buckets;
    /** Lengths below this have their bucket in {@link #shortBuckets}. */
    static final int SHORT = 32;
    /** The {@link #ONE_BY_ONE} of this index's buckets (0: every bucket keeps its groups). */
    private final int oneByOne;

    TemplateIndex() {
        this(ONE_BY_ONE);
    }

    TemplateIndex(int oneByOne) {
        this.oneByOne = oneByOne;
    }

    Bucket bucket(int length) {
        if (length < SHORT) {
            return shortBuckets[length];
        }
        return buckets == null ? null : buckets.get(length);
    }

    void add(MinerState.Cluster c, String prefix) {
        int length = c.tokens.length;
        Bucket b = bucket(length);
        if (b == null) {
            b = new Bucket(length, oneByOne);
            if (length < SHORT) {
                shortBuckets[length] = b;
            } else {
                if (buckets == null) {
                    buckets = new HashMap<>();
                }
                buckets.put(length, b);
            }
        }
        b.add(c, prefix);
    }

    void remove(MinerState.Cluster c) {
        int length = c.indexed.length;
        Bucket b = bucket(length);
        b.remove(c);
        if (b.members == 0) {
            if (length < SHORT) {
                shortBuckets[length] = null;
            } else {
                buckets.remove(length);
            }
        }
    }

    /** A growable list of ints (slots). */
    static class IntList {
        int[] a = new int[2];
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

    /**
     * The clusters holding one constant token at one position (the list's slots); its verdict against the line's
     * token there.
     */
    static final class Group extends IntList {
        final String token;
        final int position;
        int epoch;
        boolean killer;
        /** {@link TokenFacts#of}{@code (token, position)}, 0 until first used. */
        long facts;

        Group(String token, int position) {
            this.token = token;
            this.position = position;
        }
    }

    /** Where {@link Bucket#version}s are drawn from: each unique in the JVM, never 0. */
    private static final java.util.concurrent.atomic.AtomicLong VERSIONS = new java.util.concurrent.atomic.AtomicLong();

    /** The clusters of one token count. */
    static final class Bucket {
        final int length;
        /**
         * Drawn anew ({@link #VERSIONS}) when the bucket is made and whenever a cluster is added or removed (a cluster
         * that widens or merges is removed and added again): equal versions are the same bucket with the same
         * members, each with the same tokens, so a line's match in it is what it was (the miner's remembered matches,
         * {@code TemplateMiner.Message}).
         */
        long version = VERSIONS.incrementAndGet();
        /**
         * Members up to which the bucket keeps no groups: the index's {@link TemplateIndex#ONE_BY_ONE}, or its length
         * over {@link TemplateIndex#TOKENS_PER_MEMBER} where that is more (0: groups from the start).
         */
        private final int oneByOne;
        /**
         * Whether the groups (and the wildcard lists) are kept: from the time the bucket first held more than
         * {@link #oneByOne} members. Before, a cluster's add and remove touch its slot alone (a source whose every line
         * is a new template of its own length, free text, adds and evicts one per line), and the match compares the
         * members one by one.
         */
        boolean grouped;
        MinerState.Cluster[] slots = new MinerState.Cluster[8];
        int high;
        int members;
        final IntList free = new IntList();
        /**
         * The groups of every position, open addressing by {@link #hash} with linear probing (null: empty), at most
         * half full; {@link #groups} of them.
         */
        Group[] table = new Group[16];
        /**
         * {@code hashes[i]} is {@link #hash} of {@code table[i]} where that is not null, else 0 ({@link #hash} is never
         * 0): a probe reads and compares ints, and reads the table's slot and the group (and its token) only where the
         * hash is the line's (the groups are objects of their own, spread over the heap; a bucket of a source with many
         * templates has thousands, and probing read each one it passed). A probe that finds nothing (most of them where
         * lines differ: a line's token at a position where no cluster has it) reads this array alone: one cache line,
         * where the table's slots were a second (a bucket's arrays are cold when lines of many lengths take turns).
         */
        int[] hashes = new int[16];
        int groupCount;
        /** Per slot and position: the cluster's group (null for a wildcard); whether it is a learned wildcard, a field. */
        Group[][] groups = new Group[8][];
        boolean[][] learned = new boolean[8][];
        boolean[][] field = new boolean[8][];
        /** Per position of the line being matched: whether its token is a plain word. */
        final boolean[] lineWord;
        /** Per position: the slots of the clusters with a wildcard there (null: none yet). */
        final IntList[] wild;
        // per-line scratch, valid where stamp == epoch
        int[] same = new int[8];
        int[] bothWild = new int[8];
        int[] stamp = new int[8];
        int epoch;
        final IntList touched = new IntList();

        /** A bucket that keeps its groups from the start. */
        Bucket(int length) {
            this(length, 0);
        }

        Bucket(int length, int oneByOne) {
            this.length = length;
            this.oneByOne = oneByOne == 0 ? 0 : Math.max(oneByOne, length / TOKENS_PER_MEMBER);
            wild = new IntList[length];
            lineWord = new boolean[length];
        }

        private static int hash(String token, int position) {
            int h = token.hashCode() + position * 0x9E3779B9;
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            return h != 0 ? h : 1; // 0 marks an empty slot in hashes
        }

        /** The group of {@code token} at {@code position}, or null. */
        Group group(int position, String token) {
            Group[] t = table;
            int[] hs = hashes;
            int mask = t.length - 1;
            int h = hash(token, position);
            for (int i = h & mask; ; i = (i + 1) & mask) {
                int x = hs[i];
                if (x == 0) {
                    return null;
                }
                if (x == h) {
                    Group g = t[i];
                    if (g.position == position && g.token.equals(token)) {
                        return g;
                    }
                }
            }
        }

        /**
         * The group of {@code token} at {@code position}, made (empty) where there is none: one probe, which finds the
         * group or the empty slot where {@link #place} would put it (the first empty one of the run from its home;
         * {@link #groupOrNewReference}, a look-up and then a place, is the reference: the same table).
         */
        Group groupOrNew(int position, String token) {
            if (2 * (groupCount + 1) > table.length) {
                return groupOrNewReference(position, token); // the table may grow: as the reference
            }
            Group[] t = table;
            int[] hs = hashes;
            int mask = t.length - 1;
            int h = hash(token, position);
            int i = h & mask;
            for (int x; (x = hs[i]) != 0; i = (i + 1) & mask) {
                if (x == h) {
                    Group g = t[i];
                    if (g.position == position && g.token.equals(token)) {
                        return g;
                    }
                }
            }
            Group g = new Group(token, position);
            t[i] = g;
            hs[i] = h;
            groupCount++;
            return g;
        }

        /** {@link #groupOrNew} as a look-up, then (where there is no group) a {@link #place} (the reference). */
        Group groupOrNewReference(int position, String token) {
            Group g = group(position, token);
            if (g != null) {
                return g;
            }
            if (2 * (groupCount + 1) > table.length) {
                Group[] old = table;
                table = new Group[old.length * 2];
                hashes = new int[old.length * 2];
                for (Group o : old) {
                    if (o != null) {
                        place(o);
                    }
                }
            }
            g = new Group(token, position);
            place(g);
            groupCount++;
            return g;
        }

        private void place(Group g) {
            Group[] t = table;
            int mask = t.length - 1;
            int h = hash(g.token, g.position);
            int[] hs = hashes;
            int i = h & mask;
            while (hs[i] != 0) {
                i = (i + 1) & mask;
            }
            t[i] = g;
            hs[i] = h;
        }

        /** Removes group {@code g} (in the table): linear probing's deletion, later entries of its run shifted back. */
        void removeGroup(Group g) {
            Group[] t = table;
            int[] hs = hashes;
            int mask = t.length - 1;
            int i = hash(g.token, g.position) & mask;
            while (t[i] != g) {
                i = (i + 1) & mask;
            }
            int j = i;
            while (true) {
                j = (j + 1) & mask;
                Group o = t[j];
                if (o == null) {
                    break;
                }
                int home = hs[j] & mask;
                // o may move to the hole at i unless its home lies cyclically in (i, j]
                if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
                    t[i] = o;
                    hs[i] = hs[j];
                    i = j;
                }
            }
            t[i] = null;
            hs[i] = 0;
            groupCount--;
        }

        /** The groups, position by position (for tests: what the table holds). */
        List<Group> groups() {
            List<Group> out = new ArrayList<>();
            for (Group g : table) {
                if (g != null) {
                    out.add(g);
                }
            }
            out.sort(java.util.Comparator.comparingInt((Group g) -> g.position).thenComparing(g -> g.token));
            return out;
        }

        void add(MinerState.Cluster c, String prefix) {
            version = VERSIONS.incrementAndGet();
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
                    groups = Arrays.copyOf(groups, cap);
                    learned = Arrays.copyOf(learned, cap);
                    field = Arrays.copyOf(field, cap);
                }
            }
            slots[s] = c;
            stamp[s] = epoch - 1;
            c.slot = s;
            c.indexed = c.tokens;
            c.prefix = prefix;
            members++;
            if (grouped) {
                addGroups(s, c);
            } else if (members > oneByOne) {
                grouped = true;
                for (int k = 0; k < high; k++) {
                    if (slots[k] != null) {
                        addGroups(k, slots[k]);
                    }
                }
            }
        }

        /** Adds slot {@code s}, cluster {@code c}, to the groups of its tokens (or the wildcard lists). */
        private void addGroups(int s, MinerState.Cluster c) {
            Group[] g = new Group[length];
            boolean[] l = new boolean[length];
            boolean[] f = new boolean[length];
            for (int i = 0; i < length; i++) {
                String t = c.tokens[i];
                f[i] = TemplateMiner.field(c.tokens, i);
                if (TemplateMiner.wild(t)) {
                    if (wild[i] == null) {
                        wild[i] = new IntList();
                    }
                    wild[i].add(s);
                    l[i] = t.equals(TemplateMiner.LEARNED);
                } else {
                    g[i] = groupOrNew(i, t);
                    g[i].add(s);
                }
            }
            groups[s] = g;
            learned[s] = l;
            field[s] = f;
        }

        /** Removes {@code c} (indexed here): from the groups it was added to ({@link #groups} of its slot). */
        void remove(MinerState.Cluster c) {
            int s = c.slot;
            if (s < 0 || slots[s] != c) {
                throw new IllegalStateException("cluster #" + c.id + " not indexed");
            }
            version = VERSIONS.incrementAndGet();
            Group[] gs = groups[s];
            for (int i = 0; i < length && grouped; i++) {
                Group g = gs[i];
                if (g == null) {
                    wild[i].removeValue(s);
                } else {
                    g.removeValue(s);
                    if (g.n == 0) {
                        removeGroup(g);
                    }
                }
            }
            slots[s] = null;
            groups[s] = null;
            learned[s] = null;
            field[s] = null;
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
            count(tokens, null, null);
        }

        /**
         * {@link #count(String[])} with each token's {@link TemplateMiner#word} and {@link TemplateMiner#fieldForm}
         * given ({@code words[i]}, and {@code forms[i]} where the token is no word; both null: computed here).
         */
        void count(String[] tokens, boolean[] words, String[] forms) {
            epoch++;
            touched.n = 0;
            for (int i = 0; i < length; i++) {
                String l = tokens[i];
                IntList w = wild[i];
                int wn = w != null ? w.n : 0;
                lineWord[i] = false;
                if (l.equals(TemplateMiner.WILD)) {
                    for (int k = 0; k < wn; k++) {
                        int s = w.a[k];
                        touch(s);
                        bothWild[s]++;
                    }
                    continue;
                }
                lineWord[i] = words != null ? words[i] : TemplateMiner.word(l, i);
                if (!lineWord[i]) {
                    for (int k = 0; k < wn; k++) {
                        int s = w.a[k];
                        touch(s);
                        same[s]++;
                    }
                }
                Group g = group(i, l);
                if (g != null) {
                    IntList p = g;
                    for (int k = 0; k < p.n; k++) {
                        int s = p.a[k];
                        touch(s);
                        same[s]++;
                    }
                }
                String f = lineWord[i] ? null : forms != null ? forms[i] : TemplateMiner.fieldForm(l);
                if (f != null && !f.equals(l) && (g = group(i, f)) != null) {
                    IntList p = g; // the clusters that learned this field's value as <*>
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
        MinerState.Cluster best(TokenFacts line, String prefix, double threshold, boolean wordsAreMessage) {
            return best(line, prefix, threshold, wordsAreMessage, null);
        }

        /** {@link #best(TokenFacts, String, double, boolean)} of the clusters whose prefix key is not {@code other} (null: any). */
        MinerState.Cluster best(TokenFacts line, String prefix, double threshold, boolean wordsAreMessage, String other) {
            int n = line.tokens.length;
            MinerState.Cluster best = null;
            double bestSim = -1;
            for (int k = 0; k < touched.n; k++) {
                int s = touched.a[k];
                MinerState.Cluster c = slots[s];
                int counted = n - bothWild[s];
                double sim = counted == 0 ? 1.0 : same[s] == 0 ? 0 : (double) same[s] / counted;
                if (sim >= threshold && (sim > bestSim || (sim == bestSim && c.id < best.id))
                        && (prefix == null || prefix.equals(c.prefix)) && (other == null || !other.equals(c.prefix))
                        && !killed(s, line, wordsAreMessage)) {
                    best = c;
                    bestSim = sim;
                }
            }
            return best;
        }

        /**
         * Whether {@link TemplateMiner#similarity} of slot {@code s}'s cluster and the line is 0 by a kill: a
         * constant that is a different word of the message than the line's (not a field's value), or, with
         * {@code wordsAreMessage}, a learned wildcard meeting a plain word (not a field's value).
         */
        private boolean killed(int s, TokenFacts line, boolean wordsAreMessage) {
            String[] tokens = line.tokens;
            Group[] g = groups[s];
            boolean[] l = learned[s];
            boolean[] f = field[s];
            for (int i = 0; i < length; i++) {
                if (f[i]) {
                    continue;
                }
                Group gi = g[i];
                if (gi == null) {
                    if (wordsAreMessage && l[i] && lineWord[i]) {
                        return true;
                    }
                    continue;
                }
                if (gi.epoch != epoch) {
                    gi.epoch = epoch;
                    String t = tokens[i];
                    if (t.equals(TemplateMiner.WILD) || gi.token.equals(t)) {
                        gi.killer = false;
                    } else {
                        long gf = gi.facts;
                        if (gf == 0) {
                            gf = TokenFacts.of(gi.token, i);
                            gi.facts = gf;
                        }
                        gi.killer = TemplateMiner.distinctWords(gi.token, gf, t, line.at(i), i);
                    }
                }
                if (gi.killer) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Before the groups ({@link #grouped}): the best cluster by {@link TemplateMiner#similarity} at or above
         * {@code threshold}, as {@link #best} after {@link #count} gives it, every member compared with the line
         * ({@link TemplateMiner#similarity(TokenFacts, TokenFacts, boolean, double)}, which stops where the threshold is
         * out of reach, the line's and the cluster's token facts each computed once, not once per comparison).
         */
        MinerState.Cluster bestOneByOne(TokenFacts line, String prefix, double threshold, boolean wordsAreMessage) {
            return bestOneByOne(line, prefix, threshold, wordsAreMessage, null);
        }

        /**
         * {@link #bestOneByOne(TokenFacts, String, double, boolean)} of the clusters whose prefix key is not
         * {@code other} (null: any).
         */
        MinerState.Cluster bestOneByOne(TokenFacts line, String prefix, double threshold, boolean wordsAreMessage,
                                        String other) {
            MinerState.Cluster best = null;
            double bestSim = -1;
            for (int s = 0; s < high; s++) {
                MinerState.Cluster c = slots[s];
                if (c == null || (prefix != null && !prefix.equals(c.prefix)) || (other != null && other.equals(c.prefix))) {
                    continue;
                }
                double sim = TemplateMiner.similarity(c.facts(), line, wordsAreMessage, threshold);
                if (sim >= threshold && (sim > bestSim || (sim == bestSim && c.id < best.id))) {
                    best = c;
                    bestSim = sim;
                }
            }
            return best;
        }

        /** The other clusters that {@code template} covers ({@link TemplateMiner#covers}). */
        List<MinerState.Cluster> covered(MinerState.Cluster self, String[] template) {
            IntList smallest = null;
            for (int i = 0; i < length && grouped; i++) {
                if (!TemplateMiner.wild(template[i]) && !template[i].equals(TemplateMiner.fieldForm(template[i]))) {
                    Group g = group(i, template[i]);
                    if (g == null) {
                        return List.of();
                    }
                    IntList p = g;
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
