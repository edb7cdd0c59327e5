package dev.keymem.operators;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventStore;
import dev.keymem.state.EventEntryPiece;
import dev.keymem.state.StateFrame;
import java.util.Arrays;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * The current key's event memory rows in Flink MapState (RocksDB: one row per entry, point reads and
 * writes only, never a scan): the archive (position to event), the term statistics (term to document
 * frequency), the postings ((term, ordinal) to position), the segment summaries (segment to mean vector)
 * and the eidetic tier (slot to event). Counts the rows and the bytes it reads and writes (values only:
 * frames for events, 8 bytes for a long, 4 per float) for metrics and the evaluation.
 */
final class MapStateEventStore implements EventStore {
    final MapState<Long, EventEntry> archive;
    final MapState<Integer, Long> frequencies;
    final MapState<Long, Long> postings;
    final MapState<Long, float[]> segments;
    final MapState<Integer, EventEntry> eidetic;
    private String key;
    long bytesRead;
    long bytesWritten;
    /**
     * The term frequencies of {@link #known}'s key read or written so far (a copy of its rows, written
     * through), so that a query's informativeness reads each candidate term's frequency from a hash table of
     * ints instead of a boxed keyed-state lookup; null when off ({@link #mirrorFrequencies}). Transient: not
     * state, refilled from keyed state after a restore. Beside each term it keeps the term's postings written
     * since (also written through), which the lexical tier reads in runs of consecutive ordinals.
     */
    private KnownFrequencies known;
    private String knownKey;
    /**
     * The archive rows of {@link #knownKey} read or written so far among its most recent positions, by
     * position modulo {@link #RECENT} (a slot holds the row of its entry's own position, written through;
     * anything else is read from keyed state), so that the window's and the postings' candidates are array
     * reads instead of boxed keyed-state lookups; null when off (with {@link #known}). Transient like it.
     */
    private EventEntry[] recent;
    /**
     * {@link #entryBytes} of each row {@link #recent} holds, in the same slot: computed when the row is put
     * (its arrays are then at hand), so that a read of a held row counts its bytes without touching the
     * row's arrays (three cache misses a candidate on long histories, for a metric).
     */
    private int[] recentBytes;
    /** Rows put into {@link #recent} since it was last emptied (it doubles past its length, up to {@link #RECENT}). */
    private int recentPuts;
    private static final int RECENT_START = 64;

    /** Archive rows {@link #recent} holds at most (the newest positions; older ones are read from keyed state). */
    static final int RECENT = 1 << 15;
    /** {@link #RECENT} for the stores created from now on (tests set it small, so that the copy wraps around). */
    static int recentMax = RECENT;
    private final int recentCap = recentMax;

    /** Most terms {@link #known} holds; past it the copy starts over (reads fall through to keyed state again). */
    static final int KNOWN_MAX = 1 << 18;

    MapStateEventStore(MapState<Long, EventEntry> archive, MapState<Integer, Long> frequencies,
                       MapState<Long, Long> postings, MapState<Long, float[]> segments,
                       MapState<Integer, EventEntry> eidetic) {
        this.archive = archive;
        this.frequencies = frequencies;
        this.postings = postings;
        this.segments = segments;
        this.eidetic = eidetic;
    }

    /**
     * Keeps a copy of the current key's term frequencies across its records (dropped when the key changes:
     * batch runs process a key's records together) when {@code on}. Only where every change of the
     * frequencies rows goes through this store: no Flink state TTL on them and no write-back cache over them.
     */
    void mirrorFrequencies(boolean on) {
        known = on ? new KnownFrequencies() : null;
        recent = null;
        recentBytes = null;
        knownKey = null;
    }

    /** Whether no Flink state TTL expires the frequency rows ({@link #frequenciesNeverDecrease}). */
    private boolean rowsKept;

    /**
     * Whether the frequency rows are kept until the key's memory is cleared (no Flink state TTL on them): then
     * only this store's writes, which the memory makes to raise a frequency, change them.
     */
    void rowsKept(boolean kept) {
        rowsKept = kept;
    }

    @Override
    public boolean frequenciesNeverDecrease() {
        return rowsKept;
    }

    /** Starts a record of {@code key} (the keyed context already selects it): resets the counters. */
    MapStateEventStore on(String key) {
        this.key = key;
        if (known != null && !key.equals(knownKey)) {
            knownKey = key;
            if (known.size() > 0) {
                known = new KnownFrequencies();
            }
            forgetRecent();
        }
        bytesRead = 0;
        bytesWritten = 0;
        return this;
    }

    static long postingKey(int term, long ordinal) {
        if (ordinal < 0 || ordinal > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("posting ordinal " + ordinal + " outside [0, 2^32)");
        }
        return ((long) term << 32) | ordinal;
    }

