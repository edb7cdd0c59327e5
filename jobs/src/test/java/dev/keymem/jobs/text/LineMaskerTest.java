package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class LineMaskerTest {
    final LineMasker m = new LineMasker();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "2024-05-01T12:00:00.123Z INFO started | <TS> INFO started",
        "2024-05-01 12:00:00,5 WARN slow | <TS> WARN slow",
        "at 2024-05-01T12:00:00+02:00 ok | at <TS> ok",
        "date 2024-05-01 | date <TS>",
        "May  1 12:00:00 host sshd: ok | <TS> host sshd: ok",
        "12:00:00.250 tick | <TS> tick",
        "ts=1714564800 done | ts=<TS> done",
        "ts=1714564800123 done | ts=<TS> done",
        "from 10.0.0.12 port 22 | from <IP> port <NUM>",
        "peer 10.0.0.12:8080 | peer <IP>:<NUM>",
        "v6 2001:db8::8a2e:370:7334 up | v6 <IP> up",
        "v6 fe80:0:0:0:202:b3ff:fe1e:8329 up | v6 <IP> up",
        "loopback ::1 | loopback <IP>",
        "req 123e4567-e89b-12d3-a456-426614174000 ok | req <UUID> ok",
        "addr 0x7ffee4b2 fault | addr <HEX> fault",
        "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 | commit <HEX>",
        "word deadbeef stays | word deadbeef stays",
        "open /var/log/app/server.log failed | open <PATH> failed",
        "file C:\\data\\x.txt | file <PATH>",
        "wal=/var/lib/pg_wal/c2fe8ab27a1106669293aa12 done | wal=<PATH> done",
        "GET /api/v1/users/42 200 | GET /api/v1/users/<NUM> <NUM>",
        "see https://example.com/a?b=1 now | see <URL> now",
        "mail bob.smith+x@example.co.uk sent | mail <EMAIL> sent",
        "took 250ms after 3 retries | took <NUM>ms after <NUM> retries",
        "ratio 3.14 version 1.2.3 | ratio <NUM> version <NUM>",
        "user42 and v1 stay | user42 and v1 stay",
        "pool size=20 active=20 waiting=7 | pool size=<NUM> active=<NUM> waiting=<NUM>",
    })
    void masksEachFieldType(String line, String expected) {
        assertEquals(expected, m.mask(line));
    }

    /**
     * MAC addresses: six groups of two hex digits joined by all colons or all hyphens, a whole word, become one
     * {@code <HEX>}; anything else keeps what the other rules make of it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "mac=d8:6c:55:fd:17:5c | mac=<HEX>",
        "bssid 5c:50:15:4c:18:13, last | bssid <HEX>, last",
        "BSSID changed to 64:d9:89:6b:b5:33 | BSSID changed to <HEX>",
        "changed to 64:d9:89:6b:b5:33. | changed to <HEX>.",
        "hw 00-1A-2B-3C-4D-5E up | hw <HEX> up",
        "HWaddr 00:0C:29:3E:5B:7A | HWaddr <HEX>",
        "upper AA:BB:CC:DD:EE:FF lower aa:bb:cc:dd:ee:ff | upper <HEX> lower <HEX>",
        "12:34:56:78:9a:bc first | <HEX> first",
        "(d8:6c:55:fd:17:5c) [d8:6c:55:fd:17:5c] | (<HEX>) [<HEX>]",
        "é d8:6c:55:fd:17:5c漢 | é <HEX>漢",
        "漢d8:6c:55:fd:17:5c | 漢<HEX>",
        "mac=\"d8:6c:55:fd:17:5c\" | mac=\"<HEX>\"",
    })
    void masksAMacAddressWhole(String line, String expected) {
        assertEquals(expected, m.mask(line));
        assertEquals(expected, m.mask(expected), "idempotent");
    }

    /**
     * Not a MAC address: not hex, five or seven groups, mixed separators, glued to a word character, a colon or a
     * hyphen, a group of one or three digits. No {@code <HEX>}, and every separator stays (the other rules only
     * mask the digits).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "gg:hh:ii:jj:kk:ll",
        "five aa:bb:cc:dd:ee",
        "seven aa:bb:cc:dd:ee:ff:0a",
        "mixed aa:bb-cc:dd:ee:ff",
        "mixed aa-bb-cc-dd-ee:ff",
        "glued xd8:6c:55:fd:17:5c",
        "glued d8:6c:55:fd:17:5cx",
        "glued 1d8:6c:55:fd:17:5c",
        "glued d8:6c:55:fd:17:5c_1",
        "in a-d8-6c-55-fd-17-5c",
        "in d8-6c-55-fd-17-5c-a",
        "three digits d8:6c:55:fd:17:5c0",
        "one digit d8:6c:5:fd:17:5c",
    })
    void leavesWhatIsNotAMacAddress(String line) {
        String masked = m.mask(line);
        assertFalse(masked.contains("<HEX>"), masked);
        assertEquals(line.chars().filter(ch -> ch == ':' || ch == '-').count(),
                masked.chars().filter(ch -> ch == ':' || ch == '-').count(), masked);
    }

    @Test
    void linesFromTheSameStatementShareATemplate() {
        String a = m.mask("2024-05-01T10:00:00Z payments: charge 19.99 EUR for order 1234 from 10.1.2.3 took 87ms");
        String b = m.mask("2024-06-30T23:59:59Z payments: charge 5.00 EUR for order 987654 from 192.168.0.1 took 1200ms");
        assertEquals(a, b);
    }

    @Test
    void maskingIsIdempotentAndDeterministic() {
        String[] lines = {
            "2024-05-01T12:00:00Z db: pool exhausted (active=50, idle=0) host 10.0.0.5:5432 trace 4bf92f3577b34da6",
            "May  3 01:02:03 auth: failed login for alice@example.com from 2001:db8::1 /etc/passwd",
            "0xDEADBEEF at /usr/lib/x.so 123e4567-e89b-12d3-a456-426614174000 1714564800",
        };
        for (String line : lines) {
            String once = m.mask(line);
            assertEquals(once, m.mask(once), "idempotent on " + line);
            assertEquals(once, new LineMasker().mask(line), "deterministic on " + line);
        }
    }

    /**
     * Masking a template gives it back on every loghub_2k line: OpenStack's routes hold a hex segment
     * ({@code GET /v2/<HEX>/servers/detail}), where masking the template again must not take the rest of the route
     * for a path ({@code /v2/<HEX><PATH>}); a path starts nowhere right after a placeholder.
     */
    @Test
    void maskingATemplateGivesItBackOnRealLines() throws Exception {
        assertEquals("<IP> \"GET /v2/<HEX>/servers/detail HTTP/<NUM>\"", m.mask(
                "10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\""));
        assertEquals("GET /v2/<HEX>/servers/detail", m.mask("GET /v2/<HEX>/servers/detail"));
        assertEquals("cp <HEX>/var/lib/x <*>/a/b", m.mask("cp 5f3a9c2e1b7d/var/lib/x <*>/a/b"));
        assertEquals("echo x ><PATH> <a><PATH>", m.mask("echo x >/tmp/a/b <a>/c/d"), "after other angle brackets");
        int lines = 0;
        for (String line : Loghub.lines("LineMaskerTest")) {
            String once = m.mask(line);
            assertEquals(once, m.mask(once), "idempotent on " + line);
            lines++;
        }
        assertTrue(lines == 0 || lines > 20_000, "loghub lines: " + lines);
    }

    @Test
    void nullLineIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> m.mask(null));
    }

    /** Random lines built from the characters and fragments the rules look for, in any mix. */
    static String randomLine(SplittableRandom r) {
        String[] parts = {
            "0", "1", "7", "42", "255", "256", "1714564800", "1714564800123", "2024-05-01", "T", "12:00:00", ".123",
            ",5", "Z", "+02:00", ":", "::", ".", "-", "/", "\\", "@", "x", "0x", "X", "deadbeef", "9fceb02d0a", "abc",
            "ABCDEF", "<", ">", " ", "  ", "GET ", "POST ", "May", "Dec", "~", "C:", "http", "://", "user", "_",
            "'", "\"", "%", "+", "é", "漢", "٣", "\t", "123e4567-e89b-12d3-a456-426614174000", "fe80", "10.0.0.1",
            "<NUM>", "<TS>", "a.b", "v1", "Jan ", "Sep", "Oct  ", " 1 ", " 12 ", "123 ", "9:05:01", "00:00:00",
            "23:59:59,999", "a", "Z9", "\u0301", "feedface12", "0a1b2c3d4e5f", "-4e5f-", "1234.", "192.168.", "999.",
            "2024-1-01", "20240-05-01", "17145648001", "a@b.c", "bob.smith+x@example.co.uk", ".x@y", "-@", "+a@b-c.d",
            "2001:db8::8a2e:370:7334", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "fe80::", "::ffff:", ":::", "g", "12345:",
            "1.2.3.4", "255.255.255.255", "256.1.1.1", "01.002.3.4", "249.250.199.200", "1.2.3", "1.2.3.4.5", "9.9.9.9_",
            "{\"", "\": ", "\", \"", "@timestamp", "\"@", "x@", "@-", "@_", ".@a", "a@.b", "[", "]", ",", "=",
            "f7b098a9-4d7f-dc90-eb83-797afa37fe7a", "0x181E290A", "d8:6c:55:fd:17:5c", "[d26b:14a0::1d:2544]:35341",
            "/api/v2/orders/12376", "Mozilla/5.0 (X11; Linux x86_64)", "ip-10-1-2-3.eu-west-1.compute.internal",
            // near the written-out rules' edges: URLs, paths after methods, dates with zones, prefixed hex, IPv6
            "https://a.b/c?d=1", "s3+x.y://", "x://\"", "1ab://q", "PATCH ", "OPTIONS ", "XGET ", "~/", "C:\\", "a/b/",
            "/x@y%z+w/", "2024-05-01T12:00", "2024-05-01 12:00:00+0100", "2024-05-01T12:00:00,5-01:30", "+01:", "-0",
            "2024-05-01T12:00:00.", "0X1f", "0xg", "0x", "a:::b", "1:2:3:4:5:6:7::", "::1", "1::2::3", "12345::",
            "a:b:c:d:e:f:0:1", ":0:", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffff",
            "00-1A-2B-3C-4D-5E", "d8:6c:55:fd:17", "aa:bb:cc:dd:ee:ff:00", "0a-", "Fe:", "12:34:56:78:9a:bc"};
        StringBuilder sb = new StringBuilder();
        for (int i = r.nextInt(0, 25); i > 0; i--) {
            sb.append(parts[r.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    @Test
    void firstCharacterTablesKeepEveryStart() {
        SplittableRandom r = new SplittableRandom(19);
        List<String> lines = new java.util.ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            lines.add(randomLine(r));
        }
        for (int n = 0; n < 500; n++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
        }
        for (String line : lines) {
            for (int i = 0; i < line.length(); i++) {
                assertFalse(LineMasker.startOutsideFirstChars(line, i), "at " + i + " of '" + line + "'");
            }
        }
    }

    /**
     * The rules whose walks ask their tables alone ({@link LineMasker#START_BY_TABLES}) have a {@code Start} test
     * that is exactly those tables: at the start and after every character, each character (ASCII, non-ASCII,
     * surrogates) gives the same answer. A flag on a rule whose test checks more would mask a match the regex
     * does not make.
     */
    @Test
    void startTestsOfTheTableWalksAreTheirTables() {
        char[] probe = {'a', '0', '1', 'f', 'z', 'F', 'Z', '_', '.', ':', '<', '>', '-', '/', ' ', '~', '@', 0,
            0x7f, 0x80, 0xe9, 0x0660, 0x4e2d, 0xd83d, 0xde00, 0xffff};
        int flagged = 0;
        for (int k = 0; k < LineMasker.rules(); k++) {
            if ((LineMasker.START_BY_TABLES >>> k & 1) == 0) {
                continue;
            }
            flagged++;
            java.util.List<Character> chars = new java.util.ArrayList<>();
            for (char c = 0; c < 300; c++) {
                chars.add(c);
            }
            for (char c : probe) {
                chars.add(c);
            }
            for (char c : chars) {
                assertTrue(LineMasker.startIsTables(k, new char[] {c}, 0), "rule " + k + " at the start, " + (int) c);
                for (char p : chars) {
                    char[] s = {p, c, '0', '0'};
                    assertTrue(LineMasker.startIsTables(k, s, 1), "rule " + k + " at " + (int) c + " after " + (int) p);
                }
            }
        }
        assertEquals(9, flagged, "the URL, UUID, syslog, MAC, clock, 0x, hex-run, epoch and number rules");
    }

    /** The one-pass check of the rules that may match a masked message again equals the census' pre-checks. */
    @Test
    void mayChangeMaskedIsTheCensusPrechecks() throws Exception {
        SplittableRandom r = new SplittableRandom(23);
        List<String> lines = new java.util.ArrayList<>();
        for (int n = 0; n < 20_000; n++) {
            lines.add(randomLine(r));
        }
        for (int n = 0; n < 500; n++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
        }
        lines.addAll(List.of("", " ", "a:b", "::", ":::", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8", "d8:<ID>:<NUM>:fd:<NUM>:<ID>:a:b", "a/b", "/a/b", "\\x\\y",
            "s://x", "a@b", "a@b.c", " a@b.c ", ".@-.", "@a.", "x@ y.z", "a.b @c"));
        lines.addAll(Loghub.lines("LineMaskerTest"));
        int yes = 0;
        for (String line : lines) {
            for (String s : new String[] {line, m.mask(line)}) {
                boolean quick = LineMasker.mayChangeMasked(s);
                assertEquals(LineMasker.mayChangeMaskedReference(s), quick, s);
                yes += quick ? 1 : 0;
            }
        }
        assertTrue(yes > 0 && yes < 2 * lines.size(), "true on " + yes);
    }

    /** The shapes where masking dominates (JSON-structured lines, lines dense in ids): scans and regexes agree. */
    @Test
    void jsonAndIdLinesMaskAsEveryRuleApplied() {
        SplittableRandom r = new SplittableRandom(31);
        for (int n = 0; n < 3_000; n++) {
            for (String line : new String[] {ShapeLines.json(r), ShapeLines.ids(r)}) {
                String masked = m.maskPlain(line);
                assertEquals(masked, m.mask(line), "line '" + line + "'");
                String[] text = new String[1];
                char[] cs = m.maskChars(null, line.toCharArray(), text);
                assertEquals(masked, new String(cs), "the characters of line '" + line + "'");
                assertTrue(text[0] == null || text[0].equals(masked), "the text of line '" + line + "'");
                if (n < 300) {
                    assertScansAgree(line, 0, LineMasker.rules());
                }
            }
        }
        String spaced = "  \t x@y.io 10.0.0.1 \u2003";
        String[] text = new String[1];
        assertEquals(m.maskPlain(spaced), new String(m.maskChars(spaced, spaced.toCharArray(), text)));
        assertEquals(null, text[0]);
    }

    /** Every rule's scan at every index of the text the rule sees (the previous rules applied). */
    private static void assertScansAgree(String line, int fromRule, int toRule) {
        String[] stages = new LineMasker().plainStages(line);
        for (int k = fromRule; k < toRule; k++) {
            String s = k == 0 ? line.strip() : stages[k - 1];
            for (int i = 0; i < s.length(); i++) {
                String d = LineMasker.scanDisagreement(k, s, i);
                assertEquals(null, d, "'" + s + "'");
            }
        }
    }

    @Test
    void startTestsKeepEveryMatchAndEndsFindTheRegexesEnd() throws Exception {
        SplittableRandom r = new SplittableRandom(23);
        for (int n = 0; n < 6_000; n++) {
            assertScansAgree(randomLine(r), 0, LineMasker.rules());
        }
        for (String line : Loghub.lines("LineMaskerTest")) {
            assertScansAgree(line, 1, 2); // e-mail
            assertScansAgree(line, 7, 9); // IPv6, IPv4
        }
    }

    @Test
    void preCheckedMaskingEqualsEveryRuleApplied() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        for (int i = 0; i < 30_000; i++) {
            String line = randomLine(r);
            String masked = m.maskPlain(line);
            assertEquals(masked, m.mask(line), "line '" + line + "'");
            char[][] chars = new char[1][];
            assertEquals(masked, m.mask(line, chars), "line '" + line + "'");
            assertEquals(masked, new String(chars[0]), "the characters of line '" + line + "'");
        }
        for (String line : Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8)) {
            assertEquals(m.maskPlain(line), m.mask(line), "line '" + line + "'");
        }
        for (String line : Loghub.lines("LineMaskerTest")) {
            assertEquals(m.maskPlain(line), m.mask(line), "line '" + line + "'");
        }
    }

    /** Whether {@code later}'s counts are at most {@code first}'s where a pre-check compares them with a minimum. */
    private static void assertNoGrowth(LineMasker.Census first, LineMasker.Census later, String what) {
        String m = what;
        assertTrue(later.colons <= first.colons && later.hyphens <= first.hyphens && later.dots <= first.dots
                && later.slashes <= first.slashes && later.ats <= first.ats && later.emailAts <= first.emailAts, m);
        assertTrue(later.maxDigitRun <= first.maxDigitRun && later.maxHexRun <= Math.max(first.maxHexRun, 1), m);
        assertTrue((!later.doubleColon || first.doubleColon) && (!later.schemeSeparator || first.schemeSeparator)
                && (!later.hexPrefix || first.hexPrefix), m);
    }

    /** What makes one census per line enough: no rule's output counts more than the line did. */
    @Test
    void rulesNeverRaiseTheCensus() throws Exception {
        List<String> lines = new java.util.ArrayList<>();
        SplittableRandom r = new SplittableRandom(23);
        for (int i = 0; i < 20_000; i++) {
            lines.add(randomLine(r));
        }
        for (int i = 0; i < 1_000; i++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
        }
        lines.addAll(Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8));
        for (String line : lines) {
            LineMasker.Census first = new LineMasker.Census(line.strip());
            for (String stage : m.plainStages(line)) {
                assertNoGrowth(first, new LineMasker.Census(stage), line + " -> " + stage);
            }
        }
    }

    /** The census of one pass against counts made one by one with the JDK's String methods and regexes. */
    @Test
    void censusEqualsCountsMadeOneByOne() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Loghub.lines("LineMaskerTest"));
        SplittableRandom r = new SplittableRandom(37);
        for (int i = 0; i < 5_000; i++) {
            lines.add(randomLine(r));
        }
        for (int i = 0; i < 300; i++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.stack(r));
            lines.add(ShapeLines.kv(r));
        }
        java.util.regex.Pattern digits = java.util.regex.Pattern.compile("[0-9]+");
        java.util.regex.Pattern hexes = java.util.regex.Pattern.compile("[0-9a-fA-F]+");
        java.util.regex.Pattern emailAt = java.util.regex.Pattern.compile("(?<=[a-zA-Z0-9_.+-])@(?=[a-zA-Z0-9_-])");
        for (String line : lines) {
            LineMasker.Census c = new LineMasker.Census(line);
            String m = "'" + line + "'";
            assertEquals(line.chars().filter(ch -> ch == ':').count(), c.colons, m);
            assertEquals(line.chars().filter(ch -> ch == '-').count(), c.hyphens, m);
            assertEquals(line.chars().filter(ch -> ch == '.').count(), c.dots, m);
            assertEquals(line.chars().filter(ch -> ch == '/' || ch == '\\').count(), c.slashes, m);
            assertEquals(line.chars().filter(ch -> ch == '@').count(), c.ats, m);
            assertEquals(emailAt.matcher(line).results().count(), c.emailAts, m);
            assertEquals(line.contains("::"), c.doubleColon, m);
            assertEquals(line.contains("://"), c.schemeSeparator, m);
            assertEquals(line.contains("0x") || line.contains("0X"), c.hexPrefix, m);
            assertEquals(digits.matcher(line).results().mapToInt(x -> x.end() - x.start()).max().orElse(0), c.maxDigitRun, m);
            assertEquals(hexes.matcher(line).results().mapToInt(x -> x.end() - x.start()).max().orElse(0), c.maxHexRun, m);
        }
    }

    /**
     * Masking that walks positions given by the caller (found with a wider table, as the miner's {@code LineTokens}
     * gives them) equals every rule applied, and leaves the positions those of the result.
     */
    @Test
    void givenPositionsMaskAsEveryRuleAppliedAndEndAsTheResults() throws Exception {
        List<String> lines = new java.util.ArrayList<>(Loghub.lines("LineMaskerTest"));
        SplittableRandom r = new SplittableRandom(41);
        for (int i = 0; i < 2_000; i++) {
            lines.add(randomLine(r));
        }
        for (int i = 0; i < 150; i++) {
            lines.add(ShapeLines.json(r));
            lines.add(ShapeLines.ids(r));
            lines.add(ShapeLines.stack(r));
            lines.add(ShapeLines.kv(r));
        }
        lines.add("  \t x@y.io 10.0.0.1 \u2003");
        boolean[] open = RegexScan.Starts.openWith(RegexScan.firstChars(ch -> ch == '-' || ch == '<' || ch == '.'));
        for (String line : lines) {
            RegexScan.Starts starts = RegexScan.Starts.of(line.toCharArray(), open);
            String[] text = new String[1];
            char[] out = m.maskChars(line, line.toCharArray(), text, starts);
            assertEquals(m.maskPlain(line), new String(out), "'" + line + "'");
            assertArrayEquals(RegexScan.Starts.of(out, open).toArray(), starts.toArray(), "positions of '" + line + "'");
        }
        boolean[] narrow = RegexScan.firstChars(RegexScan::word);
        assertThrows(IllegalArgumentException.class,
                () -> m.maskChars(null, "a b".toCharArray(), new String[1], RegexScan.Starts.of("a b".toCharArray(), narrow)));
    }

    @Test
    void censusCountsWhatThePreChecksNeed() {
        LineMasker.Census c = new LineMasker.Census("a::b://c 0x1F 12345 deadbeef00 x@y.z C:\\d/e - -");
        assertEquals(4, c.colons);
        assertEquals(true, c.doubleColon);
        assertEquals(true, c.schemeSeparator);
        assertEquals(true, c.hexPrefix);
        assertEquals(4, c.slashes);
        assertEquals(1, c.ats);
        assertEquals(1, c.emailAts);
        assertEquals(0, new LineMasker.Census("{\"@timestamp\": 1, x@ @y -@. a@. b@").emailAts);
        assertEquals(3, new LineMasker.Census("a@b .@- +@_").emailAts);
        assertEquals(1, c.dots);
        assertEquals(2, c.hyphens);
        assertEquals(5, c.maxDigitRun);
        assertEquals(10, c.maxHexRun);
        LineMasker.Census none = new LineMasker.Census("plain words only");
        assertEquals(0, none.maxDigitRun + none.colons + none.dots + none.slashes + none.hyphens + none.ats);
        assertEquals(false, none.doubleColon || none.schemeSeparator || none.hexPrefix);
    }

    @Test
    void thePathRuleWithItsStartLookaheadMatchesThePathRuleAsSpecified() throws Exception {
        java.util.regex.Pattern spec = java.util.regex.Pattern.compile(LineMasker.PATH_RULE);
        java.util.regex.Pattern fast = java.util.regex.Pattern.compile(LineMasker.PATH_START + LineMasker.PATH_RULE);
        SplittableRandom r = new SplittableRandom(29);
        java.util.List<String> lines = new java.util.ArrayList<>(
                Files.readAllLines(Path.of("../samples/logs/services.log"), StandardCharsets.UTF_8));
        String[] pathParts = {"/", "/var/", "/x/", "\\\\d\\\\", "/a", "\\", "~", "C:", "x:", "var", "log", "a.b", "@",
            "%", "+", "-", "_", " ", "GET ", "POST ", "OPTIONS ", ".", ":", "<", "é", "42"};
        for (int i = 0; i < 30_000; i++) {
            lines.add(randomLine(r));
            StringBuilder sb = new StringBuilder();
            for (int j = r.nextInt(0, 16); j > 0; j--) {
                sb.append(pathParts[r.nextInt(pathParts.length)]);
            }
            lines.add(sb.toString());
        }
        lines.add("GET /api/v1/x and ~/a/b and C:\\d\\e and x:/a/b and POST /q/r/ and a/b/c and //x/y");
        int matched = 0;
        for (String line : lines) {
            String want = spec.matcher(line).replaceAll("<PATH>");
            assertEquals(want, fast.matcher(line).replaceAll("<PATH>"), "line '" + line + "'");
            matched += want.equals(line) ? 0 : 1;
        }
        assertTrue(matched > 5000, "lines with a path: " + matched);
    }
}
