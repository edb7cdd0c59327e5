package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.RecordLimits;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.text.TextFrontEnd;
import dev.keymem.operators.HotStateOperator;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The log summarization job: records (raw lines or JSON with a source) are parsed into
 * {@link LogLine}s (bad ones become dead letters), keyed by source, the pieces of long Kubernetes CRI lines
 * joined ({@link CriLineJoin}), and summarized by {@link LogSummaryFunction}. The result is one stream of {@link JobOutput}s: summaries keyed by source
 * and dead letters; {@link EmbeddedJobs} sends it to Kafka or to the client. A line's text is kept up to
 * {@link RecordLimits#maxTextBytes()} (longer ones are cut and marked); its tokens are cut to the front
 * end's limit for the memory; summaries are bounded to {@link RecordLimits#maxOutputBytes()}.
 */
public final class LogSummaryJob {
    /** Largest accepted line, bytes (the default {@link RecordLimits#maxRecordBytes()}). */
    public static final int MAX_LINE_BYTES = 64 * 1024;

    /** The uid of the keyed step (its state in checkpoints and savepoints). */
    public static final String KEYED_UID = "summarize";

    private LogSummaryJob() {
    }

    /** The parser of one record, with the default limits (see {@link #parser(String, RecordLimits)}). */
    public static RecordParser<LogLine> parser(String fixedSource) {
        return parser(fixedSource, RecordLimits.defaults());
    }

    /**
     * The parser of one record. A refused CRI piece (a piece of a Kubernetes container log line) carries a
     * stand-in, which the parse step ({@link EmbeddedJobs#parse}) sends on after its dead letter: a line whose
     * {@link LogLine#isStandIn()} is true, for {@link #keyedFunction}'s join; a caller that reads the parsed lines
     * without that step must drop it.
     */
    public static RecordParser<LogLine> parser(String fixedSource, RecordLimits limits) {
        return new Parser(new LogLineParser(fixedSource), limits);
    }

    // The functions below are classes (enums where they hold nothing) rather than lambdas: Flink serializes them
    // with the job, and the JVM (17) spins a serializable lambda's class at every start and again when the lambda
    // is deserialized, where a class comes from the class data archive.

    /** {@link #parser(String, RecordLimits)}. */
    private static final class Parser implements RecordParser<LogLine> {
        private static final long serialVersionUID = 1L;
        private final LogLineParser p;
        private final RecordLimits limits;

        Parser(LogLineParser p, RecordLimits limits) {
            this.p = p;
            this.limits = limits;
        }

        @Override
        public LogLine parse(KafkaRecord r) throws InvalidRecordException {
            LogLine l = p.parse(r.keyString(), r, limits.maxRecordBytes());
            if (l.cri == 0) { // a CRI piece's text is cut once joined (CriLineJoin)
                l.text = limits.capText(l.text);
            }
            l.topic = r.topic;
            l.partition = r.partition;
            return l;
        }
    }

    /** A line's coordinates ({@link LogLine#coordinates()}), for the guard's dead letters. */
    private enum Coordinates implements SerializableFunction<LogLine, String> {
        INSTANCE;

        @Override
        public String apply(LogLine l) {
            return l.coordinates();
        }
    }

    /** A run's source, the key of the keyed step. */
    private enum RunSource implements KeySelector<LogLineRun, String> {
        INSTANCE;

        @Override
        public String getKey(LogLineRun r) {
            return r.source();
        }
    }

    /** The keyed step of the job, guarded (see {@link GuardedKeyedFunction}), with the default limits. */
    public static KeyedProcessFunction<String, LogLine, JobOutput> keyedFunction(LogSummarySettings settings,
                                                                                TextFrontEnd frontEnd) {
        return keyedFunction(settings, frontEnd, RecordLimits.defaults());
    }

    static KeyedProcessFunction<String, LogLine, JobOutput> keyedFunction(LogSummarySettings settings,
                                                                         TextFrontEnd frontEnd, RecordLimits limits) {
        return guarded(join(new LogSummaryFunction(settings, frontEnd, limits.maxOutputBytes()), settings, limits),
                limits);
    }

    /** {@code f} after the join of CRI pieces ({@link CriLineJoin}), the owner of the hot-state cache. */
    private static CriLineJoin join(LogSummaryFunction f, LogSummarySettings settings, RecordLimits limits) {
        return new CriLineJoin(f, f, limits, settings.options().get(LogOptions.CRI_MAX_JOINED_BYTES),
                settings.options().get(LogOptions.CRI_JOIN));
    }

    /** The keyed step's operator: {@code function} guarded, its hot value states cached (see {@link HotStateOperator}). */
    static HotStateOperator<LogLine, JobOutput> operator(LogSummarySettings settings, TextFrontEnd frontEnd,
                                                          RecordLimits limits) {
        CriLineJoin f = join(new LogSummaryFunction(settings, frontEnd, limits.maxOutputBytes()), settings, limits);
        return new HotStateOperator<>(guarded(f, limits), f);
    }

    private static KeyedProcessFunction<String, LogLine, JobOutput> guarded(CriLineJoin f, RecordLimits limits) {
        return new GuardedKeyedFunction<>(f, Coordinates.INSTANCE,
                Map.of(SourceMemoryPiece.INSTANCE.name(), "source-memory", PendingLinePiece.INSTANCE.name(),
                        "pending-lines", "MinerState", "template-miner", "TemplateEntry", "template-ledger",
                        CriPartialsPiece.INSTANCE.name(), CriLineJoin.STATE),
                limits.maxOutputBytes());
    }

    /** Summaries and dead letters of {@code records}, with the default limits. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, String fixedSource,
                                              LogSummarySettings settings, TextFrontEnd frontEnd) {
        return build(records, fixedSource, settings, frontEnd, RecordLimits.defaults());
    }

    /** Summaries and dead letters of {@code records}. */
    public static DataStream<JobOutput> build(DataStream<KafkaRecord> records, String fixedSource,
                                              LogSummarySettings settings, TextFrontEnd frontEnd, RecordLimits limits) {
        Outputs o = buildParts(records, fixedSource, settings, frontEnd, limits);
        return o.summaries().union(o.parseDeadLetters());
    }

    /**
     * The job's two output streams: the keyed step's summaries and the parse step's dead letters, for sinks
     * chained to each (no exchange of the outputs).
     */
    public record Outputs(DataStream<JobOutput> summaries, DataStream<JobOutput> parseDeadLetters) {
    }

    /** {@link #build(DataStream, String, LogSummarySettings, TextFrontEnd, RecordLimits)} as its two output streams. */
    public static Outputs buildParts(DataStream<KafkaRecord> records, String fixedSource, LogSummarySettings settings,
                                     TextFrontEnd frontEnd, RecordLimits limits) {
        return buildParts(records, fixedSource, settings, frontEnd, limits, false);
    }

    /**
     * {@link #buildParts(DataStream, String, LogSummarySettings, TextFrontEnd, RecordLimits)}; with {@code runs},
     * a source's consecutive lines cross from the parse step to the keyed step as one record
     * ({@link LogLineRuns}: fewer records to exchange and, in a batch run, to sort; the same lines in the same
     * order per source, so the same summaries). For bounded runs (a batch file run); a streaming run keeps a line
     * a record (gathering would hold lines back until a run fills or a watermark or barrier passes).
     */
    public static Outputs buildParts(DataStream<KafkaRecord> records, String fixedSource, LogSummarySettings settings,
                                     TextFrontEnd frontEnd, RecordLimits limits, boolean runs) {
        if (runs) {
            // the parse step and the gathering in one operator (LogLineRuns.ParseGather: the same runs and dead
            // letters as EmbeddedJobs.parse followed by LogLineRuns.Gather), chained to the input
            SingleOutputStreamOperator<LogLineRun> gathered = records
                    .transform("parse", LogLineRun.TYPE, new LogLineRuns.ParseGather(parser(fixedSource, limits)))
                    .uid("parse").setParallelism(records.getParallelism());
            int maxValue = limits.deadLetterValueBytes();
            DataStream<JobOutput> dead = gathered.getSideOutput(KafkaIO.DEAD_LETTERS)
                    .map(new DeadLetterOutput(maxValue), EmbeddedJobs.OUTPUT)
                    .name("dead-letters").uid("dead-letters").setParallelism(records.getParallelism());
            CriLineJoin f = join(new LogSummaryFunction(settings, frontEnd, limits.maxOutputBytes()), settings,
                    limits);
            DataStream<JobOutput> summaries = gathered
                    .keyBy(RunSource.INSTANCE, Types.STRING)
                    .transform("summarize", EmbeddedJobs.OUTPUT,
                            new HotStateOperator<>(new LogLineRuns.Unpack(guarded(f, limits)), f))
                    .uid(KEYED_UID)
                    .name("summarize");
            return new Outputs(summaries, dead);
        }
        EmbeddedJobs.ParsedStream<LogLine> parsed = EmbeddedJobs.parse(records, parser(fixedSource, limits),
                LogLineSerializer.TYPE, limits);
        DataStream<JobOutput> summaries = parsed.valid()
                .keyBy(l -> l.source, Types.STRING)
                .transform("summarize", EmbeddedJobs.OUTPUT, operator(settings, frontEnd, limits))
                .uid(KEYED_UID)
                .name("summarize");
        return new Outputs(summaries, parsed.deadLetters());
    }
}
