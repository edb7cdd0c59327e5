package dev.keymem.jobs.logs.mining;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A miner state's clusters ordered for eviction (not state: built from the clusters on a state object's second
 * eviction, after a restore or a copy too; the first is a scan): by {@code lastSeen}, ties in the order of the state's cluster list, least
 * recent first. {@link #oldest} is then what the scan of the list ({@link TemplateMiner#oldestScan}, the
 * reference form) picks: the first in list order among the smallest {@code lastSeen}.
 *
 * <p>A doubly linked list through the clusters ({@code older} / {@code newer}), each cluster ranked by its place
 * in the state's list ({@code rank}: the list is only appended to and removed from, so ranks given in list order
 * stay in list order). A matched cluster's {@code lastSeen} becomes the source's newest line, later than every
 * other cluster's, so {@link #touched} moves it to the tail in O(1) (it walks back over any cluster ordered after
 * it, none in a miner's own states); a new cluster joins at the tail, an evicted or merged-away one leaves in
 * O(1). (Removing the victim from the state's list still shifts the list's later references, one array copy.) Written by hand: {@link java.util.LinkedHashMap}'s access order has no ties and no place by a key, and
 * a {@link java.util.TreeSet} by (lastSeen, rank) costs a node and O(log n) on every line.
 */
final class EvictionOrder {
    private MinerState.Cluster head;
    private MinerState.Cluster tail;
    /** The rank the next cluster appended to the state's list gets. */
    private long nextRank;

    /** The order of {@code clusters} (the state's list, in its order). */
    static EvictionOrder of(List<MinerState.Cluster> clusters) {
        EvictionOrder o = new EvictionOrder();
        List<MinerState.Cluster> sorted = new ArrayList<>(clusters);
        for (MinerState.Cluster c : clusters) {
            c.rank = o.nextRank++;
        }
        sorted.sort(Comparator.comparingLong((MinerState.Cluster c) -> c.lastSeen)
                .thenComparingLong(c -> c.rank));
        for (MinerState.Cluster c : sorted) {
            c.older = o.tail;
            c.newer = null;
            if (o.tail == null) {
                o.head = c;
            } else {
                o.tail.newer = c;
            }
            o.tail = c;
        }
        return o;
    }

    /** {@code c} was appended to the state's list. */
    void add(MinerState.Cluster c) {
        c.rank = nextRank++;
        c.older = null;
        c.newer = null;
        place(c);
    }

    /** {@code c}'s {@code lastSeen} changed. */
    void touched(MinerState.Cluster c) {
        unlink(c);
        place(c);
    }

    /** {@code c} was removed from the state's list. */
    void remove(MinerState.Cluster c) {
        unlink(c);
    }

    /** The least recent cluster other than {@code keep} (the first in list order among ties), or null. */
    MinerState.Cluster oldest(MinerState.Cluster keep) {
        return head == null || head != keep ? head : head.newer;
    }

    /** Links {@code c} (unlinked) after the last cluster ordered before it. */
    private void place(MinerState.Cluster c) {
        MinerState.Cluster p = tail;
        while (p != null && (p.lastSeen > c.lastSeen || (p.lastSeen == c.lastSeen && p.rank > c.rank))) {
            p = p.older;
        }
        c.older = p;
        c.newer = p == null ? head : p.newer;
        if (c.newer == null) {
            tail = c;
        } else {
            c.newer.older = c;
        }
        if (p == null) {
            head = c;
        } else {
            p.newer = c;
        }
    }

    private void unlink(MinerState.Cluster c) {
        if (c.older == null) {
            head = c.newer;
        } else {
            c.older.newer = c.newer;
        }
        if (c.newer == null) {
            tail = c.older;
        } else {
            c.newer.older = c.older;
        }
        c.older = null;
        c.newer = null;
    }
}
