package dev.keymem.jobs.kafka;

/**
 * A record's key and its value as text, with the record's coordinates kept for error reports.
 * A Flink POJO.
 */
public class KeyedText {
    /** Record key (UTF-8), or null. */
    public String key;
    /** Record value as text. */
    public String text;
    /** Source topic. */
    public String topic;
    /** Source partition. */
    public int partition;
    /** Source offset. */
    public long offset;

    /** For Flink's POJO serializer. */
    public KeyedText() {
    }

    /** A keyed text taken from {@code record}. */
    public KeyedText(KafkaRecord record, String text) {
        this.key = record.keyString();
        this.text = text;
        this.topic = record.topic;
        this.partition = record.partition;
        this.offset = record.offset;
    }

    @Override
    public String toString() {
        return "KeyedText{" + topic + "-" + partition + "@" + offset + ", key=" + key + ", text=" + text + "}";
    }
}
