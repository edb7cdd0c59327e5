package dev.keymem.jobs.context;

/** One past (non-query) event of a user as its event store keeps it. A Flink POJO. */
public class StoredEvent {
    public long position;
    public long offset;
    public String text;
    public String type;
    public String ts;
    public float[] vector;

    public StoredEvent() {
    }
}
