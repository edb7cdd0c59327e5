package dev.keymem.jobs.logs.mining;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * One source's template miner state: its clusters (templates) and counters. Plain data, serialized by
 * {@link MinerStatePiece}; the index over the clusters ({@code TemplateIndex}) is rebuilt from them on first use
 * (it is not part of the state, so a restored state matches exactly as the original would).
 */
public final class MinerState {
    /** Next template id to hand out (ids are never reused within a source). */
    int nextId;
    /** Lines seen. */
    long lines;
    /** Templates evicted so far (to respect the cap). */
    long evicted;
    /** The clusters in creation order (the ids it removes recorded while {@link #recordRemovals} asks it to). */
    final Clusters clusters = new Clusters();

    /** Index over the clusters for {@link TemplateMiner#match} (not state); null until built. */
    transient TemplateIndex index;
    /** The clusters in eviction order (not state); null until this object's second eviction. */
    transient EvictionOrder eviction;
    /** Whether this object has evicted a cluster (not state): the second eviction builds {@link #eviction}. */
    transient boolean evictedOnce;

    public MinerState() {
    }

    /** Lines seen. */
    public long lines() {
        return lines;
    }

    /** Templates now held. */
    public int size() {
        return clusters.size();
    }

    /** Templates evicted so far. */
    public long evicted() {
        return evicted;
    }

    /** The cluster with this id, or null (never created, evicted or merged away). */
    public Cluster cluster(int id) {
        for (Cluster c : clusters) {
            if (c.id == id) {
                return c;
            }
        }
        return null;
    }