    static long entryBytes(EventEntry e) {
        return e == null ? 0 : StateFrame.OVERHEAD_BYTES + EventEntryPiece.payloadBytes(e);
    }

    private FlinkRuntimeException failed(String what, Exception e) {
        return new FlinkRuntimeException("cannot " + what + " of key '" + key + "'", e);
    }

    void clear() {
        if (known != null && known.size() > 0) {
            known = new KnownFrequencies();
        }
        forgetRecent();
        archive.clear();
        frequencies.clear();
        postings.clear();
        segments.clear();
        eidetic.clear();
    }

    /**
     * Drops the copy of the archive rows (a key switch, a clear). It starts small and grows with what a key
     * writes and reads, so that keys that take turns record by record (streaming) do not each pay for a large one.
     */
    private void forgetRecent() {
        if (recent != null && recentPuts > 0) {
            if (recent.length > RECENT_START) {
                recent = new EventEntry[Math.min(RECENT_START, recentCap)];
                recentBytes = new int[recent.length];
            } else {
                Arrays.fill(recent, null);
            }
            recentPuts = 0;
        }
    }

    /** The copy of {@code position}'s archive row, or null when not held. */
    private EventEntry recent(long position) {
        if (recent == null) {
            return null;
        }
        EventEntry e = recent[(int) position & (recent.length - 1)];
        return e != null && e.position() == position ? e : null;
    }

    private void rememberRecent(EventEntry e, long bytes) {
        if (known == null) {
            return;
        }
        if (recent == null) {
            recent = new EventEntry[Math.min(RECENT_START, recentCap)];
            recentBytes = new int[recent.length];
        }
        if (++recentPuts > recent.length && recent.length < recentCap) {
            EventEntry[] old = recent;
            int[] oldBytes = recentBytes;
            recent = new EventEntry[old.length * 2];
            recentBytes = new int[recent.length];
            for (int i = 0; i < old.length; i++) {
                EventEntry o = old[i];
                if (o != null) {
                    int j = (int) o.position() & (recent.length - 1);
                    recent[j] = o;
                    recentBytes[j] = oldBytes[i];
                }
            }
        }
        int j = (int) e.position() & (recent.length - 1);
        if (bytes > Integer.MAX_VALUE) { // not held: reads count it from the row
            recent[j] = null;
            return;
        }
        recent[j] = e;
        recentBytes[j] = (int) bytes;
    }

    @Override
    public EventEntry archived(long position) {
        EventEntry[] held = recent;
        if (held != null) {
            int j = (int) position & (held.length - 1);
            EventEntry r = held[j];
            if (r != null && r.position() == position) {
                bytesRead += 8 + recentBytes[j]; // counted as the row read it stands for
                return r;
            }
        }
        try {
            EventEntry e = archive.get(position);
            long bytes = entryBytes(e);
            bytesRead += 8 + bytes;
            if (e != null && e.position() == position) {
                rememberRecent(e, bytes);
            }
            return e;
        } catch (Exception ex) {
            throw failed("read archived event " + position, ex);
        }
    }

    @Override
    public void archive(EventEntry entry) {
        try {
            archive.put(entry.position(), entry);
            long bytes = entryBytes(entry);
            bytesWritten += 8 + bytes;
            rememberRecent(entry, bytes);
        } catch (Exception ex) {
            throw failed("archive event " + entry.position(), ex);
        }
    }

    @Override
    public void dropArchived(long position) {
        try {
            archive.remove(position);
            bytesWritten += 8;
            if (recent(position) != null) {
                recent[(int) position & (recent.length - 1)] = null;
            }
        } catch (Exception ex) {
            throw failed("drop archived event " + position, ex);
        }
    }

    @Override
    public long frequency(int term) {
        if (known != null) {
            long k = known.get(term);
            if (k >= 0) {
                bytesRead += 4 + (k == 0 ? 0 : 8); // counted as the row read it stands for
                return k;
            }
        }
        try {
            Long f = frequencies.get(term);
            bytesRead += 4 + (f == null ? 0 : 8);
            long v = f == null ? 0 : f;
            remember(term, v);
            return v;
        } catch (Exception ex) {
            throw failed("read the frequency of term " + term, ex);
        }
    }

    @Override
    public void setFrequency(int term, long frequency) {
        try {
            frequencies.put(term, frequency);
            bytesWritten += 12;
            remember(term, frequency);
        } catch (Exception ex) {
            throw failed("write the frequency of term " + term, ex);
        }
    }

    private void remember(int term, long frequency) {
        if (known != null) {
            if (known.size() >= KNOWN_MAX) {
                known = new KnownFrequencies();
            }
            known.put(term, frequency);
        }
    }

