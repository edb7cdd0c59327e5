package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageValues#klogPairs} (the regex's search started at the first quote a match can start with) against
 * {@link MessageValues#klogPairsReference} (the search over the whole line) on loghub_2k, the format samples and
 * random klog- and logfmt-shaped lines.
 */
class KlogPairsGateTest {
    private static final String[] PARTS = {"\"", "\\\"", " ", "\t", "  ", "=", "msg=", " k=", " a.b-c=", " x=\"y z\"",
        " n=3", " err=\"a \\\"b\\\" c\"", "\"Bound pod\"", "started", "ok", "I0503 10:00:02.270143   62411 x.go:286] ",
        "ts=2026-01-23T08:00:00.000Z", " level=info", " 1=2", "\u00e9", "\n", "\r", "\u000B", "\f", "'", "[", "]"};

    static String randomLine(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        if (r.nextBoolean()) { // a prefix, a quoted message and pairs, as klog writes them
            sb.append(PARTS[r.nextInt(PARTS.length)]).append(r.nextBoolean() ? " " : "\t").append("\"Bound ")
                    .append(PARTS[r.nextInt(PARTS.length)]).append('"');
            for (int i = r.nextInt(0, 5); i > 0; i--) {
                sb.append(PARTS[7 + r.nextInt(5)]);
            }
        }
        for (int i = r.nextInt(0, 14); i > 0; i--) {
            sb.append(PARTS[r.nextInt(PARTS.length)]);
        }
        return sb.toString();
    }

    @Test
    void gatedSearchIsTheReference() throws Exception {
        List<String> lines = new ArrayList<>(Loghub.lines("KlogPairsGateTest"));
        for (String format : new String[] {"klog", "klog-b", "slog", "zap", "zap-b", "golog", "envoy", "log4j-mdc"}) {
            try (InputStream in = KlogPairsGateTest.class.getResourceAsStream("/formats/" + format + ".log")) {
                if (in != null) {
                    for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        lines.add(l.substring(l.indexOf('\t') + 1));
                    }
                }
            }
        }
        SplittableRandom r = new SplittableRandom(43);
        for (int k = 0; k < 50_000; k++) {
            lines.add(randomLine(r));
        }
        int changed = 0;
        for (String line : lines) {
            String want = MessageValues.klogPairsReference(line);
            assertEquals(want, MessageValues.klogPairs(line), line);
            changed += want.equals(line) ? 0 : 1;
        }
        assertTrue(changed > 1000, "lines the rule changes: " + changed);
    }

    @Test
    void aLogfmtMessageHasNoQuoteToStartAt() {
        String line = "ts=2026-01-23T08:00:00.000Z level=info msg=\"upstream order started\" order=o1 n=3";
        assertEquals(line, MessageValues.klogPairs(line));
        assertEquals(line, MessageValues.klogPairsReference(line));
        String klog = "x.go:1] \"Bound pod\" pod=\"ns/web-1\" n=3";
        assertEquals("x.go:1] \"Bound pod\" pod=<*> n=<*>", MessageValues.klogPairs(klog));
    }
}
