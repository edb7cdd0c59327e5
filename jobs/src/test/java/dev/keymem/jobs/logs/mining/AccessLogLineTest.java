package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {
    private static final String COMBINED = "10.1.2.3 - - [01/May/2024:10:00:00 +0000] \"GET /index.html?page=3 HTTP/1.1\""
            + " 200 5120 \"https://shop.example.com/login\" \"Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0\"";

    @Test
    void readsTheFormatsFields() {
        assertEquals("\"GET <*> HTTP/<*>\" <*>", AccessLogLine.masked(COMBINED));
        // common format, a user, IPv6, HTTP/2.0, a 4xx and a 5xx
        assertEquals("\"POST <*> HTTP/<*>\" <*>", AccessLogLine.masked(
                "2001:db8::1 - alice [01/May/2024:10:00:00 +0000] \"POST /api/v1/cart HTTP/2.0\" 404 -"));
        assertEquals("\"DELETE <*> HTTP/<*>\" <*>", AccessLogLine.masked(
                "::1 - - [06/Dec/2026:01:02:03 +0100] \"DELETE /x/1 HTTP/1.0\" 502 157 \"-\" \"-\" \"10.0.0.9\""));
        // vhost_combined: the virtual host first
        assertEquals("\"GET <*> HTTP/<*>\" <*>", AccessLogLine.masked(
                "shop.example.com:443 " + COMBINED));
        // werkzeug's request line, its own time format
        assertEquals("\"GET <*> HTTP/<*>\" <*>", AccessLogLine.masked(
                "127.0.0.1 - - [01/May/2024 10:00:00] \"GET /login HTTP/1.1\" 304 -"));
        // HTTP/0.9, no request, TLS bytes, an escaped quote in the request
        assertEquals("\"GET <*>\" <*>", AccessLogLine.masked("1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"GET /\" 200 9"));
        assertEquals("\"-\" <*>", AccessLogLine.masked("1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"-\" 400 0 \"-\" \"-\""));
        assertEquals("\"<*>\" <*>", AccessLogLine.masked(
                "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"\\x16\\x03\\x01\\x02\\x00\" 400 157 \"-\" \"-\""));
        assertEquals("\"<*>\" <*>", AccessLogLine.masked(
                "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"GET /a\\\"b c HTTP/1.1\" 200 1"));
    }

    @Test
    void otherLinesAreNotAccessLines() {
        for (String l : List.of("", "[01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1",
                "a b [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", // two fields before the time
                "a b c d e [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", // five
                "a b c [May 01 10:00:00] \"GET / HTTP/1.1\" 200 1", // the time starts with no digit
                "a b c [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 20 1", // status of two digits
                "a b c [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1x", // size
                "a b c [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1 200 1", // no closing quote
                "a b  c [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1", // two spaces
                "2024-05-01 10:00:00 INFO [main] \"GET / HTTP/1.1\" 200 1",
                "nova-api.log 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-1 - - -] 10.11.10.1"
                        + " \"GET /v2/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829")) {
            assertNull(AccessLogLine.masked(l), l);
            assertNull(AccessLogLine.maskedReference(l), l);
        }
    }

    /** The scan and the regexes (the reference) agree on access lines, on lines cut from them and on real logs. */
    @Test
    void scanMatchesTheRegexes() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        String[] seeds = {COMBINED, "::1 - bob [06/Dec/2026:01:02:03 +0100] \"-\" 499 0 \"-\" \"-\"",
            "h:80 1.2.3.4 - - [01/May/2024 10:00:00] \"PROPFIND /dav/ HTTP/1.1\" 207 - extra \"fields\" here",
            "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"GET /a\\\\ HTTP/1.1\" 200 1",
            "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"GET  HTTP/1.1\" 200 1",
            "1.2.3.4 - - [01/May/2024:10:00:00 +0000] \"G\tET / HTTP/1.1\" 200 1"};
        List<String> lines = mutatedAndLoghubLines(List.of(seeds), " \"\\[]-0123456789/.:AGHPTEx\t\n", 4000, r);
        int access = 0;
        for (String l : lines) {
            String fast = AccessLogLine.masked(l);
            assertEquals(AccessLogLine.maskedReference(l), fast, l);
            access += fast != null ? 1 : 0;
        }
        assertTrue(access > 1000 && access < lines.size() - 1000, access + " of " + lines.size());
    }

    @Test
    void theMinerKeepsMethodsApart() {
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int get = miner.accept(s, COMBINED).id();
        assertEquals(get, miner.accept(s, "10.9.9.9 - carol [01/May/2024:10:00:01 +0000] \"GET /robots.txt HTTP/2.0\" 304 0"
                + " \"-\" \"curl/8.5.0\"").id());
        int missing = miner.accept(s, "10.9.9.9 - - [01/May/2024:10:00:01 +0000] \"GET /nope HTTP/1.1\" 404 0").id();
        int post = miner.accept(s, "10.9.9.9 - - [01/May/2024:10:00:01 +0000] \"POST /login HTTP/1.1\" 200 0").id();
        assertEquals(get, missing); // the status is a value
        assertNotEquals(get, post);
        // with headers off (memctl eval's Content column, lines that are messages) an access line is read so too
        TemplateMiner plain = new TemplateMiner(MinerSettings.defaults().withHeaders(false));
        assertEquals("\"GET <*> HTTP/<*>\" <*>", plain.accept(new MinerState(), COMBINED).masked());
    }

    /** Lines of other layouts with a quoted request line followed by fields (AWS ALB, nginx custom, Django). */
    private static final String[] REQUEST_FIELDS = {
        "https 2024-05-01T10:00:01.649520Z app/my-lb/50dc6c495c0c9188 10.45.11.20:23710 10.0.3.33:80 0.000 0.285 0.000"
            + " 404 404 1682 24922 \"GET https://shop.example.com:443/checkout?step=3 HTTP/1.1\" \"curl/8.5.0\""
            + " ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 \"forward\" \"-\"",
        "shop.example.com 10.1.2.3 [01/May/2024:10:00:00 +0000] \"POST /api/v1/cart HTTP/2.0\" 201 18 rt=0.004",
        "[01/May/2024 10:00:00] \"GET /static/app.js HTTP/1.1\" 200 1234",
        "May  1 10:00:02 lb1 haproxy[1323]: 10.50.135.191:49757 [01/May/2024:10:00:02.828] www~ api/srv1 9/0/3/212/263"
            + " 200 1846 - - ---- 9/34/4/6/0 0/0 \"DELETE /api/items/290 HTTP/1.1\""};

    @Test
    void aRequestLineFollowedByFieldsIsReadByItsMethod() {
        assertEquals("https 2024-05-01T10:00:01.649520Z app/my-lb/50dc6c495c0c9188 10.45.11.20:23710 10.0.3.33:80 0.000"
                + " 0.285 0.000 404 404 1682 24922 \"GET <*> HTTP/<*>\" <*>", AccessLogLine.requestFields(REQUEST_FIELDS[0]));
        assertEquals("[01/May/2024 10:00:00] \"GET <*> HTTP/<*>\" <*>", AccessLogLine.requestFields(REQUEST_FIELDS[2]));
        assertTrue(AccessLogLine.requestFields(REQUEST_FIELDS[3]).endsWith(" \"DELETE <*> HTTP/<*>\""));
        // a request quoted inside a message's words, not followed by a field, stays the message's
        assertNull(AccessLogLine.requestFields("proxy error for \"GET /x HTTP/1.1\": upstream timed out"));
        assertNull(AccessLogLine.requestFields("10.11.10.1 \"GET /v2/servers/detail HTTP/1.1\" status: 200 len: 1893"));
        assertNull(AccessLogLine.requestFields("no request \"here\" 200"));
        // user agents of different lengths, statuses and targets: one template per method
        TemplateMiner miner = new TemplateMiner();
        MinerState s = new MinerState();
        int get = miner.accept(s, REQUEST_FIELDS[0]).id();
        assertEquals(get, miner.accept(s, REQUEST_FIELDS[0].replace("curl/8.5.0",
                "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0").replace("checkout?step=3", "cart")).id());
        assertNotEquals(get, miner.accept(s, REQUEST_FIELDS[0].replace("\"GET", "\"POST")).id());
    }

    /** {@link AccessLogLine#requestFields} against its regex on the samples, cut and changed, and on real logs. */
    @Test
    void requestFieldsScanMatchesTheRegex() throws Exception {
        SplittableRandom r = new SplittableRandom(11);
        List<String> seeds = new ArrayList<>(List.of(REQUEST_FIELDS));
        seeds.add(COMBINED);
        seeds.add("a \"GET / HTTP/1\"\"x\" \"HEAD /a\"b HTTP/1.0\" 3");
        List<String> lines = mutatedAndLoghubLines(seeds, " \"\\[]-0123456789/.:AGHPTEx\t", 3000, r);
        int read = 0;
        for (String l : lines) {
            String fast = AccessLogLine.requestFields(l);
            assertEquals(AccessLogLine.requestFieldsReference(l), fast, l);
            read += fast != null ? 1 : 0;
        }
        assertTrue(read > 1000 && read < lines.size() - 1000, read + " of " + lines.size());
    }

    /**
     * Each seed and {@code perSeed} copies of it with one to three random edits (a character deleted, inserted or
     * replaced from {@code alphabet}), then every line of the loghub_2k logs where the data is present.
     */
    private static List<String> mutatedAndLoghubLines(List<String> seeds, String alphabet, int perSeed,
                                                      SplittableRandom r) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String seed : seeds) {
            lines.add(seed);
            for (int k = 0; k < perSeed; k++) {
                StringBuilder b = new StringBuilder(seed);
                for (int e = 0, m = 1 + r.nextInt(3); e < m && b.length() > 0; e++) {
                    int at = r.nextInt(b.length());
                    switch (r.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                        default -> b.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                }
                lines.add(b.toString());
            }
        }
        Path loghub = Path.of(System.getProperty("keymem.loghub", "../../shared/data/loghub_2k"));
        if (Files.isDirectory(loghub)) {
            try (Stream<Path> files = Files.walk(loghub)) {
                for (Path f : files.filter(p -> p.toString().endsWith("_2k.log")).toList()) {
                    lines.addAll(Files.readAllLines(f));
                }
            }
        }
        return lines;
    }
}
