package dev.keymem.jobs.kafka;

/**
 * A record's text after the text front end: key, raw text, masked template and token ids, with the
 * record's coordinates kept for error reports. A Flink POJO.
 */
public class TokenizedLine {
    /** Record key (UTF-8), or null. */
    public String key;
    /** The raw text. */
    public String text;
    /** The masked line (the text itself when masking is off). */
    public String template;
    /** Token ids of the template. */
    public int[] tokenIds;
    /** Source topic. */
    public String topic;
    /** Source partition. */
    public int partition;
    /** Source offset. */
    public long offset;

    /** For Flink's POJO serializer. */
    public TokenizedLine() {
    }

    /** A line read from {@code record}. */
    public TokenizedLine(KafkaRecord record, String text, String template, int[] tokenIds) {
        this.key = record.keyString();
        this.text = text;
        this.template = template;
        this.tokenIds = tokenIds;
        this.topic = record.topic;
        this.partition = record.partition;
        this.offset = record.offset;
    }

    @Override
    public String toString() {
        return "TokenizedLine{" + topic + "-" + partition + "@" + offset + ", key=" + key + ", template=" + template
                + ", " + (tokenIds == null ? 0 : tokenIds.length) + " tokens}";
    }
}
