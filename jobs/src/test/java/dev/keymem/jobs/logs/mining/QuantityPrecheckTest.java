package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.text.LineMasker;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The quantity rule's pre-check ({@link LineTokens#QUANTITY_UNIT}, taken in the census pass on the line as given):
 * the census's bit is its regex's ({@code [0-9Z>]\s?UNITS(?![\w])}), and {@link LineTokens#mask}, which runs the
 * quantity scan only where the bit is set, gives {@link LineTokens#maskReference}'s line on quantities next to
 * every step that changes the line before the scan (time stamps, numbers, day names, hex letters, paths, hosts,
 * placeholders as given).
 */
class QuantityPrecheckTest {
    private final LineTokens lt = new LineTokens();

    private static final String[] LINES = {
        "took 250 ms", "took 250ms", "took 1.5 s", "size 3 KB", "size 3KiB", "5bytes", "10B free", "3d ago", "2 days",
        "5 µs", "5µs", "7\tms", "x 5  ms", "a5ms", "v1.2.3 s", "~5 ms", "<5 sec", ">1h", "<NUM> ms", "<TS>s",
        "<NUM>ms and <TS> h", "2024-05-01T00:00:00Z ms", "2024-05-01T00:00:00Zms", "2024-05-01 12:00:00 s",
        "12:00:00.250 ms", "May  1 12:00:00 s", "1714564800 s", "1714564800123ms", "5 Mon, May 1", "5 Fri, Mar 3",
        "5 Mon, <TS>", "3 Tue, 2024-05-01 s", "5 deadbeefcafe s", "5 deadbeefcafe", "0x1F s", "10.0.0.1 s",
        "10.0.0.1:80 ms", "host.example.com:8080 s", "a/b/c 5 s", "/var/log/5 ms", "5 /a/b/c ms", "x@y.com 5 s",
        "5 x@y.com", "123e4567-e89b-12d3-a456-426614174000 ms", "5 msx", "5 ms2", "5 msé", "5 sµ", "5 MiB/s",
        "5 Mar", "5 MB", "5.5.5 ms", "Z ms", "Zms", "> ms", "a> s", "5\u000Bs", "5\fhrs", "5\rmin", "5\nmins",
        "5 seconds", "5 secondsX", "7 minutes", "5 hr", "5 hour,", "5 day.", "5_ms", "5.ms", "5 .ms", "5-ms", "ms 5",
        "keys=20864 evictions=11", "time=39ms", "latency=120ms status=200", "hit_ratio=0.93 keys=2",
    };

    private static List<String> lines() {
        List<String> out = new ArrayList<>(List.of(LINES));
        String[] parts = {"5", "12", "1.5", "1714564800", "2024-05-01", "T12:00:00", "Z", "<NUM>", "<TS>", ">", "<",
            "~", " ", "  ", "\t", "ms", "s", "KB", "MiB", "B", "bytes", "d", "days", "h", "µs", "sec", "min", "Mon, ",
            "Fri, ", "May", "Mar", "deadbeefcafe", "abc", "x", "_", ".", "/", "a/b/c", ":", "10.0.0.1", "host.com",
            ":8080", "@", "0x", "é", "-", ",", "="};
        SplittableRandom r = new SplittableRandom(53);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(1, 12); k > 0; k--) {
                sb.append(parts[r.nextInt(parts.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    void censusBitIsTheRegexes() {
        for (String line : lines()) {
            char[] cs = line.toCharArray();
            int reference = LineTokens.preChecksReference(line);
            assertEquals(reference, LineTokens.preChecks(cs), "pre-checks of '" + line + "'");
            assertEquals(reference, LineMasker.TokenChecks.of(cs), "one loop per check of '" + line + "'");
        }
    }

    @Test
    void maskWithThePrecheckIsTheReferences() {
        int quantities = 0;
        for (String line : lines()) {
            String masked = lt.maskReference(line);
            assertEquals(masked, lt.mask(line), "mask of '" + line + "'");
            quantities += masked.contains("<Q>") ? 1 : 0;
        }
        assertTrue(quantities > 1_000, "lines with a quantity: " + quantities);
    }
}
