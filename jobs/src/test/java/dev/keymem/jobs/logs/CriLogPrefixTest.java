package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link CriLogPrefix}: the scan against its regex reference, and the parser's text and time of a CRI line. */
class CriLogPrefixTest {
    @Test
    void scanFindsWhatTheRegexFinds() {
        List<String> lines = new ArrayList<>();
        for (FormatLogSample.Line l : FormatLogSample.all(7, 300).values().stream().flatMap(List::stream).toList()) {
            lines.add(l.text());
        }
        lines.addAll(List.of("2024-05-01T10:00:00Z stdout F x", "2024-05-01T10:00:00Z stderr P {\"a\":1}",
                "2024-05-01T10:00:00Z stdout X x", "2024-05-01T10:00:00Z stdout F", "2024-05-01T10:00:00Z stdin F x",
                "2024-05-01 10:00:00Z stdout F x", "2024-05-01T10:00\t00Z stdout F x", "2024-05-0xT10:00:00Z stdout F x",
                "2024-05-01T stdout F x", "2024-05-01T10:00:00Z  stdout F x", "2024-05-01T10:00:00Z stdout FF x", ""));
        SplittableRandom r = new SplittableRandom(11);
        String base = "2024-05-01T10:00:00.123456789Z stdout F msg";
        for (int i = 0; i < 20_000; i++) { // one character of a CRI line changed
            char[] c = base.toCharArray();
            c[r.nextInt(c.length)] = " 0aTFPZ\t-:".charAt(r.nextInt(10));
            lines.add(new String(c, 0, r.nextInt(c.length + 1)));
        }
        int cri = 0;
        for (String v : lines) {
            assertEquals(CriLogPrefix.messageStartByRegex(v), CriLogPrefix.messageStart(v), v);
            cri += CriLogPrefix.messageStart(v) >= 0 ? 1 : 0;
            String padded = "  " + v + " \t";
            int inner = CriLogPrefix.messageStartByRegex(v);
            assertEquals(inner < 0 ? -1 : inner + 2, CriLogPrefix.messageStart(padded, 2, 2 + v.length()), v);
        }
        assertEquals(true, cri > 300, "CRI lines found: " + cri);
    }

    @Test
    void parserTakesTheMessageAsTextAndTheTimeOfTheLine() throws Exception {
        LogLineParser p = new LogLineParser(null);
        LogLine l = p.parse(null, "2024-05-01T10:00:00.123456789Z stderr F connected to redis at 10.0.0.1:6379", 0, -1);
        assertEquals("connected to redis at 10.0.0.1:6379", l.text);
        assertEquals(java.time.Instant.parse("2024-05-01T10:00:00.123Z").toEpochMilli(), l.timestamp);
        assertEquals("default", l.source);
        String plain = "2024-05-01T10:00:00Z INFO app[12]: stdout F is not a CRI tag here";
        assertEquals(plain, p.parse(null, plain, 0, -1).text);
        // the bytes path (files, Kafka) reads the same line
        for (String v : List.of(" 2024-05-01T10:00:00.123456789Z stdout P part of a long line \r\n", plain,
                "2024-05-01T10:00:00Z stdout F a\\b", "2024-05-01T10:00:00Z stdout F")) {
            LogLine s = p.parse(null, v, 17, 1234);
            LogLine b = p.parse(null, new dev.keymem.jobs.kafka.KafkaRecord("t", 0, 17, 1234, null,
                    v.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 65_536);
            assertEquals(s.text, b.text, v);
            assertEquals(s.timestamp, b.timestamp, v);
            assertEquals(s.source, b.source, v);
        }
        // a P piece is kept as written, its trailing space too (the pieces of a line are joined), without a line end
        assertEquals("part of a long line ", p.parse(null, " 2024-05-01T10:00:00.123456789Z stdout P part of a long line "
                + "\r\n", 0, -1).text);
    }
}
