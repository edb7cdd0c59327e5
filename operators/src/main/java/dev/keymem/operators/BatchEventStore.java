package dev.keymem.operators;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventStore;
import java.util.Arrays;

/**
 * The current key's event memory rows as plain arrays on the heap, for Flink's batch execution state backend
 * ({@code BatchExecutionKeyedStateBackend}), which holds the state of one key at a time and clears all of it
 * when the key changes. This store holds what the rows in keyed state ({@link MapStateEventStore}, the
 * reference form) would hold for the key of its last {@link #on}, and drops them when the key changes, so a
 * run gives the same answers bit for bit (the same entry objects back, as that backend's maps give) and counts
 * the same bytes for the metrics ({@code bytesRead}, {@code bytesWritten}, as {@link MapStateEventStore} counts
 * them). On that backend each row is a boxed entry of a {@code HashMap} (a long history: a million postings a
 * key, some 80 bytes each, which the young collections copy); here the archive and the segment summaries
 * are rings by position, a term's frequency is a slot of an open-addressing table of ints and its postings
 * one int array by ordinal.
 *
 * <p>Rows it cannot hold as such (a posting's position past {@link #positionMax} or its ordinal past
 * {@code Integer.MAX_VALUE}, a posting put more than {@link #GAP_MAX} ordinals before or past what its term's
 * list holds, a ring that would span more than {@link #SPAN_MAX} positions, an eidetic slot past
 * {@link #SLOT_MAX}, a frequency below 0 or above {@link #FREQ_MAX}) make it <em>spill</em>: every row it holds
 * goes to keyed state through {@link MapStateEventStore} (with its byte counters as they were), which serves
 * the rest of the key's records. Written by hand: no library of primitive collections is on the class path
 * (Flink brings none); the reference is the keyed-state store, and tests compare both on the same records.
 *
 * <p>Only where nothing else reads or writes the key's rows in keyed state (no Flink state TTL on them, no
 * write-back cache over them) and the backend keeps no state across keys. Not thread safe: the task thread
 * only.
 */
final class BatchEventStore implements EventStore {
    /** Most positions (or segments) a ring spans; past it the key spills. */
    static final long SPAN_MAX = 1L << 30;
    /** Largest eidetic slot held; past it the key spills. */
    static final int SLOT_MAX = 1 << 16;
    /** Most absent ordinals a postings list fills to reach a posting put past its end; past it the key spills. */
    static final int GAP_MAX = 64;
    private static final int START = 64;
    /** Largest position a postings list holds (its ints); tests set it small for the stores created after, to spill. */
    static int positionMax = Integer.MAX_VALUE;
    private final int positionCap = positionMax;

    private final MapStateEventStore keyed;
    private String key;
    /** The key's rows are in keyed state ({@link #keyed}): every call goes there until the key changes. */
    private boolean spilled;
    long bytesRead;
    long bytesWritten;

    private final Ring archive = new Ring();
    private final Ring segments = new Ring();
    private EventEntry[] eidetic = new EventEntry[0];
    private int[] eideticBytes = new int[0];

    /**
     * Term table, one word a slot (one load a probe): 0 free, else the term (high half) and its frequency
     * plus {@link #ROW} (low half; {@link #NO_ROW}: the term has postings but no frequency row). Beside it,
     * each slot's postings.
     */
    private long[] words = new long[START];
    private static final long NO_ROW = 1;
    private static final long ROW = 2;
    /** Largest frequency a word holds; a larger one spills. */
    static final long FREQ_MAX = 0xFFFF_FFFFL - ROW;
    /**
     * Each slot's postings: {@code {count, first ordinal, head, positions...}}, ordinal {@code first + i} at
     * index {@code 3 + head + i} for {@code i < count}, -1 where absent (dropped); null: none.
     */
    private int[][] lists = new int[START][];
    private int termCount;
    /** The slot {@link #slot} last found for {@link #memoTerm} (-1: none); a new table clears it. */
    private int memoTerm;
    private int memoSlot = -1;

    /** @param keyed the rows in keyed state, where a key that spills goes (and which {@link #clear} leaves alone) */
    BatchEventStore(MapStateEventStore keyed) {
        this.keyed = keyed;
    }

    /**
     * Starts a record of {@code key} (its keyed-state store is already {@link MapStateEventStore#on on} it):
     * another key's rows are dropped, as the backend dropped that key's state; resets the byte counters.
     * Returns the store that serves the record.
     */
    EventStore on(String key) {
        if (!key.equals(this.key)) {
            this.key = key;
            forget();
        }
        bytesRead = 0;
        bytesWritten = 0;
        return current();
    }

    /** The store that serves the current key now: keyed state where the key spilled, else this one. */
    EventStore current() {
        return spilled ? keyed : this;
    }

