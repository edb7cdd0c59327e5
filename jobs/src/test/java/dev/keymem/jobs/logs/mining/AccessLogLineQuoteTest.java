package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link TemplateMiner#accept}'s access-line and request-fields checks from the line's first double quote
 * ({@link AccessLogLine#masked(String, int)}, {@link AccessLogLine#requestFields(String, int)}) against the regexes
 * (the references {@link AccessLogLine#maskedReference}, {@link AccessLogLine#requestFieldsReference}) and against the
 * scans without the quote ({@link AccessLogLine#masked(String)}, {@link AccessLogLine#requestFields(String)}): on
 * access and request lines edited at random (quotes first, last, doubled, removed), random strings dense in the
 * shapes' characters, every loghub_2k line, and with {@code -Dkeymem.bench.in=DIR} the first 3,000 lines of the
 * real-log bench inputs.
 */
class AccessLogLineQuoteTest {
    private static final String[] SEEDS = {
        "10.1.2.3 - - [01/May/2024:10:00:00 +0000] \"GET /index.html?page=3 HTTP/1.1\" 200 5120 \"-\" \"curl/8\"",
        "::1 - bob [06/Dec/2026:01:02:03 +0100] \"-\" 499 0 \"-\" \"-\"",
        "h:80 1.2.3.4 - - [01/May/2024 10:00:00] \"PROPFIND /dav/ HTTP/1.1\" 207 - extra \"fields\" here",
        "\"q\" - - [01/May/2024:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 1",
        "\"1.2.3.4\" \"-\" - [01/May/2024:10:00:00 +0000] \"POST /b HTTP/2\" 201 -",
        "\"GET /x HTTP/1.1\" 200 5",
        "\"GET /x HTTP/1.1\"",
        "http 2026-01-01T00:00:00Z app/lb 1.2.3.4:5 \"GET http://h:80/ HTTP/1.1\" \"curl/8\" - -",
        "a \"GET / HTTP/1\"\"x\" \"HEAD /a\"b HTTP/1.0\" 3",
        "for \"GET /x HTTP/1.1\": timed out",
        "INFO server started on port 8080 pid=12 path=/var/run",
    };

    @Test
    void theQuoteFirstChecksAreTheRegexes() throws IOException {
        SplittableRandom r = new SplittableRandom(28);
        List<String> lines = new ArrayList<>();
        String alphabet = " \"\\[]-0123456789/.:AGHPTEx\t";
        for (String seed : SEEDS) {
            lines.add(seed);
            for (int k = 0; k < 3000; k++) {
                StringBuilder b = new StringBuilder(seed);
                for (int e = 0, m = 1 + r.nextInt(3); e < m && b.length() > 0; e++) {
                    int at = r.nextInt(b.length());
                    switch (r.nextInt(4)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        case 2 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        default -> b.insert(r.nextBoolean() ? 0 : b.length(), '"');
                    }
                }
                lines.add(b.toString());
            }
        }
        for (int k = 0; k < 20000; k++) {
            StringBuilder b = new StringBuilder();
            for (int c = 0, m = r.nextInt(60); c < m; c++) {
                b.append(r.nextInt(8) == 0 ? (char) (0x80 + r.nextInt(0x3000)) : alphabet.charAt(r.nextInt(alphabet.length())));
            }
            lines.add(b.toString());
        }
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        }
        String bench = System.getProperty("keymem.bench.in");
        if (bench != null) {
            for (String name : new String[] {"lhredraw1.log", "ids.jsonl", "kvfixed10k.jsonl", "mix49k.jsonl",
                "jsonlong10k.jsonl", "stackmulti5k.jsonl", "nonascii.log", "syslog30.log", "logs10k.jsonl"}) {
                try (Stream<String> s = Files.lines(Path.of(bench, name))) {
                    lines.addAll(s.limit(3000).toList());
                }
            }
        }
        int access = 0;
        int request = 0;
        int quoted = 0;
        for (String l : lines) {
            int q = l.indexOf('"');
            quoted += q >= 0 ? 1 : 0;
            String a = AccessLogLine.masked(l, q);
            assertEquals(AccessLogLine.maskedReference(l), a, l);
            assertEquals(AccessLogLine.masked(l), a, l);
            String f = AccessLogLine.requestFields(l, q);
            assertEquals(AccessLogLine.requestFieldsReference(l), f, l);
            assertEquals(AccessLogLine.requestFields(l), f, l);
            access += a != null ? 1 : 0;
            request += a == null && f != null ? 1 : 0;
        }
        assertTrue(access > 2000 && request > 2000 && quoted < lines.size() - 10000,
                access + " access, " + request + " request, " + quoted + " quoted of " + lines.size());
    }
}
