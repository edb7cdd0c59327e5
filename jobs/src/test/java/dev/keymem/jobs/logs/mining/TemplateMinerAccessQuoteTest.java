package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TemplateMiner#accept}'s hand-over of the line's first double quote to the access-line and request-fields
 * checks ({@link AccessLogLine#masked(String, int)}, {@link AccessLogLine#requestFields(String, int)}), through
 * {@code accept} itself: each line's {@link TemplateMiner.Match} (template id and text, created, masked message,
 * tokens, mined message) equals that of a reference path that takes the same steps with the regexes
 * ({@link AccessLogLine#maskedReference}, {@link AccessLogLine#requestFieldsReference}) and no quote, on a miner and
 * state of its own fed the same lines; headers stripped and kept. Lines: access and request lines whose first quote
 * is at index 0 (a request line first), at index 1 and later, lines without a quote, the same edited at random,
 * every loghub_2k line ({@code -Dkeymem.loghub=DIR}) and with {@code -Dkeymem.bench.in=DIR} the first 3,000 lines of
 * the real-log bench inputs. The quote-first seeds are also checked against their expected templates.
 */
class TemplateMinerAccessQuoteTest {
    private static final String[] SEEDS = {
        // first quote at index 0
        "\"GET /x HTTP/1.1\" 200 5",
        "\"GET /x HTTP/1.1\"",
        "\"q\" - - [01/May/2024:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 1",
        "\"1.2.3.4\" \"-\" - [01/May/2024:10:00:00 +0000] \"POST /b HTTP/2\" 201 -",
        "\"POST /api/v1/items HTTP/2\" 201 - \"-\" \"curl/8\"",
        // first quote at index 1 and later
        "x\"GET /x HTTP/1.1\" 200 5",
        " \"GET /x HTTP/1.1\" 200 5",
        "10.1.2.3 - - [01/May/2024:10:00:00 +0000] \"GET /index.html?page=3 HTTP/1.1\" 200 5120 \"-\" \"curl/8\"",
        "::1 - bob [06/Dec/2026:01:02:03 +0100] \"-\" 499 0 \"-\" \"-\"",
        "h:80 1.2.3.4 - - [01/May/2024 10:00:00] \"PROPFIND /dav/ HTTP/1.1\" 207 - extra \"fields\" here",
        "http 2026-01-01T00:00:00Z app/lb 1.2.3.4:5 \"GET http://h:80/ HTTP/1.1\" \"curl/8\" - -",
        "a \"GET / HTTP/1\"\"x\" \"HEAD /a\"b HTTP/1.0\" 3",
        "for \"GET /x HTTP/1.1\": timed out",
        // no quote
        "INFO server started on port 8080 pid=12 path=/var/run",
        "10.1.2.3 - - [01/May/2024:10:00:00 +0000] GET /index.html HTTP/1.1 200 5120",
    };

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void acceptHandsTheFirstQuoteOverAsTheRegexesRead(boolean headers) throws IOException {
        MinerSettings settings = MinerSettings.defaults().withHeaders(headers);
        List<String> lines = lines();
        TemplateMiner miner = new TemplateMiner(settings);
        MinerState state = new MinerState();
        TemplateMiner reference = new TemplateMiner(settings);
        MinerState referenceState = new MinerState();
        int quoteFirst = 0;
        int quoteLater = 0;
        int unquoted = 0;
        for (String l : lines) {
            TemplateMiner.Match m = miner.accept(state, l);
            TemplateMiner.Match r = referenceAccept(reference, referenceState, l, headers);
            assertEquals(r.id(), m.id(), l);
            assertEquals(r.template(), m.template(), l);
            assertEquals(r.created(), m.created(), l);
            assertEquals(r.masked(), m.masked(), l);
            assertArrayEquals(r.tokens(), m.tokens(), l);
            assertEquals(r.message(), m.message(), l);
            int q = l.indexOf('"');
            boolean shaped = AccessLogLine.maskedReference(l) != null || AccessLogLine.requestFieldsReference(l) != null;
            quoteFirst += q == 0 && shaped ? 1 : 0;
            quoteLater += q > 0 && shaped ? 1 : 0;
            unquoted += q < 0 ? 1 : 0;
        }
        assertTrue(quoteFirst > 200 && quoteLater > 1000 && unquoted > 500,
                quoteFirst + " quote-first, " + quoteLater + " quote-later access/request lines, " + unquoted
                        + " unquoted of " + lines.size());
        // the quote-first seeds: the request line's method and values, the status and the rest one value
        assertEquals("\"GET <*> HTTP/<*>\" <*>",
                new TemplateMiner(settings).accept(new MinerState(), "\"GET /x HTTP/1.1\" 200 5").template());
        assertEquals("\"GET <*> HTTP/<*>\" <*>", new TemplateMiner(settings).accept(new MinerState(),
                "\"q\" - - [01/May/2024:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 1").template());
    }

    /**
     * {@link TemplateMiner#accept(MinerState, String, boolean)} (not bare) by its steps, the access line and the
     * request fields read by the regexes (no first quote handed over).
     */
    private static TemplateMiner.Match referenceAccept(TemplateMiner m, MinerState s, String line, boolean headers) {
        String mined = headers ? JsonLogFields.mined(line) : null;
        String frame = GoTraceback.masked(mined != null ? mined : line);
        if (frame != null) {
            return m.assign(s, m.message(frame, false), mined);
        }
        String access = mined == null ? AccessLogLine.maskedReference(line) : null;
        String request = mined == null && access == null ? AccessLogLine.requestFieldsReference(line) : null;
        String field = mined == null && access == null && request == null ? MessageValues.fieldLine(line, headers) : null;
        TemplateMiner.Message message = access != null ? m.message(access, false)
                : field != null ? m.message(m.lineTokens().mask(field), false)
                : m.message(m.lineTokens().mask(MessageValues.values(mined != null ? mined : request != null ? request
                        : line)), headers && mined == null);
        return m.assign(s, message, mined);
    }

    private static List<String> lines() throws IOException {
        SplittableRandom r = new SplittableRandom(13);
        List<String> lines = new ArrayList<>();
        String alphabet = " \"\\[]-0123456789/.:AGHPTEx\t";
        for (String seed : SEEDS) {
            lines.add(seed);
            for (int k = 0; k < 400; k++) {
                StringBuilder b = new StringBuilder(seed);
                for (int e = 0, n = 1 + r.nextInt(2); e < n && b.length() > 0; e++) {
                    int at = r.nextInt(b.length());
                    switch (r.nextInt(5)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        case 2 -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        case 3 -> b.setCharAt(at, (char) ('0' + r.nextInt(10))); // a value edited: shape kept
                        default -> b.insert(r.nextBoolean() ? 0 : b.length(), '"');
                    }
                }
                lines.add(b.toString());
            }
        }
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).sorted().toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        }
        String bench = System.getProperty("keymem.bench.in");
        if (bench != null) {
            for (String name : new String[] {"lhredraw1.log", "mix49k.jsonl", "nonascii.log", "syslog30.log",
                "ids.jsonl"}) {
                try (Stream<String> s = Files.lines(Path.of(bench, name))) {
                    lines.addAll(s.limit(3000).toList());
                }
            }
        }
        return lines;
    }
}
