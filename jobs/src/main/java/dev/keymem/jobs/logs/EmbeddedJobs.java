package dev.keymem.jobs.logs;

import dev.keymem.jobs.kafka.DeadLetter;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaIO;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.ParseOrDeadLetter;
import dev.keymem.jobs.kafka.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
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
    public static final TypeInformation<JobOutput> OUTPUT = TypeInformation.of(JobOutput.class);

    /**
     * The configuration of an embedded run: every address on 127.0.0.1, RocksDB state backend (blocks not
     * compressed), generic (Kryo) types off, checkpoints every {@code checkpointMillis} into
     * {@code checkpoints}, the given parallelism; then every {@link #FLINK_PROPERTY_PREFIX} system property
     * (which can override any of these).
     */
    public static Configuration config(Path checkpoints, long checkpointMillis, int parallelism) {
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
        c.setString("parallelism.default", String.valueOf(parallelism));
        c.setString("taskmanager.numberOfTaskSlots", String.valueOf(parallelism));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith(FLINK_PROPERTY_PREFIX) && name.length() > FLINK_PROPERTY_PREFIX.length()) {
                c.setString(name.substring(FLINK_PROPERTY_PREFIX.length()), System.getProperty(name));
            }
        }
        return c;
    }

    /** The lines of a file as records: topic = the file name, partition 0, offset = 0-based line number. */
    public static List<KafkaRecord> fileRecords(Path file) throws IOException {
        List<KafkaRecord> out = new ArrayList<>();
        String name = file.getFileName().toString();
        long n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(new KafkaRecord(name, 0, n++, -1, null, line.getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** A bounded stream over records held by the client. */
    public static DataStream<KafkaRecord> fromRecords(StreamExecutionEnvironment env, List<KafkaRecord> records) {
        return env.fromData(records, TypeInformation.of(KafkaRecord.class)).setParallelism(1).name("input");
    }

    /** Records from Kafka topic {@code topic} (read_committed); bounded at the latest offsets when asked. */
    public static DataStream<KafkaRecord> fromKafka(StreamExecutionEnvironment env, KafkaConnection conn, String topic,
                                                    String group, boolean bounded) {
        var source = bounded
                ? KafkaIO.boundedSource(conn, List.of(topic), group, OffsetsInitializer.earliest(),
                        OffsetsInitializer.latest())
                : KafkaIO.source(conn, List.of(topic), group, OffsetsInitializer.earliest());
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka:" + topic);
    }

    /** Parses records; invalid ones become dead-letter outputs (JSON with reason and coordinates). */
    public static <T> ParsedStream<T> parse(DataStream<KafkaRecord> records, RecordParser<T> parser,
                                            TypeInformation<T> type) {
        // Same parallelism as the input, so the parse step is chained to it and a source's (partition's)
        // order is kept up to the keyBy.
        SingleOutputStreamOperator<T> valid = records.process(new ParseOrDeadLetter<>(parser, type)).name("parse")
                .setParallelism(records.getParallelism());
        DataStream<JobOutput> dead = valid.getSideOutput(KafkaIO.DEAD_LETTERS)
                .map(d -> new JobOutput(JobOutput.DEAD_LETTER, d.key, d.toJson()), OUTPUT).name("dead-letters")
                .setParallelism(records.getParallelism());
        return new ParsedStream<>(valid, dead);
    }

    /** Valid records and dead letters. */
    public record ParsedStream<T>(DataStream<T> valid, DataStream<JobOutput> deadLetters) {
    }

    /** Writes results to {@code topic} and dead letters to {@code dlqTopic}, both exactly once. */
    public static void toKafka(DataStream<JobOutput> outputs, KafkaConnection conn, String topic, String dlqTopic,
                               String transactionalIdPrefix) {
        outputs.filter(JobOutput::isResult).name("results")
                .sinkTo(KafkaIO.exactlyOnceSink(conn, topic, transactionalIdPrefix + "-out", o -> o.key, o -> o.json))
                .name("kafka:" + topic);
        outputs.filter(o -> !o.isResult()).name("dead")
                .sinkTo(KafkaIO.exactlyOnceSink(conn, dlqTopic, transactionalIdPrefix + "-dlq", o -> o.key,
                        o -> o.json))
                .name("kafka:" + dlqTopic);
    }

    /** Runs a bounded job and hands each output to {@code sink} as it arrives at the client. */
    public static void collect(DataStream<JobOutput> outputs, String jobName, Consumer<JobOutput> sink)
            throws Exception {
        try (org.apache.flink.util.CloseableIterator<JobOutput> it = outputs.executeAndCollect(jobName)) {
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
