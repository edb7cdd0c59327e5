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
        out.add("2024-05-01T12:00:00.250Z api[12]: GET /v1/x 200 took 5 ms from 10.0.0.1:8080");
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
}
