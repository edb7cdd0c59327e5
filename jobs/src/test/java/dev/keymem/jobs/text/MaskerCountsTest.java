package dev.keymem.jobs.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keymem.jobs.testdata.Loghub;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The masker's census as its rules change the line: the counts of single characters lowered by what each rule
 * removed ({@link LineMasker.Census#removed}) stay at or above those of the line the next rule scans (checked
 * before each rule, {@link LineMasker#watch}, and after the last), and the
 * rules' pre-checks as a switch ({@link LineMasker#mayMatch}) are those the rules hold.
 */
class MaskerCountsTest {
    private final LineMasker m = new LineMasker();

    private static List<String> lines() throws IOException {
        List<String> out = new ArrayList<>(Loghub.lines("MaskerCountsTest"));
        SplittableRandom r = new SplittableRandom(47);
        for (int i = 0; i < 5_000; i++) {
            out.add(LineMaskerTest.randomLine(r));
        }
        for (int i = 0; i < 1_000; i++) {
            out.add(ShapeLines.ids(r));
        }
        out.add("2024-05-01T12:00:00.250Z api[12]: GET /v1/x 200 took 5 ms from 10.0.0.1:8080");
        out.add("Jan 23 08:00:00 host a[1]: at 10:11:12.5 mac 12:34:56:78:90:12 ip ::12:34:56 t 1:02:03");
        out.add("a-b-c 2024-05-01 12:00:00 123e4567-e89b-12d3-a456-426614174000 x:y::z 1.2.3.4.5 a/b/c");
        return out;
    }

    @Test
    void loweredCountsStayAtOrAboveTheMaskedLines() throws IOException {
        for (String line : lines()) {
            LineMasker.Census after = m.censusAfterMask(line);
            LineMasker.Census recount = new LineMasker.Census(m.mask(line));
            assertTrue(after.colons >= recount.colons, line);
            assertTrue(after.hyphens >= recount.hyphens, line);
            assertTrue(after.dots >= recount.dots, line);
            assertTrue(after.slashes >= recount.slashes, line);
            assertTrue(after.ats >= recount.ats, line);
            assertTrue(after.clockColons >= recount.clockColons, line);
        }
    }

    @Test
    void beforeEachRuleTheCountsAreAtOrAboveThoseOfTheLineItScans() throws IOException {
        LineMasker watched = new LineMasker();
        int[] checks = new int[1];
        int[] lowered = new int[1];
        watched.watch = (k, cs, c) -> {
            LineMasker.Census recount = new LineMasker.Census(cs);
            String at = "rule " + k + ": " + new String(cs);
            assertTrue(c.colons >= recount.colons, at);
            assertTrue(c.hyphens >= recount.hyphens, at);
            assertTrue(c.dots >= recount.dots, at);
            assertTrue(c.slashes >= recount.slashes, at);
            assertTrue(c.ats >= recount.ats, at);
            assertTrue(c.clockColons >= recount.clockColons, at);
            checks[0]++;
            if (sum(c) < first[0]) {
                lowered[0]++;
            }
        };
        for (String line : lines()) {
            first[0] = sum(new LineMasker.Census(line));
            watched.censusAfterMask(line);
        }
        assertEquals(lines().size() * LineMasker.rules(), checks[0], "every rule of every line watched");
        assertTrue(lowered[0] > 0, "some rule read counts a rule before it lowered");
    }

    private final int[] first = new int[1];

    private static int sum(LineMasker.Census c) {
        return c.colons + c.hyphens + c.dots + c.slashes + c.ats;
    }

    @Test
    void aMaskedTimeStampsColonsRunNoClockScan() {
        String line = "2024-05-01T12:00:00.250Z started worker 7";
        LineMasker.Census first = new LineMasker.Census(line);
        assertTrue(LineMasker.mayMatch(7, first), "the clock rule's pre-check on the line as given");
        LineMasker.Census after = m.censusAfterMask(line);
        assertEquals(0, after.colons);
        assertEquals(0, after.hyphens);
        assertFalse(LineMasker.mayMatch(5, after));
        assertFalse(LineMasker.mayMatch(7, after));
        assertEquals("<TS> started worker <NUM>", m.mask(line));
    }

    @Test
    void removedSumsAsTheReferenceCounts() throws IOException {
        SplittableRandom r = new SplittableRandom(53);
        List<String> texts = lines();
        // spans longer than a chunk of the sums (4095 chars), and runs of one kind past a field's 12 bits
        texts.add(":".repeat(5000) + "-".repeat(4096) + ".".repeat(9000) + "/\\@".repeat(3000));
        StringBuilder mixed = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            // non-ASCII chars whose low 7 bits are ':' (U+00BA, U+3A3A), '-' (U+00AD) and '@' (U+00C0)
            String kinds = ":-./\\@a0\u00e9\u00ba\u3a3a\u00ad\u00c0\uff1a";
            mixed.append(kinds.charAt(r.nextInt(kinds.length())));
        }
        texts.add(mixed.toString());
        int lowered = 0;
        for (String line : texts) {
            char[] cs = line.toCharArray();
            for (int round = 0; round < 4; round++) {
                int count = r.nextInt(6);
                int[] spans = new int[2 * count];
                int at = 0;
                for (int k = 0; k < count && at <= cs.length; k++) {
                    int from = at + r.nextInt(cs.length - at + 1);
                    int to = from + r.nextInt(cs.length - from + 1);
                    spans[2 * k] = from;
                    spans[2 * k + 1] = to;
                    at = to;
                }
                LineMasker.Census fast = new LineMasker.Census(cs);
                LineMasker.Census reference = new LineMasker.Census(cs);
                fast.removed(cs, spans, count);
                reference.removedReference(cs, spans, count);
                String at2 = count + " spans of: " + (line.length() > 200 ? line.substring(0, 200) : line);
                assertEquals(reference.colons, fast.colons, at2);
                assertEquals(reference.hyphens, fast.hyphens, at2);
                assertEquals(reference.dots, fast.dots, at2);
                assertEquals(reference.slashes, fast.slashes, at2);
                assertEquals(reference.ats, fast.ats, at2);
                assertEquals(reference.clockColons, fast.clockColons, at2);
                lowered += sum(new LineMasker.Census(cs)) - sum(fast);
            }
            LineMasker.Census whole = new LineMasker.Census(cs);
            whole.removed(cs, new int[] {0, cs.length}, 1);
            assertEquals(0, sum(whole), "the whole line removed: " + (line.length() > 200 ? line.substring(0, 200) : line));
        }
        assertTrue(lowered > 0, "some spans held counted characters");
    }

    @Test
    void switchPrechecksAreTheRules() throws IOException {
        int rules = LineMasker.rules();
        int[] passed = new int[rules];
        for (String line : lines()) {
            LineMasker.Census c = new LineMasker.Census(line);
            for (int k = 0; k < rules; k++) {
                assertEquals(LineMasker.mayMatchReference(k, c), LineMasker.mayMatch(k, c), "rule " + k + ": " + line);
                passed[k] += LineMasker.mayMatch(k, c) ? 1 : 0;
            }
        }
        for (int k = 0; k < rules; k++) {
            assertTrue(passed[k] > 0, "rule " + k + "'s pre-check passed on some line");
        }
    }

    @Test
    void anIdsLinesClockAndStampRulesScanNothingOnceTheDateAndMacAreMasked() {
        String line = "2026-01-23T08:00:00.000Z INFO cache[4489]: req=0bb1e330-f38d-2e64-18f9-18e24a8b0188 "
                + "from=10.99.14.163:24707 to=[71f9:b31a:1801:c16c:3279:b364:a28a:cbe1]:16050 mac=12:34:56:1d:9b:00";
        LineMasker.Census first = new LineMasker.Census(line);
        assertEquals(2, first.clockColons, "the time stamp's and the MAC's");
        LineMasker watched = new LineMasker();
        boolean[] passed = new boolean[LineMasker.rules()];
        watched.watch = (k, cs, c) -> passed[k] = LineMasker.mayMatch(k, c);
        watched.censusAfterMask(line);
        assertTrue(passed[5], "the syslog stamp's pre-check: the MAC is masked after it");
        assertFalse(passed[7], "the clock rule's pre-check after the date and MAC rules");
        assertEquals(m.maskPlain(line), m.mask(line));
    }
}