    @Override
    public long posting(int term, long ordinal) {
        if (known != null) {
            long held = known.posting(term, ordinal);
            if (held >= 0) {
                bytesRead += 16; // counted as the row read it stands for
                return held;
            }
        }
        try {
            Long p = postings.get(postingKey(term, ordinal));
            bytesRead += 8 + (p == null ? 0 : 8);
            return p == null ? -1 : p;
        } catch (Exception ex) {
            throw failed("read posting " + ordinal + " of term " + term, ex);
        }
    }

    @Override
    public void addPosting(int term, long ordinal, long position) {
        try {
            postings.put(postingKey(term, ordinal), position);
            bytesWritten += 16;
            if (known != null) {
                known.addPosting(term, ordinal, position);
            }
        } catch (Exception ex) {
            throw failed("write posting " + ordinal + " of term " + term, ex);
        }
    }

    @Override
    public void dropPosting(int term, long ordinal) {
        try {
            postings.remove(postingKey(term, ordinal));
            bytesWritten += 8;
            if (known != null) {
                known.dropPostings(term);
            }
        } catch (Exception ex) {
            throw failed("drop posting " + ordinal + " of term " + term, ex);
        }
    }

    @Override
    public float[] segment(long segment) {
        try {
            float[] s = segments.get(segment);
            bytesRead += 8 + (s == null ? 0 : 4L * s.length);
            return s;
        } catch (Exception ex) {
            throw failed("read segment summary " + segment, ex);
        }
    }

    @Override
    public void addSegment(long segment, float[] summary) {
        try {
            segments.put(segment, summary);
            bytesWritten += 8 + 4L * summary.length;
        } catch (Exception ex) {
            throw failed("write segment summary " + segment, ex);
        }
    }

    @Override
    public void dropSegment(long segment) {
        try {
            segments.remove(segment);
            bytesWritten += 8;
        } catch (Exception ex) {
            throw failed("drop segment summary " + segment, ex);
        }
    }

    @Override
    public EventEntry eidetic(int slot) {
        try {
            EventEntry e = eidetic.get(slot);
            bytesRead += 4 + entryBytes(e);
            return e;
        } catch (Exception ex) {
            throw failed("read eidetic slot " + slot, ex);
        }
    }

    @Override
    public void setEidetic(int slot, EventEntry entry) {
        try {
            eidetic.put(slot, entry);
            bytesWritten += 4 + entryBytes(entry);
        } catch (Exception ex) {
            throw failed("write eidetic slot " + slot, ex);
        }
    }

    /**
     * Term to frequency (>= 0), open addressing over one {@code long[]}: a slot packs the term (high half) and
     * its frequency plus one (low half, so that 0 means free), one word per probe in a large table (half the
     * memory of a term and a value side by side). A frequency that does not fit ({@link #FITS}) empties the
     * table: its reads then fall through to keyed state, as for any term the table does not hold. Once the
     * table is large, a small direct-mapped copy of the terms last read or written ({@link #front}, the same
     * packed words, written through) answers the terms a key's queries read again and again (its window's and
     * eidetic tier's) without a probe into the large table. Each slot also has its term's postings list
     * ({@link #lists}).
     */
    static final class KnownFrequencies {
        /** Largest frequency a slot holds. */
        static final long FITS = 0xFFFF_FFFEL;
        /** Postings {@link #lists} hold at most, over all terms (then they stop growing; reads past them fall through). */
        static final int LISTED = 1 << 22;
        /** {@link #LISTED} for the tables created from now on (tests set it small). */
        static int listedMax = LISTED;
        private final int listedCap = listedMax;
        /** Terms the table holds before it gets its {@link #front}. */
        static final int FRONT_FROM = 1 << 11;
        private static final int FRONT = 1 << 12;
        private long[] slots = new long[64];
        /**
         * The postings of each slot's term written or kept since the term entered the table, by ordinal:
         * {@code {count, first ordinal, position of the first ordinal, of the next, ...}} (positions and
         * ordinals below 2^31), covering ordinals {@code [first, first + count)}; null: none held. A posting
         * put at any other ordinal than the next starts the term's list over at it, a dropped one drops the
         * list; so a list only ever holds what keyed state holds at those ordinals, and every other ordinal is
         * read from keyed state. One array per term, appended to where the term's frequency is written (the
         * same slot, just probed), read in runs of consecutive ordinals by the lexical tier: a boxed
         * {@code HashMap} lookup per posting in a batch run's heap state otherwise.
         */
        private int[][] lists = new int[64][];
        /** Postings held in {@link #lists}. */
        private int listed;
        /** Slot {@code hash & (FRONT - 1)}: a word of {@link #slots} (the term's current one) or 0; null while small. */
        private long[] front;
        private int size;