    /** The key's memory is removed: its rows go (the caller clears keyed state); {@link #current} is this again. */
    void clear() {
        forget();
    }

    /** Whether the current key's rows went to keyed state, for tests. */
    boolean spilled() {
        return spilled;
    }

    private void forget() {
        spilled = false;
        archive.reset();
        segments.reset();
        if (eidetic.length > 0) {
            Arrays.fill(eidetic, null);
        }
        if (termCount > 0) {
            // the next key starts at the size this key's terms needed (keys of one stream are alike in their
            // vocabularies: a key of a few hundred terms no longer grows its table from 64 slots, rehashing
            // at each doubling), at most TERMS_KEEP slots
            int n = termsTableFor(termCount);
            if (words.length != n) {
                allocateTerms(n);
            } else {
                Arrays.fill(words, 0);
                Arrays.fill(lists, null);
                termCount = 0;
            }
        }
        memoSlot = -1;
    }

    /** Most slots of the term table a key starts with ({@link #forget}). */
    static final int TERMS_KEEP = 1 << 12;

    /** The slots a table takes to hold {@code terms} terms without growing ({@link #use}), within [START, TERMS_KEEP]. */
    static int termsTableFor(int terms) {
        int n = START;
        while (terms * 2L > n && n < TERMS_KEEP) {
            n *= 2;
        }
        return n;
    }

    private void allocateTerms(int n) {
        words = new long[n];
        lists = new int[n][];
        termCount = 0;
        memoSlot = -1;
    }

