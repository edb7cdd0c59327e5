package dev.keymem.jobs.kafka;

import java.io.Serializable;

/**
 * Turns a raw {@link KafkaRecord} into a job's input, or rejects it with a reason.
 *
 * @param <T> what a valid record becomes
 */
@FunctionalInterface
public interface RecordParser<T> extends Serializable {
    /**
     * Parses one record.
     *
     * @throws InvalidRecordException when the record cannot be used; the message is the reason written
     *     to the dead-letter topic
     */
    T parse(KafkaRecord record) throws InvalidRecordException;
}
