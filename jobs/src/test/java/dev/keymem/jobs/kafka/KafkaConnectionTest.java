package dev.keymem.jobs.kafka;

import dev.keymem.operators.DeadLetter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class KafkaConnectionTest {

    @Test
    void kafkaOptionsPassThroughUnchanged() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p=1;\";";
        KafkaConnection c = KafkaConnection.fromOptions(Map.of(
                "kafka.bootstrap.servers", "b1:9093,b2:9093",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "PLAIN",
                "kafka.sasl.jaas.config", jaas,
                "kafka.ssl.truststore.location", "/etc/kafka/truststore.jks",
                "keymem.cell", "gated_delta",
                "kafka.", "ignored-empty-name"));
        assertEquals("b1:9093,b2:9093", c.bootstrapServers());
        Properties p = c.clientProperties();
        assertEquals(4, p.size(), p.toString());
        assertEquals("SASL_SSL", p.getProperty("security.protocol"));
        assertEquals("PLAIN", p.getProperty("sasl.mechanism"));
        assertEquals(jaas, p.getProperty("sasl.jaas.config"));
        assertEquals("/etc/kafka/truststore.jks", p.getProperty("ssl.truststore.location"));
        assertEquals("b1:9093,b2:9093", c.allProperties().getProperty("bootstrap.servers"));
        assertFalse(c.toString().contains("password"), "no secrets in toString: " + c);
    }

    @Test
    void bootstrapIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.fromOptions(Map.of("kafka.security.protocol", "SSL")));
        assertTrue(e.getMessage().contains("kafka.bootstrap.servers"), e.getMessage());
    }

    @Test
    void transactionTimeoutIsCheckedAgainstTheBrokerMaximum() {
        assertEquals(KafkaIO.DEFAULT_TRANSACTION_TIMEOUT, KafkaIO.transactionTimeout(KafkaConnection.of("h:1")));
        assertEquals(Duration.ofMinutes(15), KafkaIO.transactionTimeout(KafkaConnection.of("h:1",
                Map.of("transaction.timeout.ms", "900000"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaIO.transactionTimeout(
                KafkaConnection.of("h:1", Map.of("transaction.timeout.ms", "3600000"))));
        assertTrue(e.getMessage().contains("3600000") && e.getMessage().contains("900000"), e.getMessage());
        assertEquals(Duration.ofHours(1), KafkaIO.transactionTimeout(KafkaConnection.of("h:1",
                Map.of("transaction.timeout.ms", "3600000", "keymem.broker.transaction.max.timeout.ms", "3600000"))));
        assertThrows(IllegalArgumentException.class, () -> KafkaIO.transactionTimeout(
                KafkaConnection.of("h:1", Map.of("transaction.timeout.ms", "soon"))));
    }

    @Test
    void deadLetterJsonRoundTrips() {
        KafkaRecord text = new KafkaRecord("logs", 3, 42, 1700000000000L, "svc".getBytes(StandardCharsets.UTF_8),
                "bad \"line\" ü".getBytes(StandardCharsets.UTF_8));
        DeadLetter d = DeadLetter.fromJson(text.deadLetter("not an event").toJson());
        assertEquals("not an event", d.reason);
        assertEquals("logs", d.topic);
        assertEquals(3, d.partition);
        assertEquals(42, d.offset);
        assertEquals("svc", d.key);
        assertEquals(1700000000000L, d.timestamp);
        assertEquals("bad \"line\" ü", d.valueText());
        assertTrue(text.deadLetter("r").toJson().contains("\"value\":\"bad \\\"line\\\" ü\""));

        byte[] binary = {0, (byte) 0xff, 7};
        String json = new KafkaRecord("t", 0, 1, 0, null, binary).deadLetter("value is not valid UTF-8").toJson();
        assertTrue(json.contains("\"valueBase64\":\"AP8H\""), json);
        DeadLetter b = DeadLetter.fromJson(json);
        assertArrayEquals(binary, b.value);
        assertNull(b.key);
        assertNull(b.valueText());

        assertNull(DeadLetter.fromJson(new KafkaRecord("t", 0, 1, 0, null, null).deadLetter("tombstone").toJson()).value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeadLetter.fromJson("{\"x\":1}"));
        assertTrue(e.getMessage().contains("{\"x\":1}"), e.getMessage());
    }

    @Test
    void utf8ParserReasons() throws Exception {
        RecordParser<KeyedText> p = RecordParsers.utf8Text(5);
        assertEquals("hello", p.parse(rec("hello".getBytes(StandardCharsets.UTF_8))).text);
        assertEquals("value has 6 bytes, over the limit of 5",
                assertThrows(InvalidRecordException.class, () -> p.parse(rec("hello!".getBytes(StandardCharsets.UTF_8)))).getMessage());
        assertEquals("value is not valid UTF-8",
                assertThrows(InvalidRecordException.class, () -> p.parse(rec(new byte[] {(byte) 0xc3}))).getMessage());
        assertEquals("value is null (tombstone)",
                assertThrows(InvalidRecordException.class, () -> p.parse(rec(null))).getMessage());
    }

    @Test
    void tokenizedLineParser() throws Exception {
        dev.keymem.jobs.text.TextFrontEnd fe = dev.keymem.jobs.text.TextFrontEnd.builder().maxTokensPerLine(20).build();
        RecordParser<TokenizedLine> p = RecordParsers.tokenizedLine(fe, 200);
        KafkaRecord r = new KafkaRecord("logs", 1, 9, 0, "db".getBytes(StandardCharsets.UTF_8),
                "ERROR db[991]: pool exhausted waiting=12".getBytes(StandardCharsets.UTF_8));
        TokenizedLine t = p.parse(r);
        assertEquals("db", t.key);
        assertEquals("ERROR db[<NUM>]: pool exhausted waiting=<NUM>", t.template);
        assertArrayEquals(fe.tokenIds(t.text), t.tokenIds);
        assertEquals("logs", t.topic);
        assertEquals(1, t.partition);
        assertEquals(9, t.offset);
        assertEquals("value is blank", assertThrows(InvalidRecordException.class, () -> p.parse(rec(" \t ".getBytes(StandardCharsets.UTF_8)))).getMessage());
        String tooLong = assertThrows(InvalidRecordException.class, () -> p.parse(rec(
                "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone".getBytes(StandardCharsets.UTF_8)))).getMessage();
        assertTrue(tooLong.startsWith("text has more than 20 tokens"), tooLong);
    }

    static KafkaRecord rec(byte[] value) {
        return new KafkaRecord("t", 0, 0, 0, null, value);
    }
}
