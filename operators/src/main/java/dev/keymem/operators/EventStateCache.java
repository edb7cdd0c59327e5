package dev.keymem.operators;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventState;
import dev.keymem.models.events.EventStore;
import dev.keymem.state.EventEntryPiece;
import dev.keymem.state.EventStatePiece;
import dev.keymem.state.StateFrame;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * A write-back cache of the event memory ({@link KeyedEventMemory}) of a subtask's recently used keys, so
 * that a key's next record neither deserializes nor rewrites its hot state through the state backend and
 * its term statistics are point reads of a hash table. Per cached key ({@link Rows}): the deserialized
 * {@link EventState}, the term frequencies read or written so far, the rows written since the last write-back
 * (archive, postings, segment summaries, eidetic slots, removals included) and the archive rows of the recent
 * window (every query reads them). Reads look in the cache first and fall through to keyed state.
 *
 * <p><b>Write-back.</b> {@link #flush} writes every changed value of every cached key to keyed state (each
 * under its own key, rows of a kind in one {@code putAll}) and keeps the values cached, clean; the owning
 * operator ({@link EventMemoryOperator}) calls it in {@code snapshotState}, on the task thread after the
 * barrier's records and before the keyed state backend is snapshotted, so every checkpoint and savepoint
 * holds exactly what the uncached memory would have written, and a restore (the cache is gone then) gives
 * the same answers bit for bit. A key is also written back when it is evicted.
 *
 * <p><b>Bound.</b> The layer of {@link WriteBackCache} bounded by bytes: the cache estimates the heap bytes
 * of each key's entry (hot state, term table, rows held) and evicts the least recently used keys, written
 * back first, while the total exceeds {@code budget} ({@code keymem.events.cache-bytes}); one key whose rows
 * outgrow the budget between two checkpoints is written back and dropped after its record.
 *
 * <p>Contract with the owner ({@link WriteBackCache}'s): every access happens with the key context set to
 * the key whose memory it is (processElement, onTimer); the cache switches to an evicted or flushed key and
 * back. Use it only over backends that copy values into their own storage (RocksDB) and without Flink state
 * TTL on the rows. Not thread safe: the task thread only.
 */
@Internal
final class EventStateCache extends WriteBackCache<EventStateCache.Rows, Exception> {

    /** Estimated fixed heap bytes of a cached key, besides its state and rows. */
    static final long KEY_BYTES = 400;
    static final long ROW_BYTES = 64;

    private final long budget;
    private final int window;
    private final ValueState<EventState> state;
    private final MapStateEventStore backing;
    private long bytes;

    EventStateCache(long budget, int window, WriteBackCache.KeyContext keys, ValueState<EventState> state,
                    MapStateEventStore backing) {
        super(keys, 1024);
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        this.budget = budget;
        this.window = window;
        this.state = state;
        this.backing = backing;
    }

    @Override
    boolean dirty(Rows r) {
        return r.dirty();
    }

    @Override
    void write(Rows r) throws Exception {
        r.write();
    }

    /** After a write-back the entry keeps its window's archive rows and term table only. */
    @Override
    void flushed(Rows r) {
        long before = r.bytes;
        r.dropClean();
        r.bytes = r.estimate();
        bytes += r.bytes - before;
    }

    /** The current key's cached memory (read from keyed state on a miss). */
    Rows current() throws Exception {
        Object key = currentKey();
        Rows r = get(key);
        if (r == null) {
            miss();
            r = new Rows(state.value());
            put(key, r);
            bytes += r.bytes;
        } else {
            hit();
        }
        return r;
    }

    /** The current key's record is done: its entry's size is taken into account, and keys evicted over budget. */
    void done(Rows r) throws Exception {
        long before = r.bytes;
        r.trimWindow();
        r.bytes = r.estimate();
        bytes += r.bytes - before;
        while (bytes > budget && size() > 0) {
            bytes -= evictEldest().bytes;
        }
    }

    /** The current key's memory is removed (TTL): its entry goes without a write-back. */
    void removeCurrent() {
        Rows r = remove(currentKey());
        if (r != null) {
            bytes -= r.bytes;
        }
    }

    /** Drops everything without writing (the task is closing or failing: keyed state is discarded or restored). */
    @Override
    void discard() {
        super.discard();
        bytes = 0;
    }

    /** Cached keys with changes not yet written back. */
    int dirtyKeys() {
        int n = 0;
        for (Rows r : entries()) {
            if (r.dirty()) {
                n++;
            }
        }
        return n;
    }

    long bytes() {
        return bytes;
    }

    /** The cached keys, least recently used first, and their hot states (the order left as it is), for tests. */
    Map<Object, EventState> states() {
        Map<Object, EventState> m = new LinkedHashMap<>();
        for (Map.Entry<Object, Rows> e : view().entrySet()) {
            m.put(e.getKey(), e.getValue().st);
        }
        return m;
    }

    /** The entries' current estimates summed, for tests ({@link #bytes()} must equal it between records). */
    long estimatedBytes() {
        long b = 0;
        for (Rows r : entries()) {
            b += r.estimate();
        }
        return b;
    }

    /**
     * One key's cached memory, and the {@link EventStore} the model reads and writes through for it. Counts
     * the bytes the model reads and writes as {@link MapStateEventStore} counts them ({@code bytesRead},
     * {@code bytesWritten}: what the memory touched, whether the cache serves it or not) and, apart, the bytes
     * actually read from keyed state ({@code backendRead}: the hot state when the entry was loaded, and the
     * rows that were not in the cache).
     */
    final class Rows implements EventStore {
        EventState st;
        boolean stateDirty;
        final long stateBytes;
        /**
         * The key had no memory when it was loaded, so keyed state holds no row of it (a key's rows and hot
         * state are written in the same record, and cleared together): the term table is then complete for as
         * long as the entry lives (it keeps every term it saw), and every other row is in the cache until the
         * first write-back drops the clean ones.
         */
        final boolean termsComplete;
        boolean rowsComplete;
        final TermTable df = new TermTable();
        /** Archive rows: written since the last write-back (null value: removed) or read within the window. */
        final HashMap<Long, EventEntry> archive = new HashMap<>();
        final HashMap<Long, Boolean> archiveDirty = new HashMap<>();
        long archiveBytes;
        final HashMap<Long, Long> postings = new HashMap<>();
        final HashMap<Long, float[]> segments = new HashMap<>();
        long segmentBytes;
        final HashMap<Integer, EventEntry> eidetic = new HashMap<>();
        long bytes;
        long bytesRead;
        long bytesWritten;
        long backendRead;
        /** The framed bytes of the hot state read when the entry was loaded, until the first record counts them. */
        private long loadRead;

        Rows(EventState st) {
            this.st = st;
            this.termsComplete = st == null;
            this.rowsComplete = st == null;
            this.stateBytes = 64 + (st == null ? 6000 : EventStatePiece.payloadBytes(st));
            this.loadRead = st == null ? 0 : StateFrame.OVERHEAD_BYTES + EventStatePiece.payloadBytes(st);
            this.bytes = estimate();
        }

        /** Starts a record: resets the byte counters (the hot state's load counts for the record that caused it). */
        Rows on() {
            bytesRead = 0;
            bytesWritten = 0;
            backendRead = loadRead;
            loadRead = 0;
            return this;
        }

        void setState(EventState s) {
            st = s;
            stateDirty = true;
        }

        boolean dirty() {
            return stateDirty || df.dirty > 0 || !archiveDirty.isEmpty() || !postings.isEmpty() || !segments.isEmpty()
                    || !eidetic.isEmpty();
        }

        long estimate() {
            return KEY_BYTES + stateBytes + df.bytes() + archiveBytes + ROW_BYTES * (archive.size() + postings.size()
                    + eidetic.size() + segments.size()) + segmentBytes;
        }

        /** Writes the changed values under the current key context (this entry's key) and marks them clean. */
        void write() throws Exception {
            if (stateDirty) {
                if (st == null) {
                    state.clear();
                } else {
                    state.update(st);
                }
                stateDirty = false;
            }
            if (df.dirty > 0) {
                backing.frequencies.putAll(df.takeDirty());
            }
            if (!archiveDirty.isEmpty()) {
                Map<Long, EventEntry> put = new HashMap<>();
                for (Long p : archiveDirty.keySet()) {
                    EventEntry e = archive.get(p);
                    if (e == null) {
                        backing.archive.remove(p);
                    } else {
                        put.put(p, e);
                    }
                }
                if (!put.isEmpty()) {
                    backing.archive.putAll(put);
                }
                archiveDirty.clear();
            }
            if (!postings.isEmpty()) {
                Map<Long, Long> put = new HashMap<>();
                for (Map.Entry<Long, Long> e : postings.entrySet()) {
                    if (e.getValue() == null) {
                        backing.postings.remove(e.getKey());
                    } else {
                        put.put(e.getKey(), e.getValue());
                    }
                }
                if (!put.isEmpty()) {
                    backing.postings.putAll(put);
                }
                postings.clear();
            }
            if (!segments.isEmpty()) {
                Map<Long, float[]> put = new HashMap<>();
                for (Map.Entry<Long, float[]> e : segments.entrySet()) {
                    if (e.getValue() == null) {
                        backing.segments.remove(e.getKey());
                    } else {
                        put.put(e.getKey(), e.getValue());
                    }
                }
                if (!put.isEmpty()) {
                    backing.segments.putAll(put);
                }
                segments.clear();
                segmentBytes = 0;
            }
            if (!eidetic.isEmpty()) {
                backing.eidetic.putAll(eidetic);
                eidetic.clear();
            }
        }

        /** After a write-back: keeps only the window's archive rows (clean) and the term table. */
        void dropClean() {
            rowsComplete = false;
            long low = st == null ? Long.MAX_VALUE : st.events() - window;
            Iterator<Map.Entry<Long, EventEntry>> it = archive.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<Long, EventEntry> e = it.next();
                if (e.getValue() == null || e.getKey() < low) {
                    archiveBytes -= rowBytes(e.getValue());
                    it.remove();
                }
            }
        }

        /** The archive row that just left the window, when clean, leaves the cache. */
        void trimWindow() {
            if (st == null) {
                return;
            }
            long out = st.events() - window - 1;
            if (out >= 0 && !archiveDirty.containsKey(out)) {
                EventEntry e = archive.remove(out);
                if (e != null) {
                    archiveBytes -= rowBytes(e);
                }
            }
        }

        private long rowBytes(EventEntry e) {
            return e == null ? 0 : EventEntryPiece.payloadBytes(e);
        }

        private void putArchive(long p, EventEntry e) {
            EventEntry old = archive.put(p, e);
            archiveBytes += rowBytes(e) - rowBytes(old);
        }

        @Override
        public EventEntry archived(long position) {
            EventEntry e;
            if (archive.containsKey(position) || rowsComplete) {
                e = archive.get(position);
            } else {
                e = read(() -> backing.archive.get(position), "read archived event " + position);
                backendRead += 8 + MapStateEventStore.entryBytes(e);
                if (e != null && st != null && position >= st.events() - window) {
                    putArchive(position, e);
                }
            }
            bytesRead += 8 + MapStateEventStore.entryBytes(e);
            return e;
        }

        @Override
        public void archive(EventEntry entry) {
            putArchive(entry.position(), entry);
            archiveDirty.put(entry.position(), Boolean.TRUE);
            bytesWritten += 8 + MapStateEventStore.entryBytes(entry);
        }

        @Override
        public void dropArchived(long position) {
            putArchive(position, null);
            archiveDirty.put(position, Boolean.TRUE);
            bytesWritten += 8;
        }

        /** As the rows under it: the cache serves only rows without a state TTL, and writes them back as written. */
        @Override
        public boolean frequenciesNeverDecrease() {
            return backing.frequenciesNeverDecrease();
        }

        @Override
        public long frequency(int term) {
            long f = df.get(term);
            if (f == TermTable.MISSING && termsComplete) {
                f = 0;
            } else if (f == TermTable.MISSING) {
                Long v = read(() -> backing.frequencies.get(term), "read the frequency of term " + term);
                backendRead += 4 + (v == null ? 0 : 8);
                f = v == null ? 0 : v;
                df.put(term, f, false);
            }
            bytesRead += 4 + (f == 0 ? 0 : 8);
            return f;
        }

        @Override
        public void setFrequency(int term, long frequency) {
            df.put(term, frequency, true);
            bytesWritten += 12;
        }

        @Override
        public long posting(int term, long ordinal) {
            long k = MapStateEventStore.postingKey(term, ordinal);
            Long p;
            if (postings.containsKey(k) || rowsComplete) {
                p = postings.get(k);
            } else {
                p = read(() -> backing.postings.get(k), "read posting " + ordinal + " of term " + term);
                backendRead += 8 + (p == null ? 0 : 8);
            }
            bytesRead += 8 + (p == null ? 0 : 8);
            return p == null ? -1 : p;
        }

        @Override
        public void addPosting(int term, long ordinal, long position) {
            postings.put(MapStateEventStore.postingKey(term, ordinal), position);
            bytesWritten += 16;
        }

        @Override
        public void dropPosting(int term, long ordinal) {
            postings.put(MapStateEventStore.postingKey(term, ordinal), null);
            bytesWritten += 8;
        }

        @Override
        public float[] segment(long segment) {
            float[] s;
            if (segments.containsKey(segment) || rowsComplete) {
                s = segments.get(segment);
            } else {
                s = read(() -> backing.segments.get(segment), "read segment summary " + segment);
                backendRead += 8 + (s == null ? 0 : 4L * s.length);
            }
            bytesRead += 8 + (s == null ? 0 : 4L * s.length);
            return s;
        }

        @Override
        public void addSegment(long segment, float[] summary) {
            float[] old = segments.put(segment, summary);
            segmentBytes += 4L * summary.length - (old == null ? 0 : 4L * old.length);
            bytesWritten += 8 + 4L * summary.length;
        }

        @Override
        public void dropSegment(long segment) {
            float[] old = segments.put(segment, null);
            segmentBytes -= old == null ? 0 : 4L * old.length;
            bytesWritten += 8;
        }

        @Override
        public EventEntry eidetic(int slot) {
            EventEntry e = eidetic.get(slot);
            if (e == null && !rowsComplete) {
                e = read(() -> backing.eidetic.get(slot), "read eidetic slot " + slot);
                backendRead += 4 + MapStateEventStore.entryBytes(e);
            }
            bytesRead += 4 + MapStateEventStore.entryBytes(e);
            return e;
        }

        @Override
        public void setEidetic(int slot, EventEntry entry) {
            eidetic.put(slot, entry);
            bytesWritten += 4 + MapStateEventStore.entryBytes(entry);
        }

        private <T> T read(Read<T> r, String what) {
            try {
                return r.get();
            } catch (Exception ex) {
                throw new FlinkRuntimeException("cannot " + what + " of key '" + currentKey() + "'", ex);
            }
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T get() throws Exception;
    }

    /** Term to document frequency, open addressing (no boxing on the hot path), each value clean or dirty. */
    static final class TermTable {
        static final long MISSING = Long.MIN_VALUE;
        private int[] terms = new int[16];
        private long[] values = new long[16];
        /** 0 empty, 1 clean, 2 dirty. */
        private byte[] flags = new byte[16];
        private int size;
        int dirty;

        long bytes() {
            return 13L * terms.length;
        }

        private int slot(int term) {
            int mask = terms.length - 1;
            int h = term * 0x9E3779B9;
            int i = (h ^ (h >>> 16)) & mask;
            while (flags[i] != 0 && terms[i] != term) {
                i = (i + 1) & mask;
            }
            return i;
        }

        long get(int term) {
            int i = slot(term);
            return flags[i] == 0 ? MISSING : values[i];
        }

        void put(int term, long value, boolean changed) {
            int i = slot(term);
            if (flags[i] == 0) {
                if ((size + 1) * 2 > terms.length) {
                    grow();
                    i = slot(term);
                }
                size++;
                terms[i] = term;
                flags[i] = 1;
            }
            values[i] = value;
            if (changed && flags[i] != 2) {
                flags[i] = 2;
                dirty++;
            }
        }

        /** The changed entries (now clean). */
        Map<Integer, Long> takeDirty() {
            Map<Integer, Long> m = new HashMap<>(dirty * 2);
            for (int i = 0; i < flags.length; i++) {
                if (flags[i] == 2) {
                    m.put(terms[i], values[i]);
                    flags[i] = 1;
                }
            }
            dirty = 0;
            return m;
        }

        private void grow() {
            int[] t = terms;
            long[] v = values;
            byte[] f = flags;
            terms = new int[t.length * 2];
            values = new long[t.length * 2];
            flags = new byte[t.length * 2];
            for (int i = 0; i < t.length; i++) {
                if (f[i] != 0) {
                    int j = slot(t[i]);
                    terms[j] = t[i];
                    values[j] = v[i];
                    flags[j] = f[i];
                }
            }
        }
    }
}
