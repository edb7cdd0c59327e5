package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real in-process KRaft broker and a MiniCluster, both on 127.0.0.1: records flow through a
 * KafkaSource, a parse step that sends bad records to the dead-letter side output, and exactly-once
 * sinks. The job fails once after its first completed checkpoint and restarts from it, so records
 * after that checkpoint are processed twice; a read_committed consumer must still see every expected
 * output exactly once, and each poison record once in the dead-letter topic with reason and coordinates.
 */
class KafkaExactlyOnceIT {

    static final String IN = "it-in";
    static final String OUT = "it-out";
    static final String DLQ = "it-dlq";
    static final int VALID = 240;
    static final int MAX_BYTES = 64;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(loopback())
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    static EmbeddedKafka kafka;

    static Configuration loopback() {
        Configuration c = new Configuration();
        for (String k : new String[] {"rest.bind-address", "rest.address", "jobmanager.bind-host",
                "taskmanager.bind-host", "taskmanager.host"}) {
            c.setString(k, "127.0.0.1");
        }
        return c;
    }

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.builder().start();
        kafka.createTopics(2, IN);
        kafka.createTopics(1, OUT, DLQ);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** "event <n>" with n a number; anything else (or a value over MAX_BYTES, or bad UTF-8) is rejected. */
    static final Pattern EVENT = Pattern.compile("event (\\d+)");

    static String parse(KafkaRecord r) throws InvalidRecordException {
        String text = RecordParsers.decode(r, MAX_BYTES);
        Matcher m = EVENT.matcher(text);
        if (!m.matches()) {
            throw new InvalidRecordException("not an event: '" + text + "'");
        }
        return r.keyString() + "|done " + m.group(1);
    }

    @Test
    void exactlyOnceOutputsAndDeadLettersAcrossARestart(@TempDir Path dir) throws Exception {
        KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<Integer, String> poison = new TreeMap<>(); // index in records -> expected reason prefix
        for (int n = 0; n < VALID; n++) {
            records.add(new ProducerRecord<>(IN, n % 2, bytes("user-" + (n % 7)), bytes("event " + n)));
            if (n == 50) {
                poison.put(records.size(), "value is not valid UTF-8");
                records.add(new ProducerRecord<>(IN, 0, bytes("user-x"), new byte[] {'e', (byte) 0xff, (byte) 0xfe}));
            } else if (n == 120) {
                poison.put(records.size(), "not an event: 'hello {json'");
                records.add(new ProducerRecord<>(IN, 1, bytes("user-y"), bytes("hello {json")));
            } else if (n == 200) {
                poison.put(records.size(), "value has 100 bytes, over the limit of " + MAX_BYTES);
                records.add(new ProducerRecord<>(IN, 0, null, bytes("x".repeat(100))));
            }
        }
        List<RecordMetadata> meta = KafkaTopics.produce(conn, records);

        FailOnceAfterCheckpoint.ARMED.set(true);
        FailOnceAfterCheckpoint.FAILED.set(false);
        Configuration conf = new Configuration();
        conf.setString("execution.checkpointing.interval", "100 ms");
        conf.setString("execution.checkpointing.storage", "filesystem");
        conf.setString("execution.checkpointing.dir", dir.resolve("chk").toUri().toString());
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", "3");
        conf.setString("restart-strategy.fixed-delay.delay", "100 ms");
        conf.setString("pipeline.generic-types", "false");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        SingleOutputStreamOperator<String> valid = env
                .fromSource(KafkaIO.boundedSource(conn, List.of(IN), "it-group", OffsetsInitializer.earliest(),
                        OffsetsInitializer.latest()), WatermarkStrategy.noWatermarks(), "in")
                .map(new FailOnceAfterCheckpoint())
                .process(new ParseOrDeadLetter<>(KafkaExactlyOnceIT::parse, Types.STRING));
        valid.sinkTo(KafkaIO.exactlyOnceSink(conn, OUT, "it-out-tx", s -> s.substring(0, s.indexOf('|')),
                s -> s.substring(s.indexOf('|') + 1)));
        valid.getSideOutput(KafkaIO.DEAD_LETTERS).sinkTo(KafkaIO.deadLetterSink(conn, DLQ, "it-dlq-tx"));
        long t0 = System.nanoTime();
        env.execute("kafka-exactly-once-it");
        System.out.printf("job took %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the job was meant to fail once after a checkpoint");

        // Outputs: each "done n" exactly once, under the right key.
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, OUT, true, Duration.ofSeconds(30))) {
            String v = new String(r.value(), StandardCharsets.UTF_8);
            int n = Integer.parseInt(v.substring("done ".length()));
            assertEquals("user-" + (n % 7), new String(r.key(), StandardCharsets.UTF_8), "key of " + v);
            seen.merge(v, 1, Integer::sum);
        }
        assertEquals(VALID, seen.size(), "distinct outputs");
        for (int n = 0; n < VALID; n++) {
            assertEquals(1, seen.getOrDefault("done " + n, 0), "copies of 'done " + n + "' seen by read_committed");
        }
        // A read_uncommitted reader sees the aborted duplicates too: proof the restart replayed records.
        int uncommitted = KafkaTopics.readToEnd(conn, OUT, false, Duration.ofSeconds(30)).size();
        System.out.println("read_uncommitted sees " + uncommitted + " output records, read_committed " + VALID);

        // Dead letters: each poison record once, with reason and coordinates.
        KafkaTestSupport.assertDeadLetters(conn, DLQ, IN, records, meta, poison);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Passes records on (slowly); throws once, on the first record after a completed checkpoint. */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<KafkaRecord, KafkaRecord>
            implements CheckpointListener {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private volatile boolean checkpointed;

        @Override
        public KafkaRecord map(KafkaRecord r) throws Exception {
            Thread.sleep(8);
            if (checkpointed && ARMED.compareAndSet(true, false)) {
                FAILED.set(true);
                throw new RuntimeException("injected failure after a checkpoint, at " + r.coordinates());
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }
}
