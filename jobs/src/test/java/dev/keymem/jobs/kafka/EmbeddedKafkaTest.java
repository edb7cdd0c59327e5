package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

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
        }
        assertFalse(listening(port), "port closed after close()");
        try (EmbeddedKafka again = EmbeddedKafka.builder().logDir(data).port(port).start()) {
            List<ConsumerRecord<byte[], byte[]>> got = KafkaTopics.readToEnd(KafkaConnection.of(again.bootstrapServers()),
                    "t", true, Duration.ofSeconds(20));
            assertEquals(1, got.size());
            assertEquals("hello", new String(got.get(0).value(), StandardCharsets.UTF_8));
        }
        Path temp;
        try (EmbeddedKafka tmp = EmbeddedKafka.builder().start()) {
            temp = tmp.logDir();
            assertTrue(Files.exists(temp.resolve("meta.properties")));
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
