package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordParsers;
import dev.keymem.jobs.serde.RecordRuns;
import java.util.Objects;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The log job's lines gathered into {@link LogLineRun}s before the exchange to the keyed step, and taken apart
 * again in the keyed step ({@link RecordRuns}), so that the exchange and, in a batch run, the keyed input's sort
 * (by key, then by record timestamp) handle a run of lines as one record. What the keyed function sees does not
 * change: each source's lines, one by one, in the order they came.
 *
 * <ul>
 *   <li>{@link Gather} (after the parse step, same parallelism, chained to it) keeps one open run per source and
 *       emits it, stamped with the timestamp of its first line, when it holds {@link #MAX_LINES} lines or
 *       {@link #MAX_CHARS} characters of text, when a line of the same source comes from another topic or
 *       partition, and all open runs (in the order they were opened) when they hold {@link #MAX_BUFFERED_BYTES}
 *       bytes of heap (as {@code LINE_BYTES} and {@code RUN_BYTES} count it) or {@link #MAX_BUFFERED_LINES}
 *       lines together, before a watermark or checkpoint barrier passes, and at the end of the input. A
 *       source's runs thus leave in the order of their lines, and their stamps (a batch file run stamps a line
 *       with its line number) grow with it: the sort keeps each source's lines in file order. The heap
 *       buffered is bounded by those limits ({@link #MAX_BUFFERED_BYTES}).</li>
 *   <li>{@link ParseGather} is the parse step and {@link Gather} in one operator over the records, what the job's
 *       file runs use: the same runs and dead letters as {@code ParseOrDeadLetter} followed by {@link Gather}
 *       (its reference; tests compare the two), without the line's copy between the two chained operators.</li>
 *   <li>{@link Unpack} is the keyed function over runs: it hands each line of a run to the per-line keyed
 *       function, with the run's context (key, timers, side outputs), and forwards everything else.</li>
 * </ul>
 */
public final class LogLineRuns {
    /** Most lines in one run. */
    public static final int MAX_LINES = 256;
    /** A run is emitted once its text reaches this many characters. */
    public static final int MAX_CHARS = 64 * 1024;
    /**
     * All open runs are emitted once they hold this many bytes of heap together, each line counted as its text's
     * characters plus {@code LINE_BYTES} (96) and each open run as its source's characters plus {@code RUN_BYTES}
     * (512). With many sources interleaved, a run holds about this budget's lines divided by the sources; every
     * run costs its own exchange record, sort entry and sort comparisons, so fewer, longer runs cost less per line (the
     * 100,000 lines of 10,000 sources of logs-10k, about 25M counted so, make 10,000 runs here, 28,499 at a 4M
     * characters' budget: docs/benchmarks.md, logflow2 and logflow3). The heap the gatherer holds is about this
     * for Latin-1 text on a JVM with compressed references (an estimate, not a measure): the line that crosses
     * it is held too (up to the record limit more), a CRI line's partial seams (a few small arrays) are not
     * counted, and a text outside Latin-1 holds two bytes a char, up to its characters more.
     */
    public static final long MAX_BUFFERED_BYTES = 32L * 1024 * 1024;
    /**
     * The heap a buffered line holds besides its text's characters, in bytes, rounded up: its text's String and
     * array headers and padding (47) and its share of the run's per-line arrays (offset, timestamp, text, three
     * flags: 23 bytes a slot, up to twice that while the arrays grow by doubling).
     */
    static final long LINE_BYTES = 96;
    /**
     * The heap an open run holds besides its lines and its source's characters, in bytes, rounded up: the run
     * (about 64), its six per-line arrays at their first capacity of 8 (96 of headers, 184 of slots), its
     * source's String (47), the gatherer's entry for it and the map's (about 100).
     */
    static final long RUN_BYTES = 512;
    /** All open runs are emitted once they hold this many lines together. */
    public static final int MAX_BUFFERED_LINES = 256 * 1024;

    private LogLineRuns() {
    }

    /** How lines make runs: per source, one topic and partition a run. */
    private static final class Lines implements RecordRuns.Shape<LogLine, LogLineRun> {
        private static final long serialVersionUID = 1L;

        @Override
        public String key(LogLine l) {
            return l.source;
        }

        @Override
        public LogLineRun open(LogLine first) {
            return new LogLineRun(first.source, first.topic, first.partition, 8);
        }

        @Override
        public long chars(LogLine l) {
            return l.text == null ? 0 : l.text.length();
        }

        @Override
        public long bytes(LogLine l) {
            return chars(l) + LINE_BYTES;
        }

        @Override
        public long openBytes(LogLine first) {
            return (first.source == null ? 0 : first.source.length()) + RUN_BYTES;
        }
    }

    /** Gathers lines into runs per source (see {@link LogLineRuns}). */
    public static final class Gather extends RecordRuns.Gather<LogLine, LogLineRun> {
        private static final long serialVersionUID = 1L;

        /**
         * With the default limits ({@link #MAX_LINES}, {@link #MAX_CHARS}, {@link #MAX_BUFFERED_BYTES},
         * {@link #MAX_BUFFERED_LINES}).
         */
        public Gather() {
            this(MAX_LINES, MAX_CHARS, MAX_BUFFERED_BYTES, MAX_BUFFERED_LINES);
        }

        /** With the given limits (each at least 1). */
        public Gather(int maxLines, long maxChars, long maxBufferedBytes, int maxBufferedLines) {
            super(new Lines(), maxLines, maxChars, maxBufferedBytes, maxBufferedLines);
        }
    }

    /**
     * The parse step and {@link Gather} in one operator, over the records: each record's line (parsed by
     * {@code parser}) joins its source's open run under {@link Gather}'s rules and limits, stamped as the record
     * is; a record the parser refuses ({@link InvalidRecordException}) goes to {@link KafkaIO#DEAD_LETTERS} as a
     * dead letter with its coordinates, as {@code ParseOrDeadLetter} sends it (then its stand-in line, where the
     * exception carries one, joins the run), and a null line is dropped. The same
     * runs in the same order and the same dead letters as the parse step followed by {@link Gather} (tests compare
     * the two), without the copy of each line that Flink makes between two chained operators.
     */
    public static final class ParseGather extends RecordRuns.Gatherer<KafkaRecord, LogLine, LogLineRun> {
        private static final long serialVersionUID = 1L;

        private final RecordParser<LogLine> parser;

        /** With the default limits (those of {@link Gather#Gather()}). */
        public ParseGather(RecordParser<LogLine> parser) {
            this(parser, MAX_LINES, MAX_CHARS, MAX_BUFFERED_BYTES, MAX_BUFFERED_LINES);
        }

        /** With the given limits (each at least 1). */
        public ParseGather(RecordParser<LogLine> parser, int maxLines, long maxChars, long maxBufferedBytes,
                           int maxBufferedLines) {
            super(new Lines(), maxLines, maxChars, maxBufferedBytes, maxBufferedLines);
            this.parser = Objects.requireNonNull(parser, "parser");
        }

        @Override
        public void processElement(StreamRecord<KafkaRecord> element) {
            KafkaRecord r = element.getValue();
            LogLine l;
            try {
                l = parser.parse(r);
            } catch (InvalidRecordException e) {
                // the dead letter, then the stand-in (a refused CRI piece's marker), as ParseOrDeadLetter sends them
                output.collect(KafkaIO.DEAD_LETTERS, element.replace(r.deadLetter(e.getMessage())));
                l = e.standIn() instanceof LogLine s ? s : null;
            } catch (RuntimeException | StackOverflowError e) { // as ParseOrDeadLetter: the record, not the job
                output.collect(KafkaIO.DEAD_LETTERS, element.replace(r.deadLetter(RecordParsers.failed(e))));
                l = null;
            }
            if (l != null) {
                gather(l, element);
            }
        }
    }

    /** The keyed function over runs: {@code inner} on each line of a run (see {@link LogLineRuns}). */
    public static final class Unpack extends RecordRuns.Unpack<LogLine, LogLineRun, JobOutput> {
        private static final long serialVersionUID = 1L;

        public Unpack(KeyedProcessFunction<String, LogLine, JobOutput> inner) {
            super(inner);
        }
    }
}
