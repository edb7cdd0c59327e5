package dev.keymem.models.events;

import java.util.HashMap;
import java.util.Map;

/** An {@link EventStore} on the heap (tests, evaluations); counts its reads and writes. */
public final class InMemoryEventStore implements EventStore {
    private final Map<Long, EventEntry> archive = new HashMap<>();
    private final Map<Integer, Long> frequencies = new HashMap<>();
    private final Map<Long, Long> postings = new HashMap<>();
    private final Map<Long, float[]> segments = new HashMap<>();
    private final Map<Integer, EventEntry> eidetic = new HashMap<>();
    /** Point reads and writes (including drops) so far. */
    public long reads;
    public long writes;

    static long postingKey(int term, long ordinal) {
        return ((long) term << 32) ^ ordinal;
    }

    @Override
    public EventEntry archived(long position) {
        reads++;
        return archive.get(position);
    }

    @Override
    public void archive(EventEntry entry) {
        writes++;
        archive.put(entry.position(), entry);
    }

    @Override
    public void dropArchived(long position) {
        writes++;
        archive.remove(position);
    }

    /** True: nothing expires here, and the memory's writes only raise a frequency. */
    @Override
    public boolean frequenciesNeverDecrease() {
        return true;
    }

    @Override
    public long frequency(int term) {
        reads++;
        return frequencies.getOrDefault(term, 0L);
    }

    @Override
    public void setFrequency(int term, long frequency) {
        writes++;
        frequencies.put(term, frequency);
    }

    @Override
    public long posting(int term, long ordinal) {
        reads++;
        return postings.getOrDefault(postingKey(term, ordinal), -1L);
    }

    @Override
    public void addPosting(int term, long ordinal, long position) {
        writes++;
        postings.put(postingKey(term, ordinal), position);
    }

    @Override
    public void dropPosting(int term, long ordinal) {
        writes++;
        postings.remove(postingKey(term, ordinal));
    }

    @Override
    public float[] segment(long segment) {
        reads++;
        return segments.get(segment);
    }

    @Override
    public void addSegment(long segment, float[] summary) {
        writes++;
        segments.put(segment, summary);
    }

    @Override
    public void dropSegment(long segment) {
        writes++;
        segments.remove(segment);
    }

    @Override
    public EventEntry eidetic(int slot) {
        reads++;
        return eidetic.get(slot);
    }

    @Override
    public void setEidetic(int slot, EventEntry entry) {
        writes++;
        eidetic.put(slot, entry);
    }

    /** Archived events held. */
    public int archivedCount() {
        return archive.size();
    }

    /** Postings held. */
    public int postingCount() {
        return postings.size();
    }

    /** Terms with a frequency row. */
    public int termCount() {
        return frequencies.size();
    }

    /** Segment summaries held. */
    public int segmentCount() {
        return segments.size();
    }

    /** Iteration over the archive (for size accounting). */
    public Iterable<EventEntry> archivedEntries() {
        return archive.values();
    }
}