    /** Every row held goes to keyed state, which serves the key from now on; the byte counters stay as they were. */
    private void spill() {
        long read = keyed.bytesRead;
        long written = keyed.bytesWritten;
        for (long p = archive.lo; p < archive.hi; p++) {
            Object e = archive.get(p);
            if (e != null) {
                keyed.archive((EventEntry) e);
            }
        }
        for (long s = segments.lo; s < segments.hi; s++) {
            Object v = segments.get(s);
            if (v != null) {
                keyed.addSegment(s, (float[]) v);
            }
        }
        for (int i = 0; i < eidetic.length; i++) {
            if (eidetic[i] != null) {
                keyed.setEidetic(i, eidetic[i]);
            }
        }
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            if (w == 0) {
                continue;
            }
            int term = (int) (w >>> 32);
            if ((w & 0xFFFF_FFFFL) >= ROW) {
                keyed.setFrequency(term, (w & 0xFFFF_FFFFL) - ROW);
            }
            int[] l = lists[i];
            if (l != null) {
                for (int k = 0; k < l[0]; k++) {
                    int p = l[3 + l[2] + k];
                    if (p >= 0) {
                        keyed.addPosting(term, (long) l[1] + k, p);
                    }
                }
            }
        }
        keyed.bytesRead = read;
        keyed.bytesWritten = written;
        String k = key;
        forget();
        key = k;
        spilled = true;
    }

    static int entryBytes(EventEntry e) {
        long b = MapStateEventStore.entryBytes(e);
        return b > Integer.MAX_VALUE ? -1 : (int) b;
    }

    @Override
    public EventEntry archived(long position) {
        if (spilled) {
            return keyed.archived(position);
        }
        Ring r = archive;
        if (position < r.lo || position >= r.hi) {
            bytesRead += 8;
            return null;
        }
        int j = (int) position & (r.items.length - 1);
        EventEntry e = (EventEntry) r.items[j];
        bytesRead += 8 + (e == null ? 0 : r.bytes[j]);
        return e;
    }

    @Override
    public void archive(EventEntry entry) {
        if (!spilled) {
            int b = entryBytes(entry);
            if (b >= 0 && archive.put(entry.position(), entry, b)) {
                bytesWritten += 8 + b;
                return;
            }
            spill();
        }
        keyed.archive(entry);
    }

    @Override
    public void dropArchived(long position) {
        if (spilled) {
            keyed.dropArchived(position);
            return;
        }
        archive.remove(position);
        bytesWritten += 8;
    }

    @Override
    public long frequency(int term) {
        if (spilled) {
            return keyed.frequency(term);
        }
        long low = words[slot(term)] & 0xFFFF_FFFFL; // 0 where the slot is free
        long f = low >= ROW ? low - ROW : 0;
        bytesRead += 4 + (f == 0 ? 0 : 8);
        return f;
    }

    @Override
    public void setFrequency(int term, long frequency) {
        if (!spilled) {
            if (frequency >= 0 && frequency <= FREQ_MAX) {
                int i = use(term);
                words[i] = (long) term << 32 | (frequency + ROW);
                bytesWritten += 12;
                return;
            }
            spill();
        }
        keyed.setFrequency(term, frequency);
    }

    @Override
    public long posting(int term, long ordinal) {
        if (spilled) {
            return keyed.posting(term, ordinal);
        }
        int i = slot(term);
        int[] l = words[i] != 0 ? lists[i] : null;
        long p = -1;
        if (l != null) {
            long off = ordinal - l[1];
            if (off >= 0 && off < l[0]) {
                p = l[3 + l[2] + (int) off];
            }
        }
        bytesRead += 8 + (p < 0 ? 0 : 8);
        return p;
    }

    @Override
    public void addPosting(int term, long ordinal, long position) {
        if (!spilled) {
            if (position >= 0 && position <= positionCap && ordinal >= 0 && ordinal <= Integer.MAX_VALUE
                    && listPut(use(term), (int) ordinal, (int) position)) {
                bytesWritten += 16;
                return;
            }
            spill();
        }
        keyed.addPosting(term, ordinal, position);
    }

    /** Puts the posting in slot {@code i}'s list; false where the list cannot hold it as it is. */
    private boolean listPut(int i, int ordinal, int position) {
        int[] l = lists[i];
        if (l == null || l[0] == 0) {
            if (l == null) {
                l = new int[3 + 4];
                lists[i] = l;
            }
            l[0] = 1;
            l[1] = ordinal;
            l[2] = 0;
            l[3] = position;
            return true;
        }
        long off = (long) ordinal - l[1];
        int count = l[0];
        if (off >= 0 && off < count) {
            l[3 + l[2] + (int) off] = position;
            return true;
        }
        if (off < 0) {
            return off >= -GAP_MAX && listPrepend(i, l, (int) -off, ordinal, position);
        }
        if (off - count > GAP_MAX) {
            return false; // far past its end
        }
        int need = (int) off + 1;
        int head = l[2];
        if (3 + head + need > l.length) {
            if (head > 0 && 3 + need <= l.length && head >= count) {
                System.arraycopy(l, 3 + head, l, 3, count); // the dropped front's room
                head = 0;
                l[2] = 0;
            } else {
                int[] g = new int[3 + Math.max(need * 2, 4)];
                g[0] = count;
                g[1] = l[1];
                System.arraycopy(l, 3 + head, g, 3, count);
                l = g;
                head = 0;
                lists[i] = l;
            }
        }
        for (int k = count; k < off; k++) {
            l[3 + head + k] = -1;
        }
        l[3 + head + (int) off] = position;
        l[0] = need;
        return true;
    }

    /** Puts a posting {@code shift} ordinals before slot {@code i}'s list {@code l} (the ordinals between absent). */
    private boolean listPrepend(int i, int[] l, int shift, int ordinal, int position) {
        int count = l[0];
        int need = count + shift;
        int head = l[2];
        if (head >= shift) {
            head -= shift;
        } else {
            int[] g = new int[3 + need * 2];
            System.arraycopy(l, 3 + head, g, 3 + shift, count);
            l = g;
            head = 0;
            lists[i] = l;
        }
        l[3 + head] = position;
        for (int k = 1; k < shift; k++) {
            l[3 + head + k] = -1;
        }
        l[0] = need;
        l[1] = ordinal;
        l[2] = head;
        return true;
    }

    @Override
    public void dropPosting(int term, long ordinal) {
        if (spilled) {
            keyed.dropPosting(term, ordinal);
            return;
        }
        bytesWritten += 8;
        int i = slot(term);
        int[] l = words[i] != 0 ? lists[i] : null;
        if (l == null) {
            return;
        }
        long off = ordinal - l[1];
        int count = l[0];
        if (off < 0 || off >= count) {
            return;
        }
        if (off == 0) {
            l[1]++;
            l[2]++;
            l[0] = --count;
            if (count == 0) {
                l[2] = 0;
            }
        } else if (off == count - 1) {
            l[0] = count - 1;
        } else {
            l[3 + l[2] + (int) off] = -1;
        }
    }

    @Override
    public float[] segment(long segment) {
        if (spilled) {
            return keyed.segment(segment);
        }
        float[] s = (float[]) segments.get(segment);
        bytesRead += 8 + (s == null ? 0 : 4L * s.length);
        return s;
    }

    @Override
    public void addSegment(long segment, float[] summary) {
        if (!spilled) {
            if (segments.put(segment, summary, 0)) {
                bytesWritten += 8 + 4L * summary.length;
                return;
            }
            spill();
        }
        keyed.addSegment(segment, summary);
    }

    @Override
    public void dropSegment(long segment) {
        if (spilled) {
            keyed.dropSegment(segment);
            return;
        }
        segments.remove(segment);
        bytesWritten += 8;
    }

    @Override
    public EventEntry eidetic(int slot) {
        if (spilled) {
            return keyed.eidetic(slot);
        }
        EventEntry e = slot >= 0 && slot < eidetic.length ? eidetic[slot] : null;
        bytesRead += 4 + (e == null ? 0 : eideticBytes[slot]);
        return e;
    }

    @Override
    public void setEidetic(int slot, EventEntry entry) {
        if (!spilled) {
            int b = entryBytes(entry);
            if (slot >= 0 && slot <= SLOT_MAX && b >= 0) {
                if (slot >= eidetic.length) {
                    int n = Math.max(slot + 1, Math.max(8, eidetic.length * 2));
                    eidetic = Arrays.copyOf(eidetic, n);
                    eideticBytes = Arrays.copyOf(eideticBytes, n);
                }
                eidetic[slot] = entry;
                eideticBytes[slot] = b;
                bytesWritten += 4 + b;
                return;
            }
            spill();
        }
        keyed.setEidetic(slot, entry);
    }

    /** True: the store is used only where no TTL expires the rows ({@link KeyedEventMemory#useBatchRows}). */
    @Override
    public boolean frequenciesNeverDecrease() {
        return true;
    }

    /** The slot of {@code term}: where it is, or where it would go (free). */
    private int slot(int term) {
        if (memoSlot >= 0 && memoTerm == term) {
            return memoSlot;
        }
        int mask = words.length - 1;
        int h = term * 0x9E3779B9;
        int i = (h ^ (h >>> 16)) & mask;
        long w;
        while ((w = words[i]) != 0 && (int) (w >>> 32) != term) {
            i = (i + 1) & mask;
        }
        memoTerm = term;
        memoSlot = i;
        return i;
    }

    /** The slot of {@code term}, taken for it when new. */
    private int use(int term) {
        int i = slot(term);
        if (words[i] == 0) {
            if ((termCount + 1) * 2 > words.length) {
                growTerms();
                i = slot(term);
            }
            words[i] = (long) term << 32 | NO_ROW;
            termCount++;
        }
        return i;
    }

    private void growTerms() {
        long[] w = words;
        int[][] l = lists;
        int n = termCount;
        allocateTerms(w.length * 2);
        termCount = n;
        for (int k = 0; k < w.length; k++) {
            if (w[k] != 0) {
                int j = slot((int) (w[k] >>> 32));
                words[j] = w[k];
                lists[j] = l[k];
            }
        }
        memoSlot = -1;
    }

    /**
     * Values by position (a long), in an array indexed by the position's low bits: it holds the positions in
     * {@code [lo, hi)}, at most its length apart, so each has its own slot; every other position is absent.
     * With each value, an int (the row's bytes, for the counters).
     */
    static final class Ring {
        Object[] items = new Object[START];
        int[] bytes = new int[START];
        long lo;
        long hi;

        Object get(long p) {
            return p >= lo && p < hi ? items[(int) p & (items.length - 1)] : null;
        }

        /** Puts {@code v} (not null) at {@code p}; false where the ring would span more than {@link #SPAN_MAX}. */
        boolean put(long p, Object v, int b) {
            if (v == null) {
                remove(p);
                return true;
            }
            if (lo == hi) {
                lo = p;
                hi = p;
            }
            if (p >= hi && p - lo >= items.length) {
                while (lo < hi && items[(int) lo & (items.length - 1)] == null) {
                    lo++; // absent positions at the front: not held
                }
                if (lo == hi) {
                    lo = p;
                    hi = p;
                }
            }
            long newLo = Math.min(lo, p);
            long newHi = Math.max(hi, p + 1);
            long span = newHi - newLo;
            if (span > SPAN_MAX) {
                return false;
            }
            if (span > items.length) {
                int n = items.length;
                while (n < span) {
                    n *= 2;
                }
                Object[] ni = new Object[n];
                int[] nb = new int[n];
                int om = items.length - 1;
                for (long q = lo; q < hi; q++) {
                    ni[(int) q & (n - 1)] = items[(int) q & om];
                    nb[(int) q & (n - 1)] = bytes[(int) q & om];
                }
                items = ni;
                bytes = nb;
            }
            int m = items.length - 1;
            if (p >= hi) {
                for (long q = hi; q < p; q++) {
                    items[(int) q & m] = null; // what the slots held before is not in [lo, hi)
                }
            } else if (p < lo) {
                for (long q = p + 1; q < lo; q++) {
                    items[(int) q & m] = null;
                }
            }
            lo = newLo;
            hi = newHi;
            items[(int) p & m] = v;
            bytes[(int) p & m] = b;
            return true;
        }

        void remove(long p) {
            if (p >= lo && p < hi) {
                items[(int) p & (items.length - 1)] = null;
                if (p == lo) {
                    while (lo < hi && items[(int) lo & (items.length - 1)] == null) {
                        lo++;
                    }
                }
            }
        }

        void reset() {
            if (items.length > START) {
                items = new Object[START];
                bytes = new int[START];
            } else {
                Arrays.fill(items, null);
            }
            lo = 0;
            hi = 0;
        }
    }
}
