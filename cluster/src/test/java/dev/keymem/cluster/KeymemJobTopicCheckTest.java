package dev.keymem.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.EmbeddedKafka;
import java.nio.file.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KeymemJob}'s topic check at submission, against an in-process KRaft broker: a missing output topic
 * fails the submission naming it (before, the job was submitted and the broker created the topic on the
 * sink's first write, racing its first batches), and the job is defined once the topics exist.
 */
class KeymemJobTopicCheckTest {
    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().logDir(dir.resolve("kafka")).start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String define(String... args) throws Exception {
        Configuration c = new Configuration();
        c.setString("execution.checkpointing.interval", "1 s");
        return KeymemJob.define(StreamExecutionEnvironment.getExecutionEnvironment(c), args);
    }

    @Test
    void missingTopicsFailTheSubmissionAndExistingOnesPass() throws Exception {
        kafka.createTopics(1, "in-a", "dlq-a");
        String[] args = {"--job", "logs", "--kafka", kafka.bootstrapServers(), "--in-topic", "in-a", "--out-topic",
            "out-a", "--dlq-topic", "dlq-a"};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> define(args));
        assertTrue(e.getMessage().contains("topic out-a does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("--skip-topic-check"), e.getMessage());
        // the check only reads: the missing topic was not created by it
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertFalse(admin.listTopics().names().get().contains("out-a"));
        }

        kafka.createTopics(1, "out-a");
        assertEquals("keymem logs", define(args));
        assertEquals("keymem context", define("--job", "context", "--kafka", kafka.bootstrapServers(), "--in-topic",
                "in-a", "--out-topic", "out-a", "--dlq-topic", "dlq-a"));
    }

    @Test
    void aMissingInputTopicIsNamedToo() {
        kafka.createTopics(1, "out-b", "dlq-b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> define("--job", "context",
                "--kafka", kafka.bootstrapServers(), "--in-topic", "in-b", "--out-topic", "out-b", "--dlq-topic",
                "dlq-b"));
        assertTrue(e.getMessage().contains("topic in-b does not exist"), e.getMessage());
    }
}
