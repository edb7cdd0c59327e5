package dev.keymem.jobs.eval;

import dev.keymem.models.events.EventEntry;
import dev.keymem.models.events.EventStore;
import dev.keymem.models.events.InMemoryEventStore;
import dev.keymem.state.EventEntryPiece;
import dev.keymem.state.StateFrame;

/**
 * An {@link InMemoryEventStore} that counts the bytes a RocksDB-backed store would read and write (the same
 * accounting as the operator's MapState store: serialized values plus map keys), for the evaluation.
 */
final class CountingEventStore implements EventStore {
    final InMemoryEventStore rows = new InMemoryEventStore();
    long bytesRead;
    long bytesWritten;

    static long entryBytes(EventEntry e) {
        return e == null ? 0 : StateFrame.OVERHEAD_BYTES + EventEntryPiece.payloadBytes(e);
    }

    @Override
    public EventEntry archived(long position) {
        EventEntry e = rows.archived(position);
        bytesRead += 8 + entryBytes(e);
        return e;
    }

    @Override
    public void archive(EventEntry entry) {
        bytesWritten += 8 + entryBytes(entry);
        rows.archive(entry);
    }

    @Override
    public void dropArchived(long position) {
        bytesWritten += 8;
        rows.dropArchived(position);
    }

    @Override
    public long frequency(int term) {
        long f = rows.frequency(term);
        bytesRead += 4 + (f == 0 ? 0 : 8);
        return f;
    }

    @Override
    public void setFrequency(int term, long frequency) {
        bytesWritten += 12;
        rows.setFrequency(term, frequency);
    }

    @Override
    public long posting(int term, long ordinal) {
        long p = rows.posting(term, ordinal);
        bytesRead += 8 + (p < 0 ? 0 : 8);
        return p;
    }

    @Override
    public void addPosting(int term, long ordinal, long position) {
        bytesWritten += 16;
        rows.addPosting(term, ordinal, position);
    }

    @Override
    public void dropPosting(int term, long ordinal) {
        bytesWritten += 8;
        rows.dropPosting(term, ordinal);
    }

    @Override
    public float[] segment(long segment) {
        float[] s = rows.segment(segment);
        bytesRead += 8 + (s == null ? 0 : 4L * s.length);
        return s;
    }

    @Override
    public void addSegment(long segment, float[] summary) {
        bytesWritten += 8 + 4L * summary.length;
        rows.addSegment(segment, summary);
    }

    @Override
    public void dropSegment(long segment) {
        bytesWritten += 8;
        rows.dropSegment(segment);
    }

    @Override
    public EventEntry eidetic(int slot) {
        EventEntry e = rows.eidetic(slot);
        bytesRead += 4 + entryBytes(e);
        return e;
    }

    @Override
    public void setEidetic(int slot, EventEntry entry) {
        bytesWritten += 4 + entryBytes(entry);
        rows.setEidetic(slot, entry);
    }

    /** Bytes of every row held: archive, postings, term statistics, segment summaries, eidetic slots. */
    long heldBytes(int dimension, int eideticSlots) {
        long b = 0;
        for (EventEntry e : rows.archivedEntries()) {
            b += 8 + entryBytes(e);
        }
        b += 16L * rows.postingCount() + 12L * rows.termCount() + (8 + 4L * dimension) * rows.segmentCount();
        for (int s = 0; s < eideticSlots; s++) {
            b += 4 + entryBytes(rows.eidetic(s));
        }
        return b;
    }
}
