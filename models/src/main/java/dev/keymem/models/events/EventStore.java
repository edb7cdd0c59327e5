package dev.keymem.models.events;

/**
 * Where one key's event memory keeps what is not in its hot {@link EventState}: the archive (one entry per
 * event, written once), the term statistics (document frequency per term), the postings (one per term and
 * ordinal, written once), the segment summaries (one per closed segment, written once) and the eidetic
 * tier's entries (one per slot). Reads of missing entries return null (or 0 for a frequency): an entry may
 * have been dropped by a cap or expired by a TTL. In the operators every method is a point access to a
 * Flink MapState; {@link InMemoryEventStore} is the heap form for tests and evaluations.
 */
public interface EventStore {

    EventEntry archived(long position);

    void archive(EventEntry entry);

    void dropArchived(long position);

    long frequency(int term);

    void setFrequency(int term, long frequency);

    /** The position of posting {@code ordinal} of {@code term}, or -1. */
    long posting(int term, long ordinal);

    void addPosting(int term, long ordinal, long position);

    void dropPosting(int term, long ordinal);

    float[] segment(long segment);

    void addSegment(long segment, float[] summary);

    void dropSegment(long segment);

    EventEntry eidetic(int slot);

    void setEidetic(int slot, EventEntry entry);

    /**
     * Whether every term frequency this store hands out is at least what it handed out for the term before,
     * for as long as it hands out entries that hold the term: the frequencies change only through the
     * memory's writes (which only raise them), no TTL expires their rows and nothing else lowers them. Where
     * so, a query may bound a candidate's informativeness from an earlier query's frequencies instead of
     * reading every term's again (the answer is the same either way). False unless a store says otherwise.
     */
    default boolean frequenciesNeverDecrease() {
        return false;
    }
}
