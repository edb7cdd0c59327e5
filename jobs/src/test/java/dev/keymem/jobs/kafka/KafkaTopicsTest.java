package dev.keymem.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {

    @Test
    void producesWithOneRequestInFlightUnlessTheConnectionSaysOtherwise() {
        // several in flight let a timed-out first batch be rejected as out of order forever (KAFKA-14359)
        Properties p = KafkaTopics.producerProperties(KafkaConnection.of("127.0.0.1:1"));
        assertEquals("1", p.getProperty("max.in.flight.requests.per.connection"));
        assertEquals("true", p.getProperty("enable.idempotence"));
        assertEquals("all", p.getProperty("acks"));
        Properties own = KafkaTopics.producerProperties(KafkaConnection.of("127.0.0.1:1",
                Map.of("max.in.flight.requests.per.connection", "5", "delivery.timeout.ms", "1000")));
        assertEquals("5", own.getProperty("max.in.flight.requests.per.connection"));
        assertEquals("1000", own.getProperty("delivery.timeout.ms"));
    }

    @Test
    void aSendThatIsNeverAcknowledgedFailsNamingWhatWasNot() {
        int port = EmbeddedKafka.freePort("127.0.0.1"); // nothing listens there
        KafkaConnection conn = KafkaConnection.of("127.0.0.1:" + port, Map.of("max.block.ms", "300",
                "request.timeout.ms", "300", "delivery.timeout.ms", "1000"));
        byte[] v = "x".getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaTopics.produce(conn,
                List.of(new ProducerRecord<>("a", null, v), new ProducerRecord<>("a", null, v),
                        new ProducerRecord<>("b", null, v))));
        assertTrue(System.nanoTime() - t0 < 60_000_000_000L, "bounded");
        assertTrue(e.getMessage().contains("3 of 3 records not acknowledged; topic 'a': 2, indexes 0..1; "
                + "topic 'b': 1, indexes 2..2"), e.getMessage());
    }

    @Test
    void sinksKeepOneRequestInFlightUnlessTheConnectionSaysOtherwise() {
        // several in flight let a first batch to a just-created partition be overtaken and then rejected as
        // out of order until the delivery timeout (KAFKA-15591, NewPartitionReorderIT)
        Properties p = KafkaIO.sinkProducerProperties(KafkaConnection.of("127.0.0.1:1"));
        assertEquals("1", p.getProperty("max.in.flight.requests.per.connection"));
        assertEquals(String.valueOf(KafkaIO.DEFAULT_TRANSACTION_TIMEOUT.toMillis()), p.getProperty("transaction.timeout.ms"));
        Properties own = KafkaIO.sinkProducerProperties(KafkaConnection.of("127.0.0.1:1",
                Map.of("max.in.flight.requests.per.connection", "5", "security.protocol", "PLAINTEXT")));
        assertEquals("5", own.getProperty("max.in.flight.requests.per.connection"));
        assertEquals("PLAINTEXT", own.getProperty("security.protocol"));
    }

    @Test
    void checkingTopicsAtAnAddressNothingListensOnFailsWithinTheTimeout() {
        int port = EmbeddedKafka.freePort("127.0.0.1"); // nothing listens there
        long t0 = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaTopics.awaitWritable(
                KafkaConnection.of("127.0.0.1:" + port), List.of("out", "dlq"), java.time.Duration.ofSeconds(2), true));
        assertTrue(System.nanoTime() - t0 < 30_000_000_000L, "bounded: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertTrue(e.getMessage().startsWith("topics [out, dlq] at 127.0.0.1:" + port + " not writable within PT2S ("),
                e.getMessage());
    }
}