    /**
     * The place of {@code c} (held) in {@link #clusters}: found by its id, the list being in id order in every
     * state a miner makes (new clusters get the next id at the end; merges and evictions remove), else by a scan.
     */
    int indexOf(Cluster c) {
        int lo = 0;
        int hi = clusters.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Cluster m = clusters.get(mid);
            if (m == c) {
                return mid;
            } else if (m.id < c.id) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = 0; i < clusters.size(); i++) { // a list out of id order (a restored hand-made state)
            if (clusters.get(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Starts a record of the ids of the clusters this object removes from now on (merged away or evicted), tagged
     * {@code tag}, of at most {@code maxRecorded} ids (past that the record is dropped: a summary then walks, which
     * costs about as much as a record longer than the source's ledger saves); replaces any earlier record. Not
     * state: a copied or deserialized state records nothing. The record's array is bounded by {@code maxRecorded}
     * (at least 16) and shrinks back where the last record used under a quarter of it.
     */
    @org.apache.flink.annotation.Internal
    public void recordRemovals(long tag, int maxRecorded) {
        clusters.record(tag, nextId, maxRecorded);
    }

    /**
     * The ids of the clusters removed since {@link #recordRemovals}{@code (tag, max)} on this object, in removal
     * order, or null where that is not known: no record with that tag, more than {@code max} removed, or the
     * counters disagree (removed = held then + made since - held now). A fresh array.
     */
    @org.apache.flink.annotation.Internal
    public int[] removedSince(long tag) {
        return clusters.removedSince(tag, nextId);
    }

    /** The clusters, in creation order (read-only view). */
    public List<Cluster> clusters() {
        return java.util.Collections.unmodifiableList(clusters);
    }

    /** One template: its id, tokens ({@link LineTokens#WILDCARD} for variable positions), lines matched. */
    public static final class Cluster {
        final int id;
        String[] tokens;
        long count;
        /** Position (0-based line number within the source) of the first and last line matched. */
        long firstSeen;
        long lastSeen;
        /** Index bookkeeping (not state): slot in its {@link TemplateIndex} bucket, -1 when not indexed; the
         * tokens and prefix key it was indexed under. */
        int slot = -1;
        String[] indexed;
        String prefix;
        /** {@link EvictionOrder} bookkeeping (not state): neighbours in the order, rank in the list. */
        Cluster older;
        Cluster newer;
        long rank;

        Cluster(int id, String[] tokens, long count, long firstSeen, long lastSeen) {
            this.id = id;
            this.tokens = tokens;
            this.count = count;
            this.firstSeen = firstSeen;
            this.lastSeen = lastSeen;
        }

        public int id() {
            return id;
        }

        /**
         * {@link #template()} of the tokens array {@link #templateOf}, remembered: a cluster's tokens array is
         * replaced when its template changes (widened, merged), never changed in place once the cluster holds it,
         * so the text is built again only after a replacement (and the same String, its hash computed once,
         * serves the summarizer's look-ups line after line).
         */
        private String template;
        private String[] templateOf;

        /** The facts of the tokens ({@link TokenFacts}, not state): made again when the tokens array is replaced. */
        private TokenFacts facts;

        /** {@link TokenFacts} of {@link #tokens}, kept while the cluster holds that array. */
        TokenFacts facts() {
            TokenFacts f = facts;
            if (f == null || f.tokens != tokens) {
                f = new TokenFacts(tokens);
                facts = f;
            }
            return f;
        }

        /** Takes {@code f} as the facts of the tokens where it is theirs ({@code f.tokens == tokens}). */
        void facts(TokenFacts f) {
            if (f.tokens == tokens) {
                facts = f;
            }
        }

        /** The template as text (tokens joined by single spaces, every wildcard written {@code <*>}). */
        public String template() {
            if (templateOf != tokens) {
                template = templateText(tokens);
                templateOf = tokens;
            }
            return template;
        }

        /**
         * Takes {@code text} as {@link #template()} where {@code of} is the tokens array the cluster holds and
         * {@code text} is {@code templateText(of)} (a new cluster's tokens are its line's message's, whose text the
         * message keeps: {@code TemplateMiner.Message#templateText}).
         */
        void template(String text, String[] of) {
            if (of == tokens) {
                template = text;
                templateOf = of;
            }
        }

        private String[] shown;
        private String[] shownOf;

        /**
         * The words of {@link #template()}: the tokens, every wildcard written {@code <*>} (the tokens array itself
         * where it holds no learned wildcard; read only), remembered as {@link #template()} is. No token is empty
         * or holds whitespace ({@link LineTokens#tokens} splits at whitespace), so these are
         * {@code template().split(" ", -1)} unless there is no token.
         */
        public String[] templateTokens() {
            if (shownOf != tokens) {
                shown = templateTokens(tokens);
                shownOf = tokens;
            }
            return shown;
        }

        /** {@link #templateTokens()} of {@code tokens}, made every time. */
        static String[] templateTokens(String[] tokens) {
            String[] out = tokens;
            for (int i = 0; i < tokens.length; i++) {
                if (tokens[i].equals(TemplateMiner.LEARNED)) {
                    if (out == tokens) {
                        out = tokens.clone();
                    }
                    out[i] = LineTokens.WILDCARD;
                }
            }
            return out;
        }

        /** The template text of {@code tokens} (built every time: the reference of {@link #template()}). */
        static String templateText(String[] tokens) {
            int length = tokens.length;
            for (String t : tokens) {
                length += t.length(); // LEARNED and WILDCARD are equally long: the text's exact length, one copy
            }
            StringBuilder sb = new StringBuilder(length);
            for (String t : tokens) {
                sb.append(sb.length() == 0 ? "" : " ").append(t.equals(TemplateMiner.LEARNED) ? LineTokens.WILDCARD : t);
            }
            return sb.toString();
        }

        public long count() {
            return count;
        }

        public long firstSeen() {
            return firstSeen;
        }

        public long lastSeen() {
            return lastSeen;
        }

        Cluster copy() {
            return new Cluster(id, tokens.clone(), count, firstSeen, lastSeen);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cluster c && c.id == id && c.count == count && c.firstSeen == firstSeen
                    && c.lastSeen == lastSeen && Arrays.equals(c.tokens, tokens);
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(id) * 31 + Arrays.hashCode(tokens);
        }

        @Override
        public String toString() {
            return "#" + id + " x" + count + " " + template();
        }
    }

    /**
     * The state's list of clusters, which records the ids it removes once asked to ({@link #recordRemovals}): a
     * summary then finds the templates that died since the last one without a walk over all of them. An
     * {@code AbstractList} over an {@code ArrayList}, not a subclass of {@code ArrayList}: a loaded subclass
     * overriding {@code ArrayList.add} would stop the compilers from inlining every {@code ArrayList.add} call of the
     * JVM by class hierarchy analysis (and deoptimize those already compiled). Every removal goes through
     * {@link #remove(int)} (an iterator's remove, {@code removeIf} and {@code clear} too); {@code set} and
     * {@code add(int, Cluster)} are not supported.
     */
    static final class Clusters extends AbstractList<Cluster> implements RandomAccess {
        private final ArrayList<Cluster> list = new ArrayList<>();
        /** The ids removed since {@link #record}, tagged with its tag; null: no record asked for. */
        private FollowedIds removed;
        /** {@code size()} and the state's next id when the record started. */
        private int sizeAt;
        private int nextIdAt;

        void record(long tag, int nextId, int maxRecorded) {
            if (removed == null) {
                removed = new FollowedIds();
            }
            // the array does not keep the high-water size of one churning period (hot state, HashMap backend
            // included): FollowedIds renews it
            removed.restart(tag, maxRecorded);
            sizeAt = list.size();
            nextIdAt = nextId;
        }

        int[] removedSince(long tag, int nextId) {
            // the count check is the net under a removal that did not go through remove(int) (a future path, or
            // one by reflection: MinerStateRemovalsTest): held then + made since - held now must be the ids
            // recorded; it cannot see a removal matched by an add that took no new id (no such add exists)
            if (removed == null || !removed.holds(tag)
                    || removed.size() != (long) sizeAt + nextId - nextIdAt - list.size()) {
                return null;
            }
            return removed.toArray();
        }

        /** The length of the record's array, -1 where there is none (no record, or dropped; tests). */
        int recordLength() {
            return removed == null ? -1 : removed.capacity();
        }

        @Override
        public Cluster get(int index) {
            return list.get(index);
        }

        @Override
        public int size() {
            return list.size();
        }

        @Override
        public boolean add(Cluster c) {
            modCount++;
            return list.add(c);
        }

        @Override
        public Cluster remove(int index) {
            modCount++;
            Cluster c = list.remove(index);
            if (removed != null) {
                removed.add(c.id); // past its bound the record is dropped (the array too): the next summary walks
            }
            return c;
        }

        @Override
        public boolean remove(Object o) {
            int i = list.indexOf(o);
            if (i < 0) {
                return false;
            }
            remove(i);
            return true;
        }
    }

    /** The length of the removal record's array, -1 where there is none (tests: its bound and its shrink). */
    int removalRecordLength() {
        return clusters.recordLength();
    }

    /** A deep copy (the tree index is rebuilt on use). */
    public MinerState copy() {
        MinerState s = new MinerState();
        s.nextId = nextId;
        s.lines = lines;
        s.evicted = evicted;
        for (Cluster c : clusters) {
            s.clusters.add(c.copy());
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MinerState m && m.nextId == nextId && m.lines == lines && m.evicted == evicted
                && m.clusters.equals(clusters);
    }

    @Override
    public int hashCode() {
        return clusters.hashCode() * 31 + Long.hashCode(lines);
    }
}
