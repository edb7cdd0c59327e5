package dev.keymem.jobs.kafka;

import java.util.Objects;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses each record with a {@link RecordParser}; valid ones go on, invalid ones go to the
 * {@link KafkaIO#DEAD_LETTERS} side output with the parser's reason and the record's coordinates, followed
 * on the main output by the exception's stand-in where it carries one ({@link InvalidRecordException#standIn}).
 * A parser that throws anything else on a record ({@link RuntimeException}: a bug, not bad data, or a
 * {@link StackOverflowError}) dead-letters that record too, the exception in the reason
 * ({@link RecordParsers#failed}), rather than failing the job on it at every restart. A null result is dropped (a parser's way to skip, e.g., blank lines).
 *
 * @param <T> the parsed type
 */
public class ParseOrDeadLetter<T> extends ProcessFunction<KafkaRecord, T> implements ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;

    private final RecordParser<T> parser;
    private final TypeInformation<T> type;

    /** Parses with {@code parser}, producing elements of {@code type}. */
    public ParseOrDeadLetter(RecordParser<T> parser, TypeInformation<T> type) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public void processElement(KafkaRecord record, Context ctx, Collector<T> out) {
        T parsed;
        try {
            parsed = parser.parse(record);
        } catch (InvalidRecordException e) {
            ctx.output(KafkaIO.DEAD_LETTERS, record.deadLetter(e.getMessage()));
            parsed = standIn(e);
        } catch (RuntimeException | StackOverflowError e) {
            ctx.output(KafkaIO.DEAD_LETTERS, record.deadLetter(RecordParsers.failed(e)));
            parsed = null;
        }
        if (parsed != null) {
            out.collect(parsed);
        }
    }

    /** The stand-in of a refused record ({@link InvalidRecordException#standIn}), or null. */
    @SuppressWarnings("unchecked")
    static <T> T standIn(InvalidRecordException e) {
        return (T) e.standIn();
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }
}
