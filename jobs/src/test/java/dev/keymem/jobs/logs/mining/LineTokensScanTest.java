package dev.keymem.jobs.logs.mining;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The miner's scanning forms ({@link LineTokens#mask}, {@link LineTokens#tokens}, {@link LineTokens#isVariable})
 * against their regex references, on the sample logs, every loghub_2k line (where ../shared is present) and
 * random lines built from what the patterns look for.
 */
class LineTokensScanTest {
    private final LineTokens lt = new LineTokens();

    static List<String> realLines() throws Exception {
        List<String> lines = new ArrayList<>(
                Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8));
        lines.addAll(Loghub.lines("LineTokensScanTest"));
        return lines;
    }

    static String randomLine(SplittableRandom r) {
        String[] parts = {
            "0", "1", "7", "42", "255", "1714564800", "2024-05-01", "T", "12:00:00", ".123", ",5", "Z", ":", "::",
            ".", "-", "/", "\\", "@", "x", "0x", "deadbeef", "DEADBEEFcafe", "9fceb02d0a", "abc", "ABC", "<", ">",
            "<*>", "<NUM>", "<TS>", "<IP>", "<X", "<>", "()", "[]", "{}", "''", "\"\"", "\"", "\"a b\"", "~", " ",
            "  ", "\t", "GET ", "May", "Mon", "Tue, ", "Sat ", "Jan", "ms", "KB", "MiB", "bytes", "sec", "h", "s",
            "days", "µs", "host.example.com", "a.b.co.uk", "api:8080", "node-1.local:443", "10.0.0.1", "C:", "user",
            "_", "'", "%", "+", "=", "é", "漢", "٣", "\u00a0", "blk_-123", "R02-M1", "*", ",", ";", "|", "{x}",
            "aBcDeFaBcD", "v1", "IPv4", "a-b.c:80", "x.y:123456", "db.io:1", "a..b:22", "h_1.x-y.z:5432", ":99", "(", ")", "@", "run(", "F.java:52", "x@a.com", "$(", "Thu", "Wed", "Fri", "Sun", "SunX", ".co", ".in", ".ne", ".la",
            ".com", ".net", ".org", ".edu", ".gov", ".mil", ".int", ".info", ".biz", ".io", ".local", ".localdomain",
            ".lan", ".ac", ".uk", "Fr", "ri", "FFFFFFFri", "@a", "://", "(", "$", "12345", "123456", ":1234)", "a-"};
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(0, 30); i > 0; i--) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    private void check(String line) {
        for (int i = 0; i < line.length(); i++) {
            assertFalse(LineTokens.startOutsideFirstChars(line, i), "first-character table at " + i + " of '" + line + "'");
        }
        for (String s : new String[] {line, new dev.keymem.jobs.text.LineMasker().mask(line)}) {
            assertEquals(LineTokens.preChecksReference(s), LineTokens.preChecks(s.toCharArray()), "pre-checks of '" + s + "'");
            assertEquals(LineTokens.preChecksReference(s) & (LineTokens.DAY_NAME | LineTokens.HEX_LETTER_RUN
                    | LineTokens.TWO_SLASHES), LineTokens.laterChecks(s.toCharArray()), "later checks of '" + s + "'");
        }
        if (LineTokens.endpointFound(line)) {
            assertTrue((LineTokens.preChecks(line.toCharArray()) & LineTokens.PORT) != 0, "port pre-check of '" + line + "'");
        }
        // the census pass's checks against one loop per check (both exact: PORT is an ENDPOINT match)
        assertEquals(dev.keymem.jobs.text.LineMasker.TokenChecks.of(line.toCharArray()),
                LineTokens.preChecks(line.toCharArray()), "census checks of '" + line + "'");
        assertEquals(LineTokens.endpointFound(line), (LineTokens.preChecks(line.toCharArray()) & LineTokens.PORT) != 0,
                "port check of '" + line + "'");
        if (LineTokens.domainFound(line)) {
            assertTrue((LineTokens.preChecks(line.toCharArray()) & LineTokens.DOMAIN_ENDING) != 0, "domain check of '" + line + "'");
        }
        String masked = lt.maskReference(line);
        assertEquals(masked, lt.mask(line), "mask of '" + line + "'");
        for (String m : new String[] {masked, line, LineTokens.message(masked)}) {
            assertArrayEquals(LineTokens.tokensReference(m), LineTokens.tokens(m), "tokens of '" + m + "'");
            for (String t : m.split("\\s+")) {
                assertEquals(LineTokens.isVariableReference(t), LineTokens.isVariable(t), "isVariable('" + t + "')");
                assertEquals(LineTokens.isVariableReference(t), LineTokens.isVariableChars(t), "isVariable of chars('" + t + "')");
            }
            assertEquals(LineTokens.protectQuotedString(m), LineTokens.protectQuotedChars(m), "quotes of '" + m + "'");
        }
        assertEquals(LineTokens.maskIdentifiersReference(masked), LineTokens.maskIdentifiers(masked));
        // mask takes the later flags from the line as given: each must hold wherever it holds after the masker
        int later = LineTokens.DAY_NAME | LineTokens.HEX_LETTER_RUN | LineTokens.TWO_SLASHES;
        int after = LineTokens.preChecks(lt.maskerStageReference(line).toCharArray()) & later;
        assertEquals(0, after & ~LineTokens.preChecks(line.toCharArray()), "later flags of '" + line + "'");
    }

    /**
     * A port after a bracketed IPv6 address stays a number, as after an IPv4 address, where the next field's key is a
     * unit word ({@code bytes=}); a unit word not before {@code =} is still a unit. MAC addresses are one value.
     */
    @Test
    void aPortBeforeAUnitNamedKeyAndAMacAreOneValueEach() {
        LineTokens t = new LineTokens();
        assertEquals("to=[<IP>]:<NUM> bytes=<NUM>", t.mask("to=[d26b:14a0:7c2b:c320:42f9:96d:1d:2544]:35341 bytes=732347482"));
        assertEquals("from=<IP>:<NUM> bytes=<NUM>", t.mask("from=10.101.211.234:36302 bytes=732347482"));
        assertEquals("to=[<IP>]:<NUM> sent <Q>", t.mask("to=[::1]:8080 sent 5 bytes"));
        assertEquals("took <NUM> ms=slow", t.mask("took 250 ms=slow"), "a unit before = is a key");
        assertEquals("took <Q>, <Q>: done", t.mask("took 250 ms, 3 s: done"));
        assertEquals("mac=<HEX> bssid <HEX>", t.mask("mac=d8:6c:55:fd:17:5c bssid 5C-50-15-4C-18-13"));
        assertEquals(List.of("mac=<*>", "to=<*>"), List.of(t.tokenize("mac=d8:6c:55:fd:17:5c to=e1:ad:86:32:1d:9b")));
    }

    @Test
    void scansEqualTheRegexesOnRealLines() throws Exception {
        List<String> lines = realLines();
        int changed = 0;
        for (String line : lines) {
            check(line);
            changed += lt.mask(line).equals(line) ? 0 : 1;
        }
        assertTrue(changed > lines.size() / 2, "lines masked: " + changed + " of " + lines.size());
    }

    @Test
    void scansEqualTheRegexesOnRandomLines() {
        SplittableRandom r = new SplittableRandom(41);
        for (int i = 0; i < 40_000; i++) {
            check(randomLine(r));
        }
        StringBuilder longQuote = new StringBuilder("\"");
        for (int n = 0; n < 70; n++) {
            longQuote.append(n % 3 == 0 ? ' ' : 'q');
            check(longQuote + "\" tail \"a b\"");
        }
        check("<*>:<*>-<*>x<*> <*>..<*> <*> <*>< *> <NUM>,<NUM>,<IP> <A><B> <*>*><*> \"x <NUM>\" \"\" \"a\"b\"c d\"");
    }

    /** Fragments near the written-out patterns' edges (endings, units, day names, slashes), added to {@link #randomLine}'s. */
    private static final String[] EDGES = {"Mon, ", "Tue ", "Monday  ", "Thurs ", "Tues, ", "Weds ", "Thur", "Sat,\t", " Jan", " Dec", "<TS>", "x.com",
        "a.b.co.uk", "a_b.com", "x..com", "a.com.", "host.localdomain", "a.info.de", "b.org.Uk", "c.co.ukk", "-x.io",
        "1.2.3/4/5/", "//", "a/b/c", "{x}/y/z", "a\\b\\c\\", "x/é/y/z", "<NUM>/<NUM>/<NUM>", "5 ms", "5ms", "<5 KB",
        "~3 sec", "1.5 hours", "12 secs", "3 µs", "4 KiBx", "2\tdays", "7 s_", "8 minutes", "9 minutesX", "1 hr",
        ">2 day", "<<NUM> ms", "~<TS> s", "3.x", "10 PiB", "6 Bytes", "2 bytes.", "7 bytes=", "3 ms=1", "<NUM> KB=", "AbCdEfAbCd", "abcdefab>", "<abcdefabcd"};

    private static String edgeLine(SplittableRandom r) {
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(0, 20); i > 0; i--) {
            sb.append(r.nextInt(3) == 0 ? EDGES[r.nextInt(EDGES.length)] : randomPart(r));
        }
        return sb.toString();
    }

    private static String randomPart(SplittableRandom r) {
        String one = randomLine(r);
        return one.length() > 12 ? one.substring(0, 12) : one;
    }

    /** Every written-out pattern at every index of a line and of its masked form agrees with its regex. */
    private static void assertScansAgree(String line) {
        for (String s : new String[] {line, new dev.keymem.jobs.text.LineMasker().mask(line)}) {
            for (int i = 0; i < s.length(); i++) {
                assertEquals(null, LineTokens.scanDisagreement(s, i), "'" + s + "'");
            }
        }
    }

    @Test
    void writtenOutPatternsFindTheRegexesMatches() throws Exception {
        SplittableRandom r = new SplittableRandom(47);
        for (int n = 0; n < 2_500; n++) {
            assertScansAgree(randomLine(r));
            String edge = edgeLine(r);
            assertScansAgree(edge);
            check(edge);
        }
        for (int n = 0; n < 150; n++) {
            assertScansAgree(dev.keymem.jobs.text.ShapeLines.json(r));
            assertScansAgree(dev.keymem.jobs.text.ShapeLines.ids(r));
        }
        List<String> real = realLines();
        for (int n = 0; n < real.size(); n += 20) {
            assertScansAgree(real.get(n));
        }
    }

    /** The domain endings' and the units' lookups on characters ({@code oneOf}) answer as the sets' {@code contains}. */
    @Test
    void charTablesEqualTheClassTests() {
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            char ch = (char) c;
            assertEquals(LineTokens.slashedCharReference(ch), LineTokens.slashedChar(ch), "char " + c);
            assertEquals(LineTokens.unitStartReference(ch), LineTokens.unitStart(ch), "char " + c);
        }
        assertTrue(LineTokens.unitStart('\u00b5') && LineTokens.slashedChar('{') && !LineTokens.slashedChar('/'));
    }

    /** {@link LineTokens#unitAfterNumber}'s placeholders compared in place: its reference's answer at every index. */
    @Test
    void unitAfterNumberIsTheReferences() {
        List<String> lines = new java.util.ArrayList<>(List.of("", "<", "<N", "<NU", "<NUM", "<NUM>", "<NUM>ms",
                "<NUM> ms", "<NUM>  ms", "<TS>", "<TS>s", "<TS> h", "<T", "<TS", "<<NUM>ms", "<5ms", "~<NUM>KB",
                ">12.5 GB", "12.", "12.5", "12.5x", "1 µs", "1\u00b5s", "<NUM>\u00b5", "<HEX>ms", "<ID>s", "<NUMS>ms",
                "<NUM>\uD83D\uDE00", "\uD83D<NUM>b", "3\tms", "3\nms", "<TS>\u2028m", "x<NUM>kx"));
        java.util.SplittableRandom r = new java.util.SplittableRandom(23);
        String[] parts = {"<NUM>", "<TS>", "<", ">", "~", "N", "U", "M", "T", "S", "1", "42", ".", " ", "ms", "K", "b",
            "é", "漢", "\uD83D", "\uDE00", "_", "x"};
        for (int i = 0; i < 5_000; i++) {
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(8); k >= 0; k--) {
                b.append(parts[r.nextInt(parts.length)]);
            }
            lines.add(b.toString());
        }
        lines.add("<NUM>ms ".repeat(5_000));
        int found = 0;
        for (String line : lines) {
            char[] cs = line.toCharArray();
            for (int i = 0; i <= cs.length; i++) {
                boolean ref = LineTokens.unitAfterNumberReference(cs, i);
                assertEquals(ref, LineTokens.unitAfterNumber(cs, i), line + " at " + i);
                found += ref ? 1 : 0;
            }
        }
        assertTrue(found > 1_000, found + " found");
    }

    /** The census's endpoint check asks endpointAt only where a dot is in the run before the colon. */
    @Test
    void portCheckOnColonsAfterDotsAndRuns() {
        List<String> lines = new ArrayList<>();
        for (String name : List.of("a.b", "x.y.z", "a.b-c_d", "a..b", "a.", ".a", "1.2", "é.b", "a.é", "a.b c", "a.b/c",
                "a/b.c", "a.b=c", "a b.c", "a@b.c", "http://a.b", "x(B.java", "t.x 12", "a.b:1.c", "a.b:c")) {
            for (String port : List.of(":80", ":12345", ":123456", ":8", ":80)", ":80.", ":80x", ":80 ")) {
                lines.add(name + port);
                lines.add("at 12:00:00.5 " + name + port);
                lines.add(name + port + " at 12:00:00");
                lines.add("h.x " + name + port);
            }
        }
        // dotless endpoints: the pre-filter asks endpointAt only after a dot, right only while endpointAt (as the
        // ENDPOINT regex) wants a dot in the name; and long runs after the dot before many colons (the census reads
        // each run once, CensusStartsPassTest bounds its reads)
        lines.addAll(List.of("[::1]:80", "connect [::1]:80 ok", "[fe80::1%eth0]:8080", "host:8080", "to host:8080",
                "a.b host:8080", "host:8080 a.b", "[2001:db8::1]:443 a.b:443", "x.y [::1]:80",
                "x." + "a".repeat(8000) + ":12".repeat(2667),
                "x." + "a".repeat(8000) + ":12".repeat(2667) + " b.c:80",
                "h." + "a".repeat(3000) + ":12".repeat(500) + " [::1]:80 host:8080"));
        for (String s : lines) {
            assertEquals(LineTokens.preChecksReference(s), LineTokens.preChecks(s.toCharArray()), "pre-checks of '" + s + "'");
        }
    }

    @Test
    void wordLookupsOnCharactersEqualTheSets() {
        List<String> words = new ArrayList<>(List.of("com", "net", "org", "edu", "gov", "mil", "int", "info", "biz",
                "io", "local", "localdomain", "lan", "co", "ac", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB",
                "TiB", "PiB", "byte", "bytes", "B", "kb", "mb", "gb", "ms", "us", "µs", "ns", "s", "sec", "secs",
                "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "day",
                "days", ""));
        for (String w : new ArrayList<>(words)) {
            for (int k = 0; k <= w.length(); k++) {
                words.add(w.substring(0, k));
                words.add(w.substring(k));
                words.add(w + "x");
                words.add(w.toUpperCase(java.util.Locale.ROOT));
            }
        }
        SplittableRandom r = new SplittableRandom(53);
        String alphabet = "abcdefghiklmnorstuvyzBGKMPTµé";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(0, 12); k > 0; k--) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            words.add(sb.toString());
        }
        int members = 0;
        for (String w : words) {
            boolean[] in = LineTokens.inSets(w);
            assertEquals(in[1], in[0], "domain ending '" + w + "'");
            assertEquals(in[3], in[2], "unit '" + w + "'");
            members += in[1] || in[3] ? 1 : 0;
        }
        assertTrue(members > 100, "members met: " + members);
    }

    /** The shapes where masking dominates: JSON-structured lines and lines dense in ids ({@code ShapeLines}). */
    @Test
    void scansEqualTheRegexesOnJsonAndIdLines() {
        SplittableRandom r = new SplittableRandom(43);
        for (int i = 0; i < 1_500; i++) {
            check(dev.keymem.jobs.text.ShapeLines.json(r));
            check(dev.keymem.jobs.text.ShapeLines.ids(r));
        }
    }

    /** The number of {@code <} in {@code s} outside its placeholders ({@code <[A-Z]+>}, {@code <*>}). */
    private static long strayOpenings(String s) {
        return s.replaceAll("<[A-Z]+>|<\\*>", "").chars().filter(c -> c == '<').count();
    }

    /**
     * No placeholder starts inside another and no URL is cut apart: on loghub_2k, OpenStack's route with a hex segment
     * became {@code /v2/<<PATH>} (a path taken from the middle of {@code <HEX>}), Hadoop's jar path
     * {@code hadoop-<<PATH>}, and Mac's and Hadoop's URLs {@code https://<*>?cup2hreq=<*>} (their host masked before
     * the URL, which then no longer matched). Every loghub_2k line: each {@code <} of its masked form outside a
     * placeholder was in the line, and no scheme's {@code ://} is followed by a placeholder.
     */
    @Test
    void noPlaceholderStartsInsideAnotherOnRealLines() throws Exception {
        String route = lt.mask("10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200");
        assertEquals("<IP> \"GET /v2/<HEX>/servers/detail HTTP/<NUM>\" status: <NUM>", route);
        assertEquals(List.of("<*>", "\"GET", "/v2/<*>/servers/detail", "HTTP/<*>\"", "status:", "<*>"),
                List.of(LineTokens.tokens(route)));
        String url = lt.mask("ksfetch fetching URL (<NSMutableURLRequest: 0x1005110b0> { URL: https://tools.google.com/service/"
                + "update2?cup2hreq=53f725cf03f511fab16f19e789ce64aa1eed72395fc246e9f1100748325002f4&cup2key=7:1132320327 })");
        assertEquals("ksfetch fetching URL (<NSMutableURLRequest: <HEX>> { URL: <URL> })", url);
        assertEquals("For more details see: <URL>", lt.mask("For more details see: http://wiki.apache.org/hadoop/NoRouteToHost"));
        assertEquals("<HOST> <HOST> <URL>", lt.mask("db.example.com api.example.com:8080 https://a.b.com:8443/c"));
        int lines = 0;
        for (String line : Loghub.lines("LineTokensScanTest")) {
            String masked = lt.mask(line);
            assertTrue(strayOpenings(masked) <= strayOpenings(line), "'" + line + "' -> '" + masked + "'");
            assertFalse(masked.matches(".*://<[A-Z*]+>.*"), "'" + line + "' -> '" + masked + "'");
            lines++;
        }
        assertTrue(lines == 0 || lines > 20_000, "loghub lines: " + lines);
    }

    /**
     * A stack frame's {@code (File.java:521)} is a file and line, not a host with a port; no host starts after an
     * e-mail address's {@code @} (the masker takes the address whole).
     */
    @Test
    void framesAndMailAddressesAreNoHosts() {
        assertEquals("at a.b.C.run(C.java:<NUM>)", lt.mask("at a.b.C.run(C.java:521)"));
        assertEquals("at a.b.C.run$lambda(C.kt:<NUM>)", lt.mask("at a.b.C.run$lambda(C.kt:52)"));
        assertEquals("connect(<HOST>:<NUM>) (<HOST>) to <HOST>", lt.mask("connect(db.example.com:5432) (db.x.io:80) to h.y.net:443"));
        assertEquals("mail to <EMAIL> via <HOST>", lt.mask("mail to alice@example.com via smtp.example.com"));
        for (String line : List.of("at a.b.C.run(C.java:521)", "x(F.java:52) (F.java:52) f(F.java:52 )",
                "u@db.example.com:5432 a@b.io", "$(h.io:80)")) {
            check(line);
        }
    }

    /**
     * Adversarial lines for the census pass's checks (session 18): unicode (other scripts, surrogate pairs, combining
     * marks, non-ASCII digits and white space), lines of only separators, very long lines (a trace of 2,000 frames, a
     * run of 60,000 characters with no white space), lines like the nonascii and Windows CBS shapes, and stack frames
     * cut at every character.
     */
    @Test
    void scansEqualTheRegexesOnAdversarialLines() {
        SplittableRandom r = new SplittableRandom(61);
        String seps = " .:/\\-@<>()[]{}\"',;=_~$*#\t";
        String uni = "é漢٣\u00a0\u2003\u0301\uD83D\uDE00Жжü߁\u200bFriMonSat.com:80";
        for (int n = 0; n < 3_000; n++) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            for (int k = r.nextInt(0, 60); k > 0; k--) {
                a.append(seps.charAt(r.nextInt(seps.length())));
                b.append(r.nextInt(3) == 0 ? uni.charAt(r.nextInt(uni.length())) : seps.charAt(r.nextInt(seps.length())));
                if (r.nextInt(4) == 0) {
                    b.append(randomPart(r));
                }
            }
            check(a.toString());
            check(b.toString());
        }
        String[] nonascii = {"Превышен размер кэша: 85320 записей", "Verbindung zur Datenbank fehlgeschlagen: "
            + "Zeitüberschreitung nach 72227 ms", "数据库连接失败：超时 4521 毫秒 host=db-3.internal:5432",
            "Échec de connexion à db.example.fr:5432 après 3 s", "ユーザー 8812 のセッションが期限切れ (Mon, Jan 5)"};
        for (String line : nonascii) {
            check("2026-01-23T08:00:00.000Z ERROR payments-ru[1642]: " + line);
        }
        check("1865-05-81 14:83:79, Info                  CBS    Loaded Servicing Stack v6.7.2695.78785 with Core: "
                + "C:\\Windows\\winsxs\\amd88_microsoft-windows-servicingstack_264b988881779e45_1.2.0923.33596_none_967d401602ae0078\\cbscore.dll");
        check("3019-72-71 20:80:93, Info                  CSI    71904281@8673/1/79:46:28:34.371 WcpInitialize "
                + "(wcp.dll version 2.6.3.7) called (stack @5x5e2c136de3e @5x4c520687327 @7x9be87a0488d @7x51290019)");
        String frame = "\tat org.apache.kafka.clients.NetworkClient.getConnection(AbstractEntityPersister.java:717)";
        for (int k = 0; k <= frame.length(); k++) {
            check("java.lang.IllegalStateException: boom" + frame.substring(0, k));
            check(frame.substring(k) + "\n" + frame);
        }
        StringBuilder trace = new StringBuilder("java.util.concurrent.TimeoutException: after 30000 ms on db.example.com:5432");
        for (int k = 0; k < 2_000; k++) {
            trace.append("\n\tat com.acme.P").append(k % 97).append(".run$").append(k).append("(P").append(k % 13)
                    .append(k % 7 == 0 ? ".kt:" : ".java:").append(k * 37 % 100_000).append(')');
        }
        checkLong(trace.toString());
        StringBuilder run = new StringBuilder();
        while (run.length() < 60_000) {
            run.append(randomPart(r).replace(" ", "").replace("\t", ""));
        }
        checkLong(run.toString());
        checkLong(" ".repeat(50_000));
        checkLong(":.".repeat(30_000));
    }

    /** {@link #check}'s checks of the census pass and of the mask, for lines too long for its per-index ones. */
    private void checkLong(String line) {
        char[] cs = line.toCharArray();
        assertEquals(LineTokens.preChecksReference(line), LineTokens.preChecks(cs), "pre-checks of a long line");
        assertEquals(dev.keymem.jobs.text.LineMasker.TokenChecks.of(cs), LineTokens.preChecks(cs), "census checks");
        String masked = lt.maskReference(line);
        assertEquals(masked, lt.mask(line), "mask of a long line");
        assertArrayEquals(LineTokens.tokensReference(masked), LineTokens.tokens(masked), "tokens of a long line");
    }

    /** Long lines: a stack trace per record, logfmt lines ({@code ShapeLines}), with random edits. */
    @Test
    void scansEqualTheRegexesOnStackTracesAndLogfmt() {
        SplittableRandom r = new SplittableRandom(59);
        for (int i = 0; i < 300; i++) {
            check(dev.keymem.jobs.text.ShapeLines.stack(r));
            check(dev.keymem.jobs.text.ShapeLines.kv(r));
        }
    }

    /**
     * {@link LineTokens#message} (words read from a prefix of the line) against {@link LineTokens#messageReference}
     * (all its chars): real lines, raw and masked; random lines; headers whose words cross the prefix's end at every
     * offset around it (a word ending right at it, one going on past it, white space there); multi-line traces.
     */
    @Test
    void messageFromAPrefixIsTheReferences() throws Exception {
        List<String> lines = new ArrayList<>(realLines());
        SplittableRandom r = new SplittableRandom(29);
        for (int n = 0; n < 3_000; n++) {
            lines.add(randomLine(r));
        }
        String[] heads = {"<TS>", "<NUM>", "INFO", "[main]", "-", "[IPC", "handler", "<*>]", "app:", "x", "<ID>"};
        int p = LineTokens.MESSAGE_PREFIX;
        for (int pad = p - 40; pad <= p + 40; pad++) {
            for (String head : heads) {
                StringBuilder b = new StringBuilder();
                while (b.length() < pad - head.length()) {
                    b.append(heads[r.nextInt(heads.length)]).append(r.nextBoolean() ? " " : "\t");
                }
                b.append(head).append(r.nextBoolean() ? " " : "").append("message text ").append(r.nextInt(100));
                lines.add(b.toString());
                lines.add("x".repeat(pad) + " INFO [main] rest of it");
                lines.add("<TS> INFO " + "y".repeat(pad) + ": the message");
                lines.add("<TS> <NUM> ".repeat(pad / 11) + "svc: done");
            }
        }
        StringBuilder trace = new StringBuilder("<TS> ERROR [http-nio-<NUM>-exec-<NUM>] com.acme.Repo - request failed");
        for (int k = 0; k < 80; k++) {
            trace.append("\n\tat com.acme.Svc.run(Svc.java:<NUM>)");
            lines.add(trace.toString());
        }
        for (String line : lines) {
            for (String m : new String[] {line, lt.mask(line)}) {
                assertEquals(LineTokens.messageReference(m), LineTokens.message(m), "message of '" + m + "'");
            }
        }
    }
}
