package dev.keymem.jobs.logs;

import dev.keymem.operators.DeadLetter;
import dev.keymem.jobs.kafka.FileLines;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.KafkaRecordSerializer;
import dev.keymem.jobs.kafka.ParseOrDeadLetter;
import dev.keymem.jobs.kafka.RecordParser;
import dev.keymem.jobs.kafka.RecordLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What both jobs share: the embedded environment (a local MiniCluster bound to 127.0.0.1, RocksDB
 * state, checkpoints to a local directory), file input as records, the parse step with its dead
 * letters, Kafka wiring, and collecting a bounded run's outputs at the client.
 */
public final class EmbeddedJobs {
    private EmbeddedJobs() {
    }

    /**
     * JVM system properties named {@code keymem.flink.KEY} set Flink option KEY of embedded runs, over the
     * defaults (e.g. {@code -Dkeymem.flink.state.backend.rocksdb.compression.per.level=SNAPPY_COMPRESSION}
     * in MEMCTL_JAVA_OPTS).
     */
    public static final String FLINK_PROPERTY_PREFIX = "keymem.flink.";

    /** Type of the job outputs. */
    public static final TypeInformation<JobOutput> OUTPUT = JobOutputSerializer.TYPE;

    /** Restart attempts of an embedded run unless told otherwise (then the job fails with its cause). */
    public static final int DEFAULT_RESTART_ATTEMPTS = 3;

    /**
     * The configuration of an embedded run: every address on 127.0.0.1, RocksDB state backend (blocks not
     * compressed), generic (Kryo) types off, no object reuse (see the comment in the code), checkpoints every
     * {@code checkpointMillis} into {@code checkpoints} (retained when the job is cancelled or fails, so a run
     * can resume from them), the given parallelism, at most {@link #DEFAULT_RESTART_ATTEMPTS} restarts 1 s apart; then every
     * {@link #FLINK_PROPERTY_PREFIX} system property (which can override any of these).
     */
    public static Configuration config(Path checkpoints, long checkpointMillis, int parallelism) {
        return config(checkpoints, checkpointMillis, parallelism, DEFAULT_RESTART_ATTEMPTS, null);
    }