        int size() {
            return size;
        }

        /** The position of {@code term}'s posting {@code ordinal} where its list holds it, else -1. */
        long posting(int term, long ordinal) {
            int i = slot(term);
            int[] l = lists[i];
            if (l == null || slots[i] == 0) {
                return -1;
            }
            long off = ordinal - l[1];
            return off >= 0 && off < l[0] ? l[2 + (int) off] : -1;
        }

        /** Keyed state now holds {@code position} at {@code term}'s posting {@code ordinal}. */
        void addPosting(int term, long ordinal, long position) {
            int i = slot(term);
            if (slots[i] == 0) {
                return; // not held: neither is a list
            }
            int[] l = lists[i];
            if (l != null) {
                long off = ordinal - l[1];
                if (off >= 0 && off < l[0]) { // put again
                    if (position > Integer.MAX_VALUE) {
                        dropList(i);
                    } else {
                        l[2 + (int) off] = (int) position;
                    }
                    return;
                }
                if (off != l[0]) {
                    dropList(i);
                    l = null;
                }
            }
            if (position > Integer.MAX_VALUE || ordinal > Integer.MAX_VALUE || listed >= listedCap) {
                return; // reads past the list (if any) fall through
            }
            if (l == null) {
                l = new int[4];
                l[1] = (int) ordinal;
                lists[i] = l;
            } else if (2 + l[0] == l.length) {
                l = Arrays.copyOf(l, 2 + 2 * l[0]);
                lists[i] = l;
            }
            l[2 + l[0]++] = (int) position;
            listed++;
        }

        /** A posting of {@code term} was dropped from keyed state: its list goes. */
        void dropPostings(int term) {
            int i = slot(term);
            if (slots[i] != 0 && lists[i] != null) {
                dropList(i);
            }
        }

        private void dropList(int i) {
            listed -= lists[i][0];
            lists[i] = null;
        }

        /**
         * The last term {@link #slot} probed for and its slot (-1: none): a write's posting and frequency of
         * a term, and the lexical tier's run of one term's postings, probe for the same term one after the
         * other. Only {@link #slot} sets it and only a new table ({@link #grow}, emptied) moves slots, so it
         * stays the term's slot (where a term that is absent would go: only a put of that term fills it).
         */
        private int memoTerm;
        private int memoSlot = -1;

        private int slot(int term) {
            if (memoSlot >= 0 && memoTerm == term) {
                return memoSlot;
            }
            int mask = slots.length - 1;
            int h = term * 0x9E3779B9;
            int i = (h ^ (h >>> 16)) & mask;
            long s;
            while ((s = slots[i]) != 0 && (int) (s >>> 32) != term) {
                i = (i + 1) & mask;
            }
            memoTerm = term;
            memoSlot = i;
            return i;
        }

        private static int frontSlot(int term) {
            int h = term * 0x9E3779B9;
            return (h >>> 20) & (FRONT - 1);
        }

        /** The frequency of {@code term}, or -1 when absent. */
        long get(int term) {
            long[] f = front;
            if (f != null) {
                int j = frontSlot(term);
                long w = f[j];
                if (w != 0 && (int) (w >>> 32) == term) {
                    return (w & 0xFFFF_FFFFL) - 1;
                }
                long s = slots[slot(term)];
                if (s == 0) {
                    return -1;
                }
                f[j] = s;
                return (s & 0xFFFF_FFFFL) - 1;
            }
            long s = slots[slot(term)];
            return s == 0 ? -1 : (s & 0xFFFF_FFFFL) - 1;
        }

        void put(int term, long value) {
            if (value < 0 || value > FITS) {
                slots = new long[64]; // the term's older value, if held, must not be read
                lists = new int[64][];
                listed = 0;
                front = null;
                size = 0;
                memoSlot = -1;
                return;
            }
            int i = slot(term);
            if (slots[i] == 0) {
                if ((size + 1) * 2 > slots.length) {
                    grow();
                    i = slot(term);
                }
                size++;
            }
            long w = ((long) term << 32) | (value + 1);
            slots[i] = w;
            if (front != null) {
                front[frontSlot(term)] = w;
            }
        }

        private void grow() {
            memoSlot = -1; // a slot of the old table
            long[] old = slots;
            int[][] oldLists = lists;
            slots = new long[old.length * 2];
            lists = new int[slots.length][];
            for (int k = 0; k < old.length; k++) {
                long o = old[k];
                if (o != 0) {
                    int j = slot((int) (o >>> 32));
                    slots[j] = o;
                    lists[j] = oldLists[k];
                }
            }
            memoSlot = -1;
            if (front == null && size >= FRONT_FROM) {
                front = new long[FRONT];
            }
        }
    }
}
