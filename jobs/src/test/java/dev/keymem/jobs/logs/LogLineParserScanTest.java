package dev.keymem.jobs.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.keymem.jobs.logs.mining.LineTokensScanTestLines;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The parser's scans (program name, leading time stamp, instant) against their regex / java.time references. */
class LogLineParserScanTest {

    private static void check(String v) {
        assertEquals(LogLineParser.programReference(v), LogLineParser.program(v), "program of '" + v + "'");
        String stamp = LogLineParser.leadingStampReference(v);
        assertEquals(stamp, LogLineParser.leadingStamp(v), "stamp of '" + v + "'");
        if (stamp != null) {
            assertEquals(LogLineParser.parseInstantReference(stamp, -7), LogLineParser.parseInstant(stamp, -7),
                    "instant of '" + stamp + "'");
        }
        if (v.chars().allMatch(c -> c < 128)) { // the scans over bytes, here in the middle of an array
            byte[] b = ("@@" + v + "@").getBytes(StandardCharsets.US_ASCII);
            int to = b.length - 1;
            assertEquals(LogLineParser.programReference(v), LogLineParser.program(b, 2, to), "program of '" + v + "'");
            int end = LogLineParser.leadingStampEnd(b, 2, to);
            assertEquals(stamp, end < 0 ? null : v.substring(0, end - 2), "stamp of '" + v + "'");
            if (stamp != null) {
                assertEquals(LogLineParser.parseInstantReference(stamp, -7), LogLineParser.parseInstant(b, 2, end, -7),
                        "instant of '" + stamp + "'");
            }
        }
    }

    private static void checkInstant(String stamp) {
        assertEquals(LogLineParser.parseInstantReference(stamp, -7), LogLineParser.parseInstant(stamp, -7), stamp);
        byte[] b = (" " + stamp).getBytes(StandardCharsets.US_ASCII);
        assertEquals(LogLineParser.parseInstantReference(stamp, -7), LogLineParser.parseInstant(b, 1, b.length, -7),
                stamp);
    }

    @Test
    void scansEqualTheReferencesOnRealLines() throws Exception {
        List<String> lines = LineTokensScanTestLines.realLines();
        for (String l : lines) {
            check(l);
        }
        check("2026-01-15T08:00:00.875Z INFO cache[4120]: stats hit_ratio=0.93");
    }

    @Test
    void scansEqualTheReferencesOnRandomLines() {
        SplittableRandom r = new SplittableRandom(23);
        String[] parts = {"2026", "-", "01", "15", "T", "08", ":", "00", "60", "24", "02-29", "2024-02-29", "2023-02-29",
            "13", "00.875", ".", "Z", "+02:00", "123456789", "1234567891", " ", "\t", "INFO", "warn", "E", "cache",
            "app.x-1_y", "[", "]", "4120", "]:", "[12]:", "a", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
            "1969-12-31T23:59:59.5Z", "2026-01-15T08:00:00Z", "2026-1-5T8:0:0Z", "é"};
        for (int i = 0; i < 60_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(1, 12); k > 0; k--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            check(sb.toString());
            String stamp = String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", r.nextInt(0, 10000), r.nextInt(0, 14),
                    r.nextInt(0, 33), r.nextInt(0, 26), r.nextInt(0, 61), r.nextInt(0, 62),
                    r.nextBoolean() ? "" : "." + "123456789012".substring(0, r.nextInt(0, 12)));
            checkInstant(stamp);
        }
    }
}
