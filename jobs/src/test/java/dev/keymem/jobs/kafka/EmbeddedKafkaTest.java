package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    @Test
    void keptLogDirSurvivesARestartAndTempDirIsDeleted(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().logDir(data).start()) {
            port = kafka.port();
            assertTrue(kafka.bootstrapServers().startsWith("127.0.0.1:"), kafka.bootstrapServers());
            kafka.createTopics(1, "t");
            kafka.createTopics(1, "t"); // existing topics are left alone
            KafkaTopics.produce(KafkaConnection.of(kafka.bootstrapServers()),
                    List.of(new ProducerRecord<>("t", null, "hello".getBytes(StandardCharsets.UTF_8))));
            KafkaConnection conn = KafkaConnection.of(kafka.bootstrapServers());
            assertEquals(java.util.Map.of("t", 1), KafkaTopics.awaitWritable(conn, List.of("t"), Duration.ofSeconds(30), true));
            // a job's missing topic fails at once, naming it, and is not created by the check
            KafkaTopics.MissingTopicException missing = assertThrows(KafkaTopics.MissingTopicException.class,
                    () -> KafkaTopics.awaitWritable(conn, List.of("t", "nope"), Duration.ofSeconds(30), true));
            assertEquals(java.util.Set.of("nope"), missing.topics());
            assertEquals("topic nope does not exist at " + kafka.bootstrapServers(), missing.getMessage());
            // a topic expected to appear (just created) is waited for, within the timeout
            IllegalStateException late = assertThrows(IllegalStateException.class,
                    () -> KafkaTopics.awaitWritable(conn, List.of("nope"), Duration.ofSeconds(1), false));
            assertTrue(late.getMessage().contains("not writable within PT1S (topics [nope] do not exist (yet)"),
                    late.getMessage());
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                assertFalse(admin.listTopics().names().get().contains("nope"), "the check created the topic");
            }
        }
        assertFalse(listening(port), "port closed after close()");
        try (EmbeddedKafka again = EmbeddedKafka.builder().logDir(data).port(port).start()) {
            List<ConsumerRecord<byte[], byte[]>> got = KafkaTopics.readToEnd(KafkaConnection.of(again.bootstrapServers()),
                    "t", true, Duration.ofSeconds(20));
            assertEquals(1, got.size());
            assertEquals("hello", new String(got.get(0).value(), StandardCharsets.UTF_8));
        }
        Path temp;
        try (EmbeddedKafka tmp = EmbeddedKafka.builder().feature("transaction.version", 1).start();
             Admin admin = Admin.create(tmp.clientProperties())) {
            temp = tmp.logDir();
            assertTrue(Files.exists(temp.resolve("meta.properties")));
            // formatted with the feature level asked for (a broker whose transactions behave like Kafka 3.x's)
            assertEquals(1, admin.describeFeatures().featureMetadata().get().finalizedFeatures()
                    .get("transaction.version").maxVersionLevel());
        }
        assertFalse(Files.exists(temp), "temporary log dir deleted");
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
