package dev.keymem.jobs.kafka;

/** Common {@link RecordParser}s. */
public final class RecordParsers {
    private RecordParsers() {
    }

    /**
     * Decodes the value as strict UTF-8 text. Rejects: a null value ("value is null (tombstone)"), a value
     * over {@code maxBytes} bytes ("value has N bytes, over the limit of M"), and bytes that are not valid
     * UTF-8 ("value is not valid UTF-8").
     */
    public static RecordParser<KeyedText> utf8Text(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, got " + maxBytes);
        }
        return record -> new KeyedText(record, decode(record, maxBytes));
    }

    /** The value of {@code record} as strict UTF-8, checked as {@link #utf8Text(int)} describes. */
    public static String decode(KafkaRecord record, int maxBytes) throws InvalidRecordException {
        if (record.value == null) {
            throw new InvalidRecordException("value is null (tombstone)");
        }
        if (record.value.length > maxBytes) {
            throw new InvalidRecordException("value has " + record.value.length + " bytes, over the limit of " + maxBytes);
        }
        String text = DeadLetter.strictUtf8(record.value);
        if (text == null) {
            throw new InvalidRecordException("value is not valid UTF-8");
        }
        return text;
    }
}
