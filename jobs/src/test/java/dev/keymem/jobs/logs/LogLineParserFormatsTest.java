package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.kafka.InvalidRecordException;
import dev.keymem.jobs.kafka.KafkaRecord;
import dev.keymem.jobs.kafka.RecordParsers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * {@link LogLineParser} on JSON lines as the common structured loggers and log collectors write them (each line
 * written after the format's documentation): the text, source and time stamp it reads, by the tree and by the bytes
 * ({@link LogLineParser#parse(String, KafkaRecord, int)}) alike.
 */
class LogLineParserFormatsTest {
    private static final long RECORD_TS = 42;

    /** The line read both ways (the same), as {@code source|text|timestamp}. */
    private static String read(String line, String key) throws InvalidRecordException {
        LogLineParser p = new LogLineParser(null);
        LogLine l = p.parse(key, line, 0, RECORD_TS);
        KafkaRecord r = new KafkaRecord("t", 0, 0, RECORD_TS, null, line.getBytes(StandardCharsets.UTF_8));
        LogLine b = p.parse(key, r, 65536);
        assertEquals(l.source + "|" + l.text + "|" + l.timestamp, b.source + "|" + b.text + "|" + b.timestamp, line);
        LogLine d = p.parse(key, RecordParsers.decode(r, 65536), 0, RECORD_TS);
        assertEquals(l.text, d.text);
        return l.source + "|" + l.text + "|" + l.timestamp;
    }

    private static String expect(String source, String text, String iso) {
        return source + "|" + text + "|" + (iso == null ? RECORD_TS : Instant.parse(iso).toEpochMilli());
    }

    @Test
    void nodeLoggers() throws Exception {
        // pino: numeric level, epoch-millisecond time, msg; name set by the application
        assertEquals(expect("checkout", "request completed", "2026-01-15T08:00:00.123Z"), read("{\"level\":30,\"time\":"
                + "1768464000123,\"pid\":4211,\"hostname\":\"checkout-7d9f\",\"name\":\"checkout\",\"req\":{\"id\":1,"
                + "\"method\":\"GET\",\"url\":\"/cart/7\"},\"res\":{\"statusCode\":200},\"responseTime\":12,"
                + "\"msg\":\"request completed\"}", null));
        // pino without a name: the record key, else "default"
        assertEquals(expect("k", "started", "2026-01-15T08:00:00.123Z"),
                read("{\"level\":30,\"time\":1768464000123,\"pid\":1,\"hostname\":\"h\",\"msg\":\"started\"}", "k"));
        assertEquals(expect("default", "started", "2026-01-15T08:00:00.123Z"),
                read("{\"level\":30,\"time\":1768464000123,\"pid\":1,\"hostname\":\"h\",\"msg\":\"started\"}", null));
        // bunyan: ISO time, name required, v
        assertEquals(expect("myapp", "hi", "2026-01-15T08:00:00.500Z"), read("{\"name\":\"myapp\",\"hostname\":\"banana\","
                + "\"pid\":40161,\"level\":30,\"msg\":\"hi\",\"time\":\"2026-01-15T08:00:00.500Z\",\"v\":0}", null));
    }

    @Test
    void goLoggers() throws Exception {
        // zap production encoder: float seconds in ts
        assertEquals(expect("default", "failed to fetch URL", "2026-01-15T08:00:00.896Z"), read("{\"level\":\"info\","
                + "\"ts\":1768464000.8962479,\"caller\":\"zap/example.go:22\",\"msg\":\"failed to fetch URL\","
                + "\"url\":\"http://example.com\",\"attempt\":3,\"backoff\":1}", null));
        // zerolog: RFC 3339 time, or Unix seconds (zerolog.TimeFormatUnix)
        assertEquals(expect("default", "hello world", "2026-01-15T09:00:00Z"),
                read("{\"level\":\"debug\",\"time\":\"2026-01-15T10:00:00+01:00\",\"message\":\"hello world\"}", null));
        assertEquals(expect("default", "hello world", "2026-01-15T08:00:00Z"),
                read("{\"level\":\"debug\",\"time\":1768464000,\"message\":\"hello world\"}", null));
        // logrus JSONFormatter
        assertEquals(expect("default", "A group of walrus emerges from the ocean", "2026-01-15T08:00:00Z"),
                read("{\"animal\":\"walrus\",\"level\":\"info\",\"msg\":\"A group of walrus emerges from the ocean\","
                        + "\"size\":10,\"time\":\"2026-01-15T08:00:00Z\"}", null));
        // log/slog JSONHandler
        assertEquals(expect("default", "hello", "2026-01-15T08:00:00.123456789Z"),
                read("{\"time\":\"2026-01-15T08:00:00.123456789Z\",\"level\":\"INFO\",\"msg\":\"hello\",\"count\":3}", null));
    }

    @Test
    void collectors() throws Exception {
        // Docker json-file: the container's line in log, with its line break; no name in the line
        assertEquals(expect("default", "GET /healthz 200", "2026-01-15T08:00:00.123Z"),
                read("{\"log\":\"GET /healthz 200\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-15T08:00:00.123456789Z\"}",
                        null));
        assertEquals(expect("default", "a line\r", null), read("{\"log\":\"a line\\r\\r\\n\",\"stream\":\"stderr\"}", null));
        // journald JSON export: string fields, __REALTIME_TIMESTAMP in microseconds
        assertEquals(expect("sshd", "Accepted publickey for root from 10.0.0.7 port 52144 ssh2", "2026-01-15T08:00:00.123Z"),
                read("{\"__CURSOR\":\"s=739ad463348b4ceca5a9e69c95a3c93f;i=4ece7\",\"__REALTIME_TIMESTAMP\":"
                        + "\"1768464000123456\",\"__MONOTONIC_TIMESTAMP\":\"4185283425\",\"_BOOT_ID\":\"ad5c9f0f\","
                        + "\"PRIORITY\":\"6\",\"_UID\":\"0\",\"_COMM\":\"sshd\",\"_SYSTEMD_UNIT\":\"ssh.service\","
                        + "\"SYSLOG_IDENTIFIER\":\"sshd\",\"_PID\":\"1234\",\"MESSAGE\":\"Accepted publickey for root from "
                        + "10.0.0.7 port 52144 ssh2\",\"_HOSTNAME\":\"web-1\"}", null));
        assertEquals(expect("nginx.service", "worker process 77 exited", null),
                read("{\"_SYSTEMD_UNIT\":\"nginx.service\",\"MESSAGE\":\"worker process 77 exited\"}", null));
        // GELF 1.1: short_message, timestamp in seconds with a fraction
        assertEquals(expect("default", "Backtrace here", "2026-01-15T08:00:00.123Z"),
                read("{\"version\":\"1.1\",\"host\":\"example.org\",\"short_message\":\"Backtrace here\","
                        + "\"full_message\":\"Backtrace here\\n\\nmore stuff\",\"timestamp\":1768464000.123,\"level\":1,"
                        + "\"_user_id\":9001}", null));
    }

    @Test
    void elasticGoogleSerilogStructlog() throws Exception {
        // ECS (ecs-logging-java): dotted keys
        assertEquals(expect("billing", "Completed 200 OK", "2026-01-15T08:00:00.123Z"),
                read("{\"@timestamp\":\"2026-01-15T08:00:00.123Z\",\"log.level\":\"INFO\",\"message\":\"Completed 200 OK\","
                        + "\"ecs.version\":\"1.2.0\",\"service.name\":\"billing\",\"event.dataset\":\"billing.log\","
                        + "\"process.thread.name\":\"main\",\"log.logger\":\"com.acme.Billing\"}", null));
        // ECS nested, as logstash or filebeat write it
        assertEquals(expect("orders", "order created", "2026-01-15T08:00:00Z"),
                read("{\"@timestamp\":\"2026-01-15T08:00:00Z\",\"log\":{\"level\":\"info\",\"logger\":\"x\"},"
                        + "\"service\":{\"name\":\"orders\"},\"message\":\"order created\",\"@version\":\"1\"}", null));
        // logstash-logback-encoder: logger_name as the source
        assertEquals(expect("com.acme.Orders", "Order placed", "2026-01-15T08:00:00.123Z"),
                read("{\"@timestamp\":\"2026-01-15T08:00:00.123Z\",\"@version\":\"1\",\"message\":\"Order placed\","
                        + "\"logger_name\":\"com.acme.Orders\",\"thread_name\":\"main\",\"level\":\"INFO\","
                        + "\"level_value\":20000}", null));
        // Google Cloud Logging: textPayload, or jsonPayload.message
        assertEquals(expect("default", "Container started", "2026-01-15T08:00:00.520Z"),
                read("{\"insertId\":\"42\",\"textPayload\":\"Container started\",\"severity\":\"INFO\","
                        + "\"timestamp\":\"2026-01-15T08:00:00.52Z\",\"logName\":\"projects/p/logs/stdout\"}", null));
        assertEquals(expect("default", "cache warmed", "2026-01-15T08:00:00Z"),
                read("{\"jsonPayload\":{\"message\":\"cache warmed\",\"size\":3},\"severity\":\"INFO\","
                        + "\"timestamp\":\"2026-01-15T08:00:00Z\"}", null));
        // Serilog compact JSON: @m, else the template @mt
        assertEquals(expect("default", "Hello, \"nblumhardt\"", "2026-01-15T08:00:00.123Z"),
                read("{\"@t\":\"2026-01-15T08:00:00.1230000Z\",\"@mt\":\"Hello, {@User}\",\"@m\":\"Hello, \\\"nblumhardt\\\"\","
                        + "\"User\":{\"Name\":\"nblumhardt\"}}", null));
        assertEquals(expect("default", "Disk quota {Quota} exceeded", "2026-01-15T08:00:00Z"),
                read("{\"@t\":\"2026-01-15T08:00:00Z\",\"@l\":\"Warning\",\"@mt\":\"Disk quota {Quota} exceeded\","
                        + "\"Quota\":1024}", null));
        // structlog JSONRenderer: event
        assertEquals(expect("default", "user logged in", "2026-01-15T08:00:00Z"),
                read("{\"event\":\"user logged in\",\"user\":\"alice\",\"level\":\"info\",\"timestamp\":"
                        + "\"2026-01-15T08:00:00Z\"}", null));
    }

    @Test
    void openTelemetryRecords() throws Exception {
        // an OTLP JSON log record (a batch's record, as exporters write one a line): time in epoch nanoseconds as a
        // string of 19 digits, the body an AnyValue, the service as a resource attribute (flattened)
        assertEquals(expect("checkout", "order paid", "2026-01-15T08:00:00.123Z"), read("{\"timeUnixNano\":"
                + "\"1768464000123456789\",\"severityNumber\":9,\"severityText\":\"INFO\",\"body\":{\"stringValue\":"
                + "\"order paid\"},\"resource\":{\"service.name\":\"checkout\"}}", null));
        // the collector's snake case, time as a number of nanoseconds
        assertEquals(expect("api", "request served", "2026-01-15T08:00:00.123Z"), read("{\"time_unix_nano\":"
                + "1768464000123456789,\"severity_text\":\"INFO\",\"body\":\"request served\",\"resource\":"
                + "{\"service.name\":\"api\"}}", null));
        // ClickHouse's otel_logs columns
        assertEquals(expect("billing", "slow query", null), read("{\"Timestamp\":\"2026-01-15 08:00:00.123456789\","
                + "\"SeverityText\":\"WARN\",\"ServiceName\":\"billing\",\"Body\":\"slow query\"}", null));
        LogLineParser p = new LogLineParser(null);
        assertTrue(p.parse(null, "{\"severityNumber\":9,\"body\":{\"stringValue\":\"order paid\"}}", 0, 0).bare);
        // the filelog receiver's unparsed line: a whole line
        assertTrue(!p.parse(null, "{\"body\":\"2026-01-15 08:00:00 INFO api started\"}", 0, 0).bare);
    }

    @Test
    void keymemsOwnFieldsComeFirstAndKeepTheirMeaning() throws Exception {
        assertEquals(expect("a", "m", null), read("{\"source\":\"a\",\"message\":\"m\",\"msg\":\"x\",\"name\":\"n\"}", null));
        assertEquals("a|m|1700000000123", read("{\"source\":\"a\",\"message\":\"m\",\"timestamp\":1700000000123}", null));
        assertEquals("a|m|17", read("{\"source\":\"a\",\"message\":\"m\",\"ts\":17}", null)); // integers: milliseconds
        assertEquals(expect("fixed", "m", null), readFixed("{\"message\":\"m\"}"));
        assertEquals(expect("svc", "m", null), readFixed("{\"message\":\"m\",\"service\":\"svc\"}"));
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> new LogLineParser(null).parse(null, "{\"source\":\"a\",\"level\":\"info\"}", 0, -1));
        assertTrue(e.getMessage().startsWith("JSON log record has no text (no string in message, text, line, msg, log"),
                e.getMessage());
    }

    private static String readFixed(String line) throws InvalidRecordException {
        LogLine l = new LogLineParser("fixed").parse("key", line, 0, RECORD_TS);
        return l.source + "|" + l.text + "|" + l.timestamp;
    }

    @Test
    void epochTimesByTheirSize() {
        long ms = 1768464000123L;
        assertEquals(ms - 123, LogLineParser.epochMillis(ms / 1000));
        assertEquals(ms, LogLineParser.epochMillis(ms));
        assertEquals(ms, LogLineParser.epochMillis(ms * 1000 + 456));
        assertEquals(ms, LogLineParser.epochMillis(ms * 1_000_000 + 456_789));
        assertEquals(ms, LogLineParser.epochMillis(ms / 1000.0));
        assertEquals(ms, LogLineParser.epochMillis((double) ms));
        assertEquals(-1000, LogLineParser.epochMillis(-1));
    }

    /** A numeric time whose epoch milliseconds a long does not hold keeps the record's time, as a string's does. */
    @Test
    void aNumericTimeOutsideTheEpochMillisecondRangeKeepsTheRecordsTime() throws Exception {
        for (String t : new String[] {"1e300", "-1e300", "1e25", "-1e25"}) {
            assertEquals(expect("a", "m", null), read("{\"source\":\"a\",\"message\":\"m\",\"time\":" + t + "}", null),
                    t);
        }
        // the ends that are held: seconds, nanoseconds of the longs (Long.MIN_VALUE too), of doubles
        assertEquals("a|m|" + (Long.MIN_VALUE / 1_000_000),
                read("{\"source\":\"a\",\"message\":\"m\",\"time\":-9223372036854775808}", null));
        assertEquals("a|m|9200000000000000000", read("{\"source\":\"a\",\"message\":\"m\",\"time\":9.2e24}", null));
        assertEquals("a|m|9300000000000", read("{\"source\":\"a\",\"message\":\"m\",\"time\":9.3e18}", null));
        assertEquals("a|m|" + (-99_999_999_999L * 1000),
                read("{\"source\":\"a\",\"message\":\"m\",\"time\":-99999999999}", null));
        assertEquals("a|m|" + (Long.MAX_VALUE / 1_000_000),
                read("{\"source\":\"a\",\"message\":\"m\",\"time\":9223372036854775807}", null));
        assertEquals("a|m|" + (-Long.MAX_VALUE / 1_000_000),
                read("{\"source\":\"a\",\"message\":\"m\",\"time\":-9223372036854775807}", null));
    }
}