    /**
     * As {@link #config(Path, long, int)}, with {@code restartAttempts} restarts (fixed delay of 1 s; 0 = the
     * first failure fails the job) and, when {@code tmpDir} is not null, every temporary file of the embedded
     * cluster (io.tmp.dirs: the RPC system's jar, the minicluster_* working directories, RocksDB's local
     * directories, blobs; web.tmpdir: the REST endpoint's upload directory) under {@code tmpDir}.
     */
    public static Configuration config(Path checkpoints, long checkpointMillis, int parallelism, int restartAttempts,
                                       Path tmpDir) {
        Configuration c = new Configuration();
        for (String k : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
                "taskmanager.bind-host", "taskmanager.host", "jobmanager.rpc.address"}) {
            c.setString(k, "127.0.0.1");
        }
        c.setString("state.backend.type", "rocksdb");
        // RocksDB blocks uncompressed: the jobs read and write each key's state on every record, and
        // decompressing (Snappy, Flink's default) what they read cost about a sixth of the log job's CPU
        // time on the benchmark; the price is more local disk for the state and checkpoints.
        c.setString("state.backend.rocksdb.compression.per.level", "NO_COMPRESSION");
        // Every record and state type has a Flink serializer: a type that would fall back to Kryo fails the job.
        c.setString("pipeline.generic-types", "false");
        c.setString("execution.checkpointing.interval", checkpointMillis + " ms");
        c.setString("execution.checkpointing.storage", "filesystem");
        c.setString("execution.checkpointing.dir", checkpoints.toUri().toString());
        c.setString("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
        c.setString("restart-strategy.type", "fixed-delay");
        c.setString("restart-strategy.fixed-delay.attempts", String.valueOf(restartAttempts));
        c.setString("restart-strategy.fixed-delay.delay", "1 s");
        // An embedded cluster's TaskManager does not come back once it is lost (Flink's own collect sink
        // took it down when a failover cancelled it mid-start; CollectSink no longer does): a restart waits
        // at most this long for slots and then counts as a failed attempt, instead of the default 5 minutes.
        c.setString("slot.request.timeout", "30 s");
        if (tmpDir != null) {
            c.setString("io.tmp.dirs", tmpDir.toAbsolutePath().toString());
            c.setString("web.tmpdir", tmpDir.toAbsolutePath().toString());
        }
        // No compression of shuffled data (a BATCH file run's blocking shuffle compresses with LZ4 by default): the
        // exchanges stay inside this process, so it only costs CPU, and lz4-java unpacks its native library into
        // java.io.tmpdir, where a killed run leaves it behind.
        c.setString("taskmanager.network.compression.codec", "NONE");
        // No closure cleaning: the jobs' functions are static classes, lambdas and records that serialize as they
        // are (the job graph still serializes every one of them, so one that does not still fails at submission);
        // cleaning them (reflection over their fields and one more serialization each) was ~7% of a 20-line log
        // run's main thread.
        c.setString("pipeline.closure-cleaner-level", "NONE");
        // No object reuse (Flink's default, stated here): it would pass a record between chained operators as it
        // is instead of a serializer copy (the copies were ~10% of a log file run's source thread), and it is safe
        // for the jobs' functions (none keeps or changes an object it was handed, or changes one it emitted: the
        // audit is docs/design/object-reuse.md), but it gained nothing measurable on whole file runs of five
        // inputs and made loghub-events-long's context run ~7% slower (docs/benchmarks.md, "Object reuse").
        // -Dkeymem.flink.pipeline.object-reuse=true turns it on; a new function in these pipelines must keep to
        // the audit's rules before it is turned on by default.
        c.setString("pipeline.object-reuse", "false");
        c.setString("parallelism.default", String.valueOf(parallelism));
        c.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(FLINK_PROPERTY_PREFIX) && name.length() > FLINK_PROPERTY_PREFIX.length()) {
                c.setString(name.substring(FLINK_PROPERTY_PREFIX.length()), System.getProperty(name));
            }
        }
        return c;
    }

    /**
     * The lines of a file as records: topic = the file name, partition 0, offset = 0-based line number, the
     * value the line's raw bytes (without the line end: {@code \n} or {@code \r\n}; also a lone {@code \r} in
     * a file with classic Mac line ends).
     * Bytes are not decoded here: a line that is not valid UTF-8 becomes a dead letter naming its line in the
     * parse step, and the other lines go on. A last line without a line end counts; an empty file has no
     * records. Gzip files and files with a UTF-16/32 byte order mark are decoded first ({@link FileLines}).
     */
    public static List<KafkaRecord> fileRecords(Path file) throws IOException {
        return FileLines.read(file);
    }

    /**
     * A bounded stream over records held by the client (no records: a stream that ends at once; Flink's
     * collection source cannot be empty).
     */
    public static DataStream<KafkaRecord> fromRecords(StreamExecutionEnvironment env, List<KafkaRecord> records) {
        if (records.isEmpty()) {
            KafkaRecord none = new KafkaRecord("", 0, -1, -1, null, null);
            return env.fromData(List.of(none), KafkaRecordSerializer.TYPE).setParallelism(1).name("input")
                    .uid("input")
                    .filter(r -> false).setParallelism(1).name("no input");
        }
        return env.fromData(records, KafkaRecordSerializer.TYPE).setParallelism(1).name("input")
                .uid("input");
    }

    /** Records from Kafka topic {@code topic} (read_committed); bounded at the latest offsets when asked. */
    public static DataStream<KafkaRecord> fromKafka(StreamExecutionEnvironment env, KafkaConnection conn, String topic,
                                                    String group, boolean bounded) {
        return fromKafka(env, conn, topic, group, bounded, OffsetsInitializer.earliest());
    }

    /**
     * Records from Kafka topic {@code topic} (read_committed) starting at {@code start} when the job restores no
     * checkpoint (a restored job goes on from the checkpoint's offsets); bounded at the latest offsets when asked.
     */
    public static DataStream<KafkaRecord> fromKafka(StreamExecutionEnvironment env, KafkaConnection conn, String topic,
                                                    String group, boolean bounded, OffsetsInitializer start) {
        var source = bounded
                ? KafkaIO.boundedSource(conn, List.of(topic), group, start, OffsetsInitializer.latest())
                : KafkaIO.source(conn, List.of(topic), group, start);
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka:" + topic).uid("kafka-source");
    }

    /** Parses records; invalid ones become dead-letter outputs, with the default limits. */
    public static <T> ParsedStream<T> parse(DataStream<KafkaRecord> records, RecordParser<T> parser,
                                            TypeInformation<T> type) {
        return parse(records, parser, type, RecordLimits.defaults());
    }

    /**
     * Parses records; invalid ones become dead-letter outputs (JSON with reason and coordinates, carrying at
     * most {@link RecordLimits#deadLetterValueBytes()} of the value).
     */
    public static <T> ParsedStream<T> parse(DataStream<KafkaRecord> records, RecordParser<T> parser,
                                            TypeInformation<T> type, RecordLimits limits) {
        int maxValue = limits.deadLetterValueBytes();
        // Same parallelism as the input, so the parse step is chained to it and a source's (partition's)
        // order is kept up to the keyBy.
        SingleOutputStreamOperator<T> valid = records.process(new ParseOrDeadLetter<>(parser, type)).name("parse")
                .uid("parse").setParallelism(records.getParallelism());
        DataStream<JobOutput> dead = valid.getSideOutput(KafkaIO.DEAD_LETTERS)
                .map(new DeadLetterOutput(maxValue), OUTPUT).name("dead-letters")
                .uid("dead-letters").setParallelism(records.getParallelism());
        return new ParsedStream<>(valid, dead);
    }

    /**
     * The map of a dead letter to the jobs' output ({@link JobOutput#DEAD_LETTER}, keyed by the dead letter's key,
     * its JSON carrying at most {@code maxValueBytes} of the record's value), for jobs that route their own dead
     * letters: a class, not a lambda (see {@link DeadLetterOutput}).
     */
    @Internal
    public static MapFunction<DeadLetter, JobOutput> deadLetterOutput(int maxValueBytes) {
        return new DeadLetterOutput(maxValueBytes);
    }

    /**
     * Valid records and dead letters.
     *
     * @param valid the parsed records; a parser may send on a stand-in after a refused record's dead letter
     *              ({@code InvalidRecordException#withStandIn}): with {@link LogSummaryJob#parser}, a
     *              {@link LogLine} whose {@link LogLine#isStandIn()} is true, which a caller that does not feed
     *              {@link LogSummaryJob#keyedFunction} must drop
     * @param deadLetters the refused records, as the jobs' outputs
     */
    public record ParsedStream<T>(DataStream<T> valid, DataStream<JobOutput> deadLetters) {
    }

    /** Writes results to {@code topic} and dead letters to {@code dlqTopic}, both exactly once. */
    public static void toKafka(DataStream<JobOutput> outputs, KafkaConnection conn, String topic, String dlqTopic,
                               String transactionalIdPrefix) {
        outputs.filter(JobOutput::isResult).name("results")
                .sinkTo(KafkaIO.exactlyOnceSink(conn, topic, transactionalIdPrefix + "-out", o -> o.key, o -> o.json))
                .name("kafka:" + topic).uid("kafka-sink-out");
        outputs.filter(o -> !o.isResult()).name("dead")
                .sinkTo(KafkaIO.exactlyOnceSink(conn, dlqTopic, transactionalIdPrefix + "-dlq", o -> o.key,
                        o -> o.json))
                .name("kafka:" + dlqTopic).uid("kafka-sink-dlq");
    }

    /**
     * Runs a bounded job and hands each output to {@code sink} as it arrives at the client (Flink's collect
     * sink, made safe to cancel while it starts: {@link CollectSink}).
     */
    public static void collect(DataStream<JobOutput> outputs, String jobName, Consumer<JobOutput> sink)
            throws Exception {
        try (org.apache.flink.util.CloseableIterator<JobOutput> it = CollectSink.collectAsync(outputs)) {
            outputs.getExecutionEnvironment().executeAsync(jobName);
            while (it.hasNext()) {
                sink.accept(it.next());
            }
        }
    }

    /** The dead letter of a raw-text record (for messages). */
    static String describe(DeadLetter d) {
        return d.reason + " at " + d.topic + "-" + d.partition + "@" + d.offset;
    }
}
