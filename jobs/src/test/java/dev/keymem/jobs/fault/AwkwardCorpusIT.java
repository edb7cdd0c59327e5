package dev.keymem.jobs.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keymem.jobs.cli.Memctl;
import dev.keymem.jobs.kafka.EmbeddedKafka;
import dev.keymem.jobs.kafka.KafkaConnection;
import dev.keymem.jobs.kafka.KafkaTopics;
import dev.keymem.jobs.kafka.RecordLimits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of realistic awkward inputs (stack traces, very long lines, wrong JSON types, binary, invalid
 * UTF-8, blank lines, CRLF, control characters, empty files) through both jobs, in file mode and in Kafka
 * mode (in-process broker), through the command line. Every run must end by itself with exit 0, every
 * good line accounted for (summarized once / a query answered once), every bad one a dead letter at its
 * coordinates with its reason, and every output within its size limit. Counts are printed.
 */
class AwkwardCorpusIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedKafka kafka;
    static KafkaConnection conn;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().start();
        conn = KafkaConnection.of(kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** One input line: its bytes and, for a bad one, the dead-letter reason expected (a prefix). */
    record Line(byte[] bytes, String reason) {
        static Line good(String s) {
            return new Line(s.getBytes(StandardCharsets.UTF_8), null);
        }

        static Line bad(String s, String reason) {
            return new Line(s.getBytes(StandardCharsets.UTF_8), reason);
        }
    }

    static String stackTrace() {
        StringBuilder sb = new StringBuilder("java.lang.NullPointerException: Cannot invoke \"String.length()\"\n");
        for (int i = 0; i < 120; i++) {
            sb.append("\tat org.example.billing.Invoice").append(i).append(".total(Invoice").append(i)
                    .append(".java:").append(40 + i).append(")\n");
        }
        return sb.append("Caused by: java.io.IOException: disk full\n\t... 118 more").toString();
    }

    static String repeat(String s, int bytes) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < bytes) {
            sb.append(s);
        }
        return sb.toString();
    }

    static byte[] binary(Random rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            byte x;
            do {
                x = (byte) rnd.nextInt(256);
            } while (x == '\n');
            b[i] = x;
        }
        b[0] = (byte) 0xFF; // never valid UTF-8
        return b;
    }

    static List<Line> logCorpus() {
        Random rnd = new Random(2026);
        List<Line> c = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            c.add(Line.good("2026-01-15T08:00:" + (10 + i) + ".000Z INFO api[7]: GET /v1/items/" + i + " 200 " + i + "ms"));
        }
        c.add(Line.good(JSON.createObjectNode().put("source", "billing").put("message", stackTrace()).toString()));
        c.add(Line.good("2026-01-15T08:01:00.000Z ERROR api[7]: " + stackTrace().replace('\n', ' ')));
        c.add(Line.good("2026-01-15T08:01:01.000Z WARN api[7]: payload " + repeat("QUJDREVGR0g= ", 40_000)));
        c.add(Line.good(repeat("a ", 700))); // 700 tokens in 1.4 KB
        c.add(Line.bad("2026-01-15T08:01:02.000Z WARN api[7]: " + repeat("x", 200_000), "value has "));
        c.add(Line.good("{\"source\": 5, \"message\": \"numeric source\"}")); // no string source: "default"
        c.add(Line.bad("{\"source\": \"api\", \"message\": {\"nested\": true}}", "JSON log record has no text"));
        c.add(Line.bad("{\"source\": \"api\", \"message\": [\"a\", \"b\"]}", "JSON log record has no text"));
        c.add(Line.bad("{\"source\": null, \"message\": null}", "JSON log record has no text"));
        c.add(Line.good("{\"source\": \"api\", \"message\": \"typed ts\", \"timestamp\": [1, 2]}"));
        c.add(Line.bad("{", "value is not valid JSON"));
        c.add(Line.bad("{\"source\": \"api\", \"message\": \"unterminated", "value is not valid JSON"));
        c.add(Line.good("[1, 2, 3]"));
        c.add(Line.bad("{\"source\": \"api\", \"message\": \"one\"}{\"source\": \"api\", \"message\": \"two\"}",
                "value has more after its JSON object")); // two objects glued on one line
        c.add(Line.good("null"));
        c.add(Line.bad("", "value is blank"));
        c.add(Line.bad("   \t ", "value is blank"));
        c.add(new Line(binary(rnd, 3000), "value is not valid UTF-8"));
        c.add(new Line(new byte[] {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, ' ', 'x'}, "value is not valid UTF-8"));
        c.add(new Line(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "value is not valid UTF-8")); // a surrogate
        c.add(Line.good("control \u0001\u0002\u0007 chars and a NUL \u0000 inside"));
        c.add(Line.good("emoji \uD83D\uDE80 and \u05E9\u05DC\u05D5\u05DD rtl and \u4E2D\u6587"));
        c.add(Line.good("crlf line\r"));
        c.add(Line.good("<|endoftext|> special token text"));
        c.add(Line.good("{\"source\": \"api\", \"message\": \"a lone \\udc00 surrogate, escaped\"}"));
        for (int i = 0; i < 20; i++) {
            c.add(Line.good("2026-01-15T08:02:" + (10 + i) + ".000Z INFO db[9]: checkpoint complete: wrote " + i
                    + " buffers"));
        }
        return c;
    }

    static List<Line> eventCorpus() {
        Random rnd = new Random(7);
        List<Line> c = new ArrayList<>();
        c.add(Line.good("\uFEFF" + JSON.createObjectNode().put("user", "u0").put("text", "a first line with a BOM")));
        for (int i = 0; i < 30; i++) {
            c.add(Line.good(JSON.createObjectNode().put("user", "u" + (i % 3)).put("text", "fact " + i + " about me")
                    .toString()));
        }
        c.add(Line.good(JSON.createObjectNode().put("user", "u0").put("text", stackTrace()).toString()));
        c.add(Line.good(JSON.createObjectNode().put("user", "u1").put("text", repeat("long story ", 4000)).toString()));
        c.add(Line.bad(JSON.createObjectNode().put("user", "u1").put("text", repeat("z", 100_000)).toString(), "value has "));
        c.add(Line.bad("{\"user\": 5, \"text\": \"numeric user\"}", "user event has no user"));
        c.add(Line.bad("{\"user\": \"u2\", \"text\": [\"a\"]}", "user event has no text"));
        c.add(Line.bad("{\"user\": \"u2\", \"text\": {\"a\": 1}}", "user event has no text"));
        c.add(Line.good("{\"user\": \"u2\", \"text\": \"query typed as text\", \"query\": \"yes\"}"));
        c.add(Line.bad("[]", "value is not a JSON object"));
        c.add(Line.bad("{\"user\": \"u2\", \"text\": \"one\"} {\"user\": \"u2\", \"text\": \"two\"}",
                "value has more after its JSON object")); // two objects glued on one line
        c.add(Line.bad("null", "value is not a JSON object"));
        c.add(Line.bad("{", "value is not valid JSON"));
        c.add(Line.bad("plain text, not JSON", "value is not valid JSON"));
        c.add(Line.bad("", "value is blank"));
        c.add(new Line(binary(rnd, 2000), "value is not valid UTF-8"));
        c.add(new Line(("{\"user\": \"u0\", \"text\": \"bad " + "\u0000").getBytes(StandardCharsets.UTF_8), "value is not valid JSON"));
        for (int i = 0; i < 3; i++) {
            c.add(Line.good(JSON.createObjectNode().put("user", "u" + i).put("text", "what do you know about me?")
                    .put("query", true).toString()));
        }
        c.add(Line.good(JSON.createObjectNode().put("user", "u1").put("text", stackTrace()).put("type", "query")
                .toString()));
        // an escaped unpaired surrogate is valid JSON; the answer echoing it used to end the run (exit 1)
        c.add(Line.good("{\"user\": \"u2\", \"text\": \"a lone \\ud800 surrogate, escaped\", \"query\": true}"));
        return c;
    }

    static int queries(List<Line> corpus) throws Exception {
        int n = 0;
        for (Line l : corpus) {
            if (l.reason == null) {
                JsonNode j = JSON.readTree(l.bytes);
                if (j.path("query").asBoolean(false) || "query".equals(j.path("type").asText())) {
                    n++;
                }
            }
        }
        return n;
    }

    static byte[] file(List<Line> corpus) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Line l : corpus) {
            b.writeBytes(l.bytes);
            b.write('\n');
        }
        return b.toByteArray();
    }

    static String memctl(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Memctl.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, e);
        return e;
    }

    static List<String> lines(Path f) throws Exception {
        return Files.exists(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : List.of();
    }

    static List<String> topic(String t) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.readToEnd(conn, t, true, Duration.ofSeconds(60))) {
            out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Checks the dead letters: one per bad line, at its offset, with its reason; within the size limit. */
    static void checkDeadLetters(String what, List<Line> corpus, List<String> dead) throws Exception {
        TreeSet<Long> expected = new TreeSet<>();
        for (int i = 0; i < corpus.size(); i++) {
            if (corpus.get(i).reason != null) {
                expected.add((long) i);
            }
        }
        TreeSet<Long> got = new TreeSet<>();
        for (String d : dead) {
            assertTrue(d.length() < 8 * 1024, what + ": dead letter of " + d.length() + " chars");
            JsonNode j = JSON.readTree(d);
            long off = j.get("offset").asLong();
            assertTrue(got.add(off), what + ": one dead letter per line: " + off);
            Line l = corpus.get((int) off);
            assertTrue(l.reason != null && j.get("reason").asText().startsWith(l.reason),
                    what + ": line " + off + " reason " + j.get("reason") + ", expected " + l.reason);
        }
        assertEquals(expected, got, what + ": dead-lettered lines");
    }

    static void checkSummaries(String what, List<Line> corpus, List<String> summaries, List<String> dead)
            throws Exception {
        long good = corpus.stream().filter(l -> l.reason == null).count();
        long summarized = 0;
        for (String s : summaries) {
            assertTrue(s.getBytes(StandardCharsets.UTF_8).length <= RecordLimits.defaults().maxOutputBytes(),
                    what + ": summary of " + s.length() + " chars");
            summarized += JSON.readTree(s).get("lines_since_last").asLong();
        }
        System.out.printf("[fault-suite] awkward corpus, %s: records in %d, good %d, summarized %d, summaries %d, "
                + "dead letters %d, losses %d%n", what, corpus.size(), good, summarized, summaries.size(), dead.size(),
                good - summarized);
        assertEquals(good, summarized, what + ": every good line summarized once");
        checkDeadLetters(what, corpus, dead);
    }

    static void checkAnswers(String what, List<Line> corpus, List<String> answers, List<String> dead) throws Exception {
        int q = queries(corpus);
        for (String a : answers) {
            assertTrue(a.getBytes(StandardCharsets.UTF_8).length <= RecordLimits.defaults().maxOutputBytes(), what);
        }
        System.out.printf("[fault-suite] awkward corpus, %s: records in %d, queries %d, answers %d, dead letters %d, "
                + "losses %d%n", what, corpus.size(), q, answers.size(), dead.size(), q - answers.size());
        assertEquals(q, answers.size(), what + ": one answer per query");
        checkDeadLetters(what, corpus, dead);
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bothJobsInFileMode(@TempDir Path dir) throws Exception {
        List<Line> logs = logCorpus();
        Path in = Files.write(dir.resolve("awkward.log"), file(logs));
        memctl("logs", "--input", in.toString(), "--output", dir.resolve("s").toString(), "--dead-letters",
                dir.resolve("d").toString(), "--every-lines", "25");
        checkSummaries("logs, file mode", logs, lines(dir.resolve("s")), lines(dir.resolve("d")));

        List<Line> events = eventCorpus();
        Path ev = Files.write(dir.resolve("awkward.jsonl"), file(events));
        memctl("context", "--input", ev.toString(), "--output", dir.resolve("a").toString(), "--dead-letters",
                dir.resolve("d2").toString());
        checkAnswers("context, file mode", events, lines(dir.resolve("a")), lines(dir.resolve("d2")));

        Path empty = Files.createFile(dir.resolve("empty"));
        memctl("logs", "--input", empty.toString(), "--output", dir.resolve("s0").toString());
        memctl("context", "--input", empty.toString(), "--output", dir.resolve("a0").toString());
        assertEquals(List.of(), lines(dir.resolve("s0")));
        assertEquals(List.of(), lines(dir.resolve("a0")));
        // a file of one line without a line end, and one of CRLF line ends only
        Path one = Files.write(dir.resolve("one"), "2026-01-15T08:00:00.000Z INFO x[1]: only line".getBytes(
                StandardCharsets.UTF_8));
        memctl("logs", "--input", one.toString(), "--output", dir.resolve("s1").toString());
        assertEquals(1, JSON.readTree(lines(dir.resolve("s1")).get(0)).get("lines_since_last").asInt());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void bothJobsInKafkaMode() throws Exception {
        kafka.createTopics(1, "aw-logs", "aw-events", "aw-empty", "aw-summaries", "aw-answers", "aw-dlq1", "aw-dlq2",
                "aw-out0", "aw-dlq0");
        List<Line> logs = logCorpus();
        List<ProducerRecord<byte[], byte[]>> send = new ArrayList<>();
        for (Line l : logs) {
            send.add(new ProducerRecord<>("aw-logs", null, l.bytes));
        }
        List<Line> events = eventCorpus();
        for (Line l : events) {
            send.add(new ProducerRecord<>("aw-events", null, l.bytes));
        }
        KafkaTopics.produce(conn, send);
        String bs = kafka.bootstrapServers();
        memctl("logs", "--kafka", bs, "--in-topic", "aw-logs", "--out-topic", "aw-summaries", "--dlq-topic", "aw-dlq1",
                "--bounded", "--every-lines", "25");
        checkSummaries("logs, Kafka mode", logs, topic("aw-summaries"), topic("aw-dlq1"));
        memctl("context", "--kafka", bs, "--in-topic", "aw-events", "--out-topic", "aw-answers", "--dlq-topic",
                "aw-dlq2", "--bounded");
        checkAnswers("context, Kafka mode", events, topic("aw-answers"), topic("aw-dlq2"));
        // an empty topic ends too
        memctl("logs", "--kafka", bs, "--in-topic", "aw-empty", "--out-topic", "aw-out0", "--dlq-topic", "aw-dlq0",
                "--bounded");
        assertEquals(List.of(), topic("aw-out0"));
    }
}
